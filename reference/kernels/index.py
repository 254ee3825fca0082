"""Indexing kernels and their scatter-add adjoints.

``getitem``/``take`` gather; ``index_add``/``take_add`` are their adjoints: they add ``g`` into a
zero array at the gathered positions, summing repeated indices (so the gradient of a gather that
reads one element twice is counted twice).
"""

import numpy as np

from . import kernel


def _is_basic(index):
    """True when an index holds only ints, slices, None and Ellipsis (no repeated elements)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (int, slice)) or p is None or p is Ellipsis for p in parts)


@kernel("getitem")
def getitem(xp, x, index):
    return x[index]


@kernel("index_add")
def index_add(xp, g, index, shape):
    out = xp.zeros(shape, dtype=g.dtype)
    if _is_basic(index):
        out[index] = g
    else:
        xp.add.at(out, index, g)
    return out


@kernel("take")
def take(xp, x, indices, axis=0):
    return xp.take(x, indices, axis=axis)


@kernel("take_add")
def take_add(xp, g, indices, axis, shape):
    """The adjoint of ``take``: ``g``'s slices added to zeros(shape) at ``indices`` along ``axis``, in order.

    One add.at over flat element indices: NumPy's fast path is one-dimensional (4x faster than adding
    whole slices, with the same sums in the same order).
    """
    outer, n, inner = int(np.prod(shape[:axis])), shape[axis], int(np.prod(shape[axis + 1:]))
    indices = xp.where(indices < 0, indices + n, indices).reshape(1, -1, 1)  # numpy.take's negative indices
    if isinstance(indices, np.ndarray) and indices.size and not (indices.min() >= 0 and indices.max() < n):
        raise IndexError(f"take_add: an index is out of range for an axis of size {n}")
    flat = ((xp.arange(outer).reshape(-1, 1, 1) * n + indices) * inner + xp.arange(inner)).reshape(-1)
    out = xp.zeros(int(np.prod(shape)), dtype=g.dtype)
    xp.add.at(out, flat, g.reshape(-1))
    return out.reshape(shape)
