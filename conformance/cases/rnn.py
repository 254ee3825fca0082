"""Recurrent op cases: fused cell steps, K.rnn, and short SimpleRNN / LSTM / GRU sequences.

Shapes are tiny (batch 2, 3-4 timesteps, 3 features, 2 units) so every case runs the generic
forward, VJP, finite-difference and double-backward checks in milliseconds. Weights are drawn per
gate block with a distinct offset per gate (``gated``), so a permutation of the gate blocks (an
i/f/c/o or z/r/h order bug) changes every output. Pre-activations stay well inside (-2.5, 2.5),
away from the kinks of hard_sigmoid, except in the ``saturated`` case, which keeps them outside
by at least 0.1. Mask inputs are booleans (batch, time); dropout-mask inputs take the values 0 and
1/(1 - rate) as Keras' masks do.
"""

import numpy as np

from .spec import OpCase, u

C = OpCase
CASES = []

B, T, D, U = 2, 4, 3, 2
# per-gate offsets of the weight blocks: LSTM [i, f, c, o], GRU [z, r, h]
LSTM_OFFSETS = (0.15, -0.1, 0.05, -0.2)
GRU_OFFSETS = (0.1, -0.15, 0.05)


def case(*args, **kwargs):
    CASES.append(C(*args, kind="reduction", **kwargs))


def gated(rng, rows, offsets, scale=0.5):
    """A (rows, len(offsets) * U) weight: block g uniform in offsets[g] +- scale."""
    return np.concatenate([u(rng, (rows, U), -scale, scale) + off for off in offsets], axis=1)


def gated_bias(rng, offsets, scale=0.3):
    return np.concatenate([u(rng, (U,), -scale, scale) + off for off in offsets])


def keep_mask(pattern):
    """Boolean (batch, time) mask from strings of 1 / 0."""
    return np.array([[c == "1" for c in row] for row in pattern])


def dropout_masks(rng, count, shape, rate=0.3):
    """``count`` Keras dropout masks: 0 or 1 / (1 - rate), each with at least one 0 and one kept unit."""
    out = []
    for _ in range(count):
        m = (rng.uniform(size=shape) >= rate).astype(float)
        m.flat[0], m.flat[-1] = 0.0, 1.0
        out.append(m / (1 - rate))
    return out


def flat(result):
    """(last_output, outputs, states) -> [last_output, outputs, *states]."""
    last, outputs, states = result
    return [last, outputs] + list(states)


# -- fused cell steps --------------------------------------------------------------------------------------

def _lstm_step_inputs(rng, batch=B, saturated=False):
    x = np.concatenate([u(rng, (batch, U), -0.8, 0.8) + off for off in LSTM_OFFSETS], axis=1)
    m = np.concatenate([u(rng, (batch, U), -0.6, 0.6) - off for off in LSTM_OFFSETS], axis=1)
    if saturated:  # pre-activations x + m in +-[2.6, 3.4]: hard_sigmoid flat at 0 or 1
        mag = rng.uniform(2.6, 3.4, size=x.shape)
        x = np.where(rng.uniform(size=x.shape) < 0.5, -mag, mag) - m
    return [x, m, u(rng, (batch, U), -1.0, 1.0)]


case("lstm_cell_step", "lstm_cell", lambda o, x, m, c: list(o.lstm_cell(x, m, c)),
     lambda r: _lstm_step_inputs(r), seed=0, attrs="tanh, hard_sigmoid")
case("lstm_cell_step_sigmoid_tiny", "lstm_cell",
     lambda o, x, m, c: list(o.lstm_cell(x, m, c, recurrent_activation="sigmoid")),
     lambda r: _lstm_step_inputs(r, batch=1), seed=1, attrs="tanh, sigmoid; full Jacobian")
case("lstm_cell_step_saturated", "lstm_cell", lambda o, x, m, c: list(o.lstm_cell(x, m, c)),
     lambda r: _lstm_step_inputs(r, saturated=True), seed=2, attrs="hard_sigmoid outside [-2.5, 2.5]")
case("lstm_cell_step_relu_linear", "lstm_cell",
     lambda o, x, m, c: list(o.lstm_cell(x, m, c, activation="relu", recurrent_activation="linear")),
     lambda r: [a + 0.05 * np.sign(a) for a in _lstm_step_inputs(r)], seed=3, attrs="relu, linear")
case("gru_reset_gate_step", "gru_reset_gate", lambda o, x, m, h: list(o.gru_reset_gate(x, m, h)),
     lambda r: [u(r, (B, 2 * U), -0.9, 0.9) + np.repeat(GRU_OFFSETS[:2], U), u(r, (B, 2 * U), -0.9, 0.9),
                u(r, (B, U))], seed=4, attrs="hard_sigmoid")
case("gru_reset_gate_step_sigmoid_tiny", "gru_reset_gate",
     lambda o, x, m, h: list(o.gru_reset_gate(x, m, h, recurrent_activation="sigmoid")),
     lambda r: [u(r, (1, 2 * U)), u(r, (1, 2 * U)), u(r, (1, U))], seed=5, attrs="sigmoid; full Jacobian")
case("gru_output_step", "gru_output", lambda o, z, xh, n, h: o.gru_output(z, xh, n, h),
     lambda r: [u(r, (B, U), 0.1, 0.9), u(r, (B, U)), u(r, (B, U)), u(r, (B, U))], seed=6, attrs="tanh")
case("gru_output_step_relu", "gru_output", lambda o, z, xh, n, h: o.gru_output(z, xh, n, h, activation="relu"),
     lambda r: [u(r, (B, U), 0.1, 0.9), u(r, (B, U), 0.2, 1.0) * np.array([1, -1]), u(r, (B, U), -0.1, 0.1),
                u(r, (B, U))], seed=7, attrs="relu, pre-activations away from 0")
case("gru_cell_reset_after_step", "gru_cell_reset_after", lambda o, x, m, h: o.gru_cell_reset_after(x, m, h),
     lambda r: [u(r, (B, 3 * U), -0.9, 0.9) + np.repeat(GRU_OFFSETS, U), u(r, (B, 3 * U), -0.9, 0.9),
                u(r, (B, U))], seed=8, attrs="tanh, hard_sigmoid")
case("gru_cell_reset_after_step_sigmoid_tiny", "gru_cell_reset_after",
     lambda o, x, m, h: o.gru_cell_reset_after(x, m, h, recurrent_activation="sigmoid"),
     lambda r: [u(r, (1, 3 * U)), u(r, (1, 3 * U)), u(r, (1, U))], seed=9, attrs="sigmoid; full Jacobian")


# -- whole sequences -----------------------------------------------------------------------------------------

def _simple_inputs(rng, steps=T):
    return [u(rng, (B, steps, D)), u(rng, (D, U), -0.6, 0.6), u(rng, (U, U), -0.6, 0.6), u(rng, (U,), -0.3, 0.3),
            u(rng, (B, U), -0.5, 0.5)]


def _lstm_inputs(rng, steps=T):
    return [u(rng, (B, steps, D)), gated(rng, D, LSTM_OFFSETS), gated(rng, U, LSTM_OFFSETS, 0.4),
            gated_bias(rng, LSTM_OFFSETS), u(rng, (B, U), -0.5, 0.5), u(rng, (B, U), -0.5, 0.5)]


def _gru_inputs(rng, reset_after=False, steps=T):
    bias = np.stack([gated_bias(rng, GRU_OFFSETS), gated_bias(rng, GRU_OFFSETS[::-1])]) if reset_after \
        else gated_bias(rng, GRU_OFFSETS)
    return [u(rng, (B, steps, D)), gated(rng, D, GRU_OFFSETS), gated(rng, U, GRU_OFFSETS, 0.4), bias,
            u(rng, (B, U), -0.5, 0.5)]


MASK = ["1101", "1110"]          # a masked step inside the first sequence, post-padding in the second
LEADING_MASK = ["0111", "0011"]  # pre-padding (Keras' pad_sequences default)

case("simple_rnn_sequence", "simple_rnn",
     lambda o, x, w, rw, b, h: flat(o.simple_rnn(x, w, rw, b, initial_state=h)), _simple_inputs, seed=10)
case("simple_rnn_backwards_masked", "simple_rnn",
     lambda o, x, w, rw, b, h, mk: flat(o.simple_rnn(x, w, rw, b, initial_state=h, go_backwards=True, mask=mk)),
     lambda r: _simple_inputs(r) + [keep_mask(MASK)], seed=11, attrs="go_backwards, mask")
case("simple_rnn_leading_mask", "simple_rnn",
     lambda o, x, w, rw, b, h, mk: flat(o.simple_rnn(x, w, rw, b, initial_state=h, mask=mk)),
     lambda r: _simple_inputs(r) + [keep_mask(LEADING_MASK)], seed=12,
     attrs="masked first steps output the initial state (symbolic loop)")
case("simple_rnn_leading_mask_unrolled", "simple_rnn",
     lambda o, x, w, rw, b, h, mk: flat(o.simple_rnn(x, w, rw, b, initial_state=h, mask=mk, unroll=True)),
     lambda r: _simple_inputs(r) + [keep_mask(LEADING_MASK)], seed=12,
     attrs="unroll=True: masked first steps output zeros")
case("simple_rnn_relu_dropout_masks", "simple_rnn",
     lambda o, x, w, rw, b, h, dm, rdm: flat(o.simple_rnn(x, w, rw, b, initial_state=h, activation="relu",
                                                         dropout_mask=dm, recurrent_dropout_mask=rdm)),
     lambda r: _simple_inputs(r) + dropout_masks(r, 1, (B, D)) + dropout_masks(r, 1, (B, U)), seed=13,
     attrs="relu; injected dropout masks")
def _lstm_recurrence_inputs(rng, steps=T):
    x = np.stack([np.concatenate([u(rng, (B, U), -0.8, 0.8) + off for off in LSTM_OFFSETS], axis=1)
                  for _ in range(steps)], axis=1)
    return [x, gated(rng, U, LSTM_OFFSETS, 0.4), u(rng, (B, U), -0.5, 0.5), u(rng, (B, U), -0.5, 0.5)]


case("lstm_recurrence", "lstm_recurrence", lambda o, x, rw, h, c: list(o.lstm_recurrence(x, rw, h, c)),
     _lstm_recurrence_inputs, seed=40, attrs="tanh, hard_sigmoid; the whole time loop as one op")
case("lstm_recurrence_sigmoid_relu", "lstm_recurrence",
     lambda o, x, rw, h, c: list(o.lstm_recurrence(x, rw, h, c, activation="relu", recurrent_activation="sigmoid")),
     lambda r: _lstm_recurrence_inputs(r, steps=3), seed=41, attrs="relu, sigmoid")


def _gru_recurrence_inputs(rng, reset_after=False, steps=T):
    x = np.stack([u(rng, (B, 3 * U), -0.8, 0.8) + np.repeat(GRU_OFFSETS, U) for _ in range(steps)], axis=1)
    recurrent_bias = [gated_bias(rng, GRU_OFFSETS[::-1])] if reset_after else []
    return [x, gated(rng, U, GRU_OFFSETS, 0.4)] + recurrent_bias + [u(rng, (B, U), -0.5, 0.5)]


case("gru_recurrence", "gru_recurrence", lambda o, x, rw, h: o.gru_recurrence(x, rw, h), _gru_recurrence_inputs,
     seed=42, attrs="reset_after=False, tanh, hard_sigmoid; the whole time loop as one op")
case("gru_recurrence_relu_sigmoid", "gru_recurrence",
     lambda o, x, rw, h: o.gru_recurrence(x, rw, h, activation="relu", recurrent_activation="sigmoid"),
     lambda r: _gru_recurrence_inputs(r, steps=3), seed=43, attrs="reset_after=False, relu, sigmoid")
case("gru_recurrence_reset_after", "gru_recurrence_reset_after",
     lambda o, x, rw, rb, h: o.gru_recurrence_reset_after(x, rw, rb, h),
     lambda r: _gru_recurrence_inputs(r, reset_after=True), seed=44,
     attrs="reset_after=True, tanh, hard_sigmoid; the whole time loop as one op")
case("gru_recurrence_reset_after_linear_sigmoid", "gru_recurrence_reset_after",
     lambda o, x, rw, rb, h: o.gru_recurrence_reset_after(x, rw, rb, h, activation="linear",
                                                          recurrent_activation="sigmoid"),
     lambda r: _gru_recurrence_inputs(r, reset_after=True, steps=3), seed=45, attrs="reset_after=True, linear, sigmoid")
case("lstm_sequence", "lstm",
     lambda o, x, w, rw, b, h, c: flat(o.lstm(x, w, rw, b, initial_state=[h, c])), _lstm_inputs, seed=20,
     attrs="tanh, hard_sigmoid")
case("lstm_sequence_sigmoid", "lstm",
     lambda o, x, w, rw, b, h, c: flat(o.lstm(x, w, rw, b, initial_state=[h, c], recurrent_activation="sigmoid")),
     _lstm_inputs, seed=21, attrs="sigmoid (torch.nn.LSTM's formula)")
case("lstm_sequence_backwards_masked", "lstm",
     lambda o, x, w, rw, b, h, c, mk: flat(o.lstm(x, w, rw, b, initial_state=[h, c], go_backwards=True, mask=mk)),
     lambda r: _lstm_inputs(r) + [keep_mask(MASK)], seed=22, attrs="go_backwards, mask")
case("lstm_sequence_dropout_masks", "lstm",
     lambda o, x, w, rw, b, h, c, *mk: flat(o.lstm(x, w, rw, b, initial_state=[h, c], dropout_masks=list(mk[:4]),
                                                  recurrent_dropout_masks=list(mk[4:]))),
     lambda r: _lstm_inputs(r, steps=3) + dropout_masks(r, 4, (B, D)) + dropout_masks(r, 4, (B, U)), seed=23,
     attrs="implementation=1: one input and one recurrent mask per gate")
case("lstm_sequence_dropout_masks_implementation2", "lstm",
     lambda o, x, w, rw, b, h, c, dm, rdm: flat(o.lstm(x, w, rw, b, initial_state=[h, c], dropout_masks=[dm],
                                                       recurrent_dropout_masks=[rdm], implementation=2)),
     lambda r: _lstm_inputs(r, steps=3) + dropout_masks(r, 1, (B, D)) + dropout_masks(r, 1, (B, U)), seed=24,
     attrs="implementation=2: one mask of each kind")
case("gru_sequence", "gru",
     lambda o, x, w, rw, b, h: flat(o.gru(x, w, rw, b, initial_state=h)), _gru_inputs, seed=30,
     attrs="reset_after=False, hard_sigmoid")
case("gru_sequence_reset_after_sigmoid", "gru",
     lambda o, x, w, rw, b, h: flat(o.gru(x, w, rw, b, initial_state=h, reset_after=True,
                                         recurrent_activation="sigmoid")),
     lambda r: _gru_inputs(r, reset_after=True), seed=31, attrs="reset_after=True, sigmoid (torch.nn.GRU's formula)")
case("gru_sequence_reset_after_masked", "gru",
     lambda o, x, w, rw, b, h, mk: flat(o.gru(x, w, rw, b, initial_state=h, reset_after=True, mask=mk)),
     lambda r: _gru_inputs(r, reset_after=True) + [keep_mask(MASK)], seed=32, attrs="reset_after=True, mask")
case("gru_sequence_backwards_relu", "gru",
     lambda o, x, w, rw, b, h: flat(o.gru(x, w, rw, b, initial_state=h, activation="relu", go_backwards=True)),
     _gru_inputs, seed=33, attrs="activation relu (the book's GRU(64, activation='relu')), go_backwards")
case("gru_sequence_dropout_masks", "gru",
     lambda o, x, w, rw, b, h, *mk: flat(o.gru(x, w, rw, b, initial_state=h, dropout_masks=list(mk[:3]),
                                              recurrent_dropout_masks=list(mk[3:]))),
     lambda r: _gru_inputs(r, steps=3) + dropout_masks(r, 3, (B, D)) + dropout_masks(r, 3, (B, U)), seed=34,
     attrs="reset_after=False, implementation=1: one mask per gate")
case("gru_sequence_reset_after_dropout_masks_implementation2", "gru",
     lambda o, x, w, rw, b, h, dm, rdm: flat(o.gru(x, w, rw, b, initial_state=h, reset_after=True,
                                                  dropout_masks=[dm], recurrent_dropout_masks=[rdm],
                                                  implementation=2)),
     lambda r: _gru_inputs(r, reset_after=True, steps=3) + dropout_masks(r, 1, (B, D)) + dropout_masks(r, 1, (B, U)),
     seed=35, attrs="implementation=2: the dropped state is also the carried one (Keras 2.2.4)")


# -- K.rnn with a step function of its own ------------------------------------------------------------------

def _custom_step(o, w, rw, k):
    """states [h, s]: h' = tanh(x W + h U) * k (a constant), s' = s + h' (a running sum)."""
    def step(x, states):
        h, s, kk = states
        out = o.multiply(o.tanh(o.add(o.matmul(x, w), o.matmul(h, rw))), kk)
        return out, [out, o.add(s, out)]
    return step


case("rnn_custom_step_constants_masked", "rnn",
     lambda o, x, w, rw, k, h, s, mk: flat(o.rnn(_custom_step(o, w, rw, k), x, [h, s], mask=mk, constants=[k])),
     lambda r: [u(r, (B, T, D)), u(r, (D, U), -0.6, 0.6), u(r, (U, U), -0.6, 0.6), u(r, (U,), 0.5, 1.5),
                u(r, (B, U), -0.5, 0.5), u(r, (B, U)), keep_mask(MASK)], seed=40, attrs="constants, mask")
case("rnn_custom_step_backwards_unrolled", "rnn",
     lambda o, x, w, rw, k, h, s, mk: flat(o.rnn(_custom_step(o, w, rw, k), x, [h, s], mask=mk, constants=[k],
                                                 go_backwards=True, unroll=True)),
     lambda r: [u(r, (B, T, D)), u(r, (D, U), -0.6, 0.6), u(r, (U, U), -0.6, 0.6), u(r, (U,), 0.5, 1.5),
                u(r, (B, U), -0.5, 0.5), u(r, (B, U)), keep_mask(LEADING_MASK)], seed=41,
     attrs="go_backwards, unroll=True, mask")
