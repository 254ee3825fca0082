"""Recurrent layers beyond the tables (Keras 2.2.4 semantics): masking, go_backwards, stateful runs,
initial_state, return_state, dropout masks, Bidirectional and TimeDistributed behaviour, configs,
errors, the book's SimpleRNN summaries and a short training run.

Expected values are NumPy loops of the Keras equations written here (or in ``cases/layers_rnn.py``),
never the implementation compared with itself, except where a property relates two runs of it
(a masked sequence against the same sequence truncated, two stateful calls against one call).
"""

import numpy as np
import pytest
from cases.layers_rnn import hard_sigmoid, sigmoid

RTOL = 2e-5  # float32 layers against float64 NumPy over a few steps


pytestmark = pytest.mark.usefixtures("fresh_session")


def rng(seed=0):
    return np.random.default_rng(seed)


def f32(a):
    return np.asarray(a, dtype=np.float32)


def randomize(layer, seed=1, scale=0.6):
    """Distinct weights (the defaults give zero biases); returns them as float64."""
    r = rng(seed)
    layer.set_weights([r.uniform(-scale, scale, w.shape).astype(np.float32) for w in layer.weights])
    return [w.astype(np.float64) for w in layer.get_weights()]


# -- NumPy recurrences (Keras 2.2.4 equations) -------------------------------------------------------------------

def cols(a, n):
    k = a.shape[-1] // n
    return [a[..., i * k:(i + 1) * k] for i in range(n)]


def np_loop(step, x, states, mask=None, backwards=False, unroll=False):
    """TensorFlow-backend rnn: (outputs in processing order, final states); masked steps output states[0]
    (or the previous output, zeros first, when unrolled) and keep the states."""
    outs = []
    for t in (range(x.shape[1] - 1, -1, -1) if backwards else range(x.shape[1])):
        out, new = step(x[:, t], states)
        if mask is not None:
            keep = mask[:, t][:, None]
            prev = (outs[-1] if outs else np.zeros_like(out)) if unroll else states[0]
            out = np.where(keep, out, prev)
            new = [np.where(keep, n, s) for n, s in zip(new, states)]
        states = new
        outs.append(out)
    return np.stack(outs, axis=1), states


def simple_step(w, act=np.tanh, dm=None, rdm=None):
    kernel, rec, bias = w

    def step(x, states):
        x = x if dm is None else x * dm
        h = states[0] if rdm is None else states[0] * rdm
        out = act(x @ kernel + bias + h @ rec)
        return out, [out]
    return step


def lstm_step(w, ract=hard_sigmoid, dms=None, rdms=None):
    kernel, rec, bias = w
    wk, uk, bk = cols(kernel, 4), cols(rec, 4), cols(bias, 4)
    dms = dms or [None] * 4
    rdms = rdms or [None] * 4

    def step(x, states):
        h, c = states
        pre = [(x if d is None else x * d) @ wg + bg + (h if r is None else h * r) @ ug
               for d, r, wg, ug, bg in zip(dms, rdms, wk, uk, bk)]
        i, f, o = ract(pre[0]), ract(pre[1]), ract(pre[3])
        c = f * c + i * np.tanh(pre[2])
        h = o * np.tanh(c)
        return h, [h, c]
    return step


def gru_step(w, reset_after=False, ract=hard_sigmoid, dms=None, rdms=None):
    kernel, rec, bias = w
    wz, wr, wh = cols(kernel, 3)
    uz, ur, uh = cols(rec, 3)
    (bz, br, bh), rb = (cols(bias[0], 3), cols(bias[1], 3)) if reset_after else (cols(bias, 3), (0, 0, 0))
    dms = dms or [None] * 3
    rdms = rdms or [None] * 3

    def step(x, states):
        h = states[0]
        xz, xr, xh = [x if d is None else x * d for d in dms]
        hz, hr, hh = [h if r is None else h * r for r in rdms]
        z = ract(xz @ wz + bz + hz @ uz + rb[0])
        r = ract(xr @ wr + br + hr @ ur + rb[1])
        if reset_after:
            cand = np.tanh(xh @ wh + bh + r * (hh @ uh + rb[2]))
        else:
            cand = np.tanh(xh @ wh + bh + (r * hh) @ uh)
        out = z * h + (1 - z) * cand
        return out, [out]
    return step


def zeros(batch, *sizes):
    return [np.zeros((batch, s)) for s in sizes]


KINDS = {
    # name: (layer factory, NumPy step from the weights, state sizes)
    "simple_rnn": (lambda L, **kw: L.SimpleRNN(3, **kw), simple_step, (3,)),
    "lstm": (lambda L, **kw: L.LSTM(3, **kw), lstm_step, (3, 3)),
    "gru": (lambda L, **kw: L.GRU(3, **kw), gru_step, (3,)),
    "gru_reset_after": (lambda L, **kw: L.GRU(3, reset_after=True, **kw), lambda w: gru_step(w, True), (3,)),
}


# -- masking -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_masked_steps_equal_the_truncated_sequence(nn, kind):
    """Sample 0 is post-padded (3 valid steps), sample 1 pre-padded (3 valid steps): outputs at masked steps
    repeat the previous output (the initial zeros before the first valid step), and the final states are
    those of the valid steps alone."""
    make, _, sizes = KINDS[kind]
    layer = make(nn.layers, return_sequences=True, return_state=True)
    x = f32(rng().uniform(-1, 1, (2, 5, 4)))
    mask = np.array([[1, 1, 1, 0, 0], [0, 0, 1, 1, 1]], dtype=bool)
    layer(nn.constant(x))
    randomize(layer)
    out, *states = layer(nn.constant(x), mask=nn.constant(mask))
    out = out.numpy()
    alone0 = layer(nn.constant(x[:1, :3]))
    alone1 = layer(nn.constant(x[1:, 2:]))
    np.testing.assert_allclose(out[0, :3], alone0[0].numpy()[0], rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(out[0, 3], out[0, 2])
    np.testing.assert_array_equal(out[0, 4], out[0, 2])
    np.testing.assert_array_equal(out[1, :2], 0.0)
    np.testing.assert_allclose(out[1, 2:], alone1[0].numpy()[0], rtol=1e-6, atol=1e-7)
    for s, a0, a1 in zip(states, alone0[1:], alone1[1:]):
        np.testing.assert_allclose(s.numpy()[0], a0.numpy()[0], rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(s.numpy()[1], a1.numpy()[0], rtol=1e-6, atol=1e-7)
    assert len(states) == len(sizes)


@pytest.mark.parametrize("kind", KINDS)
def test_masked_sequence_against_numpy(nn, kind):
    make, step, sizes = KINDS[kind]
    layer = make(nn.layers, return_sequences=True, go_backwards=True)
    x = f32(rng(1).uniform(-1, 1, (2, 4, 2)))
    mask = np.array([[1, 0, 1, 1], [1, 1, 1, 0]], dtype=bool)
    layer(nn.constant(x))
    w = randomize(layer, 2)
    got = layer(nn.constant(x), mask=nn.constant(mask)).numpy()
    want, _ = np_loop(step(w), x.astype(np.float64), zeros(2, *sizes), mask, backwards=True)
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=1e-6)


def test_masking_and_embedding_masks_reach_the_rnn_in_models(nn):
    L = nn.layers
    x = f32(rng(3).uniform(-1, 1, (2, 5, 3)))
    x[0, 3:] = 0.0  # post-padded with the Masking value
    model = nn.models.Sequential([L.Masking(input_shape=(None, 3)), L.LSTM(4)])
    randomize(model.layers[1])
    np.testing.assert_allclose(model.predict(x)[0], model.predict(x[:1, :3])[0], rtol=1e-6, atol=1e-7)
    ids = np.array([[0, 0, 3, 1, 2], [4, 4, 1, 0, 0]])  # pre- and post-padding with index 0
    emb = nn.models.Sequential([L.Embedding(6, 3, mask_zero=True), L.GRU(4)])
    emb.predict(ids)
    randomize(emb.layers[1], 5)
    np.testing.assert_allclose(emb.predict(ids), emb.predict(np.array([[3, 1, 2], [4, 4, 1]])), rtol=1e-6, atol=1e-7)


def test_leading_masked_steps_output_the_initial_state_or_zeros_when_unrolled(nn):
    """TensorFlow's symbolic loop outputs states[0] at a masked step; the unrolled loop the previous output,
    zeros at the first step (Keras 2.2.4 tensorflow_backend.rnn)."""
    x = f32(rng(4).uniform(-1, 1, (1, 3, 2)))
    h0 = f32([[0.5, -0.25]])
    mask = nn.constant(np.array([[False, True, True]]))
    outs = {}
    for unroll in (False, True):
        layer = nn.layers.SimpleRNN(2, return_sequences=True, unroll=unroll)
        layer(nn.constant(x))
        w = randomize(layer)
        outs[unroll] = layer(nn.constant(x), mask=mask, initial_state=nn.constant(h0)).numpy()
        want, _ = np_loop(simple_step(w), x.astype(np.float64), [h0.astype(np.float64)], mask.numpy(),
                          unroll=unroll)
        np.testing.assert_allclose(outs[unroll], want, rtol=RTOL, atol=1e-6)
    np.testing.assert_array_equal(outs[False][0, 0], h0[0])
    np.testing.assert_array_equal(outs[True][0, 0], [0.0, 0.0])
    np.testing.assert_allclose(outs[False][0, 1:], outs[True][0, 1:], rtol=1e-6)


def test_output_mask_only_with_return_sequences(nn):
    L = nn.layers
    ids = nn.constant(np.array([[1, 2, 0]]))
    emb = L.Embedding(4, 2, mask_zero=True)
    seq = L.LSTM(2, return_sequences=True)(emb(ids))
    np.testing.assert_array_equal(seq._keras_mask.numpy(), [[True, True, False]])
    assert L.LSTM(2)(emb(ids))._keras_mask is None
    out, h, c = L.LSTM(2, return_sequences=True, return_state=True)(emb(ids))
    assert out._keras_mask is not None and h._keras_mask is None and c._keras_mask is None
    x = nn.Input(shape=(None,))
    e = L.Embedding(4, 2, mask_zero=True)(x)
    assert L.GRU(2, return_sequences=True)(e)._keras_mask is True
    last = L.GRU(2)(e)
    assert last._keras_mask is None
    outs = L.Bidirectional(L.GRU(2, return_sequences=True), merge_mode=None)(e)
    assert [o._keras_mask for o in outs] == [True, True]


# -- go_backwards, initial_state, return_state ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_go_backwards_processes_the_reversed_input_and_keeps_processing_order(nn, kind):
    make, step, sizes = KINDS[kind]
    x = f32(rng(5).uniform(-1, 1, (2, 4, 3)))
    backward = make(nn.layers, return_sequences=True, go_backwards=True)
    forward = make(nn.layers, return_sequences=True)
    backward(nn.constant(x))
    forward(nn.constant(x))
    forward.set_weights(backward.get_weights())
    np.testing.assert_array_equal(backward(nn.constant(x)).numpy(), forward(nn.constant(x[:, ::-1].copy())).numpy())
    w = [a.astype(np.float64) for a in backward.get_weights()]
    want, _ = np_loop(step(w), x[:, ::-1].astype(np.float64), zeros(2, *sizes))
    np.testing.assert_allclose(backward(nn.constant(x)).numpy(), want, rtol=RTOL, atol=1e-6)


# batch 2 and 300 at 32 units: a step of 256 and of 38,400 pre-activations, on both sides of the size below which
# the reference activates whole rows of gates (reference/kernels/rnn.py WHOLE_ROW_ELEMENTS, 32,768)
@pytest.mark.parametrize("batch", [2, 300])
@pytest.mark.parametrize("ract_name,ract", [("hard_sigmoid", hard_sigmoid), ("sigmoid", sigmoid)])
def test_lstm_small_and_large_steps_follow_the_equations(nn, batch, ract_name, ract):
    r = rng(8)
    x = f32(r.uniform(-1, 1, (batch, 3, 5)))
    layer = nn.layers.LSTM(32, recurrent_activation=ract_name, return_sequences=True)
    layer(nn.constant(x))
    w = randomize(layer)
    want, _ = np_loop(lstm_step(w, ract=ract), x.astype(np.float64), zeros(batch, 32, 32))
    np.testing.assert_allclose(layer(nn.constant(x)).numpy(), want, rtol=RTOL, atol=1e-6)


def test_initial_state_eager_and_symbolic(nn):
    L = nn.layers
    r = rng(6)
    x, h0, c0 = f32(r.uniform(-1, 1, (2, 4, 3))), f32(r.uniform(-1, 1, (2, 5))), f32(r.uniform(-1, 1, (2, 5)))
    layer = L.LSTM(5, return_state=True)
    layer(nn.constant(x))
    w = randomize(layer)
    out, h, c = layer(nn.constant(x), initial_state=[nn.constant(h0), nn.constant(c0)])
    want, (wh, wc) = np_loop(lstm_step(w), x.astype(np.float64), [h0.astype(np.float64), c0.astype(np.float64)])
    np.testing.assert_allclose(out.numpy(), want[:, -1], rtol=RTOL, atol=1e-6)
    np.testing.assert_allclose(h.numpy(), wh, rtol=RTOL, atol=1e-6)
    np.testing.assert_allclose(c.numpy(), wc, rtol=RTOL, atol=1e-6)
    xi, hi, ci = nn.Input(shape=(None, 3)), nn.Input(shape=(5,)), nn.Input(shape=(5,))
    model = nn.models.Model([xi, hi, ci], layer(xi, initial_state=[hi, ci]))
    got = model.predict([x, h0, c0])
    np.testing.assert_allclose(got[2], wc, rtol=RTOL, atol=1e-6)
    clone = nn.models.model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(clone.predict([x, h0, c0])[0], got[0])
    with pytest.raises(ValueError, match="Layer has 2 states but was passed 1 initial states"):
        layer(nn.constant(x), initial_state=[nn.constant(h0)])
    with pytest.raises(ValueError, match="initial state 1 must have shape"):
        layer(nn.constant(x), initial_state=[nn.constant(h0), nn.constant(c0[:, :2])])
    with pytest.raises(ValueError, match="mix of Keras tensors"):
        layer(xi, initial_state=[nn.constant(h0), nn.constant(c0)])


def test_return_state_shapes_and_values(nn):
    L = nn.layers
    x = nn.constant(f32(rng(7).uniform(-1, 1, (2, 4, 3))))
    lstm = L.LSTM(5, return_state=True)
    out, h, c = lstm(x)
    assert out.shape == h.shape == c.shape == (2, 5)
    np.testing.assert_array_equal(out.numpy(), h.numpy())
    assert lstm.compute_output_shape((None, 4, 3)) == [(None, 5), (None, 5), (None, 5)]
    seq, h = L.GRU(2, return_sequences=True, return_state=True)(x)
    assert seq.shape == (2, 4, 2) and h.shape == (2, 2)
    np.testing.assert_array_equal(seq.numpy()[:, -1], h.numpy())
    rnn = L.RNN([L.SimpleRNNCell(3), L.LSTMCell(2)], return_state=True)
    outs = rnn(x)
    assert [o.shape for o in outs] == [(2, 2), (2, 3), (2, 2), (2, 2)]
    assert rnn.compute_output_shape((None, 4, 3)) == [(None, 2), (None, 3), (None, 2), (None, 2)]
    np.testing.assert_array_equal(outs[0].numpy(), outs[2].numpy())


# -- stateful ----------------------------------------------------------------------------------------------------------

def test_stateful_layer_continues_across_calls_and_resets(nn):
    L = nn.layers
    x = f32(rng(8).uniform(-1, 1, (2, 6, 3)))
    layer = L.LSTM(4, stateful=True, return_sequences=True, batch_input_shape=(2, None, 3))
    layer(nn.constant(x[:, :1]))
    w = randomize(layer)
    layer.reset_states()
    first = layer(nn.constant(x[:, :4])).numpy()
    second = layer(nn.constant(x[:, 4:])).numpy()
    want, (h, c) = np_loop(lstm_step(w), x.astype(np.float64), zeros(2, 4, 4))
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), want, rtol=RTOL, atol=1e-6)
    np.testing.assert_allclose(layer.states[1].numpy(), c, rtol=RTOL, atol=1e-6)
    layer.reset_states()
    np.testing.assert_array_equal(layer.states[0].numpy(), np.zeros((2, 4)))
    np.testing.assert_allclose(layer(nn.constant(x[:, 4:])).numpy(), np_loop(lstm_step(w), x[:, 4:].astype(float),
                                                                             zeros(2, 4, 4))[0], rtol=RTOL, atol=1e-6)
    h0, c0 = np.full((2, 4), 0.5), np.full((2, 4), -0.25)
    layer.reset_states([h0, c0])
    np.testing.assert_array_equal(layer.states[1].numpy(), c0)
    np.testing.assert_allclose(layer(nn.constant(x[:, :2])).numpy(),
                               np_loop(lstm_step(w), x[:, :2].astype(float), [h0, c0])[0], rtol=RTOL, atol=1e-6)
    with pytest.raises(ValueError, match=r"State 0 is incompatible with layer .*expected shape=\(2, 4\)"):
        layer.reset_states([np.zeros((3, 4)), c0])
    with pytest.raises(ValueError, match="expected shape"):  # the batch size is part of a stateful layer's spec
        layer(nn.constant(x[:1]))


def test_stateful_model_predict_carries_state_and_model_reset_states(nn):
    L = nn.layers
    x = f32(rng(9).uniform(-1, 1, (2, 6, 3)))
    model = nn.models.Sequential([L.GRU(3, stateful=True, batch_input_shape=(2, None, 3), return_sequences=True)])
    whole = model.predict(x, batch_size=2)
    model.reset_states()
    parts = np.concatenate([model.predict(x[:, :3], batch_size=2), model.predict(x[:, 3:], batch_size=2)], axis=1)
    np.testing.assert_allclose(parts, whole, rtol=1e-6, atol=1e-7)
    model.reset_states()
    np.testing.assert_array_equal(model.layers[0].states[0].numpy(), np.zeros((2, 3)))


def test_stateful_needs_a_batch_size(nn):
    L = nn.layers
    with pytest.raises(ValueError, match="If a RNN is stateful, it needs to know its batch size"):
        nn.models.Sequential([L.SimpleRNN(2, stateful=True, input_shape=(None, 3))])
    with pytest.raises(AttributeError, match="Layer must be stateful"):
        L.SimpleRNN(2).reset_states()


# -- dropout (Keras 2: one set of masks per call, shared by every timestep) --------------------------------------------

def _mask_values(masks, rate):
    for m in masks:
        values = np.unique(m.numpy())
        np.testing.assert_allclose(values, [0.0, 1.0 / (1.0 - rate)], rtol=1e-6)


def test_lstm_dropout_masks_per_gate_statistics_and_exact_recurrence(nn):
    layer = nn.layers.LSTM(4, dropout=0.3, recurrent_dropout=0.4, return_sequences=True)
    x = f32(rng(10).uniform(-1, 1, (64, 5, 10)))
    layer(nn.constant(x))
    w = randomize(layer)
    got = layer(nn.constant(x), training=True).numpy()
    dms, rdms = layer.cell._dropout_mask, layer.cell._recurrent_dropout_mask
    assert len(dms) == 4 and len(rdms) == 4
    assert all(m.shape == (64, 10) for m in dms) and all(m.shape == (64, 4) for m in rdms)
    _mask_values(dms, 0.3)
    _mask_values(rdms, 0.4)
    dropped = np.mean([m.numpy() == 0 for m in dms])
    rec_dropped = np.mean([m.numpy() == 0 for m in rdms])
    assert abs(dropped - 0.3) < 0.05 and abs(rec_dropped - 0.4) < 0.06  # 2560 and 1024 draws
    assert not np.array_equal(dms[0].numpy(), dms[1].numpy())  # one mask per gate
    dm64 = [m.numpy().astype(np.float64) for m in dms]
    rdm64 = [m.numpy().astype(np.float64) for m in rdms]
    want, _ = np_loop(lstm_step(w, dms=dm64, rdms=rdm64), x.astype(np.float64), zeros(64, 4, 4))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)  # the same masks at every timestep
    again = layer(nn.constant(x), training=True)  # a new call draws new masks
    assert not np.array_equal(again.numpy(), got)
    assert not np.array_equal(layer.cell._dropout_mask[0].numpy(), dms[0].numpy())
    inference = layer(nn.constant(x), training=False).numpy()
    np.testing.assert_allclose(inference, np_loop(lstm_step(w), x.astype(np.float64), zeros(64, 4, 4))[0],
                               rtol=1e-4, atol=1e-5)
    assert layer.cell._dropout_mask is None


@pytest.mark.parametrize("reset_after", [False, True])
def test_gru_dropout_masks_implementation_1_and_2(nn, reset_after):
    x = f32(rng(11).uniform(-1, 1, (8, 4, 3)))
    for implementation in (1, 2):
        layer = nn.layers.GRU(3, dropout=0.5, recurrent_dropout=0.5, reset_after=reset_after,
                              implementation=implementation)
        layer(nn.constant(x))
        w = randomize(layer)
        got = layer(nn.constant(x), training=True).numpy()
        dms = [m.numpy().astype(np.float64) for m in layer.cell._dropout_mask]
        rdms = [m.numpy().astype(np.float64) for m in layer.cell._recurrent_dropout_mask]
        assert len(dms) == len(rdms) == 3
        if implementation == 1:
            step = gru_step(w, reset_after, dms=dms, rdms=rdms)
        else:  # one mask of each kind; Keras 2.2.4 also carries the dropped state: h = z (h m) + (1 - z) hh
            inner = gru_step(w, reset_after, dms=dms[:1] * 3)

            def step(xt, states, inner=inner, m=rdms[0]):
                return inner(xt, [states[0] * m])
        want, _ = np_loop(step, x.astype(np.float64), zeros(8, 3))
        np.testing.assert_allclose(got, want[:, -1], rtol=1e-4, atol=1e-5)


def test_simple_rnn_dropout_single_masks_and_learning_phase(nn):
    layer = nn.layers.SimpleRNN(3, dropout=0.25, recurrent_dropout=0.5)
    # 64 samples: every mask holds both values whatever the random stream (0.75 ** 128 of keeping all)
    x = f32(rng(12).uniform(-1, 1, (64, 4, 2)))
    layer(nn.constant(x))
    w = randomize(layer)
    nn.backend.set_learning_phase(1)  # training=None follows the learning phase
    got = layer(nn.constant(x)).numpy()
    nn.backend.set_learning_phase(0)
    dm, rdm = layer.cell._dropout_mask, layer.cell._recurrent_dropout_mask
    assert dm.shape == (64, 2) and rdm.shape == (64, 3)
    _mask_values([dm], 0.25)
    _mask_values([rdm], 0.5)
    want, _ = np_loop(simple_step(w, dm=dm.numpy().astype(float), rdm=rdm.numpy().astype(float)),
                      x.astype(np.float64), zeros(64, 3))
    np.testing.assert_allclose(got, want[:, -1], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(layer(nn.constant(x)).numpy(), np_loop(simple_step(w), x.astype(float),
                                                                       zeros(64, 3))[0][:, -1], rtol=1e-4, atol=1e-5)


# -- Bidirectional and TimeDistributed ---------------------------------------------------------------------------------

def test_bidirectional_copies_merge_modes_and_states(nn):
    L = nn.layers
    x = f32(rng(13).uniform(-1, 1, (2, 4, 3)))
    bi = L.Bidirectional(L.LSTM(2, return_sequences=True), merge_mode=None)
    y, y_rev = bi(nn.constant(x))
    assert bi.forward_layer.name == "forward_lstm_1" and bi.backward_layer.name == "backward_lstm_1"
    assert bi.backward_layer.go_backwards and not bi.forward_layer.go_backwards
    assert bi.count_params() == 2 * 4 * 2 * (3 + 2 + 1)
    assert [w.name for w in bi.weights][:1] == ["bidirectional_1/forward_lstm_1/kernel"]
    w = randomize(bi)
    y, y_rev = bi(nn.constant(x))
    fwd, _ = np_loop(lstm_step(w[:3]), x.astype(float), zeros(2, 2, 2))
    bwd, _ = np_loop(lstm_step(w[3:]), x.astype(float), zeros(2, 2, 2), backwards=True)
    np.testing.assert_allclose(y.numpy(), fwd, rtol=RTOL, atol=1e-6)
    np.testing.assert_allclose(y_rev.numpy(), bwd[:, ::-1], rtol=RTOL, atol=1e-6)  # back in chronological order
    assert bi.compute_output_shape((None, 4, 3)) == [(None, 4, 2), (None, 4, 2)]
    states = L.Bidirectional(L.LSTM(2, return_state=True))
    outs = states(nn.constant(x))
    assert [o.shape for o in outs] == [(2, 4), (2, 2), (2, 2), (2, 2), (2, 2)]
    assert states.compute_output_shape((None, 4, 3)) == [(None, 4)] + [(None, 2)] * 4
    np.testing.assert_array_equal(outs[0].numpy()[:, :2], outs[1].numpy())  # forward h
    np.testing.assert_array_equal(outs[0].numpy()[:, 2:], outs[3].numpy())  # backward h
    listed = L.Bidirectional(L.GRU(2, return_state=True), merge_mode=None)
    assert [o.shape for o in listed(nn.constant(x))] == [(2, 2)] * 4
    with pytest.raises(ValueError, match="Invalid merge mode"):
        L.Bidirectional(L.LSTM(2), merge_mode="max")


def test_bidirectional_trainable_weights_initial_state_and_keras_stateful_quirk(nn):
    L = nn.layers
    x = f32(rng(14).uniform(-1, 1, (2, 3, 3)))
    bi = L.Bidirectional(L.SimpleRNN(2, stateful=True), batch_input_shape=(2, 3, 3))
    bi(nn.constant(x))
    assert bi.stateful is False  # Keras 2.2.4: Layer.__init__ resets the flag the wrapper copied
    assert bi.forward_layer.stateful and bi.backward_layer.stateful
    bi.reset_states()
    bi.trainable = False
    assert bi.trainable_weights == [] and len(bi.non_trainable_weights) == 6
    assert not bi.forward_layer.trainable and not bi.backward_layer.trainable
    plain = L.Bidirectional(L.SimpleRNN(2), merge_mode="sum")
    plain(nn.constant(x))
    w = randomize(plain)
    s = [f32([[0.5, -0.5], [0.25, 0.0]]), f32([[-0.1, 0.2], [0.3, -0.4]])]
    got = plain(nn.constant(x), initial_state=[nn.constant(a) for a in s]).numpy()
    fwd, _ = np_loop(simple_step(w[:3]), x.astype(float), [s[0].astype(float)])
    bwd, _ = np_loop(simple_step(w[3:]), x.astype(float), [s[1].astype(float)], backwards=True)
    np.testing.assert_allclose(got, fwd[:, -1] + bwd[:, -1], rtol=RTOL, atol=1e-6)
    xi, si = nn.Input(shape=(3, 3)), [nn.Input(shape=(2,)), nn.Input(shape=(2,))]
    model = nn.models.Model([xi] + si, plain(xi, initial_state=si))
    np.testing.assert_array_equal(model.predict([x] + s), got)
    with pytest.raises(ValueError, match="the state should be a list containing the states"):
        plain(nn.constant(x), initial_state=[nn.constant(s[0])])


def test_time_distributed_applies_the_layer_per_timestep_and_passes_the_mask(nn):
    L = nn.layers
    ids = np.array([[1, 2, 0], [3, 0, 0]])
    emb = L.Embedding(4, 2, mask_zero=True)
    td = L.TimeDistributed(L.Dense(3))
    out = td(emb(nn.constant(ids)))
    kernel, bias = td.get_weights()
    np.testing.assert_allclose(out.numpy(), emb.get_weights()[0][ids] @ kernel + bias, rtol=1e-6)
    np.testing.assert_array_equal(out._keras_mask.numpy(), ids != 0)
    assert [w.name for w in td.weights] == ["time_distributed_1/kernel", "time_distributed_1/bias"]
    x = nn.Input(shape=(3,))
    seq = L.LSTM(2, return_sequences=True)(L.Embedding(4, 2, mask_zero=True)(x))
    assert L.TimeDistributed(L.Dense(1))(seq)._keras_mask is True
    assert L.TimeDistributed(L.Dense(2)).compute_output_shape((None, 7, 4)) == (None, 7, 2)
    with pytest.raises(ValueError, match="rank >= 3"):
        L.TimeDistributed(L.Dense(2)).build((None, 4))


# -- cells, custom cells, configuration --------------------------------------------------------------------------------

def test_cells_step_by_step_and_custom_cells(nn):
    L = nn.layers
    r = rng(15)
    x, h, c = f32(r.uniform(-1, 1, (2, 3))), f32(r.uniform(-1, 1, (2, 4))), f32(r.uniform(-1, 1, (2, 4)))
    cell = L.LSTMCell(4)
    cell.build((2, 3))
    w = randomize(cell)
    out, (h1, c1) = cell.call(nn.constant(x), [nn.constant(h), nn.constant(c)])
    want, (wh, wc) = lstm_step(w)(x.astype(float), [h.astype(float), c.astype(float)])
    np.testing.assert_allclose(out.numpy(), want, rtol=RTOL, atol=1e-6)
    np.testing.assert_allclose(c1.numpy(), wc, rtol=RTOL, atol=1e-6)
    assert cell.state_size == (4, 4) and L.GRUCell(3).state_size == 3

    class MinimalRNNCell(L.Layer):  # the cell of Keras 2.2.4's RNN docstring
        def __init__(self, units, **kwargs):
            self.units = units
            self.state_size = units
            super().__init__(**kwargs)

        def build(self, input_shape):
            self.kernel = self.add_weight("kernel", (input_shape[-1], self.units), initializer="uniform")
            self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, self.units),
                                                    initializer="uniform")
            self.built = True

        def call(self, inputs, states):
            output = nn.backend.dot(inputs, self.kernel) + nn.backend.dot(states[0], self.recurrent_kernel)
            return output, [output]

    seq = f32(r.uniform(-1, 1, (2, 5, 3)))
    layer = L.RNN(MinimalRNNCell(4), return_sequences=True)
    got = layer(nn.constant(seq)).numpy()
    k, rk = [a.astype(float) for a in layer.get_weights()]

    def minimal(xt, states):
        out = xt @ k + states[0] @ rk
        return out, [out]
    want, _ = np_loop(minimal, seq.astype(float), zeros(2, 4))
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=1e-6)
    stacked = L.RNN([MinimalRNNCell(3), L.GRUCell(2)])
    assert stacked(nn.constant(seq)).shape == (2, 2) and stacked.cell.state_size == (3, 2)
    assert stacked.count_params() == 3 * 3 + 3 * 3 + 3 * 2 * (3 + 2 + 1)


@pytest.mark.parametrize("kind", ["lstm", "gru", "gru_reset_after", "simple_rnn"])
def test_any_callable_activation_runs_the_same_equations(nn, kind):
    """Activations the fused step kernels do not know (softsign, a lambda) take the composed path."""
    L = nn.layers

    def softsign(a):
        return a / (1 + np.abs(a))
    x = f32(rng(20).uniform(-1, 1, (2, 4, 3)))
    ract = lambda t: nn.activations.sigmoid(t)  # noqa: E731  (a callable that is not a Keras activation)
    layer = {"lstm": lambda: L.LSTM(3, activation="softsign", recurrent_activation=ract),
             "gru": lambda: L.GRU(3, activation="softsign", recurrent_activation=ract),
             "gru_reset_after": lambda: L.GRU(3, activation="softsign", recurrent_activation=ract, reset_after=True),
             "simple_rnn": lambda: L.SimpleRNN(3, activation="softsign")}[kind]()
    layer(nn.constant(x))
    w = randomize(layer)
    if kind == "lstm":
        kernel, rec, bias = w
        wk, uk, bk = cols(kernel, 4), cols(rec, 4), cols(bias, 4)

        def step(xt, states):
            h, c = states
            pre = [xt @ a + b + h @ u for a, u, b in zip(wk, uk, bk)]
            c = sigmoid(pre[1]) * c + sigmoid(pre[0]) * softsign(pre[2])
            h = sigmoid(pre[3]) * softsign(c)
            return h, [h, c]
        states = zeros(2, 3, 3)
    elif kind == "simple_rnn":
        step, states = simple_step(w, act=softsign), zeros(2, 3)
    else:
        reset_after = kind == "gru_reset_after"
        kernel, rec, bias = w
        wz, wr, wh = cols(kernel, 3)
        uz, ur, uh = cols(rec, 3)
        (bz, br, bh), rb = (cols(bias[0], 3), cols(bias[1], 3)) if reset_after else (cols(bias, 3), (0, 0, 0))

        def step(xt, states):
            h = states[0]
            z = sigmoid(xt @ wz + bz + h @ uz + rb[0])
            r = sigmoid(xt @ wr + br + h @ ur + rb[1])
            cand = softsign(xt @ wh + bh + (r * (h @ uh + rb[2]) if reset_after else (r * h) @ uh))
            out = z * h + (1 - z) * cand
            return out, [out]
        states = zeros(2, 3)
    want, _ = np_loop(step, x.astype(np.float64), states)
    np.testing.assert_allclose(layer(nn.constant(x)).numpy(), want[:, -1], rtol=RTOL, atol=1e-6)


def test_keras_defaults_and_configs(nn):
    L = nn.layers
    lstm = L.LSTM(3)
    lstm.build((None, 5, 2))
    config = lstm.get_config()
    assert config["recurrent_activation"] == "hard_sigmoid" and config["unit_forget_bias"] is True
    assert config["implementation"] == 1 and config["return_sequences"] is False
    assert config["kernel_initializer"]["class_name"] == "VarianceScaling"
    assert config["recurrent_initializer"]["class_name"] == "Orthogonal"
    assert set(config) == {"name", "trainable", "dtype", "return_sequences", "return_state", "go_backwards",
                           "stateful", "unroll", "units", "activation", "recurrent_activation", "use_bias",
                           "kernel_initializer", "recurrent_initializer", "bias_initializer", "unit_forget_bias",
                           "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
                           "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
                           "recurrent_dropout", "implementation"}
    np.testing.assert_array_equal(lstm.cell.bias.numpy(), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    rk = lstm.cell.recurrent_kernel.numpy().astype(float)
    np.testing.assert_allclose(rk @ rk.T, np.eye(3), atol=1e-5)  # orthogonal rows (u < 4u)
    assert [w.name for w in lstm.weights] == ["lstm_1/kernel", "lstm_1/recurrent_kernel", "lstm_1/bias"]
    gru = L.GRU(2)
    assert gru.reset_after is False and gru.get_config()["recurrent_activation"] == "hard_sigmoid"
    assert gru.units == 2 and gru.cell.state_size == 2
    for layer in (L.GRU(2, reset_after=True, dropout=0.1), L.SimpleRNN(4, activation="relu"),
                  L.RNN([L.LSTMCell(2), L.GRUCell(3)], return_state=True),
                  L.Bidirectional(L.GRU(2, return_sequences=True), merge_mode="ave"), L.TimeDistributed(L.Dense(2))):
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()


def test_model_with_recurrent_layers_round_trips_through_json_and_saving(nn, tmp_path):
    L = nn.layers
    model = nn.models.Sequential([L.Embedding(10, 4, input_length=5), L.Bidirectional(L.LSTM(3, return_sequences=True)),
                                  L.TimeDistributed(L.Dense(2)), L.GRU(2, reset_after=True)])
    model.compile("rmsprop", "mse")
    ids = rng(16).integers(0, 10, (3, 5))
    clone = nn.models.model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(clone.predict(ids), model.predict(ids))
    model.save(str(tmp_path / "model.npz"))
    loaded = nn.models.load_model(str(tmp_path / "model.npz"))
    np.testing.assert_array_equal(loaded.predict(ids), model.predict(ids))
    assert [w.name for w in loaded.weights][1:3] == ["bidirectional_1/forward_lstm_1/kernel",
                                                     "bidirectional_1/forward_lstm_1/recurrent_kernel"]


@pytest.mark.parametrize("layer", ["lstm", "gru", "gru_reset_after"])
def test_implementation_2_computes_the_same_without_dropout(nn, layer):
    L = nn.layers
    make = {"lstm": L.LSTM, "gru": L.GRU, "gru_reset_after": lambda u, **kw: L.GRU(u, reset_after=True, **kw)}[layer]
    x = nn.constant(f32(rng(17).uniform(-1, 1, (2, 4, 3))))
    one, two = make(3, implementation=1), make(3, implementation=2)
    one(x)
    two(x)
    randomize(one)
    two.set_weights(one.get_weights())
    np.testing.assert_allclose(two(x).numpy(), one(x).numpy(), rtol=1e-6)


def test_regularizers_constraints_and_activity_regularizer(nn):
    L = nn.layers
    layer = L.LSTM(2, kernel_regularizer=nn.regularizers.l2(0.1), recurrent_constraint=nn.constraints.NonNeg(),
                   activity_regularizer=nn.regularizers.l1(0.5))
    out = layer(nn.constant(f32(rng(18).uniform(-1, 1, (2, 3, 2)))))
    kernel = layer.cell.kernel.numpy().astype(float)
    losses = [float(v.numpy()) for v in layer.losses]
    assert len(losses) == 2
    np.testing.assert_allclose(losses[0], 0.1 * np.sum(kernel ** 2), rtol=1e-5)
    np.testing.assert_allclose(losses[1], 0.5 * np.sum(np.abs(out.numpy())), rtol=1e-5)
    assert layer.cell.recurrent_kernel.constraint is layer.recurrent_constraint


def test_legacy_arguments_and_errors(nn):
    L = nn.layers
    with pytest.warns(UserWarning, match="`input_dim` and `input_length` arguments in recurrent layers"):
        layer = L.LSTM(3, input_dim=14, input_length=10)
    assert layer.batch_input_shape == (None, 10, 14)
    with pytest.warns(UserWarning, match="Update your `GRU` call to the Keras 2 API"):
        assert L.GRU(2, dropout_W=0.2).dropout == 0.2
    with pytest.warns(UserWarning, match="`implementation` argument in `SimpleRNN` has been deprecated"):
        L.SimpleRNN(2, implementation=2)
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        L.LSTM(2)(nn.constant(np.zeros((2, 3), np.float32)))
    with pytest.raises(ValueError, match="Cannot unroll a RNN if the time dimension is undefined or equal to 1"):
        L.SimpleRNN(2, unroll=True)(nn.constant(np.zeros((2, 1, 3), np.float32)))
    with pytest.raises(ValueError, match="Cannot unroll a RNN"):
        L.SimpleRNN(2, unroll=True)(nn.Input(shape=(None, 3)))
    with pytest.raises(ValueError, match="should have a `call` method"):
        L.RNN(object())
    with pytest.raises(ValueError, match="a masked step outputs the first state"):
        L.RNN([L.SimpleRNNCell(3), L.SimpleRNNCell(2)])(nn.constant(np.ones((1, 2, 2), np.float32)),
                                                        mask=nn.constant(np.array([[True, False]])))


# -- the book ----------------------------------------------------------------------------------------------------------

def _summary(model):
    out = []
    model.summary(print_fn=out.append)
    return out


def test_book_simple_rnn_summaries(nn):
    """DLwP Listings 6.23-6.25 (printed names simplernn_N are Keras 2.0's; Keras 2.2.4 prints simple_rnn_N)."""
    L = nn.layers
    model = nn.models.Sequential()
    model.add(L.Embedding(10000, 32))
    model.add(L.SimpleRNN(32))
    assert _summary(model) == [
        "_" * 65,
        "Layer (type)                 Output Shape              Param #   ",
        "=" * 65,
        "embedding_1 (Embedding)      (None, None, 32)          320000    ",
        "_" * 65,
        "simple_rnn_1 (SimpleRNN)     (None, 32)                2080      ",
        "=" * 65,
        "Total params: 322,080",
        "Trainable params: 322,080",
        "Non-trainable params: 0",
        "_" * 65,
    ]
    nn.backend.clear_session()
    model = nn.models.Sequential([L.Embedding(10000, 32), L.SimpleRNN(32, return_sequences=True)])
    lines = _summary(model)
    assert lines[5] == "simple_rnn_1 (SimpleRNN)     (None, None, 32)          2080      "
    assert lines[7:10] == ["Total params: 322,080", "Trainable params: 322,080", "Non-trainable params: 0"]
    nn.backend.clear_session()
    model = nn.models.Sequential()
    model.add(L.Embedding(10000, 32))
    model.add(L.SimpleRNN(32, return_sequences=True))
    model.add(L.SimpleRNN(32, return_sequences=True))
    model.add(L.SimpleRNN(32, return_sequences=True))
    model.add(L.SimpleRNN(32))
    lines = _summary(model)
    assert [lines[i] for i in (5, 7, 9, 11)] == [
        "simple_rnn_1 (SimpleRNN)     (None, None, 32)          2080      ",
        "simple_rnn_2 (SimpleRNN)     (None, None, 32)          2080      ",
        "simple_rnn_3 (SimpleRNN)     (None, None, 32)          2080      ",
        "simple_rnn_4 (SimpleRNN)     (None, 32)                2080      ",
    ]
    assert lines[13:16] == ["Total params: 328,320", "Trainable params: 328,320", "Non-trainable params: 0"]


def test_book_recurrent_parameter_counts(nn):
    """DLwP 6.3: the Jena GRU(32) on 14 features with Dense(1): 4,512 + 33 (reset_after=False); the stacked GRU
    4,512 + 18,624 + 65; Bidirectional(LSTM(32)) on Embedding(10000, 32): twice 8,320."""
    L = nn.layers
    gru = nn.models.Sequential([L.GRU(32, input_shape=(None, 14)), L.Dense(1)])
    assert gru.count_params() == 4545
    stacked = nn.models.Sequential([L.GRU(32, dropout=0.1, recurrent_dropout=0.5, return_sequences=True,
                                          input_shape=(None, 14)),
                                    L.GRU(64, activation="relu", dropout=0.1, recurrent_dropout=0.5), L.Dense(1)])
    assert [la.count_params() for la in stacked.layers] == [4512, 18624, 65]
    bi = nn.models.Sequential([L.Embedding(10000, 32), L.Bidirectional(L.LSTM(32)), L.Dense(1)])
    assert bi.layers[1].count_params() == 2 * 8320 and bi.layers[1].output_shape == (None, 64)


def test_embedding_lstm_training_lowers_the_loss(nn):
    """A short run on synthetic data: does a sequence contain token 5? (pre-padded with 0, masked)."""
    L = nn.layers
    nn.random.seed(1)
    r = rng(19)
    ids = r.integers(1, 12, (96, 8))
    ids[:, :2] = 0
    labels = (ids == 5).any(axis=1).astype(np.float32)
    model = nn.models.Sequential([L.Embedding(12, 8, mask_zero=True), L.LSTM(8), L.Dense(1, activation="sigmoid")])
    model.compile("rmsprop", "binary_crossentropy", metrics=["acc"])
    history = model.fit(ids, labels, epochs=6, batch_size=16, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0] - 0.02, losses


# -- the fused first-order gradient kernels against the composed VJPs ------------------------------------------------

def _fused_and_composed_grads(nn, fn, inputs, seeds):
    """Gradients of <fn(inputs), seeds> by a plain tape (a first-order backward: the fused gradient kernels)
    and by K.gradients (which records its backward pass: the VJPs composed of ops)."""
    xs = [nn.Variable(a) for a in inputs]

    def loss():
        outs = fn(*xs)
        outs = outs if isinstance(outs, tuple) else (outs,)
        return nn.ops.sum(nn.ops.stack([nn.ops.sum(nn.ops.multiply(o, nn.constant(s))) for o, s in zip(outs, seeds)]))

    with nn.GradientTape() as tape:
        value = loss()
    fused = [g.numpy() for g in tape.gradient(value, xs)]
    composed = [g.numpy() for g in nn.backend.gradients(loss(), xs)]
    return fused, composed


FUSED_STEPS = {
    # op, gate blocks of x and m, number of (batch, u) inputs after x, m; outputs
    "lstm_cell": (4, 1, 2),
    "gru_reset_gate": (2, 1, 2),
    "gru_cell_reset_after": (3, 1, 1),
}


@pytest.mark.parametrize("op", sorted(FUSED_STEPS))
@pytest.mark.parametrize("act,ract", [("tanh", "hard_sigmoid"), ("relu", "sigmoid"), ("linear", "tanh"),
                                      ("sigmoid", "relu"), ("hard_sigmoid", "linear")])
def test_fused_step_gradients_equal_the_composed_vjps_at_ties(nn, op, act, ract):
    """Both backward paths agree, also where the activations' derivatives jump: hard_sigmoid's ends
    (pre-activation exactly -2.5 and 2.5: slope 0.2 kept) and relu at 0 (slope 0)."""
    gates, extra, n_out = FUSED_STEPS[op]
    r = np.random.default_rng(30)
    b, u = 3, 4
    x = r.uniform(-3, 3, (b, gates * u))
    m = r.uniform(-3, 3, (b, gates * u))
    x[0, :4], m[0, :4] = [2.5, -2.5, 0.0, 1.0], 0.0  # ties in the first gate block ...
    x[1, -4:], m[1, -4:] = [-2.5, 0.0, 2.5, 0.5], 0.0  # ... and in the last
    state = r.uniform(-1, 1, (b, u))
    seeds = [r.standard_normal((b, u)) for _ in range(n_out)]
    fn = getattr(nn.ops, op)
    kwargs = {"recurrent_activation": ract} if op == "gru_reset_gate" else {"activation": act,
                                                                           "recurrent_activation": ract}
    fused, composed = _fused_and_composed_grads(nn, lambda *t: fn(*t, **kwargs), [x, m, state], seeds)
    for f, c in zip(fused, composed):
        np.testing.assert_allclose(f, c, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("act", ["tanh", "relu", "hard_sigmoid"])
def test_fused_gru_output_gradient_equals_the_composed_vjp(nn, act):
    r = np.random.default_rng(31)
    z, xh, n, h = (r.uniform(-3, 3, (3, 4)) for _ in range(4))
    xh[0, :3], n[0, :3] = [2.5, -2.5, 0.0], 0.0
    fused, composed = _fused_and_composed_grads(nn, lambda *t: nn.ops.gru_output(*t, activation=act),
                                                [z, xh, n, h], [r.standard_normal((3, 4))])
    for f, c in zip(fused, composed):
        np.testing.assert_allclose(f, c, rtol=1e-12, atol=1e-14)


# -- whole recurrences (one op for the time loop) against the loop of step ops ----------------------------------

def _recurrence_and_steps(nn, fn, inputs, seeds):
    """Outputs and first-order gradients of <fn(inputs, mask), seeds> without a mask (the recurrence op) and
    with an all-true mask (K.rnn's loop of step ops: the definition)."""
    batch, steps = inputs[0].shape[:2]
    results = []
    for mask in (None, np.ones((batch, steps), bool)):
        xs = [nn.Variable(a) for a in inputs]
        with nn.GradientTape() as tape:
            outs = fn(xs, mask)
            loss = nn.ops.sum(nn.ops.stack([nn.ops.sum(nn.ops.multiply(o, nn.constant(s)))
                                            for o, s in zip(outs, seeds)]))
        results.append(([o.numpy() for o in outs], [g.numpy() for g in tape.gradient(loss, xs)]))
    return results


@pytest.mark.parametrize("batch", [3, 69, 200, 517])  # 1, 2, 4 and 8 batch rows per block on accel
@pytest.mark.parametrize("dtype,tol", [("float64", 1e-10), ("float32", 2e-5)])
def test_lstm_recurrence_equals_the_step_loop(nn, batch, dtype, tol):
    r = np.random.default_rng(batch)
    steps, d, units = 7, 5, 6
    inputs = [r.uniform(-1, 1, (batch, steps, d)), r.uniform(-0.6, 0.6, (d, 4 * units)),
              r.uniform(-0.5, 0.5, (units, 4 * units)), r.uniform(-0.2, 0.2, 4 * units),
              r.uniform(-1, 1, (batch, units)), r.uniform(-1, 1, (batch, units))]
    inputs = [a.astype(dtype) for a in inputs]
    seeds = [r.standard_normal(s).astype(dtype) for s in [(batch, units), (batch, steps, units), (batch, units)]]

    def fn(xs, mask):
        x, w, rw, b, h, c = xs
        last, outputs, states = nn.ops.lstm(x, w, rw, b, initial_state=[h, c], mask=mask, go_backwards=True)
        return last, outputs, states[1]

    (fused, fused_grads), (loop, loop_grads) = _recurrence_and_steps(nn, fn, inputs, seeds)
    for a, b in zip(fused + fused_grads, loop + loop_grads):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


@pytest.mark.parametrize("batch", [3, 69, 200, 517])
@pytest.mark.parametrize("dtype,tol", [("float64", 1e-10), ("float32", 2e-5)])
@pytest.mark.parametrize("reset_after,use_bias", [(False, True), (False, False), (True, True), (True, False)])
def test_gru_recurrence_equals_the_step_loop(nn, batch, dtype, tol, reset_after, use_bias):
    r = np.random.default_rng(batch)
    steps, d, units = 7, 5, 6
    bias = r.uniform(-0.2, 0.2, (2, 3 * units) if reset_after else 3 * units)
    inputs = [r.uniform(-1, 1, (batch, steps, d)), r.uniform(-0.6, 0.6, (d, 3 * units)),
              r.uniform(-0.5, 0.5, (units, 3 * units)), r.uniform(-1, 1, (batch, units))] + [bias] * use_bias
    inputs = [a.astype(dtype) for a in inputs]
    seeds = [r.standard_normal(s).astype(dtype) for s in [(batch, units), (batch, steps, units)]]

    def fn(xs, mask):
        x, w, rw, h, *b = xs
        last, outputs, _ = nn.ops.gru(x, w, rw, b[0] if b else None, initial_state=h, reset_after=reset_after,
                                      mask=mask, go_backwards=True)
        return last, outputs

    (fused, fused_grads), (loop, loop_grads) = _recurrence_and_steps(nn, fn, inputs, seeds)
    for a, b in zip(fused + fused_grads, loop + loop_grads):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def _outputs_and_second_order(nn, inputs, forward):
    """forward(*inputs) (a list of tensors), the gradient g of sum(out_0^2) + sum(out_1) + ... w.r.t. the
    first input, and the gradients of sum(g^2) w.r.t. every input (the recorded backward is differentiated)."""
    xs = [nn.Variable(a) for a in inputs]
    with nn.GradientTape() as outer:
        with nn.GradientTape() as inner:
            outs = forward(*xs)
            loss = nn.ops.sum(nn.ops.square(outs[0]))
            for o in outs[1:]:
                loss = loss + nn.ops.sum(o)
        g = inner.gradient(loss, xs[0])
        gn = nn.ops.sum(nn.ops.square(g))
    return [o.numpy() for o in outs] + [g.numpy()] + [t.numpy() for t in outer.gradient(gn, xs)]


RECURRENCE_ACTIVATIONS = [("tanh", "hard_sigmoid"), ("relu", "sigmoid"), ("linear", "tanh"), ("sigmoid", "relu"),
                          ("hard_sigmoid", "linear")]


@pytest.mark.parametrize("act,ract", RECURRENCE_ACTIVATIONS)
def test_lstm_recurrence_activations_and_second_order(nn, act, ract):
    """Every named activation pair, and a gradient of a gradient (the recorded backward runs the step loop)."""
    r = np.random.default_rng(7)
    batch, steps, units = 4, 5, 3
    inputs = [r.uniform(-1.5, 1.5, (batch, steps, 4 * units)), r.uniform(-0.7, 0.7, (units, 4 * units)),
              r.uniform(-1, 1, (batch, units)), r.uniform(-1, 1, (batch, units))]

    def definition(xt, rk, h, c):  # lstm_cell steps
        hs, cs = [], []
        for x_t in nn.ops.unstack(xt, axis=1):
            h, c = nn.ops.lstm_cell(x_t, nn.ops.matmul(h, rk), c, activation=act, recurrent_activation=ract)
            hs.append(h)
            cs.append(c)
        return [nn.ops.stack(hs, axis=1), nn.ops.stack(cs, axis=1)]

    fused = _outputs_and_second_order(
        nn, inputs, lambda *xs: list(nn.ops.lstm_recurrence(*xs, activation=act, recurrent_activation=ract)))
    for a, b in zip(fused, _outputs_and_second_order(nn, inputs, definition)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("act,ract", RECURRENCE_ACTIVATIONS)
@pytest.mark.parametrize("reset_after", [False, True])
def test_gru_recurrence_activations_and_second_order(nn, act, ract, reset_after):
    """Both GRU recurrences against their step ops: every named activation pair, and a gradient of a gradient."""
    r = np.random.default_rng(8)
    batch, steps, units = 4, 5, 3
    inputs = [r.uniform(-1.5, 1.5, (batch, steps, 3 * units)), r.uniform(-0.7, 0.7, (units, 3 * units))] \
        + [r.uniform(-0.3, 0.3, 3 * units)] * reset_after + [r.uniform(-1, 1, (batch, units))]
    o = nn.ops

    def definition(xt, rk, *rest):  # gru_reset_gate + gru_output, or gru_cell_reset_after, steps
        *b, h = rest
        hs = []
        for x_t in o.unstack(xt, axis=1):
            if reset_after:
                h = o.gru_cell_reset_after(x_t, o.add(o.matmul(h, rk), b[0]), h, activation=act,
                                           recurrent_activation=ract)
            else:
                z, rh = o.gru_reset_gate(x_t[:, :2 * units], o.matmul(h, rk[:, :2 * units]), h,
                                         recurrent_activation=ract)
                h = o.gru_output(z, x_t[:, 2 * units:], o.matmul(rh, rk[:, 2 * units:]), h, activation=act)
            hs.append(h)
        return [o.stack(hs, axis=1)]

    op = o.gru_recurrence_reset_after if reset_after else o.gru_recurrence
    fused = _outputs_and_second_order(nn, inputs, lambda *xs: [op(*xs, activation=act, recurrent_activation=ract)])
    for a, b in zip(fused, _outputs_and_second_order(nn, inputs, definition)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_recurrence_ops_check_their_inputs(nn):
    x, rk, b, h = np.zeros((2, 3, 6)), np.zeros((2, 6)), np.zeros(6), np.zeros((2, 2))
    with pytest.raises(ValueError, match="gru_recurrence: expected x"):
        nn.ops.gru_recurrence(x, rk, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="gru_recurrence: expected x"):
        nn.ops.gru_recurrence(x[:, :0], rk, h)
    with pytest.raises(ValueError, match=r"gru_recurrence_reset_after: .*recurrent_bias \(3u,\)"):
        nn.ops.gru_recurrence_reset_after(x, rk, np.zeros(4), h)
    with pytest.raises(ValueError, match="gru_recurrence_reset_after: activation must be"):
        nn.ops.gru_recurrence_reset_after(x, rk, b, h, activation="softmax")
    with pytest.raises(ValueError, match="lstm_recurrence: expected x"):
        nn.ops.lstm_recurrence(x, rk, h, h)
