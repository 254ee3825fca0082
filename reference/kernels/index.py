"""Indexing kernels and their scatter-add adjoints.

``getitem``/``take`` gather; ``index_add``/``take_add`` are their adjoints: they add ``g`` into a
zero array at the gathered positions, summing repeated indices (so the gradient of a gather that
reads one element twice is counted twice).
"""

import numpy as np

from . import kernel
from .elementwise import against_repeated


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


# the complex type whose real and imaginary parts are a float type's (a pair of them added as one number)
_AS_COMPLEX = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128}


@kernel("take_add")
def take_add(xp, g, indices, axis, shape):
    """The adjoint of ``take``: ``g``'s slices added to zeros(shape) at ``indices`` along ``axis``, in order.

    One add.at over flat element indices: NumPy's fast path is one-dimensional (4x faster than adding
    whole slices, with the same sums in the same order).
    """
    outer, n, inner = int(np.prod(shape[:axis])), shape[axis], int(np.prod(shape[axis + 1:]))
    indices = xp.where(indices < 0, indices + n, indices).reshape(1, -1)  # numpy.take's negative indices
    if isinstance(indices, np.ndarray) and indices.size and not (indices.min() >= 0 and indices.max() < n):
        raise IndexError(f"take_add: an index is out of range for an axis of size {n}")
    dtype = g.dtype
    out, g = xp.zeros(int(np.prod(shape)), dtype=dtype), g.reshape(-1)
    if xp is np and inner % 2 == 0 and dtype in _AS_COMPLEX:
        # Pairs of floats as one complex number, whose addition adds the two parts apart, as two float additions
        # do: the same sums, half the indices to build and to scatter (an embedding gradient 2x faster).
        out, g = out.view(_AS_COMPLEX[dtype]), np.ascontiguousarray(g).view(_AS_COMPLEX[dtype])
        inner //= 2
    # the flat index of each slice's first element, repeated along the slice, plus the offsets in a slice
    # (against a block of repeated offsets: a broadcast add would run its inner loop over one slice at a time)
    starts = ((xp.arange(outer).reshape(-1, 1) * n + indices) * inner).reshape(-1)
    flat = xp.repeat(starts, inner).reshape(starts.size, inner)
    flat = against_repeated(xp, "add", flat, xp.arange(inner), out=flat)
    xp.add.at(out, flat.reshape(-1), g)
    return out.view(dtype).reshape(shape)
