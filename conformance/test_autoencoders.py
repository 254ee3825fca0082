"""Foster ch. 3's Autoencoder and VariationalAutoencoder and the DATA 2040 dense VAE (``nnspec.zoo.autoencoders``).

The printed tables (GDL Figures 3-5, 3-6, 3-16, 3-17; notes seed-foster.md §3 S4, S5, S7, S8) are pasted as the
notes transcribe them and compared row by row with ``summary()`` at Keras' default width, where Keras cuts the
type cell exactly as the book prints it (``decoder_conv_t_0 (Conv2DTran``, ``batch_normalization_1 (BatchNor``).
The models the books do not tabulate have their rows written out with the parameter arithmetic. Runtime cases
use a tiny configuration (8x8x1 images) and data made here; expected values are NumPy float64 formulas.
"""

import math
import re

import numpy as np
import pytest
from harness.realdata import require_real_data

from nnspec import zoo
from nnspec.zoo import autoencoders as A
from nnspec.zoo import recipes
from nnspec.zoo.autoencoders import (
    DIGITS,
    FACES,
    GENERATIVE_ENTRIES,
    Autoencoder,
    DenseVAE,
    VariationalAutoencoder,
)

ENTRIES = {e.name: e for e in GENERATIVE_ENTRIES}
TINY = dict(input_dim=(8, 8, 1), encoder_conv_filters=[4, 8], encoder_conv_kernel_size=[3, 3],
            encoder_conv_strides=[1, 2], decoder_conv_t_filters=[4, 1], decoder_conv_t_kernel_size=[3, 3],
            decoder_conv_t_strides=[2, 1], z_dim=2)


pytestmark = pytest.mark.usefixtures("fresh_seeded_session")


# -- reading tables: the book's (tabs, cut cells) and ours (Keras' fixed columns) -------------------------------

_ROW = re.compile(r"^(\S+) \((\w+)\)?\s*(\([^)]*\)|\[[^\]]*\]|multiple)\s+(\d+)\s*(.*)$")
_MORE = re.compile(r"^\S+\[\d+\]\[\d+\]$")
_TOTAL = re.compile(r"^(Total|Trainable|Non-trainable) params:\s*([\d,]+)")


def read_table(lines):
    """Rows (name, type as printed, output shape, params, connected-to cells) and the totals."""
    rows, totals = [], {}
    for line in lines:
        line = line.strip()
        m = _ROW.match(line)
        if m:
            rows.append((m[1], m[2], m[3], int(m[4]), tuple(m[5].split())))
            continue
        if _MORE.match(line) and rows:
            rows[-1] = rows[-1][:4] + (rows[-1][4] + (line,),)
            continue
        m = _TOTAL.match(line)
        if m:
            totals[m[1]] = int(m[2].replace(",", ""))
    return rows, totals


def summary_of(model, line_length=None):
    out = []
    model.summary(line_length=line_length, print_fn=out.append)
    return out


# -- the book's printed tables, as the notes transcribe them -------------------------------------------------------

# seed-foster.md §3 S4 = GDL Figure 3-5, the digits autoencoder's encoder (F1:1568-1583)
BOOK_S4 = """\
Layer (type)\tOutput Shape\tParam #
encoder_input (InputLayer)\t(None, 28, 28, 1)\t0
encoder_conv_0 (Conv2D)\t(None, 28, 28, 32)\t320
leaky_re_lu_1 (LeakyReLU)\t(None, 28, 28, 32)\t0
encoder_conv_1 (Conv2D)\t(None, 14, 14, 64)\t18496
leaky_re_lu_2 (LeakyReLU)\t(None, 14, 14, 64)\t0
encoder_conv_2 (Conv2D)\t(None, 7, 7, 64)\t36928
leaky_re_lu_3 (LeakyReLU)\t(None, 7, 7, 64)\t0
encoder_conv_3 (Conv2D)\t(None, 7, 7, 64)\t36928
leaky_re_lu_4 (LeakyReLU)\t(None, 7, 7, 64)\t0
flatten_1 (Flatten)\t(None, 3136)\t0
encoder_output (Dense)\t(None, 2)\t6274

Total params: 98,946
 Trainable params: 98,946
 Non-trainable params: 0
"""

# seed-foster.md §3 S5 = GDL Figure 3-6, the digits autoencoder's decoder (F1:1636-1652)
BOOK_S5 = """\
Layer (type)\tOutput Shape\tParam #
<hr/>\t\t
decoder_input (InputLayer)\t(None, 2)\t0
dense_1 (Dense)\t(None, 3136)\t9408
reshape_1 (Reshape)\t(None, 7, 7, 64)\t0
decoder_conv_t_0 (Conv2DTran\t(None, 7, 7, 64)\t36928
leaky_re_lu_5 (LeakyReLU)\t(None, 7, 7, 64)\t0
decoder_conv_t_1 (Conv2DTran\t(None, 14, 14, 64)\t36928
leaky_re_lu_6 (LeakyReLU)\t(None, 14, 14, 64)\t0
decoder_conv_t_2 (Conv2DTran\t(None, 28, 28, 32)\t18464
leaky_re_lu_7 (LeakyReLU)\t(None, 28, 28, 32)\t0
decoder_conv_t_3 (Conv2DTran\t(None, 28, 28, 1)\t289
activation_1 (Activation)\t(None, 28, 28, 1)\t0
<hr/>\t\t
Total params: 102,017\t\t
Trainable params: 102,017\t\t
Non-trainable params: 0\t\t
"""

# seed-foster.md §3 S7 = GDL Figure 3-16, the faces VAE's encoder with its "Connected to" column (F1:2063-2088)
BOOK_S7 = """\
Layer (type)\tOutput Shape\tParam #\tConnected to
encoder_input (InputLayer)\t(None, 128, 128, 3)\t0\t
encoder_conv_0 (Conv2D)\t(None, 64, 64, 32)\t896\tencoder_input[0][0]
batch_normalization_1 (BatchNor\t(None, 64, 64, 32)\t128\tencoder_conv_0[0][0]
leaky_re_lu_1 (LeakyReLU)\t(None, 64, 64, 32)\t0\tbatch_normalization_1[0][0]
dropout_1 (Dropout)\t(None, 64, 64, 32)\t0\tleaky_re_lu_1[0][0]
encoder_conv_1 (Conv2D)\t(None, 32, 32, 64)\t18496\tdropout_1[0][0]
batch_normalization_2 (BatchNor\t(None, 32, 32, 64)\t256\tencoder_conv_1[0][0]
leaky_re_lu_2 (LeakyReLU)\t(None, 32, 32, 64)\t0\tbatch_normalization_2[0][0]
dropout_2 (Dropout)\t(None, 32, 32, 64)\t0\tleaky_re_lu_2[0][0]
encoder_conv_2 (Conv2D)\t(None, 16, 16, 64)\t36928\tdropout_2[0][0]
batch_normalization_3 (BatchNor\t(None, 16, 16, 64)\t256\tencoder_conv_2[0][0]
leaky_re_lu_3 (LeakyReLU)\t(None, 16, 16, 64)\t0\tbatch_normalization_3[0][0]
dropout_3 (Dropout)\t(None, 16, 16, 64)\t0\tleaky_re_lu_3[0][0]
encoder_conv_3 (Conv2D)\t(None, 8, 8, 64)\t36928\tdropout_3[0][0]
batch_normalization_4 (BatchNor\t(None, 8, 8, 64)\t256\tencoder_conv_3[0][0]
leaky_re_lu_4 (LeakyReLU)\t(None, 8, 8, 64)\t0\tbatch_normalization_4[0][0]
dropout_4 (Dropout)\t(None, 8, 8, 64)\t0\tleaky_re_lu_4[0][0]
flatten_1 (Flatten)\t(None, 4096)\t0\tdropout_4[0][0]
mu (Dense)\t(None, 200)\t819400\tflatten_1[0][0]
log_var (Dense)\t(None, 200)\t819400\tflatten_1[0][0]
encoder_output (Lambda)\t(None, 200)\t0\tmu[0][0] log_var[0][0]
<hr/>\t\t\t
Total params: 1,732,944\t\t\t
Trainable params: 1,732,496\t\t\t
Non-trainable params: 448\t\t\t
"""

# seed-foster.md §3 S8 = GDL Figure 3-17, the faces VAE's decoder (F1:2092-2113)
BOOK_S8 = """\
Layer (type)\tOutput Shape\tParam #
decoder_input (InputLayer)\t(None, 200)\t0
dense_1 (Dense)\t(None, 4096)\t823296
reshape_1 (Reshape)\t(None, 8, 8, 64)\t0
decoder_conv_t_0 (Conv2DTran (None, 16, 16, 64)\t\t36928
batch_normalization_5 (Batch (None, 16, 16, 64)\t\t256
leaky_re_lu_5 (LeakyReLU)\t(None, 16, 16, 64)\t0
dropout_5 (Dropout)\t(None, 16, 16, 64)\t0
decoder_conv_t_1 (Conv2DTran (None, 32, 32, 64)\t\t36928
batch_normalization_6 (Batch (None, 32, 32, 64)\t\t256
leaky_re_lu_6 (LeakyReLU)\t(None, 32, 32, 64)\t0
dropout_6 (Dropout)\t(None, 32, 32, 64)\t0
decoder_conv_t_2 (Conv2DTran (None, 64, 64, 32)\t\t18464
batch_normalization_7 (Batch (None, 64, 64, 32)\t\t128
leaky_re_lu_7 (LeakyReLU)\t(None, 64, 64, 32)\t0
dropout_7 (Dropout)\t(None, 64, 64, 32)\t0
decoder_conv_t_3 (Conv2DTran (None, 128, 128, 3)\t\t867
activation_1 (Activation)\t(None, 128, 128, 3)\t0
<hr/>\t\t
Total params:\t917,123\t
Trainable params:\t916,803\t
Non-trainable params:\t320\t
"""

PRINTED = {"ae_digits_encoder": BOOK_S4, "ae_digits_decoder": BOOK_S5, "vae_faces_encoder": BOOK_S7,
           "vae_faces_decoder": BOOK_S8}


def test_the_books_tables_add_up():
    # each table: 4 rows per conv block, totals = sum of rows; BN: 4 per channel, 2 of them non-trainable
    for name, text in PRINTED.items():
        rows, totals = read_table(text.splitlines())
        assert totals["Total"] == sum(r[3] for r in rows) == ENTRIES[name].params, name
        bn = sum(r[3] for r in rows if r[1].startswith("Batch"))
        assert totals["Non-trainable"] == bn // 2 and totals["Trainable"] == totals["Total"] - bn // 2, name
    assert len(read_table(BOOK_S4.splitlines())[0]) == 11 and len(read_table(BOOK_S8.splitlines())[0]) == 17
    assert read_table(BOOK_S7.splitlines())[0][-1] == ("encoder_output", "Lambda", "(None, 200)", 0,
                                                       ("mu[0][0]", "log_var[0][0]"))
    # the hand arithmetic: 3*3*1*32+32 = 320, 3136*2+2 = 6,274; 3*3*32*3+3 = 867; 4096*200+200 = 819,400
    assert (3 * 3 * 1 * 32 + 32, 3136 * 2 + 2, 3 * 3 * 32 * 3 + 3, 4096 * 200 + 200) == (320, 6274, 867, 819400)


@pytest.mark.parametrize("name", sorted(PRINTED))
def test_summary_equals_the_books_printed_table(nn, name):
    model = ENTRIES[name].make(nn)
    assert read_table(summary_of(model)) == read_table(PRINTED[name].splitlines())
    assert ENTRIES[name].printed_summary is not None


def test_only_the_printed_entries_say_so():
    assert sorted(n for n, e in ENTRIES.items() if e.printed_summary) == sorted(PRINTED)


# -- the rows of the models the books do not tabulate (printed 200 wide: no cell cut) --------------------------

def _conv_rows(prefix):
    return [(f"{prefix}encoder_conv_0", "Conv2D", "(None, 28, 28, 32)", 320),   # 3*3*1*32+32
            (f"{prefix}leaky_re_lu_1", "LeakyReLU", "(None, 28, 28, 32)", 0),
            (f"{prefix}encoder_conv_1", "Conv2D", "(None, 14, 14, 64)", 18496),  # 3*3*32*64+64
            (f"{prefix}leaky_re_lu_2", "LeakyReLU", "(None, 14, 14, 64)", 0),
            (f"{prefix}encoder_conv_2", "Conv2D", "(None, 7, 7, 64)", 36928),    # 3*3*64*64+64
            (f"{prefix}leaky_re_lu_3", "LeakyReLU", "(None, 7, 7, 64)", 0),
            (f"{prefix}encoder_conv_3", "Conv2D", "(None, 7, 7, 64)", 36928),
            (f"{prefix}leaky_re_lu_4", "LeakyReLU", "(None, 7, 7, 64)", 0),
            (f"{prefix}flatten_1", "Flatten", "(None, 3136)", 0)]                 # 7*7*64


def _chain(rows):
    """Connected-to cells of a chain: each row fed by the one before."""
    out = [rows[0] + ((),)]
    for prev, row in zip(rows, rows[1:]):
        out.append(row + ((f"{prev[0]}[0][0]",),))
    return out


_VAE_DIGITS_ENCODER = _chain([("encoder_input", "InputLayer", "(None, 28, 28, 1)", 0)] + _conv_rows("")) + [
    ("mu", "Dense", "(None, 2)", 6274, ("flatten_1[0][0]",)),        # 3136*2+2
    ("log_var", "Dense", "(None, 2)", 6274, ("flatten_1[0][0]",)),
    ("encoder_output", "Lambda", "(None, 2)", 0, ("mu[0][0]", "log_var[0][0]")),
]

EXPECTED = {
    # the full autoencoder: Figure 3-5's rows, then the decoder model (model_2: encoder model_1 comes first), a chain
    "ae_digits": ([(r[0], r[1], r[2], r[3], ()) for r in [("encoder_input", "InputLayer", "(None, 28, 28, 1)", 0)]
                   + _conv_rows("") + [("encoder_output", "Dense", "(None, 2)", 6274),
                                       ("model_2", "Model", "(None, 28, 28, 1)", 102017)]],
                  {"Total": 200963, "Trainable": 200963, "Non-trainable": 0}),
    # notes D1: the encoder of S4 with mu and log_var (6,274 each) and the Lambda: 105,220, a graph
    "vae_digits_encoder": (_VAE_DIGITS_ENCODER, {"Total": 105220, "Trainable": 105220, "Non-trainable": 0}),
    # the full VAE: D1's rows, then the decoder (model_3: encoder_mu_log_var is model_1, the encoder model_2);
    # 105,220 + 102,017 = 207,237
    "vae_digits": (_VAE_DIGITS_ENCODER + [("model_3", "Model", "(None, 28, 28, 1)", 102017,
                                           ("encoder_output[0][0]",))],
                   {"Total": 207237, "Trainable": 207237, "Non-trainable": 0}),
    # DATA 2040 vae = Model(x, decoder(encoder(x)[2])): input, encoder 784*512+512 + 2*(512*20+20) = 422,440 (three
    # outputs), decoder 20*512+512 + 512*784+784 = 412,944; total 835,384, a chain
    "dense_vae": ([("input_1", "InputLayer", "(None, 784)", 0, ()),
                   ("model_1", "Model", "[(None, 20), (None, 20), (None, 20)]", 422440, ()),
                   ("model_2", "Model", "(None, 784)", 412944, ())],
                  {"Total": 835384, "Trainable": 835384, "Non-trainable": 0}),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_entry_builds_with_the_expected_rows_and_totals(nn, name):
    entry = ENTRIES[name]
    model = entry.make(nn)
    assert read_table(summary_of(model, line_length=200)) == EXPECTED[name]
    assert model.count_params() == entry.params == EXPECTED[name][1]["Total"]


def test_faces_vae_totals(nn):
    # encoder 1,732,944 (Figure 3-16) + decoder 917,123 (Figure 3-17); BN moving statistics 448 + 320 = 768
    model = ENTRIES["vae_faces"].make(nn)
    rows, totals = read_table(summary_of(model, line_length=200))
    assert totals == {"Total": 2650067, "Trainable": 2650067 - 768, "Non-trainable": 768}
    assert rows[-1] == ("model_3", "Model", "(None, 128, 128, 3)", 917123, ("encoder_output[0][0]",))
    assert model.count_params() == ENTRIES["vae_faces"].params == 1732944 + 917123


def test_every_entry_is_listed_with_its_counts(nn):
    assert sorted(ENTRIES) == sorted(set(EXPECTED) | set(PRINTED) | {"vae_faces"})
    for name, entry in ENTRIES.items():
        assert entry.name == name and re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", name)
        assert entry.book and entry.section and entry.params_note
        assert entry.recipe is None or entry.recipe in A.GENERATIVE_RECIPES
        assert isinstance(entry, zoo.Entry)
    assert sorted(e.recipe for e in GENERATIVE_ENTRIES if e.recipe) == sorted(A.GENERATIVE_RECIPES)


# -- architecture: the book's layer arguments ----------------------------------------------------------------------

def _config_of(model, name):
    return model.get_layer(name).get_config()


@pytest.mark.parametrize("cls, cfg", [(Autoencoder, DIGITS), (VariationalAutoencoder, DIGITS),
                                      (VariationalAutoencoder, FACES)])
def test_layers_have_the_books_arguments(nn, cls, cfg):
    m = cls(nn, **cfg)
    for i in range(4):
        conv = _config_of(m.encoder, f"encoder_conv_{i}")
        assert (conv["filters"], conv["kernel_size"], conv["strides"], conv["padding"]) == (
            cfg["encoder_conv_filters"][i], (3, 3), (cfg["encoder_conv_strides"][i],) * 2, "same")
        assert conv["activation"] == "linear"
        t = _config_of(m.decoder, f"decoder_conv_t_{i}")
        assert (t["filters"], t["kernel_size"], t["strides"], t["padding"]) == (
            cfg["decoder_conv_t_filters"][i], (3, 3), (cfg["decoder_conv_t_strides"][i],) * 2, "same")
    for model in (m.encoder, m.decoder):
        for layer in model.layers:
            kind = type(layer).__name__
            if kind == "LeakyReLU":
                assert layer.get_config()["alpha"] == pytest.approx(0.3)  # Keras 2 default, never given
            if kind == "Dropout":
                assert layer.get_config()["rate"] == 0.25
    assert type(m.decoder.layers[-1]).__name__ == "Activation"
    assert m.decoder.layers[-1].get_config()["activation"] == "sigmoid"
    assert m.z_dim == cfg["z_dim"] and m.encoder.output_shape == (None, cfg["z_dim"])
    assert m.model.input_shape == (None,) + cfg["input_dim"] == m.model.output_shape
    assert m.model.layers[-1] is m.decoder  # Example 3-4: the decoder model used as a layer


def _kinds(model):
    return [type(la).__name__ for la in model.layers]


def test_batch_norm_order_ae_repository_vae_text(nn):
    # AE.py of the repository: LeakyReLU, BatchNormalization, Dropout; the VAE (Example 3-7): BN before LeakyReLU
    cfg = dict(TINY, use_batch_norm=True, use_dropout=True)
    ae = Autoencoder(nn, **cfg)
    assert _kinds(ae.encoder)[1:5] == ["Conv2D", "LeakyReLU", "BatchNormalization", "Dropout"]
    assert _kinds(ae.decoder)[3:7] == ["Conv2DTranspose", "LeakyReLU", "BatchNormalization", "Dropout"]
    vae = VariationalAutoencoder(nn, **cfg)
    assert _kinds(vae.encoder)[1:5] == ["Conv2D", "BatchNormalization", "LeakyReLU", "Dropout"]
    assert _kinds(vae.decoder)[3:7] == ["Conv2DTranspose", "BatchNormalization", "LeakyReLU", "Dropout"]
    assert _kinds(vae.decoder)[-2:] == ["Conv2DTranspose", "Activation"]  # the last layer: no BN, no dropout
    plain = Autoencoder(nn, **TINY)
    assert "BatchNormalization" not in _kinds(plain.encoder) and "Dropout" not in _kinds(plain.decoder)


def test_vae_exposes_mu_log_var_and_the_sampling_lambda(nn):
    v = VariationalAutoencoder(nn, **DIGITS)
    assert v.mu.shape == v.log_var.shape == (None, 2)
    assert v.mu._keras_history[0].name == "mu" and v.log_var._keras_history[0].name == "log_var"
    lam = v.encoder.get_layer("encoder_output")
    assert type(lam).__name__ == "Lambda"
    assert [la.name for la in lam._inbound_nodes[0].inbound_layers] == ["mu", "log_var"]
    assert v.encoder_mu_log_var.output_shape == [(None, 2), (None, 2)]
    assert [m.name for m in (v.encoder_mu_log_var, v.encoder, v.decoder, v.model)] == [
        "model_1", "model_2", "model_3", "model_4"]


def test_dense_vae_layers(nn):
    d = DenseVAE(nn)
    assert _kinds(d.encoder) == ["InputLayer", "Dense", "Dense", "Dense", "Lambda"]
    assert [la.get_config()["activation"] for la in d.encoder.layers[1:4]] == ["relu", "linear", "linear"]
    assert [(la.get_config()["units"], la.get_config()["activation"]) for la in d.decoder.layers[1:]] == [
        (512, "relu"), (784, "sigmoid")]
    assert d.encoder.output_shape == [(None, 20)] * 3
    assert d.vae.input_shape == (None, 784) == d.vae.output_shape


# -- losses against NumPy float64 ----------------------------------------------------------------------------------

def _kl_np(mu, log_var):
    mu, log_var = np.asarray(mu, np.float64), np.asarray(log_var, np.float64)
    return -0.5 * np.sum(1 + log_var - mu ** 2 - np.exp(log_var), axis=1)


def test_kl_loss_matches_numpy_float64(nn):
    K = nn.backend
    rng = np.random.default_rng(1)
    mu = rng.normal(size=(5, 3))
    log_var = rng.normal(scale=0.7, size=(5, 3))
    got = K.eval(A.kl_loss(K, K.constant(mu, dtype="float64"), K.constant(log_var, dtype="float64")))
    assert got.shape == (5,) and got.dtype == np.float64
    np.testing.assert_allclose(got, _kl_np(mu, log_var), rtol=1e-12)
    # the notes' values (§6.5): kl(0, 0) = 0 (F1:1976); kl([1,0],[0,0]) = 0.5; kl([0,0],[1,0]) = 0.5(e - 2);
    # kl([1,-1],[ln 2, 0]) = 0.5(1 + 1 + 2 - 1 - ln 2) = 1.5 - 0.5 ln 2
    mu = np.array([[0., 0.], [1., 0.], [0., 0.], [1., -1.]])
    log_var = np.array([[0., 0.], [0., 0.], [1., 0.], [math.log(2), 0.]])
    got = K.eval(A.kl_loss(K, K.constant(mu, dtype="float64"), K.constant(log_var, dtype="float64")))
    np.testing.assert_allclose(got, [0.0, 0.5, 0.5 * (math.e - 2), 1.5 - 0.5 * math.log(2)], rtol=1e-14, atol=1e-15)
    assert got[3] == pytest.approx(1.15342641, abs=1e-8)


def test_r_loss_is_the_per_image_mean_squared_error(nn):
    K = nn.backend
    rng = np.random.default_rng(2)
    y, p = rng.random((3, 4, 5, 2)), rng.random((3, 4, 5, 2))
    got = K.eval(A.r_loss(K, K.constant(y, dtype="float64"), K.constant(p, dtype="float64")))
    expected = [np.mean((y[i] - p[i]) ** 2) for i in range(3)]  # no square root (erratum E9)
    np.testing.assert_allclose(got, expected, rtol=1e-13)


# -- the sampling layer --------------------------------------------------------------------------------------------

def test_sampling_draws_mu_plus_sigma_epsilon(nn):
    # z = mu + exp(log_var / 2) eps: with log_var = ln 4, sigma = 2 (F1:2242). Mean and variance of many draws
    # within 5 standard errors (mean: sigma/sqrt(n); variance: sigma^2 sqrt(2/n))
    K = nn.backend
    v = VariationalAutoencoder(nn, **TINY)
    n = 200_000
    mu = np.tile([[1.5, -2.0, 0.0]], (n, 1))
    log_var = np.tile([[math.log(4.0), 0.0, -2.0]], (n, 1))
    z = K.eval(v.sampling([K.constant(mu, dtype="float64"), K.constant(log_var, dtype="float64")]))
    sigma = np.array([2.0, 1.0, math.exp(-1.0)])
    assert z.shape == (n, 3)
    assert np.all(np.abs(z.mean(axis=0) - mu[0]) <= 5 * sigma / math.sqrt(n))
    assert np.all(np.abs(z.var(axis=0) - sigma ** 2) <= 5 * sigma ** 2 * math.sqrt(2 / n))
    corr = np.corrcoef(z[:, 0], z[:, 1])[0, 1]
    assert abs(corr) <= 5 / math.sqrt(n)  # independent dimensions (a diagonal covariance)


def test_encoder_samples_around_mu_with_sigma(nn):
    # the Lambda inside the encoder model: many copies of one image give codes with mean mu, sd exp(log_var/2)
    v = VariationalAutoencoder(nn, **TINY)
    x = np.random.default_rng(3).random((1, 8, 8, 1)).astype("float32")
    mu, log_var = v.encode_mu_log_var(x)
    n = 20_000
    z = v.encode(np.repeat(x, n, axis=0), batch_size=4096).astype(np.float64)
    sigma = np.exp(log_var[0].astype(np.float64) / 2)
    assert np.all(np.abs(z.mean(axis=0) - mu[0]) <= 5 * sigma / math.sqrt(n) + 1e-6)
    assert np.all(np.abs(z.std(axis=0) / sigma - 1) <= 5 * math.sqrt(1 / (2 * n)))
    z1, z2 = v.encode(x), v.encode(x)
    assert not np.array_equal(z1, z2)  # a fresh epsilon per call


def test_dense_vae_sampler_with_a_dynamic_batch(nn):
    # sample_normal uses K.shape(mean)[0] (a tensor) and K.int_shape(mean)[1] as the noise shape
    K = nn.backend
    d = DenseVAE(nn)
    n = 50_000
    mean = np.full((n, 20), 0.5)
    logsigma = np.full((n, 20), math.log(0.25))
    z = K.eval(d.sample_normal([K.constant(mean, dtype="float64"), K.constant(logsigma, dtype="float64")]))
    assert z.shape == (n, 20)
    assert abs(z.mean() - 0.5) <= 5 * 0.5 / math.sqrt(n * 20)
    assert abs(z.std() - 0.5) <= 5 * 0.5 / math.sqrt(2 * n * 20)


# -- the autoencoder trains ----------------------------------------------------------------------------------------

def _images(n=16, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 8, 8, 1)).astype("float32")


def test_ae_compile_is_the_books(nn):
    ae = Autoencoder(nn, **TINY)
    ae.compile(0.0005)
    assert type(ae.model.optimizer).__name__ == "Adam"
    assert nn.backend.get_value(ae.model.optimizer.lr) == pytest.approx(0.0005, rel=1e-7)
    assert ae.model.metrics_names == ["loss"] and ae.model.loss.__name__ == "r_loss"
    entry_args = ENTRIES["ae_digits"].compile_args(nn)
    assert nn.backend.get_value(entry_args["optimizer"].lr) == pytest.approx(0.0005, rel=1e-7)
    assert entry_args["loss"].__name__ == "r_loss"


def test_ae_loss_is_the_mean_squared_error_of_its_reconstruction(nn):
    ae = Autoencoder(nn, **TINY)
    ae.compile(0.001)
    x = _images()
    recon = ae.model.predict(x).astype(np.float64)
    expected = np.mean([np.mean((x[i] - recon[i]) ** 2) for i in range(len(x))])
    assert ae.model.evaluate(x, x, verbose=0) == pytest.approx(expected, rel=1e-5)
    # the full model is decoder(encoder(x)) with shared weights
    np.testing.assert_allclose(ae.decode(ae.encode(x)), recon, rtol=1e-5, atol=1e-6)


def test_one_fit_step_of_the_ae_lowers_the_loss(nn):
    ae = Autoencoder(nn, **TINY)
    ae.compile(0.001)
    x = _images()
    before = ae.model.evaluate(x, x, verbose=0)
    history = ae.train(x, batch_size=16, epochs=1, verbose=0)
    assert history.history["loss"][0] == pytest.approx(before, rel=1e-5)  # the step's loss is before the update
    assert ae.model.evaluate(x, x, verbose=0) < before


def test_ae_entry_compiles_and_trains_the_digits_model(nn):
    model = ENTRIES["ae_digits"].make(nn, compile=True)
    x = np.random.default_rng(4).random((4, 28, 28, 1)).astype("float32")
    before = model.evaluate(x, x, verbose=0)
    model.train_on_batch(x, x)
    assert model.evaluate(x, x, verbose=0) < before


# -- the VAE's losses close over mu and log_var --------------------------------------------------------------------

def _constant_decoder(model_decoder, bias):
    """Zero the last transposed convolution's kernel: the decoder then outputs sigmoid(bias) whatever the code."""
    layer = model_decoder.layers[-2]
    kernel, b = layer.get_weights()
    layer.set_weights([np.zeros_like(kernel), np.full_like(b, bias)])


def test_vae_compile_is_the_books(nn):
    v = VariationalAutoencoder(nn, **TINY)
    v.compile(0.0005, 1000)
    assert v.model.metrics_names == ["loss", "vae_r_loss", "vae_kl_loss"]
    assert type(v.model.optimizer).__name__ == "Adam"
    assert nn.backend.get_value(v.model.optimizer.lr) == pytest.approx(0.0005, rel=1e-7)
    with pytest.raises(ValueError, match=r"closes over its own internal tensors.*VariationalAutoencoder\(nn, \.\.\.\)"
                                         r"\.compile\(learning_rate, r_loss_factor\)"):
        ENTRIES["vae_digits"].make(nn, compile=True)
    with pytest.raises(ValueError, match="the book compiles the full autoencoder"):
        ENTRIES["ae_digits_encoder"].compile_args(nn)


def _loss_only(v, lr):
    """The book's vae_loss compiled without its two metrics."""
    v.model.compile(optimizer=v.nn.optimizers.Adam(lr=lr), loss=v.vae_loss)


def test_vae_loss_reads_the_batchs_mu_and_log_var(nn):
    # the loss alone (no metrics): with a constant decoder, r_loss_factor * MSE(x, sigmoid(b)) + batch-mean KL
    v = VariationalAutoencoder(nn, **TINY)
    v.compile(0.001, r_loss_factor=100)
    _loss_only(v, 0.001)
    _constant_decoder(v.decoder, 0.3)
    for x in (_images(), _images(8, seed=9) * 3):
        p = 1 / (1 + math.exp(-0.3))
        mu, log_var = v.encode_mu_log_var(x)
        expected = 100 * np.mean((x.astype(np.float64) - p) ** 2) + np.mean(_kl_np(mu, log_var))
        assert v.model.test_on_batch(x, x) == pytest.approx(expected, rel=1e-5)


def test_vae_kl_loss_alone_trains_the_encoder(nn):
    # r_loss_factor = 0: the loss reaches the encoder's weights only through mu and log_var
    v = VariationalAutoencoder(nn, **TINY)
    v.compile(0.01, r_loss_factor=0)
    _loss_only(v, 0.01)
    x = _images() * 4
    first = v.model.test_on_batch(x, x)
    for _ in range(30):
        v.model.train_on_batch(x, x)
    assert v.model.test_on_batch(x, x) < 0.5 * first


def test_vae_loss_terms_are_the_batchs_values(nn):
    # with a constant decoder the reconstruction is known: r = factor * mean_i mean((x_i - sigmoid(b))^2); the KL
    # term is the batch mean of the KL of the batch's own mu and log_var; the loss is their sum
    v = VariationalAutoencoder(nn, **TINY)
    v.compile(0.001, r_loss_factor=100)
    _constant_decoder(v.decoder, 0.3)
    x = _images()
    loss, r, kl = v.model.test_on_batch(x, x)
    p = 1 / (1 + math.exp(-0.3))
    mu, log_var = v.encode_mu_log_var(x)
    assert r == pytest.approx(100 * np.mean((x.astype(np.float64) - p) ** 2), rel=1e-5)
    assert kl == pytest.approx(np.mean(_kl_np(mu, log_var)), rel=1e-5)
    assert loss == pytest.approx(r + kl, rel=1e-6)
    # another batch, other values: the closure reads the current batch, not the first one it saw
    x2 = _images(8, seed=9) * 3
    mu2, log_var2 = v.encode_mu_log_var(x2)
    assert v.model.test_on_batch(x2, x2)[2] == pytest.approx(np.mean(_kl_np(mu2, log_var2)), rel=1e-5)


def test_vae_kl_gradient_flows_through_the_closure(nn):
    # r_loss_factor = 0: the loss is the KL term alone, a function of the encoder's weights only through mu and
    # log_var; training must drive it down
    v = VariationalAutoencoder(nn, **TINY)
    v.compile(0.01, r_loss_factor=0)
    x = _images() * 4
    first = v.model.test_on_batch(x, x)[0]
    for _ in range(30):
        v.model.train_on_batch(x, x)
    assert v.model.test_on_batch(x, x)[0] < 0.5 * first


def test_vae_fit_lowers_the_loss(nn):
    nn.random.seed(0)
    v = VariationalAutoencoder(nn, **TINY)
    v.compile(0.005, r_loss_factor=100)
    x = _images(32)

    def mean_loss():
        return np.mean([v.model.test_on_batch(x, x)[0] for _ in range(5)])

    before = mean_loss()
    history = v.train(x, batch_size=16, epochs=10, verbose=0)
    assert sorted(history.history) == ["loss", "vae_kl_loss", "vae_r_loss"]
    assert mean_loss() < before


def test_dense_vae_loss_closes_over_the_nested_encoders_tensors(nn):
    # vae = Model(x, decoder(encoder(x)[2])): its loss reads the encoder's mean and logsigma; with a constant
    # decoder (last kernel zero) the loss is BCE(x, sigmoid(b)) + mean_i mean_j KL_ij, in NumPy below
    d = DenseVAE(nn, original_dim=16, intermediate_dim=8, encoded_dim=3)
    d.compile()
    assert type(d.vae.optimizer).__name__ == "Adam" and d.vae.metrics_names == ["loss"]
    last = d.decoder.layers[-1]
    kernel, b = last.get_weights()
    last.set_weights([np.zeros_like(kernel), np.full_like(b, -0.4)])
    x = np.random.default_rng(5).random((10, 16)).astype("float32")
    mean, logsigma, _ = d.encoder.predict(x)
    p = 1 / (1 + math.exp(0.4))
    bce = -np.mean(x * math.log(p) + (1 - x) * math.log(1 - p), axis=-1)
    kl = -0.5 * np.mean(1 + logsigma - mean.astype(np.float64) ** 2 - np.exp(logsigma.astype(np.float64)), axis=-1)
    assert d.vae.test_on_batch(x, x) == pytest.approx(np.mean(bce + kl), rel=1e-5)


def test_dense_vae_trains(nn):
    d = DenseVAE(nn, original_dim=16, intermediate_dim=8, encoded_dim=3)
    d.compile()
    x = (np.random.default_rng(6).random((64, 16)) > 0.5).astype("float32")
    before = np.mean([d.vae.test_on_batch(x, x) for _ in range(5)])
    d.vae.fit(x, x, epochs=20, batch_size=16, verbose=0)
    assert np.mean([d.vae.test_on_batch(x, x) for _ in range(5)]) < before
    assert d.random_image(0).shape == (4, 4)


# -- the latent space ----------------------------------------------------------------------------------------------

def test_morphing_endpoints_are_the_two_codes():
    rng = np.random.default_rng(7)
    z_a, z_b = rng.normal(size=200), rng.normal(size=200)
    path = A.morph(z_a, z_b, [0.0, 0.25, 0.5, 1.0])
    assert path.shape == (4, 200)
    np.testing.assert_array_equal(path[0], z_a)
    np.testing.assert_array_equal(path[-1], z_b)
    np.testing.assert_allclose(path[1], 0.75 * z_a + 0.25 * z_b, rtol=1e-15)
    np.testing.assert_allclose(path[2], (z_a + z_b) / 2, rtol=1e-15)
    batch = A.morph(np.zeros((3, 2)), np.ones((3, 2)), [0.5])
    assert batch.shape == (1, 3, 2) and np.all(batch == 0.5)


def test_attribute_vector_and_adding_it():
    # F1:2189: mean of the codes with the attribute minus mean of those without
    z = np.array([[1.0, 2.0], [3.0, 2.0], [0.0, 0.0], [0.0, -4.0], [0.0, 1.0]])
    smiling = np.array([1, 1, 0, 0, 0])
    v = A.attribute_vector(z, smiling)
    np.testing.assert_allclose(v, [2.0 - 0.0, 2.0 - (-1.0)])
    out = A.add_vector(z[2], v, [-1, 0, 2])
    np.testing.assert_allclose(out, [[-2.0, -3.0], [0.0, 0.0], [4.0, 6.0]])


def test_p_values_are_the_standard_normal_cdf():
    got = A.p_values([[0.0, 1.959963984540054], [-1.0, 3.0]])
    np.testing.assert_allclose(got, [[0.5, 0.975], [0.15865525393145707, 0.9986501019683699]], rtol=1e-12)


def test_sample_codes_are_seeded_standard_normal_draws():
    a, b = A.sample_codes(4, 3, 11), A.sample_codes(4, 3, np.random.default_rng(11))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, np.random.default_rng(11).standard_normal((4, 3)))


def test_generate_decodes_sampled_codes(nn):
    v = VariationalAutoencoder(nn, **TINY)
    z, images = v.generate(5, 3)
    np.testing.assert_array_equal(z, A.sample_codes(5, 2, 3))
    assert images.shape == (5, 8, 8, 1)
    assert np.all((images > 0) & (images < 1))  # the sigmoid output
    np.testing.assert_allclose(images, v.decode(z), rtol=1e-6)


def test_morph_and_attribute_vector_of_images(nn):
    ae = Autoencoder(nn, **TINY)
    x = _images(6)
    frames = ae.morph(x[0], x[1], [0.0, 0.5, 1.0])
    assert frames.shape == (3, 8, 8, 1)
    z = ae.encode(x[:2])
    np.testing.assert_allclose(frames[0], ae.decode(z[:1])[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(frames[2], ae.decode(z[1:2])[0], rtol=1e-5, atol=1e-6)
    labels = np.array([1, 0, 1, 0, 0, 1])
    codes = ae.encode(x).astype(np.float64)
    np.testing.assert_allclose(ae.attribute_vector(x, labels),
                               codes[labels == 1].mean(0) - codes[labels == 0].mean(0), rtol=1e-5, atol=1e-6)


# -- sample grids and recipes ------------------------------------------------------------------------------------

def test_image_grid_tiles_row_by_row():
    images = np.stack([np.full((2, 3), v) for v in (0.0, 0.5, 1.0)])  # three 2x3 greyscale images
    grid = A.image_grid(images, cols=2)
    assert grid.shape == (4, 6) and grid.dtype == np.uint8
    np.testing.assert_array_equal(grid[:2, :3], 0)
    np.testing.assert_array_equal(grid[:2, 3:], 128)  # round(0.5 * 255) = 128 (127.5 rounds to even)
    np.testing.assert_array_equal(grid[2:, :3], 255)
    np.testing.assert_array_equal(grid[2:, 3:], 0)    # the missing fourth cell
    rgb = A.image_grid(np.array([[[[1.2, -0.1, 0.2]]]]), cols=3)
    assert rgb.shape == (1, 3, 3) and rgb[0, 0].tolist() == [255, 0, 51]  # clipped to [0, 1]; 0.2 * 255 = 51
    with pytest.raises(ValueError, match=r"image_grid: expected images of shape .*got \(2, 3\)"):
        A.image_grid(np.zeros((2, 3)), 1)
    with pytest.raises(ValueError, match=r"image_grid: cols must be a positive int, got 0"):
        A.image_grid(np.zeros((1, 2, 2)), 0)


def test_save_image_grid_writes_the_png(tmp_path):
    from PIL import Image
    images = np.random.default_rng(8).random((5, 4, 4, 1))
    path = A.save_image_grid(tmp_path / "samples" / "grid.png", images, cols=3)
    with Image.open(path) as im:
        assert im.format == "PNG" and im.size == (12, 8)
        np.testing.assert_array_equal(np.asarray(im), A.image_grid(images, 3))
    assert [p.name for p in (tmp_path / "samples").iterdir()] == ["grid.png"]  # no temporary file left


@pytest.mark.parametrize("name", ["ae_digits", "vae_digits", "dense_vae"])
def test_recipe_runs_on_synthetic_data_and_writes_samples(nn, name, tmp_path, monkeypatch, capsys):
    entry = ENTRIES[name]
    monkeypatch.setitem(recipes.RECIPES, entry.recipe, A.GENERATIVE_RECIPES[entry.recipe])
    path = tmp_path / f"{name}.png"
    result = recipes.run(entry, nn, synthetic=True, epochs=1, seed=0, verbose=0, samples=str(path))
    assert result.history.epoch == [0]
    assert result.evaluation and all(np.isfinite(v) for v in result.evaluation.values())
    assert path.exists() and f"decoded samples: {path}" in capsys.readouterr().out
    assert np.all((result.extras["samples"] >= 0) & (result.extras["samples"] <= 1))


# -- errors --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("change, match", [
    (dict(encoder_conv_strides=[1]), r"Autoencoder: encoder_conv_filters, encoder_conv_kernel_size and "
                                     r"encoder_conv_strides must each have one entry per encoder layer .*\[2, 2, 1\]"),
    (dict(decoder_conv_t_filters=[]), r"decoder_conv_t_filters, .* per decoder layer .*\[0, 2, 2\]"),
    (dict(input_dim=(8, 8)), r"Autoencoder: input_dim must be \(height, width, channels\) .*got \(8, 8\)"),
    (dict(z_dim=0), r"Autoencoder: z_dim must be a positive int, got 0"),
])
def test_bad_arguments_are_clear_errors(nn, change, match):
    with pytest.raises(ValueError, match=match):
        Autoencoder(nn, **dict(TINY, **change))


def test_more_errors(nn):
    with pytest.raises(TypeError, match=r"VariationalAutoencoder: the first argument is the implementation .*got str"):
        VariationalAutoencoder("reference", **DIGITS)  # the book's call has no implementation argument
    ae = Autoencoder(nn, **TINY)
    with pytest.raises(ValueError, match=r"Autoencoder.decode: expected codes of shape \(n, 2\), got \(3,\)"):
        ae.decode(np.zeros(3))
    with pytest.raises(ValueError, match=r"attribute_vector: the labels must mark some samples .* got 3 of 3"):
        A.attribute_vector(np.zeros((3, 2)), [1, 1, 1])
    with pytest.raises(ValueError, match=r"attribute_vector: expected codes of shape \(n, z_dim\) and n labels"):
        A.attribute_vector(np.zeros((3, 2)), [1, 0])
    with pytest.raises(ValueError, match=r"morph: the two codes must have one shape, got \(2,\) and \(3,\)"):
        A.morph(np.zeros(2), np.zeros(3), [0.5])
    with pytest.raises(ValueError, match=r"add_vector: the feature vector \(3,\) does not match the codes \(2,\)"):
        A.add_vector(np.zeros(2), np.zeros(3), [1.0])


# -- real data (slow) ----------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_vae_digits_loss_falls_on_mnist(request, nn):
    # the digits VAE of Example 3-7 with the notebook's settings (lr 0.0005, r_loss_factor 1000, batch 32) on the
    # first 2,048 MNIST training images for 2 epochs (128 steps): the loss falls, the codes stay finite
    require_real_data(request, nn, "mnist")
    (x_train, _), _ = nn.datasets.mnist.load_data()
    x = (x_train[:2048].astype("float32") / 255.).reshape((-1, 28, 28, 1))
    v = VariationalAutoencoder(nn, **DIGITS)
    v.compile(A.LEARNING_RATE, A.R_LOSS_FACTOR_DIGITS)
    history = v.train(x, batch_size=32, epochs=2, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]
    z, images = v.generate(16, 0)
    assert images.shape == (16, 28, 28, 1) and np.all(np.isfinite(images))
