"""Pooling family beyond the tables: tie rules, 'same' edge windows, shape formulas (Hypothesis),
spatial dropout, padding / cropping / upsampling values, configs and errors.

Every expectation is computed by hand or by an independent brute-force loop, never by nnspec.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st


def grad_of(nn, fn, x, gy=None):
    """(output, d<fn(x), gy>/dx) as NumPy; gy defaults to ones."""
    xv = nn.Variable(np.asarray(x, dtype=np.float64))
    with nn.GradientTape() as tape:
        y = fn(xv)
    g = tape.gradient(y, xv, output_gradients=None if gy is None else nn.constant(np.asarray(gy, np.float64)))
    return y.numpy(), g.numpy()


def col(*values):
    """(1, steps, 1) from a list of values."""
    return np.asarray(values, dtype=np.float64).reshape(1, -1, 1)


def img(rows):
    """(1, rows, cols, 1) from a nested list."""
    return np.asarray(rows, dtype=np.float64)[None, :, :, None]


# -- max pooling: ties go to the first maximum in row-major window order ----------------------------------

def test_max_pool2d_tie_gradient_goes_to_the_first_maximum_in_row_major_order(nn):
    y, g = grad_of(nn, lambda t: nn.ops.max_pool2d(t, (2, 2)), img([[1, 3], [3, 2]]))
    assert y.ravel().tolist() == [3.0]
    np.testing.assert_array_equal(g[0, :, :, 0], [[0, 1], [0, 0]])


def test_max_pool2d_tie_within_the_second_row_goes_to_its_first_column(nn):
    # the two maxima are (1, 0) and (1, 1): row-major order picks (1, 0)
    _, g = grad_of(nn, lambda t: nn.ops.max_pool2d(t, (2, 2)), img([[1, 2], [5, 5]]))
    np.testing.assert_array_equal(g[0, :, :, 0], [[0, 0], [1, 0]])


def test_max_pool2d_layer_ties_in_every_window_and_channel(nn):
    x = np.zeros((1, 2, 4, 2))
    x[0, :, :, 0] = [[7, 1, 2, 2], [7, 0, 2, 2]]  # window 0: (0,0) and (1,0); window 1: all four equal
    x[0, :, :, 1] = [[0, 4, 1, 1], [4, 4, 1, 3]]  # window 0: (0,1), (1,0), (1,1); window 1: (1,1) alone
    layer = nn.layers.MaxPooling2D((2, 2))
    _, g = grad_of(nn, layer, x)
    np.testing.assert_array_equal(g[0, :, :, 0], [[1, 0, 1, 0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(g[0, :, :, 1], [[0, 1, 0, 0], [0, 0, 0, 1]])


def test_max_pool1d_tie_three_equal_maxima(nn):
    y, g = grad_of(nn, lambda t: nn.ops.max_pool1d(t, 4), col(2, 5, 5, 5, 9, 1, 9, 0))
    assert y.ravel().tolist() == [5.0, 9.0]
    assert g.ravel().tolist() == [0, 1, 0, 0, 1, 0, 0, 0]


def test_max_pool_overlapping_windows_sum_at_a_shared_maximum(nn):
    _, g = grad_of(nn, lambda t: nn.ops.max_pool1d(t, 2, 1), col(1, 3, 2), gy=col(10, 7))
    assert g.ravel().tolist() == [0, 17, 0]


def test_max_pool_same_padding_windows_with_ties(nn):
    # pool 3, stride 1, 'same' on 3 steps: pads (1, 1); windows [pad, 4, 4], [4, 4, 1], [4, 1, pad]
    y, g = grad_of(nn, lambda t: nn.ops.max_pool1d(t, 3, 1, "same"), col(4, 4, 1))
    assert y.ravel().tolist() == [4, 4, 4]
    assert g.ravel().tolist() == [2, 1, 0]
    # 2x2 of equal values, pool 3x3 'same': every window holds (0, 0) first
    y, g = grad_of(nn, lambda t: nn.ops.max_pool2d(t, 3, 1, "same"), img([[1, 1], [1, 1]]))
    assert y.ravel().tolist() == [1, 1, 1, 1]
    np.testing.assert_array_equal(g[0, :, :, 0], [[4, 0], [0, 0]])


def test_padding_never_wins_even_against_minus_infinity(nn):
    # windows [pad, -inf, -inf] -> first valid (0); [-inf, -inf, 1] -> 2; [-inf, 1, pad] -> 2
    y, g = grad_of(nn, lambda t: nn.ops.max_pool1d(t, 3, 1, "same"), col(-np.inf, -np.inf, 1))
    assert y.ravel().tolist() == [-np.inf, 1, 1]
    assert g.ravel().tolist() == [1, 0, 2]
    # even pool size: 'same' pads (0, 1), the padded element last in the final window
    y, g = grad_of(nn, lambda t: nn.ops.max_pool1d(t, 2, 2, "same"), col(0, 1, -np.inf))
    assert y.ravel().tolist() == [1, -np.inf]
    assert g.ravel().tolist() == [0, 1, 1]


def test_nan_in_a_window_is_its_maximum(nn):
    y, g = grad_of(nn, lambda t: nn.ops.max_pool1d(t, 3), col(1, np.nan, 3, 4, 5, np.nan))
    assert np.isnan(y.ravel()).tolist() == [True, True]
    assert g.ravel().tolist() == [0, 1, 0, 0, 0, 1]


def test_max_pool_double_backward_gathers_at_the_first_maximum(nn):
    """s = <d<max_pool(x), gy>/dx, ggx>: ds/dgy is ggx at each window's first maximum; ds/dx = 0."""
    x = nn.Variable(img([[1, 3, 0, 2], [3, 2, 2, 1]]))
    gy = nn.Variable(np.array([[[[5.0], [6.0]]]]))
    ggx = nn.constant(img([[10, 20, 30, 40], [50, 60, 70, 80]]))
    with nn.GradientTape() as outer:
        with nn.GradientTape() as inner:
            y = nn.ops.max_pool2d(x, (2, 2))
        gx = inner.gradient(y, x, output_gradients=gy)
        s = nn.ops.sum(nn.ops.multiply(gx, ggx))
    dgy, dx = outer.gradient(s, [gy, x], unconnected_gradients="zero")
    np.testing.assert_array_equal(gx.numpy()[0, :, :, 0], [[0, 5, 0, 6], [0, 0, 0, 0]])
    assert dgy.numpy().ravel().tolist() == [20, 40]
    assert not dx.numpy().any()


def test_global_max_pooling_ties_share_the_gradient_like_k_max(nn):
    _, g = grad_of(nn, nn.layers.GlobalMaxPooling1D(), col(3, 1, 3))
    assert g.ravel().tolist() == [0.5, 0, 0.5]


# -- average pooling: padding excluded from the mean ----------------------------------------------------------

def test_avg_pool2d_same_edge_windows_divide_by_their_valid_count(nn):
    # 3x3, pool 2, stride 2, 'same': pads (0, 1); windows of 4, 2, 2 and 1 valid elements
    y, g = grad_of(nn, lambda t: nn.ops.avg_pool2d(t, 2, 2, "same"), img([[1, 2, 3], [4, 5, 6], [7, 8, 9]]))
    np.testing.assert_array_equal(y[0, :, :, 0], [[3.0, 4.5], [7.5, 9.0]])
    np.testing.assert_array_equal(g[0, :, :, 0], [[0.25, 0.25, 0.5], [0.25, 0.25, 0.5], [0.5, 0.5, 1.0]])


def test_avg_pool2d_3x3_stride1_same_corner_edge_centre(nn):
    x = img([[1, 2, 4], [8, 16, 32], [64, 128, 256]])
    y, g = grad_of(nn, lambda t: nn.ops.avg_pool2d(t, 3, 1, "same"), x)
    want = np.array([[(1 + 2 + 8 + 16) / 4, (1 + 2 + 4 + 8 + 16 + 32) / 6, (2 + 4 + 16 + 32) / 4],
                     [(1 + 2 + 8 + 16 + 64 + 128) / 6, 511 / 9, (2 + 4 + 16 + 32 + 128 + 256) / 6],
                     [(8 + 16 + 64 + 128) / 4, (8 + 16 + 32 + 64 + 128 + 256) / 6, (16 + 32 + 128 + 256) / 4]])
    np.testing.assert_allclose(y[0, :, :, 0], want, rtol=1e-15)
    # d/dx of the sum of all outputs: each element collects 1/count of every window holding it, and the
    # windows holding an element are those centred on it and on its neighbours (corner 4, edge 6, centre 9)
    c, e, m = 1 / 4, 1 / 6, 1 / 9
    corner, edge, centre = c + 2 * e + m, 2 * c + 3 * e + m, 4 * c + 4 * e + m
    want_g = np.array([[corner, edge, corner], [edge, centre, edge], [corner, edge, corner]])
    np.testing.assert_allclose(g[0, :, :, 0], want_g, rtol=1e-14)


def test_avg_pool1d_same_last_window_is_shorter(nn):
    y, g = grad_of(nn, nn.layers.AveragePooling1D(2, padding="same"), col(1, 2, 3, 4, 5))
    assert y.ravel().tolist() == [1.5, 3.5, 5.0]
    assert g.ravel().tolist() == [0.5, 0.5, 0.5, 0.5, 1.0]


# -- output shapes: formula, compute_output_shape and running agree (Hypothesis) -------------------------------

def brute_pool(x, k, s, padding, mode):
    """Pooling by loops over output positions and window elements (TF's 'same' placement)."""
    spatial = x.shape[1:-1]
    outs, befores = [], []
    for n, kk, ss in zip(spatial, k, s):
        out = -(-n // ss) if padding == "same" else (n - kk) // ss + 1
        outs.append(out)
        befores.append(max((out - 1) * ss + kk - n, 0) // 2 if padding == "same" else 0)
    y = np.zeros((x.shape[0], *outs, x.shape[-1]))
    for o in itertools.product(*map(range, outs)):
        lo = [oi * si - b for oi, si, b in zip(o, s, befores)]
        sl = tuple(slice(max(a, 0), min(a + kk, n)) for a, kk, n in zip(lo, k, spatial))
        w = x[(slice(None),) + sl + (slice(None),)]
        axes = tuple(range(1, 1 + len(spatial)))
        y[(slice(None),) + o + (slice(None),)] = w.max(axis=axes) if mode == "max" else w.mean(axis=axes)
    return y


@st.composite
def pool_configs(draw):
    rank = draw(st.sampled_from([1, 2]))
    padding = draw(st.sampled_from(["valid", "same"]))
    k = tuple(draw(st.integers(1, 4)) for _ in range(rank))
    s = tuple(draw(st.integers(1, 4)) for _ in range(rank))
    lo = 1 if padding == "same" else None
    n = tuple(draw(st.integers(lo or kk, 9)) for kk in k)
    return rank, n, k, s, padding


@given(config=pool_configs(), mode=st.sampled_from(["max", "avg"]))
def test_pool_shapes_and_values_against_the_formula_and_brute_force(nn, config, mode):
    rank, n, k, s, padding = config
    want = tuple(-(-m // ss) if padding == "same" else -(-(m - kk + 1) // ss) for m, kk, ss in zip(n, k, s))
    cls = {("max", 1): nn.layers.MaxPooling1D, ("max", 2): nn.layers.MaxPooling2D,
           ("avg", 1): nn.layers.AveragePooling1D, ("avg", 2): nn.layers.AveragePooling2D}[mode, rank]
    layer = cls(k, s, padding)
    assert layer.compute_output_shape((None, *n, 3)) == (None, *want, 3)
    size = 2 * int(np.prod(n)) * 3
    x = (np.random.default_rng(size).permutation(size) * 0.1).reshape(2, *n, 3)
    y = layer(nn.constant(x)).numpy()
    assert y.shape == (2, *want, 3)
    np.testing.assert_allclose(y, brute_pool(x, k, s, padding, mode), rtol=1e-13, atol=1e-13)


def first_maxima(x, k, s, padding):
    """Flat index into x (NHWC) of every 2-D window's first maximum in row-major window order, a NaN being
    the maximum and padding never winning (a window of -inf keeps its first valid position): NumPy's argmax
    over the gathered windows."""
    n, h, w, c = x.shape
    starts, valid, at = [], [], []
    for size, kk, ss in zip((h, w), k, s):
        out = -(-size // ss) if padding == "same" else (size - kk) // ss + 1
        before = max((out - 1) * ss + kk - size, 0) // 2 if padding == "same" else 0
        pos = np.arange(out)[:, None] * ss - before + np.arange(kk)  # (out, k) input coordinates
        starts.append(np.arange(out) * ss - before)
        valid.append((pos >= 0) & (pos < size))
        at.append(pos.clip(0, size - 1))
    (oh, kh), (ow, kw) = at[0].shape, at[1].shape
    inside = valid[0][:, None, :, None] & valid[1][None, :, None, :]  # (oh, ow, kh, kw)
    windows = x[:, at[0][:, None, :, None], at[1][None, :, None, :], :]  # (n, oh, ow, kh, kw, c)
    windows = np.where(inside[None, ..., None], windows, -np.inf).reshape(n, oh, ow, kh * kw, c)
    arg = np.argmax(windows, axis=3)
    first_valid = np.argmax(inside.reshape(oh, ow, -1), axis=-1)[None, :, :, None]
    arg = np.where(np.max(windows, axis=3) == -np.inf, first_valid, arg)
    rows = starts[0][None, :, None, None] + arg // kw
    cols = starts[1][None, None, :, None] + arg % kw
    return ((np.arange(n)[:, None, None, None] * h + rows) * w + cols) * c + np.arange(c)


@pytest.mark.parametrize("k, s, padding", [((2, 2), (2, 2), "valid"), ((3, 3), (2, 2), "same"),
                                           ((2, 3), (1, 2), "same")])
def test_large_max_pooling_routes_to_the_first_maximum(nn, k, s, padding):
    """Megabytes of input with ties, NaN and -inf everywhere (an implementation may work through it in blocks
    of batch items: the reference does): the pooled values and the gradient, scattered with numpy.add.at to
    the first maxima found by NumPy's argmax."""
    rng = np.random.default_rng(4)
    x = rng.choice(np.array([0.0, 1.0, 2.0, -np.inf, np.nan]), (24, 33, 31, 16), p=[0.3, 0.3, 0.3, 0.08, 0.02])
    x[:2] = -np.inf  # whole items of -inf: every window keeps its first valid position
    index = first_maxima(x, k, s, padding)
    gy = rng.integers(-3, 4, index.shape).astype(np.float64)
    y, g = grad_of(nn, lambda v: nn.ops.max_pool2d(v, k, s, padding), x, gy)
    np.testing.assert_array_equal(y, x.reshape(-1)[index])
    want = np.zeros(x.size)
    np.add.at(want, index.reshape(-1), gy.reshape(-1))
    np.testing.assert_array_equal(g, want.reshape(x.shape))


@given(rank=st.sampled_from([1, 2]), data=st.data())
def test_padding_cropping_upsampling_shapes(nn, rank, data):
    n = tuple(data.draw(st.integers(3, 7)) for _ in range(rank))
    pads = tuple((data.draw(st.integers(0, 3)), data.draw(st.integers(0, 3))) for _ in range(rank))
    crops = tuple((data.draw(st.integers(0, 1)), data.draw(st.integers(0, 1))) for _ in range(rank))
    size = tuple(data.draw(st.integers(1, 3)) for _ in range(rank))
    L = nn.layers
    layers_and_shapes = [
        (L.ZeroPadding1D(pads[0]) if rank == 1 else L.ZeroPadding2D(pads),
         tuple(m + a + b for m, (a, b) in zip(n, pads))),
        (L.Cropping1D(crops[0]) if rank == 1 else L.Cropping2D(crops),
         tuple(m - a - b for m, (a, b) in zip(n, crops))),
        (L.UpSampling1D(size[0]) if rank == 1 else L.UpSampling2D(size), tuple(m * f for m, f in zip(n, size))),
    ]
    x = nn.constant(np.ones((2, *n, 3)))
    for layer, want in layers_and_shapes:
        assert layer.compute_output_shape((None, *n, 3)) == (None, *want, 3)
        assert layer(x).shape == (2, *want, 3)


def test_unknown_spatial_dimensions_stay_unknown(nn):
    L = nn.layers
    assert L.ZeroPadding2D(1).compute_output_shape((None, None, 4, 2)) == (None, None, 6, 2)
    assert L.MaxPooling2D().compute_output_shape((None, None, None, 3)) == (None, None, None, 3)
    assert L.UpSampling2D().compute_output_shape((None, 3, None, 2)) == (None, 6, None, 2)
    assert L.Cropping1D().compute_output_shape((None, None, 2)) == (None, None, 2)
    assert L.GlobalMaxPooling2D().compute_output_shape((None, None, None, 5)) == (None, 5)


BOOK_SHAPES = [
    # DLwP listing 5.1 (MNIST convnet): 26 -> 13, 11 -> 5
    ("mnist_1", lambda L: L.MaxPooling2D((2, 2)), (None, 26, 26, 32), (None, 13, 13, 32)),
    ("mnist_2", lambda L: L.MaxPooling2D((2, 2)), (None, 11, 11, 64), (None, 5, 5, 64)),
    # DLwP listing 5.5 (cats vs dogs): 148 -> 74, 72 -> 36, 34 -> 17, 15 -> 7
    ("cats_1", lambda L: L.MaxPooling2D((2, 2)), (None, 148, 148, 32), (None, 74, 74, 32)),
    ("cats_2", lambda L: L.MaxPooling2D((2, 2)), (None, 72, 72, 64), (None, 36, 36, 64)),
    ("cats_3", lambda L: L.MaxPooling2D((2, 2)), (None, 34, 34, 128), (None, 17, 17, 128)),
    ("cats_4", lambda L: L.MaxPooling2D((2, 2)), (None, 15, 15, 128), (None, 7, 7, 128)),
    # DLwP listing 6.45 (IMDB 1D convnet): 494 -> 98, then the global max over 92 steps
    ("imdb_pool", lambda L: L.MaxPooling1D(5), (None, 494, 32), (None, 98, 32)),
    ("imdb_global", lambda L: L.GlobalMaxPooling1D(), (None, 92, 32), (None, 32)),
    # VGG16's last block: 14 -> 7
    ("vgg16_block5", lambda L: L.MaxPooling2D((2, 2), strides=(2, 2)), (None, 14, 14, 512), (None, 7, 7, 512)),
]


@pytest.mark.parametrize("make, shape, want", [b[1:] for b in BOOK_SHAPES], ids=[b[0] for b in BOOK_SHAPES])
def test_book_model_shapes(nn, make, shape, want):
    assert make(nn.layers).compute_output_shape(shape) == want


# -- spatial dropout -----------------------------------------------------------------------------------------

def _channels_constant(y, spatial_axes):
    """Every (sample, channel) is constant over the spatial axes; returns those values (size 1 there)."""
    first = y[tuple(slice(0, 1) if i in spatial_axes else slice(None) for i in range(y.ndim))]
    np.testing.assert_array_equal(y, np.broadcast_to(first, y.shape))
    return first


@pytest.mark.parametrize("make, shape, axes", [
    (lambda L: L.SpatialDropout1D(0.4, seed=3), (150, 5, 20), (1,)),
    (lambda L: L.SpatialDropout2D(0.4, seed=4), (100, 3, 4, 30), (1, 2)),
    (lambda L: L.SpatialDropout2D(0.4, data_format="channels_first", seed=5), (100, 30, 3, 4), (2, 3)),
], ids=["1d", "2d", "2d_channels_first"])
def test_spatial_dropout_drops_whole_channels_with_inverted_scaling(nn, make, shape, axes):
    layer = make(nn.layers)
    x = nn.constant(np.ones(shape, dtype=np.float32))
    y = layer(x, training=True).numpy()
    values = _channels_constant(y, axes)
    kept = values != 0
    np.testing.assert_allclose(values[kept], 1 / 0.6, rtol=1e-6)
    # 3000 independent channel draws: the dropped fraction is 0.4 +- 5 standard deviations
    assert abs((~kept).mean() - 0.4) < 5 * np.sqrt(0.4 * 0.6 / kept.size)
    np.testing.assert_array_equal(layer(x, training=False).numpy(), np.ones(shape))
    np.testing.assert_array_equal(layer(x).numpy(), np.ones(shape))  # learning phase 0 by default


def test_spatial_dropout_masks_differ_between_samples_and_channels(nn):
    y = nn.layers.SpatialDropout2D(0.5, seed=0)(nn.constant(np.ones((8, 2, 2, 8))), training=True).numpy()
    per_channel = y[:, 0, 0, :]
    assert len({tuple(r) for r in per_channel}) > 1 and len({tuple(c) for c in per_channel.T}) > 1


def test_spatial_dropout_gradient_is_the_same_mask(nn):
    layer = nn.layers.SpatialDropout1D(0.5, seed=1)
    x = nn.Variable(np.full((6, 4, 5), 2.0))
    with nn.GradientTape() as tape:
        y = layer(x, training=True)
    g = tape.gradient(y, x).numpy()
    np.testing.assert_array_equal(g, y.numpy() / 2.0)


def test_spatial_dropout_config_is_keras_2_2_4(nn):
    config = nn.layers.SpatialDropout2D(0.3, data_format="channels_first", seed=2).get_config()
    assert {k: config[k] for k in ("rate", "noise_shape", "seed")} == {"rate": 0.3, "noise_shape": None, "seed": 2}
    assert "data_format" not in config  # as Keras 2.2.4 (the layer keeps it, the config does not)


def test_spatial_dropout_input_rank(nn):
    with pytest.raises(ValueError, match="expected ndim=4"):
        nn.layers.SpatialDropout2D(0.5)(np.ones((2, 3, 4), dtype=np.float32))


# -- zero padding, cropping, upsampling: exact values -------------------------------------------------------------

def test_zero_padding_values(nn):
    x = np.arange(1, 7, dtype=np.float32).reshape(1, 2, 3, 1)
    y = nn.layers.ZeroPadding2D(((1, 0), (0, 2)))(x).numpy()[0, :, :, 0]
    np.testing.assert_array_equal(y, [[0, 0, 0, 0, 0], [1, 2, 3, 0, 0], [4, 5, 6, 0, 0]])
    y = nn.layers.ZeroPadding1D((2, 1))(np.array([[[1.0, 2.0], [3.0, 4.0]]], dtype=np.float32)).numpy()
    np.testing.assert_array_equal(y[0], [[0, 0], [0, 0], [1, 2], [3, 4], [0, 0]])
    y = nn.layers.ZeroPadding2D(1, data_format="channels_first")(x.reshape(1, 1, 2, 3)).numpy()[0, 0]
    np.testing.assert_array_equal(y, [[0, 0, 0, 0, 0], [0, 1, 2, 3, 0], [0, 4, 5, 6, 0], [0, 0, 0, 0, 0]])


def test_zero_padding_gradient_is_the_interior(nn):
    gy = np.arange(20.0).reshape(1, 4, 5, 1)
    _, g = grad_of(nn, nn.layers.ZeroPadding2D(((1, 1), (2, 0))), np.ones((1, 2, 3, 1)), gy)
    np.testing.assert_array_equal(g[0, :, :, 0], [[7, 8, 9], [12, 13, 14]])


def test_cropping_values_and_gradient(nn):
    x = np.arange(20.0).reshape(1, 4, 5, 1)
    y, g = grad_of(nn, nn.layers.Cropping2D(((1, 2), (0, 3))), x, gy=[[[[5.0], [6.0]]]])
    np.testing.assert_array_equal(y[0, :, :, 0], [[5, 6]])
    want = np.zeros((4, 5))
    want[1, 0:2] = [5, 6]
    np.testing.assert_array_equal(g[0, :, :, 0], want)
    y = nn.layers.Cropping1D((0, 2))(np.arange(8.0).reshape(1, 4, 2)).numpy()
    np.testing.assert_array_equal(y[0], [[0, 1], [2, 3]])


def test_cropping_everything_is_an_error(nn):
    with pytest.raises(ValueError, match="leaves nothing"):
        nn.layers.Cropping1D((2, 2))(np.ones((1, 4, 1), dtype=np.float32))


def test_upsampling_values_and_gradient(nn):
    y, g = grad_of(nn, nn.layers.UpSampling2D((2, 3)), img([[1, 2], [3, 4]]))
    np.testing.assert_array_equal(y[0, :, :, 0], [[1, 1, 1, 2, 2, 2], [1, 1, 1, 2, 2, 2],
                                                  [3, 3, 3, 4, 4, 4], [3, 3, 3, 4, 4, 4]])
    np.testing.assert_array_equal(g[0, :, :, 0], np.full((2, 2), 6.0))
    y = nn.layers.UpSampling1D(2)(np.array([[[1.0, -1.0], [2.0, -2.0]]], dtype=np.float32)).numpy()
    np.testing.assert_array_equal(y[0], [[1, -1], [1, -1], [2, -2], [2, -2]])


def test_upsampling_bilinear_is_tensorflow_1_resize_bilinear(nn):
    # source coordinate i / 2 (no half-pixel centres), the last row and column clamped
    y = nn.layers.UpSampling2D(interpolation="bilinear")(img([[0, 1, 2], [3, 4, 5]])).numpy()[0, :, :, 0]
    np.testing.assert_array_equal(y, [[0, 0.5, 1, 1.5, 2, 2], [1.5, 2, 2.5, 3, 3.5, 3.5],
                                      [3, 3.5, 4, 4.5, 5, 5], [3, 3.5, 4, 4.5, 5, 5]])


# -- global pooling ------------------------------------------------------------------------------------------------

def test_global_average_pooling1d_with_mask_averages_the_unmasked_steps(nn):
    x = np.array([[[1.0, 10], [3, 30], [100, 100]], [[2, 20], [100, 100], [100, 100]]])
    mask = nn.constant(np.array([[True, True, False], [True, False, False]]))
    layer = nn.layers.GlobalAveragePooling1D()
    np.testing.assert_array_equal(layer(nn.constant(x), mask=mask).numpy(), [[2, 20], [2, 20]])
    assert layer.compute_mask(nn.constant(x), mask) is None
    np.testing.assert_array_equal(layer(nn.constant(x)).numpy(), x.mean(axis=1))


def test_global_pooling_channels_first(nn):
    x = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(nn.layers.GlobalMaxPooling1D(data_format="channels_first")(x).numpy(),
                                  x.max(axis=2))


# -- configs, aliases, errors --------------------------------------------------------------------------------------

def test_configs_in_keras_2_2_4_form(nn):
    L = nn.layers
    c = L.MaxPooling2D(3, padding="SAME", name="p").get_config()
    assert {k: c[k] for k in ("pool_size", "padding", "strides", "data_format")} == \
        {"pool_size": (3, 3), "padding": "same", "strides": (3, 3), "data_format": "channels_last"}
    c = L.AveragePooling1D(4, strides=2).get_config()
    assert (c["pool_size"], c["strides"], c["padding"], c["data_format"]) == ((4,), (2,), "valid", "channels_last")
    assert L.ZeroPadding1D(3).get_config()["padding"] == (3, 3)
    assert "data_format" not in L.ZeroPadding1D(3).get_config()
    assert L.ZeroPadding2D((1, 2)).get_config()["padding"] == ((1, 1), (2, 2))
    assert L.Cropping1D(2).get_config()["cropping"] == (2, 2)
    assert L.Cropping2D(((1, 2), 3)).get_config()["cropping"] == ((1, 2), (3, 3))
    assert L.UpSampling1D(4).get_config()["size"] == 4
    c = L.UpSampling2D(3).get_config()
    assert (c["size"], c["interpolation"]) == ((3, 3), "nearest")


@pytest.mark.parametrize("alias, name", [
    ("MaxPool1D", "MaxPooling1D"), ("MaxPool2D", "MaxPooling2D"), ("AvgPool1D", "AveragePooling1D"),
    ("AvgPool2D", "AveragePooling2D"), ("GlobalMaxPool1D", "GlobalMaxPooling1D"),
    ("GlobalMaxPool2D", "GlobalMaxPooling2D"), ("GlobalAvgPool1D", "GlobalAveragePooling1D"),
    ("GlobalAvgPool2D", "GlobalAveragePooling2D"),
])
def test_keras_aliases_are_the_same_classes(nn, alias, name):
    assert getattr(nn.layers, alias) is getattr(nn.layers, name)


def test_default_names(nn):
    nn.backend.clear_session()
    assert nn.layers.MaxPooling2D().name == "max_pooling2d_1"
    assert nn.layers.GlobalAveragePooling2D().name == "global_average_pooling2d_1"
    assert nn.layers.UpSampling2D().name == "up_sampling2d_1"
    assert nn.layers.ZeroPadding2D().name == "zero_padding2d_1"
    assert nn.layers.SpatialDropout1D(0.1).name == "spatial_dropout1d_1"


def test_data_format_default_follows_image_data_format_for_2d_layers_only(nn):
    nn.backend.set_image_data_format("channels_first")
    try:
        assert nn.layers.MaxPooling2D().data_format == "channels_first"
        assert nn.layers.GlobalMaxPooling2D().data_format == "channels_first"
        assert nn.layers.MaxPooling1D().data_format == "channels_last"  # Keras 2.2.4: 1-D defaults to last
    finally:
        nn.backend.set_image_data_format("channels_last")


def test_dlwp_average_pooling_with_activation_is_an_error(nn):
    """DLwP's Inception branch writes AveragePooling2D(3, strides=2, activation='relu'): not a Keras argument."""
    with pytest.raises(TypeError, match="activation"):
        nn.layers.AveragePooling2D(3, strides=2, activation="relu")


def test_argument_errors(nn):
    L = nn.layers
    with pytest.raises(ValueError, match="padding"):
        L.MaxPooling2D(padding="causal")
    with pytest.raises(ValueError, match="pool_size"):
        L.MaxPooling2D((2, 2, 2))
    with pytest.raises(ValueError, match="data_format"):
        L.MaxPooling2D(data_format="NHWC")
    with pytest.raises(ValueError, match="interpolation"):
        L.UpSampling2D(interpolation="bicubic")
    with pytest.raises(ValueError, match="two elements"):
        L.ZeroPadding2D((1, 2, 3))


def test_window_larger_than_the_input_is_an_error_naming_the_layer(nn):
    layer = nn.layers.MaxPooling2D((3, 3), name="pool_a")
    with pytest.raises(ValueError, match="pool_a"):
        layer.compute_output_shape((None, 2, 5, 1))
    with pytest.raises(ValueError, match="pool_a"):
        layer(np.ones((1, 2, 5, 1), dtype=np.float32))
    with pytest.raises(ValueError, match="expected ndim=4"):
        nn.layers.MaxPooling2D()(np.ones((1, 4, 4), dtype=np.float32))


def test_pool_ops_need_floating_point(nn):
    with pytest.raises(TypeError, match="floating-point"):
        nn.ops.max_pool2d(nn.constant(np.ones((1, 2, 2, 1), dtype=np.int64)))
