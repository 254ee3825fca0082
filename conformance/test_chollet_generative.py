"""DLwP 8.4 (the VAE with a custom loss layer and add_loss) and 8.5 (the DCGAN) in ``nnspec.zoo.chollet_generative``:
summaries row by row and parameter counts to the digit (the book prints none of these tables: the rows are the
notes' derived shapes and counts, written out with their arithmetic), the VAE's add_loss value against NumPy
float64, training steps, the GAN's trainable rule and the book's training step (label noise, misleading targets),
the zoo entries and recipes."""

import re

import numpy as np
import pytest
from harness.realdata import require_real_data
from harness.summaries import read_summary as _read_summary
from PIL import Image

from nnspec.zoo import chollet_generative as cg
from nnspec.zoo import recipes

ENTRIES = {e.name: e for e in cg.CHOLLET_GENERATIVE_ENTRIES}


pytestmark = pytest.mark.usefixtures("fresh_seeded_session")




def read_summary(model):
    """(rows, totals) of ``model.summary()`` printed 240 characters wide (no cell cut): harness/summaries.py."""
    return _read_summary(model, line_length=240)


# -- the rows (notes §2.53 / §2.54 "Derived params", in a fresh session) --------------------------------------------

VAE_ROWS = [
    ("input_1", "InputLayer", "(None, 28, 28, 1)", 0, ()),
    ("conv2d_1", "Conv2D", "(None, 28, 28, 32)", 9 * 1 * 32 + 32, ("input_1[0][0]",)),           # 320
    ("conv2d_2", "Conv2D", "(None, 14, 14, 64)", 9 * 32 * 64 + 64, ("conv2d_1[0][0]",)),         # 18,496
    ("conv2d_3", "Conv2D", "(None, 14, 14, 64)", 9 * 64 * 64 + 64, ("conv2d_2[0][0]",)),         # 36,928
    ("conv2d_4", "Conv2D", "(None, 14, 14, 64)", 9 * 64 * 64 + 64, ("conv2d_3[0][0]",)),
    ("flatten_1", "Flatten", "(None, 12544)", 0, ("conv2d_4[0][0]",)),                           # 14 * 14 * 64
    ("dense_1", "Dense", "(None, 32)", 12544 * 32 + 32, ("flatten_1[0][0]",)),                   # 401,440
    ("dense_2", "Dense", "(None, 2)", 32 * 2 + 2, ("dense_1[0][0]",)),                           # z_mean
    ("dense_3", "Dense", "(None, 2)", 32 * 2 + 2, ("dense_1[0][0]",)),                           # z_log_var
    ("lambda_1", "Lambda", "(None, 2)", 0, ("dense_2[0][0]", "dense_3[0][0]")),
    ("model_1", "Model", "(None, 28, 28, 1)", 37632 + 18464 + 289, ("lambda_1[0][0]",)),         # the decoder
    # Keras 2.2.4 lists every shape its default compute_output_shape gives for the two inputs
    ("custom_variational_layer_1", "CustomVariationalLayer", "[(None, 28, 28, 1), (None, 28, 28, 1)]", 0,
     ("input_1[0][0]", "model_1[1][0]")),
]
DECODER_ROWS = [  # built after the encoder in the same session: input_2, dense_4, ...
    ("input_2", "InputLayer", "(None, 2)", 0),
    ("dense_4", "Dense", "(None, 12544)", 2 * 12544 + 12544),                                    # 37,632
    ("reshape_1", "Reshape", "(None, 14, 14, 64)", 0),
    ("conv2d_transpose_1", "Conv2DTranspose", "(None, 28, 28, 32)", 9 * 64 * 32 + 32),          # 18,464
    ("conv2d_5", "Conv2D", "(None, 28, 28, 1)", 9 * 32 * 1 + 1),                                 # 289
]
GENERATOR_ROWS = [
    ("input_1", "InputLayer", "(None, 32)", 0),
    ("dense_1", "Dense", "(None, 32768)", 32 * 32768 + 32768),                                   # 1,081,344
    ("leaky_re_lu_1", "LeakyReLU", "(None, 32768)", 0),
    ("reshape_1", "Reshape", "(None, 16, 16, 128)", 0),
    ("conv2d_1", "Conv2D", "(None, 16, 16, 256)", 25 * 128 * 256 + 256),                         # 819,456
    ("leaky_re_lu_2", "LeakyReLU", "(None, 16, 16, 256)", 0),
    ("conv2d_transpose_1", "Conv2DTranspose", "(None, 32, 32, 256)", 16 * 256 * 256 + 256),      # 1,048,832
    ("leaky_re_lu_3", "LeakyReLU", "(None, 32, 32, 256)", 0),
    ("conv2d_2", "Conv2D", "(None, 32, 32, 256)", 25 * 256 * 256 + 256),                         # 1,638,656
    ("leaky_re_lu_4", "LeakyReLU", "(None, 32, 32, 256)", 0),
    ("conv2d_3", "Conv2D", "(None, 32, 32, 256)", 25 * 256 * 256 + 256),
    ("leaky_re_lu_5", "LeakyReLU", "(None, 32, 32, 256)", 0),
    ("conv2d_4", "Conv2D", "(None, 32, 32, 3)", 49 * 256 * 3 + 3),                               # 37,635
]
DISCRIMINATOR_ROWS = [  # after the generator in the same session (Listing 8.32 follows 8.31)
    ("input_2", "InputLayer", "(None, 32, 32, 3)", 0),
    ("conv2d_5", "Conv2D", "(None, 30, 30, 128)", 9 * 3 * 128 + 128),                            # 3,584
    ("leaky_re_lu_6", "LeakyReLU", "(None, 30, 30, 128)", 0),
    ("conv2d_6", "Conv2D", "(None, 14, 14, 128)", 16 * 128 * 128 + 128),                         # 262,272
    ("leaky_re_lu_7", "LeakyReLU", "(None, 14, 14, 128)", 0),
    ("conv2d_7", "Conv2D", "(None, 6, 6, 128)", 16 * 128 * 128 + 128),
    ("leaky_re_lu_8", "LeakyReLU", "(None, 6, 6, 128)", 0),
    ("conv2d_8", "Conv2D", "(None, 2, 2, 128)", 16 * 128 * 128 + 128),
    ("leaky_re_lu_9", "LeakyReLU", "(None, 2, 2, 128)", 0),
    ("flatten_1", "Flatten", "(None, 512)", 0),
    ("dropout_1", "Dropout", "(None, 512)", 0),
    ("dense_2", "Dense", "(None, 1)", 512 + 1),
]
GAN_ROWS = [
    ("input_3", "InputLayer", "(None, 32)", 0),
    ("model_1", "Model", "(None, 32, 32, 3)", 6264579),
    ("model_2", "Model", "(None, 1)", 790913),
]


def _totals(total, trainable=None):
    trainable = total if trainable is None else trainable
    return {"Total": total, "Trainable": trainable, "Non-trainable": total - trainable}


def test_the_derived_rows_add_up_to_the_notes_totals():
    assert sum(r[3] for r in VAE_ROWS) == 550_629 and sum(r[3] for r in VAE_ROWS[:9]) == 494_244
    assert sum(r[3] for r in DECODER_ROWS) == 56_385
    assert sum(r[3] for r in GENERATOR_ROWS) == 6_264_579
    assert sum(r[3] for r in DISCRIMINATOR_ROWS) == 790_913
    assert sum(r[3] for r in GAN_ROWS) == 7_055_492


def test_vae_summary_row_by_row(nn):
    parts = cg.build_vae(nn)
    assert parts.shape_before_flattening == (None, 14, 14, 64)
    assert read_summary(parts.vae) == (VAE_ROWS, _totals(550_629))
    rows, totals = read_summary(parts.decoder)
    assert [r[:4] for r in rows] == DECODER_ROWS and totals == _totals(56_385)
    lines = []
    parts.vae.summary(print_fn=lines.append)  # the 98-wide Keras 2 table cuts the type and the list of shapes
    row = next(line for line in lines if line.startswith("custom_variational_layer_1"))
    assert row.startswith("custom_variational_layer_1 (Cus [(None, 28, 28, 1),  0           input_1[0][0]")


def test_the_custom_layer_returns_one_tensor(nn):
    parts = cg.build_vae(nn)
    layer = parts.vae.layers[-1]
    assert type(layer).__name__ == "CustomVariationalLayer" and isinstance(layer, nn.layers.Layer)
    assert parts.vae.output.shape == (None, 28, 28, 1) and len(parts.vae.outputs) == 1
    assert layer.output_shape == [(None, 28, 28, 1), (None, 28, 28, 1)]


def test_dcgan_summaries_row_by_row_and_the_frozen_discriminator(nn):
    parts = cg.build_dcgan(nn)
    rows, totals = read_summary(parts.generator)
    assert [r[:4] for r in rows] == GENERATOR_ROWS and totals == _totals(6_264_579)
    rows, totals = read_summary(parts.discriminator)
    # Keras 2.2.4's print_summary counts the weights collected at compile (all 790,913 trainable then) plus the
    # non-trainable ones now (all of them, the flag being False): the well-known doubled total of a frozen GAN
    # discriminator's table
    assert [r[:4] for r in rows] == DISCRIMINATOR_ROWS
    assert totals == {"Total": 2 * 790_913, "Trainable": 790_913, "Non-trainable": 790_913}
    rows, totals = read_summary(parts.gan)
    assert [r[:4] for r in rows] == GAN_ROWS and totals == _totals(7_055_492, 6_264_579)
    assert len(parts.gan._collected_trainable_weights) == 12  # the generator's 6 kernels and 6 biases


def test_dcgan_layers_have_the_books_arguments(nn):
    parts = cg.build_dcgan(nn)
    g = {layer.name: layer for layer in parts.generator.layers}
    assert g["conv2d_transpose_1"].strides == (2, 2) and g["conv2d_transpose_1"].kernel_size == (4, 4)
    assert g["conv2d_4"].activation.__name__ == "tanh" and g["conv2d_4"].kernel_size == (7, 7)
    assert all(layer.alpha == pytest.approx(0.3) for layer in parts.generator.layers if "leaky" in layer.name)
    d = {layer.name: layer for layer in parts.discriminator.layers}
    assert d["dropout_1"].rate == 0.4 and d["dense_2"].activation.__name__ == "sigmoid"
    for model, lr in ((parts.discriminator, 0.0008), (parts.gan, 0.0004)):
        opt = model.optimizer
        assert type(opt).__name__ == "RMSprop" and opt.clipvalue == 1.0
        assert nn.backend.get_value(opt.lr) == pytest.approx(lr) and nn.backend.get_value(opt.decay) == \
            pytest.approx(1e-8)
        assert model.loss == "binary_crossentropy"


# -- add_loss (Keras 2.2.4 Layer.add_loss(losses, inputs=None)) ---------------------------------------------------

def test_a_loss_added_in_call_belongs_to_that_call(nn):
    K = nn.backend

    class Penalty(nn.layers.Layer):
        def call(self, inputs):
            self.add_loss(K.sum(inputs[1]), inputs=inputs)
            return inputs[0]

    a, b = nn.Input(shape=(2,)), nn.Input(shape=(2,))
    layer = Penalty()
    out = layer([a, b])
    assert out.shape == (None, 2)
    model = nn.models.Model([a, b], out)
    model.compile(optimizer="sgd", loss=None)
    x = np.ones((3, 2), np.float32)
    for scale in (1.0, 2.0, 5.0):
        value = model.train_on_batch([x, scale * x], None)
        np.testing.assert_allclose(value, 6 * scale, rtol=1e-6)
        assert len(layer.losses) == 1  # the previous batch's loss is gone
    np.testing.assert_allclose(model.evaluate([x, 3 * x], None, verbose=0), 18.0, rtol=1e-6)


# -- 8.4 the VAE's loss and training -------------------------------------------------------------------------------

def _vae_inputs(n, shape, seed):
    r = np.random.default_rng(seed)
    return (r.random((n,) + shape) > 0.6).astype(np.float32) * 0.9 + 0.05


def test_vae_add_loss_value_against_numpy(nn):
    """With z_log_var's bias at -30 the sample is z_mean (exp(-30) * epsilon < 1e-12): the loss is the mean over all
    pixels of the binary crossentropy (clipped at 1e-7) plus -5e-4 * mean_j(1 + lv - m ** 2 - exp(lv)) per image,
    averaged over the batch."""
    parts = cg.build_vae(nn, img_shape=(8, 8, 1))
    log_var_layer = parts.vae.get_layer("dense_3")
    w, b = log_var_layer.get_weights()
    log_var_layer.set_weights([w * 0.01, np.full_like(b, -30.0)])
    parts.vae.compile(optimizer=nn.optimizers.SGD(lr=0.0), loss=None)
    x = _vae_inputs(4, (8, 8, 1), 1)
    encoder = nn.models.Model(parts.input_img, [parts.z_mean, parts.z_log_var])
    m, lv = (v.astype(np.float64) for v in encoder.predict(x))
    p = np.clip(parts.decoder.predict(m).astype(np.float64), 1e-7, 1 - 1e-7)
    t = x.astype(np.float64)
    xent = np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p)))
    kl = -5e-4 * np.mean(1 + lv - m ** 2 - np.exp(lv), axis=-1)
    want = np.mean(xent + kl)
    np.testing.assert_allclose(parts.vae.evaluate(x, None, batch_size=4, verbose=0), want, rtol=1e-5)
    np.testing.assert_allclose(parts.vae.train_on_batch(x, None), want, rtol=1e-5)
    assert len(parts.vae.losses) == 1


def test_vae_fit_with_y_none_lowers_the_loss(nn):
    parts = cg.build_vae(nn, img_shape=(8, 8, 1))
    parts.vae.compile(**cg.compile_vae(nn))
    x = _vae_inputs(32, (8, 8, 1), 2)
    history = parts.vae.fit(x=x, y=None, shuffle=True, epochs=4, batch_size=16, validation_data=(x, None), verbose=0)
    assert sorted(history.history) == ["loss", "val_loss"]
    losses = history.history["loss"]
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]


def test_latent_grid_is_norm_ppf_of_the_books_linspace():
    grid = cg.latent_grid(15)
    assert grid.shape == (15,)
    np.testing.assert_allclose(grid[[0, 7, 14]], [-1.6448536269514722, 0.0, 1.6448536269514722], atol=1e-12)
    np.testing.assert_allclose(cg.latent_grid(3), [-1.6448536269514722, 0.0, 1.6448536269514722], atol=1e-12)


def test_decode_manifold_puts_y_on_rows_and_x_on_columns():
    class Decoder:
        """Decodes (x, y) to a 2x2 image of x, y, x + y, 0 (and records the batches)."""
        seen = []

        def predict(self, z, batch_size):
            self.seen.append(z.copy())
            out = np.zeros((len(z), 2, 2, 1))
            out[:, 0, 0, 0], out[:, 0, 1, 0], out[:, 1, 0, 0] = z[:, 0], z[:, 1], z[:, 0] + z[:, 1]
            return out

    decoder = Decoder()
    figure = cg.decode_manifold(decoder, n=3, digit_size=2, batch_size=4)
    g = cg.latent_grid(3)
    assert figure.shape == (6, 6) and len(decoder.seen) == 9
    assert all(z.shape == (4, 2) and np.all(z == z[0]) for z in decoder.seen)  # one point tiled to the batch
    for i in range(3):
        for j in range(3):
            np.testing.assert_allclose(figure[2 * i:2 * i + 2, 2 * j:2 * j + 2], [[g[j], g[i]], [g[i] + g[j], 0]])


# -- 8.5 the DCGAN's training step -------------------------------------------------------------------------------

def _small_dcgan(nn):
    """The book's layers with 4 filters each (32 x 32 stays: the discriminator's strides need it)."""
    return cg.build_dcgan(nn, latent_dim=4, start_filters=4, filters=4, discriminator_filters=4)


class _Recorder:
    """Stands for a model in train_step's parts, recording what train_on_batch receives."""

    def __init__(self, model):
        self.model, self.calls = model, []

    def train_on_batch(self, x, y):
        self.calls.append((np.array(x), np.array(y)))
        return self.model.train_on_batch(x, y)

    def predict(self, x):
        self.calls.append((np.array(x), None))
        return self.model.predict(x)


def test_train_step_is_listing_8_35(nn):
    parts = _small_dcgan(nn)
    g, d, gan = _Recorder(parts.generator), _Recorder(parts.discriminator), _Recorder(parts.gan)
    recorded = cg._Parts(generator=g, discriminator=d, gan=gan, latent_dim=4)
    real = np.random.default_rng(0).random((5, 32, 32, 3)).astype(np.float32)
    g_before = [w.copy() for w in parts.generator.get_weights()]
    d_loss, a_loss, generated = cg.train_step(recorded, real, rng=np.random.default_rng(1))
    # the same draws, in the book's order: latent vectors, label noise, latent vectors
    r = np.random.default_rng(1)
    latent1 = r.normal(size=(5, 4))
    noise = 0.05 * r.random((10, 1))
    latent2 = r.normal(size=(5, 4))
    np.testing.assert_allclose(g.calls[0][0], latent1)
    combined, labels = d.calls[0]
    np.testing.assert_allclose(combined[:5], generated, rtol=1e-6)
    np.testing.assert_array_equal(combined[5:], real)
    np.testing.assert_allclose(labels, np.concatenate([np.ones((5, 1)), np.zeros((5, 1))]) + noise)
    np.testing.assert_allclose(gan.calls[0][0], latent2)
    np.testing.assert_array_equal(gan.calls[0][1], np.zeros((5, 1)))
    assert np.isfinite(d_loss) and np.isfinite(a_loss)
    # the discriminator trained on its own, the gan step moved only the generator
    d_after_own_step = [w.copy() for w in parts.discriminator.get_weights()]
    parts.gan.train_on_batch(latent2, np.zeros((5, 1)))
    for a, b in zip(d_after_own_step, parts.discriminator.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(g_before, parts.generator.get_weights()))


def test_the_discriminator_trains_alone_and_is_frozen_in_gan(nn):
    parts = _small_dcgan(nn)
    before = [w.copy() for w in parts.discriminator.get_weights()]
    parts.discriminator.train_on_batch(np.random.default_rng(4).random((2, 32, 32, 3)), np.ones((2, 1)))
    assert all(not np.array_equal(a, b) for a, b in zip(before, parts.discriminator.get_weights()))


def test_train_dcgan_walks_the_data_and_writes_the_books_pngs(nn, tmp_path):
    parts = _small_dcgan(nn)
    x = np.random.default_rng(2).random((7, 32, 32, 3)).astype(np.float32)
    printed = []
    history = cg.train_dcgan(parts, x, iterations=4, batch_size=3, rng=np.random.default_rng(3), save_dir=tmp_path,
                             save_every=2, print_fn=lambda *a: printed.append(a))
    assert len(history["d_loss"]) == len(history["a_loss"]) == 4
    assert all(np.isfinite(history["d_loss"])) and all(np.isfinite(history["a_loss"]))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated_frog0.png", "generated_frog2.png",
                                                          "real_frog0.png", "real_frog2.png"]
    # batches start at 0, 3, then 0 again (6 > 7 - 3): step 2 shows the first real image
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "real_frog2.png")),
                                  np.clip(x[0] * 255., 0, 255).astype("uint8"))
    assert [p[0] for p in printed] == ["discriminator loss:", "adversarial loss:"] * 2
    with pytest.raises(ValueError, match="train_dcgan: expected at least batch_size=20 images"):
        cg.train_dcgan(parts, x, iterations=1)


# -- zoo entries and recipes -------------------------------------------------------------------------------------

def test_entries_build_with_their_parameter_counts(nn):
    want = {"chollet_vae": 550_629, "chollet_vae_decoder": 56_385, "dcgan_generator": 6_264_579,
            "dcgan_discriminator": 790_913, "dcgan": 7_055_492, "deepdream_inception_v3": 21_802_784,
            "style_transfer_vgg19": 20_024_384}
    assert {n: e.params for n, e in ENTRIES.items()} == want
    for name, entry in ENTRIES.items():
        if name in ("deepdream_inception_v3", "style_transfer_vgg19"):
            continue  # built in test_the_networks_of_the_image_entries
        assert entry.make(nn).count_params() == entry.params
        assert entry.recipe is None or entry.recipe in cg.CHOLLET_GENERATIVE_RECIPES
        assert re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", name) and entry.params_note and entry.section


def test_the_networks_of_the_image_entries(nn):
    for name in ("deepdream_inception_v3", "style_transfer_vgg19"):
        model = ENTRIES[name].make(nn)
        assert model.count_params() == ENTRIES[name].params and model.input.shape == (None, None, None, 3)
    model = ENTRIES["deepdream_inception_v3"].make(nn)
    assert {"mixed2", "mixed3", "mixed4", "mixed5"} <= {layer.name for layer in model.layers}


def test_entry_compile_arguments(nn):
    vae = ENTRIES["chollet_vae"].make(nn, compile=True)
    assert vae.loss is None and type(vae.optimizer).__name__ == "RMSprop"
    gan = ENTRIES["dcgan"].make(nn, compile=True)
    assert nn.backend.get_value(gan.optimizer.lr) == pytest.approx(0.0004)
    with pytest.raises(ValueError, match="the book does not compile this model"):
        ENTRIES["dcgan_generator"].make(nn, compile=True)


@pytest.fixture
def wired(monkeypatch):
    for key, recipe in cg.CHOLLET_GENERATIVE_RECIPES.items():
        monkeypatch.setitem(recipes.RECIPES, key, recipe)


@pytest.mark.slow
def test_vae_recipe_on_synthetic_data_writes_the_manifold(nn, wired, tmp_path):
    """Seconds to a quarter minute: with the slow cases (zoo's synthetic recipe runs cover the recipe otherwise)."""
    result = recipes.run(ENTRIES["chollet_vae"], nn, synthetic=True, epochs=1, seed=0, verbose=0,
                         samples=tmp_path / "manifold.png")
    assert isinstance(result.history, nn.callbacks.History) and result.history.epoch == [0]
    assert np.isfinite(result.evaluation["loss"])
    assert np.asarray(Image.open(tmp_path / "manifold.png")).shape == (3 * 28, 3 * 28)


def test_dcgan_recipe_on_synthetic_data(nn, wired, tmp_path):
    result = recipes.run(ENTRIES["dcgan"], nn, synthetic=True, epochs=1, seed=0, verbose=0, out=tmp_path)
    assert isinstance(result.history, nn.callbacks.History) and result.history.epoch == [0]
    assert sorted(result.evaluation) == ["a_loss", "d_loss"] and all(np.isfinite(list(result.evaluation.values())))
    assert (tmp_path / "generated_frog0.png").exists() and (tmp_path / "real_frog1.png").exists()


def test_deepdream_recipe_on_a_synthetic_image(nn, wired, tmp_path):
    result = recipes.run(ENTRIES["deepdream_inception_v3"], nn, synthetic=True, seed=0, verbose=0, out=tmp_path)
    assert np.isfinite(result.evaluation["loss"]) and result.extras["image"].shape == (80, 119, 3)
    assert (tmp_path / "final_dream.png").exists()
    with pytest.raises(ValueError, match="takes the options"):
        recipes.run(ENTRIES["style_transfer_vgg19"], nn, synthetic=True, steps=3)


@pytest.mark.slow
def test_style_recipe_on_synthetic_images(nn, wired):
    """VGG19 on a batch of three 32 x 47 images: with the slow cases."""
    result = recipes.run(ENTRIES["style_transfer_vgg19"], nn, synthetic=True, seed=0, verbose=0, maxfun=1)
    assert np.isfinite(result.evaluation["loss"]) and result.extras["image"].shape == (32, 47, 3)


# -- real data (slow) ---------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_vae_on_mnist_loss_falls_and_the_manifold_is_saved(request, nn, tmp_path):
    require_real_data(request, nn, "mnist")
    (x_train, _), (x_test, _) = nn.datasets.mnist.load_data()
    x_train = (x_train[:4000].astype("float32") / 255.)[..., None]
    x_test = (x_test[:500].astype("float32") / 255.)[..., None]
    nn.random.seed(0)
    parts = cg.build_vae(nn)
    parts.vae.compile(**cg.compile_vae(nn))
    before = parts.vae.evaluate(x_test, None, batch_size=16, verbose=0)
    history = parts.vae.fit(x=x_train, y=None, shuffle=True, epochs=2, batch_size=16, validation_data=(x_test, None),
                            verbose=0)
    # The epoch means of the training loss are no measure here: in the first steps RMSprop's unit-size updates of the
    # 401,408 weights of dense_1 can throw one batch's z_log_var to ~30, and the book's KL term -5e-4 mean(-exp(lv))
    # makes that batch's loss ~1e10 once (the next update brings it back). The test loss shows the learning.
    after = parts.vae.evaluate(x_test, None, batch_size=16, verbose=0)
    assert after < 0.3 < before and history.history["val_loss"][-1] < 0.3
    figure = cg.decode_manifold(parts.decoder, n=15)
    from nnspec.zoo.visualization import save_png
    save_png(tmp_path / "vae_manifold.png", np.round(figure * 255))
    assert np.asarray(Image.open(tmp_path / "vae_manifold.png")).shape == (420, 420)


@pytest.mark.slow
def test_dcgan_on_cifar10_frogs_keeps_finite_losses(request, nn, wired, tmp_path):
    require_real_data(request, nn, "cifar10")
    result = recipes.run(ENTRIES["dcgan"], nn, seed=0, verbose=0, iterations=3, out=tmp_path, save_every=1)
    losses = result.extras["losses"]
    assert all(np.isfinite(losses["d_loss"])) and all(np.isfinite(losses["a_loss"]))
    assert len(list(tmp_path.glob("generated_frog*.png"))) == 3
