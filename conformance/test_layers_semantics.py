"""Layer behaviour beyond the table: names, errors, trainable flags, losses, training vs inference."""

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def fresh_names(nn):
    nn.backend.clear_session()
    yield
    nn.backend.clear_session()


def test_default_names_are_numbered_per_class(nn):
    L = nn.layers
    names = [L.Dense(2).name, L.Dense(2).name, L.LeakyReLU().name, L.PReLU().name, L.ThresholdedReLU().name,
             L.GaussianNoise(0.1).name, L.Dense(1).name]
    assert names == ["dense_1", "dense_2", "leaky_re_lu_1", "p_re_lu_1", "thresholded_re_lu_1", "gaussian_noise_1",
                     "dense_3"]
    assert L.Dense(2, name="head").name == "head"
    nn.backend.clear_session()
    assert L.Dense(2).name == "dense_1"


def test_unknown_keyword_is_an_error(nn):
    with pytest.raises(TypeError, match="Dense: keyword argument not understood: 'unit'"):
        nn.layers.Dense(2, unit=3)


def test_input_spec_errors_name_layer_expected_and_received(nn):
    d = nn.layers.Dense(2, name="d")
    d(nn.constant(np.ones((2, 3))))
    with pytest.raises(ValueError, match=r"Input 0 is incompatible with layer d: expected axis -1 of input shape "
                                         r"to have value 3 but got shape \(2, 4\)"):
        d(nn.constant(np.ones((2, 4))))
    with pytest.raises(ValueError, match=r"layer d: expected min_ndim=2, found ndim=1"):
        nn.layers.Dense(2, name="d")(nn.constant(np.ones(3)))
    with pytest.raises(ValueError, match=r"repeat_vector_1: expected ndim=2, found ndim=3"):
        nn.layers.RepeatVector(2)(nn.constant(np.ones((1, 2, 3))))


def test_count_params_before_build(nn):
    with pytest.raises(ValueError, match="You tried to call `count_params` on dense_1, but the layer isn't built"):
        nn.layers.Dense(2).count_params()


def test_set_weights_errors(nn):
    d = nn.layers.Dense(2)
    d.build((None, 3))
    with pytest.raises(ValueError, match="weight list of length 1, but the layer was expecting 2 weights"):
        d.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"Layer weight shape \(3, 2\) not compatible with provided weight shape "
                                         r"\(2, 3\)"):
        d.set_weights([np.zeros((2, 3)), np.zeros(2)])


def test_weights_are_created_in_floatx_with_keras_defaults(nn):
    d = nn.layers.Dense(4)
    d.build((None, 6))
    kernel, bias = d.get_weights()
    assert kernel.dtype == np.float32 and bias.dtype == np.float32
    assert np.all(bias == 0)
    limit = np.sqrt(6 / (6 + 4))  # glorot_uniform
    assert np.all(np.abs(kernel) <= limit) and np.abs(kernel).max() > limit / 2
    assert [w.name for w in d.weights] == ["dense_1/kernel", "dense_1/bias"]


def test_initial_weights_argument(nn):
    w = [np.arange(6.0).reshape(3, 2), np.array([1.0, -1.0])]
    d = nn.layers.Dense(2, weights=w)
    out = d(nn.constant(np.ones((1, 3), dtype=np.float32)))
    np.testing.assert_allclose(out.numpy(), [[6 + 1, 9 - 1]])


def test_trainable_false_moves_every_weight_to_non_trainable(nn):
    d = nn.layers.Dense(2)
    d.build((None, 3))
    kernel, bias = d.weights
    d.trainable = False
    assert d.trainable_weights == [] and d.non_trainable_weights == [kernel, bias]
    d.trainable = True
    assert d.trainable_weights == [kernel, bias]


def test_regularization_losses_are_recomputed(nn):
    d = nn.layers.Dense(2, kernel_regularizer=nn.regularizers.l2(0.5), bias_regularizer=nn.regularizers.l1(0.25),
                        activity_regularizer=nn.regularizers.l1(0.1))
    d.build((None, 2))
    d.set_weights([np.array([[1.0, 2.0], [-1.0, 0.5]]), np.array([1.0, -2.0])])
    out = d(nn.constant(np.array([[1.0, 1.0]], dtype=np.float32)))  # [[0+1, 2.5-2]] = [[1, 0.5]]
    np.testing.assert_allclose(out.numpy(), [[1.0, 0.5]])
    losses = [float(t.numpy()) for t in d.losses]
    np.testing.assert_allclose(losses, [0.5 * (1 + 4 + 1 + 0.25), 0.25 * 3.0, 0.1 * 1.5], rtol=1e-6)
    d.kernel.assign(np.zeros((2, 2)))
    assert float(d.losses[0].numpy()) == 0.0


def test_activity_regularization_layer_loss(nn):
    layer = nn.layers.ActivityRegularization(l1=0.1, l2=0.01)
    layer(nn.constant(np.array([[1.0, -2.0]], dtype=np.float32)))
    np.testing.assert_allclose(float(layer.losses[0].numpy()), 0.1 * 3 + 0.01 * 5, rtol=1e-6)


def test_add_loss_with_callables(nn):
    layer = nn.layers.Dense(1)
    layer.build((None, 1))
    layer.add_loss(lambda: nn.backend.sum(layer.kernel) * 0.0 + 3.0)
    layer.add_loss(nn.constant(2.0))
    assert [float(t.numpy()) for t in layer.losses] == [3.0, 2.0]


# -- training vs inference -------------------------------------------------------------------------------

def test_dropout_inference_is_identity_and_training_drops(nn):
    x = nn.constant(np.ones((200, 50), dtype=np.float32))
    layer = nn.layers.Dropout(0.4, seed=3)
    np.testing.assert_array_equal(layer(x).numpy(), x.numpy())  # learning phase 0
    y = layer(x, training=True).numpy()
    kept = y != 0
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.6)}
    p = kept.mean()
    assert abs(p - 0.6) < 4 * np.sqrt(0.6 * 0.4 / y.size)
    nn.backend.set_learning_phase(1)
    try:
        assert (layer(x).numpy() == 0).any()
    finally:
        nn.backend.set_learning_phase(0)


def test_dropout_scaling_with_an_injected_mask(nn):
    x = nn.constant(np.array([[1.0, 2.0, 3.0, 4.0]]))
    mask = nn.constant(np.array([[1.0, 0.0, 1.0, 0.0]]))
    np.testing.assert_array_equal(nn.ops.apply_dropout_mask(x, mask, 0.5).numpy(), [[2.0, 0.0, 6.0, 0.0]])
    np.testing.assert_allclose(nn.ops.apply_dropout_mask(x, mask, 0.2).numpy(), [[1.25, 0.0, 3.75, 0.0]])


def test_dropout_noise_shape_shares_the_mask(nn):
    x = nn.constant(np.ones((4, 6, 3), dtype=np.float32))
    y = nn.layers.Dropout(0.5, noise_shape=(None, 1, 3), seed=1)(x, training=True).numpy()
    assert np.all(y == y[:, :1, :])  # the same mask along axis 1


def test_gaussian_noise_and_dropout_statistics(nn):
    x = nn.constant(np.ones((400, 100), dtype=np.float32))
    y = nn.layers.GaussianNoise(0.5)(x, training=True).numpy() - 1.0
    assert abs(y.mean()) < 4 * 0.5 / np.sqrt(y.size) and abs(y.std() - 0.5) < 0.02
    z = nn.layers.GaussianDropout(0.2)(x, training=True).numpy()
    assert abs(z.mean() - 1) < 4 * 0.5 / np.sqrt(z.size) and abs(z.std() - np.sqrt(0.2 / 0.8)) < 0.02
    np.testing.assert_array_equal(nn.layers.GaussianNoise(0.5)(x).numpy(), x.numpy())


def test_alpha_dropout_exact_formula_and_self_normalisation(nn):
    from nnspec.reference.layers.noise import SELU_ALPHA, SELU_SCALE, apply_alpha_dropout_mask
    rate = 0.2
    alpha_p = -SELU_ALPHA * SELU_SCALE
    a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * rate
    x = nn.constant(np.array([[0.5, -1.0, 2.0]]))
    keep = nn.constant(np.array([[1.0, 0.0, 1.0]]))
    np.testing.assert_allclose(apply_alpha_dropout_mask(x, keep, rate).numpy(),
                               [[a * 0.5 + b, a * alpha_p + b, a * 2.0 + b]], rtol=1e-14)
    z = nn.constant(np.random.default_rng(0).standard_normal((500, 200)))
    y = nn.layers.AlphaDropout(rate)(z, training=True).numpy()
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1.0) < 0.02


# -- shape layer errors -----------------------------------------------------------------------------------

def test_flatten_needs_defined_shape(nn):
    with pytest.raises(ValueError, match=r'The shape of the input to "Flatten" is not fully defined \(got \(None, 3\)'):
        nn.layers.Flatten().compute_output_shape((None, None, 3))


def test_reshape_size_error(nn):
    with pytest.raises(ValueError, match=r"total size of new array must be unchanged: cannot reshape \(3, 4\) into "
                                         r"\(5, -1\)"):
        nn.layers.Reshape((5, -1)).compute_output_shape((None, 3, 4))


def test_merge_errors(nn):
    L = nn.layers
    with pytest.raises(ValueError, match="should be called on a list of inputs"):
        L.Add().compute_output_shape((None, 3))
    with pytest.raises(ValueError, match="at least 2 inputs. Got 1 inputs"):
        L.Add().compute_output_shape([(None, 3)])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        L.Subtract().compute_output_shape([(None, 3)] * 3)
    with pytest.raises(ValueError, match=r"Operands could not be broadcast together with shapes \(3,\) \(4,\)"):
        L.Add().compute_output_shape([(None, 3), (None, 4)])
    with pytest.raises(ValueError, match="can not merge tensors with different batch sizes"):
        L.Add().compute_output_shape([(2, 3), (5, 3)])
    with pytest.raises(ValueError, match="matching shapes except for the concat axis"):
        L.Concatenate().compute_output_shape([(None, 2, 3), (None, 4, 3)])
    with pytest.raises(ValueError, match=r"dimension incompatibility 3 != 4"):
        L.Dot(axes=1).compute_output_shape([(None, 3), (None, 4)])


def test_merge_of_different_ranks_inserts_axes_after_batch(nn):
    a = nn.constant(np.arange(6.0).reshape(2, 3))
    b = nn.constant(np.ones((2, 4, 3)))
    out = nn.layers.add([a, b])
    np.testing.assert_array_equal(out.numpy(), b.numpy() + a.numpy()[:, None, :])


def test_functional_merge_forms(nn):
    a, b = nn.constant(np.array([[1.0, 2.0]])), nn.constant(np.array([[3.0, 5.0]]))
    L = nn.layers
    assert L.add([a, b]).numpy().tolist() == [[4.0, 7.0]]
    assert L.subtract([a, b]).numpy().tolist() == [[-2.0, -3.0]]
    assert L.multiply([a, b]).numpy().tolist() == [[3.0, 10.0]]
    assert L.average([a, b]).numpy().tolist() == [[2.0, 3.5]]
    assert L.maximum([a, b]).numpy().tolist() == [[3.0, 5.0]]
    assert L.minimum([a, b]).numpy().tolist() == [[1.0, 2.0]]
    assert L.concatenate([a, b]).numpy().tolist() == [[1.0, 2.0, 3.0, 5.0]]
    assert L.dot([a, b], axes=1).numpy().tolist() == [[13.0]]


def test_lambda_with_arguments_and_shape_function(nn):
    layer = nn.layers.Lambda(lambda t, k: t * k, output_shape=lambda s: s, arguments={"k": 3.0})
    assert layer.compute_output_shape((None, 2)) == (None, 2)
    np.testing.assert_array_equal(layer(nn.constant(np.array([[1.0, 2.0]]))).numpy(), [[3.0, 6.0]])


def test_named_function_lambda_round_trips(nn):
    layer = nn.layers.Lambda(np.negative)
    config = layer.get_config()
    assert config["function"] == "numpy.negative"
    assert type(layer).from_config(config).function is np.negative


def test_batch_input_shape_and_input_dim_in_config(nn):
    assert nn.layers.Dense(2, input_dim=5).get_config()["batch_input_shape"] == (None, 5)
    assert nn.layers.Dense(2, input_shape=(5,), batch_size=8).get_config()["batch_input_shape"] == (8, 5)
    assert nn.layers.Dense(2, batch_input_shape=(None, 7)).get_config()["batch_input_shape"] == (None, 7)


RELU_LAYERS = {
    "dense": (lambda nn, **kw: nn.layers.Dense(6, **kw), (4, 5)),
    "dense_3d": (lambda nn, **kw: nn.layers.Dense(6, **kw), (2, 3, 5)),
    "conv1d": (lambda nn, **kw: nn.layers.Conv1D(4, 3, **kw), (2, 9, 3)),
    "conv2d": (lambda nn, **kw: nn.layers.Conv2D(4, 3, **kw), (2, 7, 6, 3)),
    "conv2d_channels_first": (lambda nn, **kw: nn.layers.Conv2D(4, 3, data_format="channels_first", **kw),
                              (2, 3, 7, 6)),
    "separable_conv2d": (lambda nn, **kw: nn.layers.SeparableConv2D(4, 3, **kw), (2, 7, 6, 3)),
}


@pytest.mark.parametrize("name", sorted(RELU_LAYERS))
def test_relu_layers_run_bias_and_relu_as_one_op(nn, name, monkeypatch):
    """A layer with a bias and activation='relu' runs its epilogue as ``bias_relu`` (no pre-activation kept):
    output and gradients bit for bit those of the layer without activation followed by relu."""
    make, shape = RELU_LAYERS[name]
    x = nn.Variable(np.random.default_rng(0).standard_normal(shape).astype(np.float32))
    fused, plain = make(nn, activation="relu"), make(nn)
    fused.build(shape)
    plain.build(shape)
    plain.set_weights(fused.get_weights())
    impl, calls = nn.implementation, []

    def counted(op, fn):
        def call(*args, **kwargs):
            calls.append(op)
            return fn(*args, **kwargs)
        return call
    monkeypatch.setattr(impl, "kernels", {op: counted(op, fn) for op, fn in impl.kernels.items()})
    results = []
    for layer, activation in ((fused, lambda y: y), (plain, nn.activations.relu)):
        del calls[:]
        with nn.GradientTape() as tape:
            y = activation(layer(x))
            s = nn.ops.sum(nn.ops.multiply(y, y))
        grads = tape.gradient(s, [x] + layer.trainable_weights)
        results.append([y.numpy()] + [g.numpy() for g in grads])
        if layer is fused:
            assert "bias_relu" in calls and "relu" not in calls, calls
    assert "bias_relu" not in calls
    for got, want in zip(*results):
        np.testing.assert_array_equal(got, want)
