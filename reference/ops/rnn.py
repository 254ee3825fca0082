"""Recurrent ops: fused cell steps, the time loop (Keras ``K.rnn``) and whole-sequence SimpleRNN/LSTM/GRU.

Layers of the time loop, from the bottom:

* fused step ops (one kernel each, VJP written with ops so that gradients of gradients work; a
  first-order backward that nothing records runs one fused gradient kernel per step instead):
  ``lstm_cell``, ``gru_reset_gate`` + ``gru_output`` (GRU, reset gate before the matmul) and
  ``gru_cell_reset_after`` (GRU, reset gate after the matmul). They take the matmul results as
  inputs and do all the elementwise gate math of a step; activations are named
  (``RNN_ACTIVATIONS``). A cell with another activation (any callable) composes the same
  equations from ordinary ops instead.
* ``rnn``: Keras 2.2.4's ``K.rnn`` (TensorFlow backend, ``tensorflow_backend.rnn``): iterate a
  step function over axis 1, with ``go_backwards``, a mask and ``unroll``; returns
  ``(last_output, outputs, new_states)``. It is composed of ops, so backpropagation through time
  is just the VJPs of the steps.
* ``SimpleRNNStep``, ``LSTMStep``, ``GRUStep``: the math of one cell (Keras 2.2.4's cells) split
  in two: ``project(x)`` is the input part, x @ kernel + bias, done for every timestep at once
  (one matmul over the whole sequence), and ``step(x_t, states)`` is the recurrence,
  h_{t-1} @ recurrent_kernel plus the gate math.
* ``simple_rnn``, ``lstm``, ``gru``: a whole layer's forward pass as a function of its weights.

Dropout (Keras 2: Gal & Ghahramani masks, one per sequence, shared by every timestep) enters as
masks given by the caller (values 0 or 1/(1-rate)): ``dropout_masks`` multiply the inputs,
``recurrent_dropout_masks`` the previous state. With ``implementation=1`` an LSTM takes four masks
of each kind (one per gate i, f, c, o) and a GRU three (z, r, h); with ``implementation=2`` only
the first of each is used (Keras 2.2.4's two code paths). Semantics in
conformance/spec/conventions/rnn.md.
"""

__all__ = [
    "RNN_ACTIVATIONS", "gru", "gru_cell_reset_after", "gru_output", "gru_recurrence", "gru_recurrence_reset_after",
    "gru_reset_gate", "lstm", "lstm_cell", "lstm_recurrence", "rnn", "simple_rnn",
]

from ..tape import grad_enabled, vjp_by_recomputing
from ..tensor import Tensor
from . import activation as A
from . import elementwise as E
from . import linalg as L
from . import reduce as R
from . import shape as S
from .core import apply, apply_saving, as_tensor, tensors
from .creation import ones_like, zeros
from .index import getitem

# Activations the fused step kernels know by name (the Keras 2.2.4 activation of that name).
RNN_ACTIVATIONS = ("tanh", "sigmoid", "hard_sigmoid", "linear", "relu")


def _check_name(name, what):
    if name not in RNN_ACTIVATIONS:
        raise ValueError(f"{what}: activation must be one of {', '.join(RNN_ACTIVATIONS)}, got {name!r}")
    return name


def _act(name, x):
    """The named activation, as ops."""
    if name == "tanh":
        return E.tanh(x)
    if name == "sigmoid":
        return E.sigmoid(x)
    if name == "hard_sigmoid":
        return A.hard_sigmoid(x)
    if name == "relu":
        return E.relu(x)
    return x


def _act_and_grad(name, x):
    """(act(x), act'(x)) as ops, both differentiable (the second derivative is exact a.e.).

    The derivative follows the tie rules of the composed activations: hard_sigmoid =
    clip(0.2 x + 0.5, 0, 1) passes 0.2 where 0 <= 0.2 x + 0.5 <= 1 (ends included), relu passes 1
    where x > 0.
    """
    if name == "tanh":
        y = E.tanh(x)
        return y, E.subtract(1, E.square(y))
    if name == "sigmoid":
        y = E.sigmoid(x)
        return y, E.multiply(y, E.subtract(1, y))
    if name == "hard_sigmoid":
        v = E.add(E.multiply(x, 0.2), 0.5)
        inside = E.logical_and(E.greater_equal(v, 0), E.less_equal(v, 1))
        return E.clip(v, 0.0, 1.0), E.multiply(S.cast(inside, x.dtype), 0.2)
    if name == "relu":
        return E.relu(x), S.cast(E.greater(x, 0), x.dtype)
    return x, ones_like(x)


def _apply_activation(activation, x):
    return _act(activation, x) if isinstance(activation, str) else activation(x)


def _fused(*activations):
    return all(isinstance(a, str) for a in activations)


# -- fused step ops -------------------------------------------------------------------------------------

def lstm_cell(x, m, c, activation="tanh", recurrent_activation="hard_sigmoid"):
    """One LSTM step from its pre-activations: returns (h, c_new).

    x, m: (batch, 4u), the input and recurrent projections in Keras' gate blocks [i | f | c | o];
    c: (batch, u). i = ra(x_i + m_i), f = ra(x_f + m_f), c_new = f c + i act(x_c + m_c),
    o = ra(x_o + m_o), h = o act(c_new).
    """
    x, m, c = tensors(x, m, c)
    if x.shape != m.shape or x.ndim != 2 or c.shape != (x.shape[0], x.shape[1] // 4) or x.shape[1] % 4:
        raise ValueError(f"lstm_cell: expected x, m of shape (batch, 4u) and c of shape (batch, u), got "
                         f"{x.shape}, {m.shape}, {c.shape}")
    h, c_new = apply("lstm_cell", [x, m, c], _lstm_cell_vjp, activation=_check_name(activation, "lstm_cell"),
                     recurrent_activation=_check_name(recurrent_activation, "lstm_cell"))
    return h, c_new


def _lstm_cell_vjp(n, gh, gc):
    x, m, c = n.inputs
    if not grad_enabled():  # a first-order backward: one fused kernel (kernels/rnn.py)
        da, dc = apply("lstm_cell_grad", [x, m, c, gh, gc], **n.attrs)
        return E._grads(n, lambda: da, lambda: da, lambda: dc)
    act, ract = n.attrs["activation"], n.attrs["recurrent_activation"]
    ai, af, ac, ao = S.split(E.add(x, m), 4, axis=-1)
    i, di = _act_and_grad(ract, ai)
    f, df = _act_and_grad(ract, af)
    g, dg = _act_and_grad(act, ac)
    o, do = _act_and_grad(ract, ao)
    c_new = E.add(E.multiply(f, c), E.multiply(i, g))
    t, dt = _act_and_grad(act, c_new)
    dc = E.add(gc, E.multiply(E.multiply(gh, o), dt))
    da = S.concatenate([E.multiply(E.multiply(dc, g), di), E.multiply(E.multiply(dc, c), df),
                        E.multiply(E.multiply(dc, i), dg), E.multiply(E.multiply(gh, t), do)], axis=-1)
    return E._grads(n, lambda: da, lambda: da, lambda: E.multiply(dc, f))


def gru_reset_gate(x, m, h, recurrent_activation="hard_sigmoid"):
    """The gates of a GRU step with the reset gate before the matmul: returns (z, r * h).

    x, m: (batch, 2u), the [z | r] blocks of the input and recurrent projections; h: (batch, u), the
    state the reset gate multiplies. z = ra(x_z + m_z), r = ra(x_r + m_r).
    """
    x, m, h = tensors(x, m, h)
    if x.shape != m.shape or x.ndim != 2 or h.shape != (x.shape[0], x.shape[1] // 2) or x.shape[1] % 2:
        raise ValueError(f"gru_reset_gate: expected x, m of shape (batch, 2u) and h of shape (batch, u), got "
                         f"{x.shape}, {m.shape}, {h.shape}")
    z, rh = apply("gru_reset_gate", [x, m, h], _gru_reset_gate_vjp,
                  recurrent_activation=_check_name(recurrent_activation, "gru_reset_gate"))
    return z, rh


def _gru_reset_gate_vjp(n, gz, grh):
    x, m, h = n.inputs
    if not grad_enabled():
        da, dh = apply("gru_reset_gate_grad", [x, m, h, gz, grh], **n.attrs)
        return E._grads(n, lambda: da, lambda: da, lambda: dh)
    ract = n.attrs["recurrent_activation"]
    az, ar = S.split(E.add(x, m), 2, axis=-1)
    _, dz = _act_and_grad(ract, az)
    r, dr = _act_and_grad(ract, ar)
    da = S.concatenate([E.multiply(gz, dz), E.multiply(E.multiply(grh, h), dr)], axis=-1)
    return E._grads(n, lambda: da, lambda: da, lambda: E.multiply(grh, r))


def gru_output(z, xh, n, h, activation="tanh"):
    """The new GRU state: z * h + (1 - z) * act(xh + n); all (batch, u)."""
    z, xh, n, h = tensors(z, xh, n, h)
    if not z.shape == xh.shape == n.shape == h.shape:
        raise ValueError(f"gru_output: z, xh, n and h must have one shape, got {z.shape}, {xh.shape}, {n.shape}, "
                         f"{h.shape}")
    return apply("gru_output", [z, xh, n, h], _gru_output_vjp, activation=_check_name(activation, "gru_output"))


def _gru_output_vjp(node, g):
    z, xh, n, h = node.inputs
    if not grad_enabled():
        dz, da, dh = apply("gru_output_grad", [z, xh, n, h, g], **node.attrs)
        return E._grads(node, lambda: dz, lambda: da, lambda: da, lambda: dh)
    hh, dhh = _act_and_grad(node.attrs["activation"], E.add(xh, n))
    da = E.multiply(E.multiply(g, E.subtract(1, z)), dhh)
    return E._grads(node, lambda: E.multiply(g, E.subtract(h, hh)), lambda: da, lambda: da,
                    lambda: E.multiply(g, z))


def gru_cell_reset_after(x, m, h, activation="tanh", recurrent_activation="hard_sigmoid"):
    """One GRU step with the reset gate after the matmul (Keras reset_after=True, CuDNN's formula).

    x, m: (batch, 3u), the input projection (with the input bias) and the recurrent projection
    (with the recurrent bias), blocks [z | r | h]; h: (batch, u). z = ra(x_z + m_z),
    r = ra(x_r + m_r), hh = act(x_h + r m_h); returns z h + (1 - z) hh.
    """
    x, m, h = tensors(x, m, h)
    if x.shape != m.shape or x.ndim != 2 or h.shape != (x.shape[0], x.shape[1] // 3) or x.shape[1] % 3:
        raise ValueError(f"gru_cell_reset_after: expected x, m of shape (batch, 3u) and h of shape (batch, u), "
                         f"got {x.shape}, {m.shape}, {h.shape}")
    return apply("gru_cell_reset_after", [x, m, h], _gru_cell_reset_after_vjp,
                 activation=_check_name(activation, "gru_cell_reset_after"),
                 recurrent_activation=_check_name(recurrent_activation, "gru_cell_reset_after"))


def _gru_cell_reset_after_vjp(n, g):
    x, m, h = n.inputs
    if not grad_enabled():
        dx, dm, dh = apply("gru_cell_reset_after_grad", [x, m, h, g], **n.attrs)
        return E._grads(n, lambda: dx, lambda: dm, lambda: dh)
    act, ract = n.attrs["activation"], n.attrs["recurrent_activation"]
    xz, xr, xh = S.split(x, 3, axis=-1)
    mz, mr, mh = S.split(m, 3, axis=-1)
    z, dz = _act_and_grad(ract, E.add(xz, mz))
    r, dr = _act_and_grad(ract, E.add(xr, mr))
    hh, dhh = _act_and_grad(act, E.add(xh, E.multiply(r, mh)))
    daz = E.multiply(E.multiply(g, E.subtract(h, hh)), dz)
    dah = E.multiply(E.multiply(g, E.subtract(1, z)), dhh)
    dar = E.multiply(E.multiply(dah, mh), dr)
    return E._grads(n, lambda: S.concatenate([daz, dar, dah], axis=-1),
                    lambda: S.concatenate([daz, dar, E.multiply(dah, r)], axis=-1),
                    lambda: E.multiply(g, z))


# -- whole recurrences ---------------------------------------------------------------------------------------
# One op for the time loop of a layer without a mask or recurrent dropout: one kernel launch runs every step
# (accel: a persistent kernel, the recurrent weights read from on-chip caches), and a first-order backward is
# one kernel for backpropagation through time plus matmuls over every step at once for the recurrent kernel's
# gradient. The definition is the loop of step ops (``_lstm_steps``, ``_gru_steps``, ``_gru_reset_after_steps``):
# a backward that is itself recorded (gradients of gradients) differentiates that loop, run again.

def _check_recurrence(what, x, recurrent_kernel, gates, states, recurrent_bias=None):
    """The shapes of a recurrence op's inputs: x (batch, time >= 1, gates * u), recurrent_kernel (u, gates * u),
    the recurrent bias (gates * u,) where the op takes one, every state (batch, u)."""
    g = x.shape[-1] if x.ndim == 3 else 0
    u = g // gates
    biases = [] if recurrent_bias is None else [recurrent_bias]
    if x.ndim != 3 or g % gates or x.shape[1] == 0 or recurrent_kernel.shape != (u, g) \
            or any(b.shape != (g,) for b in biases) or any(s.shape != (x.shape[0], u) for s in states):
        expected = [f"x (batch, time >= 1, {gates}u)", f"recurrent_kernel (u, {gates}u)"] \
            + [f"recurrent_bias ({gates}u,)"] * len(biases)
        names = ", ".join(["h0", "c0"][:len(states)])
        got = ", ".join(str(t.shape) for t in [x, recurrent_kernel, *biases, *states])
        raise ValueError(f"{what}: expected {', '.join(expected)} and {names} (batch, u), got {got}")


def lstm_recurrence(x, recurrent_kernel, h0, c0, activation="tanh", recurrent_activation="hard_sigmoid"):
    """The LSTM recurrence over a projected sequence: returns (hs, cs), the states after every step.

    x: (batch, time, 4u), the input projection x_t @ kernel + bias in the gate blocks [i | f | c | o];
    recurrent_kernel: (u, 4u); h0, c0: (batch, u). Step t is ``lstm_cell(x_t, h_{t-1} @ recurrent_kernel,
    c_{t-1})``; hs, cs: (batch, time, u).
    """
    x, recurrent_kernel, h0, c0 = tensors(x, recurrent_kernel, h0, c0)
    _check_recurrence("lstm_recurrence", x, recurrent_kernel, 4, [h0, c0])
    return apply_saving("lstm_recurrence", [x, recurrent_kernel, h0, c0], _lstm_recurrence_vjp, 2,
                        activation=_check_name(activation, "lstm_recurrence"),
                        recurrent_activation=_check_name(recurrent_activation, "lstm_recurrence"))


def _lstm_steps(x, recurrent_kernel, h, c, activation, recurrent_activation):
    """``lstm_recurrence`` as a loop of step ops (its definition; differentiable to any order)."""
    hs, cs = [], []
    for x_t in S.unstack(x, axis=1):
        h, c = lstm_cell(x_t, L.matmul(h, recurrent_kernel), c, activation, recurrent_activation)
        hs.append(h)
        cs.append(c)
    return S.stack(hs, axis=1), S.stack(cs, axis=1)


def _lstm_recurrence_vjp(n, ghs, gcs, _):
    x, recurrent_kernel, h0, c0 = n.inputs
    if grad_enabled():
        return vjp_by_recomputing(lambda *a: _lstm_steps(*a, **n.attrs), n.inputs, (ghs, gcs))
    hs, cs, pre = (Tensor(a) for a in n.saved)
    da, dh0, dc0 = apply("lstm_recurrence_grad", [pre, recurrent_kernel, c0, cs, ghs, gcs], **n.attrs)
    return E._grads(n, lambda: da, lambda: _recurrent_kernel_grad(_previous_states(h0, hs), da), lambda: dh0,
                    lambda: dc0)


def gru_recurrence(x, recurrent_kernel, h0, activation="tanh", recurrent_activation="hard_sigmoid"):
    """The GRU recurrence with the reset gate before the matmul (Keras reset_after=False) over a projected
    sequence: returns hs (batch, time, u), the state after every step.

    x: (batch, time, 3u), the input projection x_t @ kernel + bias in the gate blocks [z | r | h];
    recurrent_kernel: (u, 3u), its first 2u columns U_zr, its last u columns U_h; h0: (batch, u). Step t is
    ``z, rh = gru_reset_gate(x_zr, h_{t-1} @ U_zr, h_{t-1})``, ``h_t = gru_output(z, x_h, rh @ U_h, h_{t-1})``.
    """
    x, recurrent_kernel, h0 = tensors(x, recurrent_kernel, h0)
    _check_recurrence("gru_recurrence", x, recurrent_kernel, 3, [h0])
    (hs,) = apply_saving("gru_recurrence", [x, recurrent_kernel, h0], _gru_recurrence_vjp, 1,
                         activation=_check_name(activation, "gru_recurrence"),
                         recurrent_activation=_check_name(recurrent_activation, "gru_recurrence"))
    return hs


def _gru_steps(x, recurrent_kernel, h, activation, recurrent_activation):
    """``gru_recurrence`` as a loop of step ops (its definition; differentiable to any order)."""
    u = h.shape[-1]
    kernel_zr, kernel_h = S.split(recurrent_kernel, [2 * u], axis=-1)
    hs = []
    for x_t in S.unstack(x, axis=1):
        x_zr, x_h = S.split(x_t, [2 * u], axis=-1)
        z, rh = gru_reset_gate(x_zr, L.matmul(h, kernel_zr), h, recurrent_activation)
        h = gru_output(z, x_h, L.matmul(rh, kernel_h), h, activation)
        hs.append(h)
    return (S.stack(hs, axis=1),)


def _gru_recurrence_vjp(n, ghs, *_):
    x, recurrent_kernel, h0 = n.inputs
    if grad_enabled():
        return vjp_by_recomputing(lambda *a: _gru_steps(*a, **n.attrs), n.inputs, (ghs,))
    hs, azr, rhs, ahs = (Tensor(a) for a in n.saved)
    dx, dh0 = apply("gru_recurrence_grad", [azr, ahs, recurrent_kernel, h0, hs, ghs], **n.attrs)

    def kernel_grad():  # U_zr multiplies h_{t-1}, U_h multiplies r * h_{t-1}
        da_zr, da_h = S.split(dx, [2 * h0.shape[-1]], axis=-1)
        return S.concatenate([_recurrent_kernel_grad(_previous_states(h0, hs), da_zr),
                              _recurrent_kernel_grad(rhs, da_h)], axis=-1)
    return E._grads(n, lambda: dx, kernel_grad, lambda: dh0)


def gru_recurrence_reset_after(x, recurrent_kernel, recurrent_bias, h0, activation="tanh",
                               recurrent_activation="hard_sigmoid"):
    """The GRU recurrence with the reset gate after the matmul (Keras reset_after=True) over a projected
    sequence: returns hs (batch, time, u), the state after every step.

    x: (batch, time, 3u), the input projection x_t @ kernel + input bias in the gate blocks [z | r | h];
    recurrent_kernel: (u, 3u); recurrent_bias: (3u,) (zeros for a layer without a bias); h0: (batch, u).
    Step t is ``gru_cell_reset_after(x_t, h_{t-1} @ recurrent_kernel + recurrent_bias, h_{t-1})``.
    """
    x, recurrent_kernel, recurrent_bias, h0 = tensors(x, recurrent_kernel, recurrent_bias, h0)
    what = "gru_recurrence_reset_after"
    _check_recurrence(what, x, recurrent_kernel, 3, [h0], recurrent_bias)
    (hs,) = apply_saving(what, [x, recurrent_kernel, recurrent_bias, h0], _gru_recurrence_reset_after_vjp, 1,
                         activation=_check_name(activation, what),
                         recurrent_activation=_check_name(recurrent_activation, what))
    return hs


def _gru_reset_after_steps(x, recurrent_kernel, recurrent_bias, h, activation, recurrent_activation):
    """``gru_recurrence_reset_after`` as a loop of step ops (its definition; differentiable to any order)."""
    hs = []
    for x_t in S.unstack(x, axis=1):
        m = E.add(L.matmul(h, recurrent_kernel), recurrent_bias)
        h = gru_cell_reset_after(x_t, m, h, activation, recurrent_activation)
        hs.append(h)
    return (S.stack(hs, axis=1),)


def _gru_recurrence_reset_after_vjp(n, ghs, _):
    x, recurrent_kernel, recurrent_bias, h0 = n.inputs
    if grad_enabled():
        return vjp_by_recomputing(lambda *a: _gru_reset_after_steps(*a, **n.attrs), n.inputs, (ghs,))
    hs, ms = (Tensor(a) for a in n.saved)
    dx, dm, dh0 = apply("gru_recurrence_reset_after_grad", [x, ms, recurrent_kernel, h0, hs, ghs], **n.attrs)
    return E._grads(n, lambda: dx, lambda: _recurrent_kernel_grad(_previous_states(h0, hs), dm),
                    lambda: R.sum(dm, axis=(0, 1)), lambda: dh0)


def _previous_states(h0, hs):
    """h_{t-1} at every step t: h0, then hs (batch, time, u) without its last step."""
    return S.concatenate([S.expand_dims(h0, 1), getitem(hs, (slice(None), slice(None, -1)))], axis=1)


def _recurrent_kernel_grad(states, da):
    """sum_t states_t^T da_t, the gradient of a kernel that multiplies ``states`` (batch, time, u) at every
    step into pre-activations with gradients ``da`` (batch, time, k): one matmul over (batch * time) rows."""
    rows = states.shape[0] * states.shape[1]
    return L._matmul(S.reshape(states, (rows, states.shape[-1])), S.reshape(da, (rows, da.shape[-1])), True, False)


# -- the time loop ----------------------------------------------------------------------------------------

def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None, unroll=False,
        input_length=None):
    """Keras 2.2.4 ``K.rnn``: run ``step_function(x_t, states + constants) -> (output, new_states)`` over
    axis 1 of ``inputs`` (batch, time, ...). Returns ``(last_output, outputs, new_states)``, ``outputs``
    of shape (batch, time, ...) in processing order (with ``go_backwards`` the last input comes first).

    ``mask`` (batch, time), booleans (or numbers, nonzero = keep): at a masked step the states keep
    their previous values, and the output is ``states[0]`` before the step (the symbolic loop,
    ``unroll=False``) or the previous output, zeros at the first step (``unroll=True``); the two
    differ only at leading masked steps with a non-zero initial state, and for stacked cells.
    ``input_length`` is accepted for Keras' signature and not needed.
    """
    (inputs,) = tensors(inputs)
    if inputs.ndim < 3:
        raise ValueError(f"rnn: Input should be at least 3D (batch, time, ...), got shape {inputs.shape}")
    batch, steps = inputs.shape[0], inputs.shape[1]
    if steps == 0:
        raise ValueError(f"rnn: the input has no timesteps (shape {inputs.shape})")
    xs = S.unstack(inputs, axis=1)
    if mask is not None:
        if not isinstance(mask, Tensor):
            mask = as_tensor(mask, like=inputs, dtype=getattr(mask, "dtype", None))
        if mask.dtype.kind != "b":
            mask = E.not_equal(mask, 0)
        if mask.ndim == 3 and mask.shape[-1] == 1:
            mask = S.reshape(mask, mask.shape[:2])
        if mask.shape != (batch, steps):
            raise ValueError(f"rnn: the mask must have shape (batch, time) = {(batch, steps)}, got {mask.shape}")
    constants = list(constants or [])
    states = list(initial_states)
    if mask is not None and not unroll and not states:
        raise ValueError("No initial states provided! When using masking in an RNN, you should provide initial "
                         "states (and your step function should return as its first state at time `t` the output "
                         "at time `t-1`).")
    outputs = []
    for t in (range(steps - 1, -1, -1) if go_backwards else range(steps)):
        output, new_states = step_function(xs[t], states + constants)
        new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
        if len(new_states) != len(states):
            raise ValueError(f"rnn: the step function returned {len(new_states)} states for {len(states)} "
                             "initial states")
        if mask is not None:
            keep = getitem(mask, (slice(None), t))
            if unroll:
                previous = outputs[-1] if outputs else zeros(output.shape, output.dtype, like=output)
            else:
                previous = states[0]
                if previous.shape != output.shape:
                    raise ValueError(f"rnn: a masked step outputs the first state (Keras 2.2.4's symbolic loop), "
                                     f"but it has shape {previous.shape} and the output {output.shape}; use "
                                     "unroll=True, or make the first state the output")
            output = E.where(_expand(keep, output.ndim), output, previous)
            new_states = [E.where(_expand(keep, new.ndim), new, old) for new, old in zip(new_states, states)]
        states = new_states
        outputs.append(output)
    return outputs[-1], S.stack(outputs, axis=1), states


def _expand(keep, ndim):
    return S.reshape(keep, keep.shape + (1,) * (ndim - 1))


# -- the math of one cell ----------------------------------------------------------------------------------

def _masked(x, mask):
    """x times a dropout mask (batch, features), broadcast over the timesteps of a sequence."""
    if mask is None:
        return x
    if x.ndim == 3:
        mask = S.expand_dims(mask, 1)
    return E.multiply(x, mask)


def _blocks(w, n):
    u = w.shape[-1] // n
    return [w[:, k * u:(k + 1) * u] for k in range(n)]


def _masks(masks, count, implementation, what):
    """The dropout masks a cell uses: None, one mask for every gate, or one per gate."""
    if masks is None:
        return None
    masks = [masks] if isinstance(masks, Tensor) or hasattr(masks, "shape") else list(masks)
    masks = tensors(*masks)
    if implementation != 1 or count == 1:
        return masks[:1]
    if len(masks) != count:
        raise ValueError(f"{what}: implementation 1 takes {count} masks (one per gate), got {len(masks)}")
    return masks


class _Step:
    """A cell's math: ``project`` the inputs (any number of timesteps), then ``step`` through time."""

    gates = 1

    def __init__(self, kernel, recurrent_kernel, bias, dropout_masks, recurrent_dropout_masks, implementation, what):
        self.kernel, self.recurrent_kernel = tensors(kernel, recurrent_kernel)
        self.units = self.recurrent_kernel.shape[0]
        g, u = self.gates, self.units
        if self.kernel.ndim != 2 or self.kernel.shape[1] != g * u or self.recurrent_kernel.shape != (u, g * u):
            raise ValueError(f"{what}: expected kernel (input_dim, {g}*units) and recurrent_kernel (units, {g}*units), "
                             f"got {self.kernel.shape} and {self.recurrent_kernel.shape}")
        self.bias = None if bias is None else as_tensor(bias, like=self.kernel)
        self.implementation = int(implementation)
        self.dropout_masks = _masks(dropout_masks, g, self.implementation, what)
        self.recurrent_dropout_masks = _masks(recurrent_dropout_masks, g, self.implementation, what)
        self.what = what

    def project(self, x):
        """x @ kernel (+ bias) for inputs (batch, d) or (batch, time, d), the dropout masks applied
        (one per gate block with implementation 1)."""
        masks = self.dropout_masks
        if x.shape[-1] != self.kernel.shape[0]:
            raise ValueError(f"{self.what}: inputs have {x.shape[-1]} features, the kernel expects "
                             f"{self.kernel.shape[0]}")
        if masks is None or len(masks) == 1:
            p = L.dot(_masked(x, masks[0] if masks else None), self.kernel)
        else:
            p = S.concatenate([L.dot(_masked(x, mk), w) for mk, w in zip(masks, _blocks(self.kernel, self.gates))],
                              axis=-1)
        bias = self._input_bias()
        return p if bias is None else E.add(p, bias)

    def _input_bias(self):
        return self.bias

    def fused_recurrence(self):
        """Whether ``recurrence`` can run the whole time loop as one op (no recurrent dropout, named activations)."""
        return False

    def run(self, projected, states, go_backwards=False, mask=None, unroll=False):
        """The time loop over projected inputs, as ``rnn`` returns it: one recurrence op where the cell has one
        and nothing needs the steps one by one (a mask), else ``rnn`` over ``step``."""
        if mask is None and self.fused_recurrence() and projected.shape[1]:
            if go_backwards:
                projected = getitem(projected, (slice(None), slice(None, None, -1)))
            outputs, states = self.recurrence(projected, states)
            return getitem(outputs, (slice(None), -1)), outputs, states
        return rnn(self.step, projected, states, go_backwards=go_backwards, mask=mask, unroll=unroll)

    def _per_gate_states(self, h):
        """The previous state as each gate sees it (recurrent dropout), and the state carried on."""
        masks = self.recurrent_dropout_masks
        if masks is None:
            return [h] * self.gates, h
        if len(masks) == 1:  # implementation 2: one mask; Keras 2.2.4 rebinds h_tm1 to the dropped state
            dropped = E.multiply(h, masks[0])
            return [dropped] * self.gates, dropped
        return [E.multiply(h, mk) for mk in masks], h

    def _recurrent(self, hs, blocks, kernel):
        """The recurrent projection: one matmul when every gate sees the same state, else one per gate."""
        if all(x is hs[0] for x in hs):
            return L.matmul(hs[0], kernel)
        return S.concatenate([L.matmul(x, w) for x, w in zip(hs, blocks)], axis=-1)


class SimpleRNNStep(_Step):
    """Keras 2.2.4 ``SimpleRNNCell``: h_t = act(x_t W + b + h_{t-1} U) (dropout on x_t and h_{t-1})."""

    gates = 1

    def __init__(self, kernel, recurrent_kernel, bias=None, activation="tanh", dropout_mask=None,
                 recurrent_dropout_mask=None):
        super().__init__(kernel, recurrent_kernel, bias, dropout_mask, recurrent_dropout_mask, 1, "simple_rnn")
        self.activation = activation
        self.state_size = (self.units,)

    def step(self, x, states):
        hs, _ = self._per_gate_states(states[0])
        out = _apply_activation(self.activation, E.add(x, L.matmul(hs[0], self.recurrent_kernel)))
        return out, [out]


class LSTMStep(_Step):
    """Keras 2.2.4 ``LSTMCell``, gates [i | f | c | o]: states (h, c)."""

    gates = 4

    def __init__(self, kernel, recurrent_kernel, bias=None, activation="tanh", recurrent_activation="hard_sigmoid",
                 dropout_masks=None, recurrent_dropout_masks=None, implementation=1):
        super().__init__(kernel, recurrent_kernel, bias, dropout_masks, recurrent_dropout_masks, implementation,
                         "lstm")
        self.activation, self.recurrent_activation = activation, recurrent_activation
        self.state_size = (self.units, self.units)
        self._blocks = _blocks(self.recurrent_kernel, 4) if self.recurrent_dropout_masks and \
            len(self.recurrent_dropout_masks) > 1 else None

    def fused_recurrence(self):
        return self.recurrent_dropout_masks is None and _fused(self.activation, self.recurrent_activation)

    def recurrence(self, x, states):
        """The whole time loop over the projected inputs: (outputs, [h, c])."""
        hs, cs = lstm_recurrence(x, self.recurrent_kernel, *states, self.activation, self.recurrent_activation)
        last = (slice(None), -1)
        return hs, [getitem(hs, last), getitem(cs, last)]

    def step(self, x, states):
        h, c = states
        hs, _ = self._per_gate_states(h)
        m = self._recurrent(hs, self._blocks, self.recurrent_kernel)
        if _fused(self.activation, self.recurrent_activation):
            h, c = lstm_cell(x, m, c, self.activation, self.recurrent_activation)
        else:
            act, ract = self.activation, self.recurrent_activation
            ai, af, ac, ao = S.split(E.add(x, m), 4, axis=-1)
            i, f, o = ract(ai), ract(af), ract(ao)
            c = E.add(E.multiply(f, c), E.multiply(i, act(ac)))
            h = E.multiply(o, act(c))
        return h, [h, c]


class GRUStep(_Step):
    """Keras 2.2.4 ``GRUCell``, gates [z | r | h]; h_t = z h_{t-1} + (1 - z) hh with

    reset_after=False: hh = act(x_h + (r h_{t-1}) U_h); bias (3u,);
    reset_after=True:  hh = act(x_h + r (h_{t-1} U_h + b'_h)); bias (2, 3u): input and recurrent biases.
    """

    gates = 3

    def __init__(self, kernel, recurrent_kernel, bias=None, activation="tanh", recurrent_activation="hard_sigmoid",
                 reset_after=False, dropout_masks=None, recurrent_dropout_masks=None, implementation=1):
        super().__init__(kernel, recurrent_kernel, bias, dropout_masks, recurrent_dropout_masks, implementation, "gru")
        self.activation, self.recurrent_activation = activation, recurrent_activation
        self.reset_after = bool(reset_after)
        self.state_size = (self.units,)
        u = self.units
        self.input_bias = self.recurrent_bias = None
        if self.bias is not None:
            want = (2, 3 * u) if self.reset_after else (3 * u,)
            if self.bias.shape != want:
                raise ValueError(f"gru: with reset_after={self.reset_after} the bias has shape {want}, "
                                 f"got {self.bias.shape}")
            if self.reset_after:
                self.input_bias, self.recurrent_bias = self.bias[0], self.bias[1]
            else:
                self.input_bias = self.bias
        per_gate = self.recurrent_dropout_masks is not None and len(self.recurrent_dropout_masks) > 1
        self._blocks = _blocks(self.recurrent_kernel, 3) if per_gate else None
        if not self.reset_after:
            self._kernel_zr = self.recurrent_kernel[:, :2 * u]
            self._kernel_h = self._blocks[2] if per_gate else self.recurrent_kernel[:, 2 * u:]

    def _input_bias(self):
        return self.input_bias

    def fused_recurrence(self):
        return self.recurrent_dropout_masks is None and _fused(self.activation, self.recurrent_activation)

    def recurrence(self, x, states):
        """The whole time loop over the projected inputs: (outputs, [h])."""
        act, ract = self.activation, self.recurrent_activation
        if self.reset_after:
            bias = self.recurrent_bias if self.recurrent_bias is not None else \
                zeros((3 * self.units,), x.dtype, like=x)  # m + 0 = m: the step's sums without a bias
            hs = gru_recurrence_reset_after(x, self.recurrent_kernel, bias, states[0], act, ract)
        else:
            hs = gru_recurrence(x, self.recurrent_kernel, states[0], act, ract)
        return hs, [getitem(hs, (slice(None), -1))]

    def step(self, x, states):
        (hs_z, hs_r, hs_h), carry = self._per_gate_states(states[0])
        act, ract = self.activation, self.recurrent_activation
        fused = _fused(act, ract)
        if self.reset_after:
            m = self._recurrent([hs_z, hs_r, hs_h], self._blocks, self.recurrent_kernel)
            if self.recurrent_bias is not None:
                m = E.add(m, self.recurrent_bias)
            if fused:
                out = gru_cell_reset_after(x, m, carry, act, ract)
            else:
                xz, xr, xh = S.split(x, 3, axis=-1)
                mz, mr, mh = S.split(m, 3, axis=-1)
                z, r = ract(E.add(xz, mz)), ract(E.add(xr, mr))
                out = _gru_mix(z, carry, act(E.add(xh, E.multiply(r, mh))))
            return out, [out]
        u = self.units
        m = self._recurrent([hs_z, hs_r], self._blocks[:2] if self._blocks else None, self._kernel_zr)
        x_zr, x_h = S.split(x, [2 * u], axis=-1)
        if fused:
            z, rh = gru_reset_gate(x_zr, m, hs_h, ract)
            out = gru_output(z, x_h, L.matmul(rh, self._kernel_h), carry, act)
        else:
            az, ar = S.split(E.add(x_zr, m), 2, axis=-1)
            z, r = ract(az), ract(ar)
            out = _gru_mix(z, carry, act(E.add(x_h, L.matmul(E.multiply(r, hs_h), self._kernel_h))))
        return out, [out]


def _gru_mix(z, h, hh):
    return E.add(E.multiply(z, h), E.multiply(E.subtract(1, z), hh))


# -- whole sequences -----------------------------------------------------------------------------------------

def _initial_states(initial_state, inputs, sizes, what):
    if initial_state is None:
        return [zeros((inputs.shape[0], s), inputs.dtype, like=inputs) for s in sizes]
    states = [initial_state] if isinstance(initial_state, Tensor) or hasattr(initial_state, "shape") \
        else list(initial_state)
    states = [as_tensor(s, like=inputs) for s in states]
    if len(states) != len(sizes):
        raise ValueError(f"{what}: Layer has {len(sizes)} states but was passed {len(states)} initial states.")
    for k, (s, size) in enumerate(zip(states, sizes)):
        if s.shape != (inputs.shape[0], size):
            raise ValueError(f"{what}: initial state {k} must have shape {(inputs.shape[0], size)}, got {s.shape}")
    return states


def _run(core, inputs, initial_state, go_backwards, mask, unroll):
    (inputs,) = tensors(inputs)
    if inputs.ndim != 3:
        raise ValueError(f"{core.what}: inputs must be (batch, time, features), got shape {inputs.shape}")
    states = _initial_states(initial_state, inputs, core.state_size, core.what)
    return core.run(core.project(inputs), states, go_backwards, mask, unroll)


def simple_rnn(inputs, kernel, recurrent_kernel, bias=None, initial_state=None, activation="tanh",
               go_backwards=False, mask=None, unroll=False, dropout_mask=None, recurrent_dropout_mask=None):
    """A SimpleRNN layer's forward pass: h_t = act(x_t W + b + h_{t-1} U).

    inputs (batch, time, d); kernel (d, u); recurrent_kernel (u, u); bias (u,) or None; initial_state
    (batch, u) or None (zeros); ``activation`` a name of ``RNN_ACTIVATIONS`` or any callable.
    Returns ``(last_output, outputs, [h])`` as ``rnn``.
    """
    core = SimpleRNNStep(kernel, recurrent_kernel, bias, activation, dropout_mask, recurrent_dropout_mask)
    return _run(core, inputs, initial_state, go_backwards, mask, unroll)


def lstm(inputs, kernel, recurrent_kernel, bias=None, initial_state=None, activation="tanh",
         recurrent_activation="hard_sigmoid", go_backwards=False, mask=None, unroll=False, dropout_masks=None,
         recurrent_dropout_masks=None, implementation=1):
    """An LSTM layer's forward pass (Keras 2.2.4, gates [i | f | c | o] in blocks of the columns).

    inputs (batch, time, d); kernel (d, 4u); recurrent_kernel (u, 4u); bias (4u,) or None;
    initial_state [h0, c0] or None (zeros). Returns ``(last_output, outputs, [h, c])``.
    """
    core = LSTMStep(kernel, recurrent_kernel, bias, activation, recurrent_activation, dropout_masks,
                    recurrent_dropout_masks, implementation)
    return _run(core, inputs, initial_state, go_backwards, mask, unroll)


def gru(inputs, kernel, recurrent_kernel, bias=None, initial_state=None, activation="tanh",
        recurrent_activation="hard_sigmoid", reset_after=False, go_backwards=False, mask=None, unroll=False,
        dropout_masks=None, recurrent_dropout_masks=None, implementation=1):
    """A GRU layer's forward pass (Keras 2.2.4, gates [z | r | h]); see ``GRUStep`` for the two formulas.

    kernel (d, 3u); recurrent_kernel (u, 3u); bias (3u,) (reset_after=False) or (2, 3u)
    (reset_after=True) or None. Returns ``(last_output, outputs, [h])``.
    """
    core = GRUStep(kernel, recurrent_kernel, bias, activation, recurrent_activation, reset_after, dropout_masks,
                   recurrent_dropout_masks, implementation)
    return _run(core, inputs, initial_state, go_backwards, mask, unroll)
