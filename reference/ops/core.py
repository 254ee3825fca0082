"""The op machinery: run a kernel on the inputs' implementation, wrap, record the VJP."""

import numpy as np

from ..implementation import implementation_of
from ..tape import record
from ..tensor import Tensor, to_array


def as_tensor(value, like=None, dtype=None):
    """``value`` as a Tensor: tensors pass through; arrays and scalars become constants.

    A Python scalar next to a tensor takes the tensor's dtype when NumPy's weak-scalar rule allows
    (float32 tensor * 0.5 stays float32) and lives in the tensor's implementation.
    """
    if isinstance(value, Tensor):
        return value
    impl = like.impl if isinstance(like, Tensor) else None
    if dtype is None and isinstance(like, Tensor) and isinstance(value, (bool, int, float)):
        dtype = np.result_type(like.dtype, value)
    return Tensor(to_array(value, dtype, impl))


def tensors(*values):
    """Convert several op arguments together: scalars and host arrays join the tensors' implementation."""
    like, converted = None, False
    for v in values:  # (a loop, not next() over a generator: every op call converts its arguments)
        if isinstance(v, Tensor):
            if like is None:
                like = v
        else:
            converted = True
    return [as_tensor(v, like=like) for v in values] if converted else list(values)


def apply(op, inputs, vjp=None, **attrs):
    """Run kernel ``op`` on ``inputs`` (tensors) with ``attrs``; record ``vjp`` if any input needs it.

    ``vjp(node, *output_grads) -> tuple of input grads (tensors or None)`` is written with ops.
    A kernel returning a tuple gives a tuple of tensors.
    """
    outputs, many = _run(op, inputs, attrs)
    if vjp is not None:
        record(op, inputs, outputs, vjp, attrs)
    return outputs if many else outputs[0]


def apply_saving(op, inputs, vjp, returned, **attrs):
    """``apply`` for a kernel whose VJP needs outputs the op does not hand out (a recurrent sequence's gate
    pre-activations): returns the first ``returned`` output tensors; the node (if one is recorded) keeps
    every output's array in ``node.saved``."""
    outputs, _ = _run(op, inputs, attrs)
    node = record(op, inputs, outputs, vjp, attrs)
    if node is not None:
        node.saved = tuple(o.data for o in outputs)
    return outputs[:returned]


def _run(op, inputs, attrs):
    arrays = [t.data for t in inputs]
    impl = implementation_of(*arrays)
    xp = impl.xp
    out = impl.kernel(op)(xp, *arrays, **attrs)
    if isinstance(out, tuple):
        return tuple([Tensor(xp.asarray(o)) for o in out]), True
    return (Tensor(xp.asarray(out)),), False


def normalize_axis(axis, ndim, op):
    """``axis`` (None, int or sequence) as a sorted tuple of non-negative ints, or None."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < ndim:
            raise ValueError(f"{op}: axis {a} is out of range for a tensor of rank {ndim}")
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis!r}")
    return tuple(sorted(out))
