"""Foster ch. 4's GAN, WGAN and WGAN-GP (``nnspec.zoo.gans``).

The printed tables (GDL Figures 4-4 and 4-5; notes seed-foster.md §3 S9, S10) are pasted as the notes transcribe
them and compared row by row with ``summary()`` read at a width where no cell is cut. Figure 4-5 was printed in a
session whose layer numbers had run on (``dense_9``, ``activation_36``): its auto-names are compared by prefix,
with one constant offset per prefix, and the fresh-session names are written out. The models the text does not
tabulate have their rows written out with the parameter arithmetic (notes D2-D5).

Runtime cases use tiny configurations and data made here. The gradient penalty is computed independently in
NumPy float64 (a hand-written forward pass and input gradient of a Conv2D -> LeakyReLU -> Dense critic), and its
gradient with respect to the critic's weights, which the implementation gets by differentiating a gradient, is
checked against central differences of that NumPy penalty.
"""

import functools

import numpy as np
import pytest
from harness.realdata import require_real_data
from harness.summaries import parse_summary

from nnspec.zoo import gans as G
from nnspec.zoo import recipes
from nnspec.zoo.gans import CAMEL, GAN, GAN_ENTRIES, GAN_RECIPES, WGAN, WGAN_HORSES, WGANGP, WGANGP_FACES

ENTRIES = {e.name: e for e in GAN_ENTRIES}

# 8x8x1 images: discriminator 8 -> 4 -> 2; generator 2 -> 4 -> 8 by up-sampling (GAN) or strided
# Conv2DTranspose (the WGAN-GP case below)
TINY_GAN = dict(input_dim=(8, 8, 1), discriminator_conv_filters=[4, 8], discriminator_conv_kernel_size=[3, 3],
                discriminator_conv_strides=[2, 2], discriminator_batch_norm_momentum=None,
                discriminator_activation="relu", discriminator_dropout_rate=0.4, discriminator_learning_rate=0.0008,
                generator_initial_dense_layer_size=(2, 2, 8), generator_upsample=[2, 2], generator_conv_filters=[4, 1],
                generator_conv_kernel_size=[3, 3], generator_conv_strides=[1, 1], generator_batch_norm_momentum=0.9,
                generator_activation="relu", generator_dropout_rate=None, generator_learning_rate=0.0004,
                optimiser="rmsprop", z_dim=5)
TINY_W = dict(input_dim=(8, 8, 1), critic_conv_filters=[4, 8], critic_conv_kernel_size=[3, 3],
              critic_conv_strides=[2, 2], critic_batch_norm_momentum=None, critic_activation="leaky_relu",
              critic_dropout_rate=None, critic_learning_rate=0.001, generator_initial_dense_layer_size=(2, 2, 8),
              generator_upsample=[1, 1], generator_conv_filters=[4, 1], generator_conv_kernel_size=[3, 3],
              generator_conv_strides=[2, 2], generator_batch_norm_momentum=0.8, generator_activation="leaky_relu",
              generator_dropout_rate=None, generator_learning_rate=0.001, optimiser="rmsprop", z_dim=5)
TINY_GP = dict(TINY_W, optimiser="adam", grad_weight=10, batch_size=6)
# the critic of the gradient checks: 4x4x1 -> Conv2D(2, 3x3, stride 2, 'same') -> LeakyReLU(0.2) -> Dense(1)
GP_CHECK = dict(TINY_GP, input_dim=(4, 4, 1), critic_conv_filters=[2], critic_conv_kernel_size=[3],
                critic_conv_strides=[2], generator_initial_dense_layer_size=(2, 2, 2), generator_upsample=[2],
                generator_conv_filters=[1], generator_conv_kernel_size=[3], generator_conv_strides=[1], z_dim=3)


pytestmark = pytest.mark.usefixtures("fresh_seeded_session")


@pytest.fixture
def float64(nn):
    old = nn.backend.floatx()
    nn.backend.set_floatx("float64")
    yield
    nn.backend.set_floatx(old)


def summary_rows(model):
    out = []
    model.summary(line_length=200, print_fn=out.append)
    return parse_summary(out)


def images(n, shape=(8, 8, 1), seed=1):
    return np.random.default_rng(seed).uniform(-1, 1, (n,) + shape).astype("float32")


# -- the book's printed tables, as the notes transcribe them -------------------------------------------------------

# seed-foster.md §3 S9 = GDL Figure 4-4, the camel GAN's discriminator (F1:2351-2370)
BOOK_S9 = """\
Layer (type)\tOutput Shape\tParam #
discriminator_input (InputLayer)\t(None, 28, 28, 1)\t0
discriminator_conv_0 (Conv2D)\t(None, 14, 14, 64)\t1664
activation_1 (Activation)\t(None, 14, 14, 64)\t0
dropout_1 (Dropout)\t(None, 14, 14, 64)\t0
discriminator_conv_1 (Conv2D)\t(None, 7, 7, 64)\t102464
activation_2 (Activation)\t(None, 7, 7, 64)\t0
dropout_2 (Dropout)\t(None, 7, 7, 64)\t0
discriminator_conv_2 (Conv2D)\t(None, 4, 4, 128)\t204928
activation_3 (Activation)\t(None, 4, 4, 128)\t0
dropout_3 (Dropout)\t(None, 4, 4, 128)\t0
discriminator_conv_3 (Conv2D)\t(None, 4, 4, 128)\t409728
activation_4 (Activation)\t(None, 4, 4, 128)\t0
dropout_4 (Dropout)\t(None, 4, 4, 128)\t0
flatten_1 (Flatten)\t(None, 2048)\t0
dense_1 (Dense)\t(None, 1)\t2049
<hr/>\t\t
Total params:\t720,833\t
Trainable params:\t720,833\t
Non-trainable params:\t0\t
"""

# seed-foster.md §3 S10 = GDL Figure 4-5, the camel GAN's generator (F1:2428-2450)
BOOK_S10 = """\
Layer (type)\tOutput Shape\tParam #
generator_input (InputLayer)\t(None, 100)\t0
dense_9 (Dense)\t(None, 3136)\t316736
batch_normalization_10 (BatchNormalization)\t(None, 3136)\t12544
activation_36 (Activation)\t(None, 3136)\t0
reshape_4 (Reshape)\t(None, 7, 7, 64)\t0
up_sampling2d_10 (UpSampling)\t(None, 14, 14, 64)\t0
generator_conv_0 (Conv2D)\t(None, 14, 14, 128)\t204928
batch_normalization_11 (BatchNormalization)\t(None, 14, 14, 128)\t512
activation_37 (Activation)\t(None, 14, 14, 128)\t0
up_sampling2d_11 (UpSampling)\t(None, 28, 28, 128)\t0
generator_conv_1 (Conv2D)\t(None, 28, 28, 64)\t204864
batch_normalization_12 (BatchNormalization)\t(None, 28, 28, 64)\t256
activation_38 (Activation)\t(None, 28, 28, 64)\t0
generator_conv_2 (Conv2D)\t(None, 28, 28, 64)\t102464
batch_normalization_13 (BatchNormalization)\t(None, 28, 28, 64)\t256
activation_39 (Activation)\t(None, 28, 28, 64)\t0
generator_conv_3 (Conv2D)\t(None, 28, 28, 1)\t1601
activation_40 (Activation)\t(None, 28, 28, 1)\t0
<hr/>\t\t
Total params: 844,161\t\t
Trainable params: 837,377\t\t
Non-trainable params: 6,784\t\t
"""

# the type cell the book's typesetting cut (Keras prints UpSampling2D)
BOOK_CUT_TYPES = {"UpSampling": "UpSampling2D"}

# Figure 4-5's rows in a fresh session: the generator is built after the discriminator (dense_1, activation_1..4)
S10_FRESH_NAMES = ["generator_input", "dense_2", "batch_normalization_1", "activation_5", "reshape_1",
                   "up_sampling2d_1", "generator_conv_0", "batch_normalization_2", "activation_6", "up_sampling2d_2",
                   "generator_conv_1", "batch_normalization_3", "activation_7", "generator_conv_2",
                   "batch_normalization_4", "activation_8", "generator_conv_3", "activation_9"]


def _auto(name):
    """(prefix, number) of a Keras auto-name such as ``activation_36``; (name, None) for a given name."""
    head, _, tail = name.rpartition("_")
    if tail.isdigit() and not name.startswith(("discriminator_", "generator_", "critic_")):
        return head, int(tail)
    return name, None


def test_the_books_tables_add_up():
    # conv: k*k*in*out + out; BN: 4 per feature, 2 of them non-trainable; 7x7 stride 2 'same' -> 4x4 (ceil(7/2))
    for text, entry in ((BOOK_S9, "gan_camel_discriminator"), (BOOK_S10, "gan_camel_generator")):
        rows, totals = parse_summary(text.splitlines())
        assert totals["Total"] == sum(r[3] for r in rows) == ENTRIES[entry].params
        bn = sum(r[3] for r in rows if r[1] == "BatchNormalization")
        assert totals["Non-trainable"] == bn // 2 and totals["Trainable"] == totals["Total"] - bn // 2
    assert (5 * 5 * 1 * 64 + 64, 5 * 5 * 64 * 64 + 64, 5 * 5 * 64 * 128 + 128, 5 * 5 * 128 * 128 + 128,
            2048 + 1) == (1664, 102464, 204928, 409728, 2049)
    assert (100 * 3136 + 3136, 4 * 3136, 5 * 5 * 128 * 64 + 64, 5 * 5 * 64 + 1) == (316736, 12544, 204864, 1601)
    assert len(parse_summary(BOOK_S9.splitlines())[0]) == 15 and len(parse_summary(BOOK_S10.splitlines())[0]) == 18


def test_discriminator_summary_equals_figure_4_4(nn):
    gan = GAN(nn, **CAMEL)
    assert summary_rows(gan.discriminator) == parse_summary(BOOK_S9.splitlines())


def test_generator_summary_equals_figure_4_5(nn):
    gan = GAN(nn, **CAMEL)
    rows, totals = summary_rows(gan.generator)
    book_rows, book_totals = parse_summary(BOOK_S10.splitlines())
    assert totals == book_totals
    assert [r[0] for r in rows] == S10_FRESH_NAMES
    assert len(rows) == len(book_rows)
    offsets = {}
    for (name, kind, shape, params), (b_name, b_kind, b_shape, b_params) in zip(rows, book_rows):
        assert (kind, shape, params) == (BOOK_CUT_TYPES.get(b_kind, b_kind), b_shape, b_params), b_name
        (prefix, number), (b_prefix, b_number) = _auto(name), _auto(b_name)
        assert prefix == b_prefix
        if number is not None:
            offsets.setdefault(prefix, set()).add(b_number - number)
    # one offset per prefix: the book's session had made 7 Dense, 9 BN, 31 Activation ... layers before
    assert offsets == {"dense": {7}, "batch_normalization": {9}, "activation": {31}, "reshape": {3},
                       "up_sampling2d": {9}}


def test_combined_model_summary_counts_the_weights_collected_at_compile(nn):
    # Keras 2.2.4's print_summary: trainable = the weights collected at compile (the generator's 837,377, the
    # discriminator frozen); non-trainable = the model's non-trainable weights now (the flags are set back, so
    # only the generator's BN statistics, 2 * (3136 + 128 + 64 + 64) = 6,784); the discriminator's 720,833
    # appear in neither
    gan = GAN(nn, **CAMEL)
    rows, totals = summary_rows(gan.model)
    assert [r[:2] for r in rows] == [("model_input", "InputLayer"), ("model_2", "Model"), ("model_1", "Model")]
    assert [r[3] for r in rows] == [0, 844161, 720833]
    assert totals == {"Total": 844161, "Trainable": 837377, "Non-trainable": 6784}
    assert gan.model.count_params() == 720833 + 844161 == ENTRIES["gan_camel"].params


# -- the models the text does not tabulate: rows with the arithmetic (notes D2-D5) -----------------------------------

def _conv(i, kind, shape, params, who="critic"):
    return (f"{who}_conv_{i}", kind, shape, params)


WGAN_CRITIC_ROWS = [  # 32x32x3, filters [32, 64, 128, 128], k5, strides [2, 2, 2, 1], LeakyReLU(0.2)
    ("critic_input", "InputLayer", "(None, 32, 32, 3)", 0),
    _conv(0, "Conv2D", "(None, 16, 16, 32)", 5 * 5 * 3 * 32 + 32),
    ("leaky_re_lu_1", "LeakyReLU", "(None, 16, 16, 32)", 0),
    _conv(1, "Conv2D", "(None, 8, 8, 64)", 5 * 5 * 32 * 64 + 64), ("leaky_re_lu_2", "LeakyReLU", "(None, 8, 8, 64)", 0),
    _conv(2, "Conv2D", "(None, 4, 4, 128)", 5 * 5 * 64 * 128 + 128),
    ("leaky_re_lu_3", "LeakyReLU", "(None, 4, 4, 128)", 0),
    _conv(3, "Conv2D", "(None, 4, 4, 128)", 5 * 5 * 128 * 128 + 128),
    ("leaky_re_lu_4", "LeakyReLU", "(None, 4, 4, 128)", 0),
    ("flatten_1", "Flatten", "(None, 2048)", 0), ("dense_1", "Dense", "(None, 1)", 2048 + 1)]
WGAN_GENERATOR_ROWS = [  # (4, 4, 128) -> up x3 -> 32x32x3; BN momentum 0.8; the last layer stride 1, no up-sampling
    ("generator_input", "InputLayer", "(None, 100)", 0), ("dense_2", "Dense", "(None, 2048)", 100 * 2048 + 2048),
    ("batch_normalization_1", "BatchNormalization", "(None, 2048)", 4 * 2048),
    ("leaky_re_lu_5", "LeakyReLU", "(None, 2048)", 0), ("reshape_1", "Reshape", "(None, 4, 4, 128)", 0),
    ("up_sampling2d_1", "UpSampling2D", "(None, 8, 8, 128)", 0),
    _conv(0, "Conv2D", "(None, 8, 8, 128)", 5 * 5 * 128 * 128 + 128, "generator"),
    ("batch_normalization_2", "BatchNormalization", "(None, 8, 8, 128)", 4 * 128),
    ("leaky_re_lu_6", "LeakyReLU", "(None, 8, 8, 128)", 0),
    ("up_sampling2d_2", "UpSampling2D", "(None, 16, 16, 128)", 0),
    _conv(1, "Conv2D", "(None, 16, 16, 64)", 5 * 5 * 128 * 64 + 64, "generator"),
    ("batch_normalization_3", "BatchNormalization", "(None, 16, 16, 64)", 4 * 64),
    ("leaky_re_lu_7", "LeakyReLU", "(None, 16, 16, 64)", 0),
    ("up_sampling2d_3", "UpSampling2D", "(None, 32, 32, 64)", 0),
    _conv(2, "Conv2D", "(None, 32, 32, 32)", 5 * 5 * 64 * 32 + 32, "generator"),
    ("batch_normalization_4", "BatchNormalization", "(None, 32, 32, 32)", 4 * 32),
    ("leaky_re_lu_8", "LeakyReLU", "(None, 32, 32, 32)", 0),
    _conv(3, "Conv2D", "(None, 32, 32, 3)", 5 * 5 * 32 * 3 + 3, "generator"),
    ("activation_1", "Activation", "(None, 32, 32, 3)", 0)]
WGANGP_CRITIC_PARAMS = [0, 5 * 5 * 3 * 64 + 64, 0, 5 * 5 * 64 * 128 + 128, 0, 5 * 5 * 128 * 256 + 256, 0,
                        5 * 5 * 256 * 512 + 512, 0, 0, 8192 + 1]
WGANGP_GENERATOR_ROWS = [  # (4, 4, 512) -> Conv2DTranspose stride 2 x4 -> 64x64x3
    ("Dense", "(None, 8192)", 100 * 8192 + 8192), ("BatchNormalization", "(None, 8192)", 4 * 8192),
    ("LeakyReLU", "(None, 8192)", 0), ("Reshape", "(None, 4, 4, 512)", 0),
    ("Conv2DTranspose", "(None, 8, 8, 256)", 5 * 5 * 512 * 256 + 256),
    ("BatchNormalization", "(None, 8, 8, 256)", 1024),
    ("LeakyReLU", "(None, 8, 8, 256)", 0),
    ("Conv2DTranspose", "(None, 16, 16, 128)", 5 * 5 * 256 * 128 + 128),
    ("BatchNormalization", "(None, 16, 16, 128)", 512), ("LeakyReLU", "(None, 16, 16, 128)", 0),
    ("Conv2DTranspose", "(None, 32, 32, 64)", 5 * 5 * 128 * 64 + 64), ("BatchNormalization", "(None, 32, 32, 64)", 256),
    ("LeakyReLU", "(None, 32, 32, 64)", 0), ("Conv2DTranspose", "(None, 64, 64, 3)", 5 * 5 * 64 * 3 + 3),
    ("Activation", "(None, 64, 64, 3)", 0)]


def test_wgan_horses_rows(nn):
    w = WGAN(nn, **WGAN_HORSES)
    rows, totals = summary_rows(w.critic)
    assert rows == WGAN_CRITIC_ROWS and totals == {"Total": 670401, "Trainable": 670401, "Non-trainable": 0}
    rows, totals = summary_rows(w.generator)
    assert rows == WGAN_GENERATOR_ROWS
    assert totals == {"Total": 884163, "Trainable": 884163 - 4544, "Non-trainable": 2 * (2048 + 128 + 64 + 32)}


def test_wgangp_faces_rows(nn):
    w = WGANGP(nn, **WGANGP_FACES)
    rows, totals = summary_rows(w.critic)
    assert [r[3] for r in rows] == WGANGP_CRITIC_PARAMS
    assert [r[2] for r in rows if r[1] == "Conv2D"] == ["(None, 32, 32, 64)", "(None, 16, 16, 128)",
                                                         "(None, 8, 8, 256)", "(None, 4, 4, 512)"]
    assert totals["Total"] == sum(WGANGP_CRITIC_PARAMS) == 4314753
    rows, totals = summary_rows(w.generator)
    assert [r[1:] for r in rows[1:]] == WGANGP_GENERATOR_ROWS
    assert totals == {"Total": 5168003, "Trainable": 5168003 - 17280, "Non-trainable": 2 * (8192 + 256 + 128 + 64)}
    # critic_model: the critic shared by its three outputs, the generator frozen when it was compiled
    assert w.critic_model.count_params() == 4314753 + 5168003
    assert [r[1] for r in summary_rows(w.critic_model)[0]] == ["InputLayer", "InputLayer", "Model",
                                                                "RandomWeightedAverage", "Model"]


@pytest.mark.parametrize("name", [e.name for e in GAN_ENTRIES])
def test_entries_build_with_their_counts(nn, name):
    entry = ENTRIES[name]
    assert entry.make(nn).count_params() == entry.params
    assert entry.book.startswith("Foster") and entry.section and entry.params_note
    assert entry.recipe is None or entry.recipe in GAN_RECIPES


def test_only_the_printed_entries_say_so():
    assert sorted(n for n, e in ENTRIES.items() if e.printed_summary) == ["gan_camel_discriminator",
                                                                          "gan_camel_generator"]


def test_entry_compile_arguments(nn):
    model = ENTRIES["gan_camel_discriminator"].make(nn, compile=True)
    assert type(model.optimizer).__name__ == "RMSprop" and model.loss == "binary_crossentropy"
    assert nn.backend.get_value(model.optimizer.lr) == pytest.approx(0.0008)
    assert model.metrics_names == ["loss", "acc"]
    critic = ENTRIES["wgan_horses_critic"].make(nn, compile=True)
    assert critic.loss.__name__ == "wasserstein"
    assert nn.backend.get_value(critic.optimizer.lr) == pytest.approx(0.00005)
    with pytest.raises(ValueError, match=r"compiled by its class.*GAN\(nn, \.\.\.\)\.compile\(\)"):
        ENTRIES["gan_camel"].compile_args(nn)
    with pytest.raises(ValueError, match="never compiles the generator on its own"):
        ENTRIES["gan_camel_generator"].compile_args(nn)


# -- architecture and compile: the book's arguments ------------------------------------------------------------------

def test_layers_have_the_books_arguments(nn):
    gan = GAN(nn, **CAMEL)
    convs = [layer for layer in gan.discriminator.layers if type(layer).__name__ == "Conv2D"]
    assert [c.get_config()["strides"] for c in convs] == [(2, 2), (2, 2), (2, 2), (1, 1)]
    assert {c.get_config()["padding"] for c in convs} == {"same"}
    for layer in convs + [gan.discriminator.layers[-1]] + [la for la in gan.generator.layers if "conv" in la.name]:
        init = layer.get_config()["kernel_initializer"]
        assert init["class_name"] == "RandomNormal" and init["config"]["stddev"] == 0.02, layer.name
    assert {la.get_config()["rate"] for la in gan.discriminator.layers if type(la).__name__ == "Dropout"} == {0.4}
    assert gan.discriminator.layers[-1].get_config()["activation"] == "sigmoid"
    assert {la.get_config()["momentum"] for la in gan.generator.layers
            if type(la).__name__ == "BatchNormalization"} == {0.9}
    assert [la.get_config()["activation"] for la in gan.generator.layers
            if type(la).__name__ == "Activation"] == ["relu"] * 4 + ["tanh"]
    assert type(gan.discriminator.optimizer).__name__ == type(gan.model.optimizer).__name__ == "RMSprop"
    assert nn.backend.get_value(gan.discriminator.optimizer.lr) == pytest.approx(0.0008)
    assert nn.backend.get_value(gan.model.optimizer.lr) == pytest.approx(0.0004)
    assert gan.model.loss == "binary_crossentropy" and gan.model.metrics_names == ["loss", "acc"]


def test_wasserstein_models_are_compiled_as_the_book(nn):
    w = WGAN(nn, **TINY_W)
    assert w.critic.layers[-1].get_config()["activation"] == "linear"
    assert {la.get_config()["alpha"] for la in w.critic.layers if type(la).__name__ == "LeakyReLU"} == {0.2}
    assert w.critic.loss.__name__ == w.model.loss.__name__ == "wasserstein"
    assert type(w.critic.optimizer).__name__ == "RMSprop"
    # the generator without up-sampling grows by strided Conv2DTranspose (2 -> 4 -> 8)
    assert [type(la).__name__ for la in w.generator.layers if "conv" in la.name] == ["Conv2DTranspose"] * 2
    assert w.generator.output_shape == (None, 8, 8, 1)
    gp = WGANGP(nn, **TINY_GP)
    assert type(gp.critic_model.optimizer).__name__ == "Adam"
    assert nn.backend.get_value(gp.critic_model.optimizer.beta_1) == pytest.approx(0.5)
    assert nn.backend.get_value(gp.critic_model.optimizer.lr) == pytest.approx(0.001)
    assert gp.critic_model.loss_weights == [1.0, 1.0, 10.0]
    assert [f.__name__ for f in gp.critic_model.loss] == ["wasserstein", "wasserstein", "gradient_penalty"]
    assert len(gp.critic_model.inputs) == 2 and len(gp.critic_model.outputs) == 3


# -- losses -------------------------------------------------------------------------------------------------------

def test_wasserstein_loss(nn):
    K = nn.backend
    # notes §6.5: y_true [1, -1], y_pred [3, 2] -> -(3 - 2) / 2 = -0.5
    value = G.wasserstein(K, nn.constant(np.array([[1.], [-1.]])), nn.constant(np.array([[3.], [2.]])))
    assert float(value.numpy()) == -0.5
    y, p = np.array([[1.], [-1.], [1.]]), np.array([[0.25], [-2.0], [1.5]])
    assert float(G.wasserstein(K, nn.constant(y), nn.constant(p)).numpy()) == -np.mean(y * p)


# -- RandomWeightedAverage --------------------------------------------------------------------------------------------

def _rwa_model(nn, shape, batch_size=None):
    a, b = nn.Input(shape=shape), nn.Input(shape=shape)
    layer = G.RandomWeightedAverage(nn, batch_size)
    out = layer([a, b])
    return nn.models.Model([a, b], out), layer, out


def test_random_weighted_average_draws_one_alpha_per_sample(nn):
    model, layer, out = _rwa_model(nn, (3, 2, 1))
    assert out.shape == (None, 3, 2, 1) and type(layer).__name__ == "RandomWeightedAverage"
    assert layer.name == "random_weighted_average_1" and layer.get_config()["batch_size"] is None
    n = 4000
    # a = 1, b = 0: the output is alpha itself (alpha * 1 + (1 - alpha) * 0, exact)
    alpha = model.predict([np.ones((n, 3, 2, 1), np.float32), np.zeros((n, 3, 2, 1), np.float32)], batch_size=n)
    assert np.all(alpha == alpha[:, :1, :1, :])  # one alpha for every pixel of a sample
    alpha = alpha[:, 0, 0, 0].astype(np.float64)
    assert np.all((alpha >= 0) & (alpha <= 1))
    # U(0, 1): mean 1/2 (sd 0.0046 for n = 4000), variance 1/12, no two samples the same
    assert abs(alpha.mean() - 0.5) < 0.025 and abs(alpha.var() - 1 / 12) < 0.01
    assert abs(np.mean(alpha < 0.25) - 0.25) < 0.04 and len(np.unique(alpha)) > 0.99 * n


def test_random_weighted_average_interpolates_each_pair(nn):
    model, _, _ = _rwa_model(nn, (2, 2, 1))
    r = np.random.default_rng(5)
    a, b = r.uniform(-1, 1, (64, 2, 2, 1)).astype(np.float32), r.uniform(-1, 1, (64, 2, 2, 1)).astype(np.float32)
    a[:, 0, 0, 0], b[:, 0, 0, 0] = 1.0, 0.0  # pixel (0, 0) reads alpha back
    out = model.predict([a, b], batch_size=64).astype(np.float64)
    alpha = out[:, :1, :1, :]
    want = alpha * a.astype(np.float64) + (1 - alpha) * b.astype(np.float64)
    np.testing.assert_allclose(out, want, rtol=1e-6, atol=1e-6)
    # a == b: the identity alpha * a + (1 - alpha) * a = a, up to float32 rounding
    np.testing.assert_allclose(model.predict([a, a], batch_size=64), a, rtol=1e-6, atol=1e-7)


def test_random_weighted_average_uses_the_implementations_generator(nn):
    model, _, _ = _rwa_model(nn, (1, 1, 1))
    ones, zeros = np.ones((8, 1, 1, 1), np.float32), np.zeros((8, 1, 1, 1), np.float32)
    nn.random.seed(7)
    first = model.predict([ones, zeros])
    nn.random.seed(7)
    np.testing.assert_array_equal(model.predict([ones, zeros]), first)
    assert not np.array_equal(model.predict([ones, zeros]), first)


def test_random_weighted_average_errors(nn):
    model, layer, _ = _rwa_model(nn, (2, 2, 1), batch_size=4)
    x = np.zeros((3, 2, 2, 1), np.float32)
    with pytest.raises(ValueError, match=r"RandomWeightedAverage random_weighted_average_1: built for batches of 4 "
                                         r"\(its batch_size\), got a batch of 3"):
        model.predict([x, x])
    x4 = np.zeros((4, 2, 2, 1), np.float32)
    assert model.predict([x4, x4], batch_size=4).shape == (4, 2, 2, 1)
    with pytest.raises(ValueError, match="should be called on a list of at least 2 inputs"):
        G.RandomWeightedAverage(nn)([nn.Input(shape=(2, 2, 1))])


# -- the gradient penalty: NumPy float64 by hand ----------------------------------------------------------------------

def np_critic(x, kernel, bias, w_dense, b_dense, stride=2, slope=0.2):
    """Conv2D('same', stride) -> LeakyReLU(slope) -> Flatten -> Dense(1), and d output / d x, in float64."""
    n, h, w, c = x.shape
    kh, kw, _, f = kernel.shape
    oh, ow = -(-h // stride), -(-w // stride)
    ph, pw = max((oh - 1) * stride + kh - h, 0), max((ow - 1) * stride + kw - w, 0)
    top, left = ph // 2, pw // 2  # the extra row / column goes at the end
    xp = np.pad(x, ((0, 0), (top, ph - top), (left, pw - left), (0, 0)))
    z = np.zeros((n, oh, ow, f))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            z[:, i, j, :] = np.tensordot(patch, kernel, axes=([1, 2, 3], [0, 1, 2])) + bias
    a = np.where(z > 0, z, slope * z)
    y = a.reshape(n, -1) @ w_dense + b_dense
    g_z = np.broadcast_to(w_dense[:, 0].reshape(z.shape[1:]), z.shape) * np.where(z > 0, 1.0, slope)
    g_xp = np.zeros_like(xp)
    for i in range(oh):
        for j in range(ow):
            g_xp[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :] += np.tensordot(
                g_z[:, i, j, :], kernel, axes=([1], [3]))
    return y, g_xp[:, top:top + h, left:left + w, :], z


def np_penalty(x, weights):
    _, g, _ = np_critic(x, *weights)
    norm = np.sqrt(np.sum(g ** 2, axis=(1, 2, 3)))
    return np.mean((1 - norm) ** 2)


def test_numpy_critic_gradient_is_its_derivative():
    # the hand-written input gradient of np_critic against central differences of its output
    r = np.random.default_rng(0)
    weights = [r.uniform(-1, 1, (3, 3, 1, 2)), r.uniform(-.5, .5, 2), r.uniform(-1, 1, (8, 1)), r.uniform(-1, 1, 1)]
    x = r.uniform(-1, 1, (2, 4, 4, 1))
    _, g, _ = np_critic(x, *weights)
    eps, fd = 1e-6, np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[idx] = eps
        fd[idx] = (np_critic(x + d, *weights)[0][idx[0], 0] - np_critic(x - d, *weights)[0][idx[0], 0]) / (2 * eps)
    np.testing.assert_allclose(g, fd, rtol=1e-7, atol=1e-9)


def _gp_check_model(nn, gp):
    """critic(RandomWeightedAverage([x, x])) with the book's partial gradient penalty as its only loss; the two
    inputs are one image, so the interpolated image is that image whatever alpha is drawn."""
    x_in = nn.Input(shape=gp.input_dim)
    interpolated = G.RandomWeightedAverage(nn)([x_in, x_in])
    model = nn.models.Model(x_in, gp.critic(interpolated))
    loss = functools.partial(gp.gradient_penalty_loss, interpolated_samples=interpolated)
    loss.__name__ = "gradient_penalty"
    model.compile(optimizer=nn.optimizers.SGD(lr=1.0), loss=loss)
    return model


def _set_critic(gp, seed):
    r = np.random.default_rng(seed)
    conv, dense = gp.critic.get_layer("critic_conv_0"), gp.critic.layers[-1]
    weights = [r.uniform(-1, 1, (3, 3, 1, 2)), r.uniform(-.3, .3, 2), r.uniform(-1, 1, (8, 1)), r.uniform(-1, 1, 1)]
    conv.set_weights(weights[:2])
    dense.set_weights(weights[2:])
    return weights


def test_gradient_penalty_value_against_numpy_float64(nn, float64):
    gp = WGANGP(nn, **GP_CHECK)
    weights = _set_critic(gp, 1)
    x = np.random.default_rng(2).uniform(-1, 1, (3, 4, 4, 1))
    model = _gp_check_model(nn, gp)
    value = model.evaluate(x, np.zeros((3, 1)), verbose=0)
    np.testing.assert_allclose(value, np_penalty(x, weights), rtol=1e-10)
    np.testing.assert_allclose(model.predict(x), np_critic(x, *weights)[0], rtol=1e-10)


def test_gradient_penalty_of_a_linear_critic(nn):
    # notes §6.5: for f(x) = <w, x> + b the gradient is w everywhere and the penalty (1 - ||w||)^2
    gp = WGANGP(nn, **dict(GP_CHECK, critic_conv_filters=[1], critic_conv_kernel_size=[1], critic_conv_strides=[1],
                           critic_activation="linear"))
    model = _gp_check_model(nn, gp)
    gp.critic.get_layer("critic_conv_0").set_weights([np.ones((1, 1, 1, 1), np.float32), np.zeros(1, np.float32)])
    w = np.random.default_rng(3).uniform(-1, 1, (16, 1)).astype(np.float32)
    gp.critic.layers[-1].set_weights([w, np.zeros(1, np.float32)])
    value = model.evaluate(images(5, (4, 4, 1)), np.zeros((5, 1)), verbose=0)
    np.testing.assert_allclose(value, (1 - np.linalg.norm(w.astype(np.float64))) ** 2, rtol=1e-5)


def test_gradient_penalty_gradient_wrt_critic_weights_finite_differences(nn, float64):
    """The issue's check: one SGD(lr=1) step of the penalty moves each critic weight by minus its gradient, a
    gradient of a gradient norm through Conv2D, LeakyReLU and Dense; central differences of the NumPy float64
    penalty give it independently."""
    gp = WGANGP(nn, **GP_CHECK)
    weights = _set_critic(gp, 4)
    x = np.random.default_rng(5).uniform(-1, 1, (3, 4, 4, 1))
    assert np.min(np.abs(np_critic(x, *weights)[2])) > 1e-3  # no pre-activation at LeakyReLU's kink
    model = _gp_check_model(nn, gp)
    conv, dense = gp.critic.get_layer("critic_conv_0"), gp.critic.layers[-1]
    w0 = conv.get_weights() + dense.get_weights()
    assert all(w.dtype == np.float64 for w in w0)
    value = model.train_on_batch(x, np.zeros((3, 1)))
    np.testing.assert_allclose(value, np_penalty(x, weights), rtol=1e-10)
    got = [a - b for a, b in zip(w0, conv.get_weights() + dense.get_weights())]  # lr * gradient
    eps = 1e-6
    for k, wk in enumerate(weights):
        want = np.zeros_like(wk)
        for idx in np.ndindex(wk.shape):
            plus = [w.copy() for w in weights]
            minus = [w.copy() for w in weights]
            plus[k][idx] += eps
            minus[k][idx] -= eps
            want[idx] = (np_penalty(x, plus) - np_penalty(x, minus)) / (2 * eps)
        np.testing.assert_allclose(got[k], want, rtol=1e-6, atol=1e-9, err_msg=f"weight {k}")
    assert np.all(got[3] == 0) and np.abs(got[0]).max() > 1e-3  # the penalty ignores the output bias only


def test_critic_model_losses_are_weighted_as_the_book(nn):
    gp = WGANGP(nn, **TINY_GP)
    x = images(6)
    critic_on_real = gp.critic.predict(x).astype(np.float64)  # no dropout or BN in the critic: as in training
    np.random.seed(3)
    total, real, fake, penalty = gp.train_critic(x, 6)
    # the batch is x[np.random.randint(0, 6, 6)] with the same seed
    np.random.seed(3)
    idx = np.random.randint(0, 6, 6)
    np.testing.assert_allclose(real, -np.mean(critic_on_real[idx]), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(total, real + fake + 10 * penalty, rtol=1e-5, atol=1e-6)
    assert 0 <= penalty and np.isfinite([total, real, fake, penalty]).all()


# -- the trainable rule with the GAN pattern --------------------------------------------------------------------------

def _same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


def test_discriminator_frozen_inside_the_model_trains_on_its_own(nn):
    gan = GAN(nn, **TINY_GAN)
    # the flags are set back after the model's compile: the discriminator is trainable again ...
    assert gan.discriminator.trainable and all(layer.trainable for layer in gan.discriminator.layers)
    assert len(gan.model.trainable_weights) > len(gan.generator.trainable_weights)
    d0, g0 = gan.discriminator.get_weights(), gan.generator.get_weights()
    gan.train_generator(8)
    # ... but the model collected its trainable weights when compiled: a generator step leaves it unchanged
    d1, g1 = gan.discriminator.get_weights(), gan.generator.get_weights()
    assert _same(d1, d0)
    assert all(not np.array_equal(a, b) for a, b in zip(g1, g0))  # kernels, biases, BN gamma/beta and statistics
    gan.train_discriminator(images(16), 8)
    d2, g2 = gan.discriminator.get_weights(), gan.generator.get_weights()
    assert all(not np.array_equal(a, b) for a, b in zip(d2, d1))  # every discriminator weight moved
    assert _same(g2, g1)  # the generator only predicted


def _values(variables):
    return [np.array(v.numpy(), copy=True) for v in variables]


def test_wgangp_generator_frozen_in_the_critic_model(nn):
    gp = WGANGP(nn, **TINY_GP)
    c0 = gp.critic.get_weights()
    g0, s0 = _values(gp.generator.trainable_weights), _values(gp.generator.non_trainable_weights)
    gp.train_critic(images(12), 6)
    c1 = gp.critic.get_weights()
    g1, s1 = _values(gp.generator.trainable_weights), _values(gp.generator.non_trainable_weights)
    assert _same(g1, g0)  # frozen when critic_model was compiled
    assert all(not np.array_equal(a, b) for a, b in zip(c1[:-1], c0[:-1]))
    # the output bias gets -1 (real, label 1) + 1 (fake, label -1) + 0 (the penalty ignores it): it stays
    np.testing.assert_array_equal(c1[-1], c0[-1])
    # Keras 2.2.4 reads the update flags when the train function is made, at the first train_on_batch: the
    # repository has set the generator trainable again by then, so its BN moving statistics do update
    assert len(s1) == 4 and all(not np.array_equal(a, b) for a, b in zip(s1, s0))
    gp.train_generator(6)
    assert _same(gp.critic.get_weights(), c1)
    assert all(not np.array_equal(a, b) for a, b in zip(_values(gp.generator.trainable_weights), g1))


# -- weight clipping --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("clip", [0.01, 0.05])
def test_weight_clipping_keeps_every_critic_weight_in_range(nn, clip):
    w = WGAN(nn, **TINY_W)
    before = w.critic.get_weights()
    assert max(np.abs(a).max() for a in before) > clip  # RandomNormal(0, 0.02) / glorot draws exceed it
    d_loss = w.train_critic(images(16), 8, clip_threshold=clip)
    after = w.critic.get_weights()
    assert all(np.all(np.abs(a) <= np.float32(clip)) for a in after)
    assert any(np.any(np.abs(a) == np.float32(clip)) for a in after)  # clipping was active
    assert d_loss[0] == pytest.approx(0.5 * (d_loss[1] + d_loss[2]))


def test_clip_weights_is_numpy_clip(nn):
    inp = nn.Input(shape=(3,))
    dense = nn.layers.Dense(2)
    model = nn.models.Model(inp, dense(inp))
    kernel = np.array([[0.3, -0.004], [-0.2, 0.01], [0.009, -0.011]], np.float32)
    dense.set_weights([kernel, np.array([0.5, -0.5], np.float32)])
    G.clip_weights(model, 0.01)
    np.testing.assert_array_equal(dense.get_weights()[0],
                                  np.array([[0.01, -0.004], [-0.01, 0.01], [0.009, -0.01]], np.float32))
    np.testing.assert_array_equal(dense.get_weights()[1], np.array([0.01, -0.01], np.float32))


# -- training runs and sample grids -----------------------------------------------------------------------------------

def test_gan_trains_and_records_its_history(nn):
    gan = GAN(nn, **TINY_GAN)
    lines = []
    history = gan.train(images(32), batch_size=8, epochs=3, print_fn=lines.append)
    assert isinstance(history, nn.callbacks.History) and history.epoch == [0, 1, 2]
    h = history.history
    assert list(h) == list(GAN.D_NAMES + GAN.G_NAMES)
    assert all(len(v) == 3 and np.all(np.isfinite(v)) for v in h.values())
    assert all(0 <= a <= 1 for a in h["d_acc"] + h["g_acc"])
    np.testing.assert_allclose(h["d_loss"], 0.5 * (np.array(h["d_loss_real"]) + np.array(h["d_loss_fake"])))
    assert gan.epoch == 3 and len(gan.d_losses) == len(gan.g_losses) == 3
    assert gan.d_losses[1] == [h[n][1] for n in GAN.D_NAMES] and gan.g_losses[1] == [h["g_loss"][1], h["g_acc"][1]]
    assert lines[0].startswith("0 [D loss: (") and "[G acc: " in lines[0] and lines[2].startswith("2 ")
    assert gan.train(images(32), batch_size=8, epochs=1, verbose=0).epoch == [3]  # the epochs run on
    assert gan.epoch == 4 and len(gan.d_losses) == 4


def test_wgan_trains_n_critic_steps_per_generator_step(nn):
    w = WGAN(nn, **TINY_W)
    calls = []
    original = w.train_critic
    w.train_critic = lambda *a, **k: calls.append(k) or original(*a, **k)
    history = w.train(images(32), batch_size=8, epochs=2, n_critic=3, clip_threshold=0.02, verbose=0)
    assert len(calls) == 6 and list(history.history) == ["d_loss", "d_loss_real", "d_loss_fake", "g_loss"]
    assert all(len(v) == 2 and np.all(np.isfinite(v)) for v in history.history.values())
    assert all(np.all(np.abs(a) <= np.float32(0.02)) for a in w.critic.get_weights())
    assert w.g_losses == history.history["g_loss"]


def test_wgangp_trains(nn):
    gp = WGANGP(nn, **TINY_GP)
    history = gp.train(images(24), batch_size=6, epochs=2, n_critic=2, verbose=0).history
    assert list(history) == ["d_loss", "d_loss_real", "d_loss_fake", "d_loss_gp", "g_loss"]
    assert all(len(v) == 2 and np.all(np.isfinite(v)) for v in history.values())
    assert all(p >= 0 for p in history["d_loss_gp"])
    assert len(gp.d_losses) == 2 and gp.epoch == 2


def test_sample_images_writes_a_png_grid(nn, tmp_path):
    from PIL import Image
    gan = GAN(nn, **TINY_GAN)
    np.random.seed(4)
    path = gan.sample_images(tmp_path / "grid.png")
    with Image.open(path) as im:
        assert im.format == "PNG" and im.size == (5 * 8, 5 * 8) and im.mode == "L"
        grid = np.asarray(im)
    np.random.seed(4)
    want = np.clip(0.5 * (gan.generator.predict(np.random.normal(0, 1, (25, 5))).astype(np.float64) + 1), 0, 1)
    np.testing.assert_array_equal(grid[8:16, 16:24], np.round(want[7, :, :, 0] * 255).astype(np.uint8))  # row 1, col 2
    assert [p.name for p in tmp_path.iterdir()] == ["grid.png"]  # no temporary file left
    np.testing.assert_array_equal(G.to_unit_range([-2.0, -1.0, 0.0, 1.0, 3.0]), [0.0, 0.0, 0.5, 1.0, 1.0])


def test_train_writes_sample_grids_to_the_run_folder(nn, tmp_path):
    w = WGAN(nn, **dict(TINY_W, input_dim=(8, 8, 3), generator_conv_filters=[4, 3]))
    w.train(images(16, (8, 8, 3)), batch_size=4, epochs=3, run_folder=tmp_path, print_every_n_batches=2,
            n_critic=1, verbose=0)
    assert sorted(p.name for p in (tmp_path / "images").iterdir()) == ["sample_0.png", "sample_2.png"]
    from PIL import Image
    with Image.open(tmp_path / "images" / "sample_2.png") as im:
        assert im.mode == "RGB" and im.size == (40, 40)


@pytest.mark.parametrize("name", [pytest.param("gan_camel", marks=pytest.mark.slow), "wgan_horses",
                                  pytest.param("wgangp_mnist", marks=pytest.mark.slow)])
def test_recipe_on_synthetic_data(nn, name, tmp_path, monkeypatch, capsys):
    # the book-size models, one epoch of batch 8 on the synthetic stand-in data (the camel-size convolutions at
    # 28x28 take seconds on the host: those two are slow)
    entry = ENTRIES[name]
    monkeypatch.setitem(recipes.RECIPES, entry.recipe, GAN_RECIPES[entry.recipe])
    path = tmp_path / f"{name}.png"
    result = recipes.run(entry, nn, synthetic=True, epochs=1, seed=0, verbose=0, samples=str(path))
    assert isinstance(result.history, nn.callbacks.History) and result.history.epoch == [0]
    names = GAN.D_NAMES + GAN.G_NAMES if name == "gan_camel" else WGAN.D_NAMES + WGAN.G_NAMES
    if name == "wgangp_mnist":
        names = WGANGP.D_NAMES + WGANGP.G_NAMES
    assert list(result.evaluation) == list(names)
    assert all(np.isfinite(v) for v in result.evaluation.values())
    assert path.exists() and f"generated samples: {path}" in capsys.readouterr().out


# -- errors -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("change, match", [
    (dict(discriminator_conv_strides=[2]), r"GAN: discriminator_conv_filters, discriminator_conv_kernel_size, "
                                           r"discriminator_conv_strides must be lists .*\[2, 2, 1\]"),
    (dict(generator_upsample=[2, 3]), r"GAN: generator_upsample entries must be 1 or 2 .*\[2, 3\]"),
    (dict(input_dim=(8, 8)), r"GAN: input_dim must be \(height, width, channels\) .*got \(8, 8\)"),
    (dict(z_dim=0), r"GAN: z_dim must be a positive int, got 0"),
    (dict(optimiser="sgd"), r"GAN: optimiser must be 'adam' .* or 'rmsprop' .*got 'sgd'"),
    (dict(discriminator_dropout_rate=1.0), r"GAN: discriminator_dropout_rate must be None or in \[0, 1\), got 1.0"),
    (dict(generator_initial_dense_layer_size=(4, 4)), r"generator_initial_dense_layer_size must be \(height, width"),
])
def test_bad_arguments_are_clear_errors(nn, change, match):
    with pytest.raises(ValueError, match=match):
        GAN(nn, **dict(TINY_GAN, **change))


def test_more_errors(nn):
    with pytest.raises(TypeError, match=r"WGAN: the first argument is the implementation .*got str"):
        WGAN("reference", **TINY_W)  # the book's call has no implementation argument
    with pytest.raises(ValueError, match=r"WGAN: critic_conv_filters, .* must be lists"):
        WGAN(nn, **dict(TINY_W, critic_conv_filters=[]))
    with pytest.raises(ValueError, match=r"WGANGP: batch_size must be a positive int, got 0"):
        WGANGP(nn, **dict(TINY_GP, batch_size=0))
    gp = WGANGP(nn, **TINY_GP)
    with pytest.raises(ValueError, match=r"WGANGP.train: the interpolation layer was built for batches of 6 .*got "
                                         r"batch_size=4"):
        gp.train(images(8), batch_size=4, epochs=1)
    with pytest.raises(ValueError, match=r"WGANGP.train: n_critic must be a positive int, got 0"):
        gp.train(images(8), batch_size=6, epochs=1, n_critic=0)
    with pytest.raises(ValueError, match=r"WGANGP: x_train must hold images of shape \(8, 8, 1\), got \(8, 4, 4, 1\)"):
        gp.train_critic(images(8, (4, 4, 1)), 6)
    gan = GAN(nn, **TINY_GAN)
    with pytest.raises(ValueError, match=r"GAN: batch_size must be a positive int, got 0"):
        gan.train_generator(0)


# -- real data (slow) ---------------------------------------------------------------------------------------------

# Smaller than the book's (the reference runs on the host): two convolutions of 3x3 each side, batch 32.
SMALL_GAN = dict(CAMEL, discriminator_conv_filters=[16, 32], discriminator_conv_kernel_size=[3, 3],
                 discriminator_conv_strides=[2, 2], generator_initial_dense_layer_size=(7, 7, 32),
                 generator_upsample=[2, 2], generator_conv_filters=[16, 1], generator_conv_kernel_size=[3, 3],
                 generator_conv_strides=[1, 1])
SMALL_WGANGP = dict(G.WGANGP_MNIST, critic_conv_filters=[16, 32], critic_conv_kernel_size=[3, 3],
                    critic_conv_strides=[2, 2], generator_initial_dense_layer_size=(7, 7, 32),
                    generator_upsample=[2, 2], generator_conv_filters=[16, 1], generator_conv_kernel_size=[3, 3],
                    generator_conv_strides=[1, 1], batch_size=16)


def _mnist(nn, n):
    (x_train, _), _ = nn.datasets.mnist.load_data()
    return ((x_train[:n].astype("float32") - 127.5) / 127.5).reshape((-1, 28, 28, 1))


@pytest.mark.slow
def test_gan_trains_on_mnist_without_diverging(request, nn, tmp_path):
    # 300 epochs (600 discriminator and 300 generator batches of 32) of a smaller camel GAN on 4,096 MNIST digits
    require_real_data(request, nn, "mnist")
    x = _mnist(nn, 4096)
    np.random.seed(0)
    nn.random.seed(0)
    gan = GAN(nn, **SMALL_GAN)
    history = gan.train(x, batch_size=32, epochs=300, run_folder=tmp_path, print_every_n_batches=100, verbose=0)
    for name, values in history.history.items():
        assert np.all(np.isfinite(values)) and np.max(np.abs(values)) < 20, name
    np.random.seed(1)
    samples = G.to_unit_range(gan.generator.predict(np.random.normal(0, 1, (64, 100))))
    # digits are bright strokes on black (MNIST's mean 0.13); the untrained generator gives tanh(~0) -> 0.5
    assert samples.mean() < 0.35 and samples.std() > 0.1
    assert sorted(p.name for p in (tmp_path / "images").iterdir()) == ["sample_0.png", "sample_100.png",
                                                                       "sample_200.png"]
    assert gan.sample_images(tmp_path / "gan_mnist.png").exists()


@pytest.mark.slow
def test_wgangp_trains_on_mnist_without_diverging(request, nn, tmp_path):
    # 100 epochs of 5 critic batches (500) and one generator batch, batch 16, a smaller WGANGP_MNIST, 4,096 digits
    require_real_data(request, nn, "mnist")
    x = _mnist(nn, 4096)
    np.random.seed(0)
    nn.random.seed(0)
    gp = WGANGP(nn, **SMALL_WGANGP)
    history = gp.train(x, batch_size=16, epochs=100, n_critic=5, run_folder=tmp_path, print_every_n_batches=50,
                       verbose=0)
    for name, values in history.history.items():
        assert np.all(np.isfinite(values)) and np.max(np.abs(values)) < 100, name
    assert max(history.history["d_loss_gp"][-10:]) < 2  # the penalty keeps the critic's gradient norm near 1
    np.random.seed(1)
    samples = G.to_unit_range(gp.generator.predict(np.random.normal(0, 1, (64, 100))))
    assert samples.mean() < 0.35 and samples.std() > 0.05  # the dark background learnt, not one flat image
    assert sorted(p.name for p in (tmp_path / "images").iterdir()) == ["sample_0.png", "sample_50.png"]
    assert gp.sample_images(tmp_path / "wgangp_mnist.png").exists()
