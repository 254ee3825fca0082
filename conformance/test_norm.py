"""BatchNormalization beyond the tables: Keras 2.2.4's training mode, moving statistics and flags.

Every expectation is a NumPy formula or a hand-computed number (Keras 2.2.4 on the TensorFlow 1
backend, conventions/norm.md):
* training mode normalizes with the batch mean and the biased batch variance;
* after each training call the moving statistics take one zero-debiased moving-average step
  (TensorFlow's ``assign_moving_average(zero_debias=True)``, which ``K.moving_average_update``
  calls): biased <- biased - (biased - value) (1 - momentum), moving = biased / (1 - momentum^t);
* the variance fed to it is the biased one times n / (n - (1 + epsilon)), and for 4-D inputs
  normalized over axis 3 or 1 (TensorFlow's fused kernel) times n / (n - 1) before that;
* a layer with trainable=False normalizes with batch statistics in training but never updates.
"""

import numpy as np
import pytest

pytestmark = pytest.mark.usefixtures("fresh_session")


@pytest.fixture
def f64(nn):
    nn.backend.set_floatx("float64")
    yield
    nn.backend.set_floatx("float32")


def close(got, want, rtol=1e-12, atol=1e-12):
    got = got.numpy() if hasattr(got, "numpy") else got
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def reduced(x, axis):
    return tuple(i for i in range(x.ndim) if i != axis % x.ndim)


def channel(a, x, axis):
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    return np.reshape(a, shape)


def train_formula(x, gamma, beta, eps, axis=-1):
    """(x - mean) / sqrt(biased var + eps) * gamma + beta, statistics over every axis but ``axis``."""
    red = reduced(x, axis)
    mean, var = x.mean(axis=red, keepdims=True), x.var(axis=red, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * channel(gamma, x, axis) + channel(beta, x, axis)


def infer_formula(x, mean, var, gamma, beta, eps, axis=-1):
    c = lambda a: channel(a, x, axis)  # noqa: E731
    return (x - c(mean)) / np.sqrt(c(var) + eps) * c(gamma) + c(beta)


def keras_moving(batches, momentum=0.99, eps=1e-3, axis=-1, fused=False):
    """Keras 2.2.4's moving (mean, variance) after each batch, as NumPy float64."""
    biased_m = biased_v = 0.0
    out = []
    for t, x in enumerate(batches, 1):
        red = reduced(x, axis)
        n = int(np.prod([x.shape[i] for i in red]))
        mean, var = x.mean(axis=red), x.var(axis=red)
        if fused:
            var = var * n / (n - 1)
        var = var * n / (n - (1 + eps))
        biased_m = biased_m - (biased_m - mean) * (1 - momentum)
        biased_v = biased_v - (biased_v - var) * (1 - momentum)
        out.append((biased_m / (1 - momentum ** t), biased_v / (1 - momentum ** t)))
    return out


def rand(shape, seed=0, loc=0.0, scale=1.0):
    rng = np.random.default_rng(seed)
    c = shape[-1]
    return rng.standard_normal(shape) * rng.uniform(0.5, 2.0, c) * scale + rng.uniform(-2, 2, c) + loc


def bn(nn, input_shape, weights=None, **kwargs):
    layer = nn.layers.BatchNormalization(**kwargs)
    layer.build(input_shape)
    if weights is not None:
        layer.set_weights(weights)
    return layer


def moving(layer):
    return layer.moving_mean.numpy(), layer.moving_variance.numpy()


# -- weights and parameters ------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, names, trainable, non_trainable", [
    ({}, ["gamma", "beta", "moving_mean", "moving_variance"], 2, 2),
    ({"center": False}, ["gamma", "moving_mean", "moving_variance"], 1, 2),
    ({"scale": False}, ["beta", "moving_mean", "moving_variance"], 1, 2),
    ({"center": False, "scale": False}, ["moving_mean", "moving_variance"], 0, 2),
])
def test_weights_order_names_and_the_trainable_split(nn, kwargs, names, trainable, non_trainable):
    layer = bn(nn, (None, 7, 7, 5), name="bn", **kwargs)
    assert [w.name for w in layer.weights] == [f"bn/{n}" for n in names]
    assert len(layer.trainable_weights) == trainable and len(layer.non_trainable_weights) == non_trainable
    assert layer.count_params() == 5 * len(names)
    assert sum(w.size for w in layer.non_trainable_weights) == 2 * 5
    assert all(w.shape == (5,) and w.dtype == np.float32 for w in layer.weights)
    values = {n: w.numpy() for n, w in zip(names, layer.weights)}
    for n, init in (("gamma", 1.0), ("beta", 0.0), ("moving_mean", 0.0), ("moving_variance", 1.0)):
        if n in values:
            np.testing.assert_array_equal(values[n], np.full(5, init, np.float32))


def test_keras_defaults_and_config(nn):
    layer = nn.layers.BatchNormalization()
    config = layer.get_config()
    assert {k: config[k] for k in ("axis", "momentum", "epsilon", "center", "scale")} == \
        {"axis": -1, "momentum": 0.99, "epsilon": 1e-3, "center": True, "scale": True}
    assert set(config) == {"name", "trainable", "dtype", "axis", "momentum", "epsilon", "center", "scale",
                           "beta_initializer", "gamma_initializer", "moving_mean_initializer",
                           "moving_variance_initializer", "beta_regularizer", "gamma_regularizer",
                           "beta_constraint", "gamma_constraint"}
    assert config["beta_initializer"]["class_name"] == "Zeros" and config["gamma_initializer"]["class_name"] == "Ones"
    assert config["moving_variance_initializer"]["class_name"] == "Ones"
    clone = nn.layers.BatchNormalization.from_config(layer.get_config())
    assert clone.get_config() == config


def test_summary_counts_the_moving_statistics_as_non_trainable(nn):
    L = nn.layers
    model = nn.models.Sequential([L.Dense(8, input_shape=(4,)), L.BatchNormalization(), L.Dense(1)])
    lines = []
    model.summary(print_fn=lines.append)
    assert lines == [
        "_" * 65,
        "Layer (type)                 Output Shape              Param #   ",
        "=" * 65,
        "dense_1 (Dense)              (None, 8)                 40        ",
        "_" * 65,
        "batch_normalization_1 (Batch (None, 8)                 32        ",
        "_" * 65,
        "dense_2 (Dense)              (None, 1)                 9         ",
        "=" * 65,
        "Total params: 81",
        "Trainable params: 65",
        "Non-trainable params: 16",
        "_" * 65,
    ]


def test_errors(nn):
    with pytest.raises(ValueError, match=r"Axis -1 of input tensor should have a defined dimension but the layer "
                                         r"received an input with shape \(None, None\)"):
        nn.layers.BatchNormalization().build((None, None))
    layer = nn.layers.BatchNormalization(name="bn")
    layer(nn.constant(np.ones((2, 3), np.float32)))
    with pytest.raises(ValueError, match=r"layer bn: expected axis -1 of input shape to have value 3"):
        layer(nn.constant(np.ones((2, 4), np.float32)))
    with pytest.raises(ValueError, match="axis 3 is out of range"):
        nn.layers.BatchNormalization(axis=3).build((None, 4))
    with pytest.raises(ValueError, match=r"gamma must have shape \(3,\)"):
        nn.ops.batch_norm_train(nn.constant(np.ones((2, 3))), nn.constant(np.ones(2)), None)
    with pytest.raises(ValueError, match=r"variance must have shape \(2,\)"):
        nn.ops.batch_norm(nn.constant(np.ones((2, 3))), np.zeros(2), np.ones(3), axis=0)


# -- training mode: the output -----------------------------------------------------------------------

@pytest.mark.parametrize("shape, axis", [((4, 3, 5, 3), -1), ((6, 4), -1), ((5, 3, 2, 4), 1), ((4, 3, 6), 1),
                                         ((4, 3, 6), -2)])
def test_training_output_is_the_batch_formula(nn, f64, shape, axis):
    x = rand(shape, seed=1)
    c = shape[axis]
    gamma, beta = np.linspace(0.5, 1.5, c) * (-1.0) ** np.arange(c), np.linspace(-1, 1, c)
    layer = bn(nn, (None,) + shape[1:], [gamma, beta, np.full(c, 7.0), np.full(c, 9.0)], axis=axis)
    close(layer(nn.constant(x), training=True), train_formula(x, gamma, beta, 1e-3, axis))


def test_training_output_float32(nn):
    x = rand((16, 4, 4, 3), seed=2, loc=30.0).astype(np.float32)
    layer = bn(nn, (None, 4, 4, 3))
    got = layer(nn.constant(x), training=True)
    assert got.dtype == np.float32
    close(got, train_formula(x.astype(np.float64), np.ones(3), np.zeros(3), 1e-3), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("center, scale", [(False, True), (True, False), (False, False)])
def test_center_and_scale_false(nn, f64, center, scale):
    x = rand((5, 3), seed=3)
    weights = ([np.array([2.0, -1.0, 0.5])] if scale else []) + ([np.array([0.3, -0.2, 0.1])] if center else [])
    layer = bn(nn, (None, 3), weights + [np.zeros(3), np.ones(3)], center=center, scale=scale)
    gamma = weights[0] if scale else np.ones(3)
    beta = weights[-1] if center else np.zeros(3)
    close(layer(nn.constant(x), training=True), train_formula(x, gamma, beta, 1e-3))
    mean, var = np.array([0.5, -1.0, 2.0]), np.array([0.5, 2.0, 4.0])
    layer.set_weights(weights + [mean, var])
    close(layer(nn.constant(x), training=False), infer_formula(x, mean, var, gamma, beta, 1e-3))


# -- the moving statistics ---------------------------------------------------------------------------

def test_moving_statistics_follow_the_zero_debiased_recurrence(nn, f64):
    batches = [rand((8, 3), seed=10 + k, loc=3.0 * k) for k in range(5)]
    layer = bn(nn, (None, 3), momentum=0.9)
    for x, (want_m, want_v) in zip(batches, keras_moving(batches, momentum=0.9)):
        layer(nn.constant(x), training=True)
        close(layer.moving_mean, want_m)
        close(layer.moving_variance, want_v)


def test_one_step_sets_the_batch_statistics_whatever_the_initial_values(nn, f64):
    """zero_debias: after t steps the moving value is sum_k (1-m) m^(t-k) v_k / (1 - m^t); at t = 1 the batch's."""
    x = rand((6, 2), seed=4)
    layer = bn(nn, (None, 2), moving_mean_initializer="ones",
               moving_variance_initializer=nn.initializers.Constant(9.0))
    np.testing.assert_array_equal(layer.moving_variance.numpy(), [9.0, 9.0])
    layer(nn.constant(x), training=True)
    close(layer.moving_mean, x.mean(0))
    close(layer.moving_variance, x.var(0) * 6 / (6 - 1.001))
    # set_weights does not reset the hidden accumulator: the next step overwrites the values set
    layer.set_weights([np.ones(2), np.zeros(2), np.full(2, 100.0), np.full(2, 100.0)])
    y = rand((6, 2), seed=5)
    layer(nn.constant(y), training=True)
    want = keras_moving([x, y])[-1]
    close(layer.moving_mean, want[0])
    close(layer.moving_variance, want[1])


def test_batch_of_two_pins_the_variance_correction(nn, f64):
    """n = 2 separates the rules: biased 1.0, unbiased 2.0, Keras 2.2.4 2 / (2 - 1.001) = 2.002002..."""
    layer = bn(nn, (None, 1), momentum=0.0)
    layer(nn.constant(np.array([[1.0], [3.0]])), training=True)
    close(layer.moving_mean, [2.0])
    close(layer.moving_variance, [2.0 / 0.999])
    assert abs(layer.moving_variance.numpy()[0] - 2.0) > 2e-3 and abs(layer.moving_variance.numpy()[0] - 1.0) > 0.5


def test_keras_issue_10443_numbers(nn):
    """keras-team/keras#10443 (Keras 2.2.0, TF): momentum 0, X = [1, 2, 3, 4] gives moving mean 2.5 and
    moving variance 1.6672224 = 1.25 * 4 / (4 - 1.001), the numbers Keras printed."""
    model = nn.models.Sequential([nn.layers.BatchNormalization(momentum=0, moving_mean_initializer="zeros",
                                                                moving_variance_initializer="zeros",
                                                                input_shape=(1,))])
    model.compile("sgd", loss="mean_squared_error")
    x = np.array([1, 2, 3, 4], np.float32)[:, None]
    model.fit(x, 2 * x, verbose=0)
    _, _, mean, var = model.layers[0].get_weights()
    np.testing.assert_array_equal(mean, np.float32([2.5]))
    np.testing.assert_allclose(var, [1.6672224], rtol=1e-7)


@pytest.mark.parametrize("shape, axis, fused", [((2, 3, 3, 2), -1, True), ((2, 2, 3, 3), 1, True),
                                                ((2, 3, 3, 2), 3, True), ((3, 4, 2), -1, False),
                                                ((2, 3, 2, 2, 2), -1, False), ((2, 3, 3, 2), 2, False)])
def test_fused_4d_inputs_feed_the_variance_corrected_twice(nn, f64, shape, axis, fused):
    """TF's fused kernel (4-D, axis 3 or 1) returns the variance times n/(n-1); Keras multiplies again."""
    x = rand(shape, seed=6)
    layer = bn(nn, (None,) + shape[1:], axis=axis, momentum=0.5)
    layer(nn.constant(x), training=True)
    red = reduced(x, axis)
    n = int(np.prod([shape[i] for i in red]))
    var = x.var(axis=red) * (n / (n - 1) if fused else 1.0) * n / (n - 1.001)
    close(layer.moving_variance, var)
    close(layer.moving_mean, x.mean(axis=red))
    assert layer._fused(x.ndim) is fused


def test_fused_4d_inputs_floor_the_normalization_epsilon(nn, f64):
    x = rand((3, 2, 2, 2), seed=7)
    layer = bn(nn, (None, 2, 2, 2), epsilon=1e-8)
    close(layer(nn.constant(x), training=True), train_formula(x, np.ones(2), np.zeros(2), 1.001e-5))
    flat = bn(nn, (None, 2), epsilon=1e-8)
    x2 = x.reshape(-1, 2)
    close(flat(nn.constant(x2), training=True), train_formula(x2, np.ones(2), np.zeros(2), 1e-8))


def test_one_update_per_training_call_and_none_in_inference(nn, f64):
    x, y = rand((4, 2), seed=8), rand((4, 2), seed=9)
    layer = bn(nn, (None, 2), momentum=0.7)
    before = moving(layer)
    layer(nn.constant(x), training=False)
    layer(nn.constant(x))  # training=None: the learning phase, 0
    np.testing.assert_array_equal(moving(layer)[0], before[0])
    np.testing.assert_array_equal(moving(layer)[1], before[1])
    layer(nn.constant(x), training=True)
    layer(nn.constant(y), training=True)
    want = keras_moving([x, y], momentum=0.7)[-1]
    close(layer.moving_mean, want[0])
    close(layer.moving_variance, want[1])
    nn.backend.set_learning_phase(1)
    layer(nn.constant(x))
    close(layer.moving_mean, keras_moving([x, y, x], momentum=0.7)[-1][0])


def test_inference_uses_the_moving_statistics(nn, f64):
    batches = [rand((5, 3), seed=20 + k) for k in range(3)]
    gamma, beta = np.array([1.5, -0.5, 2.0]), np.array([0.1, 0.2, -0.3])
    layer = bn(nn, (None, 3), [gamma, beta, np.zeros(3), np.ones(3)], momentum=0.8)
    for x in batches:
        layer(nn.constant(x), training=True)
    mean, var = keras_moving(batches, momentum=0.8)[-1]
    probe = rand((4, 3), seed=30)
    close(layer(nn.constant(probe), training=False), infer_formula(probe, mean, var, gamma, beta, 1e-3))
    close(layer(nn.constant(probe)), infer_formula(probe, mean, var, gamma, beta, 1e-3))


def test_fit_updates_per_batch_and_predict_does_not(nn, f64):
    x = rand((12, 3), seed=40)
    model = nn.models.Sequential([nn.layers.BatchNormalization(momentum=0.8, input_shape=(3,))])
    model.compile("sgd", loss="mean_squared_error")
    model.fit(x, x, batch_size=4, epochs=2, shuffle=False, verbose=0)
    batches = [x[0:4], x[4:8], x[8:12]] * 2
    mean, var = keras_moving(batches, momentum=0.8)[-1]
    layer = model.layers[0]
    close(layer.moving_mean, mean)
    close(layer.moving_variance, var)
    model.predict(x)
    model.evaluate(x, x, verbose=0)
    close(layer.moving_mean, mean)
    close(layer.moving_variance, var)


def test_keras_correctness_test_1d(nn):
    """Keras 2.2.4's test_batchnorm_correctness_1d: data N(5, 10), 5 epochs, predictions normalized."""
    rng = np.random.default_rng(1337)
    model = nn.models.Sequential([nn.layers.BatchNormalization(input_shape=(10,), momentum=0.8)])
    model.compile(loss="mse", optimizer="rmsprop")
    x = rng.normal(loc=5.0, scale=10.0, size=(1000, 10)).astype(np.float32)
    model.fit(x, x, epochs=5, verbose=0)
    norm = model.layers[0]
    out = (model.predict(x) - norm.beta.numpy()) / norm.gamma.numpy()
    assert abs(out.mean()) < 0.1 and abs(out.std() - 1.0) < 0.1


# -- trainable=False (Keras 2.2.4) -----------------------------------------------------------------

def test_trainable_false_uses_batch_statistics_but_never_updates(nn, f64):
    x = rand((6, 3), seed=50)
    gamma, beta = np.array([2.0, 1.0, -1.0]), np.array([0.5, 0.0, 1.0])
    layer = bn(nn, (None, 3), [gamma, beta, np.full(3, 0.25), np.full(3, 4.0)])
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4
    close(layer(nn.constant(x), training=True), train_formula(x, gamma, beta, 1e-3))
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.full(3, 0.25))
    np.testing.assert_array_equal(layer.moving_variance.numpy(), np.full(3, 4.0))
    close(layer(nn.constant(x), training=False), infer_formula(x, np.full(3, 0.25), np.full(3, 4.0), gamma, beta, 1e-3))


def _bn_then_dense(nn):
    a = nn.Input(shape=(4,))
    layer = nn.layers.BatchNormalization()
    return a, layer, nn.models.Model(a, nn.layers.Dense(2)(layer(a)))


def test_keras_trainable_disables_updates_layer_flag(nn):
    """Keras 2.2.4's test_that_trainable_disables_updates with the layer's own flag and a recompile (a Dense
    after the BN keeps a trainable weight: see conventions/norm.md for a model with none)."""
    rng = np.random.default_rng(0)
    val_a, val_out = rng.random((10, 4)), rng.random((10, 2))
    _, layer, model = _bn_then_dense(nn)
    model.compile("sgd", "mse")
    model.train_on_batch(val_a, val_out)
    assert np.abs(layer.moving_mean.numpy()).sum() > 1e-3
    layer.trainable = False
    model.compile("sgd", "mse")
    before = layer.get_weights()
    model.train_on_batch(val_a, val_out)
    for w0, w1 in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(w0, w1)


def test_keras_trainable_disables_updates_of_a_frozen_inner_model(nn):
    rng = np.random.default_rng(0)
    val_a, val_out = rng.random((10, 4)), rng.random((10, 2))
    a = nn.Input(shape=(4,))
    layer = nn.layers.BatchNormalization()
    inner = nn.models.Model(a, layer(a))
    inner.trainable = False
    outer = nn.models.Sequential([inner, nn.layers.Dense(2)])
    outer.compile("sgd", "mse")
    outer.train_on_batch(val_a, val_out)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(4, np.float32))


def test_update_flags_are_read_when_the_train_step_is_first_made(nn):
    """Keras 2.2.4 makes the train function (and fixes its updates) at the first fit / train_on_batch after
    compile: flags changed before it count, flags changed after it do not until the next compile."""
    rng = np.random.default_rng(1)
    x, y = rng.random((10, 4)), rng.random((10, 2))
    a = nn.Input(shape=(4,))
    layer = nn.layers.BatchNormalization()
    inner = nn.models.Model(a, layer(a))
    outer = nn.models.Sequential([inner, nn.layers.Dense(2)])
    outer.compile("sgd", "mse")
    inner.trainable = False  # before the first step: no updates
    outer.train_on_batch(x, y)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(4, np.float32))
    inner.trainable = True  # after it, without compiling again: still none
    outer.train_on_batch(x, y)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(4, np.float32))
    outer.compile("sgd", "mse")  # a new compile makes a new train function: updates again
    outer.train_on_batch(x, y)
    assert np.all(layer.moving_mean.numpy() != 0)
    # outside a model's train step (a GradientTape loop) the layer's own flag decides
    layer.trainable, before = False, layer.moving_mean.numpy()
    layer(nn.constant(x.astype(np.float32)), training=True)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), before)


@pytest.mark.parametrize("frozen", [False, True])
def test_time_distributed_batch_norm_updates_follow_the_wrapper(nn, frozen):
    x = np.random.default_rng(2).random((6, 3, 4)).astype(np.float32)
    td = nn.layers.TimeDistributed(nn.layers.BatchNormalization())
    model = nn.models.Sequential([td, nn.layers.Flatten(), nn.layers.Dense(1)])
    model.build((None, 3, 4))
    td.trainable = not frozen
    model.compile("sgd", "mse")
    model.train_on_batch(x, np.zeros((6, 1), np.float32))
    moved = td.layer.moving_mean.numpy()
    assert np.all(moved == 0) if frozen else np.all(moved != 0)


# -- regularizers and constraints --------------------------------------------------------------------------

def test_regularizers_and_constraints(nn, f64):
    layer = bn(nn, (None, 3), [np.array([1.0, -2.0, 3.0]), np.array([0.5, -0.5, 1.0]), np.zeros(3), np.ones(3)],
               gamma_regularizer=nn.regularizers.l2(0.01), beta_regularizer=nn.regularizers.l1(0.1),
               gamma_constraint=nn.constraints.NonNeg())
    losses = [float(v.numpy()) for v in layer.losses]
    assert losses == pytest.approx([0.01 * 14.0, 0.1 * 2.0], rel=1e-12)
    assert layer.get_config()["gamma_regularizer"]["config"]["l2"] == pytest.approx(0.01)
    # one SGD step: gamma is projected onto gamma >= 0 after the update (Keras 2.2.4's constraint rule)
    x = nn.constant(rand((4, 3), seed=60))
    with nn.GradientTape() as tape:
        loss = nn.ops.sum(layer(x, training=True))
    nn.optimizers.SGD(lr=0.1).apply_gradients(zip(tape.gradient(loss, layer.trainable_weights),
                                                   layer.trainable_weights))
    assert (layer.gamma.numpy() >= 0).all() and layer.gamma.numpy()[1] == 0.0
    clone = nn.layers.BatchNormalization.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()


def test_saved_model_keeps_the_four_weights_but_not_the_accumulators(nn, f64, tmp_path):
    """Keras saved only the layer's weights: TensorFlow's debias variables were not among them, so a loaded model's
    first training step sets the moving statistics to that batch's, whatever was loaded."""
    x, y = rand((6, 3), seed=90), rand((6, 3), seed=91)
    model = nn.models.Sequential([nn.layers.BatchNormalization(momentum=0.5, input_shape=(3,))])
    model.compile("sgd", "mse")
    model.train_on_batch(x, x)
    model.train_on_batch(y, y)
    path = str(tmp_path / "bn.h5")
    model.save(path)
    loaded = nn.models.load_model(path)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    close(loaded.predict(x), model.predict(x))
    loaded.train_on_batch(x, x)
    close(loaded.layers[0].moving_mean, x.mean(0))
    close(loaded.layers[0].moving_variance, x.var(0) * 6 / (6 - 1.001))


# -- gradients through the layer in training mode --------------------------------------------------------

def test_training_mode_gradients_by_finite_differences(nn, f64):
    """d<layer(x, training=True), gy>/d(x, gamma, beta) against central differences, and a WGAN-GP-like
    gradient penalty through it (double backward) against differences of the first gradient."""
    x0, gy = rand((4, 2, 3), seed=70), np.random.default_rng(71).standard_normal((4, 2, 3))
    g0, b0 = np.array([1.2, -0.7, 0.9]), np.array([0.1, -0.3, 0.2])
    layer = bn(nn, (None, 2, 3), [g0, b0, np.zeros(3), np.ones(3)])

    def value(x, g, b):
        layer.set_weights([g, b, np.zeros(3), np.ones(3)])
        return float(np.sum(layer(nn.constant(x), training=True).numpy() * gy))

    def first(x, g, b, create=False):
        layer.set_weights([g, b, np.zeros(3), np.ones(3)])
        xt = nn.Variable(x)
        with nn.GradientTape() as tape:
            out = nn.ops.sum(nn.ops.multiply(layer(xt, training=True), gy))
        return tape.gradient(out, [xt, layer.gamma, layer.beta])

    grads = [g.numpy() for g in first(x0, g0, b0)]
    rng = np.random.default_rng(72)
    dirs = [rng.standard_normal(a.shape) for a in (x0, g0, b0)]
    eps = 1e-6
    numeric = (value(*[a + eps * d for a, d in zip((x0, g0, b0), dirs)])
               - value(*[a - eps * d for a, d in zip((x0, g0, b0), dirs)])) / (2 * eps)
    analytic = sum(float(np.sum(g * d)) for g, d in zip(grads, dirs))
    assert analytic == pytest.approx(numeric, rel=1e-6, abs=1e-8)

    def penalty(x):
        layer.set_weights([g0, b0, np.zeros(3), np.ones(3)])
        xt = nn.Variable(x)
        with nn.GradientTape() as outer:
            with nn.GradientTape() as inner:
                out = nn.ops.sum(nn.ops.multiply(layer(xt, training=True), gy))
            gx = inner.gradient(out, xt)
            p = nn.ops.sum(nn.ops.square(gx))
        return float(p.numpy()), outer.gradient(p, xt).numpy()

    _, dp = penalty(x0)
    d = dirs[0]
    numeric = (penalty(x0 + eps * d)[0] - penalty(x0 - eps * d)[0]) / (2 * eps)
    assert float(np.sum(dp * d)) == pytest.approx(numeric, rel=1e-6, abs=1e-8)


def test_updates_leave_no_trace_on_the_tape(nn, f64):
    layer = bn(nn, (None, 3))
    x = nn.Variable(rand((5, 3), seed=80))
    with nn.GradientTape() as tape:
        out = nn.ops.sum(nn.ops.square(layer(x, training=True)))
    assert tape.gradient(out, layer.moving_mean) is None
    assert not layer.moving_mean.trainable and not layer.moving_variance.trainable
