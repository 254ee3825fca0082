"""Convolution on the GPU: im2col and col2im as CuPy ElementwiseKernels, the matmuls on cuBLAS.

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

The conformance suite with ``--impl=accel`` checks these kernels against the reference's goldens and
VJPs.
"""

import cupy
from nnspec.reference.kernels import conv as ref

_GEOMETRY = ("int32 h, int32 w, int32 c, int32 oh, int32 ow, int32 kh, int32 kw, "
             "int32 sh, int32 sw, int32 dh, int32 dw, int32 pt, int32 pl")

_im2col_kernel = cupy.ElementwiseKernel(
    "raw T x, " + _GEOMETRY, "T col",
    """
    // col is C-contiguous (N, OH, OW, KH, KW, C); i is its flat index
    ptrdiff_t r = i;
    const int ch = r % c; r /= c;
    const int tj = r % kw; r /= kw;
    const int ti = r % kh; r /= kh;
    const int b = r % ow; r /= ow;
    const int a = r % oh;
    const ptrdiff_t n = r / oh;
    const int y = a * sh + ti * dh - pt;   // padded row a*sh + ti*dh, minus the top padding
    const int z = b * sw + tj * dw - pl;   // padded column b*sw + tj*dw, minus the left padding
    col = (y >= 0 && y < h && z >= 0 && z < w) ? x[((n * h + y) * w + z) * c + ch] : (T)0;
    """,
    "nnspec_conv_im2col")

_col2im_kernel = cupy.ElementwiseKernel(
    "raw T col, " + _GEOMETRY, "T dx",
    """
    // dx is C-contiguous (N, H, W, C); i is its flat index; col is (N, OH, OW, KH, KW, C)
    ptrdiff_t r = i;
    const int ch = r % c; r /= c;
    const int z = r % w; r /= w;
    const int y = r % h;
    const ptrdiff_t n = r / h;
    T acc = 0;
    for (int ti = 0; ti < kh; ++ti) {
        const int ty = y + pt - ti * dh;   // = a * sh for the output row a whose tap ti reads row y
        if (ty < 0 || ty % sh != 0 || ty / sh >= oh) continue;
        const int a = ty / sh;
        for (int tj = 0; tj < kw; ++tj) {
            const int tz = z + pl - tj * dw;
            if (tz < 0 || tz % sw != 0 || tz / sw >= ow) continue;
            const int b = tz / sw;
            acc += col[((((n * oh + a) * ow + b) * kh + ti) * kw + tj) * c + ch];
        }
    }
    dx = acc;
    """,
    "nnspec_conv_col2im")


def im2col(xp, x, khw, strides, dilation, padding):
    """(N, OH, OW, kh, kw, C) columns of x with zero padding, contiguous (same values as ref.im2col)."""
    x = cupy.ascontiguousarray(x)
    n, h, w, c = x.shape
    (kh, kw), (sh, sw), (dh, dw) = khw, strides, dilation
    (pt, pb), (pl, pr) = padding
    oh, ow = ref.out_length(h + pt + pb, kh, sh, dh), ref.out_length(w + pl + pr, kw, sw, dw)
    cols = cupy.empty((n, oh, ow, kh, kw, c), dtype=x.dtype)
    if cols.size:
        _im2col_kernel(x, h, w, c, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl, cols)
    return cols


def col2im(xp, cols, hw, strides, dilation, padding):
    """The adjoint of im2col, gathered per input element (the sums of ref.backprop_input, in its tap order)."""
    cols = cupy.ascontiguousarray(cols)
    n, oh, ow, kh, kw, c = cols.shape
    (sh, sw), (dh, dw) = strides, dilation
    (pt, _), (pl, _) = padding
    out = cupy.empty((n, hw[0], hw[1], c), dtype=cols.dtype)
    if out.size:
        _col2im_kernel(cols, hw[0], hw[1], c, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl, out)
    return out


def conv2d(xp, x, k, strides=(1, 1), dilation=(1, 1), padding=((0, 0), (0, 0)), groups=1):
    return ref.forward(xp, x, k, strides, dilation, padding, groups, im2col=im2col, block_bytes=None)


def conv2d_backprop_input(xp, gy, k, input_hw, strides=(1, 1), dilation=(1, 1), padding=((0, 0), (0, 0)), groups=1):
    return col2im(xp, ref.column_grads(xp, gy, k, groups), input_hw, strides, dilation, padding)


def conv2d_backprop_filter(xp, x, gy, kernel_hw, strides=(1, 1), dilation=(1, 1), padding=((0, 0), (0, 0)),
                           groups=1):
    return ref.backprop_filter(xp, x, gy, kernel_hw, strides, dilation, padding, groups, im2col=im2col,
                               block_bytes=None)


OVERRIDES = {"conv2d": conv2d, "conv2d_backprop_input": conv2d_backprop_input,
             "conv2d_backprop_filter": conv2d_backprop_filter}
