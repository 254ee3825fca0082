"""DLwP 5.4 and DATA 2040 §3.2 (``nnspec.zoo.visualization``): activation grids, filter visualisation by gradient
ascent, Grad-CAM and saliency on tiny models whose gradients are written by hand in NumPy float64."""

import numpy as np
import pytest

from nnspec.zoo import visualization as vis

pytestmark = pytest.mark.usefixtures("fresh_session")


def _sklearn_image(name="china.jpg", size=None):
    try:
        return vis.sample_image(name, size=size)
    except vis.SampleImageUnavailable as e:
        pytest.skip(str(e))


def _linear_conv(nn, shape=(3, 3, 2), filters=3, seed=0):
    """Input -> Conv2D(filters, 1, name='conv', linear) with distinct weights: output = x @ W + b per pixel."""
    inp = nn.Input(shape=shape)
    conv = nn.layers.Conv2D(filters, 1, name="conv")
    model = nn.models.Model(inp, conv(inp))
    r = np.random.default_rng(seed)
    w = r.standard_normal((1, 1, shape[-1], filters)).astype(np.float32)
    b = r.standard_normal(filters).astype(np.float32)
    conv.set_weights([w, b])
    return model, w[0, 0].astype(np.float64), b.astype(np.float64)


# -- Listing 5.44 and 5.50: post-processing -------------------------------------------------------------------------

def test_deprocess_image_is_listing_5_50():
    x = np.array([[[0., 1., 2.], [3., 4., 100.]]])
    mean, std = x.mean(), x.std()
    want = np.clip(np.clip((x - mean) / (std + 1e-5) * 0.1 + 0.5, 0, 1) * 255, 0, 255).astype("uint8")
    before = x.copy()
    out = vis.deprocess_image(x)
    assert out.dtype == np.uint8 and out.shape == x.shape
    np.testing.assert_array_equal(out, want)
    np.testing.assert_array_equal(x, before)  # the argument is left alone
    spike = np.zeros((1, 1, 50))
    spike[0, 0, 0] = 1.0  # 7 standard deviations above the mean: 0.5 + 0.7 clipped to 1 -> 255
    assert vis.deprocess_image(spike)[0, 0, 0] == 255


def test_channel_image_and_activation_grid_layout():
    a = np.zeros((1, 2, 2, 6))
    for k in range(6):
        a[0, :, :, k] = [[0, k + 1], [2 * (k + 1), 3 * (k + 1)]]
    ch = vis.channel_image(a[0, :, :, 4])
    v = a[0, :, :, 4]
    np.testing.assert_array_equal(ch, np.clip((v - v.mean()) / v.std() * 64 + 128, 0, 255).astype("uint8"))
    grid = vis.activation_grid(a, images_per_row=3)  # 6 // 3 = 2 rows of 3 channels
    assert grid.shape == (4, 6) and grid.dtype == np.uint8
    for col in range(2):
        for row in range(3):
            np.testing.assert_array_equal(grid[col * 2:(col + 1) * 2, row * 2:(row + 1) * 2],
                                          vis.channel_image(a[0, :, :, col * 3 + row]))
    np.testing.assert_array_equal(vis.channel_image(np.full((2, 2), 7.0)), np.full((2, 2), 128))  # std 0
    with pytest.raises(ValueError, match="activation_grid: expected an activation of shape"):
        vis.activation_grid(np.zeros((2, 2, 3)))


# -- filter visualisation (Listings 5.46-5.52) ----------------------------------------------------------------------

def test_filter_loss_is_the_mean_activation_and_the_gradient_is_rms_normalised(nn):
    """loss = mean over pixels of x . W[:, f] + b_f; d loss / d x[p, c] = W[c, f] / 9 everywhere; divided by
    sqrt(mean(g ** 2)) + 1e-5."""
    model, w, b = _linear_conv(nn)
    f = 2
    iterate = vis.filter_loss_and_grads(nn, model, "conv", f)
    x = np.random.default_rng(1).random((1, 3, 3, 2))
    loss, grads = iterate([x])
    x32 = x.astype(np.float32).astype(np.float64)
    np.testing.assert_allclose(loss, np.mean(x32[0] @ w[:, f] + b[f]), rtol=1e-5)
    g = np.broadcast_to(w[:, f] / 9, (1, 3, 3, 2))
    want = g / (np.sqrt(np.mean(g ** 2)) + 1e-5)
    assert grads.shape == (1, 3, 3, 2)
    np.testing.assert_allclose(grads, want, rtol=1e-5)


def test_one_gradient_ascent_step_adds_step_times_the_gradient(nn):
    model, w, b = _linear_conv(nn)
    iterate = vis.filter_loss_and_grads(nn, model, "conv", 0)
    x0 = np.random.default_rng(2).random((1, 3, 3, 2)) * 20 + 128.
    x = x0.copy()
    out, losses = vis.gradient_ascent(iterate, x, steps=1, step=0.5)
    g = np.broadcast_to(w[:, 0] / 9, x0.shape)
    g = g / (np.sqrt(np.mean(g ** 2)) + 1e-5)
    assert out is x  # in place, as the book's +=
    np.testing.assert_allclose(out, x0 + 0.5 * g, rtol=1e-6)
    np.testing.assert_allclose(losses, [np.mean(x0[0].astype(np.float32) @ w[:, 0] + b[0])], rtol=1e-5)
    _, losses = vis.gradient_ascent(iterate, x, steps=3, step=1.0)
    assert losses[0] < losses[1] < losses[2]  # the mean activation of a linear filter rises at every step


def test_generate_pattern_is_listing_5_51(nn):
    model, w, b = _linear_conv(nn, shape=(None, None, 3))
    img = vis.generate_pattern(nn, model, "conv", 1, size=4, steps=2, step=1., rng=np.random.default_rng(3))
    start = np.random.default_rng(3).random((1, 4, 4, 3)) * 20 + 128.
    g = np.broadcast_to(w[:, 1] / 16, start.shape)
    g = g / (np.sqrt(np.mean(g ** 2)) + 1e-5)
    x = (start + 2 * g)[0]
    want = np.clip(np.clip((x - x.mean()) / (x.std() + 1e-5) * 0.1 + 0.5, 0, 1) * 255, 0, 255).astype("uint8")
    assert img.shape == (4, 4, 3) and img.dtype == np.uint8
    np.testing.assert_allclose(img.astype(int), want.astype(int), atol=1)  # float32 rounding at a uint8 edge


def test_pattern_grid_places_filter_i_plus_j_n_at_row_i_column_j(nn):
    model, _, _ = _linear_conv(nn, shape=(None, None, 3), filters=4)
    grid = vis.pattern_grid(nn, model, "conv", size=3, margin=1, n=2, steps=1, rng=np.random.default_rng(4))
    assert grid.shape == (7, 7, 3)
    np.testing.assert_array_equal(grid[3, :, :], 0)  # the margins stay black
    np.testing.assert_array_equal(grid[:, 3, :], 0)
    rng = np.random.default_rng(4)
    for i in range(2):
        for j in range(2):
            want = vis.generate_pattern(nn, model, "conv", i + j * 2, size=3, steps=1, rng=rng)
            np.testing.assert_array_equal(grid[i * 4:i * 4 + 3, j * 4:j * 4 + 3], want)


def test_filter_visualisation_errors(nn):
    model, _, _ = _linear_conv(nn)
    with pytest.raises(ValueError, match="filter_loss_and_grads: the model has no layer 'block3_conv1'.*conv"):
        vis.filter_loss_and_grads(nn, model, "block3_conv1", 0)
    with pytest.raises(ValueError, match=r"filter_index must be in \[0, 3\).*got 3"):
        vis.filter_loss_and_grads(nn, model, "conv", 3)


# -- Grad-CAM (Listings 5.58-5.59) --------------------------------------------------------------------------------

def _cam_model(nn, seed=5):
    """(3, 3, 1) -> Conv2D(2, 2, name='last_conv', linear) (2, 2, 2) -> global average -> Dense(3, linear)."""
    inp = nn.Input(shape=(3, 3, 1))
    conv = nn.layers.Conv2D(2, 2, name="last_conv")
    dense = nn.layers.Dense(3)
    model = nn.models.Model(inp, dense(nn.layers.GlobalAveragePooling2D()(conv(inp))))
    r = np.random.default_rng(seed)
    conv.set_weights([r.standard_normal((2, 2, 1, 2)).astype(np.float32), r.standard_normal(2).astype(np.float32)])
    dense.set_weights([r.standard_normal((2, 3)).astype(np.float32), r.standard_normal(3).astype(np.float32)])
    return model, [v.astype(np.float64) for v in conv.get_weights()], dense.get_weights()[0].astype(np.float64)


def test_grad_cam_against_the_hand_formula(nn):
    """score_c = sum_k W[k, c] mean_ij A[i, j, k] + b_c, so d score / d A[i, j, k] = W[k, c] / 4 and the pooled
    gradient is W[:, c] / 4; heatmap = relu(mean_k A[..., k] W[k, c] / 4) / max."""
    model, (kc, bc), wd = _cam_model(nn)
    x = np.random.default_rng(6).random((1, 3, 3, 1)).astype(np.float32)
    a = np.zeros((2, 2, 2))
    for i in range(2):
        for j in range(2):
            a[i, j] = np.einsum("hwc,hwck->k", x[0, i:i + 2, j:j + 2].astype(np.float64), kc) + bc
    for c in range(3):
        heatmap, pooled, weighted = vis.grad_cam(nn, model, x, c, "last_conv")
        np.testing.assert_allclose(pooled, wd[:, c] / 4, rtol=1e-5)
        want = np.maximum(np.mean(a * (wd[:, c] / 4), axis=-1), 0)
        want = want / want.max() if want.max() > 0 else want
        assert heatmap.shape == (2, 2)
        np.testing.assert_allclose(heatmap, want, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(weighted, a * (wd[:, c] / 4), rtol=1e-4, atol=1e-6)
    with pytest.raises(ValueError, match=r"grad_cam: class_index must be in \[0, 3\), got 3"):
        vis.grad_cam(nn, model, x, 3, "last_conv")


def test_superimposed_heatmap_is_listing_5_60_with_jet():
    img = np.full((4, 6, 3), 100, dtype=np.uint8)
    out = vis.superimpose_heatmap(img, np.zeros((2, 3)))
    np.testing.assert_allclose(out, np.broadcast_to(100 + 0.4 * np.array([0, 0, 128]), (4, 6, 3)))  # dark blue
    out = vis.superimpose_heatmap(img, np.ones((2, 3)))
    np.testing.assert_allclose(out, np.broadcast_to(100 + 0.4 * np.array([128, 0, 0]), (4, 6, 3)))  # dark red
    np.testing.assert_allclose(vis.jet([0.5, 0.25, 0.75]), [[0.5, 1.0, 0.5], [0.0, 0.5, 1.0], [1.0, 0.5, 0.0]])


# -- saliency (DATA 2040 §3.2.1) ---------------------------------------------------------------------------------

def test_saliency_is_the_gradient_of_the_predicted_logit(nn):
    """Dense(3, softmax) with the activation swapped for linear: logit_c = x . W[:, c] + b_c, d/dx = W[:, c]."""
    inp = nn.Input(shape=(4,))
    hidden = nn.layers.Dense(5, name="hidden")(inp)
    out = nn.layers.Dense(3, activation="softmax", name="out")(hidden)
    model = nn.models.Model(inp, out)
    r = np.random.default_rng(7)
    model.get_layer("hidden").set_weights([r.standard_normal((4, 5)).astype(np.float32), np.zeros(5, np.float32)])
    model.get_layer("out").set_weights([r.standard_normal((5, 3)).astype(np.float32),
                                        r.standard_normal(3).astype(np.float32)])
    w1 = model.get_layer("hidden").get_weights()[0].astype(np.float64)
    w2, b2 = (v.astype(np.float64) for v in model.get_layer("out").get_weights())
    x = r.random((1, 4)).astype(np.float32)
    logits = x.astype(np.float64) @ w1 @ w2 + b2
    linear = vis.logits_model(nn, model)
    np.testing.assert_allclose(linear.predict(x), logits, rtol=1e-5)
    s, c = vis.saliency(nn, linear, x)
    assert c == int(np.argmax(logits[0]))
    np.testing.assert_allclose(s, (w1 @ w2)[:, c], rtol=1e-5)
    s0, c0 = vis.saliency(nn, linear, x, class_index=0)
    assert c0 == 0
    np.testing.assert_allclose(s0, (w1 @ w2)[:, 0], rtol=1e-5)


def test_saliency_image_and_magnitude():
    s = np.array([[[-2., 0., 2.], [1., -4., 0.]]])
    np.testing.assert_array_equal(vis.saliency_image(s), (255 * (s + 4) / 6).astype("uint8"))
    np.testing.assert_array_equal(vis.saliency_magnitude(s), [[2., 4.]])
    np.testing.assert_array_equal(vis.saliency_image(np.ones((2, 2, 3))), np.zeros((2, 2, 3)))


# -- images that ship with a package, PNG files ---------------------------------------------------------------------

def test_save_png_round_trip_and_errors(tmp_path):
    from PIL import Image
    a = np.arange(24, dtype=np.uint8).reshape(2, 4, 3) * 10
    path = vis.save_png(tmp_path / "sub" / "a.png", a)
    np.testing.assert_array_equal(np.asarray(Image.open(path)), a)
    vis.save_png(tmp_path / "g.png", np.array([[-5.0, 300.0]]))
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "g.png")), [[0, 255]])
    with pytest.raises(ValueError, match=r"save_png: expected an \(h, w\) or \(h, w, 3\) image, got shape"):
        vis.save_png(tmp_path / "bad.png", np.zeros((2, 2, 4)))


def test_sample_image_ships_with_scikit_learn():
    img = _sklearn_image("china.jpg")
    assert img.shape == (427, 640, 3) and img.dtype == np.uint8
    small = _sklearn_image("flower.jpg", size=(20, 30))
    assert small.shape == (20, 30, 3) and small.dtype == np.uint8


def test_grad_cam_and_filter_pattern_on_a_package_photograph(nn, tmp_path):
    """A tiny convnet on scikit-learn's photograph (24 x 36): a heatmap in [0, 1] and a pattern, written as PNGs."""
    from PIL import Image
    img = _sklearn_image("china.jpg", size=(24, 36))
    inp = nn.Input(shape=(None, None, 3))
    x = nn.layers.Conv2D(4, 3, activation="relu", name="block1_conv1")(inp)
    x = nn.layers.Conv2D(4, 3, activation="relu", name="last_conv")(x)
    model = nn.models.Model(inp, nn.layers.Dense(2)(nn.layers.GlobalAveragePooling2D()(x)))
    heatmap, _, _ = vis.grad_cam(nn, model, img[None].astype(np.float32) / 255, 1, "last_conv")
    assert heatmap.shape == (20, 32) and 0 <= heatmap.min() and heatmap.max() <= 1
    cam = vis.superimpose_heatmap(img, heatmap)
    vis.save_png(tmp_path / "cam.png", cam)
    pattern = vis.generate_pattern(nn, model, "block1_conv1", 0, size=16, steps=3, rng=np.random.default_rng(0))
    vis.save_png(tmp_path / "pattern.png", pattern)
    assert np.asarray(Image.open(tmp_path / "cam.png")).shape == (24, 36, 3)
    assert np.asarray(Image.open(tmp_path / "pattern.png")).shape == (16, 16, 3)
