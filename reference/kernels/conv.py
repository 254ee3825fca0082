"""Convolution kernels: im2col by strided views + one matmul; the input adjoint tap by tap.

Layout (TensorFlow's, which Keras 2.2.4 uses): images NHWC, kernels (kh, kw, in/groups, out).
Every kernel takes explicit attributes, resolved by ``nnspec.reference.ops.conv``:

* ``strides`` (sh, sw), ``dilation`` (dh, dw);
* ``padding`` ((top, bottom), (left, right)): zeros added around the input (Keras' 'same' and
  'causal' are turned into numbers by the ops);
* ``groups``: input and output channels split into ``groups`` equal blocks, block g of the output
  seeing only block g of the input (depthwise convolution is groups == in channels).

With the input padded to (Hp, Wp), output pixel (oh, ow) reads padded pixel
(oh * sh + i * dh, ow * sw + j * dw) at kernel tap (i, j); OH = (Hp - dh * (kh - 1) - 1) // sh + 1.

``conv2d`` computes y[n, oh, ow, o] = sum_{i, j, c} xpad[n, oh*sh + i*dh, ow*sw + j*dw, c] k[i, j, c, o]
(within a group). ``conv2d_backprop_input`` is its exact adjoint in x (col2im: every tap adds
gy @ k[i, j]^T back to the pixels it read) and
``conv2d_backprop_filter`` its adjoint in k. Readable loops run over the kh * kw kernel taps only,
never over batch items or pixels.
"""

from . import kernel


def out_length(padded, k, stride, dilation):
    """Output length of a convolution over an already padded input of length ``padded``."""
    return (padded - dilation * (k - 1) - 1) // stride + 1


def _padded_hw(hw, padding):
    return hw[0] + padding[0][0] + padding[0][1], hw[1] + padding[1][0] + padding[1][1]


def _out_hw(hw, khw, strides, dilation, padding):
    hp, wp = _padded_hw(hw, padding)
    return out_length(hp, khw[0], strides[0], dilation[0]), out_length(wp, khw[1], strides[1], dilation[1])


def im2col(xp, x, khw, strides, dilation, padding):
    """The (N, OH, OW, kh, kw, C) windows of the zero-padded x, as a strided view (no copy but the pad).

    cols[n, oh, ow, i, j, c] = xpad[n, oh*sh + i*dh, ow*sw + j*dw, c].
    """
    (pt, pb), (pl, pr) = padding
    if pt or pb or pl or pr:
        x = xp.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    x = xp.ascontiguousarray(x)
    n, hp, wp, c = x.shape
    kh, kw = khw
    (sh, sw), (dh, dw) = strides, dilation
    oh, ow = out_length(hp, kh, sh, dh), out_length(wp, kw, sw, dw)
    s_n, s_h, s_w, s_c = x.strides
    return xp.lib.stride_tricks.as_strided(
        x, shape=(n, oh, ow, kh, kw, c), strides=(s_n, s_h * sh, s_w * sw, s_h * dh, s_w * dw, s_c))


def _tap_window(i, j, ohw, strides, dilation):
    """Index of the padded-image pixels that kernel tap (i, j) reads, one per output pixel."""
    (sh, sw), (dh, dw) = strides, dilation
    return (slice(None), slice(i * dh, i * dh + sh * (ohw[0] - 1) + 1, sh),
            slice(j * dw, j * dw + sw * (ohw[1] - 1) + 1, sw), slice(None))


def _unpadded(x, hw, padding):
    (pt, _), (pl, _) = padding
    return x[:, pt:pt + hw[0], pl:pl + hw[1], :]


# -- the matmuls, grouped: one (batched over groups) BLAS call each -------------------------------------

def _cols_by_group(cols, groups):
    """(N, OH, OW, kh, kw, C) -> (G, N*OH*OW, kh*kw*C/G): the im2col matrix of each group (one copy, none for
    contiguous columns of one group)."""
    n, oh, ow, kh, kw, c = cols.shape
    cg = c // groups
    if cg == 1 and not (groups == 1 and cols.flags.c_contiguous):
        # One channel per group (a grayscale input, a depthwise convolution): copied tap-major, so that the
        # copy runs along output rows rather than over the kw taps of one pixel (2x faster), and handed over
        # transposed (BLAS reads either layout). One group's columns already contiguous (accel's im2col output)
        # are handed over as they are, without that extra pass.
        return cols.transpose(5, 3, 4, 0, 1, 2).reshape(groups, kh * kw, n * oh * ow).transpose(0, 2, 1)
    m = cols.reshape(n * oh * ow, kh * kw, groups, cg)
    return m.transpose(2, 0, 1, 3).reshape(groups, n * oh * ow, kh * kw * cg)


def _kernel_by_group(k, groups):
    """(kh, kw, C/G, O) -> (G, kh*kw*C/G, O/G)."""
    kh, kw, cg, o = k.shape
    m = k.reshape(kh * kw, cg, groups, o // groups)
    return m.transpose(2, 0, 1, 3).reshape(groups, kh * kw * cg, o // groups)


def _rows_by_group(y, groups):
    """(N, OH, OW, O) -> (G, N*OH*OW, O/G)."""
    n, oh, ow, o = y.shape
    return y.reshape(n * oh * ow, groups, o // groups).transpose(1, 0, 2)


def _rows_from_group(m, shape):
    """(G, N*OH*OW, O/G) -> (N, OH, OW, O): output channel g * O/G + q."""
    return m.transpose(1, 0, 2).reshape(shape)


# im2col rows are copied and multiplied a block at a time: the block is still in cache when its matmul
# reads it, and no (N*OH*OW, kh*kw*C) copy is made (on the CPU its fresh memory cost more than its matmul).
BLOCK_BYTES = 2 << 20


def _blocks(cols, block_bytes):
    """Indices covering the (N, OH, OW) rows of ``cols`` in blocks of about ``block_bytes`` of columns: runs
    of whole batch items, or runs of output rows of one item; ``block_bytes`` None: one block."""
    n, oh, ow = cols.shape[:3]
    if block_bytes is None or cols.size == 0:
        return [(slice(None),)]
    rows = max(1, block_bytes // (cols[:1, :1, :1].size * cols.itemsize))
    if rows >= oh * ow:
        per = rows // (oh * ow)
        return [(slice(s, s + per),) for s in range(0, n, per)]
    per = max(1, rows // ow)
    return [(slice(b, b + 1), slice(s, s + per)) for b in range(n) for s in range(0, oh, per)]


def forward(xp, x, k, strides, dilation, padding, groups, im2col=im2col, block_bytes=BLOCK_BYTES):
    cols = im2col(xp, x, k.shape[:2], strides, dilation, padding)
    km = _kernel_by_group(k, groups)
    y = xp.empty(cols.shape[:3] + (k.shape[3],), dtype=xp.result_type(cols.dtype, k.dtype))
    for b in _blocks(cols, block_bytes):
        m = _cols_by_group(cols[b], groups)
        if groups == 1:  # straight into y
            xp.matmul(m, km, out=y[b].reshape(m.shape[:2] + km.shape[2:]))
        else:
            y[b] = _rows_from_group(xp.matmul(m, km), y[b].shape)
    return y


def column_grads(xp, gy, k, groups):
    """The gradient of every im2col column, (N, OH, OW, kh, kw, C): one matmul (accel's col2im sums it)."""
    n, oh, ow, o = gy.shape
    kh, kw, cg, _ = k.shape
    # (G, M, O/G) @ (G, O/G, kh*kw*C/G) -> (G, M, kh*kw*C/G)
    dcols = xp.matmul(_rows_by_group(gy, groups), _kernel_by_group(k, groups).transpose(0, 2, 1))
    dcols = dcols.reshape(groups, n, oh, ow, kh, kw, cg).transpose(1, 2, 3, 4, 5, 0, 6)
    return dcols.reshape(n, oh, ow, kh, kw, groups * cg)


def backprop_input(xp, gy, k, input_hw, strides, dilation, padding, groups, block_bytes=BLOCK_BYTES):
    """col2im of the column gradients, tap by tap: kernel tap (i, j) adds gy @ k[i, j]^T to the padded pixels
    it read (tap order i outer, j inner), then the padding is cut away (it received the gradient of the zeros).

    One (rows, C) product at a time instead of all columns at once, over runs of batch items whose products
    take about half of ``block_bytes``: each stays in cache while it is added.
    """
    n, oh, ow, _ = gy.shape
    kh, kw, cg, _ = k.shape
    c = groups * cg
    out = xp.zeros((n,) + _padded_hw(input_hw, padding) + (c,), dtype=gy.dtype)
    taps = [(i, j, _kernel_by_group(k[i:i + 1, j:j + 1], groups).transpose(0, 2, 1))
            for i in range(kh) for j in range(kw)]
    per = n if block_bytes is None else max(1, block_bytes // 2 // max(1, oh * ow * c * out.itemsize))
    for start in range(0, n, per):
        rows, block = _rows_by_group(gy[start:start + per], groups), out[start:start + per]
        for i, j, tap in taps:
            block[_tap_window(i, j, (oh, ow), strides, dilation)] += _rows_from_group(
                xp.matmul(rows, tap), (block.shape[0], oh, ow, c))
    return _unpadded(out, input_hw, padding)


def backprop_filter(xp, x, gy, kernel_hw, strides, dilation, padding, groups, im2col=im2col,
                    block_bytes=BLOCK_BYTES):
    cols = im2col(xp, x, kernel_hw, strides, dilation, padding)
    kh, kw = kernel_hw
    cg, o = x.shape[3] // groups, gy.shape[3]
    gk = None
    for b in _blocks(cols, block_bytes):
        # (G, kh*kw*C/G, M) @ (G, M, O/G) -> (G, kh*kw*C/G, O/G), summed over the blocks; one group as a 2-D
        # product, whose transposed operand CuPy hands to cuBLAS as it is (a stacked one it copies first)
        cols_g, rows_g = _cols_by_group(cols[b], groups), _rows_by_group(gy[b], groups)
        part = (xp.matmul(cols_g[0].T, rows_g[0])[None] if groups == 1
                else xp.matmul(cols_g.transpose(0, 2, 1), rows_g))
        gk = part if gk is None else xp.add(gk, part, out=gk)
    return gk.reshape(groups, kh * kw, cg, o // groups).transpose(1, 2, 0, 3).reshape(kh, kw, cg, o)


def check_shapes(x_shape, k_shape, groups, what):
    """Channel counts of an NHWC input against a (kh, kw, in/groups, out) kernel."""
    if len(x_shape) != 4 or len(k_shape) != 4:
        raise ValueError(f"{what}: expected a 4-D input and a 4-D kernel, got shapes {tuple(x_shape)} "
                         f"and {tuple(k_shape)}")
    c, o = x_shape[3], k_shape[3]
    if groups < 1 or c % groups or o % groups:
        raise ValueError(f"{what}: {c} input and {o} output channels cannot be split into {groups} groups")
    if k_shape[2] * groups != c:
        raise ValueError(f"{what}: the kernel {tuple(k_shape)} expects {k_shape[2] * groups} input channels, "
                         f"the input has {c} (shape {tuple(x_shape)})")


@kernel("conv2d")
def conv2d(xp, x, k, strides=(1, 1), dilation=(1, 1), padding=((0, 0), (0, 0)), groups=1):
    """y (N, OH, OW, O) = correlation of the padded x (N, H, W, C) with k (kh, kw, C/groups, O)."""
    return forward(xp, x, k, strides, dilation, padding, groups)


@kernel("conv2d_backprop_input")
def conv2d_backprop_input(xp, gy, k, input_hw, strides=(1, 1), dilation=(1, 1), padding=((0, 0), (0, 0)), groups=1):
    """The adjoint of conv2d in x: (N, OH, OW, O) -> (N, H, W, C); also the transposed convolution."""
    return backprop_input(xp, gy, k, input_hw, strides, dilation, padding, groups)


@kernel("conv2d_backprop_filter")
def conv2d_backprop_filter(xp, x, gy, kernel_hw, strides=(1, 1), dilation=(1, 1), padding=((0, 0), (0, 0)),
                           groups=1):
    """The adjoint of conv2d in k: sum over n, oh, ow of window(x) outer gy -> (kh, kw, C/groups, O)."""
    return backprop_filter(xp, x, gy, kernel_hw, strides, dilation, padding, groups)
