"""Recurrent kernels: the gate math of one time step (the time loop and the matmuls live in the ops).

Each kernel takes the pre-activation parts that the ops computed with matmuls (``x``: the input
projection of this step, x_t @ kernel + bias; ``m``: the recurrent projection, h_{t-1} @
recurrent_kernel) and does every elementwise operation of the step in one pass. Gate blocks are
Keras 2.2.4's: LSTM columns [i | f | c | o], GRU columns [z | r | h], each ``units`` wide.

Activations are named (``ACTIVATIONS``); the formulas are the ones of the Keras 2.2.4 TensorFlow
backend: hard_sigmoid = clip(0.2 x + 0.5, 0, 1), sigmoid = 1 / (1 + exp(-x)).
"""

from . import kernel
from .elementwise import sigmoid as _sigmoid


def _hard_sigmoid(xp, x):
    return xp.clip(x * 0.2 + 0.5, 0.0, 1.0).astype(x.dtype, copy=False)


ACTIVATIONS = {
    "tanh": lambda xp, x: xp.tanh(x),
    "sigmoid": _sigmoid,
    "hard_sigmoid": _hard_sigmoid,
    "linear": lambda xp, x: x,
    "relu": lambda xp, x: xp.maximum(x, xp.zeros((), dtype=x.dtype)),
}


def _blocks(a, n):
    u = a.shape[-1] // n
    return [a[..., k * u:(k + 1) * u] for k in range(n)]


def _lstm_gates(xp, a, c, act, ract):
    """The gate math of an LSTM step from its pre-activations a (batch, 4u): (h, c_new)."""
    ai, af, ac, ao = _blocks(a, 4)
    i = ract(xp, ai)
    f = ract(xp, af)
    c_new = f * c + i * act(xp, ac)
    o = ract(xp, ao)
    return o * act(xp, c_new), c_new


@kernel("lstm_cell")
def lstm_cell(xp, x, m, c, activation="tanh", recurrent_activation="hard_sigmoid"):
    """One LSTM step. x, m: (batch, 4u); c: (batch, u) the previous carry. Returns (h, c_new).

    i = ra(x_i + m_i), f = ra(x_f + m_f), c_new = f * c + i * act(x_c + m_c),
    o = ra(x_o + m_o), h = o * act(c_new).
    """
    return _lstm_gates(xp, x + m, c, ACTIVATIONS[activation], ACTIVATIONS[recurrent_activation])


@kernel("lstm_recurrence")
def lstm_recurrence(xp, x, recurrent_kernel, h0, c0, activation="tanh", recurrent_activation="hard_sigmoid"):
    """A whole LSTM sequence from its input projection x (batch, time, 4u) (bias included) and the initial
    states h0, c0 (batch, u): at each step a = x_t + h_{t-1} @ recurrent_kernel, then ``lstm_cell``'s gate math.

    Returns (hs, cs, a): the states (batch, time, u) after every step and the pre-activations (batch, time,
    4u), which the first-order backward (``lstm_recurrence_grad``) reads instead of recomputing them.
    """
    act, ract = ACTIVATIONS[activation], ACTIVATIONS[recurrent_activation]
    batch, steps, _ = x.shape
    units = h0.shape[-1]
    hs = xp.empty((batch, steps, units), dtype=x.dtype)
    cs = xp.empty_like(hs)
    pre = xp.empty_like(x)
    h, c = h0, c0
    for t in range(steps):
        pre[:, t] = x[:, t] + h @ recurrent_kernel
        h, c = _lstm_gates(xp, pre[:, t], c, act, ract)
        hs[:, t], cs[:, t] = h, c
    return hs, cs, pre


@kernel("gru_reset_gate")
def gru_reset_gate(xp, x, m, h, recurrent_activation="hard_sigmoid"):
    """First half of a GRU step with the reset gate before the matmul (reset_after=False).

    x, m: (batch, 2u) the [z | r] pre-activation parts; h: (batch, u) the state the reset gate
    multiplies. Returns (z, r * h) with z = ra(x_z + m_z), r = ra(x_r + m_r).
    """
    ract = ACTIVATIONS[recurrent_activation]
    xz, xr = _blocks(x, 2)
    mz, mr = _blocks(m, 2)
    z = ract(xp, xz + mz)
    r = ract(xp, xr + mr)
    return z, r * h


@kernel("gru_output")
def gru_output(xp, z, xh, n, h, activation="tanh"):
    """Second half of a GRU step: z * h + (1 - z) * act(xh + n) (n: the recurrent part of the candidate)."""
    hh = ACTIVATIONS[activation](xp, xh + n)
    return z * h + (1 - z) * hh


@kernel("gru_cell_reset_after")
def gru_cell_reset_after(xp, x, m, h, activation="tanh", recurrent_activation="hard_sigmoid"):
    """One GRU step with the reset gate after the matmul (reset_after=True). x, m: (batch, 3u), m
    including the recurrent bias; h: (batch, u) the previous state.

    z = ra(x_z + m_z), r = ra(x_r + m_r), hh = act(x_h + r * m_h), h_new = z * h + (1 - z) * hh.
    """
    act, ract = ACTIVATIONS[activation], ACTIVATIONS[recurrent_activation]
    xz, xr, xh = _blocks(x, 3)
    mz, mr, mh = _blocks(m, 3)
    z = ract(xp, xz + mz)
    r = ract(xp, xr + mr)
    hh = act(xp, xh + r * mh)
    return z * h + (1 - z) * hh


# -- first-order backward of the steps ------------------------------------------------------------------------
# One pass each for the gradients the ops' VJPs would otherwise compose from ~40 elementwise ops. The ops use
# them when the backward pass itself is not recorded (no gradient of the gradient is asked for); the composed
# VJPs (nnspec.reference.ops.rnn) stay the definition and give higher orders. Derivatives follow the tie rules
# of the composed activations: hard_sigmoid passes 0.2 where 0 <= 0.2 a + 0.5 <= 1 (ends included), relu 1
# where a > 0.

def _hard_sigmoid_and_grad(xp, a):
    v = a * 0.2 + 0.5
    inside = (v >= 0) & (v <= 1)
    return xp.clip(v, 0.0, 1.0).astype(a.dtype, copy=False), (inside * a.dtype.type(0.2)).astype(a.dtype, copy=False)


def _tanh_and_grad(xp, a):
    y = xp.tanh(a)
    return y, 1 - xp.square(y)


def _sigmoid_and_grad(xp, a):
    y = _sigmoid(xp, a)
    return y, y * (1 - y)


ACTIVATIONS_AND_GRADS = {
    "tanh": _tanh_and_grad,
    "sigmoid": _sigmoid_and_grad,
    "hard_sigmoid": _hard_sigmoid_and_grad,
    "linear": lambda xp, a: (a, xp.ones_like(a)),
    "relu": lambda xp, a: (ACTIVATIONS["relu"](xp, a), (a > 0).astype(a.dtype)),
}


def _lstm_gates_grad(xp, a, c, gh, gc, act, ract):
    """Gradients of ``_lstm_gates`` at pre-activations a for (gh, gc): (da, dc_prev)."""
    ai, af, ac, ao = _blocks(a, 4)
    i, di = ract(xp, ai)
    f, df = ract(xp, af)
    g, dg = act(xp, ac)
    o, do = ract(xp, ao)
    t, dt = act(xp, f * c + i * g)
    dc = gc + gh * o * dt
    da = xp.concatenate([dc * g * di, dc * c * df, dc * i * dg, gh * t * do], axis=-1)
    return da, dc * f


@kernel("lstm_cell_grad")
def lstm_cell_grad(xp, x, m, c, gh, gc, activation="tanh", recurrent_activation="hard_sigmoid"):
    """Gradients of ``lstm_cell`` for the output gradients (gh, gc): (da, dc_prev), da (batch, 4u) the
    gradient of both pre-activation inputs x and m, dc_prev (batch, u) that of the previous carry c."""
    return _lstm_gates_grad(xp, x + m, c, gh, gc, ACTIVATIONS_AND_GRADS[activation],
                            ACTIVATIONS_AND_GRADS[recurrent_activation])


@kernel("lstm_recurrence_grad")
def lstm_recurrence_grad(xp, pre, recurrent_kernel, c0, cs, ghs, gcs, activation="tanh",
                         recurrent_activation="hard_sigmoid"):
    """Backpropagation through time of ``lstm_recurrence`` for the gradients (ghs, gcs) of its states:
    (da, dh0, dc0), da (batch, time, 4u) the gradient of the pre-activations (= that of the input
    projection; the recurrent kernel's is sum_t h_{t-1}^T da_t, one matmul the op does)."""
    act, ract = ACTIVATIONS_AND_GRADS[activation], ACTIVATIONS_AND_GRADS[recurrent_activation]
    steps = pre.shape[1]
    da = xp.empty_like(pre)
    dh, dc = xp.zeros_like(c0), xp.zeros_like(c0)
    for t in range(steps - 1, -1, -1):
        c_prev = cs[:, t - 1] if t else c0
        da[:, t], dc = _lstm_gates_grad(xp, pre[:, t], c_prev, ghs[:, t] + dh, gcs[:, t] + dc, act, ract)
        dh = da[:, t] @ recurrent_kernel.T
    return da, dh, dc


@kernel("gru_reset_gate_grad")
def gru_reset_gate_grad(xp, x, m, h, gz, grh, recurrent_activation="hard_sigmoid"):
    """Gradients of ``gru_reset_gate`` for (gz, grh): (da, dh), da (batch, 2u) that of x and of m."""
    ract = ACTIVATIONS_AND_GRADS[recurrent_activation]
    az, ar = _blocks(x + m, 2)
    _, dz = ract(xp, az)
    r, dr = ract(xp, ar)
    return xp.concatenate([gz * dz, grh * h * dr], axis=-1), grh * r


@kernel("gru_output_grad")
def gru_output_grad(xp, z, xh, n, h, g, activation="tanh"):
    """Gradients of ``gru_output`` for g: (dz, da, dh), da that of xh and of n."""
    hh, dhh = ACTIVATIONS_AND_GRADS[activation](xp, xh + n)
    return g * (h - hh), g * (1 - z) * dhh, g * z


@kernel("gru_cell_reset_after_grad")
def gru_cell_reset_after_grad(xp, x, m, h, g, activation="tanh", recurrent_activation="hard_sigmoid"):
    """Gradients of ``gru_cell_reset_after`` for g: (dx, dm, dh)."""
    act, ract = ACTIVATIONS_AND_GRADS[activation], ACTIVATIONS_AND_GRADS[recurrent_activation]
    xz, xr, xh = _blocks(x, 3)
    mz, mr, mh = _blocks(m, 3)
    z, dz = ract(xp, xz + mz)
    r, dr = ract(xp, xr + mr)
    hh, dhh = act(xp, xh + r * mh)
    daz = g * (h - hh) * dz
    dah = g * (1 - z) * dhh
    dar = dah * mh * dr
    return (xp.concatenate([daz, dar, dah], axis=-1), xp.concatenate([daz, dar, dah * r], axis=-1), g * z)
