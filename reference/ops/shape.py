"""Shape ops (reshape, transpose, broadcast, join and split, cast) and their VJPs."""

__all__ = [
    "broadcast_to", "cast", "concatenate", "expand_dims", "reshape", "split", "squeeze", "stack",
    "swapaxes", "transpose", "unstack",
]

import numpy as np

from . import elementwise as E
from .core import apply, normalize_axis, tensors


def reshape(x, shape):
    """Reshape (one dimension may be -1)."""
    (x,) = tensors(x)
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(d) for d in shape)
    if x.shape == shape:
        return x
    if -1 not in shape and int(np.prod(shape)) != x.size:
        raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
                         f"into {shape}")
    return apply("reshape", [x], _reshape_vjp, shape=shape)


def _reshape_vjp(n, g):
    return (reshape(g, n.inputs[0].shape),)


def transpose(x, axes=None):
    """Permute dimensions (default: reverse them)."""
    (x,) = tensors(x)
    axes = tuple(range(x.ndim))[::-1] if axes is None else tuple(int(a) % max(x.ndim, 1) for a in axes)
    if sorted(axes) != list(range(x.ndim)):
        raise ValueError(f"transpose: axes {axes} are not a permutation of the {x.ndim} dimensions")
    return apply("transpose", [x], _transpose_vjp, axes=axes)


def _transpose_vjp(n, g):
    return (transpose(g, tuple(int(i) for i in np.argsort(n.attrs["axes"]))),)


def swapaxes(x, a, b):
    (x,) = tensors(x)
    axes = list(range(x.ndim))
    axes[a], axes[b] = axes[b], axes[a]
    return transpose(x, axes)


def expand_dims(x, axis):
    """Insert a dimension of size 1 at ``axis`` (negative counts from the end of the result)."""
    (x,) = tensors(x)
    if not -x.ndim - 1 <= axis <= x.ndim:
        raise ValueError(f"expand_dims: axis {axis} is out of range for a tensor of rank {x.ndim}")
    axis = axis % (x.ndim + 1)
    return reshape(x, x.shape[:axis] + (1,) + x.shape[axis:])


def squeeze(x, axis=None):
    """Remove dimensions of size 1 (all of them, or those in ``axis``)."""
    (x,) = tensors(x)
    axes = normalize_axis(axis, x.ndim, "squeeze")
    if axes is None:
        axes = tuple(i for i, d in enumerate(x.shape) if d == 1)
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(f"squeeze: dimension {a} of shape {x.shape} has size {x.shape[a]}, not 1")
    return reshape(x, tuple(d for i, d in enumerate(x.shape) if i not in axes))


def broadcast_to(x, shape):
    (x,) = tensors(x)
    shape = tuple(int(d) for d in shape)
    if x.shape == shape:
        return x
    try:
        np.broadcast_shapes(x.shape, shape)
    except ValueError:
        raise ValueError(f"broadcast_to: cannot broadcast shape {x.shape} to {shape}") from None
    return apply("broadcast_to", [x], _broadcast_to_vjp, shape=shape)


def _broadcast_to_vjp(n, g):
    return (E.unbroadcast(g, n.inputs[0].shape),)


def concatenate(xs, axis=-1):
    """Join tensors along an existing axis (Keras K.concatenate: default the last axis)."""
    xs = tensors(*xs)
    if not xs:
        raise ValueError("concatenate: expected at least one tensor")
    axis = normalize_axis(axis, xs[0].ndim, "concatenate")[0]
    return apply("concatenate", xs, _concatenate_vjp, axis=axis)


def _concatenate_vjp(n, g):
    axis = n.attrs["axis"]
    bounds = np.cumsum([t.shape[axis] for t in n.inputs])[:-1]
    return split(g, [int(b) for b in bounds], axis)


def stack(xs, axis=0):
    """Join tensors along a new axis."""
    xs = tensors(*xs)
    if not xs:
        raise ValueError("stack: expected at least one tensor")
    if not -xs[0].ndim - 1 <= axis <= xs[0].ndim:
        raise ValueError(f"stack: axis {axis} is out of range for tensors of rank {xs[0].ndim}")
    return apply("stack", xs, _stack_vjp, axis=axis % (xs[0].ndim + 1))


def _stack_vjp(n, g):
    return unstack(g, n.attrs["axis"])


def unstack(x, axis=0):
    """The slices of x along ``axis``, that axis removed (``tf.unstack``); the inverse of ``stack``."""
    (x,) = tensors(x)
    if x.ndim == 0:
        raise ValueError("unstack: expected a tensor of rank at least 1, got a scalar")
    axis = normalize_axis(axis, x.ndim, "unstack")[0]
    if x.shape[axis] == 0:
        raise ValueError(f"unstack: axis {axis} of shape {x.shape} is empty")
    return list(apply("unstack", [x], _unstack_vjp, axis=axis))


def _unstack_vjp(n, *gs):
    return (stack(gs, n.attrs["axis"]),)


def split(x, indices_or_sections, axis=0):
    """Split into equal sections (an int) or at the given indices (a list); returns a list."""
    (x,) = tensors(x)
    axis = normalize_axis(axis, x.ndim, "split")[0]
    if isinstance(indices_or_sections, (int, np.integer)):
        if x.shape[axis] % int(indices_or_sections):
            raise ValueError(f"split: dimension {axis} of size {x.shape[axis]} does not divide into "
                             f"{indices_or_sections} equal sections")
        ios = int(indices_or_sections)
    else:
        ios = tuple(int(i) for i in indices_or_sections)
    return list(apply("split", [x], _split_vjp, indices_or_sections=ios, axis=axis))


def _split_vjp(n, *gs):
    return (concatenate(gs, n.attrs["axis"]),)


def cast(x, dtype):
    """Convert to ``dtype``; the gradient is cast back (none flows into integer inputs)."""
    (x,) = tensors(x)
    dtype = np.dtype(dtype)
    if x.dtype == dtype:
        return x
    return apply("cast", [x], _cast_vjp, dtype=dtype)


def _cast_vjp(n, g):
    return (cast(g, n.inputs[0].dtype),)
