"""DLwP 8.2 DeepDream and 8.3 neural style transfer (``nnspec.zoo.deepdream``, ``nnspec.zoo.style_transfer``):
every loss against NumPy float64 on tiny arrays, the ascent / descent steps against hand computations, the octave
loop's detail reinjection, and the backend functions the listings use on KerasTensors (``K.shape`` of an
any-size image, ``K.flatten``, ``K.batch_flatten``). Runs on the package photographs are tiny here, full in the
slow tests."""

import importlib.util

import numpy as np
import pytest
from PIL import Image

from nnspec.zoo import deepdream as dd
from nnspec.zoo import style_transfer as st
from nnspec.zoo import visualization as vis

HAS_SCIPY = importlib.util.find_spec("scipy") is not None
needs_scipy = pytest.mark.skipif(not HAS_SCIPY, reason="SciPy is not installed: the book's scipy.ndimage.zoom / "
                                                       "fmin_l_bfgs_b oracle is unavailable (pip install scipy)")


pytestmark = pytest.mark.usefixtures("fresh_session")


def _sklearn_image(name, size=None):
    try:
        return vis.sample_image(name, size=size)
    except vis.SampleImageUnavailable as e:
        pytest.skip(str(e))


# -- the backend functions of the listings on KerasTensors -------------------------------------------------------

def test_shape_of_a_keras_tensor_is_the_datas(nn):
    """DeepDream's ``K.prod(K.cast(K.shape(activation), 'float32'))`` on an image of any size."""
    K = nn.backend
    x = nn.Input(shape=(None, None, 3))
    n = K.prod(K.cast(K.shape(x), "float32"))
    s = K.shape(x)
    assert s.shape == (4,)
    f = K.function([x], [s, n])
    shape, count = f([np.zeros((2, 5, 7, 3), np.float32)])
    np.testing.assert_array_equal(shape, [2, 5, 7, 3])
    assert count == 2 * 5 * 7 * 3
    np.testing.assert_array_equal(K.shape(nn.constant(np.zeros((3, 4)))).numpy(), [3, 4])


def test_flatten_and_batch_flatten(nn):
    K = nn.backend
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    np.testing.assert_array_equal(K.flatten(nn.constant(a)).numpy(), a.reshape(-1))
    np.testing.assert_array_equal(K.batch_flatten(nn.constant(a)).numpy(), a.reshape(2, 12))
    x = nn.Input(shape=(3, 4))
    assert K.flatten(x).shape == (None,) and K.batch_flatten(x).shape == (None, 12)
    flat, batch = K.function([x], [K.flatten(x), K.batch_flatten(x)])([a])
    np.testing.assert_array_equal(flat, a.reshape(-1))
    np.testing.assert_array_equal(batch, a.reshape(2, 12))


# -- DeepDream's loss and ascent (Listings 8.10-8.11) -------------------------------------------------------------

def _two_layer_model(nn, seed=0):
    """(None, None, 1) -> Conv2D(2, 1, name='a') -> Conv2D(1, 1, name='b'), linear, distinct weights."""
    inp = nn.Input(shape=(None, None, 1))
    a = nn.layers.Conv2D(2, 1, name="a")
    b = nn.layers.Conv2D(1, 1, name="b")
    model = nn.models.Model(inp, b(a(inp)))
    r = np.random.default_rng(seed)
    a.set_weights([r.standard_normal((1, 1, 1, 2)).astype(np.float32), r.standard_normal(2).astype(np.float32)])
    b.set_weights([r.standard_normal((1, 1, 2, 1)).astype(np.float32), r.standard_normal(1).astype(np.float32)])
    wa, ba = (v.astype(np.float64).reshape(-1) for v in a.get_weights())
    wb, bb = (v.astype(np.float64).reshape(-1) for v in b.get_weights())
    return model, wa, ba, wb, bb


def _dream_loss_and_grad(x, wa, ba, wb, bb, coeffs):
    """NumPy float64: loss and d loss / d x of the book's loss for the two-layer model."""
    x = x.astype(np.float64)
    act_a = x * wa + ba                                # (1, h, w, 2)
    act_b = act_a @ wb[:, None] + bb                   # (1, h, w, 1)
    inner = (slice(None), slice(2, -2), slice(2, -2), slice(None))
    loss = (coeffs["a"] * np.sum(act_a[inner] ** 2) / act_a.size
            + coeffs["b"] * np.sum(act_b[inner] ** 2) / act_b.size)
    g_a = np.zeros_like(act_a)
    g_a[inner] = 2 * coeffs["a"] * act_a[inner] / act_a.size
    g_b = np.zeros_like(act_b)
    g_b[inner] = 2 * coeffs["b"] * act_b[inner] / act_b.size
    g_a += g_b @ wb[None, :]
    return loss, (g_a @ wa[:, None])


def test_dream_loss_and_normalised_gradient_against_numpy(nn):
    model, wa, ba, wb, bb = _two_layer_model(nn)
    coeffs = {"a": 0.5, "b": 2.0}
    fetch = dd.fetch_loss_and_grads(nn, model, coeffs)
    for shape in [(1, 6, 7, 1), (1, 9, 8, 1)]:  # any image size: K.shape is the data's
        x = np.random.default_rng(1).random(shape).astype(np.float32)
        loss, grads = fetch([x])
        want_loss, g = _dream_loss_and_grad(x, wa, ba, wb, bb, coeffs)
        np.testing.assert_allclose(loss, want_loss, rtol=1e-5)
        np.testing.assert_allclose(grads, g / max(np.mean(np.abs(g)), 1e-7), rtol=1e-4, atol=1e-6)
        assert np.all(grads[:, :2] == 0) and np.all(grads[:, -2:] == 0)  # the borders do not count


def test_one_ascent_step_adds_step_times_the_gradient_and_max_loss_stops(nn):
    model, wa, ba, wb, bb = _two_layer_model(nn)
    coeffs = {"a": 0.5, "b": 2.0}
    fetch = dd.fetch_loss_and_grads(nn, model, coeffs)
    x0 = np.random.default_rng(2).random((1, 6, 6, 1)).astype(np.float32)
    x = x0.copy()
    out, losses = dd.gradient_ascent(fetch, x, iterations=1, step=0.01, print_fn=None)
    want_loss, g = _dream_loss_and_grad(x0, wa, ba, wb, bb, coeffs)
    np.testing.assert_allclose(out, x0 + 0.01 * g / np.mean(np.abs(g)), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(losses, [want_loss], rtol=1e-5)
    x = x0.copy()
    out, losses = dd.gradient_ascent(fetch, x, iterations=5, step=0.01, max_loss=want_loss / 2, print_fn=None)
    assert len(losses) == 1 and np.array_equal(out, x0)  # above max_loss at once: no step taken


def test_dream_loss_errors(nn):
    model, *_ = _two_layer_model(nn)
    with pytest.raises(ValueError, match="dream_loss: the model has no layer\\(s\\) 'mixed2'.*its layers are"):
        dd.dream_loss(nn, model)


# -- octaves (Listing 8.12) ---------------------------------------------------------------------------------------

def test_resize_img_is_linear_interpolation_by_hand():
    img = np.array([[[[0.], [6.]], [[3.], [9.]]]])  # (1, 2, 2, 1)
    out = dd.resize_img(img, (3, 4))
    # output pixel o samples input coordinate o * (n_in - 1) / (n_out - 1): rows 0, .5, 1; columns 0, 1/3, 2/3, 1
    rows = np.array([[0., 6.], [1.5, 7.5], [3., 9.]])
    want = np.stack([rows[:, 0] + (rows[:, 1] - rows[:, 0]) * t for t in (0, 1 / 3, 2 / 3, 1)], axis=1)
    np.testing.assert_allclose(out[0, :, :, 0], want)
    with pytest.raises(ValueError, match=r"resize_img: expected a \(1, h, w, channels\) batch"):
        dd.resize_img(np.zeros((2, 2, 3)), (3, 3))


@needs_scipy
def test_resize_img_equals_the_books_scipy_zoom():
    import scipy.ndimage
    r = np.random.default_rng(3)
    for shape, size in [((1, 7, 9, 3), (10, 5)), ((1, 20, 30, 3), (14, 21)), ((1, 5, 5, 2), (5, 5))]:
        img = r.random(shape)
        want = scipy.ndimage.zoom(img, (1, size[0] / shape[1], size[1] / shape[2], 1), order=1)
        np.testing.assert_allclose(dd.resize_img(img, size), want, atol=1e-12)


def test_octave_shapes_are_the_books():
    assert dd.octave_shapes((427, 640)) == [(int(427 / 1.4 ** 2), int(640 / 1.4 ** 2)), (305, 457), (427, 640)]
    assert dd.octave_shapes((50, 60), num_octave=1) == [(50, 60)]


def test_without_ascent_detail_reinjection_gives_back_the_original(nn):
    """With 0 iterations the loop only shrinks, upscales and re-injects the lost detail: the original comes back."""
    model, *_ = _two_layer_model(nn)
    x = np.random.default_rng(4).random((1, 14, 15, 1)).astype(np.float32)
    out, losses = dd.deep_dream(nn, model, x, {"a": 1.0}, iterations=0, num_octave=3, print_fn=None)
    np.testing.assert_allclose(out, x, atol=1e-5)
    assert list(losses) == dd.octave_shapes((14, 15)) and all(v == [] for v in losses.values())


@needs_scipy
def test_two_octaves_of_one_step_by_hand(nn, tmp_path):
    import scipy.ndimage

    def zoom(a, size):
        return scipy.ndimage.zoom(a, (1, size[0] / a.shape[1], size[1] / a.shape[2], 1), order=1)

    model, wa, ba, wb, bb = _two_layer_model(nn)
    coeffs = {"a": 0.5, "b": 2.0}
    x = np.random.default_rng(5).random((1, 14, 14, 1))
    s0, s1 = (10, 10), (14, 14)
    out, losses = dd.deep_dream(nn, model, x.astype(np.float32), coeffs, step=0.1, num_octave=2, iterations=1,
                                max_loss=None, out_dir=tmp_path, print_fn=None)
    img = zoom(x, s0)
    _, g = _dream_loss_and_grad(img, wa, ba, wb, bb, coeffs)
    img = img + 0.1 * g / np.mean(np.abs(g))           # ascent at the small scale (the detail lost there is 0)
    img = zoom(img, s1)
    _, g = _dream_loss_and_grad(img, wa, ba, wb, bb, coeffs)
    img = img + 0.1 * g / np.mean(np.abs(g))
    img = img + (x - zoom(zoom(x, s0), s1))            # the detail lost by shrinking to s0
    np.testing.assert_allclose(out, img, rtol=1e-4, atol=1e-4)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dream_at_scale_(10, 10).png",
                                                          "dream_at_scale_(14, 14).png", "final_dream.png"]


def test_deprocess_and_preprocess_are_inverse(nn):
    img = np.random.default_rng(6).integers(0, 256, (5, 6, 3)).astype(np.uint8)
    x = dd.preprocess_image(nn, img)
    assert x.shape == (1, 5, 6, 3)
    np.testing.assert_allclose(x[0], img / 127.5 - 1, rtol=1e-6, atol=1e-6)
    # float32 rounding may leave a value just under the integer, which the uint8 cast truncates
    np.testing.assert_allclose(dd.deprocess_image(x).astype(int), img.astype(int), atol=1)
    with pytest.raises(ValueError, match="deepdream.preprocess_image: expected an \\(h, w, channels\\) image"):
        dd.preprocess_image(nn, np.zeros((2, 2)))


def test_dream_on_a_package_photograph_writes_pngs(nn, tmp_path):
    img = _sklearn_image("china.jpg", size=(18, 27))
    inp = nn.Input(shape=(None, None, 3))
    x = nn.layers.Conv2D(4, 3, padding="same", activation="relu", name="mixed2")(inp)
    x = nn.layers.Conv2D(4, 3, padding="same", activation="relu", name="mixed3")(x)
    model = nn.models.Model(inp, x)
    out, losses = dd.deep_dream(nn, model, dd.preprocess_image(nn, img), {"mixed2": 0.2, "mixed3": 3.},
                                iterations=2, num_octave=2, out_dir=tmp_path, print_fn=None)
    final = np.asarray(Image.open(tmp_path / "final_dream.png"))
    assert final.shape == (18, 27, 3) and out.shape == (1, 18, 27, 3)
    assert all(np.isfinite(v).all() for v in losses.values())


# -- style transfer's losses (Listings 8.18-8.20) -----------------------------------------------------------------

def test_content_gram_style_and_total_variation_losses_against_numpy(nn):
    K = nn.backend
    r = np.random.default_rng(7)
    base, comb = r.standard_normal((3, 4, 5)), r.standard_normal((3, 4, 5))
    b32, c32 = base.astype(np.float32), comb.astype(np.float32)
    np.testing.assert_allclose(st.content_loss(K, nn.constant(b32), nn.constant(c32)).numpy(),
                               np.sum((c32.astype(np.float64) - b32) ** 2), rtol=1e-5)
    # Gram: G[k, l] = sum over pixels of x[..., k] * x[..., l]
    gram = np.einsum("hwk,hwl->kl", b32.astype(np.float64), b32.astype(np.float64))
    np.testing.assert_allclose(st.gram_matrix(K, nn.constant(b32)).numpy(), gram, rtol=1e-5)
    gc = np.einsum("hwk,hwl->kl", c32.astype(np.float64), c32.astype(np.float64))
    h, w = 6, 7  # the image's size, not the layer's (the book's size = img_height * img_width, channels = 3)
    np.testing.assert_allclose(st.style_loss(K, nn.constant(b32), nn.constant(c32), h, w).numpy(),
                               np.sum((gram - gc) ** 2) / (4. * 3 ** 2 * (h * w) ** 2), rtol=1e-5)
    x = r.standard_normal((1, 4, 5, 3)).astype(np.float32)
    x64 = x.astype(np.float64)
    a = (x64[:, :3, :4] - x64[:, 1:, :4]) ** 2
    b = (x64[:, :3, :4] - x64[:, :3, 1:]) ** 2
    np.testing.assert_allclose(st.total_variation_loss(K, nn.constant(x), 4, 5).numpy(),
                               np.sum((a + b) ** 1.25), rtol=1e-5)


def _chain_network(nn, weights):
    """``network(input_tensor)``: 1x1 convolutions named as VGG19's style and content layers, in a chain."""
    names = st.STYLE_LAYERS[:4] + ["block5_conv1", "block5_conv2"]

    def network(input_tensor):
        from nnspec.reference.applications.imagenet_utils import _source_inputs
        x = input_tensor
        for name, (w, b) in zip(names, weights):
            layer = nn.layers.Conv2D(3, 1, name=name)
            x = layer(x)
            layer.set_weights([w.astype(np.float32), b.astype(np.float32)])
        return nn.models.Model(_source_inputs(input_tensor), x)
    return network, names


def _random_chain(seed):
    r = np.random.default_rng(seed)
    return [(r.standard_normal((1, 1, 3, 3)) * 0.5, r.standard_normal(3) * 0.1) for _ in range(6)]


def _style_total_loss(comb, target, style, weights, h, w):
    """NumPy float64: Listing 8.21's total loss for the chain network."""
    feats = {}
    batch = np.concatenate([target, style, comb]).astype(np.float64)
    x = batch
    for name, (k, b) in zip(st.STYLE_LAYERS[:4] + ["block5_conv1", "block5_conv2"], weights):
        x = x @ k[0, 0] + b
        feats[name] = x

    def gram(f):
        return np.einsum("hwk,hwl->kl", f, f)

    loss = 0.025 * np.sum((feats["block5_conv2"][2] - feats["block5_conv2"][0]) ** 2)
    for name in st.STYLE_LAYERS:
        s, c = gram(feats[name][1]), gram(feats[name][2])
        loss += (1. / 5) * np.sum((s - c) ** 2) / (4. * 9 * (h * w) ** 2)
    c = comb.astype(np.float64)
    a = (c[:, :h - 1, :w - 1] - c[:, 1:, :w - 1]) ** 2
    bb = (c[:, :h - 1, :w - 1] - c[:, :h - 1, 1:]) ** 2
    return loss + 1e-4 * np.sum((a + bb) ** 1.25)


def test_style_transfer_total_loss_and_gradient_against_numpy(nn):
    r = np.random.default_rng(8)
    h, w = 4, 5
    target, style, comb = (r.standard_normal((1, h, w, 3)).astype(np.float32) * 10 for _ in range(3))
    weights = _random_chain(9)
    network, _ = _chain_network(nn, weights)
    built = st.build(nn, target, style, network=network)
    loss, grads = built.fetch_loss_and_grads([comb])
    want = _style_total_loss(comb, target, style, weights, h, w)
    np.testing.assert_allclose(loss, want, rtol=1e-4)
    # the gradient against central differences of the float64 NumPy loss at a few pixels
    for idx in [(0, 0, 0, 0), (0, 1, 2, 1), (0, 3, 4, 2), (0, 2, 0, 1)]:
        e = np.zeros(comb.shape)
        e[idx] = 1e-3
        fd = (_style_total_loss(comb + e, target, style, weights, h, w)
              - _style_total_loss(comb - e, target, style, weights, h, w)) / 2e-3
        np.testing.assert_allclose(grads[idx], fd, rtol=2e-3, atol=1e-3 * abs(want) / comb.size)


def _content_only(nn, h=4, w=5, seed=10):
    """Identity 1x1 convolutions and content_weight 1 only: the loss is sum((c - t) ** 2), its gradient 2 (c - t)."""
    eye = [(np.eye(3).reshape(1, 1, 3, 3), np.zeros(3)) for _ in range(6)]
    network, _ = _chain_network(nn, eye)
    r = np.random.default_rng(seed)
    target, style = (r.standard_normal((1, h, w, 3)).astype(np.float32) * 10 for _ in range(2))
    built = st.build(nn, target, style, network=network, total_variation_weight=0., style_weight=0.,
                     content_weight=1.)
    return built, target


def test_one_gradient_descent_step_by_hand(nn):
    built, target = _content_only(nn)
    x0 = np.zeros_like(target, dtype=np.float64)
    img, losses, used = st.transfer(built, x0, iterations=1, maxfun=1, optimizer="gradient_descent", step=2.,
                                    print_fn=None)
    g = 2 * (x0 - target)
    x1 = x0 - 2. * g / np.mean(np.abs(g))
    assert used == "gradient_descent"
    np.testing.assert_allclose(losses, [np.sum((x1 - target) ** 2)], rtol=1e-5)
    np.testing.assert_array_equal(img.astype(int), st.deprocess_image(x1[0]).astype(int))


@needs_scipy
def test_lbfgs_minimises_the_content_loss(nn, tmp_path):
    built, target = _content_only(nn)
    x0 = np.zeros_like(target)
    img, losses, used = st.transfer(built, x0, iterations=2, maxfun=20, out_dir=tmp_path, print_fn=None)
    assert used == "lbfgs" and losses[-1] < 1e-3 * np.sum(target.astype(np.float64) ** 2)
    np.testing.assert_allclose(img.astype(int), st.deprocess_image(target[0]).astype(int), atol=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my_result_at_iteration_0.png",
                                                          "my_result_at_iteration_1.png"]


def test_evaluator_hands_the_gradient_of_the_last_loss(nn):
    built, target = _content_only(nn)
    ev = st.Evaluator(built.fetch_loss_and_grads, 4, 5)
    x = np.ones(4 * 5 * 3)
    value = ev.loss(x)
    g = ev.grads(x)
    np.testing.assert_allclose(value, np.sum((1 - target.astype(np.float64)) ** 2), rtol=1e-5)
    assert g.dtype == np.float64 and g.shape == (60,)
    np.testing.assert_allclose(g, (2 * (1 - target.astype(np.float64))).reshape(-1), rtol=1e-5)
    assert ev.loss_value is None and ev.grad_values is None


def test_style_images_and_errors(nn):
    img = np.random.default_rng(11).integers(0, 256, (6, 8, 3)).astype(np.uint8)
    x = st.preprocess_image(nn, img, 6, 8)
    np.testing.assert_allclose(x[0], img[..., ::-1] - np.array([103.939, 116.779, 123.68]), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(st.deprocess_image(x[0]).astype(int), img.astype(int), atol=1)  # float32 truncation
    assert st.preprocess_image(nn, img, 3, 4).shape == (1, 3, 4, 3)
    with pytest.raises(ValueError, match="style_transfer.build: expected two preprocessed batches"):
        st.build(nn, x, x[:, :3])
    with pytest.raises(ValueError, match="style_transfer.transfer: optimizer must be 'lbfgs' or 'gradient_descent'"):
        st.transfer(None, x, optimizer="adam")
    network, _ = _chain_network(nn, _random_chain(0))
    with pytest.raises(ValueError, match="style_transfer.build: the network has no layer\\(s\\) 'conv9'"):
        st.build(nn, x, x, network=network, content_layer="conv9")


def test_style_transfer_of_the_package_photographs(nn, tmp_path):
    h, w = 8, 12
    target = st.preprocess_image(nn, _sklearn_image("china.jpg", (h, w)), h, w)
    style = st.preprocess_image(nn, _sklearn_image("flower.jpg", (h, w)), h, w)
    network, _ = _chain_network(nn, _random_chain(12))
    built = st.build(nn, target, style, network=network)
    img, losses, _ = st.transfer(built, target, iterations=2, maxfun=3, out_dir=tmp_path, print_fn=None)
    assert img.shape == (h, w, 3) and img.dtype == np.uint8 and losses[1] <= losses[0]
    assert np.asarray(Image.open(tmp_path / "my_result_at_iteration_1.png")).shape == (h, w, 3)


# -- the zoo runs on the real networks (slow) ----------------------------------------------------------------------

def _slow(request):
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("runs InceptionV3 / VGG19 on a photograph for minutes: select with -m slow (tox -e slow)")


@pytest.mark.slow
def test_deepdream_zoo_run_on_a_package_photograph(request, nn, tmp_path):
    _slow(request)
    _sklearn_image("china.jpg")
    from nnspec.zoo import chollet_generative as cg
    from nnspec.zoo import recipes
    entry = {e.name: e for e in cg.CHOLLET_GENERATIVE_ENTRIES}["deepdream_inception_v3"]
    recipes.RECIPES.setdefault("deepdream", cg.CHOLLET_GENERATIVE_RECIPES["deepdream"])
    result = recipes.run(entry, nn, verbose=0, seed=0, out=tmp_path)
    final = np.asarray(Image.open(tmp_path / "final_dream.png"))
    assert final.shape == (160, 239, 3) and np.isfinite(result.evaluation["loss"])
    assert len(list(tmp_path.glob("dream_at_scale_*.png"))) == 3


@pytest.mark.slow
def test_style_transfer_zoo_run_on_the_package_photographs(request, nn, tmp_path):
    _slow(request)
    _sklearn_image("china.jpg")
    from nnspec.zoo import chollet_generative as cg
    from nnspec.zoo import recipes
    entry = {e.name: e for e in cg.CHOLLET_GENERATIVE_ENTRIES}["style_transfer_vgg19"]
    recipes.RECIPES.setdefault("style_transfer", cg.CHOLLET_GENERATIVE_RECIPES["style_transfer"])
    result = recipes.run(entry, nn, verbose=0, seed=0, out=tmp_path)
    losses = result.extras["losses"]
    assert losses[-1] < losses[0] and len(list(tmp_path.glob("my_result_at_iteration_*.png"))) == 10
    assert np.asarray(Image.open(tmp_path / "my_result_at_iteration_9.png")).shape == (48, 71, 3)
