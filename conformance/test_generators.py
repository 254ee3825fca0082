"""fit_generator / evaluate_generator / predict_generator and ``Sequence`` (Keras 2.2.4
``engine/training_generator.py``; conventions/generators.md).

The model is a linear Dense(1) with known weights, in float64, so every expectation is written by
hand: predictions ``x @ w + b``, the MSE of a batch, SGD steps ``w -= lr * 2/n * x^T (x w + b - y)``.
"""

import numpy as np
import pytest

W0 = np.array([[0.5], [-1.0], [0.25]])
B0 = np.array([0.125])
X = np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [-0.7, 0.8, 0.9], [1.0, -1.1, 1.2], [0.3, 0.1, -0.4],
              [-0.5, -0.6, 0.2], [0.9, 0.3, 0.7], [-0.2, 1.3, -0.8], [0.6, -0.9, -0.1], [1.1, 0.2, 0.5]])
Y = np.array([[0.3], [-0.5], [1.2], [0.7], [-0.1], [0.4], [1.5], [-1.0], [0.2], [0.9]])
SPANS = [(0, 4), (4, 8), (8, 10)]  # batch_size 4 over 10 samples: the last batch is smaller
LR = 0.1


@pytest.fixture(autouse=True)
def float64(nn):
    nn.backend.clear_session()
    nn.backend.set_floatx("float64")
    yield
    nn.backend.set_floatx("float32")
    nn.backend.clear_session()


def sequence_class(nn):
    """``nn.utils.Sequence``: one class shared by every implementation."""
    return nn.utils.Sequence


def linear(nn, lr=LR, metrics=None, compile=True):
    model = nn.models.Sequential([nn.layers.Dense(1, input_shape=(3,))])
    model.set_weights([W0.copy(), B0.copy()])
    if compile:
        model.compile(nn.optimizers.SGD(lr=lr), "mse", metrics=metrics or [])
    return model


def batches(spans=SPANS, sw=None, forever=True, with_y=True):
    while True:
        for a, b in spans:
            if not with_y:
                yield X[a:b]
            elif sw is None:
                yield X[a:b], Y[a:b]
            else:
                yield X[a:b], Y[a:b], sw[a:b]
        if not forever:
            return


def mse(w, b, a, e, sw=None):
    """Keras' weighted objective of one batch rows a:e: mean(l * sw) / mean(sw != 0)."""
    loss = ((X[a:e] @ w + b - Y[a:e]) ** 2)[:, 0]
    if sw is None:
        return loss.mean()
    return (loss * sw[a:e]).mean() / (sw[a:e] != 0).mean()


def sgd_by_hand(order, epochs, sw=None):
    """Weights and per-epoch sample-weighted loss averages of SGD over the batches ``order`` each epoch."""
    w, b, losses = W0.copy(), B0.copy(), []
    for _ in range(epochs):
        total, seen = 0.0, 0
        for a, e in order:
            n = e - a
            r = X[a:e] @ w + b - Y[a:e]
            k = np.ones((n, 1)) if sw is None else (sw[a:e] / (sw[a:e] != 0).mean())[:, None]
            total += mse(w, b, a, e, sw) * n
            seen += n
            w, b = w - LR * 2.0 / n * X[a:e].T @ (r * k), b - LR * 2.0 / n * (r * k).sum(0)
        losses.append(total / seen)
    return w, b, losses


def recorder(nn, events):
    """A callback that logs every hook into ``events``."""
    class Rec(nn.callbacks.Callback):
        def on_train_begin(self, logs=None):
            events.append(("train_begin",))

        def on_epoch_begin(self, epoch, logs=None):
            events.append(("epoch_begin", epoch))

        def on_batch_begin(self, batch, logs=None):
            events.append(("batch_begin", batch, dict(logs)))

        def on_batch_end(self, batch, logs=None):
            events.append(("batch_end", batch))

        def on_epoch_end(self, epoch, logs=None):
            events.append(("epoch_end", epoch, sorted(logs)))

        def on_train_end(self, logs=None):
            events.append(("train_end",))
    return Rec()


def make_sequence(nn, events=None, n=SPANS, with_y=True):
    base = sequence_class(nn)

    class Batches(base):
        def __init__(self):
            self.spans = list(n)
            self.reads = []
            self.ends = 0

        def __len__(self):
            return len(self.spans)

        def __getitem__(self, i):
            self.reads.append(i)
            if events is not None:
                events.append(("getitem", i))
            a, b = self.spans[i]
            return (X[a:b], Y[a:b]) if with_y else X[a:b]

        def on_epoch_end(self):
            self.ends += 1
            if events is not None:
                events.append(("sequence_epoch_end",))
    return Batches()


# -- fit_generator ---------------------------------------------------------------------------------------------

def test_fit_generator_is_sgd_over_the_batches_in_order(nn):
    model = linear(nn)
    history = model.fit_generator(batches(), steps_per_epoch=3, epochs=2, verbose=0)
    w, b, losses = sgd_by_hand(SPANS, 2)
    np.testing.assert_allclose(model.get_weights()[0], w, rtol=1e-13)
    np.testing.assert_allclose(model.get_weights()[1], b, rtol=1e-13)
    np.testing.assert_allclose(history.history["loss"], losses, rtol=1e-13)  # batch losses averaged by size
    assert history.epoch == [0, 1] and list(history.history) == ["loss"]


def test_fit_generator_equals_fit_on_the_same_batches(nn):
    # bitwise: the same batches in the same order go through the same one-batch step
    sw = np.array([1.0, 2.0, 0.0, 0.5, 1.5, 1.0, 0.0, 3.0, 1.0, 0.25])
    a, g = linear(nn, metrics=["mae"]), linear(nn, metrics=["mae"])
    ha = a.fit(X, Y, batch_size=4, epochs=3, shuffle=False, sample_weight=sw, verbose=0)
    hg = g.fit_generator(batches(sw=sw), steps_per_epoch=3, epochs=3, verbose=0)
    for wa, wg in zip(a.get_weights(), g.get_weights()):
        assert np.array_equal(wa, wg)
    assert ha.history == hg.history
    w, b, losses = sgd_by_hand(SPANS, 3, sw=sw)
    np.testing.assert_allclose(g.get_weights()[0], w, rtol=1e-13)
    np.testing.assert_allclose(hg.history["loss"], losses, rtol=1e-13)


def test_fit_generator_class_weight_equals_fit(nn):
    yc = np.array([[0.0], [1.0], [1.0], [0.0], [1.0], [0.0], [0.0], [1.0], [1.0], [1.0]])

    def gen():
        while True:
            for a, e in SPANS:
                yield X[a:e], yc[a:e]
    cw = {0: 3.0, 1: 0.5}
    a, g = linear(nn), linear(nn)
    a.fit(X, yc, batch_size=4, epochs=2, shuffle=False, class_weight=cw, verbose=0)
    g.fit_generator(gen(), steps_per_epoch=3, epochs=2, class_weight=cw, verbose=0)
    for wa, wg in zip(a.get_weights(), g.get_weights()):
        assert np.array_equal(wa, wg)
    b = linear(nn)
    b.fit(X, yc, batch_size=4, epochs=2, shuffle=False, verbose=0)
    assert not np.array_equal(b.get_weights()[0], g.get_weights()[0])  # the class weights did something


def test_sequence_default_steps_and_no_shuffle(nn):
    seq = make_sequence(nn)
    model = linear(nn)
    model.fit_generator(seq, epochs=2, shuffle=False, verbose=0)
    assert seq.reads == [0, 1, 2, 0, 1, 2] and seq.ends == 2
    w, _, _ = sgd_by_hand(SPANS, 2)
    np.testing.assert_allclose(model.get_weights()[0], w, rtol=1e-13)


def test_sequence_shuffle_permutes_batches_each_epoch_with_np_random(nn):
    seq = make_sequence(nn)
    model = linear(nn)
    np.random.seed(1234)
    model.fit_generator(seq, epochs=3, shuffle=True, verbose=0)
    draws = np.random.RandomState(1234)
    orders = [draws.permutation(3).tolist() for _ in range(3)]
    assert seq.reads == sum(orders, []) and seq.ends == 3
    assert len({tuple(o) for o in orders}) > 1  # the seed was chosen so that the order changes
    # the trajectory is SGD over the permuted batches: epoch by epoch in the drawn order
    w, b = W0.copy(), B0.copy()
    for order in orders:
        for i in order:
            a, e = SPANS[i]
            r = X[a:e] @ w + b - Y[a:e]
            w, b = w - LR * 2.0 / (e - a) * X[a:e].T @ r, b - LR * 2.0 / (e - a) * r.sum(0)
    np.testing.assert_allclose(model.get_weights()[0], w, rtol=1e-13)


def test_sequence_on_epoch_end_comes_after_the_epoch_callbacks(nn):
    events = []
    seq = make_sequence(nn, events)
    linear(nn).fit_generator(seq, epochs=2, shuffle=False, verbose=0, callbacks=[recorder(nn, events)])
    names = [e[0] for e in events if e[0] != "batch_end"]
    assert names == ["train_begin",
                     "epoch_begin", "getitem", "batch_begin", "getitem", "batch_begin", "getitem", "batch_begin",
                     "epoch_end", "sequence_epoch_end",
                     "epoch_begin", "getitem", "batch_begin", "getitem", "batch_begin", "getitem", "batch_begin",
                     "epoch_end", "sequence_epoch_end", "train_end"]


def test_sequence_passes_run_across_epochs_when_steps_differ_from_len(nn):
    # a pass is every batch once; it ends mid-epoch here (steps_per_epoch=4, len 3): on_epoch_end right after
    # the batch that completes it
    events = []
    seq = make_sequence(nn, events)
    linear(nn).fit_generator(seq, steps_per_epoch=4, epochs=2, shuffle=False, verbose=0,
                             callbacks=[recorder(nn, events)])
    got = [e[:2] if e[0] in ("getitem", "batch_end", "epoch_end") else e[:1] for e in events
           if e[0] in ("getitem", "batch_end", "epoch_end", "sequence_epoch_end")]
    assert got == [("getitem", 0), ("batch_end", 0), ("getitem", 1), ("batch_end", 1), ("getitem", 2),
                   ("batch_end", 2), ("sequence_epoch_end",), ("getitem", 0), ("batch_end", 3), ("epoch_end", 0),
                   ("getitem", 1), ("batch_end", 0), ("getitem", 2), ("batch_end", 1), ("sequence_epoch_end",),
                   ("getitem", 0), ("batch_end", 2), ("getitem", 1), ("batch_end", 3), ("epoch_end", 1)]
    assert seq.ends == 2  # the last pass is incomplete: no on_epoch_end for it


def test_validation_generator_and_sequence(nn):
    # lr = 0: the weights stay W0, B0, so val_loss is the MSE of the initial model over the validation batches,
    # averaged with the batch sizes as weights
    spans = [(0, 3), (3, 7), (7, 8)]
    want = np.average([mse(W0, B0, a, e) for a, e in spans], weights=[3, 4, 1])
    model = linear(nn, lr=0.0)
    h = model.fit_generator(batches(), steps_per_epoch=3, epochs=2, verbose=0,
                            validation_data=batches(spans), validation_steps=3)
    assert sorted(h.history) == ["loss", "val_loss"]
    np.testing.assert_allclose(h.history["val_loss"], [want, want], rtol=1e-14)
    vseq = make_sequence(nn, n=spans)
    h = linear(nn, lr=0.0).fit_generator(batches(), steps_per_epoch=3, epochs=2, verbose=0, validation_data=vseq)
    np.testing.assert_allclose(h.history["val_loss"], [want, want], rtol=1e-14)
    assert vseq.reads == [0, 1, 2, 0, 1, 2] and vseq.ends == 2  # validation_steps defaults to len; no shuffle


def test_validation_generator_continues_between_epochs(nn):
    # validation_steps=2 from a generator of 3 batches: epoch 2 validates on batches 3, 1 of the stream
    spans = [(0, 3), (3, 7), (7, 8)]
    model = linear(nn, lr=0.0)
    h = model.fit_generator(batches(), steps_per_epoch=1, epochs=2, verbose=0,
                            validation_data=batches(spans), validation_steps=2)
    want = [np.average([mse(W0, B0, 0, 3), mse(W0, B0, 3, 7)], weights=[3, 4]),
            np.average([mse(W0, B0, 7, 8), mse(W0, B0, 0, 3)], weights=[1, 3])]
    np.testing.assert_allclose(h.history["val_loss"], want, rtol=1e-14)


def test_validation_arrays_are_evaluated_with_the_last_training_batch_size(nn):
    # Keras 2.2.4 evaluates validation arrays with batch_size = size of the epoch's last training batch (2 here).
    # With sample weights [1, 0, 1, 1] the batch split shows: batches [0, 1], [2, 3] give
    # (2 * l0 / 1 + 2 * (l2 + l3) / 2) / 4, where one batch of 4 would give (l0 + l2 + l3) / 3.
    vx, vy = X[:4], Y[:4]
    vw = np.array([1.0, 0.0, 1.0, 1.0])
    loss = ((vx @ W0 + B0 - vy) ** 2)[:, 0]
    want = (2 * loss[0] + (loss[2] + loss[3])) / 4
    h = linear(nn, lr=0.0, metrics=["mae"]).fit_generator(batches(), steps_per_epoch=3, epochs=1, verbose=0,
                                                          validation_data=(vx, vy, vw))
    assert sorted(h.history) == ["loss", "mean_absolute_error", "val_loss", "val_mean_absolute_error"]
    np.testing.assert_allclose(h.history["val_loss"], [want], rtol=1e-14)
    assert abs(want - (loss[0] + loss[2] + loss[3]) / 3) > 1e-3

    class Seen(nn.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.seen = list(self.validation_data)

    seen = Seen()
    h = linear(nn, lr=0.0).fit_generator(batches(), steps_per_epoch=3, epochs=1, verbose=0,
                                         validation_data=(vx, vy), callbacks=[seen])
    np.testing.assert_allclose(h.history["val_loss"], [loss.mean()], rtol=1e-14)
    # callbacks see the validation arrays as Keras lists them: inputs, targets, sample weights (ones by default)
    assert len(seen.seen) == 3
    for got, want in zip(seen.seen, (vx, vy, np.ones(4))):
        np.testing.assert_array_equal(np.asarray(got), want)


def test_callbacks_see_steps_params_and_batch_sizes(nn, capsys):
    events = []
    rec = recorder(nn, events)
    linear(nn, metrics=["mae"]).fit_generator(batches(), steps_per_epoch=3, epochs=2, verbose=0, callbacks=[rec])
    assert rec.params == {"epochs": 2, "steps": 3, "verbose": 0, "do_validation": False,
                          "metrics": ["loss", "mean_absolute_error", "val_loss", "val_mean_absolute_error"]}
    sizes = [e[2] for e in events if e[0] == "batch_begin"]
    assert sizes == [{"batch": 0, "size": 4}, {"batch": 1, "size": 4}, {"batch": 2, "size": 2}] * 2
    assert ("epoch_end", 0, ["loss", "mean_absolute_error"]) in events
    assert capsys.readouterr().out == ""
    linear(nn).fit_generator(batches(), steps_per_epoch=3, epochs=1, verbose=2)
    out = capsys.readouterr().out
    assert out.startswith("Epoch 1/1\n") and " - loss: " in out  # verbose=2: one line per epoch
    linear(nn).fit_generator(batches(), steps_per_epoch=3, epochs=1, verbose=1)
    out = capsys.readouterr().out
    assert "3/3 [==============================]" in out and "10/10" not in out  # the bar counts steps


def test_initial_epoch(nn):
    events, taken = [], []

    def gen():
        while True:
            for a, e in SPANS:
                taken.append(a)
                yield X[a:e], Y[a:e]
    h = linear(nn).fit_generator(gen(), steps_per_epoch=3, epochs=4, initial_epoch=2, verbose=0,
                                 callbacks=[recorder(nn, events)])
    assert h.epoch == [2, 3] and len(h.history["loss"]) == 2
    assert [e[1] for e in events if e[0] == "epoch_begin"] == [2, 3] and len(taken) == 6


def test_stop_training_from_a_callback(nn):
    class Stop(nn.callbacks.Callback):
        def on_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True
    taken = []

    def gen():
        while True:
            taken.append(1)
            yield X[:4], Y[:4]
    h = linear(nn).fit_generator(gen(), steps_per_epoch=3, epochs=5, verbose=0, callbacks=[Stop()])
    assert h.epoch == [0] and len(taken) == 2


def test_workers_and_multiprocessing_are_accepted_and_change_nothing(nn):
    a, b = linear(nn), linear(nn)
    a.fit_generator(batches(), steps_per_epoch=3, epochs=2, verbose=0, workers=0)
    b.fit_generator(batches(), steps_per_epoch=3, epochs=2, verbose=0, workers=4, use_multiprocessing=True,
                    max_queue_size=1)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        assert np.array_equal(wa, wb)


def test_deferred_sequential_builds_on_the_first_batch(nn):
    taken = []

    def gen():
        while True:
            for a, e in SPANS:
                taken.append(a)
                yield X[a:e], Y[a:e]
    model = nn.models.Sequential([nn.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(nn.optimizers.SGD(lr=LR), "mse")
    h = model.fit_generator(gen(), steps_per_epoch=3, epochs=1, verbose=0)
    assert taken == [0, 4, 8] and len(h.history["loss"]) == 1  # the batch read to build the model is trained on
    w, b = np.zeros((3, 1)), np.zeros(1)
    for a, e in SPANS:
        r = X[a:e] @ w + b - Y[a:e]
        w, b = w - LR * 2.0 / (e - a) * X[a:e].T @ r, b - LR * 2.0 / (e - a) * r.sum(0)
    np.testing.assert_allclose(model.get_weights()[0], w, rtol=1e-13)


def test_non_finite_loss_is_an_error(nn):
    def gen():
        while True:
            yield X[:2], np.array([[np.nan], [0.5]])
    with pytest.raises(FloatingPointError, match="fit_generator: the loss became"):
        linear(nn).fit_generator(gen(), steps_per_epoch=2, verbose=0)


# -- evaluate_generator ---------------------------------------------------------------------------------------

def test_evaluate_generator_averages_batches_weighted_by_size(nn):
    model = linear(nn, metrics=["mae"])
    got = model.evaluate_generator(batches(), steps=3)
    per = [mse(W0, B0, a, e) for a, e in SPANS]
    mae = [np.abs(X[a:e] @ W0 + B0 - Y[a:e]).mean() for a, e in SPANS]
    want = [(4 * per[0] + 4 * per[1] + 2 * per[2]) / 10, (4 * mae[0] + 4 * mae[1] + 2 * mae[2]) / 10]
    np.testing.assert_allclose(got, want, rtol=1e-14)
    assert abs(want[0] - np.mean(per)) > 1e-3  # not the plain mean of the batch values
    np.testing.assert_allclose(got, model.evaluate(X, Y, batch_size=4, verbose=0), rtol=1e-14)
    np.testing.assert_allclose(model.evaluate_generator(make_sequence(nn)), want, rtol=1e-14)  # steps = len


def test_evaluate_generator_with_sample_weights_and_single_value(nn):
    sw = np.array([1.0, 2.0, 0.0, 0.5, 1.5, 1.0, 0.0, 3.0, 1.0, 0.25])
    model = linear(nn)
    got = model.evaluate_generator(batches(sw=sw), steps=3, verbose=0)
    want = np.average([mse(W0, B0, a, e, sw) for a, e in SPANS], weights=[4, 4, 2])
    assert np.ndim(got) == 0
    np.testing.assert_allclose(got, want, rtol=1e-14)
    np.testing.assert_allclose(got, model.evaluate(X, Y, batch_size=4, sample_weight=sw, verbose=0), rtol=1e-14)


def test_evaluate_generator_sequence_on_epoch_end_after_a_complete_pass(nn):
    model = linear(nn)
    seq = make_sequence(nn)
    model.evaluate_generator(seq)
    assert seq.reads == [0, 1, 2] and seq.ends == 1
    seq = make_sequence(nn)
    model.evaluate_generator(seq, steps=2)
    assert seq.reads == [0, 1] and seq.ends == 0


def test_evaluate_generator_verbose_progress_counts_steps(nn, capsys):
    linear(nn).evaluate_generator(batches(), steps=3, verbose=1)
    assert "3/3 [==============================]" in capsys.readouterr().out


def test_evaluate_generator_empty_batch(nn):
    def gen():
        yield X[:0], Y[:0]
    with pytest.raises(ValueError, match="empty batch"):
        linear(nn).evaluate_generator(gen(), steps=1)


# -- predict_generator ----------------------------------------------------------------------------------------

def test_predict_generator_concatenates_batches(nn):
    model = linear(nn)
    want = X @ W0 + B0
    np.testing.assert_allclose(model.predict_generator(batches(with_y=False), steps=3), want, rtol=1e-14)
    np.testing.assert_allclose(model.predict_generator(batches(), steps=3), want, rtol=1e-14)  # (x, y): x used
    sw = np.ones(10)
    np.testing.assert_allclose(model.predict_generator(batches(sw=sw), steps=3), want, rtol=1e-14)
    seq = make_sequence(nn, with_y=False)
    got = model.predict_generator(seq, verbose=0)
    assert got.shape == (10, 1) and seq.reads == [0, 1, 2] and seq.ends == 1
    np.testing.assert_allclose(got, want, rtol=1e-14)
    np.testing.assert_allclose(got, model.predict(X, batch_size=4), rtol=1e-14)
    np.testing.assert_allclose(model.predict_generator(batches(with_y=False), steps=1), want[:4], rtol=1e-14)


def test_predict_generator_multi_input_multi_output(nn):
    a = nn.layers.Input((3,))
    c = nn.layers.Input((2,))
    d1 = nn.layers.Dense(1, name="d1")
    d2 = nn.layers.Dense(2, name="d2")
    o1 = d1(a)
    o2 = d2(c)
    model = nn.models.Model([a, c], [o1, o2])
    k2, b2 = np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([0.25, -0.5])
    d1.set_weights([W0, B0])
    d2.set_weights([k2, b2])
    xc = X[:, :2] * 2.0 - 0.1

    def gen():
        while True:
            for s, e in SPANS:
                yield [X[s:e], xc[s:e]]  # a list is the inputs (only a tuple is (x, y[, sample_weight]))
    out = model.predict_generator(gen(), steps=3)
    assert isinstance(out, list) and len(out) == 2
    np.testing.assert_allclose(out[0], X @ W0 + B0, rtol=1e-14)
    np.testing.assert_allclose(out[1], xc @ k2 + b2, rtol=1e-14)


# -- errors ----------------------------------------------------------------------------------------------------

def test_steps_are_required_for_plain_generators(nn):
    model = linear(nn)
    with pytest.raises(ValueError, match=r"fit_generator: `steps_per_epoch=None` is only valid for a generator "
                                         r"based on the `nnspec.utils.Sequence` class"):
        model.fit_generator(batches(), verbose=0)
    with pytest.raises(ValueError, match=r"evaluate_generator: `steps=None` is only valid"):
        model.evaluate_generator(batches())
    with pytest.raises(ValueError, match=r"predict_generator: `steps=None` is only valid"):
        model.predict_generator(batches())
    with pytest.raises(ValueError, match=r"`validation_steps=None` is only valid"):
        model.fit_generator(batches(), steps_per_epoch=3, validation_data=batches(), verbose=0)
    with pytest.raises(ValueError, match=r"`steps_per_epoch` must be a positive number of batches, got 0"):
        model.fit_generator(batches(), steps_per_epoch=0, verbose=0)


def test_float_steps_round_up(nn):
    taken = []

    def gen():
        while True:
            taken.append(1)
            yield X[:4], Y[:4]
    h = linear(nn).fit_generator(gen(), steps_per_epoch=10 / 4, verbose=0)
    assert len(taken) == 3 and h.epoch == [0]


@pytest.mark.parametrize("bad, found", [
    ((X[:2],), r"a tuple of 1 item\(s\): \(ndarray of shape \(2, 3\)\)"),
    ((X[:2], Y[:2], np.ones(2), np.ones(2)), r"a tuple of 4 item\(s\)"),
    (X[:2], r"ndarray of shape \(2, 3\)"),
    ({"x": X[:2]}, r"a dict with keys \['x'\]"),
])
def test_bad_generator_output_is_a_clear_error(nn, bad, found):
    def gen():
        while True:
            yield bad
    pattern = r"output of generator should be a tuple `\(x, y, sample_weight\)` or `\(x, y\)`. Found: " + found
    with pytest.raises(ValueError, match=pattern):
        linear(nn).fit_generator(gen(), steps_per_epoch=1, verbose=0)
    with pytest.raises(ValueError, match=pattern):
        linear(nn).evaluate_generator(gen(), steps=1)


def test_predict_generator_bad_tuple(nn):
    def gen():
        while True:
            yield (X[:2],)
    with pytest.raises(ValueError, match=r"predict_generator: output of generator should be a tuple"):
        linear(nn).predict_generator(gen(), steps=1)


def test_exhausted_generator_says_how_many_batches_were_needed(nn):
    with pytest.raises(ValueError, match=r"fit_generator: the generator stopped after yielding 3 batch\(es\), but "
                                         r"steps_per_epoch \* epochs = 3 \* 2 were needed"):
        linear(nn).fit_generator(batches(forever=False), steps_per_epoch=3, epochs=2, verbose=0)
    with pytest.raises(ValueError, match=r"evaluate_generator: the generator stopped after yielding 3 batch"):
        linear(nn).evaluate_generator(batches(forever=False), steps=4)
    with pytest.raises(ValueError, match=r"the validation generator stopped after yielding 3 batch\(es\), but "
                                         r"validation_steps = 2 were needed after each epoch"):
        linear(nn).fit_generator(batches(), steps_per_epoch=1, epochs=2, verbose=0,
                                 validation_data=batches(forever=False), validation_steps=2)


def test_not_an_iterator_is_a_type_error(nn):
    with pytest.raises(TypeError, match=r"`generator` must be a Python generator \(or any iterator\) or a "
                                        r"`nnspec.utils.Sequence`; got list. It is iterable but not an iterator"):
        linear(nn).fit_generator([(X, Y)], steps_per_epoch=1, verbose=0)

    class Indexable:
        def __len__(self):
            return 1

        def __getitem__(self, i):
            return X, Y
    with pytest.raises(TypeError, match=r"got Indexable. To use an indexable dataset of batches, subclass"):
        linear(nn).evaluate_generator(Indexable())


def test_bad_validation_data(nn):
    with pytest.raises(ValueError, match=r"`validation_data` should be a tuple `\(val_x, val_y, val_sample_weight\)`"
                                         r" or `\(val_x, val_y\)`, a generator or a `nnspec.utils.Sequence`. Found: "
                                         r"a tuple of 1 item"):
        linear(nn).fit_generator(batches(), steps_per_epoch=1, verbose=0, validation_data=(X,))


def test_y_none_with_a_loss_is_an_error(nn):
    def gen():
        while True:
            yield X[:2], None
    with pytest.raises(ValueError, match=r"the generator yielded y=None, but the model has a loss on output"):
        linear(nn).fit_generator(gen(), steps_per_epoch=1, verbose=0)


def test_uncompiled_model(nn):
    with pytest.raises(RuntimeError, match="You must compile your model before using it"):
        linear(nn, compile=False).fit_generator(batches(), steps_per_epoch=1, verbose=0)
    np.testing.assert_allclose(linear(nn, compile=False).predict_generator(batches(with_y=False), steps=3),
                               X @ W0 + B0, rtol=1e-14)


def test_sequence_base_class(nn):
    base = sequence_class(nn)

    class Half(base):
        pass
    with pytest.raises(NotImplementedError, match="Half must implement __len__"):
        len(Half())
    with pytest.raises(NotImplementedError, match="Half must implement __getitem__"):
        Half()[0]
    seq = make_sequence(nn, with_y=False)
    assert [b.shape[0] for b in seq] == [4, 4, 2] and seq.ends == 0  # iteration: one pass, in order
    assert base().on_epoch_end() is None


def test_fit_generator_multi_input_multi_output_equals_fit(nn):
    def build():
        nn.backend.clear_session()
        a, c = nn.layers.Input((3,), name="a"), nn.layers.Input((2,), name="c")
        d1, d2 = nn.layers.Dense(1, name="d1"), nn.layers.Dense(2, name="d2")
        model = nn.models.Model([a, c], [d1(a), d2(nn.layers.concatenate([a, c]))])
        d1.set_weights([W0, B0])
        d2.set_weights([np.arange(10.0).reshape(5, 2) / 10 - 0.45, np.array([0.1, -0.2])])
        model.compile(nn.optimizers.SGD(lr=LR), ["mse", "mae"], loss_weights=[1.0, 0.5])
        return model
    xc = X[:, :2] * 2.0 - 0.1
    y2 = np.stack([Y[:, 0], -Y[:, 0] * 0.5], axis=1)

    def gen():
        while True:
            for s, e in SPANS:
                yield {"a": X[s:e], "c": xc[s:e]}, [Y[s:e], y2[s:e]]
    f = build()
    hf = f.fit([X, xc], [Y, y2], batch_size=4, epochs=2, shuffle=False, verbose=0)
    g = build()
    hg = g.fit_generator(gen(), steps_per_epoch=3, epochs=2, verbose=0)
    assert sorted(hg.history) == ["d1_loss", "d2_loss", "loss"] and hf.history == hg.history
    for wf, wg in zip(f.get_weights(), g.get_weights()):
        assert np.array_equal(wf, wg)
