"""Activations beyond the case table: exact values, the books' worked examples, extreme inputs,
gradients at the kinks, Keras 2.2.4's rank rules and argument paths, and get / serialize / deserialize.

Every expectation is written by hand (or with the math module), never computed by nnspec.
"""

import math

import numpy as np
import pytest

INF = np.inf
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
KERAS_NAMES = ["elu", "exponential", "hard_sigmoid", "linear", "relu", "selu", "sigmoid", "softmax",
               "softplus", "softsign", "tanh"]


def _value_and_grad(nn, fn, x):
    x = np.asarray(x)
    v = nn.Variable(x if x.dtype.kind == "f" else x.astype(np.float64))
    with nn.GradientTape() as tape:
        y = fn(v)
        s = nn.ops.sum(y)
    return y.numpy(), tape.gradient(s, v).numpy()


# -- the books' worked examples ----------------------------------------------------------------------

def test_watson_softmax_worked_example(nn):
    """Watson L69: softmax([-1, 2, -3]); the notes print [0.0471234, 0.9464991, 0.0063775]."""
    den = math.exp(-1) + math.exp(2) + math.exp(-3)
    exact = np.array([math.exp(-1) / den, math.exp(2) / den, math.exp(-3) / den])
    # the Keras activation needs a batch: one row
    got = nn.activations.softmax(nn.constant(np.array([[-1.0, 2.0, -3.0]]))).numpy()
    np.testing.assert_allclose(got, exact[None], rtol=1e-15, atol=0)
    np.testing.assert_allclose(got[0], [0.0471234, 0.9464991, 0.0063775], rtol=0, atol=5e-8)
    # the op (K.softmax) takes the vector itself
    np.testing.assert_allclose(nn.ops.softmax(nn.constant(np.array([-1.0, 2.0, -3.0]))).numpy(), exact,
                               rtol=1e-15, atol=0)


def test_watson_elu_worked_example(nn):
    """Watson L1045 (alpha = 1): ELU([-2, -1, 0, 1]) = [-0.8646647, -0.6321206, 0, 1]."""
    got = nn.activations.elu(nn.constant(np.array([-2.0, -1.0, 0.0, 1.0]))).numpy()
    np.testing.assert_allclose(got, [math.expm1(-2), math.expm1(-1), 0.0, 1.0], rtol=1e-15, atol=0)
    np.testing.assert_allclose(got, [-0.8646647, -0.6321206, 0.0, 1.0], rtol=0, atol=5e-8)


# -- extreme values (no finite differences: exact answers) ---------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softmax_of_huge_logits_is_exact(nn, dtype):
    x = nn.constant(np.array([[1000.0, 0.0, -1000.0]], dtype=dtype))
    y = nn.activations.softmax(x).numpy()
    assert y.dtype == dtype
    np.testing.assert_array_equal(y, np.array([[1.0, 0.0, 0.0]], dtype=dtype))
    ly = nn.ops.log_softmax(x).numpy()
    assert ly.dtype == dtype
    np.testing.assert_array_equal(ly, np.array([[0.0, -1000.0, -2000.0]], dtype=dtype))


def test_softmax_with_minus_inf_logits(nn):
    """A -inf logit gets probability 0 (log-probability -inf); the rest is an ordinary softmax."""
    y = nn.ops.softmax(nn.constant(np.array([-INF, 0.0, 0.0]))).numpy()
    np.testing.assert_array_equal(y, [0.0, 0.5, 0.5])
    ly = nn.ops.log_softmax(nn.constant(np.array([-INF, 0.0, 0.0]))).numpy()
    np.testing.assert_array_equal(ly[0], -INF)
    np.testing.assert_allclose(ly[1:], [-math.log(2)] * 2, rtol=1e-15)


@pytest.mark.parametrize("name", sorted(set(KERAS_NAMES) - {"softmax"}))
def test_elementwise_activations_propagate_nan(nn, name):
    """NaN in, NaN out, as NumPy's ufuncs do (a fused kernel written as ``x > 0 ? x : 0`` would give 0)."""
    y = nn.activations.get(name)(nn.constant(np.array([np.nan, -1.0, 1.0], dtype=np.float32))).numpy()
    assert np.isnan(y[0]) and np.isfinite(y[1:]).all()


def test_softmax_and_log_softmax_propagate_nan_along_the_row(nn):
    x = nn.constant(np.array([[np.nan, 1.0, -1.0], [0.0, 1.0, 2.0]], dtype=np.float32))
    for y in (nn.activations.softmax(x).numpy(), nn.ops.log_softmax(x).numpy()):
        assert np.isnan(y[0]).all() and np.isfinite(y[1]).all()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softplus_extremes(nn, dtype):
    """softplus(x) = x + log1p(exp(-x)): exactly 0 and x far out, exp(x) to full precision for x << 0."""
    x = np.array([-800.0, -40.0, 0.0, 40.0, 800.0], dtype=dtype)
    y, g = _value_and_grad(nn, nn.activations.softplus, x)
    assert y.dtype == dtype and g.dtype == dtype
    rtol = 1e-15 if dtype == np.float64 else 1e-7
    np.testing.assert_allclose(y, [0.0, math.exp(-40), math.log(2), 40.0, 800.0], rtol=rtol, atol=0)
    np.testing.assert_array_equal(y[[0, 3, 4]], np.array([0.0, 40.0, 800.0], dtype=dtype))
    np.testing.assert_allclose(g, [0.0, math.exp(-40), 0.5, 1.0, 1.0], rtol=rtol, atol=0)


def test_log1p_and_expm1_keep_tiny_values(nn):
    x = nn.constant(np.array([1e-20, -3e-17, 0.0]))
    np.testing.assert_array_equal(nn.ops.log1p(x).numpy(), [1e-20, -3e-17, 0.0])
    np.testing.assert_array_equal(nn.ops.expm1(x).numpy(), [1e-20, -3e-17, 0.0])
    np.testing.assert_array_equal(nn.ops.log1p(nn.constant(np.array([-1.0]))).numpy(), [-INF])
    _, g = _value_and_grad(nn, nn.ops.log1p, [0.0, 1.0, 3.0])
    np.testing.assert_array_equal(g, [1.0, 0.5, 0.25])
    _, g = _value_and_grad(nn, nn.ops.expm1, [0.0, 1.0])
    np.testing.assert_allclose(g, [1.0, math.e], rtol=1e-15)


def test_elu_and_selu_saturate(nn):
    y = nn.activations.elu(nn.constant(np.array([-1000.0, 1000.0])), alpha=0.5).numpy()
    np.testing.assert_array_equal(y, [-0.5, 1000.0])
    y = nn.activations.selu(nn.constant(np.array([-1000.0, 1.0, 0.0]))).numpy()
    np.testing.assert_array_equal(y, [-SELU_SCALE * SELU_ALPHA, SELU_SCALE, 0.0])
    np.testing.assert_allclose(-SELU_SCALE * SELU_ALPHA, -1.7580993408473766, rtol=1e-16)


def test_elu_large_input_has_finite_gradient(nn):
    """The branch that is not taken (exp of a huge x) never reaches the gradient as 0 * inf."""
    _, g = _value_and_grad(nn, nn.activations.elu, [1000.0, -1000.0])
    np.testing.assert_array_equal(g, [1.0, 0.0])
    _, g = _value_and_grad(nn, nn.activations.selu, [1000.0])
    np.testing.assert_array_equal(g, [SELU_SCALE])


# -- values and gradients at the kinks -----------------------------------------------------------------

KINK_ROWS = [
    # name, fn(nn) -> activation, x, expected value, expected gradient of sum
    ("hard_sigmoid_three_regions", lambda nn: nn.activations.hard_sigmoid,
     [-3.0, -2.5, -1.0, 0.0, 1.0, 2.5, 3.0], [0.0, 0.0, 0.3, 0.5, 0.7, 1.0, 1.0],
     [0.0, 0.2, 0.2, 0.2, 0.2, 0.2, 0.0]),  # tf.clip_by_value passes the gradient at both ends
    ("relu_default", lambda nn: nn.activations.relu, [-1.0, 0.0, 2.0], [0.0, 0.0, 2.0], [0.0, 0.0, 1.0]),
    ("relu_leaky_alpha_at_zero", lambda nn: lambda x: nn.activations.relu(x, alpha=0.1),
     [-2.0, 0.0, 3.0], [-0.2, 0.0, 3.0], [0.1, 0.1, 1.0]),
    ("relu_threshold_zero_grad_at_threshold", lambda nn: lambda x: nn.activations.relu(x, threshold=1.0),
     [0.5, 1.0, 1.5], [0.0, 0.0, 1.5], [0.0, 0.0, 1.0]),
    ("relu_alpha_threshold", lambda nn: lambda x: nn.activations.relu(x, alpha=0.5, threshold=1.0),
     [-1.0, 0.0, 1.0, 2.0], [-1.0, -0.5, 0.0, 2.0], [0.5, 0.5, 0.0, 1.0]),
    ("relu_max_value_passes_at_max", lambda nn: lambda x: nn.activations.relu(x, max_value=5.0),
     [-1.0, 0.0, 3.0, 5.0, 7.0], [0.0, 0.0, 3.0, 5.0, 5.0], [0.0, 0.0, 1.0, 1.0, 0.0]),
    ("relu6_zero_grad_at_6", lambda nn: lambda x: nn.activations.relu(x, max_value=6),
     [-1.0, 0.0, 3.0, 6.0, 7.0], [0.0, 0.0, 3.0, 6.0, 6.0], [0.0, 0.0, 1.0, 0.0, 0.0]),
    ("relu_alpha_max_value", lambda nn: lambda x: nn.activations.relu(x, alpha=0.25, max_value=2.0),
     [-4.0, -1.0, 1.0, 3.0], [-1.0, -0.25, 1.0, 2.0], [0.25, 0.25, 1.0, 0.0]),
    # negative threshold, no max_value: x in (threshold, 0) passes through
    ("relu_negative_threshold", lambda nn: lambda x: nn.activations.relu(x, threshold=-1.0),
     [-2.0, -1.0, -0.5, 2.0], [0.0, 0.0, -0.5, 2.0], [0.0, 0.0, 1.0, 1.0]),
    # negative threshold with max_value: x in (threshold, 0) is clipped to 0 (Keras 2.2.4 K.relu)
    ("relu_negative_threshold_max_value",
     lambda nn: lambda x: nn.activations.relu(x, alpha=0.5, max_value=3.0, threshold=-1.0),
     [-3.0, -0.5, 1.0, 4.0], [-1.0, 0.0, 1.0, 3.0], [0.5, 0.0, 1.0, 0.0]),
    ("elu_grad_one_at_zero", lambda nn: nn.activations.elu, [-1.0, 0.0, 1.0],
     [math.expm1(-1), 0.0, 1.0], [math.exp(-1), 1.0, 1.0]),
    ("elu_alpha_grad_alpha_at_zero", lambda nn: lambda x: nn.activations.elu(x, alpha=0.5), [-1.0, 0.0, 1.0],
     [0.5 * math.expm1(-1), 0.0, 1.0], [0.5 * math.exp(-1), 0.5, 1.0]),
    ("selu_grad_at_zero", lambda nn: nn.activations.selu, [0.0, 2.0], [0.0, 2.0 * SELU_SCALE],
     [SELU_SCALE * SELU_ALPHA, SELU_SCALE]),
    ("softsign_at_zero", lambda nn: nn.activations.softsign, [-3.0, 0.0, 1.0], [-0.75, 0.0, 0.5],
     [1 / 16, 1.0, 0.25]),
    ("softplus_at_zero", lambda nn: nn.activations.softplus, [0.0], [math.log(2)], [0.5]),
    ("exponential", lambda nn: nn.activations.exponential, [0.0, 1.0], [1.0, math.e], [1.0, math.e]),
]


@pytest.mark.parametrize("name, make, x, want, want_grad", KINK_ROWS, ids=[r[0] for r in KINK_ROWS])
def test_values_and_gradients_at_kinks(nn, name, make, x, want, want_grad):
    y, g = _value_and_grad(nn, make(nn), x)
    np.testing.assert_allclose(y, want, rtol=1e-15, atol=1e-16)
    np.testing.assert_allclose(g, want_grad, rtol=1e-15, atol=1e-16)


def test_softmax_gradient_is_zero_along_a_row(nn):
    """d sum(softmax) / dx = 0: the rows always sum to 1."""
    _, g = _value_and_grad(nn, nn.activations.softmax, [[0.5, -1.0, 2.0], [3.0, 3.0, -3.0]])
    np.testing.assert_allclose(g, np.zeros((2, 3)), rtol=0, atol=1e-16)


def test_log_softmax_gradient_of_sum(nn):
    """d sum(log_softmax(x)) / dx_i = 1 - n softmax_i: for equal logits, 1 - n / n = 0."""
    _, g = _value_and_grad(nn, nn.ops.log_softmax, [[2.0, 2.0, 2.0, 2.0], [0.0, math.log(3), 0.0, 0.0]])
    np.testing.assert_allclose(g[0], [0.0] * 4, atol=1e-15)
    np.testing.assert_allclose(g[1], [1 - 4 / 6, 1 - 4 * 3 / 6, 1 - 4 / 6, 1 - 4 / 6], rtol=1e-14)


# -- Keras 2.2.4 softmax rank rules ------------------------------------------------------------------

def test_softmax_rank2_ignores_axis(nn):
    """Keras 2.2.4 calls K.softmax(x) for a matrix, without the axis: every row sums to 1 whatever axis."""
    x = np.array([[0.0, math.log(3)], [math.log(2), math.log(2)]])
    for axis in (-1, 0, 1):
        y = nn.activations.softmax(nn.constant(x), axis=axis).numpy()
        np.testing.assert_allclose(y, [[0.25, 0.75], [0.5, 0.5]], rtol=1e-15)
    # the op honours the axis
    y = nn.ops.softmax(nn.constant(x), axis=0).numpy()
    np.testing.assert_allclose(y, [[1 / 3, 0.6], [2 / 3, 0.4]], rtol=1e-15)


def test_softmax_rank3_uses_axis(nn):
    x = np.zeros((2, 3, 4))
    x[0, 2, 1] = math.log(4)  # along axis 1, column (0, :, 1) is [1, 1, 4] / 6
    y = nn.activations.softmax(nn.constant(x), axis=1).numpy()
    np.testing.assert_allclose(y[0, :, 1], [1 / 6, 1 / 6, 4 / 6], rtol=1e-15)
    np.testing.assert_allclose(y[1], np.full((3, 4), 1 / 3), rtol=1e-15)
    y = nn.activations.softmax(nn.constant(x)).numpy()
    np.testing.assert_allclose(y[0, 2], [1 / 7, 4 / 7, 1 / 7, 1 / 7], rtol=1e-15)


@pytest.mark.parametrize("x", [np.array([1.0, 2.0, 3.0]), np.array(1.0)], ids=["rank1", "rank0"])
def test_softmax_activation_refuses_vectors(nn, x):
    with pytest.raises(ValueError, match=r"softmax.*Cannot apply softmax to a tensor that is 1D"):
        nn.activations.softmax(nn.constant(x))


def test_softmax_op_errors(nn):
    with pytest.raises(ValueError, match="softmax"):
        nn.ops.softmax(nn.constant(np.array(1.0)))
    with pytest.raises(ValueError, match="log_softmax: axis 2 is out of range"):
        nn.ops.log_softmax(nn.constant(np.ones((2, 2))), axis=2)


# -- dtypes and identity -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", KERAS_NAMES)
def test_every_activation_keeps_float32(nn, name):
    x = nn.constant(np.array([[-1.5, 0.25, 2.0]], dtype=np.float32))
    y = nn.activations.get(name)(x)
    assert y.dtype == np.float32 and y.shape == (1, 3)


def test_linear_returns_its_input(nn):
    x = nn.constant(np.array([1.0, -2.0]))
    assert nn.activations.linear(x) is x
    assert nn.activations.get(None) is nn.activations.linear


def test_activations_accept_arrays(nn):
    y = nn.activations.relu(np.array([-1.0, 2.0]), alpha=0.5)
    np.testing.assert_array_equal(y.numpy(), [-0.5, 2.0])


# -- get / serialize / deserialize -------------------------------------------------------------------

def test_the_keras_names(nn):
    for name in KERAS_NAMES:
        fn = nn.activations.get(name)
        assert fn is getattr(nn.activations, name)
        assert nn.activations.serialize(fn) == name
        assert nn.activations.deserialize(name) is fn


def test_get_passes_callables_through(nn):
    def swish(x):
        return x * nn.ops.sigmoid(x)
    assert nn.activations.get(swish) is swish
    assert nn.activations.serialize(swish) == "swish"
    assert nn.activations.deserialize("swish", custom_objects={"swish": swish}) is swish


def test_get_unknown_name_lists_the_valid_ones(nn):
    with pytest.raises(ValueError, match="Unknown activation function: leaky_relu") as err:
        nn.activations.get("leaky_relu")
    for name in KERAS_NAMES:
        assert name in str(err.value)


@pytest.mark.parametrize("bad", [3, 0.5, ["relu"]])
def test_get_rejects_other_identifiers(nn, bad):
    with pytest.raises(ValueError, match="Could not interpret activation function identifier"):
        nn.activations.get(bad)


def test_deserialize_rejects_non_strings(nn):
    with pytest.raises(ValueError, match="deserialize"):
        nn.activations.deserialize(None)
