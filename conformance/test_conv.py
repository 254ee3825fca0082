"""Convolution beyond the tables: output-size rules over random configurations, adjoint identities,
hand-computed values that pin Keras 2.2.4 / TensorFlow's padding and layout rules, errors, data
formats, regularizers / constraints / initializers, and the WGAN-GP double backward.

Every expected value here is written out by hand or computed from the formula in the test, never by
running the implementation twice.
"""

import math

import numpy as np
import pytest
from harness.tolerances import FD
from hypothesis import assume, given
from hypothesis import strategies as st


@pytest.fixture
def floatx64(nn):
    nn.backend.set_floatx("float64")
    yield
    nn.backend.set_floatx("float32")


def _c(nn, a):
    return nn.constant(np.asarray(a, dtype=np.float64))


# -- output sizes: the formulas, written here ---------------------------------------------------------

def conv_len(n, k, padding, s, d):
    """Keras conv_output_length: valid floor((n - k') / s) + 1, same / causal ceil(n / s); k' = (k - 1) d + 1."""
    keff = (k - 1) * d + 1
    return math.ceil(n / s) if padding in ("same", "causal") else (n - keff) // s + 1


def deconv_len(n, k, padding, s, d, op):
    """Keras deconv_length."""
    keff = (k - 1) * d + 1
    if op is None:
        return n * s + max(keff - s, 0) if padding == "valid" else n * s
    return (n - 1) * s + keff - 2 * (keff // 2 if padding == "same" else 0) + op


@st.composite
def geometry(draw, rank):
    kernel = tuple(draw(st.integers(1, 4)) for _ in range(rank))
    strides = tuple(draw(st.integers(1, 3)) for _ in range(rank))
    dilation = (1,) * rank if any(s > 1 for s in strides) else tuple(draw(st.integers(1, 3)) for _ in range(rank))
    sizes = tuple(draw(st.integers(1, 9)) for _ in range(rank))
    return sizes, kernel, strides, dilation


@given(g=geometry(2), padding=st.sampled_from(["valid", "same"]), c=st.integers(1, 3), f=st.integers(1, 3),
       kind=st.sampled_from(["Conv2D", "DepthwiseConv2D", "SeparableConv2D"]), dm=st.integers(1, 2))
def test_conv2d_family_output_shapes(nn, g, padding, c, f, kind, dm):
    (h, w), kernel, strides, dilation = g
    want_hw = tuple(conv_len(n, k, padding, s, d) for n, k, s, d in zip((h, w), kernel, strides, dilation))
    L = nn.layers
    if kind == "Conv2D":
        layer, out_c = L.Conv2D(f, kernel, strides=strides, padding=padding, dilation_rate=dilation), f
    elif kind == "DepthwiseConv2D":
        layer, out_c = L.DepthwiseConv2D(kernel, strides=strides, padding=padding, depth_multiplier=dm,
                                         dilation_rate=dilation), c * dm
    else:
        layer, out_c = L.SeparableConv2D(f, kernel, strides=strides, padding=padding, depth_multiplier=dm,
                                         dilation_rate=dilation), f
    if min(want_hw) < 1:
        with pytest.raises(ValueError, match="negative dimension size"):
            layer.compute_output_shape((None, h, w, c))
        return
    want = (None,) + want_hw + (out_c,)
    assert layer.compute_output_shape((None, h, w, c)) == want
    y = layer(np.random.default_rng(0).uniform(-1, 1, (2, h, w, c)).astype(np.float32))
    assert y.shape == (2,) + want[1:]


@given(g=geometry(1), padding=st.sampled_from(["valid", "same", "causal"]), c=st.integers(1, 3), f=st.integers(1, 3),
       separable=st.booleans())
def test_conv1d_output_shapes(nn, g, padding, c, f, separable):
    assume(not (separable and padding == "causal"))
    (n,), (k,), (s,), (d,) = g
    want_n = conv_len(n, k, padding, s, d)
    cls = nn.layers.SeparableConv1D if separable else nn.layers.Conv1D
    layer = cls(f, k, strides=s, padding=padding, dilation_rate=d)
    if want_n < 1:
        with pytest.raises(ValueError, match="negative dimension size"):
            layer.compute_output_shape((None, n, c))
        return
    assert layer.compute_output_shape((None, n, c)) == (None, want_n, f)
    assert layer.compute_output_shape((None, None, c)) == (None, None, f)
    assert layer(np.ones((2, n, c), np.float32)).shape == (2, want_n, f)


@given(g=geometry(2), padding=st.sampled_from(["valid", "same"]), c=st.integers(1, 3), f=st.integers(1, 3),
       data=st.data())
def test_conv2d_transpose_output_shapes(nn, g, padding, c, f, data):
    (h, w), kernel, strides, dilation = g
    op = data.draw(st.none() | st.tuples(*(st.integers(0, s - 1) for s in strides)), label="output_padding")
    layer = nn.layers.Conv2DTranspose(f, kernel, strides=strides, padding=padding, output_padding=op,
                                      dilation_rate=dilation)
    want_hw = tuple(deconv_len(n, k, padding, s, d, None if op is None else op[i])
                    for i, (n, k, s, d) in enumerate(zip((h, w), kernel, strides, dilation)))
    # TensorFlow accepts an output size only if the forward convolution of it gives the input size back
    if any(m < 1 or conv_len(m, k, padding, s, d) != n
           for m, n, k, s, d in zip(want_hw, (h, w), kernel, strides, dilation)):
        with pytest.raises(ValueError, match="does not convolve back"):
            layer.compute_output_shape((None, h, w, c))
        return
    assert layer.compute_output_shape((None, h, w, c)) == (None,) + want_hw + (f,)
    y = layer(np.random.default_rng(1).uniform(-1, 1, (2, h, w, c)).astype(np.float32))
    assert y.shape == (2,) + want_hw + (f,)


# -- adjoints: <conv(x), y> = <x, conv_transpose(y)> = <k, backprop_filter(x, y)> ----------------------

@given(g=geometry(2), data=st.data())
def test_adjoint_identities(nn, g, data):
    (h, w), kernel, strides, dilation = g
    groups = data.draw(st.integers(1, 2), label="groups")
    cg, og = data.draw(st.integers(1, 2), label="in/group"), data.draw(st.integers(1, 2), label="out/group")
    padding = data.draw(st.sampled_from(["valid", "same"]) | st.tuples(
        st.tuples(st.integers(0, 2), st.integers(0, 2)), st.tuples(st.integers(0, 2), st.integers(0, 2))),
        label="padding")
    if isinstance(padding, str):
        out = [conv_len(n, k, padding, s, d) for n, k, s, d in zip((h, w), kernel, strides, dilation)]
    else:
        out = [(n + p[0] + p[1] - (k - 1) * d - 1) // s + 1 for n, k, s, d, p in zip((h, w), kernel, strides,
                                                                                     dilation, padding)]
    assume(min(out) >= 1)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16), label="seed"))
    x = rng.standard_normal((2, h, w, groups * cg))
    k = rng.standard_normal(kernel + (cg, groups * og))
    y = rng.standard_normal((2, out[0], out[1], groups * og))
    o = nn.ops
    conv = o.conv2d(_c(nn, x), _c(nn, k), strides, padding, dilation_rate=dilation, groups=groups).numpy()
    assert conv.shape == y.shape
    bi = o.conv2d_backprop_input(_c(nn, y), _c(nn, k), x.shape, strides, padding, dilation, groups).numpy()
    bf = o.conv2d_backprop_filter(_c(nn, x), _c(nn, y), k.shape, strides, padding, dilation, groups).numpy()
    assert bi.shape == x.shape and bf.shape == k.shape
    scale = np.sum(np.abs(conv * y)) + 1.0
    lhs = np.sum(conv * y)
    assert abs(lhs - np.sum(x * bi)) <= 1e-12 * scale
    assert abs(lhs - np.sum(k * bf)) <= 1e-12 * scale
    if groups == 1 and isinstance(padding, str):  # Keras' K.conv2d_transpose is the same adjoint
        tr = o.conv2d_transpose(_c(nn, y), _c(nn, k), x.shape, strides, padding, dilation_rate=dilation).numpy()
        assert abs(lhs - np.sum(x * tr)) <= 1e-12 * scale


def _direct_conv2d(x, k, strides, padding, dilation, groups):
    """The defining sum, tap by tap in float64: y[n, a, b, g*O/G + q] = sum_{i, j, c} xpad[n, a*sh + i*dh,
    b*sw + j*dw, g*C/G + c] k[i, j, c, g*O/G + q]."""
    (sh, sw), (dh, dw) = strides, dilation
    xp_ = np.pad(x, ((0, 0),) + tuple(padding) + ((0, 0),))
    kh, kw, cg, o = k.shape
    oh = (xp_.shape[1] - (kh - 1) * dh - 1) // sh + 1
    ow = (xp_.shape[2] - (kw - 1) * dw - 1) // sw + 1
    y = np.zeros((x.shape[0], oh, ow, o))
    og = o // groups
    for i in range(kh):
        for j in range(kw):
            win = xp_[:, i * dh:i * dh + (oh - 1) * sh + 1:sh, j * dw:j * dw + (ow - 1) * sw + 1:sw, :]
            for g in range(groups):
                y[..., g * og:(g + 1) * og] += win[..., g * cg:(g + 1) * cg] @ k[i, j, :, g * og:(g + 1) * og]
    return y


@pytest.mark.parametrize("x_shape,kernel,filters,strides,padding,dilation,groups", [
    ((6, 40, 40, 16), (3, 3), 24, (1, 1), ((0, 0), (0, 0)), (1, 1), 1),
    ((2, 70, 66, 32), (3, 3), 16, (2, 1), ((1, 1), (0, 1)), (1, 1), 2),
    ((3, 45, 50, 24), (3, 2), 12, (1, 1), ((1, 2), (0, 1)), (2, 3), 3),
    ((40, 12, 12, 8), (5, 5), 8, (1, 1), ((2, 2), (2, 2)), (1, 1), 1),
])
def test_large_convolutions_match_the_defining_sum(nn, x_shape, kernel, filters, strides, padding, dilation, groups):
    """Inputs of megabytes, so an implementation that works through the im2col rows in blocks (the reference:
    about 2 MiB of columns at a time, whole batch items or runs of output rows) crosses block boundaries:
    the forward against the defining sum written above, the two adjoints by their identities."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal(x_shape)
    k = rng.standard_normal(kernel + (x_shape[3] // groups, filters))
    want = _direct_conv2d(x, k, strides, padding, dilation, groups)
    o = nn.ops
    got = o.conv2d(_c(nn, x), _c(nn, k), strides, padding, dilation_rate=dilation, groups=groups).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-11)
    gy = rng.standard_normal(want.shape)
    bi = o.conv2d_backprop_input(_c(nn, gy), _c(nn, k), x.shape, strides, padding, dilation, groups).numpy()
    bf = o.conv2d_backprop_filter(_c(nn, x), _c(nn, gy), k.shape, strides, padding, dilation, groups).numpy()
    lhs = np.sum(want * gy)
    scale = np.sum(np.abs(want * gy))
    assert abs(lhs - np.sum(x * bi)) <= 1e-12 * scale
    assert abs(lhs - np.sum(k * bf)) <= 1e-12 * scale
    # the adjoint in k, entry by entry: d<conv(x, k), gy>/dk[i, j, c, o] is linear in k's unit vectors
    unit = np.zeros_like(k)
    unit[kernel[0] - 1, 0, 0, filters - 1] = 1.0
    assert abs(np.sum(_direct_conv2d(x, unit, strides, padding, dilation, groups) * gy)
               - bf[kernel[0] - 1, 0, 0, filters - 1]) <= 1e-11 * scale
    pixel = np.zeros_like(x)  # and in x, at a pixel of the last batch item
    pixel[-1, x_shape[1] // 2, -1, -1] = 1.0
    assert abs(np.sum(_direct_conv2d(pixel, k, strides, padding, dilation, groups) * gy)
               - bi[-1, x_shape[1] // 2, -1, -1]) <= 1e-11 * scale


# -- hand-computed values ---------------------------------------------------------------------------------

def test_same_padding_even_kernel_pads_at_the_end(nn):
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    y = nn.ops.conv2d(_c(nn, x), _c(nn, np.ones((2, 2, 1, 1))), padding="same").numpy()[0, :, :, 0]
    np.testing.assert_array_equal(y, [[10, 14, 18, 10], [26, 30, 34, 18], [42, 46, 50, 26], [25, 27, 29, 15]])


@pytest.mark.parametrize("x, want", [([1, 2, 3, 4, 5, 6], [321, 543, 65]),   # total pad 1: (0, 1)
                                     ([1, 2, 3, 4, 5], [210, 432, 54])])     # total pad 2: (1, 1)
def test_same_padding_with_strides(nn, x, want):
    k = np.array([1.0, 10.0, 100.0]).reshape(3, 1, 1)
    y = nn.ops.conv1d(_c(nn, np.reshape(x, (1, -1, 1))), _c(nn, k), strides=2, padding="same").numpy()
    np.testing.assert_array_equal(y.ravel(), want)


@pytest.mark.parametrize("dilation, want", [(1, [10, 21, 32, 43]), (2, [10, 20, 31, 42])])
def test_causal_padding(nn, dilation, want):
    layer = nn.layers.Conv1D(1, 2, padding="causal", dilation_rate=dilation, use_bias=False)
    layer.build((None, 4, 1))
    layer.set_weights([np.array([1.0, 10.0]).reshape(2, 1, 1)])
    y = layer(np.array([1.0, 2.0, 3.0, 4.0], np.float32).reshape(1, 4, 1)).numpy()
    np.testing.assert_array_equal(y.ravel(), want)


def test_dilation_skips_inputs(nn):
    y = nn.ops.conv1d(_c(nn, np.arange(1.0, 6.0).reshape(1, 5, 1)), _c(nn, np.array([1.0, 10.0]).reshape(2, 1, 1)),
                      dilation_rate=2).numpy()
    np.testing.assert_array_equal(y.ravel(), [31, 42, 53])


def test_conv_is_cross_correlation_with_kernel_in_out_layout(nn):
    # x one pixel with channels [1, 2]; kernel (1, 1, in=2, out=3): y = x @ k, no flip, no transpose
    k = np.array([[1.0, 10.0, 100.0], [1000.0, 10000.0, 100000.0]]).reshape(1, 1, 2, 3)
    y = nn.ops.conv2d(_c(nn, [[[[1.0, 2.0]]]]), _c(nn, k)).numpy()
    np.testing.assert_array_equal(y.ravel(), [2001, 20010, 200100])
    # a 2x2 kernel on a 2x2 image: sum x[i, j] k[i, j], no flip
    y = nn.ops.conv2d(_c(nn, np.array([1.0, 2, 3, 4]).reshape(1, 2, 2, 1)),
                      _c(nn, np.array([1.0, 10, 100, 1000]).reshape(2, 2, 1, 1))).numpy()
    assert y.ravel().tolist() == [4321.0]


def test_conv2d_transpose_scatters_without_flipping(nn):
    x = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)
    k = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(2, 2, 1, 1)
    layer = nn.layers.Conv2DTranspose(1, 2, strides=2, use_bias=False)
    layer.build((None, 2, 2, 1))
    layer.set_weights([k])
    y = layer(x.astype(np.float32)).numpy()[0, :, :, 0]
    np.testing.assert_array_equal(y, [[1, 2, 2, 4], [3, 4, 6, 8], [3, 6, 4, 8], [9, 12, 12, 16]])


@pytest.mark.parametrize("output_padding", [None, (0, 1)])
def test_conv2d_transpose_same_crops_with_tensorflows_padding(nn, output_padding):
    # full transposed output of [1, 2] with [1, 10, 100], stride 2: [1, 10, 102, 20, 200];
    # the forward 'same' convolution of length 4 pads (0, 1), so the output is the first 4 entries
    # (Keras' docstring formula would suggest a symmetric crop, [10, 102, 20, 200]; PyTorch's padding=1 too)
    layer = nn.layers.Conv2DTranspose(1, (1, 3), strides=(1, 2), padding="same", output_padding=output_padding,
                                      use_bias=False)
    layer.build((None, 1, 2, 1))
    layer.set_weights([np.array([1.0, 10.0, 100.0]).reshape(1, 3, 1, 1)])
    y = layer(np.array([1.0, 2.0], np.float32).reshape(1, 1, 2, 1)).numpy()
    np.testing.assert_array_equal(y.ravel(), [1, 10, 102, 20])


def test_conv2d_transpose_valid_output_padding_extends_with_zeros(nn):
    layer = nn.layers.Conv2DTranspose(1, (1, 3), strides=(1, 2), output_padding=(0, 1), use_bias=False)
    layer.build((None, 1, 2, 1))
    layer.set_weights([np.array([1.0, 10.0, 100.0]).reshape(1, 3, 1, 1)])
    y = layer(np.array([1.0, 2.0], np.float32).reshape(1, 1, 2, 1)).numpy()
    np.testing.assert_array_equal(y.ravel(), [1, 10, 102, 20, 200, 0])


def test_depthwise_channel_order_and_separable(nn):
    x = np.array([1.0, 2.0]).reshape(1, 1, 1, 2)
    dk = np.array([[10.0, 20.0], [30.0, 40.0]]).reshape(1, 1, 2, 2)   # [c, j]
    y = nn.ops.depthwise_conv2d(_c(nn, x), _c(nn, dk)).numpy()
    np.testing.assert_array_equal(y.ravel(), [10, 20, 60, 80])        # channel c * 2 + j
    pk = np.array([1.0, 2.0, 3.0, 4.0]).reshape(1, 1, 4, 1)
    y = nn.ops.separable_conv2d(_c(nn, x), _c(nn, dk), _c(nn, pk)).numpy()
    assert y.ravel().tolist() == [10 + 40 + 180 + 320]


def test_unread_rows_get_zero_gradient(nn):
    # valid, stride 2, kernel 1: of 4 rows only rows 0 and 2 are read
    x = nn.Variable(np.ones((1, 4, 1, 1)))
    with nn.GradientTape() as tape:
        y = nn.ops.sum(nn.ops.conv2d(x, _c(nn, np.full((1, 1, 1, 1), 3.0)), strides=2))
    g = tape.gradient(y, x).numpy().ravel()
    np.testing.assert_array_equal(g, [3, 0, 3, 0])


# -- data formats ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("make, shape", [
    (lambda L, f: L.Conv2D(3, (2, 3), strides=(2, 1), padding="same", data_format=f), (2, 5, 6, 2)),
    (lambda L, f: L.Conv1D(3, 3, data_format=f), (2, 7, 2)),
    (lambda L, f: L.SeparableConv2D(2, 3, depth_multiplier=2, data_format=f), (1, 5, 4, 3)),
    (lambda L, f: L.DepthwiseConv2D(2, data_format=f), (1, 4, 4, 2)),
    (lambda L, f: L.Conv2DTranspose(2, 3, strides=2, padding="same", data_format=f), (1, 3, 2, 2)),
], ids=["Conv2D", "Conv1D", "SeparableConv2D", "DepthwiseConv2D", "Conv2DTranspose"])
def test_channels_first_is_channels_last_transposed(nn, make, shape, floatx64):
    last = make(nn.layers, "channels_last")
    first = make(nn.layers, "channels_first")
    to_first = (0, len(shape) - 1) + tuple(range(1, len(shape) - 1))
    shape_first = tuple(shape[i] for i in to_first)
    last.build((None,) + shape[1:])
    first.build((None,) + shape_first[1:])
    rng = np.random.default_rng(0)
    weights = [rng.uniform(-1, 1, w.shape) for w in last.weights]
    assert [w.shape for w in first.weights] == [w.shape for w in last.weights]  # one kernel layout for both
    last.set_weights(weights)
    first.set_weights(weights)
    x = rng.uniform(-1, 1, shape)
    y_last = last(x).numpy()
    y_first = first(np.transpose(x, to_first)).numpy()
    np.testing.assert_allclose(y_first, np.transpose(y_last, to_first), rtol=1e-12, atol=1e-12)
    assert first.compute_output_shape((None,) + shape_first[1:]) == (None,) + y_first.shape[1:]


def test_default_data_format_follows_image_data_format(nn):
    assert nn.layers.Conv2D(1, 1).data_format == "channels_last"
    nn.backend.set_image_data_format("channels_first")
    try:
        assert nn.layers.Conv2D(1, 1).data_format == "channels_first"
        assert nn.layers.Conv1D(1, 1).data_format == "channels_last"  # Conv1D's default is explicit in Keras
    finally:
        nn.backend.set_image_data_format("channels_last")


# -- errors ------------------------------------------------------------------------------------------------

def test_strides_with_dilation_is_an_error(nn):
    match = "strides > 1 not supported in conjunction with dilation_rate > 1"
    with pytest.raises(ValueError, match=match):
        nn.layers.Conv2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match=match):
        nn.layers.Conv2D(2, 3, strides=(2, 1), dilation_rate=(1, 2))
    with pytest.raises(ValueError, match=match):
        nn.layers.Conv1D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match=match):
        nn.layers.Conv2DTranspose(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match=match):
        nn.ops.conv2d(np.ones((1, 5, 5, 1)), np.ones((2, 2, 1, 1)), strides=2, dilation_rate=2)


def test_argument_errors(nn):
    L = nn.layers
    with pytest.raises(ValueError, match='The `padding` argument must be one of "valid", "same"'):
        L.Conv2D(2, 3, padding="full")
    with pytest.raises(ValueError, match="causal"):
        L.Conv2D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="causal"):
        L.SeparableConv1D(2, 3, padding="causal")
    with pytest.raises(ValueError, match='`data_format` must be "channels_last"'):
        L.Conv1D(2, 3, padding="causal", data_format="channels_first")
    with pytest.raises(ValueError, match="The `kernel_size` argument must be a tuple of 2 integers"):
        L.Conv2D(2, (3, 3, 3))
    with pytest.raises(ValueError, match='The `data_format` argument must be one of "channels_first"'):
        L.Conv2D(2, 3, data_format="NHWC")
    with pytest.raises(ValueError, match=r"Stride \(2, 2\) must be greater than output padding \(2, 2\)"):
        L.Conv2DTranspose(2, 3, strides=2, output_padding=2)


def test_shape_errors_name_the_layer(nn):
    L = nn.layers
    with pytest.raises(ValueError, match="channel dimension of the inputs should be defined"):
        L.Conv2D(2, 3, name="c").build((None, 5, 5, None))
    with pytest.raises(ValueError, match="c2: negative dimension size"):
        L.Conv2D(1, 5, name="c2").compute_output_shape((None, 3, 3, 1))
    layer = L.Conv2D(2, 2, name="c3")
    layer(np.ones((1, 3, 3, 3), np.float32))
    with pytest.raises(ValueError, match=r"layer c3: expected axis -1 of input shape to have value 3"):
        layer(np.ones((1, 3, 3, 4), np.float32))
    with pytest.raises(ValueError, match=r"layer c4: expected ndim=4, found ndim=3"):
        L.Conv2D(2, 2, name="c4")(np.ones((1, 3, 3), np.float32))
    # 'same' with an even kernel and output_padding 0: the output does not convolve back (TensorFlow refuses)
    with pytest.raises(ValueError, match="does not convolve back"):
        L.Conv2DTranspose(1, 2, padding="same", output_padding=0).compute_output_shape((None, 4, 4, 1))


def test_op_shape_errors(nn):
    o = nn.ops
    with pytest.raises(ValueError, match="expects 3 input channels, the input has 2"):
        o.conv2d(np.ones((1, 4, 4, 2)), np.ones((2, 2, 3, 1)))
    with pytest.raises(ValueError, match="negative dimension size"):
        o.conv2d(np.ones((1, 2, 2, 1)), np.ones((3, 3, 1, 1)))
    with pytest.raises(ValueError, match="doesn't match computed"):
        o.conv2d_transpose(np.ones((1, 3, 3, 1)), np.ones((3, 3, 1, 1)), (1, 9, 9, 1), strides=2)
    with pytest.raises(ValueError, match="cannot be split into 2 groups"):
        o.conv2d(np.ones((1, 4, 4, 3)), np.ones((2, 2, 1, 4)), groups=2)


# -- weights: regularizers, constraints, initializers, config ------------------------------------------------

def test_regularizers_on_every_kernel(nn, floatx64):
    L, R = nn.layers, nn.regularizers
    conv = L.Conv2D(2, 2, kernel_regularizer=R.l2(0.1), bias_regularizer=R.l1(0.2))
    sep = L.SeparableConv2D(2, 2, depthwise_regularizer=R.l2(0.3), pointwise_regularizer=R.l1(0.4),
                            bias_regularizer=R.l2(0.5))
    dw = L.DepthwiseConv2D(2, depthwise_regularizer=R.l1(0.6))
    rng = np.random.default_rng(0)
    for layer in (conv, sep, dw):
        layer.build((None, 4, 4, 2))
        layer.set_weights([rng.uniform(-1, 1, w.shape) for w in layer.weights])
    k, b = conv.get_weights()
    got = [float(t.numpy()) for t in conv.losses]
    np.testing.assert_allclose(got, [0.1 * np.sum(k ** 2), 0.2 * np.sum(np.abs(b))], rtol=1e-12)
    d, p, b = sep.get_weights()
    got = [float(t.numpy()) for t in sep.losses]
    np.testing.assert_allclose(got, [0.3 * np.sum(d ** 2), 0.4 * np.sum(np.abs(p)), 0.5 * np.sum(b ** 2)], rtol=1e-12)
    (d, _) = dw.get_weights()
    np.testing.assert_allclose([float(t.numpy()) for t in dw.losses], [0.6 * np.sum(np.abs(d))], rtol=1e-12)


def test_constraints_project_after_the_update(nn, floatx64):
    layer = nn.layers.Conv2D(1, 2, kernel_constraint="non_neg", bias_constraint="non_neg")
    layer.build((None, 3, 3, 1))
    layer.set_weights([np.full((2, 2, 1, 1), 0.1), np.array([0.1])])
    grads = [nn.constant(np.array([1.0, -1.0, 1.0, -1.0]).reshape(2, 2, 1, 1)), nn.constant(np.array([1.0]))]
    nn.optimizers.SGD(lr=1.0).apply_gradients(zip(grads, layer.trainable_weights))
    k, b = layer.get_weights()
    np.testing.assert_allclose(k.ravel(), [0.0, 1.1, 0.0, 1.1])
    np.testing.assert_array_equal(b, [0.0])


def test_default_initializers_use_receptive_field_fans(nn):
    layer = nn.layers.Conv2D(32, (3, 3))
    layer.build((None, 28, 28, 1))
    k, b = layer.get_weights()
    limit = math.sqrt(6.0 / (9 * 1 + 9 * 32))  # glorot_uniform, fans in*kh*kw and out*kh*kw
    assert k.dtype == np.float32 and np.abs(k).max() <= limit and np.abs(k).max() > 0.9 * limit
    np.testing.assert_array_equal(b, np.zeros(32))
    dw = nn.layers.DepthwiseConv2D(3, depth_multiplier=2)
    dw.build((None, 8, 8, 16))
    (d, _) = dw.get_weights()
    limit = math.sqrt(6.0 / (9 * 16 + 9 * 2))  # Keras computes the fans of (3, 3, in, dm) like any kernel
    assert np.abs(d).max() <= limit and np.abs(d).max() > 0.9 * limit


CONFIG_KEYS = {"name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding", "data_format",
               "dilation_rate", "activation", "use_bias", "kernel_initializer", "bias_initializer",
               "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
               "bias_constraint"}
SEPARABLE_KEYS = (CONFIG_KEYS - {"kernel_initializer", "kernel_regularizer", "kernel_constraint"}) | {
    "depth_multiplier", "depthwise_initializer", "pointwise_initializer", "depthwise_regularizer",
    "pointwise_regularizer", "depthwise_constraint", "pointwise_constraint"}
DEPTHWISE_KEYS = (CONFIG_KEYS - {"filters", "kernel_initializer", "kernel_regularizer", "kernel_constraint"}) | {
    "depth_multiplier", "depthwise_initializer", "depthwise_regularizer", "depthwise_constraint"}


@pytest.mark.parametrize("make, keys", [
    (lambda L: L.Conv1D(2, 3), CONFIG_KEYS), (lambda L: L.Conv2D(2, 3), CONFIG_KEYS),
    (lambda L: L.Conv2DTranspose(2, 3), CONFIG_KEYS | {"output_padding"}),
    (lambda L: L.SeparableConv1D(2, 3), SEPARABLE_KEYS), (lambda L: L.SeparableConv2D(2, 3), SEPARABLE_KEYS),
    (lambda L: L.DepthwiseConv2D(3), DEPTHWISE_KEYS),
], ids=["Conv1D", "Conv2D", "Conv2DTranspose", "SeparableConv1D", "SeparableConv2D", "DepthwiseConv2D"])
def test_config_keys_are_keras(nn, make, keys):
    config = make(nn.layers).get_config()
    assert set(config) == keys
    assert isinstance(config["kernel_size"], tuple) and isinstance(config["strides"], tuple)


def test_conv1d_with_unknown_steps(nn):
    layer = nn.layers.Conv1D(32, 5, activation="relu", input_shape=(None, 14))
    assert layer.compute_output_shape((None, None, 14)) == (None, None, 32)
    assert layer(np.ones((2, 9, 14), np.float32)).shape == (2, 5, 32)


def test_keras_aliases(nn):
    L = nn.layers
    assert L.Convolution2D is L.Conv2D and L.Convolution1D is L.Conv1D and L.Deconvolution2D is L.Conv2DTranspose
    assert L.SeparableConvolution2D is L.SeparableConv2D and L.Deconv2D is L.Conv2DTranspose


# -- WGAN-GP: the gradient penalty's gradient w.r.t. the critic's weights -----------------------------------

def _critic(nn):
    L = nn.layers
    layers = [L.Conv2D(3, 3, strides=2, padding="same"), L.LeakyReLU(alpha=0.2), L.Flatten(), L.Dense(1)]
    x = np.random.default_rng(0).uniform(-1, 1, (2, 5, 5, 2))
    h = nn.constant(x)
    for layer in layers:
        h = layer(h)
    rng = np.random.default_rng(1)
    weights = [w for layer in layers for w in layer.trainable_weights]
    for w in weights:
        w.assign(rng.uniform(-0.9, 0.9, w.shape))
    return layers, weights, x


def _penalty(nn, layers, x):
    """mean over the batch of (||d critic(x) / dx||_2 - 1)^2: Gulrajani et al.'s term, with a nested tape."""
    xt = nn.constant(x)
    with nn.GradientTape() as inner:
        inner.watch(xt)
        h = xt
        for layer in layers:
            h = layer(h)
        score = nn.ops.sum(h)
    g = inner.gradient(score, xt)
    norm = nn.ops.sqrt(nn.ops.sum(nn.ops.square(g), axis=(1, 2, 3)))
    return nn.ops.mean(nn.ops.square(nn.ops.subtract(norm, 1.0)))


def test_wgan_gp_double_backward_through_conv_leaky_relu_dense(nn, floatx64):
    layers, weights, x = _critic(nn)
    with nn.GradientTape() as outer:
        penalty = _penalty(nn, layers, x)
    grads = [g.numpy() for g in outer.gradient(penalty, weights, unconnected_gradients="zero")]
    # the kernels move the penalty; the biases only move LeakyReLU's piecewise-constant slope (zero gradient)
    assert np.any(grads[0] != 0) and np.any(grads[2] != 0)
    np.testing.assert_array_equal(grads[1], 0.0)
    np.testing.assert_array_equal(grads[3], 0.0)
    eps = FD["eps"]
    for w, g in zip(weights, grads):
        base = w.numpy().copy()
        numeric = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            values = []
            for sign in (1, -1):
                shifted = base.copy()
                shifted[idx] += sign * eps
                w.assign(shifted)
                values.append(float(_penalty(nn, layers, x).numpy()))
            numeric[idx] = (values[0] - values[1]) / (2 * eps)
        w.assign(base)
        np.testing.assert_allclose(g, numeric, rtol=FD["rtol"], atol=FD["atol"] * 10, err_msg=w.name)
