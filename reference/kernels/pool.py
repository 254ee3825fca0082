"""Pooling kernels over channels_last arrays (batch, *spatial, channels), any number of spatial axes.

The ops compute the geometry and pass it as attributes: ``pool_size`` and ``strides`` per spatial
axis and ``pads``, the (before, after) padding per spatial axis ((0, 0) for 'valid'; TensorFlow's
'same' split, the extra element at the end). Window ``o`` along an axis starts at ``o * s - before``
in input coordinates.

Every kernel is a short loop over the pool_size window offsets in row-major order: the elements at
offset ``a`` of all windows form one strided slice of the (padded) input, so each step is a whole-
array operation.

* ``max_pool_with_argmax``: the pooled values and, for every window, the flat index into ``x``
  (``((n*H + h)*W + w)*C + c``: TensorFlow's ``max_pool_with_argmax`` index with the batch included)
  of its FIRST maximum in row-major window order; the values are ``x`` at that index. The running
  maximum is replaced only by a strictly greater value, or by the first NaN, which then stays (a NaN
  in a window is its maximum). Padded positions hold -inf, which is never strictly greater than the
  running maximum, so padding never wins; a window whose valid values are all -inf keeps its first
  valid position, where the scan starts.
* ``max_pool_gather``: ``x`` at the argmax; ``max_pool_scatter``: its adjoint, each window's
  gradient added at its argmax (windows that chose the same element sum).
* ``avg_pool``: the sum of the window's valid elements divided by their number: padding is
  excluded from the average (TensorFlow's ``avg_pool``), so a 'same' edge window divides by less
  than the pool size. ``avg_pool_backward``: the adjoint, g / count spread over each window's
  valid elements.
"""

import itertools

import numpy as np

from . import kernel


def output_shape(shape, pool_size, strides, pads):
    """(batch, *pooled, channels) of pooling an array of ``shape`` with this geometry."""
    spatial = tuple((n + b + a - k) // s + 1
                    for n, k, s, (b, a) in zip(shape[1:-1], pool_size, strides, pads))
    return (shape[0],) + spatial + (shape[-1],)


def _offsets(pool_size):
    """The window offsets in row-major order."""
    return itertools.product(*(range(k) for k in pool_size))


def _at_offset(offset, strides, out_spatial):
    """Index of the element at window ``offset`` of every window: one strided slice per spatial axis."""
    return ((slice(None),)
            + tuple(slice(o, o + s * (m - 1) + 1, s) for o, s, m in zip(offset, strides, out_spatial))
            + (slice(None),))


def _interior(shape, pads):
    """Index of the unpadded input inside the padded array."""
    return (slice(None),) + tuple(slice(b, b + n) for n, (b, _) in zip(shape[1:-1], pads)) + (slice(None),)


def _padded(xp, x, pads, value):
    if not any(b or a for b, a in pads):
        return x
    shape = (x.shape[0],) + tuple(n + b + a for n, (b, a) in zip(x.shape[1:-1], pads)) + (x.shape[-1],)
    out = xp.full(shape, value, dtype=x.dtype)
    out[_interior(x.shape, pads)] = x
    return out


def _starts(xp, d, out_spatial, strides, pads):
    """Window starts along spatial axis ``d`` in input coordinates, shaped to broadcast over the output."""
    shape = [1] * (len(out_spatial) + 2)
    shape[1 + d] = out_spatial[d]
    return (xp.arange(out_spatial[d], dtype=np.int64) * strides[d] - pads[d][0]).reshape(shape)


def _count(xp, shape, pool_size, strides, pads, dtype):
    """Number of valid (unpadded) elements in every window, shaped to broadcast over the output."""
    out_spatial = output_shape(shape, pool_size, strides, pads)[1:-1]
    count = 1
    for d, (n, k) in enumerate(zip(shape[1:-1], pool_size)):
        start = _starts(xp, d, out_spatial, strides, pads)
        count = count * (xp.minimum(start + k, n) - xp.maximum(start, 0))
    return count.astype(dtype)


# The argmax works through runs of batch items of about this many input bytes, so that its passes over the
# windows read the block from cache rather than from memory.
BLOCK_BYTES = 1 << 20


@kernel("max_pool_with_argmax")
def max_pool_with_argmax(xp, x, pool_size, strides, pads):
    """(the pooled values, the argmax): every window's flat index into x of its first maximum, and x there."""
    x = xp.ascontiguousarray(x)  # the runs are then views of the flat array the values are taken from
    out = output_shape(x.shape, pool_size, strides, pads)
    values, index = xp.empty(out, dtype=x.dtype), xp.empty(out, dtype=np.int64)
    x_strides = _flat_strides(x.shape)
    per = max(1, BLOCK_BYTES // max(1, x[:1].nbytes))
    # flat index of every window's start from the start of a run of ``per`` batch items (spatial start, channel)
    start_in_run = xp.arange(out[-1], dtype=np.int64) + (xp.arange(min(per, out[0]), dtype=np.int64)
                                                         * x_strides[0]).reshape((-1,) + (1,) * (len(out) - 1))
    for d in range(len(pool_size)):
        start_in_run = start_in_run + _starts(xp, d, out[1:-1], strides, pads) * x_strides[1 + d]
    displacements, flat = _displacements(xp, x_strides, pool_size), x.reshape(-1)
    unchecked = {"mode": "clip"} if xp is np else {}  # CuPy's take has no mode (and no bounds check)
    for start in range(0, x.shape[0], per):
        run, block = x[start:start + per], index[start:start + per]
        # the displacement of each window's first maximum from the run's start (its offset number looked up as
        # an index: NumPy's take is 1.7x slower with int8 indices), plus the window's start in the run: the
        # index in x, where the values are taken while the run is in cache. Every index is in range by
        # construction: NumPy's mode="clip" skips take's bounds check and the buffering it does with out.
        xp.copyto(block, _first_max_offset(xp, run, pool_size, strides, pads))
        xp.take(displacements + start * x_strides[0], block, out=block, **unchecked)
        block += start_in_run[:block.shape[0]]
        xp.take(flat, block, out=values[start:start + per], **unchecked)
    return values, index


def _displacements(xp, x_strides, pool_size):
    """The flat displacement (in an array of flat strides ``x_strides``) of each window offset from the
    window's start."""
    return xp.asarray([sum(o * x_strides[1 + d] for d, o in enumerate(offset)) for offset in _offsets(pool_size)],
                      dtype=np.int64)


def _first_max_offset(xp, x, pool_size, strides, pads):
    """The offset number (row-major in the window) of every window's first maximum."""
    out_spatial = output_shape(x.shape, pool_size, strides, pads)[1:-1]
    xpad = _padded(xp, x, pads, -np.inf)
    views = [xpad[_at_offset(offset, strides, out_spatial)] for offset in _offsets(pool_size)]
    # Two whole-array passes instead of a running argmax: the window maximum (maximum() keeps a NaN), then
    # the offset of its first occurrence, counted as the number of offsets before the first hit. A NaN
    # window's hit is its first NaN; without NaN no value is a NaN and that test is skipped.
    best = views[0].copy()
    for v in views[1:]:
        xp.maximum(best, v, out=best)
    # (on a GPU the NaN test always runs: asking whether there is a NaN would wait for the device)
    nan = best.dtype.kind == "f" and (xp is not np or bool(xp.isnan(best).any()))
    arg = xp.zeros(best.shape, dtype=np.int8 if len(views) < 128 else np.int32)
    missed = None  # True where no offset so far holds the maximum
    for v in views[:-1]:  # a window whose first hit is not before the last offset has it there
        miss = v != best
        if nan:
            miss &= v == v
        missed = miss if missed is None else xp.logical_and(missed, miss, out=missed)
        arg += missed
    # A window whose valid values are all -inf matched -inf padding before its first valid position:
    # start there instead (otherwise the first hit is valid and lies at or after it).
    if any(b for b, _ in pads):
        first = 0
        for d, k in enumerate(pool_size):
            start = _starts(xp, d, out_spatial, strides, pads)
            first = first * k + (xp.maximum(start, 0) - start)
        arg = xp.maximum(arg, first)
    return arg


def _flat_strides(shape):
    return [int(np.prod(shape[i + 1:])) for i in range(len(shape))]


@kernel("max_pool_gather")
def max_pool_gather(xp, x, argmax, pool_size, strides, pads):
    return xp.take(x.reshape(-1), argmax)


@kernel("max_pool_scatter")
def max_pool_scatter(xp, g, argmax, shape, pool_size, strides, pads):
    if all(s >= k for s, k in zip(strides, pool_size)):
        # windows that do not overlap never choose the same element: a plain assignment, no summing
        flat = xp.zeros(int(np.prod(shape)), dtype=g.dtype)
        flat[argmax.reshape(-1)] = g.reshape(-1)
        return flat.reshape(shape)
    flat = xp.bincount(argmax.reshape(-1), weights=g.reshape(-1), minlength=int(np.prod(shape)))
    return flat.astype(g.dtype, copy=False).reshape(shape)


@kernel("avg_pool")
def avg_pool(xp, x, pool_size, strides, pads):
    out_spatial = output_shape(x.shape, pool_size, strides, pads)[1:-1]
    xpad = _padded(xp, x, pads, 0)
    total = None
    for offset in _offsets(pool_size):
        v = xpad[_at_offset(offset, strides, out_spatial)]
        total = v if total is None else total + v
    return total / _count(xp, x.shape, pool_size, strides, pads, x.dtype)


@kernel("avg_pool_backward")
def avg_pool_backward(xp, g, shape, pool_size, strides, pads):
    share = g / _count(xp, shape, pool_size, strides, pads, g.dtype)
    padded = (shape[0],) + tuple(n + b + a for n, (b, a) in zip(shape[1:-1], pads)) + (shape[-1],)
    gpad = xp.zeros(padded, dtype=g.dtype)
    for offset in _offsets(pool_size):
        gpad[_at_offset(offset, strides, g.shape[1:-1])] += share
    return gpad[_interior(shape, pads)]
