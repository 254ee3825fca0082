"""Recurrent kernels: the gate math of one time step (the time loop and the matmuls live in the ops), and
whole recurrences (``lstm_recurrence``, ``gru_recurrence``, ``gru_recurrence_reset_after``: a layer's time
loop in one kernel, with the gate math of the step kernels).

Each step kernel takes the pre-activation parts that the ops computed with matmuls (``x``: the input
projection of this step, x_t @ kernel + bias; ``m``: the recurrent projection, h_{t-1} @
recurrent_kernel) and does every elementwise operation of the step in one pass. Gate blocks are
Keras 2.2.4's: LSTM columns [i | f | c | o], GRU columns [z | r | h], each ``units`` wide.

Activations are named (``ACTIVATIONS``); the formulas are the ones of the Keras 2.2.4 TensorFlow
backend: hard_sigmoid = clip(0.2 x + 0.5, 0, 1), sigmoid = 1 / (1 + exp(-x)).
"""

from . import kernel
from .elementwise import against_repeated
from .elementwise import relu as _relu
from .elementwise import sigmoid as _sigmoid


def _hard_sigmoid(xp, x):
    v = x * 0.2 + 0.5
    return _clip01(xp, v, out=v).astype(x.dtype, copy=False)


def _clip01(xp, v, out=None):
    """clip(v, 0, 1) as a maximum and a minimum (a third of clip's time on a step's small arrays): the same
    values for every v but -0.0, which 0.2 x + 0.5 never is."""
    out = against_repeated(xp, "maximum", v, 0.0, out=out)
    return against_repeated(xp, "minimum", out, 1.0, out=out)


ACTIVATIONS = {
    "tanh": lambda xp, x: xp.tanh(x),
    "sigmoid": _sigmoid,
    "hard_sigmoid": _hard_sigmoid,
    "linear": lambda xp, x: x,
    "relu": _relu,
}


def _blocks(a, n):
    u = a.shape[-1] // n
    return [a[..., k * u:(k + 1) * u] for k in range(n)]


# An LSTM step whose pre-activations hold at most this many elements (batch 128 at 32 units) runs the recurrent
# activation over whole rows: its recurrence 10-15% faster at batch 128; at 1024 8% slower (the extra block then
# costs more than the calls it saves).
WHOLE_ROW_ELEMENTS = 1 << 15


def _lstm_gates(xp, a, c, act, ract, h_out=None, c_out=None):
    """The gate math of an LSTM step from its pre-activations a (batch, 4u): (h, c_new), written into h_out and
    c_out where given."""
    ai, af, ac, ao = _blocks(a, 4)
    if a.size <= WHOLE_ROW_ELEMENTS:
        # the recurrent activation over the whole contiguous row, the candidate block's values unused: one call
        # instead of three on strided blocks of u columns, where a step is bound by the calls
        i, f, _, o = _blocks(ract(xp, a), 4)
    else:
        i, f, o = ract(xp, ai), ract(xp, af), ract(xp, ao)
    c_new = xp.multiply(f, c, out=c_out)
    c_new += i * act(xp, ac)
    return xp.multiply(o, act(xp, c_new), out=h_out), c_new


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
    batch, steps, gates = x.shape
    # Time-major storage, returned as (batch, time, ...) views: every step writes contiguous blocks, not rows a
    # whole sequence apart (10-20% of the loop at batch 128).
    pre = xp.empty((steps, batch, gates), dtype=x.dtype)
    hs = xp.empty((steps, batch, h0.shape[-1]), dtype=x.dtype)
    cs = xp.empty_like(hs)
    h, c = h0, c0
    for t in range(steps):
        a = xp.matmul(h, recurrent_kernel, out=pre[t])
        a += x[:, t]
        h, c = _lstm_gates(xp, a, c, act, ract, hs[t], cs[t])
    return hs.transpose(1, 0, 2), cs.transpose(1, 0, 2), pre.transpose(1, 0, 2)


def _gru_reset_gate(xp, a, h, ract):
    """The gates of a GRU step (reset gate before the matmul) from their pre-activations a (batch, 2u)
    [z | r]: (z, r * h)."""
    az, ar = _blocks(a, 2)
    return ract(xp, az), ract(xp, ar) * h


def _gru_output(xp, z, a, h, act):
    """The new GRU state from the candidate's pre-activation a = x_h + n: z * h + (1 - z) * act(a)."""
    return z * h + (1 - z) * act(xp, a)


def _gru_cell_reset_after(xp, x, m, h, act, ract):
    """The gate math of a GRU step with the reset gate after the matmul (``gru_cell_reset_after``)."""
    xz, xr, xh = _blocks(x, 3)
    mz, mr, mh = _blocks(m, 3)
    z = ract(xp, xz + mz)
    r = ract(xp, xr + mr)
    return _gru_output(xp, z, xh + r * mh, h, act)


@kernel("gru_reset_gate")
def gru_reset_gate(xp, x, m, h, recurrent_activation="hard_sigmoid"):
    """First half of a GRU step with the reset gate before the matmul (reset_after=False).

    x, m: (batch, 2u) the [z | r] pre-activation parts; h: (batch, u) the state the reset gate
    multiplies. Returns (z, r * h) with z = ra(x_z + m_z), r = ra(x_r + m_r).
    """
    return _gru_reset_gate(xp, x + m, h, ACTIVATIONS[recurrent_activation])


@kernel("gru_output")
def gru_output(xp, z, xh, n, h, activation="tanh"):
    """Second half of a GRU step: z * h + (1 - z) * act(xh + n) (n: the recurrent part of the candidate)."""
    return _gru_output(xp, z, xh + n, h, ACTIVATIONS[activation])


@kernel("gru_cell_reset_after")
def gru_cell_reset_after(xp, x, m, h, activation="tanh", recurrent_activation="hard_sigmoid"):
    """One GRU step with the reset gate after the matmul (reset_after=True). x, m: (batch, 3u), m
    including the recurrent bias; h: (batch, u) the previous state.

    z = ra(x_z + m_z), r = ra(x_r + m_r), hh = act(x_h + r * m_h), h_new = z * h + (1 - z) * hh.
    """
    return _gru_cell_reset_after(xp, x, m, h, ACTIVATIONS[activation], ACTIVATIONS[recurrent_activation])


@kernel("gru_recurrence")
def gru_recurrence(xp, x, recurrent_kernel, h0, activation="tanh", recurrent_activation="hard_sigmoid"):
    """A whole GRU sequence, reset gate before the matmul, from its input projection x (batch, time, 3u)
    (input bias included) and the initial state h0 (batch, u): at each step ``gru_reset_gate`` on
    x_zr + h_{t-1} @ U_zr, then ``gru_output`` on x_h + (r * h_{t-1}) @ U_h (U_zr, U_h: the first 2u and
    the last u columns of the recurrent kernel).

    Returns (hs, a_zr, rh, a_h): the states (batch, time, u) after every step, and what the first-order
    backward (``gru_recurrence_grad``) and the recurrent kernel's gradient read: the gates' pre-activations
    (batch, time, 2u), r * h_{t-1} and the candidate's pre-activations (batch, time, u).
    """
    act, ract = ACTIVATIONS[activation], ACTIVATIONS[recurrent_activation]
    batch, steps, _ = x.shape
    units = h0.shape[-1]
    kernel_zr, kernel_h = recurrent_kernel[:, :2 * units], recurrent_kernel[:, 2 * units:]
    hs = xp.empty((batch, steps, units), dtype=x.dtype)
    rhs, ahs = xp.empty_like(hs), xp.empty_like(hs)
    azr = xp.empty((batch, steps, 2 * units), dtype=x.dtype)
    h = h0
    for t in range(steps):
        azr[:, t] = x[:, t, :2 * units] + xp.matmul(h, kernel_zr)
        z, rhs[:, t] = _gru_reset_gate(xp, azr[:, t], h, ract)
        ahs[:, t] = x[:, t, 2 * units:] + xp.matmul(rhs[:, t], kernel_h)
        h = hs[:, t] = _gru_output(xp, z, ahs[:, t], h, act)
    return hs, azr, rhs, ahs


@kernel("gru_recurrence_reset_after")
def gru_recurrence_reset_after(xp, x, recurrent_kernel, recurrent_bias, h0, activation="tanh",
                               recurrent_activation="hard_sigmoid"):
    """A whole GRU sequence, reset gate after the matmul, from its input projection x (batch, time, 3u)
    (input bias included), the recurrent bias (3u,) and h0 (batch, u): at each step
    m = h_{t-1} @ recurrent_kernel + recurrent_bias, then ``gru_cell_reset_after``'s gate math.

    Returns (hs, ms): the states (batch, time, u) after every step and the recurrent projections m
    (batch, time, 3u), which the first-order backward (``gru_recurrence_reset_after_grad``) reads.
    """
    act, ract = ACTIVATIONS[activation], ACTIVATIONS[recurrent_activation]
    batch, steps, _ = x.shape
    hs = xp.empty((batch, steps, h0.shape[-1]), dtype=x.dtype)
    ms = xp.empty_like(x)
    h = h0
    for t in range(steps):
        ms[:, t] = xp.matmul(h, recurrent_kernel) + recurrent_bias
        h = hs[:, t] = _gru_cell_reset_after(xp, x[:, t], ms[:, t], h, act, ract)
    return hs, ms


# -- first-order backward of the steps ------------------------------------------------------------------------
# One pass each for the gradients the ops' VJPs would otherwise compose from ~40 elementwise ops. The ops use
# them when the backward pass itself is not recorded (no gradient of the gradient is asked for); the composed
# VJPs (nnspec.reference.ops.rnn) stay the definition and give higher orders. Derivatives follow the tie rules
# of the composed activations: hard_sigmoid passes 0.2 where 0 <= 0.2 a + 0.5 <= 1 (ends included), relu 1
# where a > 0.

# The BPTT kernels work through chunks of steps of about this many pre-activations: the gates of a chunk are
# computed in whole-array passes over a block that stays in cache, then the carries run step by step.
CHUNK_ELEMENTS = 1 << 16


def _hard_sigmoid_and_grad(xp, a):
    v = a * 0.2 + 0.5
    y = _clip01(xp, v)
    # y == v exactly where 0 <= v <= 1 (the clip returns v itself), never outside or for NaN: one test for two
    return y.astype(a.dtype, copy=False), ((y == v) * a.dtype.type(0.2)).astype(a.dtype, copy=False)


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


def _lstm_gate_values(xp, a, act, ract):
    """The gates at pre-activations a (..., 4u) and their derivatives: (i, di, f, df, g, dg, o, do), each
    (..., u) (g: the candidate act(a_c))."""
    ai, af, ac, ao = _blocks(a, 4)
    return (*ract(xp, ai), *ract(xp, af), *act(xp, ac), *ract(xp, ao))


def _lstm_chunk_factors(xp, gates, c_prev, t, dt):
    """What the backward of a run of LSTM steps needs that does not depend on the carried gradients, from the
    steps' ``_lstm_gate_values``, previous carries and (t, dt) = act and act' of their new carries, each (steps,
    batch, u): (odt, f, p), odt = o * dt (dc = gh * odt + gc), p (steps, 4, batch, u) the factors
    [g di | c df | i dg | t do] that turn [dc | dc | dc | gh] into the pre-activation gradient. p is gate-major,
    so that every product is written contiguously (into a block of u columns of a row-major array, a product is
    written u elements at a time: 3x slower at 32 units)."""
    i, di, f, df, g, dg, o, do = gates
    p = xp.empty((i.shape[0], 4) + i.shape[1:], dtype=xp.result_type(i, c_prev, t))
    for k, (a, b) in enumerate([(g, di), (c_prev, df), (i, dg), (t, do)]):
        xp.multiply(a, b, out=p[:, k])
    return o * dt, f, p


def _lstm_step_backward(xp, gh, gc, odt, f, p, da_blocks):
    """The backward of one LSTM step from its ``_lstm_chunk_factors`` (odt, f, p of the step): writes the
    pre-activation gradient [dc | dc | dc | gh] * p into da_blocks (batch, 4, u) and returns dc_prev = dc * f,
    where dc = gh * odt + gc (gc: the gradient reaching the new carry). Four product calls: one broadcast over
    three blocks is 1.3-2.4x slower."""
    dc = gh * odt
    dc += gc
    for k, carried in enumerate((dc, dc, dc, gh)):
        xp.multiply(carried, p[k], out=da_blocks[:, k])
    return xp.multiply(dc, f, out=dc)


@kernel("lstm_cell_grad")
def lstm_cell_grad(xp, x, m, c, gh, gc, activation="tanh", recurrent_activation="hard_sigmoid"):
    """Gradients of ``lstm_cell`` for the output gradients (gh, gc): (da, dc_prev), da (batch, 4u) the
    gradient of both pre-activation inputs x and m, dc_prev (batch, u) that of the previous carry c: the math
    of ``lstm_recurrence_grad`` on a run of one step."""
    act, ract = ACTIVATIONS_AND_GRADS[activation], ACTIVATIONS_AND_GRADS[recurrent_activation]
    a = x + m
    gates = _lstm_gate_values(xp, a[None], act, ract)
    i, _, f, _, g, _, _, _ = gates
    t, dt = act(xp, f * c + i * g)
    odt, f, p = _lstm_chunk_factors(xp, gates, c[None], t, dt)
    da = xp.empty(a.shape, dtype=xp.result_type(a, c, gh, gc))
    return da, _lstm_step_backward(xp, gh, gc, odt[0], f[0], p[0], da.reshape(a.shape[0], 4, -1))


@kernel("lstm_recurrence_grad")
def lstm_recurrence_grad(xp, pre, recurrent_kernel, c0, cs, ghs, gcs, activation="tanh",
                         recurrent_activation="hard_sigmoid"):
    """Backpropagation through time of ``lstm_recurrence`` for the gradients (ghs, gcs) of its states:
    (da, dh0, dc0), da (batch, time, 4u) the gradient of the pre-activations (= that of the input
    projection; the recurrent kernel's is sum_t h_{t-1}^T da_t, one matmul the op does)."""
    act, ract = ACTIVATIONS_AND_GRADS[activation], ACTIVATIONS_AND_GRADS[recurrent_activation]
    batch, steps, gates4 = pre.shape
    units = gates4 // 4
    da = xp.empty(pre.shape, dtype=pre.dtype)  # batch-major whatever pre's layout: the op reshapes it to rows
    da_blocks = da.reshape(batch, steps, 4, units)
    kernel_t = xp.ascontiguousarray(recurrent_kernel.T)  # the product with a transposed view is 1.6x slower
    dh, dc = xp.zeros_like(c0), xp.zeros_like(c0)
    chunk = max(1, CHUNK_ELEMENTS // pre[:, 0].size)
    for end in range(steps, 0, -chunk):
        start = max(0, end - chunk)
        # What does not depend on the carries, for the whole chunk at once, time-major (step, batch, ...): the
        # gates, act of the new carries (cs holds them: the forward's f * c + i * g), and their products, so
        # that a step is a few calls (``_lstm_step_backward``, then dh_prev = da @ U^T).
        gates = _lstm_gate_values(xp, pre[:, start:end].transpose(1, 0, 2), act, ract)
        t, dt = act(xp, cs[:, start:end].transpose(1, 0, 2))
        c_prev = (cs[:, start - 1:end - 1] if start else
                  xp.concatenate([c0[:, None], cs[:, :end - 1]], axis=1)).transpose(1, 0, 2)
        odt, f, p = _lstm_chunk_factors(xp, gates, c_prev, t, dt)
        for s in range(end - start - 1, -1, -1):
            dc = _lstm_step_backward(xp, ghs[:, start + s] + dh, gcs[:, start + s] + dc, odt[s], f[s], p[s],
                                     da_blocks[:, start + s])
            dh = xp.matmul(da[:, start + s], kernel_t)
    return da, dh, dc


def _gru_reset_gate_grad(xp, a, h, gz, grh, ract):
    """Gradients of ``_gru_reset_gate`` at pre-activations a for (gz, grh): (da, dh)."""
    az, ar = _blocks(a, 2)
    _, dz = ract(xp, az)
    r, dr = ract(xp, ar)
    return xp.concatenate([gz * dz, grh * h * dr], axis=-1), grh * r


def _gru_output_grad(xp, z, a, h, g, act):
    """Gradients of ``_gru_output`` for g: (dz, da, dh)."""
    hh, dhh = act(xp, a)
    return g * (h - hh), g * (1 - z) * dhh, g * z


def _gru_cell_reset_after_grad(xp, x, m, h, g, act, ract):
    """Gradients of ``_gru_cell_reset_after`` for g: (dx, dm, dh)."""
    xz, xr, xh = _blocks(x, 3)
    mz, mr, mh = _blocks(m, 3)
    z, dz = ract(xp, xz + mz)
    r, dr = ract(xp, xr + mr)
    hh, dhh = act(xp, xh + r * mh)
    daz = g * (h - hh) * dz
    dah = g * (1 - z) * dhh
    dar = dah * mh * dr
    return (xp.concatenate([daz, dar, dah], axis=-1), xp.concatenate([daz, dar, dah * r], axis=-1), g * z)


@kernel("gru_reset_gate_grad")
def gru_reset_gate_grad(xp, x, m, h, gz, grh, recurrent_activation="hard_sigmoid"):
    """Gradients of ``gru_reset_gate`` for (gz, grh): (da, dh), da (batch, 2u) that of x and of m."""
    return _gru_reset_gate_grad(xp, x + m, h, gz, grh, ACTIVATIONS_AND_GRADS[recurrent_activation])


@kernel("gru_output_grad")
def gru_output_grad(xp, z, xh, n, h, g, activation="tanh"):
    """Gradients of ``gru_output`` for g: (dz, da, dh), da that of xh and of n."""
    return _gru_output_grad(xp, z, xh + n, h, g, ACTIVATIONS_AND_GRADS[activation])


@kernel("gru_cell_reset_after_grad")
def gru_cell_reset_after_grad(xp, x, m, h, g, activation="tanh", recurrent_activation="hard_sigmoid"):
    """Gradients of ``gru_cell_reset_after`` for g: (dx, dm, dh)."""
    return _gru_cell_reset_after_grad(xp, x, m, h, g, ACTIVATIONS_AND_GRADS[activation],
                                      ACTIVATIONS_AND_GRADS[recurrent_activation])


@kernel("gru_recurrence_grad")
def gru_recurrence_grad(xp, azr, ahs, recurrent_kernel, h0, hs, ghs, activation="tanh",
                        recurrent_activation="hard_sigmoid"):
    """Backpropagation through time of ``gru_recurrence`` for the gradient ghs of its states: (dx, dh0),
    dx (batch, time, 3u) the gradient of the input projection = that of the pre-activations [a_zr | a_h]
    (the recurrent kernel's is [sum_t h_{t-1}^T da_zr_t | sum_t (r h_{t-1})^T da_h_t], matmuls the op does).

    Per step two products with the recurrent kernel: d(r h) = da_h @ U_h^T, then
    dh_{t-1} = g z + d(r h) r + da_zr @ U_zr^T.
    """
    act, ract = ACTIVATIONS_AND_GRADS[activation], ACTIVATIONS_AND_GRADS[recurrent_activation]
    steps, units = azr.shape[1], h0.shape[-1]
    kernel_zr, kernel_h = recurrent_kernel[:, :2 * units], recurrent_kernel[:, 2 * units:]
    dx = xp.empty((*azr.shape[:2], 3 * units), dtype=azr.dtype)
    dh = xp.zeros_like(h0)
    for t in range(steps - 1, -1, -1):
        h_prev = hs[:, t - 1] if t else h0
        z, _ = ract(xp, azr[:, t, :units])
        dz, dah, dh_out = _gru_output_grad(xp, z, ahs[:, t], h_prev, ghs[:, t] + dh, act)
        dazr, dh_rh = _gru_reset_gate_grad(xp, azr[:, t], h_prev, dz, xp.matmul(dah, kernel_h.T), ract)
        dx[:, t, :2 * units], dx[:, t, 2 * units:] = dazr, dah
        dh = dh_out + dh_rh + xp.matmul(dazr, kernel_zr.T)
    return dx, dh


@kernel("gru_recurrence_reset_after_grad")
def gru_recurrence_reset_after_grad(xp, x, ms, recurrent_kernel, h0, hs, ghs, activation="tanh",
                                    recurrent_activation="hard_sigmoid"):
    """Backpropagation through time of ``gru_recurrence_reset_after`` for the gradient ghs of its states:
    (dx, dm, dh0), dx and dm (batch, time, 3u) the gradients of the input and recurrent projections (the
    recurrent kernel's is sum_t h_{t-1}^T dm_t, the recurrent bias' the sum of dm: the op does them)."""
    act, ract = ACTIVATIONS_AND_GRADS[activation], ACTIVATIONS_AND_GRADS[recurrent_activation]
    steps = x.shape[1]
    dx, dm = xp.empty_like(x), xp.empty_like(x)
    dh = xp.zeros_like(h0)
    for t in range(steps - 1, -1, -1):
        h_prev = hs[:, t - 1] if t else h0
        dx[:, t], dm[:, t], dh_out = _gru_cell_reset_after_grad(xp, x[:, t], ms[:, t], h_prev, ghs[:, t] + dh,
                                                                act, ract)
        dh = dh_out + xp.matmul(dm[:, t], recurrent_kernel.T)
    return dx, dm, dh
