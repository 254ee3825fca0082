"""Losses: exact values at the clip bounds and at extreme logits, the notes' worked examples, the
gradient rules of the crossentropies, names and (de)serialization, custom losses.

Every expected number is written by hand: derived in the comment next to it from the Keras 2.2.4
formula (conventions/losses.md), computed once in float64 (mpmath, 50 digits) on the float64 (or
float32) values of the constants. eps = K.epsilon() = 1e-7; in float64 eps = 9.99999999999999955e-08
and hi = fl(1 - eps) = 0.99999990000000005264, so 1 - hi = 9.99999999473644e-08; in float32
eps32 = 1.00000001168609742e-07 and hi32 = fl32(1 - eps32) = 1 - 2**-23 = 0.99999988079071044922.
"""

import math

import numpy as np
import pytest

LN2 = math.log(2.0)

# float64 and float32 literals of the clipped crossentropies (see the module docstring)
NEG_LOG_EPS = {"float64": 16.11809565095832, "float32": 16.118095639272223}        # -log(eps)
NEG_LOG_HI = {"float64": 1.0000000494736474e-07, "float32": 1.1920929665620916e-07}  # -log(hi)
NEG_LOG_1MHI = {"float64": 16.118095651484676, "float32": 15.942385152878742}       # -log(1 - hi); f32: 23 ln 2
# tolerance: a few ulps of the value, and 2 ulps of 1.0 in absolute terms for the values near 1e-7 (they come
# out of sums like 1 + 2e-7, which float32 rounds to 1 + 2**-22 and float64 to the nearest 2**-52)
TOL = {"float64": dict(rtol=1e-14, atol=4.5e-16), "float32": dict(rtol=1e-6, atol=2.4e-7)}
DTYPES = ["float64", "float32"]


def c(nn, values, dtype="float64"):
    return nn.constant(np.array(values, dtype=dtype))


def v(nn, values, dtype="float64"):
    return nn.Variable(np.array(values, dtype=dtype))


def grads(nn, fn, *variables):
    with nn.GradientTape() as tape:
        y = nn.ops.sum(fn())
    return y, tape.gradient(y, list(variables))


def close(got, want, dtype, **kw):
    got = got.numpy() if hasattr(got, "numpy") else got
    assert np.asarray(got).dtype == np.dtype(dtype), f"dtype {np.asarray(got).dtype}, expected {dtype}"
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), np.array(want, dtype=np.float64),
                               **{**TOL[dtype], **kw})


# -- probabilities exactly 0 and 1 ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_categorical_crossentropy_at_probabilities_0_and_1(nn, dtype):
    # rows: the target on an output of exactly 0, then on an output of exactly 1 (the rows sum to 1, so
    # the renormalisation changes nothing); clip: 0 -> eps, 1 -> hi; loss = -log(clipped output at the target)
    t = v(nn, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype)
    p = v(nn, [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]], dtype)
    loss, (gt, gp) = grads(nn, lambda: nn.losses.categorical_crossentropy(t, p), t, p)
    out = nn.losses.categorical_crossentropy(t, p)
    close(out, [NEG_LOG_EPS[dtype], NEG_LOG_HI[dtype]], dtype)
    # d/dtarget = -log(clip(p / sum p)): [-log eps, -log hi, -log eps] in both rows
    row = [NEG_LOG_EPS[dtype], NEG_LOG_HI[dtype], NEG_LOG_EPS[dtype]]
    close(gt, [row, row], dtype)
    # d/doutput = 0: every output sits outside [eps, hi], where the clip passes no gradient
    close(gp, np.zeros((2, 3)), dtype, atol=0.0)


def test_categorical_crossentropy_output_gradient_by_hand(nn):
    """The gradient into the output alone (the training case; an implementation may fuse it), by hand:
    q = o / s, L = -sum(t log q), dL/do_j = -t_j / (q_j s) + sum(t) / s where eps <= q_j <= 1 - eps (both
    ends pass: row 0 sits exactly on them), the clipped entries contributing only through s."""
    eps = 1e-7
    t = nn.constant(np.array([[1.0, 0.0], [0.25, 0.75], [0.0, 1.0], [1.0, 0.0]]))
    p = v(nn, [[eps, 1 - eps], [0.2, 0.8], [0.5, 1.5], [0.0, 3.0]])
    loss, (gp,) = grads(nn, lambda: nn.losses.categorical_crossentropy(t, p), p)
    want_loss = -np.log(eps) - 0.25 * np.log(0.2) - 0.75 * np.log(0.8) - np.log(0.75) - np.log(eps)
    close(loss, want_loss, "float64")
    # row 3: q = [0, 1] are both clipped: no gradient at all
    close(gp, [[1 - 1 / eps, 1.0], [-0.25, 0.0625], [0.5, 0.5 - 2 / 3], [0.0, 0.0]], "float64")


@pytest.mark.parametrize("dtype", DTYPES)
def test_sparse_categorical_crossentropy_at_probabilities_0_and_1(nn, dtype):
    # Keras: clip to [eps, hi], log, then the softmax crossentropy on log p, which renormalises the
    # CLIPPED row: loss = -log(p_t) + log(eps + hi + eps). So a zero output costs -log(eps) + log(1 + eps)
    # and a perfect one -log(hi) + log(1 + eps), 1e-7 more than the categorical loss on the same row.
    want = {"float64": [16.118095750958314, 2.0000000000000065e-07],   # -log(eps) + log(2 eps + hi), ...
            "float32": [16.118095720062932, 2.0000000617907794e-07]}
    p = v(nn, [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]], dtype)
    out = nn.losses.sparse_categorical_crossentropy(np.array([0, 1]), p)
    close(out, want[dtype], dtype)
    _, (gp,) = grads(nn, lambda: nn.losses.sparse_categorical_crossentropy(np.array([0, 1]), p), p)
    close(gp, np.zeros((2, 3)), dtype, atol=0.0)  # every output is clipped


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_crossentropy_at_probabilities_0_and_1(nn, dtype):
    # per element (shape (4, 1): the mean over the last axis is the element): p clipped to [eps, hi], turned
    # into the logit l = log(p / (1 - p)), loss = max(l, 0) - l z + log1p(exp(-|l|)) = -log(sigmoid(l)) for
    # z = 1 and -log(1 - sigmoid(l)) for z = 0:
    #   p = 0, z = 1: -log(eps / (eps + hi))        = -log(eps) (+ 1e-17)
    #   p = 1, z = 0: -log((1 - hi) / (hi + 1 - hi)) = -log(1 - hi)      (float32: 23 ln 2)
    #   p = 1, z = 1: -log(hi)
    #   p = 0, z = 0: log(1 + eps / hi)              (float64 1.0000000500000032e-07)
    want = {"float64": [16.11809565095832, 16.118095651484676, 1.0000000494736474e-07, 1.0000000500000032e-07],
            "float32": [16.118095620062935, 15.942385152878742, 1.1920929665620916e-07, 1.0000000808953928e-07]}
    z = v(nn, [[1.0], [0.0], [1.0], [0.0]], dtype)
    p = v(nn, [[0.0], [1.0], [1.0], [0.0]], dtype)
    out = nn.losses.binary_crossentropy(z, p)
    close(out, want[dtype], dtype)
    _, (gz, gp) = grads(nn, lambda: nn.losses.binary_crossentropy(z, p), z, p)
    close(gp, np.zeros((4, 1)), dtype, atol=0.0)  # clipped
    # d/dz = -l: l = log(eps / hi) for p = 0 and log(hi / (1 - hi)) for p = 1
    l0, l1 = {"float64": (-16.118095550958316, 16.11809555148467),
              "float32": (-16.118095520062926, 15.942385033669446)}[dtype]  # f32: log(eps32 / hi32), log(2**23 - 1)
    close(gz, [[-l0], [-l1], [-l1], [-l0]], dtype, rtol=1e-14 if dtype == "float64" else 1e-6)


def test_kld_mape_msle_clip_bounds(nn):
    eps = 1e-7
    # KLD: t = 0 -> eps, p = 0 -> eps: sum(t log(t / p)) = 0.5 log(0.5 / 0.25) + eps log(eps / eps) + ...
    t = c(nn, [[0.5, 0.0, 0.5]])
    p = c(nn, [[0.25, 0.0, 0.75]])
    want = 0.5 * math.log(2.0) + 0.0 + 0.5 * math.log(0.5 / 0.75)
    close(nn.losses.kullback_leibler_divergence(t, p), [want], "float64")
    # p > 1 is clipped to 1: t log(t / 1)
    close(nn.losses.kld(c(nn, [[0.5, 0.5]]), c(nn, [[2.0, 1.0]])), [math.log(0.5)], "float64")
    # MAPE: |y_true| clipped below at eps: 100 * mean(|0 - 0.5| / eps, |2 - 1| / 2) = 100 * (5e6 + 0.5) / 2
    close(nn.losses.mape(c(nn, [[0.0, 2.0]]), c(nn, [[0.5, 1.0]])), [100.0 * (0.5 / eps + 0.5) / 2], "float64")
    # MSLE: negative values clipped to eps: (log(1 + eps) - log(1 + 1))^2
    close(nn.losses.msle(c(nn, [[1.0]]), c(nn, [[-3.0]])), [(math.log1p(eps) - math.log(2.0)) ** 2], "float64")


# -- logits +-1e4 ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sparse", [False, True], ids=["categorical", "sparse"])
def test_crossentropy_from_logits_at_1e4(nn, dtype, sparse):
    # logits [1e4, -1e4, 0]: logsumexp = 1e4 exactly (exp(-1e4) and exp(-2e4) underflow to 0), so the
    # loss of class k is 1e4 - x_k: [0, 2e4, 1e4]; softmax = [1, 0, 0] exactly, gradient softmax - onehot
    x = v(nn, [[1e4, -1e4, 0.0]] * 3, dtype)
    labels = np.array([0, 1, 2])
    onehot = np.eye(3, dtype=dtype)
    if sparse:
        def fn():
            return nn.losses.sparse_categorical_crossentropy(labels, x, from_logits=True)
    else:
        def fn():
            return nn.losses.categorical_crossentropy(onehot, x, from_logits=True)
    close(fn(), [0.0, 2e4, 1e4], dtype, atol=0.0)
    _, (gx,) = grads(nn, fn, x)
    close(gx, [[0.0, 0.0, 0.0], [1.0, -1.0, 0.0], [1.0, 0.0, -1.0]], dtype, atol=0.0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_crossentropy_from_logits_at_1e4(nn, dtype):
    # max(x, 0) - x z + log1p(exp(-|x|)) with exp(-1e4) = 0: [1e4, 1e4, 0, 0];
    # d/dx = sigmoid(x) - z = [1, -1, 0, 0]; d/dz = -x
    x = v(nn, [[1e4], [-1e4], [1e4], [-1e4]], dtype)
    z = v(nn, [[0.0], [1.0], [1.0], [0.0]], dtype)
    close(nn.losses.binary_crossentropy(z, x, from_logits=True), [1e4, 1e4, 0.0, 0.0], dtype, atol=0.0)
    _, (gx, gz) = grads(nn, lambda: nn.losses.binary_crossentropy(z, x, from_logits=True), x, z)
    close(gx, [[1.0], [-1.0], [0.0], [0.0]], dtype, atol=0.0)
    close(gz, [[-1e4], [1e4], [-1e4], [1e4]], dtype, atol=0.0)


def test_logcosh_never_overflows(nn):
    # x + softplus(-2x) - log 2 = |x| - log 2 + log1p(exp(-2|x|)): exactly 1e4 - log 2 at |x| = 1e4
    for dtype in DTYPES:
        out = nn.losses.logcosh(c(nn, [[0.0], [0.0]], dtype), c(nn, [[1e4], [-1e4]], dtype))
        close(out, [1e4 - LN2, 1e4 - LN2], dtype)


# -- gradient rules of the crossentropies ----------------------------------------------------------------------

def test_sigmoid_crossentropy_gradient_at_zero_logit(nn):
    # TensorFlow picks the branches with where(x >= 0): at x = 0 the gradient is sigmoid(0) - z = 0.5 - z
    x = v(nn, [0.0, 0.0, 0.0])
    z = c(nn, [0.0, 0.25, 1.0])
    loss, (gx,) = grads(nn, lambda: nn.ops.sigmoid_cross_entropy_with_logits(z, x), x)
    close(loss, 3 * LN2, "float64")
    close(gx, [0.5, 0.25, -0.5], "float64", atol=0.0)


def test_no_gradient_into_targets_of_the_softmax_crossentropy_from_logits(nn):
    # TensorFlow 1's softmax_cross_entropy_with_logits wraps the labels in stop_gradient (Keras 2.2.4
    # calls it); from probabilities the target gets -log(clip(p / sum p)), from binary logits -x.
    t = v(nn, [[0.2, 0.8]])
    x = v(nn, [[0.0, 0.0]])
    with nn.GradientTape() as tape:
        y = nn.ops.sum(nn.losses.categorical_crossentropy(t, x, from_logits=True))
    gt, gx = tape.gradient(y, [t, x])
    assert gt is None
    close(gx, [[0.5 - 0.2, 0.5 - 0.8]], "float64")
    p = v(nn, [[0.25, 0.75]])
    _, (gt,) = grads(nn, lambda: nn.losses.categorical_crossentropy(t, p), t)
    close(gt, [[-math.log(0.25), -math.log(0.75)]], "float64")


def test_softmax_crossentropy_gradient_with_unnormalised_labels(nn):
    # loss = -sum(t log softmax(x)) = 2 log 3 at x = 0, t = [2, 0, 0]; its exact gradient is
    # softmax * sum(t) - t = [2/3 - 2, 2/3, 2/3] (TensorFlow's fused kernel returns softmax - t, which
    # assumes sum(t) = 1; both agree on distributions)
    x = v(nn, [[0.0, 0.0, 0.0]])
    loss, (gx,) = grads(nn, lambda: nn.ops.softmax_cross_entropy_with_logits(c(nn, [[2.0, 0.0, 0.0]]), x), x)
    close(loss, 2 * math.log(3.0), "float64")
    close(gx, [[2 / 3 - 2, 2 / 3, 2 / 3]], "float64", rtol=1e-15)


def test_categorical_crossentropy_from_logits_honours_axis(nn):
    # classes on axis 0 (Keras 2.2.4 passed no axis to TensorFlow here and used the last one): the
    # columns [0, log 3] with targets [0, 1]: -log(3 / 4) and [log 3, 0] with [1, 0]: -log(3 / 4)
    x = c(nn, [[0.0, math.log(3.0)], [math.log(3.0), 0.0]])
    t = c(nn, [[0.0, 1.0], [1.0, 0.0]])
    close(nn.losses.categorical_crossentropy(t, x, from_logits=True, axis=0), [math.log(4 / 3)] * 2, "float64")


def test_sparse_targets_shapes_and_errors(nn):
    p = c(nn, [[0.5, 0.25, 0.25], [0.125, 0.125, 0.75]])
    want = [-math.log(0.5), -math.log(0.75)]
    # (batch,), (batch, 1), and float targets as Keras' training feeds them (cast to int, truncating)
    for t in (np.array([0, 2]), np.array([[0], [2]]), np.array([[0.0], [2.0]]), np.array([[0.9], [2.5]])):
        close(nn.losses.sparse_categorical_crossentropy(t, p), want, "float64", rtol=1e-15)
    with pytest.raises(ValueError, match="outside the valid range"):
        nn.losses.sparse_categorical_crossentropy(np.array([0, 3]), p)
    with pytest.raises(ValueError, match="target of shape"):
        nn.losses.sparse_categorical_crossentropy(np.array([0, 1, 2]), p)


# -- the lecture notes' worked examples (seed-watson.md section 3) ----------------------------------------------

def test_notes_n3_crossentropy(nn):
    # N3: class 2 of [0.1, 0.9, 0] and of [0.45, 0.01, 0.54]: -log(0.9) = 0.105, -log(0.01) = 4.6
    # (recomputed 0.1053605, 4.6051702). Keras agrees: the rows sum to 1 and the 0 is not the target.
    p = c(nn, [[0.1, 0.9, 0.0], [0.45, 0.01, 0.54]])
    t = c(nn, [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    close(nn.losses.categorical_crossentropy(t, p), [0.1053605156578263, 4.605170185988092], "float64",
          rtol=1e-13)
    # the sparse form adds log(sum of the clipped row) = log(1 + eps) for the row holding a 0:
    # -log(0.9) + log(1 + 1e-7) = 0.1053606156578213 (the notes' 7 digits cannot tell)
    close(nn.losses.sparse_categorical_crossentropy(np.array([1, 1]), p), [0.1053606156578213, 4.605170185988092],
          "float64", rtol=1e-13)


def test_notes_n4_mse_and_logcosh(nn):
    # N4: (y_hat, y) = (3.3, 3.2): MSE 0.01, logcosh 0.005 (0.00499169); (9.1, 3.2): MSE 34.81, logcosh
    # 5.21 (5.20686). Float64 of the differences: 3.3 - 3.2 = 0.09999999999999964, 9.1 - 3.2 = 5.8999999999999995
    y = c(nn, [[3.2], [3.2]])
    y_hat = c(nn, [[3.3], [9.1]])
    close(nn.losses.mean_squared_error(y, y_hat), [0.009999999999999929, 34.809999999999995], "float64")
    # log(cosh(x)) of those differences; Keras' x + softplus(-2x) - log 2 cancels to ~1e-16 absolute
    close(nn.losses.logcosh(y, y_hat), [0.004991688821646495, 5.20686032396981], "float64", rtol=1e-13, atol=1e-16)


def test_notes_n1_softmax_crossentropy(nn):
    # N1: softmax([-1, 2, -3]) = [0.0471234, 0.9464991, 0.0063775]; the crossentropy from logits of class k
    # is -log softmax_k = logsumexp - x_k = [3.0549852353771474, 0.054985235377147425, 5.054985235377147]
    x = c(nn, [[-1.0, 2.0, -3.0]] * 3)
    out = nn.losses.sparse_categorical_crossentropy(np.array([0, 1, 2]), x, from_logits=True)
    close(out, [3.0549852353771474, 0.054985235377147425, 5.054985235377147], "float64")
    np.testing.assert_allclose(np.exp(-out.numpy()), [0.0471234, 0.9464991, 0.0063775], atol=5e-8)


def test_notes_n5_cosine_proximity(nn):
    # N5: with y = [1, 2, 3] the minimum -1 is reached at y_hat = c y for any c > 0 (+1 for c < 0)
    y = c(nn, [[1.0, 2.0, 3.0]] * 4)
    y_hat = c(nn, [[1.0, 2.0, 3.0], [0.5, 1.0, 1.5], [-2.0, -4.0, -6.0], [3.0, 2.0, 1.0]])
    # the last: -(3 + 4 + 3) / 14 = -10/14
    close(nn.losses.cosine_proximity(y, y_hat), [-1.0, -1.0, 1.0, -10 / 14], "float64", rtol=1e-15)
    # a zero vector: l2_normalize divides by sqrt(max(0, 1e-12)), so the loss is 0, not nan
    close(nn.losses.cosine_proximity(c(nn, [[0.0, 0.0]]), c(nn, [[1.0, 2.0]])), [0.0], "float64", atol=0.0)


def test_custom_loss_through_gradient_tape_notes_n9_vae_kl(nn):
    # A custom loss is any (y_true, y_pred) function of ops. The notes' VAE KL term (N9):
    # -0.5 * K.mean(1 + L - mu^2 - exp(L)) for mu = [0.5, -1], L = [0.2, -0.3] is 0.3280552 (the
    # theorem's KL 0.6561105 divided by n = 2, as the code's K.mean does).
    def vae_kl(mu, log_var):
        o = nn.ops
        return o.multiply(o.mean(o.subtract(o.subtract(o.add(1.0, log_var), o.square(mu)), o.exp(log_var)),
                                 axis=-1), -0.5)
    mu = v(nn, [[0.5, -1.0]])
    log_var = v(nn, [[0.2, -0.3]])
    loss, (g_mu, g_lv) = grads(nn, lambda: vae_kl(mu, log_var), mu, log_var)
    close(loss, 0.3280552447104719, "float64", rtol=1e-15)
    # d/dmu = mu / n; d/dL = -0.5 (1 - exp(L)) / n
    close(g_mu, [[0.25, -0.5]], "float64", rtol=1e-15)
    close(g_lv, [[-0.25 * (1 - math.exp(0.2)), -0.25 * (1 - math.exp(-0.3))]], "float64", rtol=1e-14)


def test_custom_loss_as_a_plain_function(nn):
    def weighted_mse(y_true, y_pred):
        return nn.ops.mean(nn.ops.multiply(nn.ops.square(nn.ops.subtract(y_pred, y_true)), [1.0, 3.0]), axis=-1)
    assert nn.losses.get(weighted_mse) is weighted_mse
    y = c(nn, [[1.0, 2.0]])
    y_hat = v(nn, [[2.0, 4.0]])
    loss, (g,) = grads(nn, lambda: weighted_mse(y, y_hat), y_hat)
    close(loss, (1.0 + 3.0 * 4.0) / 2, "float64")
    close(g, [[1.0 * 2 * 1.0 / 2, 3.0 * 2 * 2.0 / 2]], "float64")


# -- semantics of the whole family ----------------------------------------------------------------------------------

def test_hinge_takes_labels_as_given(nn):
    # Keras 2.2.4 does not map {0, 1} labels to {-1, 1} (tf.keras and Keras 3 do):
    # mean(max(1 - 0 * 0.3, 0), max(1 - 1 * 0.3, 0)) = (1 + 0.7) / 2
    close(nn.losses.hinge(c(nn, [[0.0, 1.0]]), c(nn, [[0.3, 0.3]])), [0.85], "float64", rtol=1e-15)
    close(nn.losses.squared_hinge(c(nn, [[0.0, 1.0]]), c(nn, [[0.3, 0.3]])), [(1 + 0.49) / 2], "float64",
          rtol=1e-15)
    # categorical hinge: pos = 0.7, neg = max(0.2, 0.1) = 0.2 -> max(0, 0.2 - 0.7 + 1) = 0.5
    close(nn.losses.categorical_hinge(c(nn, [[0.0, 1.0, 0.0]]), c(nn, [[0.2, 0.7, 0.1]])), [0.5], "float64",
          rtol=1e-15)


@pytest.mark.parametrize("name", ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
                                  "mean_squared_logarithmic_error", "squared_hinge", "hinge", "categorical_hinge",
                                  "logcosh", "categorical_crossentropy", "binary_crossentropy",
                                  "kullback_leibler_divergence", "poisson", "cosine_proximity"])
def test_only_the_last_axis_is_reduced_and_dtype_follows_y_pred(nn, name):
    fn = nn.losses.get(name)
    rng = np.random.default_rng(0)
    y_true = rng.uniform(0.1, 0.9, size=(2, 3, 4))
    y_pred = rng.uniform(0.1, 0.9, size=(2, 3, 4)).astype(np.float32)
    out = fn(y_true, y_pred)
    assert out.shape == (2, 3) and out.dtype == np.float32
    # integer targets are cast to y_pred's dtype too
    assert fn(np.ones((3, 4), dtype=np.int64), y_pred[0]).dtype == np.float32


def test_aliases_are_the_same_functions(nn):
    L = nn.losses
    assert L.mse is L.MSE is L.mean_squared_error
    assert L.mae is L.MAE is L.mean_absolute_error
    assert L.mape is L.MAPE is L.mean_absolute_percentage_error
    assert L.msle is L.MSLE is L.mean_squared_logarithmic_error
    assert L.kld is L.KLD is L.kullback_leibler_divergence
    assert L.cosine is L.cosine_proximity


def test_get_serialize_deserialize(nn):
    L = nn.losses
    assert L.get(None) is None
    assert L.get("mse") is L.mean_squared_error
    assert L.get("binary_crossentropy") is L.binary_crossentropy
    assert L.get({"class_name": "logcosh", "config": {}}) is L.logcosh
    assert L.serialize(L.mse) == "mean_squared_error"
    assert L.serialize(L.cosine) == "cosine_proximity"
    assert L.deserialize("KLD") is L.kullback_leibler_divergence
    for name in ("mean_squared_error", "categorical_crossentropy", "sparse_categorical_crossentropy", "hinge"):
        assert L.serialize(L.deserialize(name)) == name

    def my_loss(y_true, y_pred):
        return nn.ops.mean(y_pred, axis=-1)
    assert L.serialize(my_loss) == "my_loss"
    assert L.deserialize("my_loss", custom_objects={"my_loss": my_loss}) is my_loss
    with pytest.raises(ValueError, match="Unknown loss function: 'my_loss'.*mean_squared_error"):
        L.deserialize("my_loss")
    with pytest.raises(ValueError, match="Valid names: .*binary_crossentropy.*categorical_hinge"):
        L.get("mean_square_error")
    with pytest.raises(ValueError, match="Could not interpret"):
        L.get(42)
