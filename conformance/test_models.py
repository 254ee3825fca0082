"""Level 4/5: models — the functional API, Sequential, subclassing, compile and the training loops.

Expected numbers are computed in the test with NumPy from Keras 2.2.4's rules (mini-batch SGD on a
linear model, the weighted objective), never by the implementation under test.
"""

import numpy as np
import pytest

pytestmark = pytest.mark.usefixtures("fresh_seeded_session")


def lines_of(model):
    out = []
    model.summary(print_fn=out.append)
    return out


# -- the functional API ----------------------------------------------------------------------------------

def test_input_and_layer_connectivity(nn):
    L = nn.layers
    x = nn.Input(shape=(784,))
    assert x.shape == (None, 784)
    dense = L.Dense(32, activation="relu")
    h = dense(x)
    assert h.shape == (None, 32) and dense.input is x and dense.output is h
    assert dense.input_shape == (None, 784) and dense.output_shape == (None, 32)
    model = nn.models.Model(x, L.Dense(10, activation="softmax")(h))
    assert [la.name for la in model.layers] == ["input_1", "dense_1", "dense_2"]
    assert model.input_names == ["input_1"] and model.output_names == ["dense_2"]
    assert model.count_params() == 784 * 32 + 32 + 32 * 10 + 10
    assert model.predict(np.zeros((5, 784), dtype=np.float32)).shape == (5, 10)


def test_shared_layer_has_two_nodes_and_one_set_of_weights(nn):
    L = nn.layers
    a, b = nn.Input(shape=(4,)), nn.Input(shape=(4,))
    shared = L.Dense(3, name="shared")
    out = L.concatenate([shared(a), shared(b)])
    model = nn.models.Model([a, b], out)
    assert len(shared._inbound_nodes) == 2 and len(model.weights) == 2
    with pytest.raises(AttributeError, match='has multiple inbound nodes, hence the notion of "output_tensor"'):
        _ = shared.output
    assert shared.get_output_at(1).shape == (None, 3) and shared.output_shape == (None, 3)
    xa, xb = np.ones((2, 4), np.float32), np.arange(8, dtype=np.float32).reshape(2, 4)
    w, bias = shared.get_weights()
    np.testing.assert_allclose(model.predict([xa, xb]), np.concatenate([xa @ w + bias, xb @ w + bias], axis=1),
                               rtol=1e-6)


def test_summary_of_a_graph_lists_connections(nn):
    L = nn.layers
    a, b = nn.Input(shape=(4,), name="left"), nn.Input(shape=(4,), name="right")
    shared = L.Dense(3, name="shared")
    model = nn.models.Model([a, b], L.add([shared(a), shared(b)]))
    lines = lines_of(model)
    assert len(lines[0]) == 98 and lines[1].startswith("Layer (type)") and "Connected to" in lines[1]
    rows = [line for line in lines if line.startswith(("left", "right", "shared", "add_1", " "))]
    assert rows[0].startswith("left (InputLayer)") and "(None, 4)" in rows[0]
    shared_row = next(i for i, r in enumerate(rows) if r.startswith("shared (Dense)"))
    assert rows[shared_row].rstrip().endswith("left[0][0]") and "15" in rows[shared_row]
    assert rows[shared_row + 1].rstrip().endswith("right[0][0]")
    assert rows[shared_row].split()[2:4] == ["multiple", "15"] or "(None, 3)" in rows[shared_row]
    assert lines[-4:] == ["Total params: 15", "Trainable params: 15", "Non-trainable params: 0", "_" * 98]


def test_multi_input_multi_output_model_trains_with_dict_losses(nn):
    L = nn.layers
    text, extra = nn.Input(shape=(6,), name="text"), nn.Input(shape=(2,), name="extra")
    h = L.Dense(8, activation="relu")(L.concatenate([text, extra]))
    out_a = L.Dense(1, activation="sigmoid", name="a")(h)
    out_b = L.Dense(3, activation="softmax", name="b")(h)
    model = nn.models.Model([text, extra], [out_a, out_b])
    model.compile("rmsprop", loss={"a": "binary_crossentropy", "b": "categorical_crossentropy"},
                  loss_weights={"a": 1.0, "b": 0.5}, metrics=["accuracy"])
    assert model.metrics_names == ["loss", "a_loss", "b_loss", "a_acc", "b_acc"]
    rng = np.random.default_rng(0)
    x = {"text": rng.random((16, 6)), "extra": rng.random((16, 2))}
    y = {"a": rng.integers(0, 2, (16, 1)).astype(float), "b": np.eye(3)[rng.integers(0, 3, 16)]}
    hist = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert sorted(hist.history) == ["a_acc", "a_loss", "b_acc", "b_loss", "loss"]
    total, a_loss, b_loss = model.evaluate(x, y, verbose=0)[:3]
    assert total == pytest.approx(a_loss + 0.5 * b_loss, rel=1e-6)
    preds = model.predict(x)
    assert isinstance(preds, list) and preds[0].shape == (16, 1) and preds[1].shape == (16, 3)


def test_model_called_as_a_layer_and_nested_in_sequential(nn):
    L = nn.layers
    inner_in = nn.Input(shape=(3,))
    inner = nn.models.Model(inner_in, L.Dense(2, name="inner_dense")(inner_in), name="inner")
    x = nn.Input(shape=(3,))
    outer = nn.models.Model(x, L.Dense(1)(inner(x)))
    data = np.arange(6, dtype=np.float32).reshape(2, 3)
    w1, b1 = inner.get_weights()
    w2, b2 = outer.layers[-1].get_weights()
    np.testing.assert_allclose(outer.predict(data), (data @ w1 + b1) @ w2 + b2, rtol=1e-5)
    seq = nn.models.Sequential([inner, L.Dense(4)])
    assert seq.output_shape == (None, 4) and seq.count_params() == 8 + 12


def test_get_layer(nn):
    x = nn.Input(shape=(2,))
    model = nn.models.Model(x, nn.layers.Dense(1, name="head")(x))
    assert model.get_layer("head").name == "head" and model.get_layer(index=0).name == "input_1"
    with pytest.raises(ValueError, match="No such layer: tail"):
        model.get_layer("tail")
    with pytest.raises(ValueError, match="index 5 but model only has 2 layers"):
        model.get_layer(index=5)


def test_graph_disconnected_error(nn):
    a, b = nn.Input(shape=(2,)), nn.Input(shape=(2,))
    out = nn.layers.add([a, b])
    with pytest.raises(ValueError, match=r'Graph disconnected: cannot obtain value for tensor .* at layer "input_2"'):
        nn.models.Model(a, out)


def test_duplicate_layer_names_error(nn):
    x = nn.Input(shape=(2,))
    h = nn.layers.Dense(2, name="same")(x)
    with pytest.raises(ValueError, match='The name "same" is used 2 times in the model'):
        nn.models.Model(x, nn.layers.Dense(2, name="same")(h))


# -- Sequential -------------------------------------------------------------------------------------------------

def test_sequential_from_list_add_and_pop(nn):
    L = nn.layers
    a = nn.models.Sequential([L.Dense(4, input_dim=3), L.Dense(2)])
    b = nn.models.Sequential()
    b.add(L.Dense(4, input_shape=(3,)))
    b.add(L.Dense(2))
    c = nn.models.Sequential([L.Dense(4, batch_input_shape=(None, 3)), L.Dense(2)])
    for m in (a, b, c):
        assert m.output_shape == (None, 2) and m.count_params() == 16 + 10 and len(m.layers) == 2
        assert m.inputs[0].name.endswith("_input")
    b.pop()
    assert b.output_shape == (None, 4) and len(b.layers) == 1
    with pytest.raises(TypeError, match="The added layer must be an instance of class Layer"):
        b.add("dense")


def test_sequential_without_input_shape_builds_on_first_data(nn):
    m = nn.models.Sequential([nn.layers.Dense(3), nn.layers.Dense(1)])
    assert not m.built
    with pytest.raises(ValueError, match="has not yet been built"):
        m.summary()
    m.compile("sgd", "mse")
    m.fit(np.ones((4, 5)), np.ones((4, 1)), verbose=0)
    assert m.built and m.count_params() == 18 + 4


def test_book_mnist_network_summary(nn):
    """DLwP 2.1: Dense(512, relu, input_shape=(784,)) + Dense(10, softmax)."""
    L = nn.layers
    network = nn.models.Sequential()
    network.add(L.Dense(512, activation="relu", input_shape=(28 * 28,)))
    network.add(L.Dense(10, activation="softmax"))
    assert lines_of(network) == [
        "_" * 65,
        "Layer (type)                 Output Shape              Param #   ",
        "=" * 65,
        "dense_1 (Dense)              (None, 512)               401920    ",
        "_" * 65,
        "dense_2 (Dense)              (None, 10)                5130      ",
        "=" * 65,
        "Total params: 407,050",
        "Trainable params: 407,050",
        "Non-trainable params: 0",
        "_" * 65,
    ]


# -- subclassing ------------------------------------------------------------------------------------------------

def test_custom_layer_and_subclassed_model(nn):
    class Scale(nn.layers.Layer):
        def __init__(self, init=2.0, **kwargs):
            super().__init__(**kwargs)
            self.init = init

        def build(self, input_shape):
            self.w = self.add_weight("w", (input_shape[-1],), initializer=nn.initializers.Constant(self.init))
            super().build(input_shape)

        def call(self, inputs):
            self.add_loss(lambda: 0.0 * nn.backend.sum(self.w))
            return inputs * self.w

        def get_config(self):
            return {**super().get_config(), "init": self.init}

    class Net(nn.models.Model):
        def __init__(self):
            super().__init__()
            self.scale = Scale(3.0)
            self.head = nn.layers.Dense(1, kernel_initializer="ones")

        def call(self, inputs):
            return self.head(self.scale(inputs))

    net = Net()
    out = net(np.ones((2, 4), dtype=np.float32))
    np.testing.assert_allclose(out.numpy(), [[12.0], [12.0]])
    assert [la.name for la in net.layers] == ["scale_1", "dense_1"] and len(net.trainable_weights) == 3
    net.compile("sgd", "mse")
    before = net.get_weights()
    net.fit(np.ones((4, 4)), np.zeros((4, 1)), verbose=0)
    assert any(np.any(a != b) for a, b in zip(before, net.get_weights()))
    assert Scale.from_config(Scale(5.0, name="s").get_config()).init == 5.0


# -- training: exact numbers -----------------------------------------------------------------------------------

def _linear(nn, w0, b0):
    layer = nn.layers.Dense(1, input_shape=(w0.shape[0],), weights=[w0, b0])
    model = nn.models.Sequential([layer])
    model.compile(nn.optimizers.SGD(lr=0.1), "mse")
    return model


def _sgd_epoch(w, b, x, y, lr, batch):
    """Keras' loop by hand: per batch, loss = mean((xw+b-y)^2), w -= lr * grad; returns epoch loss too."""
    total = 0.0
    for s in range(0, len(x), batch):
        xb, yb = x[s:s + batch], y[s:s + batch]
        err = xb @ w + b - yb
        total += float(np.mean(err ** 2)) * len(xb)
        w = w - lr * 2 * xb.T @ err / err.size
        b = b - lr * 2 * err.sum(0) / err.size
    return w, b, total / len(x)


def test_fit_is_minibatch_sgd_and_history_is_the_weighted_mean(nn):
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-1, 1, (10, 3)), rng.uniform(-1, 1, (10, 1))
    w0, b0 = rng.uniform(-1, 1, (3, 1)), np.array([0.3])
    nn.backend.set_floatx("float64")
    try:
        model = _linear(nn, w0, b0)
        hist = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    finally:
        nn.backend.set_floatx("float32")
    w, b, l1 = _sgd_epoch(w0, b0, x, y, 0.1, 4)
    w, b, l2 = _sgd_epoch(w, b, x, y, 0.1, 4)
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel, w, rtol=1e-12)
    np.testing.assert_allclose(bias, b, rtol=1e-12)
    np.testing.assert_allclose(hist.history["loss"], [l1, l2], rtol=1e-12)
    assert hist.epoch == [0, 1] and hist.params["samples"] == 10 and hist.params["batch_size"] == 4


def test_validation_split_takes_the_last_samples(nn):
    rng = np.random.default_rng(2)
    x, y = rng.uniform(-1, 1, (10, 2)), rng.uniform(-1, 1, (10, 1))
    nn.backend.set_floatx("float64")
    try:
        model = _linear(nn, np.array([[0.5], [-0.5]]), np.array([0.0]))
        hist = model.fit(x, y, batch_size=10, epochs=1, validation_split=0.2, shuffle=False, verbose=0)
    finally:
        nn.backend.set_floatx("float32")
    w, b, _ = _sgd_epoch(np.array([[0.5], [-0.5]]), np.array([0.0]), x[:8], y[:8], 0.1, 10)
    np.testing.assert_allclose(hist.history["val_loss"], [np.mean((x[8:] @ w + b - y[8:]) ** 2)], rtol=1e-12)
    assert list(hist.history) == ["val_loss", "loss"]


def test_sample_and_class_weights_enter_the_loss_as_keras_does(nn):
    x = np.array([[1.0], [2.0], [3.0], [4.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    nn.backend.set_floatx("float64")
    try:
        model = _linear(nn, np.array([[1.0]]), np.array([0.0]))
        sw = np.array([1.0, 0.0, 2.0, 1.0])
        err2 = ((x - y) ** 2)[:, 0]
        assert model.evaluate(x, y, sample_weight=sw, verbose=0) == pytest.approx(np.mean(err2 * sw) / 0.75)
        cw = {0: 2.0, 1: 0.5}
        got = model.test_on_batch(x, y, sample_weight=np.array([cw[int(c)] for c in y[:, 0]]))
        assert got == pytest.approx(np.mean(err2 * np.array([2.0, 0.5, 0.5, 2.0])))
    finally:
        nn.backend.set_floatx("float32")


@pytest.mark.parametrize("sequence", [False, True], ids=["per-sample-score", "per-step-score"])
def test_no_sample_weights_train_as_keras_default_of_ones(nn, sequence):
    """Without sample_weight Keras feeds weights of ones: the same losses, metrics and trained weights bit for bit
    as explicit ones, a per-step score (batch, time) averaged per sample first (the weights' rank), a weighted
    metric too, an unweighted metric over all of its entries at once."""
    rng = np.random.default_rng(7)
    shape = (6, 40, 3) if sequence else (6, 3)
    x = rng.standard_normal((32,) + shape[1:]).astype(np.float32)
    y = rng.standard_normal((32,) + shape[1:-1] + (2,)).astype(np.float32)
    models = []
    for _ in range(2):
        inp = nn.Input(shape=shape[1:])
        model = nn.models.Model(inp, nn.layers.Dense(2)(nn.layers.Dense(5, activation="tanh")(inp)))
        model.compile("rmsprop", "mse", metrics=["mae"], weighted_metrics=["mse"])
        models.append(model)
    models[1].set_weights(models[0].get_weights())
    for start in range(0, 32, 8):
        rows = slice(start, start + 8)
        got = models[0].train_on_batch(x[rows], y[rows])
        want = models[1].train_on_batch(x[rows], y[rows], sample_weight=np.ones(8))
        np.testing.assert_array_equal(got, want)
    for a, b in zip(models[0].get_weights(), models[1].get_weights()):
        np.testing.assert_array_equal(a, b)
    got, want = models[0].evaluate(x, y, verbose=0), models[1].evaluate(x, y, sample_weight=np.ones(32), verbose=0)
    np.testing.assert_array_equal(got, want)


def test_evaluate_averages_batches_weighted_by_size(nn):
    x, y = np.arange(5.0).reshape(5, 1), np.zeros((5, 1))
    model = _linear(nn, np.array([[1.0]]), np.array([0.0]))
    assert model.evaluate(x, y, batch_size=2, verbose=0) == pytest.approx(np.mean(x ** 2), rel=1e-6)
    assert model.predict(x, batch_size=2).shape == (5, 1)
    assert model.predict_on_batch(x).shape == (5, 1)


def test_initial_epoch_and_verbose_zero(nn, capsys):
    model = _linear(nn, np.array([[1.0]]), np.array([0.0]))
    hist = model.fit(np.ones((4, 1)), np.zeros((4, 1)), epochs=3, initial_epoch=1, verbose=0)
    assert hist.epoch == [1, 2] and capsys.readouterr().out == ""


def test_loss_none_with_add_loss(nn):
    x = nn.Input(shape=(2,))
    dense = nn.layers.Dense(1, kernel_initializer="ones")
    out = dense(x)
    model = nn.models.Model(x, out)
    dense.add_loss(lambda: nn.backend.sum(nn.backend.square(dense.kernel)))
    model.compile("sgd", loss=None)
    before = float(model.train_on_batch(np.ones((2, 2)), None))
    assert before == pytest.approx(2.0) and float(model.test_on_batch(np.ones((2, 2)), None)) < before


# -- the trainable rule (Keras 2: read at compile) ------------------------------------------------------------

def test_gan_pattern_frozen_discriminator_still_trains_on_its_own(nn):
    L = nn.layers
    disc_in = nn.Input(shape=(2,))
    discriminator = nn.models.Model(disc_in, L.Dense(1, activation="sigmoid")(disc_in))
    discriminator.compile("sgd", "binary_crossentropy")
    discriminator.trainable = False
    gen_in = nn.Input(shape=(3,))
    generator = L.Dense(2)
    gan = nn.models.Model(gen_in, discriminator(generator(gen_in)))
    gan.compile("sgd", "binary_crossentropy")
    assert len(gan._collected_trainable_weights) == 2  # the generator's only
    d0, g0 = discriminator.get_weights(), generator.get_weights()
    gan.train_on_batch(np.ones((4, 3)), np.ones((4, 1)))
    assert all(np.array_equal(a, b) for a, b in zip(d0, discriminator.get_weights()))
    assert any(not np.array_equal(a, b) for a, b in zip(g0, generator.get_weights()))
    discriminator.train_on_batch(np.ones((4, 2)), np.zeros((4, 1)))  # compiled while trainable: still trains
    assert any(not np.array_equal(a, b) for a, b in zip(d0, discriminator.get_weights()))


# -- errors ---------------------------------------------------------------------------------------------------

def test_errors_on_bad_input(nn):
    L = nn.layers
    model = nn.models.Sequential([L.Dense(4, input_shape=(3,), name="first"), L.Dense(2, activation="softmax")])
    model.compile("sgd", "categorical_crossentropy")
    with pytest.raises(ValueError, match=r"Error when checking input: expected first_input to have shape \(3,\) but "
                                         r"got array with shape \(5,\)"):
        model.fit(np.ones((4, 5)), np.ones((4, 2)), verbose=0)
    with pytest.raises(ValueError, match="Input arrays should have the same number of samples as target arrays. "
                                         "Found 4 input samples and 3 target samples"):
        model.fit(np.ones((4, 3)), np.ones((3, 2)), verbose=0)
    with pytest.raises(ValueError, match=r"Error when checking target: expected dense_1 to have shape \(2,\) but got "
                                         r"array with shape \(1,\)"):
        model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)
    single = nn.models.Sequential([L.Dense(1, input_shape=(3,))])
    single.compile("sgd", "categorical_crossentropy")
    with pytest.raises(ValueError, match=r"You are passing a target array of shape \(4, 1\) while using as loss "
                                         "`categorical_crossentropy`"):
        single.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)
    with pytest.raises(ValueError, match="Unknown loss"):
        model.compile("sgd", "categorical_crossentropi")
    with pytest.raises(ValueError, match="optimizer"):
        model.compile("adamm", "mse")
    with pytest.raises(RuntimeError, match="You must compile your model before using it"):
        nn.models.Sequential([L.Dense(1, input_shape=(1,))]).fit(np.ones((1, 1)), np.ones((1, 1)), verbose=0)


def test_non_finite_loss_is_a_clear_error(nn):
    model = _linear(nn, np.array([[1.0]]), np.array([0.0]))
    with pytest.raises(FloatingPointError, match=r"the loss became nan at epoch 1, batch 0.*TerminateOnNaN"):
        model.fit(np.array([[np.nan]]), np.zeros((1, 1)), verbose=0)


def test_config_round_trips_of_models(nn):
    L = nn.layers
    seq = nn.models.Sequential([L.Dense(3, input_shape=(2,), name="d1"), L.Dense(1, name="d2")], name="stack")
    config = seq.get_config()
    assert config["name"] == "stack" and [c["config"]["name"] for c in config["layers"]] == ["d1", "d2"]
    nn.backend.clear_session()
    clone = nn.models.Sequential.from_config(config)
    assert clone.get_config() == config and clone.count_params() == seq.count_params()
    x = nn.Input(shape=(2,), name="x")
    model = nn.models.Model(x, L.Dense(2, name="head")(x), name="graph")
    fconfig = model.get_config()
    assert fconfig["input_layers"] == [["x", 0, 0]] and fconfig["output_layers"] == [["head", 0, 0]]
    assert nn.models.Model.from_config(fconfig).get_config() == fconfig


def test_keras1_model_arguments_are_accepted_with_a_warning(nn):
    x = nn.Input(shape=(2,))
    y = nn.layers.Dense(1)(x)
    with pytest.warns(UserWarning, match="Update your `Model` call to the Keras 2 API"):
        model = nn.models.Model(input=x, output=y)
    assert model.inputs == [x] and model.outputs == [y]
    assert nn.backend.shape(nn.constant(np.zeros((2, 5)))).numpy().tolist() == [2, 5]


def test_boolean_inputs_are_fed_as_floatx(nn):
    """DLwP 8.1 vectorises text into np.bool arrays; Keras 2.2.4 feeds them to float32 placeholders, so every layer
    sees float32 (an LSTM's zero state takes the input's dtype)."""
    seen = []
    model = nn.models.Sequential([nn.layers.Lambda(lambda t: seen.append(t.dtype) or t, input_shape=(3, 2)),
                                  nn.layers.LSTM(2), nn.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.zeros((4, 3, 2), dtype=bool)
    x[:, :, 0] = True
    model.train_on_batch(x, np.ones((4, 1), np.float32))
    np.testing.assert_array_equal(model.predict(x), model.predict(x.astype(np.float32)))
    assert seen and all(d == np.float32 for d in seen)
