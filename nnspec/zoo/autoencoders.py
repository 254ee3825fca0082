"""Autoencoders and variational autoencoders: Foster's ch. 3 classes and the DATA 2040 dense VAE.

``Autoencoder(nn, input_dim, encoder_conv_filters, ..., z_dim, use_batch_norm=False, use_dropout=False)``
and ``VariationalAutoencoder(nn, ...)`` are the book's classes (Examples 3-1 to 3-8, F1:1546-2015),
built with the implementation ``nn`` passed first (``nnspec.reference`` or ``nnspec.accel``, as the zoo's
builders take it). They hold ``.encoder``, ``.decoder`` and ``.model`` (the three Keras models of the
book, in the book's order, so a fresh session names the layers as the printed tables do); the VAE also
``.mu``, ``.log_var`` (the KerasTensors of its two Dense heads), ``.encoder_mu_log_var`` and the
sampling Lambda ``encoder_output``. ``compile`` is the book's (``r_loss``; ``vae_r_loss``,
``vae_kl_loss``, ``vae_loss``, which close over ``self.mu`` / ``self.log_var``: inside a training step
those KerasTensors stand for the current batch's values). The latent-space utilities of the analysis
sections are here too: encode, decode codes drawn from N(0, I), the attribute vector from labelled
codes, adding it, morphing two codes, the ``norm.cdf`` view of the codes.

Where the book's text and its repository (``davidADSP/GDL_code``, which the text names) differ:

* The text's autoencoder has no batch normalization or dropout; the constructor's ``use_batch_norm`` /
  ``use_dropout`` exist only in the repository, whose ``AE.py`` puts ``LeakyReLU`` *before*
  ``BatchNormalization`` (then ``Dropout(0.25)``). This class does the same. The VAE puts
  ``BatchNormalization`` before ``LeakyReLU`` (the text, Example 3-7, and ``VAE.py``; erratum E30).
* Example 3-4 writes ``decoder(encoder_output)``; it is ``self.decoder`` (erratum E11).
* The learning rate and loss factors are the repository's notebooks': ``LEARNING_RATE = 0.0005``,
  ``R_LOSS_FACTOR = 1000`` for the digits and 10,000 for the faces (the text, F1:2058).

:data:`GENERATIVE_ENTRIES` lists the zoo entries of these models (``nnspec.zoo.Entry``) and
:data:`GENERATIVE_RECIPES` their training recipes (``recipe(entry, ctx)`` as in :mod:`nnspec.zoo.recipes`, with
an option ``samples=PATH`` that writes the decoded samples as a PNG grid, :func:`save_image_grid`).
"""

import math

import numpy as np

from . import FOSTER, WATSON, Entry

__all__ = ["Autoencoder", "VariationalAutoencoder", "DenseVAE", "DIGITS", "FACES", "LEARNING_RATE",
           "R_LOSS_FACTOR_DIGITS", "R_LOSS_FACTOR_FACES", "r_loss", "kl_loss", "sample_codes", "attribute_vector",
           "add_vector", "morph", "p_values", "image_grid", "save_image_grid", "GENERATIVE_ENTRIES",
           "GENERATIVE_RECIPES"]

# Example 3-1 (F1:1546-1560); the VAE digits model takes the same arguments ([REPO] 03_03_vae_digits_train).
DIGITS = dict(input_dim=(28, 28, 1), encoder_conv_filters=[32, 64, 64, 64], encoder_conv_kernel_size=[3, 3, 3, 3],
              encoder_conv_strides=[1, 2, 2, 1], decoder_conv_t_filters=[64, 64, 32, 1],
              decoder_conv_t_kernel_size=[3, 3, 3, 3], decoder_conv_t_strides=[1, 2, 2, 1], z_dim=2)
# The faces VAE ([REPO] 03_05_vae_faces_train; the text's five differences, F1:2052-2059, and Figures 3-16/3-17).
FACES = dict(input_dim=(128, 128, 3), encoder_conv_filters=[32, 64, 64, 64], encoder_conv_kernel_size=[3, 3, 3, 3],
             encoder_conv_strides=[2, 2, 2, 2], decoder_conv_t_filters=[64, 64, 32, 3],
             decoder_conv_t_kernel_size=[3, 3, 3, 3], decoder_conv_t_strides=[2, 2, 2, 2], z_dim=200,
             use_batch_norm=True, use_dropout=True)
LEARNING_RATE = 0.0005
R_LOSS_FACTOR_DIGITS = 1000
R_LOSS_FACTOR_FACES = 10000


# -- the book's losses, as functions of the backend K ----------------------------------------------------------

def r_loss(K, y_true, y_pred):
    """Example 3-5: the per-image mean squared error over height, width and channels (the prose says RMSE; the
    code has no square root, erratum E9)."""
    return K.mean(K.square(y_true - y_pred), axis=[1, 2, 3])


def kl_loss(K, mu, log_var):
    """Example 3-8: KL(N(mu, exp(log_var)) || N(0, I)) per sample, summed over the latent dimensions."""
    return -0.5 * K.sum(1 + log_var - K.square(mu) - K.exp(log_var), axis=1)


# -- latent-space utilities (NumPy codes) ------------------------------------------------------------------------

def sample_codes(n, z_dim, rng=None):
    """Example 3-9: ``np.random.normal(size=(n, z_dim))``, from a ``numpy.random.Generator`` (or a seed)."""
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    return rng.standard_normal((n, z_dim))


def attribute_vector(z, has_attribute):
    """F1:2189: the mean code of the samples with the attribute minus the mean code of those without it."""
    z = np.asarray(z)
    has = np.asarray(has_attribute)
    if z.ndim != 2 or has.shape != z.shape[:1]:
        raise ValueError(f"attribute_vector: expected codes of shape (n, z_dim) and n labels, got {z.shape} and "
                         f"{has.shape}")
    has = has.astype(bool)
    if has.all() or not has.any():
        raise ValueError("attribute_vector: the labels must mark some samples with the attribute and some without, "
                         f"got {int(has.sum())} of {len(has)}")
    return z[has].mean(axis=0) - z[~has].mean(axis=0)


def _alphas(alphas, who):
    a = np.asarray(alphas, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError(f"{who}: alphas must be a 1-D sequence of numbers, got shape {a.shape}")
    return a


def add_vector(z, feature_vector, alphas):
    """F1:2195: ``z_new = z + alpha * feature_vector`` for each alpha: shape (len(alphas),) + z.shape."""
    z, v = np.asarray(z), np.asarray(feature_vector)
    if z.shape[-1:] != v.shape:
        raise ValueError(f"add_vector: the feature vector {v.shape} does not match the codes {z.shape}")
    a = _alphas(alphas, "add_vector").reshape((-1,) + (1,) * z.ndim)
    return z[None] + a * v


def morph(z_a, z_b, alphas):
    """F1:2211: ``z_new = z_A * (1 - alpha) + z_B * alpha`` for each alpha: shape (len(alphas),) + z_a.shape."""
    z_a, z_b = np.asarray(z_a), np.asarray(z_b)
    if z_a.shape != z_b.shape:
        raise ValueError(f"morph: the two codes must have one shape, got {z_a.shape} and {z_b.shape}")
    a = _alphas(alphas, "morph").reshape((-1,) + (1,) * z_a.ndim)
    return z_a[None] * (1 - a) + z_b[None] * a


def p_values(z):
    """The right-hand plot of Figure 3-14 ([REPO] ``norm.cdf(z_points)``): the standard normal CDF of each code."""
    z = np.asarray(z, dtype=np.float64)
    return 0.5 * (1.0 + np.vectorize(math.erf)(z / math.sqrt(2.0)))


# -- Foster ch. 3 ---------------------------------------------------------------------------------------------------

def _check_layers(who, part, filters, kernel_sizes, strides):
    lengths = [len(filters), len(kernel_sizes), len(strides)]
    if len(set(lengths)) != 1 or lengths[0] == 0:
        raise ValueError(f"{who}: {part}_filters, {part}_kernel_size and {part}_strides must each have one entry per "
                         f"{part.split('_')[0]} layer (at least one), got lengths {lengths}")


class Autoencoder:
    """Examples 3-1 to 3-6: the convolutional autoencoder (``.encoder``, ``.decoder``, ``.model``)."""

    name = "autoencoder"

    def __init__(self, nn, input_dim, encoder_conv_filters, encoder_conv_kernel_size, encoder_conv_strides,
                 decoder_conv_t_filters, decoder_conv_t_kernel_size, decoder_conv_t_strides, z_dim,
                 use_batch_norm=False, use_dropout=False):
        who = type(self).__name__
        if not hasattr(nn, "layers") or not hasattr(nn, "models"):
            raise TypeError(f"{who}: the first argument is the implementation (nnspec.reference or nnspec.accel), "
                            f"got {type(nn).__name__}")
        input_dim = tuple(input_dim)
        if len(input_dim) != 3 or not all(isinstance(d, (int, np.integer)) and d > 0 for d in input_dim):
            raise ValueError(f"{who}: input_dim must be (height, width, channels) of positive ints, got {input_dim}")
        _check_layers(who, "encoder_conv", encoder_conv_filters, encoder_conv_kernel_size, encoder_conv_strides)
        _check_layers(who, "decoder_conv_t", decoder_conv_t_filters, decoder_conv_t_kernel_size,
                      decoder_conv_t_strides)
        if not isinstance(z_dim, (int, np.integer)) or z_dim < 1:
            raise ValueError(f"{who}: z_dim must be a positive int, got {z_dim!r}")
        self.nn = nn
        self.input_dim = input_dim
        self.encoder_conv_filters = list(encoder_conv_filters)
        self.encoder_conv_kernel_size = list(encoder_conv_kernel_size)
        self.encoder_conv_strides = list(encoder_conv_strides)
        self.decoder_conv_t_filters = list(decoder_conv_t_filters)
        self.decoder_conv_t_kernel_size = list(decoder_conv_t_kernel_size)
        self.decoder_conv_t_strides = list(decoder_conv_t_strides)
        self.z_dim = int(z_dim)
        self.use_batch_norm = use_batch_norm
        self.use_dropout = use_dropout
        self.n_layers_encoder = len(encoder_conv_filters)
        self.n_layers_decoder = len(decoder_conv_t_filters)
        self._build()

    # -- the graph ------------------------------------------------------------------------------------------------
    def _encoder_block(self, x, i):
        """Example 3-2's loop body (LeakyReLU, then [REPO] BN and dropout)."""
        L = self.nn.layers
        x = L.Conv2D(filters=self.encoder_conv_filters[i], kernel_size=self.encoder_conv_kernel_size[i],
                     strides=self.encoder_conv_strides[i], padding="same", name="encoder_conv_" + str(i))(x)
        x = L.LeakyReLU()(x)
        if self.use_batch_norm:
            x = L.BatchNormalization()(x)
        if self.use_dropout:
            x = L.Dropout(rate=0.25)(x)
        return x

    def _decoder_activation(self, x):
        L = self.nn.layers
        x = L.LeakyReLU()(x)
        if self.use_batch_norm:
            x = L.BatchNormalization()(x)
        if self.use_dropout:
            x = L.Dropout(rate=0.25)(x)
        return x

    def _encoder_head(self, x, encoder_input):
        """Example 3-2's ❹ and ❺: the code is one Dense layer."""
        L, Model = self.nn.layers, self.nn.models.Model
        encoder_output = L.Dense(self.z_dim, name="encoder_output")(x)
        self.encoder = Model(encoder_input, encoder_output)
        return encoder_output

    def _build(self):
        L, Model, K = self.nn.layers, self.nn.models.Model, self.nn.backend

        # THE ENCODER
        encoder_input = L.Input(shape=self.input_dim, name="encoder_input")
        x = encoder_input
        for i in range(self.n_layers_encoder):
            x = self._encoder_block(x, i)
        shape_before_flattening = K.int_shape(x)[1:]
        x = L.Flatten()(x)
        encoder_output = self._encoder_head(x, encoder_input)

        # THE DECODER (Example 3-3)
        decoder_input = L.Input(shape=(self.z_dim,), name="decoder_input")
        x = L.Dense(int(np.prod(shape_before_flattening)))(decoder_input)
        x = L.Reshape(shape_before_flattening)(x)
        for i in range(self.n_layers_decoder):
            x = L.Conv2DTranspose(filters=self.decoder_conv_t_filters[i],
                                  kernel_size=self.decoder_conv_t_kernel_size[i],
                                  strides=self.decoder_conv_t_strides[i], padding="same",
                                  name="decoder_conv_t_" + str(i))(x)
            if i < self.n_layers_decoder - 1:
                x = self._decoder_activation(x)
            else:
                x = L.Activation("sigmoid")(x)
        decoder_output = x
        self.decoder = Model(decoder_input, decoder_output)

        # THE FULL AUTOENCODER (Example 3-4)
        model_input = encoder_input
        model_output = self.decoder(encoder_output)
        self.model = Model(model_input, model_output)

    # -- training -------------------------------------------------------------------------------------------------
    def compile(self, learning_rate):
        """Example 3-5: Adam(lr=learning_rate) and the per-image mean squared error ``r_loss``."""
        self.learning_rate = learning_rate
        K = self.nn.backend
        optimizer = self.nn.optimizers.Adam(lr=learning_rate)

        def r_loss_(y_true, y_pred):
            return r_loss(K, y_true, y_pred)
        r_loss_.__name__ = "r_loss"

        self.model.compile(optimizer=optimizer, loss=r_loss_)

    def train(self, x_train, batch_size, epochs, initial_epoch=0, callbacks=None, verbose=1):
        """Example 3-6: ``fit(x_train, x_train, shuffle=True)``. The book's ``callbacks_list`` (checkpoints, an
        image-saving callback, a step-decay schedule; [REPO]) is the caller's ``callbacks``."""
        return self.model.fit(x_train, x_train, batch_size=batch_size, shuffle=True, epochs=epochs,
                              initial_epoch=initial_epoch, callbacks=callbacks, verbose=verbose)

    # -- the latent space -----------------------------------------------------------------------------------------
    def encode(self, x, batch_size=32):
        """``encoder.predict(x)``: the codes (for the VAE a draw of the sampling layer, as the book's analysis)."""
        return self.encoder.predict(np.asarray(x), batch_size=batch_size)

    def decode(self, z, batch_size=32):
        """``decoder.predict(z)``: images of the codes ``z`` (n, z_dim)."""
        z = np.asarray(z)
        if z.ndim != 2 or z.shape[1] != self.z_dim:
            raise ValueError(f"{type(self).__name__}.decode: expected codes of shape (n, {self.z_dim}), got {z.shape}")
        return self.decoder.predict(z, batch_size=batch_size)

    def generate(self, n, rng=None):
        """Example 3-9: decode ``n`` codes drawn from the standard normal; returns (codes, images)."""
        z = sample_codes(n, self.z_dim, rng)
        return z, self.decode(z)

    def attribute_vector(self, x, has_attribute, batch_size=32):
        """The attribute vector of images ``x`` labelled by ``has_attribute`` (F1:2189)."""
        return attribute_vector(self.encode(x, batch_size), has_attribute)

    def morph(self, x_a, x_b, alphas):
        """Figure 3-22: encode two images, decode ``z_A (1 - alpha) + z_B alpha`` for each alpha."""
        z = self.encode(np.stack([np.asarray(x_a), np.asarray(x_b)]))
        return self.decode(morph(z[0], z[1], alphas))


class VariationalAutoencoder(Autoencoder):
    """Examples 3-7 and 3-8: the encoder maps to ``mu`` and ``log_var`` and samples the code with a Lambda
    (``z = mu + exp(log_var / 2) * epsilon``, epsilon ~ N(0, 1) from the implementation's generator); the
    decoder is the autoencoder's. BatchNormalization comes before LeakyReLU here."""

    name = "variational_autoencoder"

    def _encoder_block(self, x, i):
        L = self.nn.layers
        x = L.Conv2D(filters=self.encoder_conv_filters[i], kernel_size=self.encoder_conv_kernel_size[i],
                     strides=self.encoder_conv_strides[i], padding="same", name="encoder_conv_" + str(i))(x)
        if self.use_batch_norm:
            x = L.BatchNormalization()(x)
        x = L.LeakyReLU()(x)
        if self.use_dropout:
            x = L.Dropout(rate=0.25)(x)
        return x

    def _decoder_activation(self, x):
        L = self.nn.layers
        if self.use_batch_norm:
            x = L.BatchNormalization()(x)
        x = L.LeakyReLU()(x)
        if self.use_dropout:
            x = L.Dropout(rate=0.25)(x)
        return x

    def _encoder_head(self, x, encoder_input):
        L, Model, K = self.nn.layers, self.nn.models.Model, self.nn.backend
        self.mu = L.Dense(self.z_dim, name="mu")(x)
        self.log_var = L.Dense(self.z_dim, name="log_var")(x)
        self.encoder_mu_log_var = Model(encoder_input, (self.mu, self.log_var))

        def sampling(args):
            mu, log_var = args
            epsilon = K.random_normal(shape=K.shape(mu), mean=0., stddev=1.)
            return mu + K.exp(log_var / 2) * epsilon

        self.sampling = sampling
        encoder_output = L.Lambda(sampling, name="encoder_output")([self.mu, self.log_var])
        self.encoder = Model(encoder_input, encoder_output)
        return encoder_output

    def compile(self, learning_rate, r_loss_factor):
        """Example 3-8: Adam(lr) on ``vae_loss = r_loss_factor * r_loss + kl_loss``, both terms also as metrics.
        The KL term reads ``self.mu`` and ``self.log_var``: the batch's values while the model trains."""
        self.learning_rate = learning_rate
        self.r_loss_factor = r_loss_factor
        K = self.nn.backend

        def vae_r_loss(y_true, y_pred):
            return r_loss_factor * r_loss(K, y_true, y_pred)

        def vae_kl_loss(y_true, y_pred):
            return kl_loss(K, self.mu, self.log_var)

        def vae_loss(y_true, y_pred):
            return vae_r_loss(y_true, y_pred) + vae_kl_loss(y_true, y_pred)

        # kept for the analysis code (a metric or a loss of another compile)
        self.vae_r_loss, self.vae_kl_loss, self.vae_loss = vae_r_loss, vae_kl_loss, vae_loss
        optimizer = self.nn.optimizers.Adam(lr=learning_rate)
        self.model.compile(optimizer=optimizer, loss=vae_loss, metrics=[vae_r_loss, vae_kl_loss])

    def encode_mu_log_var(self, x, batch_size=32):
        """``encoder_mu_log_var.predict(x)``: the (mu, log_var) of each image, no sampling."""
        mu, log_var = self.encoder_mu_log_var.predict(np.asarray(x), batch_size=batch_size)
        return mu, log_var


# -- DATA 2040 -------------------------------------------------------------------------------------------------------

class DenseVAE:
    """DATA 2040 §1.5.1.1 variational-autoencoder.ipynb (L533-L612, from the Keras blog): 784 -> Dense 512 relu ->
    ``mean`` and ``logsigma`` (Dense 20 each) -> Lambda ``sample_normal``; the decoder 20 -> Dense 512 relu ->
    Dense 784 sigmoid; ``vae = Model(x, decoder(encoder(x)[2]))`` with 835,384 parameters. ``logsigma`` is the
    log-variance (``exp(0.5 * logsigma)`` scales the noise). The loss is Keras' ``binary_crossentropy`` (the mean
    over the 784 pixels) plus the KL term as a *mean* over the 20 dimensions (``K.mean``, the notes' code: the
    KL of Theorem 1.5.1 divided by 20), closing over ``mean`` and ``logsigma``."""

    def __init__(self, nn, original_dim=784, intermediate_dim=512, encoded_dim=20):
        layers, models, K = nn.layers, nn.models, nn.backend
        self.nn = nn
        self.original_dim, self.intermediate_dim, self.encoded_dim = original_dim, intermediate_dim, encoded_dim

        def sample_normal(args):
            "Sample from the normal distribution with given mean and variance"
            mean, logsigma = args
            batch, dim = K.shape(mean)[0], K.int_shape(mean)[1]
            Z = K.random_normal(shape=(batch, dim))
            return mean + K.exp(0.5 * logsigma) * Z

        x = layers.Input(shape=(original_dim,))
        h = layers.Dense(intermediate_dim, activation="relu")(x)  # hidden encoding layer
        self.mean = layers.Dense(encoded_dim)(h)  # mu(x)
        self.logsigma = layers.Dense(encoded_dim)(h)  # Lambda(x), the log-variance
        sample = layers.Lambda(sample_normal)([self.mean, self.logsigma])
        self.sample_normal = sample_normal
        self.encoder = models.Model(x, [self.mean, self.logsigma, sample])

        encoded_inputs = layers.Input(shape=(encoded_dim,))
        h2 = layers.Dense(intermediate_dim, activation="relu")(encoded_inputs)  # hidden decoding layer
        outputs = layers.Dense(original_dim, activation="sigmoid")(h2)
        self.decoder = models.Model(encoded_inputs, outputs)
        self.vae = models.Model(x, self.decoder(self.encoder(x)[2]))
        self.model = self.vae

    def vae_loss(self, x, x_decoded):
        "Return cross-entropy loss plus divergence of encoded layer from standard normal"
        K = self.nn.backend
        crossentropy_loss = self.nn.losses.binary_crossentropy(x, x_decoded)
        kl = -0.5 * K.mean(1 + self.logsigma - K.square(self.mean) - K.exp(self.logsigma), axis=-1)
        return crossentropy_loss + kl

    def compile(self):
        """L605: ``vae.compile(optimizer='adam', loss=vae_loss)``."""
        self.vae.compile(optimizer="adam", loss=self.vae_loss)

    def random_image(self, rng=None):
        """L616-L620: decode one code drawn from N(0, I_20), as a 28x28 image."""
        z = sample_codes(1, self.encoded_dim, rng)
        side = math.isqrt(self.original_dim)
        return self.decoder.predict(z).reshape((side, side))


# -- sample grids ---------------------------------------------------------------------------------------------------

def image_grid(images, cols):
    """Tile images (n, h, w) or (n, h, w, c) with values in [0, 1] into one uint8 array, ``cols`` per row, rows
    filled left to right (the book's ``fig.add_subplot(3, 10, i + 1)`` order); missing cells are black."""
    images = np.asarray(images, dtype=np.float64)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3) or len(images) == 0:
        raise ValueError(f"image_grid: expected images of shape (n, h, w) or (n, h, w, 1 or 3), got {images.shape}")
    if not isinstance(cols, (int, np.integer)) or cols < 1:
        raise ValueError(f"image_grid: cols must be a positive int, got {cols!r}")
    n, h, w, c = images.shape
    rows = -(-n // cols)
    grid = np.zeros((rows * h, cols * w, c), dtype=np.uint8)
    pixels = np.round(np.clip(images, 0.0, 1.0) * 255).astype(np.uint8)
    for i in range(n):
        r, k = divmod(i, cols)
        grid[r * h:(r + 1) * h, k * w:(k + 1) * w] = pixels[i]
    return grid[..., 0] if c == 1 else grid


def save_image_grid(path, images, cols):
    """Write :func:`image_grid` as a PNG file (atomically); returns the path."""
    import io

    from PIL import Image

    from nnspec.fileio import atomic_write
    buffer = io.BytesIO()
    Image.fromarray(image_grid(images, cols)).save(buffer, format="PNG")
    atomic_write(path, buffer.getvalue())
    return path


# -- training recipes (``nnspec.zoo.recipes`` conventions: ``recipe(entry, ctx)``) ---------------------------------

def _result(history, model, values, extras=None):
    from .recipes import Result, _evaluation
    return Result(history, _evaluation(model, values), extras or {})


def _mnist_images(ctx):
    """[REPO] ``load_mnist``: / 255., a channel axis."""
    (x_train, _), (x_test, _) = ctx.load("mnist")
    x_train = (x_train.astype("float32") / 255.).reshape(x_train.shape + (1,))
    x_test = (x_test.astype("float32") / 255.).reshape(x_test.shape + (1,))
    if ctx.synthetic:  # a quarter of the synthetic set: the 28x28 convolutions are slow on the host
        x_train, x_test = x_train[:64], x_test[:16]
    return x_train, x_test


def _write_samples(ctx, images, cols):
    path = ctx.option("samples")
    if path:
        save_image_grid(path, images, cols)
        ctx.print(f"decoded samples: {path}")
    return {"samples": images}


_SAMPLES = {"samples": (None, None, "write a PNG grid of decoded samples to this path")}


def recipe_ae_digits(entry, ctx):
    """[REPO] 03_01_autoencoder_train: ``AE.compile(0.0005)``, ``AE.train(x_train[:1000], batch_size=32,
    epochs=200)`` (Example 3-6 with the notebook's numbers; its callbacks save images and weights, not done here);
    then the reconstruction loss on the test images and 10 test images with their reconstructions."""
    x_train, x_test = _mnist_images(ctx)
    ae = Autoencoder(ctx.nn, **DIGITS)
    ae.compile(LEARNING_RATE)
    history = ae.train(x_train[:1000], batch_size=32, epochs=ctx.epochs(200), verbose=ctx.verbose)
    loss = ae.model.evaluate(x_test, x_test, batch_size=32, verbose=ctx.verbose)
    ctx.print("test reconstruction loss:", loss)
    pairs = np.concatenate([x_test[:10], ae.model.predict(x_test[:10])])
    return _result(history, ae.model, loss, _write_samples(ctx, pairs, 10))


recipe_ae_digits.options = _SAMPLES


def recipe_vae_digits(entry, ctx):
    """[REPO] 03_03_vae_digits_train: ``compile(0.0005, r_loss_factor=1000)``, ``train(x_train, batch_size=32,
    epochs=200)``; then the losses on the test images and Example 3-9's 30 decoded N(0, I) samples (3 rows of 10)."""
    x_train, x_test = _mnist_images(ctx)
    vae = VariationalAutoencoder(ctx.nn, **DIGITS)
    vae.compile(LEARNING_RATE, R_LOSS_FACTOR_DIGITS)
    history = vae.train(x_train, batch_size=32, epochs=ctx.epochs(200), verbose=ctx.verbose)
    values = vae.model.evaluate(x_test, x_test, batch_size=32, verbose=ctx.verbose)
    ctx.print("test loss, vae_r_loss, vae_kl_loss:", values)
    _, images = vae.generate(30, np.random.default_rng(0))
    return _result(history, vae.model, values, _write_samples(ctx, images, 10))


recipe_vae_digits.options = _SAMPLES


def recipe_dense_vae(entry, ctx):
    """DATA 2040 §1.5.1.1 (L533-L630): Fashion-MNIST flattened to 784 / 255.0, ``vae.fit(x_train, x_train,
    epochs=5, batch_size=100)``; then the loss on the test images and 25 ``random_image()`` samples (5 x 5)."""
    (x_train, _), (x_test, _) = ctx.load("fashion_mnist")
    image_size = x_train.shape[1]
    original_dim = image_size * image_size
    x_train = x_train.reshape([-1, original_dim]).astype("float32") / 255.0
    x_test = x_test.reshape([-1, original_dim]).astype("float32") / 255.0
    vae = DenseVAE(ctx.nn, original_dim=original_dim)
    vae.compile()
    history = vae.vae.fit(x_train, x_train, epochs=ctx.epochs(5), batch_size=100, verbose=ctx.verbose)
    loss = vae.vae.evaluate(x_test, x_test, batch_size=100, verbose=ctx.verbose)
    ctx.print("test loss:", loss)
    rng = np.random.default_rng(0)
    images = np.stack([vae.random_image(rng) for _ in range(25)])
    return _result(history, vae.vae, loss, _write_samples(ctx, images, 5))


recipe_dense_vae.options = _SAMPLES

# merged into nnspec.zoo.recipes.RECIPES with the entries
GENERATIVE_RECIPES = {"ae_digits": recipe_ae_digits, "vae_digits": recipe_vae_digits, "dense_vae": recipe_dense_vae}


# -- zoo entries ---------------------------------------------------------------------------------------------------

def ae_digits(nn):
    """GDL Examples 3-1 to 3-4: the digits autoencoder's full model (encoder layers, then the decoder model)."""
    return Autoencoder(nn, **DIGITS).model


def ae_digits_encoder(nn):
    """GDL Example 3-2: the digits encoder; its summary is Figure 3-5 (notes S4)."""
    return Autoencoder(nn, **DIGITS).encoder


def ae_digits_decoder(nn):
    """GDL Example 3-3: the digits decoder, built after the encoder as in the book's session (``dense_1``,
    ``leaky_re_lu_5``...); its summary is Figure 3-6 (notes S5)."""
    return Autoencoder(nn, **DIGITS).decoder


def compile_ae_digits(nn):
    """Example 3-5 with the notebook's ``LEARNING_RATE = 0.0005``."""
    K = nn.backend

    def r_loss_(y_true, y_pred):
        return r_loss(K, y_true, y_pred)
    r_loss_.__name__ = "r_loss"
    return {"optimizer": nn.optimizers.Adam(lr=LEARNING_RATE), "loss": r_loss_}


def vae_digits(nn):
    """GDL Example 3-7 with Example 3-1's arguments: the digits VAE's full model."""
    return VariationalAutoencoder(nn, **DIGITS).model


def vae_digits_encoder(nn):
    """GDL Example 3-7: the digits VAE's encoder (mu, log_var, the sampling Lambda)."""
    return VariationalAutoencoder(nn, **DIGITS).encoder


def vae_faces(nn):
    """GDL ch. 3 faces VAE (F1:2038-2119): the full model."""
    return VariationalAutoencoder(nn, **FACES).model


def vae_faces_encoder(nn):
    """GDL Figure 3-16 (notes S7): the faces VAE's encoder."""
    return VariationalAutoencoder(nn, **FACES).encoder


def vae_faces_decoder(nn):
    """GDL Figure 3-17 (notes S8): the faces VAE's decoder, named after the encoder (``dense_1``,
    ``batch_normalization_5``...)."""
    return VariationalAutoencoder(nn, **FACES).decoder


def dense_vae(nn):
    """DATA 2040 §1.5.1.1: the composed ``vae`` of :class:`DenseVAE`."""
    return DenseVAE(nn).vae


def compiled_by_its_class(cls, how):
    """compile_args of a model whose loss closes over its own tensors: only its class can compile it."""
    def compile_args(nn):
        raise ValueError(f"nnspec zoo: this model's loss closes over its own internal tensors, so it is compiled by "
                         f"its builder: {cls.__name__}(nn, ...).{how}")
    compile_args.__doc__ = f"Compiled by {cls.__name__}.{how} (its loss closes over the model's tensors)."
    return compile_args


def _compiled_with_the_full_model(nn):
    raise ValueError("nnspec zoo: the book compiles the full autoencoder (Example 3-5), not its encoder or decoder; "
                     "use the entry of the full model")


_VAE_COMPILE = compiled_by_its_class(VariationalAutoencoder, "compile(learning_rate, r_loss_factor)")

GENERATIVE_ENTRIES = [
    Entry("ae_digits", FOSTER, "ch. 3 Autoencoders, the digits model (Examples 3-1 to 3-6, F1:1546-1763)",
          ae_digits, compile_ae_digits, 200_963,
          "encoder 98,946 (Figure 3-5) + decoder 102,017 (Figure 3-6), no table of the full model printed",
          recipe="ae_digits", data="mnist",
          notes=("Learning rate 0.0005 of the repository's notebook; the text leaves it a variable.",)),
    Entry("ae_digits_encoder", FOSTER, "ch. 3 Autoencoders, the encoder (Example 3-2, F1:1591-1622)",
          ae_digits_encoder, _compiled_with_the_full_model, 98_946,
          "printed: Figure 3-5", printed_summary="seed-foster.md §3 S4 (GDL Figure 3-5)"),
    Entry("ae_digits_decoder", FOSTER, "ch. 3 Autoencoders, the decoder (Example 3-3, F1:1677-1705)",
          ae_digits_decoder, _compiled_with_the_full_model, 102_017,
          "printed: Figure 3-6", printed_summary="seed-foster.md §3 S5 (GDL Figure 3-6)",
          notes=("Built after its encoder, as in the book's session: dense_1, leaky_re_lu_5..7, activation_1.",)),
    Entry("vae_digits", FOSTER, "ch. 3 Variational autoencoders, digits (Examples 3-7, 3-8, F1:1900-2015)",
          vae_digits, _VAE_COMPILE, 207_237,
          "encoder 105,220 (S4 with mu and log_var, 3136*2+2 = 6,274 each, for encoder_output) + decoder 102,017 "
          "(no table printed)", recipe="vae_digits", data="mnist",
          notes=("r_loss_factor 1000 and learning rate 0.0005 of the repository's notebook.",)),
    Entry("vae_digits_encoder", FOSTER, "ch. 3 Variational autoencoders, the encoder (Example 3-7, F1:1900-1947)",
          vae_digits_encoder, _compiled_with_the_full_model, 105_220,
          "320 + 18,496 + 36,928 + 36,928 + mu 6,274 + log_var 6,274 (notes D1; no table printed)"),
    Entry("vae_faces", FOSTER, "ch. 3 Using VAEs to generate faces (F1:2038-2119)",
          vae_faces, _VAE_COMPILE, 2_650_067,
          "encoder 1,732,944 (Figure 3-16) + decoder 917,123 (Figure 3-17); non-trainable 448 + 320 = 768 "
          "(no table of the full model printed)",
          notes=("r_loss_factor 10,000 (F1:2058); CelebA is not in any package registry: no recipe.",)),
    Entry("vae_faces_encoder", FOSTER, "ch. 3 Using VAEs to generate faces, the encoder (Figure 3-16, F1:2063-2088)",
          vae_faces_encoder, _compiled_with_the_full_model, 1_732_944,
          "printed: Figure 3-16", printed_summary="seed-foster.md §3 S7 (GDL Figure 3-16)"),
    Entry("vae_faces_decoder", FOSTER, "ch. 3 Using VAEs to generate faces, the decoder (Figure 3-17, F1:2092-2113)",
          vae_faces_decoder, _compiled_with_the_full_model, 917_123,
          "printed: Figure 3-17", printed_summary="seed-foster.md §3 S8 (GDL Figure 3-17)"),
    Entry("dense_vae", WATSON, "§1.5.1.1 variational-autoencoder.ipynb (L533-L630)",
          dense_vae, compiled_by_its_class(DenseVAE, "compile()"), 835_384,
          "encoder 784*512+512 = 401,920; mean and logsigma 512*20+20 = 10,260 each (422,440); decoder 20*512+512 "
          "= 10,752; 512*784+784 = 402,192 (412,944); total 835,384 (the notes' count)",
          recipe="dense_vae", data="fashion_mnist"),
]
