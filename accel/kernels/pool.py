"""CUDA pooling kernels: max pooling (values and argmax), its scatter, average pooling and its adjoint.

Same geometry, index math and visiting order as ``nnspec.reference.kernels.pool`` (read that
docstring first): channels_last, flat indices ``((n*H + h)*W + w)*C + c``, windows starting at
``o * s - before``, a window's elements visited in row-major order. 1-D pooling runs as 2-D with a
single row; other ranks, and dtypes other than float32/float64, fall back to the generic kernels. One
thread per output element for the forward kernels and one per input element for the backward ones,
which GATHER the contributions of the windows holding their element in a fixed order: no atomics,
deterministic results. Threads split their flat index with ``indexing``'s 32-bit multiply-shift
quotients (64-bit indices for arrays beyond its limit).

* argmax: the scan starts at the window's first valid element and moves on only to a strictly
  greater value or to the first NaN (``!(v <= best) && best == best``), as the reference, so ties
  go to the first maximum and padding is never visited; the value is x at the argmax.
* max-pool scatter: input element i sums g over the windows whose argmax is i, in increasing window
  order (the reference sums the same terms in the same order, in float64 through ``bincount``).
* average pooling: the sum of the window's valid elements in row-major order, divided by their
  count; its adjoint adds g / count of every window holding the element, windows in decreasing
  (row, col) order, which is the order of the reference's loop over window offsets.

``pytest conformance --impl=accel`` checks them against the reference (forward, VJP, double backward of
every case).
"""

from nnspec.reference.kernels import pool as _generic

from . import indexing

# Geometry arguments of every kernel, then the (m, s) of its divisors (see indexing).
_GEOMETRY = "int H, int W, int C, int OH, int OW, int KH, int KW, int SH, int SW, int PH, int PW"
_OUTPUT_DIVISORS = "unsigned C_m, unsigned C_s, unsigned OW_m, unsigned OW_s, unsigned OH_m, unsigned OH_s"
_INPUT_DIVISORS = ("unsigned C_m, unsigned C_s, unsigned W_m, unsigned W_s, unsigned H_m, unsigned H_s, "
                   "unsigned SH_m, unsigned SH_s, unsigned SW_m, unsigned SW_s")

# i indexes the output (n, oh, ow, c)
_OUTPUT_INDEX = r"""
        idx_t r = i, q;
        q = NNSPEC_QUOT(r, C); const idx_t c = r - q * C; r = q;
        q = NNSPEC_QUOT(r, OW); const idx_t ow = r - q * OW; r = q;
        q = NNSPEC_QUOT(r, OH); const idx_t oh = r - q * OH; const idx_t n = q;
        const idx_t h0 = oh * SH - PH, w0 = ow * SW - PW;
"""

# i indexes the input (n, h, w, c); [oh_lo, oh_hi] x [ow_lo, ow_hi] are the windows holding it
_INPUT_INDEX = r"""
        idx_t r = i, q;
        q = NNSPEC_QUOT(r, C); const idx_t c = r - q * C; r = q;
        q = NNSPEC_QUOT(r, W); const idx_t w = r - q * W; r = q;
        q = NNSPEC_QUOT(r, H); const idx_t h = r - q * H; const idx_t n = q;
        const idx_t hp = h + PH, wp = w + PW;  // padded position
        // first window holding it: the smallest o with o*s + k - 1 >= p; last: p / s, clamped to the output
        const idx_t oh_lo = hp - KH + 1 <= 0 ? 0 : NNSPEC_QUOT(hp - KH + SH, SH);
        const idx_t ow_lo = wp - KW + 1 <= 0 ? 0 : NNSPEC_QUOT(wp - KW + SW, SW);
        const idx_t oh_hi = min(NNSPEC_QUOT(hp, SH), (idx_t)OH - 1), ow_hi = min(NNSPEC_QUOT(wp, SW), (idx_t)OW - 1);
"""

_SOURCE = r"""
// the number of valid (unpadded) elements of a window along an axis, from its start in input coordinates
__device__ __forceinline__ idx_t nnspec_valid(idx_t start, idx_t k, idx_t n) {
    return min(start + k, n) - max(start, (idx_t)0);
}

extern "C" __global__ void nnspec_max_pool(long long total, const T* __restrict__ x, T* __restrict__ y,
        long long* __restrict__ idx, """ + _GEOMETRY + ", " + _OUTPUT_DIVISORS + r""") {
    NNSPEC_FOR(i, total) {""" + _OUTPUT_INDEX + r"""
        const idx_t hs = max(h0, (idx_t)0), ws = max(w0, (idx_t)0);
        const idx_t he = min(h0 + KH, (idx_t)H), we = min(w0 + KW, (idx_t)W);
        idx_t best_i = ((n * H + hs) * W + ws) * C + c;
        T best = x[best_i];
        for (idx_t hh = hs; hh < he; ++hh) {
            for (idx_t ww = ws; ww < we; ++ww) {
                const idx_t j = ((n * H + hh) * W + ww) * C + c;
                const T v = x[j];
                if (!(v <= best) && best == best) {
                    best = v;
                    best_i = j;
                }
            }
        }
        y[i] = best;
        idx[i] = best_i;
    }
}

extern "C" __global__ void nnspec_max_pool_scatter(long long total, const T* __restrict__ g,
        const long long* __restrict__ argmax, T* __restrict__ dx, """ + _GEOMETRY + ", " + _INPUT_DIVISORS + r""") {
    NNSPEC_FOR(i, total) {""" + _INPUT_INDEX + r"""
        T acc = 0;
        for (idx_t a = oh_lo; a <= oh_hi; ++a) {
            for (idx_t b = ow_lo; b <= ow_hi; ++b) {
                const idx_t o = ((n * OH + a) * OW + b) * C + c;
                if (argmax[o] == (long long)i) acc += g[o];
            }
        }
        dx[i] = acc;
    }
}

extern "C" __global__ void nnspec_avg_pool(long long total, const T* __restrict__ x, T* __restrict__ y,
        """ + _GEOMETRY + ", " + _OUTPUT_DIVISORS + r""") {
    NNSPEC_FOR(i, total) {""" + _OUTPUT_INDEX + r"""
        const idx_t hs = max(h0, (idx_t)0), ws = max(w0, (idx_t)0);
        const idx_t he = min(h0 + KH, (idx_t)H), we = min(w0 + KW, (idx_t)W);
        T acc = 0;
        for (idx_t hh = hs; hh < he; ++hh) {
            for (idx_t ww = ws; ww < we; ++ww) acc += x[((n * H + hh) * W + ww) * C + c];
        }
        y[i] = acc / (T)(nnspec_valid(h0, KH, H) * nnspec_valid(w0, KW, W));
    }
}

extern "C" __global__ void nnspec_avg_pool_backward(long long total, const T* __restrict__ g, T* __restrict__ dx,
        """ + _GEOMETRY + ", " + _INPUT_DIVISORS + r""") {
    NNSPEC_FOR(i, total) {""" + _INPUT_INDEX + r"""
        T acc = 0;
        for (idx_t a = oh_hi; a >= oh_lo; --a) {
            for (idx_t b = ow_hi; b >= ow_lo; --b) {
                const idx_t count = nnspec_valid(a * SH - PH, KH, H) * nnspec_valid(b * SW - PW, KW, W);
                acc += g[((n * OH + a) * OW + b) * C + c] / (T)count;
            }
        }
        dx[i] = acc;
    }
}
"""


def _as_2d(shape, pool_size, strides, pads):
    """The input shape and geometry of a 1-D or 2-D pooling as 2-D (a 1-D input has one row)."""
    if len(pool_size) == 1:
        n, w, c = shape
        return (n, 1, w, c), (1, pool_size[0]), (1, strides[0]), ((0, 0), tuple(pads[0]))
    return tuple(shape), tuple(pool_size), tuple(strides), tuple(tuple(p) for p in pads)


def _geometry(shape, pool_size, strides, pads, divisors):
    """The kernels' scalar arguments H, W, C, OH, OW, KH, KW, SH, SW, PH, PW, then the (m, s) pairs of the
    named ``divisors`` (see indexing)."""
    shape4, k, s, p = _as_2d(shape, pool_size, strides, pads)
    _, oh, ow, _ = _generic.output_shape(shape4, k, s, p)
    _, h, w, c = shape4
    named = {"H": h, "W": w, "C": c, "OH": oh, "OW": ow, "SH": s[0], "SW": s[1]}
    return (indexing.ints(h, w, c, oh, ow, k[0], k[1], s[0], s[1], p[0][0], p[1][0])
            + indexing.divisors(*[named[d] for d in divisors]))


_OUTPUT, _INPUT = ("C", "OW", "OH"), ("C", "W", "H", "SH", "SW")


def _generic_path(x, pool_size):
    return len(pool_size) not in (1, 2) or not indexing.supported(x.dtype)


def max_pool_with_argmax(xp, x, pool_size, strides, pads):
    if _generic_path(x, pool_size):
        return _generic.max_pool_with_argmax(xp, x, pool_size, strides, pads)
    out = _generic.output_shape(x.shape, pool_size, strides, pads)
    values, idx = xp.empty(out, dtype=x.dtype), xp.empty(out, dtype=xp.int64)
    indexing.launch(_SOURCE, "nnspec_max_pool", x.dtype, values.size,
                    (xp.ascontiguousarray(x), values, idx) + _geometry(x.shape, pool_size, strides, pads, _OUTPUT),
                    (x.size,))
    return values, idx


def max_pool_scatter(xp, g, argmax, shape, pool_size, strides, pads):
    if _generic_path(g, pool_size):
        return _generic.max_pool_scatter(xp, g, argmax, shape, pool_size, strides, pads)
    dx = xp.empty(tuple(shape), dtype=g.dtype)
    indexing.launch(_SOURCE, "nnspec_max_pool_scatter", g.dtype, dx.size,
                    (xp.ascontiguousarray(g), xp.ascontiguousarray(argmax), dx)
                    + _geometry(shape, pool_size, strides, pads, _INPUT), (g.size,))
    return dx


def avg_pool(xp, x, pool_size, strides, pads):
    if _generic_path(x, pool_size):
        return _generic.avg_pool(xp, x, pool_size, strides, pads)
    y = xp.empty(_generic.output_shape(x.shape, pool_size, strides, pads), dtype=x.dtype)
    indexing.launch(_SOURCE, "nnspec_avg_pool", x.dtype, y.size,
                    (xp.ascontiguousarray(x), y) + _geometry(x.shape, pool_size, strides, pads, _OUTPUT), (x.size,))
    return y


def avg_pool_backward(xp, g, shape, pool_size, strides, pads):
    if _generic_path(g, pool_size):
        return _generic.avg_pool_backward(xp, g, shape, pool_size, strides, pads)
    dx = xp.empty(tuple(shape), dtype=g.dtype)
    indexing.launch(_SOURCE, "nnspec_avg_pool_backward", g.dtype, dx.size,
                    (xp.ascontiguousarray(g), dx) + _geometry(shape, pool_size, strides, pads, _INPUT), (g.size,))
    return dx


OVERRIDES = {
    "max_pool_with_argmax": max_pool_with_argmax,
    "max_pool_scatter": max_pool_scatter,
    "avg_pool": avg_pool,
    "avg_pool_backward": avg_pool_backward,
}
