"""Reductions that CuPy's generic reduction kernel runs slowly.

A sum over the leading axes of a C-contiguous array down to a few columns (every bias gradient: a
(batch, h, w, channels) gradient summed to (channels,)) gives CuPy's reduction few outputs to spread its
threads over: 20 ms for the MNIST convnet's bias gradients at batch 1024 on an H100. As a matrix-vector
product, ones(rows) @ x.reshape(rows, columns), cuBLAS reads the array once at memory bandwidth.
"""

import math

import cupy
from nnspec.reference.ops.core import normalize_axis

# Below this many rows CuPy's own reduction is as fast, and the matmul not worth a ones vector.
_MIN_ROWS = 4096


def sum(xp, x, axis=None, keepdims=False):  # noqa: A001  (the kernel of op "sum")
    axes = normalize_axis(axis, x.ndim, "sum") if axis is not None else tuple(range(x.ndim))
    lead = len(axes)
    rows = math.prod(x.shape[:lead])
    if (0 < lead < x.ndim and axes == tuple(range(lead)) and rows >= _MIN_ROWS and x.flags.c_contiguous
            and x.dtype in (cupy.float32, cupy.float64)):
        out = cupy.ones(rows, dtype=x.dtype) @ x.reshape(rows, -1)
        return out.reshape((1,) * lead * keepdims + x.shape[lead:])
    return cupy.sum(x, axis=axis, keepdims=keepdims)


OVERRIDES = {"sum": sum}
