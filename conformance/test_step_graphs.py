"""Recorded training steps (nnspec.reference.capture; accel's CUDA graphs, nnspec.accel.graphs).

While a step is recorded, the checks that would read device values on the host are handed to the recorder and
random draws refuse the recording; on a GPU, a replayed step must train exactly as the eager step does.
"""

import numpy as np
import pytest
from nnspec.reference import capture


class _Recorder:
    def __init__(self):
        self.checks = []

    def defer_index_check(self, array, limit, message):
        self.checks.append((array, limit, message))


def test_index_checks_are_handed_to_the_recorder(nn):
    layer = nn.layers.Embedding(5, 2, name="emb")
    good = nn.constant(np.array([[0, 4], [1, 2]], dtype=np.int32))
    bad = nn.constant(np.array([[0, 7], [-1, 2]], dtype=np.int32))
    layer.build((2, 2))  # its weights made outside the recording (a step's layers are built before it)
    rec = _Recorder()
    with capture.recording(rec):
        layer(good)  # no device read: the recorder checks the host batch at every replay
    (array, limit, message), = rec.checks
    assert array is good.data and limit == 5
    with pytest.raises(ValueError) as eager:
        layer(bad)
    assert str(eager.value) == "Embedding emb: indices must be in [0, 5), got -1..7"
    assert str(capture.index_range_error(np.array([[0, 7], [-1, 2]]), limit, message)) == str(eager.value)
    assert capture.index_range_error(np.array([[0, 4]]), limit, message) is None


def test_sparse_label_checks_are_handed_to_the_recorder(nn):
    labels = nn.constant(np.array([1, 2], dtype=np.int64))
    logits = nn.constant(np.zeros((2, 3), dtype=np.float32))
    rec = _Recorder()
    with capture.recording(rec):
        nn.ops.sparse_softmax_cross_entropy_with_logits(labels, logits)
    (array, limit, message), = rec.checks
    assert array is labels.data and limit == 3
    bad = np.array([1, 3])
    with pytest.raises(ValueError, match=r"label value 3 is outside the valid range \[0, 3\)") as eager:
        nn.ops.sparse_softmax_cross_entropy_with_logits(nn.constant(bad), logits)
    assert str(capture.index_range_error(bad, limit, message)) == str(eager.value)


def test_random_draws_refuse_a_recording(nn):
    x = nn.constant(np.ones((4, 3), dtype=np.float32))
    with capture.recording(_Recorder()):
        with pytest.raises(capture.NotCapturable, match="random_uniform"):
            nn.ops.dropout(x, 0.5)
        with pytest.raises(capture.NotCapturable, match="random_normal"):
            nn.ops.random_normal((2,), like=x)
    assert nn.ops.dropout(x, 0.5).shape == (4, 3)  # eager draws as ever


# -- accel on a GPU: replays train exactly as eager steps ---------------------------------------------------

def _accel(nn):
    if nn.implementation.name != "accel":
        pytest.skip("CUDA graphs are accel's (the reference runs every step eagerly)")
    from nnspec.accel import graphs
    return graphs


def _mlp(nn, optimizer="rmsprop", dropout=False):
    layers = [nn.layers.Dense(16, activation="relu", input_shape=(12,))]
    layers += [nn.layers.Dropout(0.5)] if dropout else []
    model = nn.models.Sequential(layers + [nn.layers.Dense(4, activation="softmax")])
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def _sequence_model(nn):
    model = nn.models.Sequential([nn.layers.Embedding(50, 8, input_length=7), nn.layers.LSTM(6),
                                  nn.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
    return model


def _convnet(nn):
    # 32 x 14 x 14 rows of conv outputs: the bias gradient sums them as one matrix-vector product (reduce.py)
    model = nn.models.Sequential([nn.layers.Conv2D(8, 3, activation="relu", input_shape=(16, 16, 1)),
                                  nn.layers.MaxPooling2D(), nn.layers.Flatten(),
                                  nn.layers.Dense(4, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def _batches(name, sizes, seed=0):
    r = np.random.default_rng(seed)
    for n in sizes:
        if name == "convnet":
            yield r.random((n, 16, 16, 1), dtype=np.float32), np.eye(4, dtype=np.float32)[r.integers(0, 4, n)]
        elif name == "sequence":
            yield r.integers(0, 50, (n, 7)), r.integers(0, 2, (n, 1)).astype(np.float32)
        else:
            yield r.standard_normal((n, 12)).astype(np.float32), np.eye(4, dtype=np.float32)[r.integers(0, 4, n)]


def _train_both(nn, monkeypatch, make, name, sizes, between=None):
    """The same model trained with graphs off and on: (eager results, eager model, graphed results, model)."""
    runs = []
    first = None
    for flag in ("0", "1"):
        monkeypatch.setenv("NNSPEC_CUDA_GRAPHS", flag)
        model = make(nn)
        model.build((None,) + next(_batches(name, [1]))[0].shape[1:])
        if first is None:
            first = model.get_weights()
        model.set_weights(first)
        out = []
        for step, (x, y) in enumerate(_batches(name, sizes)):
            if between is not None:
                between(step, model, first)
            out.append(model.train_on_batch(x, y))
        runs += [np.array(out), model]
    return runs


@pytest.mark.gpu
@pytest.mark.parametrize("name", ["mlp", "sequence", "convnet"])
def test_replayed_steps_train_as_eager_steps(nn, monkeypatch, name):
    graphs = _accel(nn)
    make = {"mlp": _mlp, "sequence": _sequence_model, "convnet": _convnet}[name]
    eager, eager_model, replayed, model = _train_both(nn, monkeypatch, make, name,
                                                      [32 if name == "convnet" else 8] * 7)
    assert model._step_graphs.refused == {} and model._step_graphs.replays == 7 - graphs.WARMUP_STEPS
    np.testing.assert_allclose(replayed, eager, rtol=1e-5, atol=1e-6)
    for a, b in zip(model.get_weights(), eager_model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert int(model.optimizer.iterations.numpy()) == 7


_OPTIMIZERS = {"adam": lambda nn: nn.optimizers.Adam(), "amsgrad": lambda nn: nn.optimizers.Adam(amsgrad=True),
               "adamax": lambda nn: nn.optimizers.Adamax(), "nadam": lambda nn: nn.optimizers.Nadam(),
               "rmsprop-decay": lambda nn: nn.optimizers.RMSprop(
                   decay=0.1), "sgd-nesterov": lambda nn: nn.optimizers.SGD(0.1, momentum=0.9, nesterov=True)}


@pytest.mark.gpu
@pytest.mark.parametrize("name", list(_OPTIMIZERS))
def test_replays_refill_the_optimizers_numbers_of_each_step(nn, monkeypatch, name):
    """Adam's bias-corrected learning rate and a decayed one change every step: a replay reads them from device
    scalars refilled before it, and trains as the eager steps do (Nadam's host-side momentum schedule advanced
    by the replay as by the step)."""
    graphs = _accel(nn)
    make = lambda nn: _mlp(nn, optimizer=_OPTIMIZERS[name](nn))  # noqa: E731
    eager, eager_model, replayed, model = _train_both(nn, monkeypatch, make, "mlp", [8] * 7)
    assert model._step_graphs.refused == {} and model._step_graphs.replays == 7 - graphs.WARMUP_STEPS
    np.testing.assert_allclose(replayed, eager, rtol=1e-5, atol=1e-6)
    for a, b in zip(model.get_weights() + model.optimizer.get_weights(),
                    eager_model.get_weights() + eager_model.optimizer.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_optimizer_numbers_are_handed_to_the_recorder(nn):
    """While a step is recorded the optimizer's kernels get what the recorder makes of the step's numbers (the
    host values of this step: Adam's lr_t at t = 1 is lr * sqrt(1 - 0.999) / (1 - 0.9))."""
    class NumbersRecorder(_Recorder):
        def step_scalars(self, scalars):
            self.numbers = dict(scalars)
            return {k: 2 * v if k == "lr_t" else v for k, v in scalars.items()}

    v, g = nn.Variable(np.ones(3, np.float32)), nn.constant(np.ones(3, np.float32))
    opt = nn.optimizers.Adam(lr=0.01)
    rec = NumbersRecorder()
    with capture.recording(rec):
        opt.apply_gradients([(g, v)])
    assert rec.numbers == pytest.approx({"lr_t": 0.01 * np.sqrt(1 - 0.999) / (1 - 0.9), "beta_1": 0.9,
                                         "beta_2": 0.999, "epsilon": 1e-7}, rel=1e-15)
    # first Adam step with g = 1: m = 0.1, v = 0.001, p -= lr_t * m / (sqrt(v) + eps), with the recorder's lr_t
    np.testing.assert_allclose(v.numpy(), 1 - 2 * rec.numbers["lr_t"] * 0.1 / (np.sqrt(0.001) + 1e-7), rtol=1e-6)


@pytest.mark.gpu
def test_replays_follow_set_weights_and_batch_shapes(nn, monkeypatch):
    _accel(nn)

    def reset(step, model, first):
        if step == 5:  # a graph is replaying by now: the restored weights must reach it
            model.set_weights(first)

    eager, eager_model, replayed, model = _train_both(nn, monkeypatch, _mlp, "mlp",
                                                      [8, 8, 8, 8, 8, 8, 5, 5, 5, 8], between=reset)
    np.testing.assert_allclose(replayed, eager, rtol=1e-5, atol=1e-6)
    for a, b in zip(model.get_weights(), eager_model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert len(model._step_graphs.graphs) == 2


@pytest.mark.gpu
def test_a_bad_index_stops_a_replayed_step_before_it_trains(nn, monkeypatch):
    _accel(nn)
    monkeypatch.setenv("NNSPEC_CUDA_GRAPHS", "1")
    model = _sequence_model(nn)
    for x, y in _batches("sequence", [8] * 4):
        model.train_on_batch(x, y)
    assert model._step_graphs.replays == 2
    before = model.get_weights()
    x[3, 2] = 50
    with pytest.raises(ValueError, match=r"indices must be in \[0, 50\), got 0..50"):
        model.train_on_batch(x, y)
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)


@pytest.mark.gpu
@pytest.mark.parametrize("kind,reason", [("dropout", "random_uniform")])
def test_steps_a_replay_cannot_repeat_run_eagerly(nn, monkeypatch, kind, reason):
    _accel(nn)
    monkeypatch.setenv("NNSPEC_CUDA_GRAPHS", "1")
    model = _mlp(nn, dropout=kind == "dropout")
    losses = [model.train_on_batch(x, y)[0] for x, y in _batches("mlp", [8] * 5)]
    (why,) = model._step_graphs.refused.values()
    assert reason in why and model._step_graphs.replays == 0
    assert np.all(np.isfinite(losses)) and int(model.optimizer.iterations.numpy()) == 5


def test_graphs_are_on_unless_turned_off(nn, monkeypatch):
    graphs = _accel(nn)
    monkeypatch.delenv("NNSPEC_CUDA_GRAPHS", raising=False)
    assert graphs.enabled()
    monkeypatch.setenv("NNSPEC_CUDA_GRAPHS", "0")
    assert not graphs.enabled()
