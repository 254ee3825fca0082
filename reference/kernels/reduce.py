"""Reductions over an axis tuple (``axis=None``: all axes), with ``keepdims``.

``sum`` and ``mean`` over the leading axes of a big C-contiguous float array down to a few columns (every
bias gradient: a (batch, h, w, channels) gradient summed to (channels,); batch-norm statistics) are one
matrix-vector product, ones(rows) @ x.reshape(rows, columns): BLAS reads the array once (7x NumPy's axis
reduction on 2 CPU cores; on a GPU cuBLAS, where CuPy's reduction has too few outputs to spread its threads
over). Its float32 sums are blocked, about as accurate as NumPy's pairwise ones.
"""

import math

from . import kernel, quiet

_MIN_ROWS = 4096  # below this many rows the array module's own reduction is as fast


def _leading(x, axis):
    """How many leading axes ``axis`` (a sorted tuple, or None) reduces, when the matrix-vector product
    serves it (else 0)."""
    lead = 0 if axis is None else len(axis)
    if not (0 < lead < x.ndim and axis == tuple(range(lead)) and x.flags.c_contiguous and x.dtype.kind == "f"
            and x.dtype.itemsize >= 4 and math.prod(x.shape[:lead]) >= _MIN_ROWS):
        return 0
    return lead


def _leading_sum(xp, x, lead, keepdims):
    rows = math.prod(x.shape[:lead])
    out = xp.matmul(xp.ones(rows, dtype=x.dtype), x.reshape(rows, -1))
    return out.reshape((1,) * lead * keepdims + x.shape[lead:])


@kernel("sum")
def sum_(xp, x, axis=None, keepdims=False):
    lead = _leading(x, axis)
    return _leading_sum(xp, x, lead, keepdims) if lead else xp.sum(x, axis=axis, keepdims=keepdims)


@kernel("mean")
def mean(xp, x, axis=None, keepdims=False):
    lead = _leading(x, axis)
    if lead:
        return _leading_sum(xp, x, lead, keepdims) / math.prod(x.shape[:lead])
    return xp.mean(x, axis=axis, keepdims=keepdims)


def _reduction_kernel(fname):
    def run(xp, x, axis=None, keepdims=False):
        return getattr(xp, fname)(x, axis=axis, keepdims=keepdims)
    run.__name__ = run.__qualname__ = fname
    return run


for _op in ("max", "min", "prod", "any", "all"):
    kernel(_op)(_reduction_kernel(_op))


@kernel("logsumexp")
def logsumexp(xp, x, axis=None, keepdims=False):
    """log(sum(exp(x))) shifted by the maximum, exact for any finite input and for +-inf."""
    m = xp.max(x, axis=axis, keepdims=True)
    m = xp.where(xp.isfinite(m), m, xp.zeros((), dtype=m.dtype))
    with quiet(xp):  # all -inf: log(0) = -inf is the exact answer, not a warning
        out = xp.log(xp.sum(xp.exp(x - m), axis=axis, keepdims=True)) + m
    if not keepdims:
        out = xp.squeeze(out, axis=axis) if axis is not None else out.reshape(())
    return out
