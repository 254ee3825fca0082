"""DLwP chapter 8's generative models, as the book writes them: the VAE of 8.4 and the DCGAN of 8.5, with the
zoo entries and recipes of chapter 8 (those two, DeepDream and neural style transfer).

* :func:`build_vae` (Listings 8.24-8.29, L9393-L9532): the convolutional encoder to ``z_mean`` / ``z_log_var``,
  the sampling ``Lambda`` (``z_mean + K.exp(z_log_var) * epsilon``: the book's ``exp(z_log_var)``, not
  ``exp(0.5 * z_log_var)``, notes §4.14), the decoder model, and the book's ``CustomVariationalLayer`` whose
  ``call`` computes ``vae_loss`` (binary crossentropy of the flattened images, a mean over every pixel of the
  batch, plus ``-5e-4 * mean(1 + z_log_var - z_mean ** 2 - exp(z_log_var))`` per sample, averaged) and hands
  it to ``self.add_loss(loss, inputs=inputs)``; ``vae.compile(optimizer='rmsprop', loss=None)``. The layer is
  defined inside the builder, closing over that build's ``z_mean`` and ``z_log_var`` as the book's module-level
  class does over its globals (and subclassing the implementation's own ``Layer``).
  :func:`decode_manifold` is Listing 8.30's 15 x 15 grid of decoded latent points.
* :func:`build_dcgan` (Listings 8.31-8.33, L9654-L9741): generator, discriminator (compiled with RMSprop(lr=0.0008,
  clipvalue=1.0, decay=1e-8)), then ``discriminator.trainable = False`` and the ``gan`` compiled with
  RMSprop(lr=0.0004, ...): Keras 2 reads the flag at compile time, so the discriminator still trains on its
  own and is frozen inside ``gan``. :func:`train_step` is one iteration of Listing 8.35 (label noise ``0.05 *
  random``), :func:`train_dcgan` the loop. The builders take the book's sizes as defaults; smaller ones serve
  tests.

:data:`CHOLLET_GENERATIVE_ENTRIES` lists the zoo entries (``nnspec.zoo.Entry``) and
:data:`CHOLLET_GENERATIVE_RECIPES` the recipes (``recipe(entry, ctx)`` as in :mod:`nnspec.zoo.recipes`): the VAE
on MNIST, the DCGAN on CIFAR-10 frogs, DeepDream (:mod:`nnspec.zoo.deepdream`) and style transfer
(:mod:`nnspec.zoo.style_transfer`) on scikit-learn's sample photographs, each writing PNGs on request.
"""

import os
from statistics import NormalDist

import numpy as np

from . import CHOLLET, Entry
from .convnets import not_compiled
from .visualization import save_png

__all__ = ["build_vae", "vae", "vae_decoder", "compile_vae", "latent_grid", "decode_manifold", "build_dcgan",
           "dcgan_generator", "dcgan_discriminator", "dcgan", "compile_dcgan_discriminator", "compile_dcgan",
           "train_step", "train_dcgan", "CHOLLET_GENERATIVE_ENTRIES", "CHOLLET_GENERATIVE_RECIPES"]


class _Parts:
    """The models and tensors a builder makes, by the book's names."""

    def __init__(self, **parts):
        self.__dict__.update(parts)


# -- 8.4 the variational autoencoder -----------------------------------------------------------------------------

def build_vae(nn, img_shape=(28, 28, 1), latent_dim=2):
    """Listings 8.24-8.29: returns parts ``vae`` (uncompiled), ``decoder``, ``input_img``, ``z_mean``,
    ``z_log_var``, ``z``, ``z_decoded``, ``CustomVariationalLayer`` (the class) and ``shape_before_flattening``."""
    K, layers = nn.backend, nn.layers
    input_img = nn.Input(shape=img_shape)
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(input_img)
    x = layers.Conv2D(64, 3, padding="same", activation="relu", strides=(2, 2))(x)
    x = layers.Conv2D(64, 3, padding="same", activation="relu")(x)
    x = layers.Conv2D(64, 3, padding="same", activation="relu")(x)
    shape_before_flattening = K.int_shape(x)
    x = layers.Flatten()(x)
    x = layers.Dense(32, activation="relu")(x)
    z_mean = layers.Dense(latent_dim)(x)
    z_log_var = layers.Dense(latent_dim)(x)

    def sampling(args):
        z_mean, z_log_var = args
        epsilon = K.random_normal(shape=(K.shape(z_mean)[0], latent_dim), mean=0., stddev=1.)
        return z_mean + K.exp(z_log_var) * epsilon

    z = layers.Lambda(sampling)([z_mean, z_log_var])

    decoder_input = layers.Input(K.int_shape(z)[1:])
    x = layers.Dense(int(np.prod(shape_before_flattening[1:])), activation="relu")(decoder_input)
    x = layers.Reshape(shape_before_flattening[1:])(x)
    x = layers.Conv2DTranspose(32, 3, padding="same", activation="relu", strides=(2, 2))(x)
    x = layers.Conv2D(img_shape[-1], 3, padding="same", activation="sigmoid")(x)
    decoder = nn.models.Model(decoder_input, x)
    z_decoded = decoder(z)

    class CustomVariationalLayer(layers.Layer):

        def vae_loss(self, x, z_decoded):
            x = K.flatten(x)
            z_decoded = K.flatten(z_decoded)
            xent_loss = nn.metrics.binary_crossentropy(x, z_decoded)
            kl_loss = -5e-4 * K.mean(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
            return K.mean(xent_loss + kl_loss)

        def call(self, inputs):
            x = inputs[0]
            z_decoded = inputs[1]
            loss = self.vae_loss(x, z_decoded)
            self.add_loss(loss, inputs=inputs)
            # We don't use this output.
            return x

    y = CustomVariationalLayer()([input_img, z_decoded])
    vae = nn.models.Model(input_img, y)
    return _Parts(vae=vae, decoder=decoder, input_img=input_img, z_mean=z_mean, z_log_var=z_log_var, z=z,
                  z_decoded=z_decoded, CustomVariationalLayer=CustomVariationalLayer,
                  shape_before_flattening=shape_before_flattening)


def vae(nn):
    """The zoo builder: :func:`build_vae`'s ``vae``."""
    return build_vae(nn).vae


def vae_decoder(nn):
    """The zoo builder: :func:`build_vae`'s ``decoder`` (built after the encoder, as in the book's session)."""
    return build_vae(nn).decoder


def compile_vae(nn):
    """L9516: the loss comes from the CustomVariationalLayer's add_loss."""
    return {"optimizer": "rmsprop", "loss": None}


def latent_grid(n=15):
    """L9551-L9552: ``norm.ppf(np.linspace(0.05, 0.95, n))``, the Gaussian's quantiles (statistics.NormalDist,
    no SciPy)."""
    return np.array([NormalDist().inv_cdf(p) for p in np.linspace(0.05, 0.95, n)])


def decode_manifold(decoder, n=15, digit_size=28, batch_size=16):
    """Listing 8.30: the (n * digit_size, n * digit_size) figure of the digits decoded from the grid of latent
    points (x_i, y_i) of :func:`latent_grid`: row i is ``yi``, column j ``xi``; each point tiled to a batch of
    ``batch_size`` and the first decoded image kept, as the book does."""
    figure = np.zeros((digit_size * n, digit_size * n))
    grid_x = latent_grid(n)
    grid_y = latent_grid(n)
    for i, yi in enumerate(grid_x):
        for j, xi in enumerate(grid_y):
            z_sample = np.array([[xi, yi]])
            z_sample = np.tile(z_sample, batch_size).reshape(batch_size, 2)
            x_decoded = decoder.predict(z_sample, batch_size=batch_size)
            digit = x_decoded[0].reshape(digit_size, digit_size)
            figure[i * digit_size: (i + 1) * digit_size, j * digit_size: (j + 1) * digit_size] = digit
    return figure


# -- 8.5 the DCGAN -----------------------------------------------------------------------------------------------

def dcgan_generator(nn, latent_dim=32, channels=3, start=16, start_filters=128, filters=256):
    """Listing 8.31: Dense to a (start, start, start_filters) map (the book: 16 x 16 x 128), Conv2D(filters, 5),
    Conv2DTranspose(filters, 4, strides=2) to twice the size, two Conv2D(filters, 5), Conv2D(channels, 7, tanh);
    LeakyReLU (alpha 0.3) after each hidden layer, padding 'same'."""
    layers = nn.layers
    generator_input = nn.Input(shape=(latent_dim,))
    x = layers.Dense(start_filters * start * start)(generator_input)
    x = layers.LeakyReLU()(x)
    x = layers.Reshape((start, start, start_filters))(x)
    x = layers.Conv2D(filters, 5, padding="same")(x)
    x = layers.LeakyReLU()(x)
    x = layers.Conv2DTranspose(filters, 4, strides=2, padding="same")(x)
    x = layers.LeakyReLU()(x)
    x = layers.Conv2D(filters, 5, padding="same")(x)
    x = layers.LeakyReLU()(x)
    x = layers.Conv2D(filters, 5, padding="same")(x)
    x = layers.LeakyReLU()(x)
    x = layers.Conv2D(channels, 7, activation="tanh", padding="same")(x)
    return nn.models.Model(generator_input, x)


def dcgan_discriminator(nn, height=32, width=32, channels=3, filters=128):
    """Listing 8.32: Conv2D(filters, 3), three Conv2D(filters, 4, strides=2), LeakyReLU after each, Flatten,
    Dropout(0.4), Dense(1, sigmoid)."""
    layers = nn.layers
    discriminator_input = layers.Input(shape=(height, width, channels))
    x = layers.Conv2D(filters, 3)(discriminator_input)
    x = layers.LeakyReLU()(x)
    x = layers.Conv2D(filters, 4, strides=2)(x)
    x = layers.LeakyReLU()(x)
    x = layers.Conv2D(filters, 4, strides=2)(x)
    x = layers.LeakyReLU()(x)
    x = layers.Conv2D(filters, 4, strides=2)(x)
    x = layers.LeakyReLU()(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.4)(x)
    x = layers.Dense(1, activation="sigmoid")(x)
    return nn.models.Model(discriminator_input, x)


def compile_dcgan_discriminator(nn):
    """L9719-L9720."""
    return {"optimizer": nn.optimizers.RMSprop(lr=0.0008, clipvalue=1.0, decay=1e-8), "loss": "binary_crossentropy"}


def compile_dcgan(nn):
    """L9738-L9739."""
    return {"optimizer": nn.optimizers.RMSprop(lr=0.0004, clipvalue=1.0, decay=1e-8), "loss": "binary_crossentropy"}


def build_dcgan(nn, latent_dim=32, height=32, width=32, channels=3, start=None, start_filters=128, filters=256,
                discriminator_filters=128):
    """Listings 8.31-8.33 in the book's order: generator, discriminator (compiled), ``discriminator.trainable =
    False``, ``gan = Model(gan_input, discriminator(generator(gan_input)))`` compiled. ``start`` defaults to
    half the height (16). Returns parts ``generator``, ``discriminator``, ``gan``, ``latent_dim``."""
    start = height // 2 if start is None else start
    generator = dcgan_generator(nn, latent_dim, channels, start, start_filters, filters)
    discriminator = dcgan_discriminator(nn, height, width, channels, discriminator_filters)
    discriminator.compile(**compile_dcgan_discriminator(nn))
    discriminator.trainable = False
    gan_input = nn.Input(shape=(latent_dim,))
    gan_output = discriminator(generator(gan_input))
    gan = nn.models.Model(gan_input, gan_output)
    gan.compile(**compile_dcgan(nn))
    return _Parts(generator=generator, discriminator=discriminator, gan=gan, latent_dim=latent_dim)


def dcgan(nn):
    """The zoo builder: :func:`build_dcgan`'s ``gan`` (its discriminator compiled, then frozen)."""
    return build_dcgan(nn).gan


def train_step(parts, real_images, rng=None):
    """One iteration of Listing 8.35: decode ``len(real_images)`` normal latent vectors, train the discriminator
    on generated (label 1) then real (label 0) images with ``0.05 * random`` added to the labels, then train
    ``gan`` on new latent vectors with the misleading target 0 ("real"). ``rng``: a NumPy Generator, else
    NumPy's global generator as the book. Returns (d_loss, a_loss, generated_images)."""
    r = np.random if rng is None else rng
    batch_size, latent_dim = len(real_images), parts.latent_dim
    random_latent_vectors = r.normal(size=(batch_size, latent_dim))
    generated_images = parts.generator.predict(random_latent_vectors)
    combined_images = np.concatenate([generated_images, real_images])
    labels = np.concatenate([np.ones((batch_size, 1)), np.zeros((batch_size, 1))])
    labels += 0.05 * r.random(labels.shape)
    d_loss = parts.discriminator.train_on_batch(combined_images, labels)
    random_latent_vectors = r.normal(size=(batch_size, latent_dim))
    misleading_targets = np.zeros((batch_size, 1))
    a_loss = parts.gan.train_on_batch(random_latent_vectors, misleading_targets)
    return d_loss, a_loss, generated_images


def _to_png(img):
    """The book's ``image.array_to_img(img * 255., scale=False)``, clipped to [0, 255] (the generator's tanh
    gives negative values, which the book's uint8 cast would wrap)."""
    return np.clip(np.asarray(img) * 255., 0, 255).astype("uint8")


def train_dcgan(parts, x_train, iterations=10000, batch_size=20, rng=None, save_dir=None, save_every=100,
                print_fn=print):
    """Listing 8.35's loop: ``iterations`` steps of :func:`train_step` on consecutive batches of ``x_train``
    (restarting when fewer than ``batch_size`` remain). Every ``save_every`` steps it prints both losses and,
    with ``save_dir``, writes ``generated_frog{step}.png`` and ``real_frog{step}.png`` (the book also saves
    ``gan.h5``; the weights are left to the caller here). Returns {'d_loss': [...], 'a_loss': [...]} per step."""
    x_train = np.asarray(x_train)
    if x_train.ndim != 4 or len(x_train) < batch_size:
        raise ValueError(f"train_dcgan: expected at least batch_size={batch_size} images (n, h, w, c), got shape "
                         f"{x_train.shape}")
    history = {"d_loss": [], "a_loss": []}
    start = 0
    for step in range(iterations):
        stop = start + batch_size
        real_images = x_train[start: stop]
        d_loss, a_loss, generated_images = train_step(parts, real_images, rng)
        history["d_loss"].append(float(d_loss))
        history["a_loss"].append(float(a_loss))
        start += batch_size
        if start > len(x_train) - batch_size:
            start = 0
        if step % save_every == 0:
            if print_fn is not None:
                print_fn("discriminator loss:", d_loss)
                print_fn("adversarial loss:", a_loss)
            if save_dir is not None:
                save_png(os.path.join(save_dir, "generated_frog" + str(step) + ".png"), _to_png(generated_images[0]))
                save_png(os.path.join(save_dir, "real_frog" + str(step) + ".png"), _to_png(real_images[0]))
    return history


# -- recipes -----------------------------------------------------------------------------------------------------

def _history(nn, logs):
    """A History of one epoch holding ``logs`` (the recipes below train without ``fit``)."""
    history = nn.callbacks.History()
    history.on_train_begin()
    history.on_epoch_end(0, logs)
    return history


def _result(history, evaluation, extras=None):
    from .recipes import Result
    return Result(history, evaluation, extras or {})


def recipe_chollet_vae(entry, ctx):
    """L9519-L9532: MNIST / 255 with a channel axis, ``vae.fit(x=x_train, y=None, shuffle=True, epochs=10,
    batch_size=16, validation_data=(x_test, None))``; the test loss; with the option ``samples=PATH`` Listing
    8.30's 15 x 15 manifold of decoded digits as a PNG.

    The first epoch's mean training loss may be huge: in the first steps RMSprop's unit-size updates can throw one
    batch's ``z_log_var`` to ~30, where the book's KL term (``exp(z_log_var)``) is ~1e10 for that batch; the next
    update brings it back. The validation loss shows the learning."""
    nn = ctx.nn
    (x_train, _), (x_test, y_test) = ctx.load("mnist")
    nn.backend.clear_session()
    parts = build_vae(nn)
    vae_model = parts.vae
    vae_model.compile(**compile_vae(nn))
    x_train = x_train.astype("float32") / 255.
    x_train = x_train.reshape(x_train.shape + (1,))
    x_test = x_test.astype("float32") / 255.
    x_test = x_test.reshape(x_test.shape + (1,))
    history = vae_model.fit(x=x_train, y=None, shuffle=True, epochs=ctx.epochs(10), batch_size=16,
                            validation_data=(x_test, None), verbose=ctx.verbose)
    test_loss = float(vae_model.evaluate(x_test, None, batch_size=16, verbose=0))
    extras = {}
    path = ctx.option("samples")
    if path:
        figure = decode_manifold(parts.decoder, n=ctx.option("grid"))
        extras["samples"] = save_png(path, np.round(figure * 255))
        ctx.print(f"decoded manifold: {path}")
    return _result(history, {"loss": test_loss}, extras)


recipe_chollet_vae.options = {"samples": (None, None, "write Listing 8.30's manifold of decoded digits (PNG) here"),
                              "grid": (15, 3, "points per side of the manifold")}


def recipe_dcgan_frogs(entry, ctx):
    """Listing 8.35: the CIFAR-10 frogs (class 6) / 255, 10,000 iterations of batches of 20 (options
    ``iterations``, ``batch_size``); ``epochs`` repeats the whole loop (1, as the book). With ``out=DIR`` the
    book's generated / real frog PNGs every ``save_every`` steps."""
    nn = ctx.nn
    (x_train, y_train), (_, _) = ctx.load("cifar10")
    x_train = x_train[y_train.flatten() == 6]
    if ctx.synthetic and len(x_train) < ctx.option("batch_size"):
        x_train = ctx.load("cifar10")[0][0]  # the synthetic set has few frogs: any class stands in
    x_train = x_train.reshape((x_train.shape[0],) + (32, 32, 3)).astype("float32") / 255.
    nn.backend.clear_session()
    parts = build_dcgan(nn)
    history = nn.callbacks.History()
    history.on_train_begin()
    rng = np.random.default_rng(ctx.option("seed"))
    for epoch in range(ctx.epochs(1)):
        losses = train_dcgan(parts, x_train, iterations=ctx.option("iterations"),
                             batch_size=ctx.option("batch_size"), rng=rng, save_dir=ctx.option("out"),
                             save_every=ctx.option("save_every"), print_fn=ctx.print if ctx.verbose else None)
        history.on_epoch_end(epoch, {"d_loss": losses["d_loss"][-1], "a_loss": losses["a_loss"][-1]})
    return _result(history, {"d_loss": history.history["d_loss"][-1], "a_loss": history.history["a_loss"][-1]},
                   {"losses": losses})


recipe_dcgan_frogs.options = {"iterations": (10000, 2, "training iterations (Listing 8.35: 10000)"),
                              "batch_size": (20, 2, "real (and generated) images per iteration"),
                              "save_every": (100, 1, "print the losses (and write PNGs to out) every so many steps"),
                              "out": (None, None, "directory for the generated / real frog PNGs"),
                              "seed": (None, 0, "seed of the latent vectors and label noise")}


def _photograph(ctx, name, size):
    """A package photograph resized to ``size`` (h, w); random pixels under ``synthetic``."""
    from .visualization import sample_image
    if ctx.synthetic:
        return ctx.rng.integers(0, 256, tuple(size) + (3,)).astype("uint8")
    return sample_image(name, size=size)


def _width(height, image_size=(427, 640)):
    return int(image_size[1] * height / image_size[0])  # L9055-L9056 (both sample photographs are 427 x 640)


def recipe_deepdream(entry, ctx):
    """Listing 8.12 on a photograph that ships with scikit-learn (option ``image``, resized to ``height`` rows),
    InceptionV3 without its top with ``weights`` (None: random; or a local Keras 2 weights file), the book's
    step, octaves and ``max_loss``; PNGs per scale and ``final_dream.png`` in ``out``."""
    from . import deepdream
    nn = ctx.nn
    height = ctx.option("height")
    img = _photograph(ctx, ctx.option("image"), (height, _width(height)))
    nn.backend.clear_session()
    model = entry.build(nn, weights=ctx.option("weights"))
    x = deepdream.preprocess_image(nn, img)
    dream, losses = deepdream.deep_dream(nn, model, x, iterations=ctx.option("iterations"),
                                         num_octave=ctx.option("num_octave"), out_dir=ctx.option("out"),
                                         print_fn=ctx.print if ctx.verbose else None)
    last = [v for shape_losses in losses.values() for v in shape_losses][-1]
    return _result(_history(nn, {"loss": last}), {"loss": last},
                   {"losses": losses, "image": deepdream.deprocess_image(dream)})


recipe_deepdream.options = {"image": ("china.jpg", None, "scikit-learn sample photograph (china.jpg, flower.jpg)"),
                            "height": (160, 80, "rows of the image (the width keeps the aspect ratio)"),
                            "iterations": (20, 1, "ascent steps per scale (the book: 20)"),
                            "num_octave": (3, 1, "scales (the book: 3)"),
                            "weights": (None, None, "a local InceptionV3 weights file (HDF5); None: random"),
                            "out": (None, None, "directory for the PNGs")}


def recipe_style_transfer(entry, ctx):
    """Listings 8.15-8.23: the ``target`` photograph in the style of the ``style`` one (scikit-learn's), at
    ``height`` rows (the book: 400), VGG19 with ``weights`` (None: random, or a local file), ``iterations``
    rounds of L-BFGS with ``maxfun`` evaluations (SciPy; plain gradient descent without it); PNGs per round in
    ``out``."""
    from . import style_transfer
    nn = ctx.nn
    height = ctx.option("height")
    width = _width(height)
    target = style_transfer.preprocess_image(nn, _photograph(ctx, ctx.option("target"), (height, width)),
                                             height, width)
    style = style_transfer.preprocess_image(nn, _photograph(ctx, ctx.option("style"), (height, width)),
                                            height, width)
    nn.backend.clear_session()
    built = style_transfer.build(nn, target, style, network=style_transfer.vgg19_network(nn, ctx.option("weights")))
    image, losses, used = style_transfer.transfer(built, target, iterations=ctx.option("iterations"),
                                                  maxfun=ctx.option("maxfun"), out_dir=ctx.option("out"),
                                                  print_fn=ctx.print if ctx.verbose else None)
    return _result(_history(nn, {"loss": losses[-1]}), {"loss": losses[-1]},
                   {"losses": losses, "image": image, "optimizer": used})


recipe_style_transfer.options = {
    "target": ("china.jpg", None, "scikit-learn sample photograph to transform"),
    "style": ("flower.jpg", None, "scikit-learn sample photograph giving the style"),
    "height": (48, 32, "rows of the generated image (the book: 400)"),
    "iterations": (10, 1, "L-BFGS rounds (the book: 20)"),
    "maxfun": (10, 1, "loss evaluations per round (the book: 20)"),
    "weights": (None, None, "a local VGG19 weights file (HDF5); None: random"),
    "out": (None, None, "directory for the PNGs")}

# merged into nnspec.zoo.recipes.RECIPES with the entries
CHOLLET_GENERATIVE_RECIPES = {"chollet_vae": recipe_chollet_vae, "dcgan_frogs": recipe_dcgan_frogs,
                              "deepdream": recipe_deepdream, "style_transfer": recipe_style_transfer}


# -- zoo entries ---------------------------------------------------------------------------------------------------

def inception_v3_base(nn, weights=None):
    """DLwP 8.2, Listing 8.8: the DeepDream network, InceptionV3 without its top (``weights`` None or a file)."""
    from .deepdream import inception_base
    return inception_base(nn, weights)


def vgg19_base(nn, weights=None):
    """DLwP 8.3, Listing 8.17's network on its own (no input tensor): VGG19 without its top."""
    from .convnets import _applications
    return _applications(nn).VGG19(weights=weights, include_top=False)


_VAE_PARAMS = ("encoder 320 + 18,496 + 36,928 + 36,928 + 12544*32+32 = 401,440 + 66 + 66 = 494,244; decoder "
               "2*12544+12544 = 37,632 + 9*64*32+32 = 18,464 + 9*32+1 = 289 = 56,385 (no table printed: L9517)")
_GENERATOR_PARAMS = ("32*32768+32768 = 1,081,344; 25*128*256+256 = 819,456; 16*256*256+256 = 1,048,832; "
                     "2 * (25*256*256+256) = 2 * 1,638,656; 49*256*3+3 = 37,635 (no table printed: L9688)")
_DISCRIMINATOR_PARAMS = ("9*3*128+128 = 3,584; 3 * (16*128*128+128) = 3 * 262,272; 2*2*128 = 512 features, "
                         "512+1 = 513 (no table printed: L9716)")

CHOLLET_GENERATIVE_ENTRIES = [
    Entry("chollet_vae", CHOLLET, "8.4 Generating images with variational autoencoders (Listings 8.24-8.30, "
          "L9393-L9567)", vae, compile_vae, 550_629, _VAE_PARAMS, recipe="chollet_vae", data="mnist",
          notes=("The loss is added by the CustomVariationalLayer (add_loss); compile(loss=None), fit(y=None).",
                 "Sampling as printed: z_mean + exp(z_log_var) * epsilon (not exp(0.5 * z_log_var)).")),
    Entry("chollet_vae_decoder", CHOLLET, "8.4 the decoder (Listing 8.27, L9448-L9478)", vae_decoder,
          not_compiled("the decoder is trained inside the vae and only used to predict"), 56_385,
          "Dense 2*12544+12544 = 37,632; Conv2DTranspose 9*64*32+32 = 18,464; Conv2D 9*32+1 = 289 (no table)"),
    Entry("dcgan_generator", CHOLLET, "8.5.4 The generator (Listing 8.31, L9654-L9689)",
          dcgan_generator, not_compiled("the generator trains inside gan"), 6_264_579,
          _GENERATOR_PARAMS),
    Entry("dcgan_discriminator", CHOLLET, "8.5.5 The discriminator (Listing 8.32, L9697-L9722)",
          dcgan_discriminator, compile_dcgan_discriminator, 790_913, _DISCRIMINATOR_PARAMS),
    Entry("dcgan", CHOLLET, "8.5.6 The adversarial network (Listings 8.31-8.35, L9654-L9847)", dcgan, compile_dcgan,
          7_055_492, "generator 6,264,579 + discriminator 790,913; inside gan the discriminator is frozen: "
          "trainable 6,264,579, non-trainable 790,913 (no table printed)", recipe="dcgan_frogs", data="cifar10",
          notes=("discriminator.trainable = False after the discriminator is compiled: Keras 2 reads the flag at "
                 "compile time, so it trains alone and is frozen inside gan.",
                 "Labels: 1 for generated, 0 for real images, plus 0.05 * uniform noise (the book's convention).")),
    Entry("deepdream_inception_v3", CHOLLET, "8.2 DeepDream (Listings 8.8-8.13, L8717-L8946)", inception_v3_base,
          not_compiled("DeepDream differentiates the network, it never trains it"), 21_802_784,
          "InceptionV3 without its top (keras_applications 1.0.6), weights=None here (no table printed)",
          recipe="deepdream",
          notes=("Random weights unless a local weights file is given: the dreams show the architecture's "
                 "patterns, not ImageNet's.",)),
    Entry("style_transfer_vgg19", CHOLLET, "8.3 Neural style transfer (Listings 8.14-8.23, L8968-L9297)", vgg19_base,
          not_compiled("style transfer optimises the image, not the network"), 20_024_384,
          "VGG19 without its top: 16 convolutions, 20,024,384 weights (no table printed)", recipe="style_transfer",
          notes=("The recipe builds VGG19 on the batch of three images (input_tensor), as Listing 8.17.",
                 "Defaults 48 rows, 10 rounds of 10 evaluations (the book: 400, 20 of 20) keep the CPU run within "
                 "minutes.")),
]
