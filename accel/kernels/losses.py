"""Fused softmax crossentropies from logits: one launch for the loss, one for its gradient.

Same signatures and formulas as ``nnspec.reference.kernels.loss`` (softmax_xent, softmax_xent_grad,
sparse_softmax_xent, sparse_softmax_xent_grad). The class axis is moved last and made contiguous;
then one thread handles one row: the maximum, log(sum(exp(x - max))), and the loss or the C
gradient entries, so the softmax is never written to memory. One thread per row is simple and
right for the books' class counts (10 to a few thousand); float16 and other dtypes fall back to the
generic kernels.

The conformance suite with ``--impl=accel`` (loss cases, VJPs, double backward) checks it against the
reference.
"""

import cupy
from nnspec.reference.kernels import loss as _generic

_ROW_STATS = """
    const ptrdiff_t base = i * C;
    T m = logits[base];
    for (ptrdiff_t j = 1; j < C; ++j) { T v = logits[base + j]; m = v > m ? v : m; }
    if (!isfinite(m)) m = (T)0;
    T s = (T)0;
    for (ptrdiff_t j = 0; j < C; ++j) s += exp(logits[base + j] - m);
    const T lse = log(s);
"""

_xent = cupy.ElementwiseKernel(
    "raw T labels, raw T logits, int64 C", "T loss",
    _ROW_STATS + """
    T acc = (T)0;
    for (ptrdiff_t j = 0; j < C; ++j) acc += labels[base + j] * (logits[base + j] - m - lse);
    loss = -acc;
    """,
    "nnspec_softmax_xent")

_xent_grad = cupy.ElementwiseKernel(
    "raw T labels, raw T logits, raw T g, int64 C", "raw T dx",
    _ROW_STATS + """
    T total = (T)0;
    for (ptrdiff_t j = 0; j < C; ++j) total += labels[base + j];
    const T gi = g[i];
    for (ptrdiff_t j = 0; j < C; ++j)
        dx[base + j] = gi * (exp(logits[base + j] - m - lse) * total - labels[base + j]);
    """,
    "nnspec_softmax_xent_grad")

_sparse_xent = cupy.ElementwiseKernel(
    "raw int64 labels, raw T logits, int64 C", "T loss",
    _ROW_STATS + """
    loss = lse - (logits[base + labels[i]] - m);
    """,
    "nnspec_sparse_softmax_xent")

_sparse_xent_grad = cupy.ElementwiseKernel(
    "raw int64 labels, raw T logits, raw T g, int64 C", "raw T dx",
    _ROW_STATS + """
    const T gi = g[i];
    const ptrdiff_t target = labels[i];
    for (ptrdiff_t j = 0; j < C; ++j)
        dx[base + j] = gi * (exp(logits[base + j] - m - lse) - (j == target ? (T)1 : (T)0));
    """,
    "nnspec_sparse_softmax_xent_grad")

_FUSED = (cupy.dtype(cupy.float32), cupy.dtype(cupy.float64))


def _rows(x, axis):
    """x with ``axis`` moved last, C-contiguous, and (rows, classes)."""
    moved = cupy.ascontiguousarray(cupy.moveaxis(x, axis, -1))
    return moved, moved.shape[-1], moved.size // max(moved.shape[-1], 1)


def softmax_xent(xp, labels, logits, axis=-1):
    if logits.dtype not in _FUSED or logits.shape[axis] == 0:
        return _generic.softmax_xent(xp, labels, logits, axis=axis)
    x, c, n = _rows(logits, axis)
    t, _, _ = _rows(labels.astype(logits.dtype, copy=False), axis)
    loss = cupy.empty(x.shape[:-1], dtype=logits.dtype)
    if n:
        _xent(t, x, c, loss)
    return loss


def softmax_xent_grad(xp, labels, logits, g, axis=-1):
    if logits.dtype not in _FUSED or logits.shape[axis] == 0:
        return _generic.softmax_xent_grad(xp, labels, logits, g, axis=axis)
    x, c, n = _rows(logits, axis)
    t, _, _ = _rows(labels.astype(logits.dtype, copy=False), axis)
    gg = cupy.ascontiguousarray(g.astype(logits.dtype, copy=False))
    dx = cupy.empty_like(x)
    if n:
        _xent_grad(t, x, gg, c, dx, size=n)
    return cupy.moveaxis(dx, -1, axis)


def sparse_softmax_xent(xp, labels, logits):
    if logits.dtype not in _FUSED or logits.shape[-1] == 0:
        return _generic.sparse_softmax_xent(xp, labels, logits)
    x, c, n = _rows(logits, -1)
    lab = cupy.ascontiguousarray(labels.astype(cupy.int64, copy=False))
    loss = cupy.empty(x.shape[:-1], dtype=logits.dtype)
    if n:
        _sparse_xent(lab, x, c, loss)
    return loss


def sparse_softmax_xent_grad(xp, labels, logits, g):
    if logits.dtype not in _FUSED or logits.shape[-1] == 0:
        return _generic.sparse_softmax_xent_grad(xp, labels, logits, g)
    x, c, n = _rows(logits, -1)
    lab = cupy.ascontiguousarray(labels.astype(cupy.int64, copy=False))
    gg = cupy.ascontiguousarray(g.astype(logits.dtype, copy=False))
    dx = cupy.empty_like(x)
    if n:
        _sparse_xent_grad(lab, x, gg, c, dx, size=n)
    return dx


OVERRIDES = {
    "softmax_xent": softmax_xent,
    "softmax_xent_grad": softmax_xent_grad,
    "sparse_softmax_xent": sparse_softmax_xent,
    "sparse_softmax_xent_grad": sparse_softmax_xent_grad,
}
