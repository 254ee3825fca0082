"""Convolution on the GPU. Ungrouped float32/float64 convolutions run as implicit GEMMs (``conv_gemm``: no
im2col matrix in memory); grouped ones (depthwise, separable) as im2col and col2im CUDA kernels with the
matmuls on cuBLAS, described here.

The three kernels (``conv2d``, ``conv2d_backprop_input``, ``conv2d_backprop_filter``) are the
reference's (``nnspec.reference.kernels.conv``: the grouped matmuls via ``cupy.matmul``, i.e.
cuBLAS), with the two data movements replaced:

* im2col: one thread per column element (n, oh, ow, i, j, c) reads x[n, oh*sh + i*dh - top,
  ow*sw + j*dw - left, c], or 0 where that falls in the padding (bounds-checked: no padded copy of x).
  This is the reference's strided view of the padded input, index for index.
* col2im: one thread per input element (n, y, z, c) gathers, in kernel-tap order (i outer, j inner),
  the column entries that read it: the taps with y + top - i*dh = oh*sh for an output row
  0 <= oh < OH (and likewise for columns). No atomics: deterministic, and the same summation order
  as the reference's tap-by-tap accumulation.

Threads split their flat index with ``indexing``'s 32-bit multiply-shift quotients (64-bit indices for
arrays beyond its limit). Dtypes other than float32/float64 take the reference's path on CuPy. The
conformance suite with ``--impl=accel`` checks these kernels against the reference's goldens and VJPs.
"""

from nnspec.reference.kernels import conv as ref

from . import conv_gemm, indexing

_SOURCE = r"""
extern "C" __global__ void nnspec_im2col(long long total, const T* __restrict__ x, T* __restrict__ col,
        int h, int w, int c, int oh, int ow, int kh, int kw, int sh, int sw, int dh, int dw, int pt, int pl,
        unsigned c_m, unsigned c_s, unsigned kw_m, unsigned kw_s, unsigned kh_m, unsigned kh_s,
        unsigned ow_m, unsigned ow_s, unsigned oh_m, unsigned oh_s) {
    // col is C-contiguous (N, OH, OW, KH, KW, C); i is its flat index
    NNSPEC_FOR(i, total) {
        idx_t r = i, q;
        q = NNSPEC_QUOT(r, c); const idx_t ch = r - q * c; r = q;
        q = NNSPEC_QUOT(r, kw); const idx_t tj = r - q * kw; r = q;
        q = NNSPEC_QUOT(r, kh); const idx_t ti = r - q * kh; r = q;
        q = NNSPEC_QUOT(r, ow); const idx_t b = r - q * ow; r = q;
        q = NNSPEC_QUOT(r, oh); const idx_t a = r - q * oh; const idx_t n = q;
        const idx_t y = a * sh + ti * dh - pt;   // padded row a*sh + ti*dh, minus the top padding
        const idx_t z = b * sw + tj * dw - pl;   // padded column b*sw + tj*dw, minus the left padding
        col[i] = (y >= 0 && y < h && z >= 0 && z < w) ? x[((n * h + y) * w + z) * c + ch] : (T)0;
    }
}

extern "C" __global__ void nnspec_col2im(long long total, const T* __restrict__ col, T* __restrict__ dx,
        int h, int w, int c, int oh, int ow, int kh, int kw, int sh, int sw, int dh, int dw, int pt, int pl,
        unsigned c_m, unsigned c_s, unsigned w_m, unsigned w_s, unsigned h_m, unsigned h_s,
        unsigned sh_m, unsigned sh_s, unsigned sw_m, unsigned sw_s) {
    // dx is C-contiguous (N, H, W, C); i is its flat index; col is (N, OH, OW, KH, KW, C)
    NNSPEC_FOR(i, total) {
        idx_t r = i, q;
        q = NNSPEC_QUOT(r, c); const idx_t ch = r - q * c; r = q;
        q = NNSPEC_QUOT(r, w); const idx_t z = r - q * w; r = q;
        q = NNSPEC_QUOT(r, h); const idx_t y = r - q * h; const idx_t n = q;
        T acc = 0;
        for (idx_t ti = 0; ti < kh; ++ti) {
            const idx_t ty = y + pt - ti * dh;   // = a * sh for the output row a whose tap ti reads row y
            if (ty < 0) break;               // and for every later tap
            const idx_t a = NNSPEC_QUOT(ty, sh);
            if (a * sh != ty || a >= oh) continue;
            for (idx_t tj = 0; tj < kw; ++tj) {
                const idx_t tz = z + pl - tj * dw;
                if (tz < 0) break;
                const idx_t b = NNSPEC_QUOT(tz, sw);
                if (b * sw != tz || b >= ow) continue;
                acc += col[((((n * oh + a) * ow + b) * kh + ti) * kw + tj) * c + ch];
            }
        }
        dx[i] = acc;
    }
}
"""


def _geometry(hw, c, ohw, khw, strides, dilation, padding):
    (pt, _), (pl, _) = padding
    return indexing.ints(hw[0], hw[1], c, ohw[0], ohw[1], khw[0], khw[1], *strides, *dilation, pt, pl)


def im2col(xp, x, khw, strides, dilation, padding):
    """(N, OH, OW, kh, kw, C) columns of x with zero padding, contiguous (same values as ref.im2col)."""
    if not indexing.supported(x.dtype):
        return xp.ascontiguousarray(ref.im2col(xp, x, khw, strides, dilation, padding))
    x = xp.ascontiguousarray(x)
    n, h, w, c = x.shape
    (pt, pb), (pl, pr) = padding
    ohw = (ref.out_length(h + pt + pb, khw[0], strides[0], dilation[0]),
           ref.out_length(w + pl + pr, khw[1], strides[1], dilation[1]))
    cols = xp.empty((n, *ohw, *khw, c), dtype=x.dtype)
    indexing.launch(_SOURCE, "nnspec_im2col", x.dtype, cols.size,
                    (x, cols) + _geometry((h, w), c, ohw, khw, strides, dilation, padding)
                    + indexing.divisors(c, khw[1], khw[0], ohw[1], ohw[0]), (x.size,))
    return cols


def col2im(xp, cols, hw, strides, dilation, padding):
    """The adjoint of im2col, gathered per input element (the sums of ref.backprop_input, in its tap order)."""
    cols = xp.ascontiguousarray(cols)
    n, oh, ow, kh, kw, c = cols.shape
    out = xp.empty((n, hw[0], hw[1], c), dtype=cols.dtype)
    indexing.launch(_SOURCE, "nnspec_col2im", cols.dtype, out.size,
                    (cols, out) + _geometry(hw, c, (oh, ow), (kh, kw), strides, dilation, padding)
                    + indexing.divisors(c, hw[1], hw[0], *strides), (cols.size,))
    return out


# Ungrouped convolutions of one float dtype as implicit GEMMs; False: im2col + cuBLAS for all (the algorithm
# comparison in benchmarks/conv_algorithms.py sets it)
IMPLICIT_GEMM = True


def _implicit(a, b, groups):
    return IMPLICIT_GEMM and groups == 1 and a.dtype == b.dtype and indexing.supported(a.dtype)


def conv2d(xp, x, k, strides=(1, 1), dilation=(1, 1), padding=((0, 0), (0, 0)), groups=1):
    if _implicit(x, k, groups):
        return conv_gemm.conv2d(xp, x, k, strides, dilation, padding)
    return ref.forward(xp, x, k, strides, dilation, padding, groups, im2col=im2col, block_bytes=None)


def conv2d_backprop_input(xp, gy, k, input_hw, strides=(1, 1), dilation=(1, 1), padding=((0, 0), (0, 0)), groups=1):
    if _implicit(gy, k, groups):
        return conv_gemm.backprop_input(xp, gy, k, input_hw, strides, dilation, padding)
    if not indexing.supported(xp.result_type(gy, k)):
        return ref.backprop_input(xp, gy, k, input_hw, strides, dilation, padding, groups)
    return col2im(xp, ref.column_grads(xp, gy, k, groups), input_hw, strides, dilation, padding)


def conv2d_backprop_filter(xp, x, gy, kernel_hw, strides=(1, 1), dilation=(1, 1), padding=((0, 0), (0, 0)),
                           groups=1):
    if _implicit(x, gy, groups):
        return conv_gemm.backprop_filter(xp, x, gy, kernel_hw, strides, dilation, padding)
    return ref.backprop_filter(xp, x, gy, kernel_hw, strides, dilation, padding, groups, im2col=im2col,
                               block_bytes=None)


OVERRIDES = {"conv2d": conv2d, "conv2d_backprop_input": conv2d_backprop_input,
             "conv2d_backprop_filter": conv2d_backprop_filter}
