"""CUDA pooling kernels: max-pool argmax (the values then gathered), its scatter, average pooling and its adjoint.

Same geometry, index math and visiting order as ``nnspec.reference.kernels.pool`` (read that
docstring first): channels_last, flat indices ``((n*H + h)*W + w)*C + c``, windows starting at
``o * s - before``, a window's elements visited in row-major order. 1-D pooling runs as 2-D with a
single row; other ranks fall back to the generic kernels. One thread per output element for the
forward kernels and one per input element for the backward ones, which GATHER the contributions of
the windows holding their element in a fixed order: no atomics, deterministic results.

* argmax: the scan starts at the window's first valid element and moves on only to a strictly
  greater value or to the first NaN (``!(v <= best) && best == best``), as the reference, so ties
  go to the first maximum and padding is never visited.
* max-pool scatter: input element i sums g over the windows whose argmax is i, in increasing window
  order (the reference sums the same terms in the same order, in float64 through ``bincount``).
* average pooling: the sum of the window's valid elements in row-major order, divided by their
  count; its adjoint adds g / count of every window holding the element, windows in decreasing
  (row, col) order, which is the order of the reference's loop over window offsets.

``pytest conformance --impl=accel`` checks them against the reference (forward, VJP, double backward of
every case).
"""

import cupy
from nnspec.reference.kernels import pool as _generic

_PREAMBLE = r"""
// first window (along one axis) holding padded position p: the smallest o with o*s + k - 1 >= p
__device__ long long nnspec_first_window(long long p, long long k, long long s) {
    const long long a = p - k + 1;
    return a <= 0 ? 0 : (a + s - 1) / s;
}
// last window holding padded position p, clamped to the output
__device__ long long nnspec_last_window(long long p, long long s, long long out) {
    const long long o = p / s;
    return o < out - 1 ? o : out - 1;
}
// number of valid (unpadded) elements of the window starting at input coordinate start
__device__ long long nnspec_valid(long long start, long long k, long long n) {
    const long long lo = start > 0 ? start : 0;
    const long long hi = start + k < n ? start + k : n;
    return hi - lo;
}
"""

_GEOMETRY = ("int64 H, int64 W, int64 C, int64 OH, int64 OW, int64 KH, int64 KW, int64 SH, int64 SW, "
             "int64 PH, int64 PW")

# i indexes the output (n, oh, ow, c)
_OUTPUT_INDEX = r"""
    const long long c = i % C;
    long long t = i / C;
    const long long ow = t % OW;
    t /= OW;
    const long long oh = t % OH;
    const long long n = t / OH;
    const long long h0 = oh * SH - PH;
    const long long w0 = ow * SW - PW;
"""

# i indexes the input (n, h, w, c)
_INPUT_INDEX = r"""
    const long long c = i % C;
    long long t = i / C;
    const long long w = t % W;
    t /= W;
    const long long h = t % H;
    const long long n = t / H;
    const long long hp = h + PH;
    const long long wp = w + PW;
    const long long oh_lo = nnspec_first_window(hp, KH, SH);
    const long long oh_hi = nnspec_last_window(hp, SH, OH);
    const long long ow_lo = nnspec_first_window(wp, KW, SW);
    const long long ow_hi = nnspec_last_window(wp, SW, OW);
"""

_max_pool_argmax = cupy.ElementwiseKernel(
    "raw T x, " + _GEOMETRY, "int64 idx",
    _OUTPUT_INDEX + r"""
    const long long hs = h0 > 0 ? h0 : 0;
    const long long ws = w0 > 0 ? w0 : 0;
    long long best_i = ((n * H + hs) * W + ws) * C + c;
    T best = x[best_i];
    for (long long h = hs; h < h0 + KH && h < H; ++h) {
        for (long long w = ws; w < w0 + KW && w < W; ++w) {
            const long long j = ((n * H + h) * W + w) * C + c;
            const T v = x[j];
            if (!(v <= best) && best == best) {
                best = v;
                best_i = j;
            }
        }
    }
    idx = best_i;
    """, "nnspec_max_pool_argmax", preamble=_PREAMBLE)

_max_pool_scatter = cupy.ElementwiseKernel(
    "raw T g, raw int64 argmax, " + _GEOMETRY, "T dx",
    _INPUT_INDEX + r"""
    T acc = 0;
    for (long long oh = oh_lo; oh <= oh_hi; ++oh) {
        for (long long ow = ow_lo; ow <= ow_hi; ++ow) {
            const long long o = ((n * OH + oh) * OW + ow) * C + c;
            if (argmax[o] == i) acc += g[o];
        }
    }
    dx = acc;
    """, "nnspec_max_pool_scatter", preamble=_PREAMBLE)

_avg_pool = cupy.ElementwiseKernel(
    "raw T x, " + _GEOMETRY, "T y",
    _OUTPUT_INDEX + r"""
    const long long hs = h0 > 0 ? h0 : 0;
    const long long ws = w0 > 0 ? w0 : 0;
    T acc = 0;
    for (long long h = hs; h < h0 + KH && h < H; ++h) {
        for (long long w = ws; w < w0 + KW && w < W; ++w) {
            acc += x[((n * H + h) * W + w) * C + c];
        }
    }
    y = acc / (T)(nnspec_valid(h0, KH, H) * nnspec_valid(w0, KW, W));
    """, "nnspec_avg_pool", preamble=_PREAMBLE)

_avg_pool_backward = cupy.ElementwiseKernel(
    "raw T g, " + _GEOMETRY, "T dx",
    _INPUT_INDEX + r"""
    T acc = 0;
    for (long long oh = oh_hi; oh >= oh_lo; --oh) {
        for (long long ow = ow_hi; ow >= ow_lo; --ow) {
            const long long o = ((n * OH + oh) * OW + ow) * C + c;
            const long long count = nnspec_valid(oh * SH - PH, KH, H) * nnspec_valid(ow * SW - PW, KW, W);
            acc += g[o] / (T)count;
        }
    }
    dx = acc;
    """, "nnspec_avg_pool_backward", preamble=_PREAMBLE)


def _as_2d(shape, pool_size, strides, pads):
    """The input shape and geometry of a 1-D or 2-D pooling as 2-D (a 1-D input has one row)."""
    if len(pool_size) == 1:
        n, w, c = shape
        return (n, 1, w, c), (1, pool_size[0]), (1, strides[0]), ((0, 0), tuple(pads[0]))
    return tuple(shape), tuple(pool_size), tuple(strides), tuple(tuple(p) for p in pads)


def _geometry(shape, pool_size, strides, pads):
    """The kernels' scalar arguments H, W, C, OH, OW, KH, KW, SH, SW, PH, PW."""
    shape4, k, s, p = _as_2d(shape, pool_size, strides, pads)
    _, oh, ow, _ = _generic.output_shape(shape4, k, s, p)
    _, h, w, c = shape4
    return (h, w, c, oh, ow, k[0], k[1], s[0], s[1], p[0][0], p[1][0])


def _generic_rank(pool_size):
    return len(pool_size) not in (1, 2)


def max_pool_with_argmax(xp, x, pool_size, strides, pads):
    if _generic_rank(pool_size):
        return _generic.max_pool_with_argmax(xp, x, pool_size, strides, pads)
    idx = cupy.empty(_generic.output_shape(x.shape, pool_size, strides, pads), dtype=cupy.int64)
    _max_pool_argmax(cupy.ascontiguousarray(x), *_geometry(x.shape, pool_size, strides, pads), idx)
    return _generic.max_pool_gather(xp, x, idx, pool_size, strides, pads), idx


def max_pool_scatter(xp, g, argmax, shape, pool_size, strides, pads):
    if _generic_rank(pool_size):
        return _generic.max_pool_scatter(xp, g, argmax, shape, pool_size, strides, pads)
    dx = cupy.empty(tuple(shape), dtype=g.dtype)
    _max_pool_scatter(cupy.ascontiguousarray(g), cupy.ascontiguousarray(argmax),
                      *_geometry(shape, pool_size, strides, pads), dx)
    return dx


def avg_pool(xp, x, pool_size, strides, pads):
    if _generic_rank(pool_size):
        return _generic.avg_pool(xp, x, pool_size, strides, pads)
    y = cupy.empty(_generic.output_shape(x.shape, pool_size, strides, pads), dtype=x.dtype)
    _avg_pool(cupy.ascontiguousarray(x), *_geometry(x.shape, pool_size, strides, pads), y)
    return y


def avg_pool_backward(xp, g, shape, pool_size, strides, pads):
    if _generic_rank(pool_size):
        return _generic.avg_pool_backward(xp, g, shape, pool_size, strides, pads)
    dx = cupy.empty(tuple(shape), dtype=g.dtype)
    _avg_pool_backward(cupy.ascontiguousarray(g), *_geometry(shape, pool_size, strides, pads), dx)
    return dx


OVERRIDES = {
    "max_pool_with_argmax": max_pool_with_argmax,
    "max_pool_scatter": max_pool_scatter,
    "avg_pool": avg_pool,
    "avg_pool_backward": avg_pool_backward,
}
