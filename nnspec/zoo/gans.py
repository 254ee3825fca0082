"""Foster's ch. 4 GANs: ``GAN``, ``WGAN`` and ``WGANGP`` with the book's constructor arguments.

``GAN(nn, input_dim, discriminator_conv_filters, ..., z_dim)``, ``WGAN(nn, input_dim, critic_conv_filters, ...)``
and ``WGANGP(nn, ..., grad_weight, z_dim, batch_size)`` take the implementation ``nn`` first (``nnspec.reference``
or ``nnspec.accel``) and then the book's arguments (Example 4-1, F1:2314-2337; the WGAN and WGAN-GP dictionaries
are the repository's notebooks, the text gives none). Each builds, in the book's order, the discriminator
(``.discriminator``; the critic ``.critic`` for the Wasserstein models), the generator (``.generator``) and
compiles the adversarial models with the trainable rule of Keras 2 (the flags count when a model is compiled):
the discriminator on its own, then ``.model`` = discriminator(generator(z)) with the discriminator frozen, after
which its flags are set back (Example 4-4). WGAN-GP also compiles ``.critic_model`` (real image and noise in;
the critic on the real, fake and interpolated images out) with the losses [wasserstein, wasserstein,
gradient penalty] weighted [1, 1, grad_weight] and the generator frozen (Example 4-12).

Training is the book's (Examples 4-5, 4-8, 4-9 and the repository's ``train_critic``): ``train_discriminator``
/ ``train_critic``, ``train_generator`` and ``train(x_train, batch_size, epochs, ...)``, which returns the loss
history of its epochs (one epoch is one generator batch, as in the book, F1:2604). Noise and batch indices are
drawn from NumPy's global generator as in the book (``np.random.seed`` repeats a run; ``nn.random.seed`` the
interpolation weights). ``sample_images(path)`` writes a 5x5 grid of generated images as a PNG file.

Where the text and its repository (``davidADSP/GDL_code``, named at F1:595) differ, or the text cannot run:

* Example 4-2 indents ``Activation`` under the batch-norm ``if``; the printed table (Figure 4-4) and the
  repository apply it after every convolution, as here. ``weight_init`` (undefined in the text, E16) is the
  repository's ``RandomNormal(mean=0., stddev=0.02)`` for every convolution and Dense kernel.
* Example 4-3 up-samples before every generator convolution (erratum E14), which contradicts
  ``generator_upsample = [2, 2, 1, 1]`` and Figure 4-5. Here a layer with ``generator_upsample[i] == 2`` is
  ``UpSampling2D`` then ``Conv2D`` (both sources); a layer without up-sampling is a ``Conv2D`` when its stride is 1
  (Figure 4-5 prints ``(Conv2D)`` for ``generator_conv_2`` and ``_3``) and a ``Conv2DTranspose`` with its stride
  when the stride is larger (the repository, whose WGAN-GP generator grows 4 -> 64 that way). A stride-1
  Conv2DTranspose has the parameters and output shape of the Conv2D, so only the type differs from the
  repository (its WGAN generator's last layer).
* The generator's hidden activation is ``generator_activation`` ('leaky_relu' is ``LeakyReLU(alpha=0.2)``, as
  the repository's ``get_activation``); Example 4-3 hard-codes ``Activation('relu')`` (E15), the same for the
  camel configuration.
* ``optimiser`` is 'rmsprop' (``RMSprop(lr)``) or 'adam' (``Adam(lr, beta_1=0.5)``, the repository's
  ``get_opti``; F1:2977); any other name is an error (the repository falls back to ``Adam(lr)``).
* ``RandomWeightedAverage`` draws one alpha ~ U(0, 1) per sample of the batch it is given; a ``batch_size``
  given to it (the book's argument) must equal that batch's size (Keras would fail to broadcast).
* The gradient penalty is the code's squared difference (1 - ||grad||)^2, averaged over the batch (F1:2909; the
  prose's "absolute difference" is erratum E19), the norm over all non-batch axes (the repository's
  ``axis=np.arange(1, ndim)``; the text's ``[1:len(...)]`` is not Python, E20).
* Clipping (Example 4-8) clips every weight of every critic layer to [-clip_threshold, clip_threshold] after
  the two critic batches.

:data:`GAN_ENTRIES` lists the zoo entries (``nnspec.zoo.Entry``) and :data:`GAN_RECIPES` their training recipes
(``recipe(entry, ctx)`` as :mod:`nnspec.zoo.recipes`). No Quick Draw, CIFAR-10 or CelebA set is in a package
registry (notes/data-and-oracles.md), so the recipes train on MNIST, scaled to [-1, 1] as the book scales its
images: the camel GAN as printed (same 28x28x1 shape) and :data:`WGANGP_MNIST`, the WGAN-GP with the camel
architecture.
"""

import functools
import os

import numpy as np

from . import FOSTER, Entry

__all__ = ["GAN", "WGAN", "WGANGP", "CAMEL", "WGAN_HORSES", "WGANGP_FACES", "WGANGP_MNIST", "N_CRITIC",
           "CLIP_THRESHOLD", "wasserstein", "gradient_penalty_loss", "random_weighted_average_class",
           "RandomWeightedAverage", "clip_weights", "to_unit_range", "GAN_ENTRIES", "GAN_RECIPES"]

# Example 4-1 (F1:2314-2337): the Quick Draw camel GAN
CAMEL = dict(input_dim=(28, 28, 1), discriminator_conv_filters=[64, 64, 128, 128],
             discriminator_conv_kernel_size=[5, 5, 5, 5], discriminator_conv_strides=[2, 2, 2, 1],
             discriminator_batch_norm_momentum=None, discriminator_activation="relu", discriminator_dropout_rate=0.4,
             discriminator_learning_rate=0.0008, generator_initial_dense_layer_size=(7, 7, 64),
             generator_upsample=[2, 2, 1, 1], generator_conv_filters=[128, 64, 64, 1],
             generator_conv_kernel_size=[5, 5, 5, 5], generator_conv_strides=[1, 1, 1, 1],
             generator_batch_norm_momentum=0.9, generator_activation="relu", generator_dropout_rate=None,
             generator_learning_rate=0.0004, optimiser="rmsprop", z_dim=100)
# [REPO] 04_02_wgan_cifar_train: the CIFAR-10 horses WGAN (the text gives no architecture)
WGAN_HORSES = dict(input_dim=(32, 32, 3), critic_conv_filters=[32, 64, 128, 128],
                   critic_conv_kernel_size=[5, 5, 5, 5], critic_conv_strides=[2, 2, 2, 1],
                   critic_batch_norm_momentum=None, critic_activation="leaky_relu", critic_dropout_rate=None,
                   critic_learning_rate=0.00005, generator_initial_dense_layer_size=(4, 4, 128),
                   generator_upsample=[2, 2, 2, 1], generator_conv_filters=[128, 64, 32, 3],
                   generator_conv_kernel_size=[5, 5, 5, 5], generator_conv_strides=[1, 1, 1, 1],
                   generator_batch_norm_momentum=0.8, generator_activation="leaky_relu", generator_dropout_rate=None,
                   generator_learning_rate=0.00005, optimiser="rmsprop", z_dim=100)
# [REPO] 04_03_wgangp_faces_train: the CelebA WGAN-GP
WGANGP_FACES = dict(input_dim=(64, 64, 3), critic_conv_filters=[64, 128, 256, 512],
                    critic_conv_kernel_size=[5, 5, 5, 5], critic_conv_strides=[2, 2, 2, 2],
                    critic_batch_norm_momentum=None, critic_activation="leaky_relu", critic_dropout_rate=None,
                    critic_learning_rate=0.0002, generator_initial_dense_layer_size=(4, 4, 512),
                    generator_upsample=[1, 1, 1, 1], generator_conv_filters=[256, 128, 64, 3],
                    generator_conv_kernel_size=[5, 5, 5, 5], generator_conv_strides=[2, 2, 2, 2],
                    generator_batch_norm_momentum=0.9, generator_activation="leaky_relu", generator_dropout_rate=None,
                    generator_learning_rate=0.0002, optimiser="adam", grad_weight=10, z_dim=100, batch_size=64)
# The WGAN-GP on 28x28x1 images (MNIST stands in for the book's data): the camel architecture without dropout,
# with the faces model's critic activation, optimiser and learning rates
WGANGP_MNIST = dict(input_dim=(28, 28, 1), critic_conv_filters=[64, 64, 128, 128],
                    critic_conv_kernel_size=[5, 5, 5, 5], critic_conv_strides=[2, 2, 2, 1],
                    critic_batch_norm_momentum=None, critic_activation="leaky_relu", critic_dropout_rate=None,
                    critic_learning_rate=0.0002, generator_initial_dense_layer_size=(7, 7, 64),
                    generator_upsample=[2, 2, 1, 1], generator_conv_filters=[128, 64, 64, 1],
                    generator_conv_kernel_size=[5, 5, 5, 5], generator_conv_strides=[1, 1, 1, 1],
                    generator_batch_norm_momentum=0.9, generator_activation="relu", generator_dropout_rate=None,
                    generator_learning_rate=0.0002, optimiser="adam", grad_weight=10, z_dim=100, batch_size=64)
N_CRITIC = 5  # Example 4-9 (F1:2817: "a typical ratio ... is 5 critic updates to 1 generator update")
CLIP_THRESHOLD = 0.01  # F1:2781


# -- the book's losses and layers ---------------------------------------------------------------------------------

def wasserstein(K, y_true, y_pred):
    """Example 4-6: ``-K.mean(y_true * y_pred)`` (labels 1 real, -1 fake)."""
    return -K.mean(y_true * y_pred)


def gradient_penalty_loss(K, y_true, y_pred, interpolated_samples):
    """Example 4-11 (as the repository writes it): the mean over the batch of (1 - ||d y_pred / d
    interpolated_samples||_2)^2, the norm over every non-batch axis; ``y_true`` is the unused dummy target."""
    gradients = K.gradients(y_pred, interpolated_samples)[0]
    gradients_sqr = K.square(gradients)
    gradients_sqr_sum = K.sum(gradients_sqr, axis=list(range(1, len(gradients_sqr.shape))))
    gradient_l2_norm = K.sqrt(gradients_sqr_sum)
    gradient_penalty = K.square(1 - gradient_l2_norm)
    return K.mean(gradient_penalty)


_RWA_CLASSES = {}


def random_weighted_average_class(nn):
    """Example 4-10's ``RandomWeightedAverage(_Merge)`` for implementation ``nn`` (one class per implementation)."""
    key = nn.__name__
    if key not in _RWA_CLASSES:
        K = nn.backend

        class RandomWeightedAverage(nn.layers.merge._Merge):
            """alpha * inputs[0] + (1 - alpha) * inputs[1], one alpha ~ U(0, 1) per sample (Example 4-10)."""

            _default_impl = nn.layers.Layer._default_impl

            def __init__(self, batch_size=None, **kwargs):
                super().__init__(**kwargs)
                self.batch_size = batch_size

            def _merge_function(self, inputs):
                if len(inputs) != 2:
                    raise ValueError(f"RandomWeightedAverage {self.name}: expected two inputs (real, fake), got "
                                     f"{len(inputs)}")
                a, b = inputs
                n = a.shape[0]
                if self.batch_size is not None and n != self.batch_size:
                    raise ValueError(f"RandomWeightedAverage {self.name}: built for batches of {self.batch_size} "
                                     f"(its batch_size), got a batch of {n}")
                alpha = K.random_uniform((n,) + (1,) * (a.ndim - 1), dtype=a.dtype)
                return (alpha * a) + ((1 - alpha) * b)

            def get_config(self):
                return {**super().get_config(), "batch_size": self.batch_size}

        _RWA_CLASSES[key] = RandomWeightedAverage
    return _RWA_CLASSES[key]


def RandomWeightedAverage(nn, batch_size=None, **kwargs):  # noqa: N802 (the book's layer name)
    """A new ``RandomWeightedAverage(batch_size)`` layer of implementation ``nn``."""
    return random_weighted_average_class(nn)(batch_size, **kwargs)


def clip_weights(model, clip_threshold):
    """Example 4-8: every weight of every layer of ``model`` clipped to [-clip_threshold, clip_threshold]."""
    for layer in model.layers:
        weights = layer.get_weights()
        weights = [np.clip(w, -clip_threshold, clip_threshold) for w in weights]
        layer.set_weights(weights)


def to_unit_range(images):
    """The repository's ``sample_images``: 0.5 * (x + 1) clipped to [0, 1] (the generator ends in tanh)."""
    return np.clip(0.5 * (np.asarray(images, dtype=np.float64) + 1), 0, 1)


# -- the models ----------------------------------------------------------------------------------------------------

def _positive_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value > 0


def _check_list(who, names, values):
    lengths = [len(v) if isinstance(v, (list, tuple)) else None for v in values]
    if None in lengths or len(set(lengths)) != 1 or lengths[0] == 0:
        raise ValueError(f"{who}: {', '.join(names)} must be lists with one entry per layer (at least one), got "
                         f"{[v if n is None else n for v, n in zip(values, lengths)]}")


class _Adversarial:
    """What the three classes share: arguments, the two networks, the optimisers, sampling images."""

    d = "discriminator"  # the name of the first network's arguments and attribute ('critic' for the WGANs)
    output_activation = "sigmoid"  # of the discriminator's Dense(1); the critics' is linear
    name = "gan"

    def __init__(self, nn, input_dim, conv_filters, conv_kernel_size, conv_strides, batch_norm_momentum,
                 activation, dropout_rate, learning_rate, generator_initial_dense_layer_size, generator_upsample,
                 generator_conv_filters, generator_conv_kernel_size, generator_conv_strides,
                 generator_batch_norm_momentum, generator_activation, generator_dropout_rate, generator_learning_rate,
                 optimiser, z_dim):
        who, d = type(self).__name__, self.d
        if not hasattr(nn, "layers") or not hasattr(nn, "models"):
            raise TypeError(f"{who}: the first argument is the implementation (nnspec.reference or nnspec.accel), "
                            f"got {type(nn).__name__}")
        input_dim = tuple(input_dim)
        if len(input_dim) != 3 or not all(_positive_int(v) for v in input_dim):
            raise ValueError(f"{who}: input_dim must be (height, width, channels) of positive ints, got {input_dim}")
        _check_list(who, [f"{d}_conv_filters", f"{d}_conv_kernel_size", f"{d}_conv_strides"],
                    [conv_filters, conv_kernel_size, conv_strides])
        _check_list(who, ["generator_upsample", "generator_conv_filters", "generator_conv_kernel_size",
                          "generator_conv_strides"],
                    [generator_upsample, generator_conv_filters, generator_conv_kernel_size, generator_conv_strides])
        if any(u not in (1, 2) for u in generator_upsample):
            raise ValueError(f"{who}: generator_upsample entries must be 1 or 2 (2: UpSampling2D before the layer), "
                             f"got {list(generator_upsample)}")
        size = tuple(generator_initial_dense_layer_size)
        if len(size) != 3 or not all(_positive_int(v) for v in size):
            raise ValueError(f"{who}: generator_initial_dense_layer_size must be (height, width, channels) of "
                             f"positive ints, got {size}")
        if optimiser not in ("adam", "rmsprop"):
            raise ValueError(f"{who}: optimiser must be 'adam' (Adam(lr, beta_1=0.5)) or 'rmsprop' (RMSprop(lr)), "
                             f"got {optimiser!r}")
        if not _positive_int(z_dim):
            raise ValueError(f"{who}: z_dim must be a positive int, got {z_dim!r}")
        for arg, rate in ((f"{d}_dropout_rate", dropout_rate), ("generator_dropout_rate", generator_dropout_rate)):
            if rate is not None and not 0 <= rate < 1:
                raise ValueError(f"{who}: {arg} must be None or in [0, 1), got {rate!r}")
        self.nn = nn
        self.input_dim = input_dim
        for suffix, value in (("conv_filters", conv_filters), ("conv_kernel_size", conv_kernel_size),
                              ("conv_strides", conv_strides), ("batch_norm_momentum", batch_norm_momentum),
                              ("activation", activation), ("dropout_rate", dropout_rate),
                              ("learning_rate", learning_rate)):
            setattr(self, f"{d}_{suffix}", list(value) if isinstance(value, (list, tuple)) else value)
        self.generator_initial_dense_layer_size = size
        self.generator_upsample = list(generator_upsample)
        self.generator_conv_filters = list(generator_conv_filters)
        self.generator_conv_kernel_size = list(generator_conv_kernel_size)
        self.generator_conv_strides = list(generator_conv_strides)
        self.generator_batch_norm_momentum = generator_batch_norm_momentum
        self.generator_activation = generator_activation
        self.generator_dropout_rate = generator_dropout_rate
        self.generator_learning_rate = generator_learning_rate
        self.optimiser = optimiser
        self.z_dim = int(z_dim)
        setattr(self, f"n_layers_{d}", len(conv_filters))
        self.n_layers_generator = len(generator_conv_filters)
        self.weight_init = nn.initializers.RandomNormal(mean=0., stddev=0.02)
        self.d_losses = []
        self.g_losses = []
        self.epoch = 0
        self._build_discriminator(self.output_activation)
        self._build_generator()
        self.compile()

    # -- building blocks ----------------------------------------------------------------------------------------
    def get_activation(self, activation):
        """'leaky_relu' is ``LeakyReLU(alpha=0.2)``, any other name ``Activation(name)`` (the repository)."""
        L = self.nn.layers
        return L.LeakyReLU(alpha=0.2) if activation == "leaky_relu" else L.Activation(activation)

    def get_opti(self, lr):
        opt = self.nn.optimizers
        return opt.Adam(lr=lr, beta_1=0.5) if self.optimiser == "adam" else opt.RMSprop(lr=lr)

    @staticmethod
    def set_trainable(m, val):
        """The repository's freezing: the network's flag and every layer's."""
        m.trainable = val
        for layer in m.layers:
            layer.trainable = val

    def _build_discriminator(self, output_activation):
        """Example 4-2: convolutions ('same' padding, named ``{d}_conv_i``), batch norm after the first when
        its momentum is set, the activation, dropout when its rate is set; Flatten and Dense(1)."""
        L, Model, d = self.nn.layers, self.nn.models.Model, self.d
        filters, kernels, strides = (getattr(self, f"{d}_conv_{s}") for s in ("filters", "kernel_size", "strides"))
        momentum, dropout = getattr(self, f"{d}_batch_norm_momentum"), getattr(self, f"{d}_dropout_rate")
        d_input = L.Input(shape=self.input_dim, name=f"{d}_input")
        x = d_input
        for i in range(len(filters)):
            x = L.Conv2D(filters=filters[i], kernel_size=kernels[i], strides=strides[i], padding="same",
                         name=f"{d}_conv_{i}", kernel_initializer=self.weight_init)(x)
            if momentum and i > 0:
                x = L.BatchNormalization(momentum=momentum)(x)
            x = self.get_activation(getattr(self, f"{d}_activation"))(x)
            if dropout:
                x = L.Dropout(rate=dropout)(x)
        x = L.Flatten()(x)
        d_output = L.Dense(1, activation=output_activation, kernel_initializer=self.weight_init)(x)
        setattr(self, d, Model(d_input, d_output))

    def _build_generator(self):
        """Example 4-3 with the up-sampling rule of the module docstring."""
        L, Model = self.nn.layers, self.nn.models.Model
        generator_input = L.Input(shape=(self.z_dim,), name="generator_input")
        x = generator_input
        x = L.Dense(int(np.prod(self.generator_initial_dense_layer_size)), kernel_initializer=self.weight_init)(x)
        if self.generator_batch_norm_momentum:
            x = L.BatchNormalization(momentum=self.generator_batch_norm_momentum)(x)
        x = self.get_activation(self.generator_activation)(x)
        x = L.Reshape(self.generator_initial_dense_layer_size)(x)
        if self.generator_dropout_rate:
            x = L.Dropout(rate=self.generator_dropout_rate)(x)
        for i in range(self.n_layers_generator):
            conv = dict(filters=self.generator_conv_filters[i], kernel_size=self.generator_conv_kernel_size[i],
                        padding="same", name=f"generator_conv_{i}", kernel_initializer=self.weight_init)
            stride = self.generator_conv_strides[i]
            if self.generator_upsample[i] == 2:
                x = L.UpSampling2D()(x)
                x = L.Conv2D(**conv)(x)
            elif stride == 1 or stride == (1, 1):
                x = L.Conv2D(**conv)(x)
            else:
                x = L.Conv2DTranspose(strides=stride, **conv)(x)
            if i < self.n_layers_generator - 1:
                if self.generator_batch_norm_momentum:
                    x = L.BatchNormalization(momentum=self.generator_batch_norm_momentum)(x)
                x = self.get_activation(self.generator_activation)(x)
            else:
                x = L.Activation("tanh")(x)
        self.generator = Model(generator_input, x)

    def _adversarial_model(self, loss, metrics=None):
        """Example 4-4's second half: the discriminator frozen while ``model`` = d(generator(z)) is compiled, its
        flags set back afterwards (so it keeps training on its own)."""
        L, Model = self.nn.layers, self.nn.models.Model
        d = getattr(self, self.d)
        self.set_trainable(d, False)
        model_input = L.Input(shape=(self.z_dim,), name="model_input")
        model_output = d(self.generator(model_input))
        self.model = Model(model_input, model_output)
        self.model.compile(optimizer=self.get_opti(self.generator_learning_rate), loss=loss, metrics=metrics)
        self.set_trainable(d, True)

    # -- data --------------------------------------------------------------------------------------------------
    def _noise(self, n):
        return np.random.normal(0, 1, (n, self.z_dim))

    def _real_batch(self, x_train, batch_size, using_generator):
        """A random batch of ``x_train`` (indices from NumPy's global generator), or the next full batch of an
        iterator yielding (images, ...) tuples, as the repository's ``using_generator``."""
        if using_generator:
            true_imgs = next(x_train)[0]
            if true_imgs.shape[0] != batch_size:
                true_imgs = next(x_train)[0]
            return true_imgs
        x = np.asarray(x_train)
        if x.shape[1:] != self.input_dim:
            raise ValueError(f"{type(self).__name__}: x_train must hold images of shape {self.input_dim}, got "
                             f"{x.shape}")
        idx = np.random.randint(0, x.shape[0], batch_size)
        return x[idx]

    def _check_batch_size(self, batch_size):
        if not _positive_int(batch_size):
            raise ValueError(f"{type(self).__name__}: batch_size must be a positive int, got {batch_size!r}")

    def sample_images(self, path, r=5, c=5):
        """The repository's ``sample_images``: ``r * c`` images of N(0, I) codes, rescaled from tanh's [-1, 1]
        to [0, 1], written as one PNG grid of ``r`` rows and ``c`` columns; returns the path."""
        from .autoencoders import save_image_grid
        gen_imgs = to_unit_range(self.generator.predict(self._noise(r * c)))
        return save_image_grid(path, gen_imgs, cols=c)

    def _after_epoch(self, epoch, run_folder, print_every_n_batches):
        if run_folder is not None and epoch % print_every_n_batches == 0:
            self.sample_images(os.path.join(run_folder, "images", f"sample_{epoch}.png"))

    def _history(self, batch_size, epochs):
        """A Keras ``History`` for one ``train`` call: ``epoch`` (the running epoch numbers) and ``history``
        ({name: [value per epoch]}), filled by :meth:`_record`."""
        history = self.nn.callbacks.History()
        history.set_params({"batch_size": batch_size, "epochs": epochs, "initial_epoch": self.epoch})
        history.on_train_begin()
        return history

    def _record(self, history, epoch, d, g):
        """The repository's ``d_losses`` / ``g_losses`` lists, and the epoch's values in ``history``."""
        self.d_losses.append(d)
        self.g_losses.append(g)
        row = list(d) + (list(g) if isinstance(g, (list, tuple)) else [g])
        history.on_epoch_end(epoch, {n: float(v) for n, v in zip(self.D_NAMES + self.G_NAMES, row)})


class GAN(_Adversarial):
    """Examples 4-1 to 4-5: the GAN. ``.discriminator`` (sigmoid output, binary crossentropy, accuracy),
    ``.generator``, ``.model`` (the generator through the frozen discriminator)."""

    D_NAMES = ("d_loss", "d_loss_real", "d_loss_fake", "d_acc", "d_acc_real", "d_acc_fake")
    G_NAMES = ("g_loss", "g_acc")

    def __init__(self, nn, input_dim, discriminator_conv_filters, discriminator_conv_kernel_size,
                 discriminator_conv_strides, discriminator_batch_norm_momentum, discriminator_activation,
                 discriminator_dropout_rate, discriminator_learning_rate, generator_initial_dense_layer_size,
                 generator_upsample, generator_conv_filters, generator_conv_kernel_size, generator_conv_strides,
                 generator_batch_norm_momentum, generator_activation, generator_dropout_rate, generator_learning_rate,
                 optimiser, z_dim):
        super().__init__(nn, input_dim, discriminator_conv_filters, discriminator_conv_kernel_size,
                         discriminator_conv_strides, discriminator_batch_norm_momentum, discriminator_activation,
                         discriminator_dropout_rate, discriminator_learning_rate, generator_initial_dense_layer_size,
                         generator_upsample, generator_conv_filters, generator_conv_kernel_size,
                         generator_conv_strides, generator_batch_norm_momentum, generator_activation,
                         generator_dropout_rate, generator_learning_rate, optimiser, z_dim)

    def compile(self):
        """Example 4-4: the discriminator with binary crossentropy and accuracy; then ``.model`` with the
        discriminator frozen."""
        self.discriminator.compile(optimizer=self.get_opti(self.discriminator_learning_rate),
                                   loss="binary_crossentropy", metrics=["accuracy"])
        self._adversarial_model("binary_crossentropy", ["accuracy"])

    def train_discriminator(self, x_train, batch_size, using_generator=False):
        """Example 4-5: one batch of real images (label 1), one of generated images (label 0); returns the
        repository's [d_loss, d_loss_real, d_loss_fake, d_acc, d_acc_real, d_acc_fake], d_* the means."""
        self._check_batch_size(batch_size)
        valid = np.ones((batch_size, 1))
        fake = np.zeros((batch_size, 1))
        true_imgs = self._real_batch(x_train, batch_size, using_generator)
        gen_imgs = self.generator.predict(self._noise(batch_size))
        d_loss_real, d_acc_real = self.discriminator.train_on_batch(true_imgs, valid)
        d_loss_fake, d_acc_fake = self.discriminator.train_on_batch(gen_imgs, fake)
        return [0.5 * (d_loss_real + d_loss_fake), d_loss_real, d_loss_fake,
                0.5 * (d_acc_real + d_acc_fake), d_acc_real, d_acc_fake]

    def train_generator(self, batch_size):
        """Example 4-5: ``model.train_on_batch(noise, ones)``; returns [g_loss, g_acc]."""
        self._check_batch_size(batch_size)
        valid = np.ones((batch_size, 1))
        return self.model.train_on_batch(self._noise(batch_size), valid)

    def train(self, x_train, batch_size, epochs, run_folder=None, print_every_n_batches=50, using_generator=False,
              verbose=1, print_fn=print):
        """Example 4-5's loop: per epoch one discriminator step and one generator step. With ``run_folder``, a
        sample grid ``images/sample_<epoch>.png`` every ``print_every_n_batches`` epochs. Returns a Keras
        ``History`` of these epochs: ``.history`` is {name: [value per epoch]} for :attr:`D_NAMES` and
        :attr:`G_NAMES`, ``.epoch`` the epoch numbers (they run on from call to call, as the repository's
        ``self.epoch``)."""
        history = self._history(batch_size, epochs)
        for epoch in range(self.epoch, self.epoch + epochs):
            d = self.train_discriminator(x_train, batch_size, using_generator)
            g = self.train_generator(batch_size)
            if verbose:
                print_fn("%d [D loss: (%.3f)(R %.3f, F %.3f)] [D acc: (%.3f)(%.3f, %.3f)] [G loss: %.3f] "
                         "[G acc: %.3f]" % (epoch, d[0], d[1], d[2], d[3], d[4], d[5], g[0], g[1]))
            self._record(history, epoch, d, g)
            self._after_epoch(epoch, run_folder, print_every_n_batches)
            self.epoch += 1
        return history


class _Wasserstein(_Adversarial):
    d = "critic"
    output_activation = None

    def __init__(self, nn, input_dim, critic_conv_filters, critic_conv_kernel_size, critic_conv_strides,
                 critic_batch_norm_momentum, critic_activation, critic_dropout_rate, critic_learning_rate,
                 generator_initial_dense_layer_size, generator_upsample, generator_conv_filters,
                 generator_conv_kernel_size, generator_conv_strides, generator_batch_norm_momentum,
                 generator_activation, generator_dropout_rate, generator_learning_rate, optimiser, z_dim):
        super().__init__(nn, input_dim, critic_conv_filters, critic_conv_kernel_size, critic_conv_strides,
                         critic_batch_norm_momentum, critic_activation, critic_dropout_rate, critic_learning_rate,
                         generator_initial_dense_layer_size, generator_upsample, generator_conv_filters,
                         generator_conv_kernel_size, generator_conv_strides, generator_batch_norm_momentum,
                         generator_activation, generator_dropout_rate, generator_learning_rate, optimiser, z_dim)

    def wasserstein(self, y_true, y_pred):
        """Example 4-6."""
        return wasserstein(self.nn.backend, y_true, y_pred)

    def train_generator(self, batch_size):
        """``model.train_on_batch(noise, ones)``: the generator's Wasserstein loss (label 1, F1:2713)."""
        self._check_batch_size(batch_size)
        valid = np.ones((batch_size, 1), dtype=np.float32)
        return self.model.train_on_batch(self._noise(batch_size), valid)


class WGAN(_Wasserstein):
    """Examples 4-6 to 4-9: the WGAN. The critic ends in a linear Dense(1); both models use the Wasserstein loss;
    after its two batches the critic's weights are clipped; ``train`` makes ``n_critic`` critic steps per
    generator step."""

    D_NAMES = ("d_loss", "d_loss_real", "d_loss_fake")
    G_NAMES = ("g_loss",)

    def compile(self):
        """Example 4-7: the critic, then ``.model`` with the critic frozen, both on the Wasserstein loss."""
        self.critic.compile(optimizer=self.get_opti(self.critic_learning_rate), loss=self.wasserstein)
        self._adversarial_model(self.wasserstein)

    def train_critic(self, x_train, batch_size, clip_threshold, using_generator=False):
        """Example 4-8: a real batch (label 1), a generated batch (label -1), then clipping; returns the
        repository's [d_loss, d_loss_real, d_loss_fake]."""
        self._check_batch_size(batch_size)
        valid = np.ones((batch_size, 1))
        fake = -np.ones((batch_size, 1))
        true_imgs = self._real_batch(x_train, batch_size, using_generator)
        gen_imgs = self.generator.predict(self._noise(batch_size))
        d_loss_real = self.critic.train_on_batch(true_imgs, valid)
        d_loss_fake = self.critic.train_on_batch(gen_imgs, fake)
        clip_weights(self.critic, clip_threshold)
        return [0.5 * (d_loss_real + d_loss_fake), d_loss_real, d_loss_fake]

    def train(self, x_train, batch_size, epochs, run_folder=None, print_every_n_batches=10, n_critic=N_CRITIC,
              clip_threshold=CLIP_THRESHOLD, using_generator=False, verbose=1, print_fn=print):
        """Example 4-9: ``n_critic`` critic steps, then one generator step, per epoch; returns the ``History`` of
        the last critic step and the generator step of each epoch (as :meth:`GAN.train`)."""
        if not _positive_int(n_critic):
            raise ValueError(f"WGAN.train: n_critic must be a positive int, got {n_critic!r}")
        history = self._history(batch_size, epochs)
        for epoch in range(self.epoch, self.epoch + epochs):
            for _ in range(n_critic):
                d_loss = self.train_critic(x_train, batch_size, clip_threshold, using_generator)
            g_loss = self.train_generator(batch_size)
            if verbose:
                print_fn("%d [D loss: (%.3f)(R %.3f, F %.3f)]  [G loss: %.3f] "
                         % (epoch, d_loss[0], d_loss[1], d_loss[2], g_loss))
            self._record(history, epoch, d_loss, g_loss)
            self._after_epoch(epoch, run_folder, print_every_n_batches)
            self.epoch += 1
        return history


class WGANGP(_Wasserstein):
    """Examples 4-10 to 4-12: the WGAN-GP. ``.critic_model`` trains the critic on [real, noise] with the targets
    [1, -1, dummy 0] and the losses [wasserstein, wasserstein, gradient penalty] weighted [1, 1, grad_weight];
    ``.model`` trains the generator through the frozen critic. No clipping."""

    D_NAMES = ("d_loss", "d_loss_real", "d_loss_fake", "d_loss_gp")
    G_NAMES = ("g_loss",)

    def __init__(self, nn, input_dim, critic_conv_filters, critic_conv_kernel_size, critic_conv_strides,
                 critic_batch_norm_momentum, critic_activation, critic_dropout_rate, critic_learning_rate,
                 generator_initial_dense_layer_size, generator_upsample, generator_conv_filters,
                 generator_conv_kernel_size, generator_conv_strides, generator_batch_norm_momentum,
                 generator_activation, generator_dropout_rate, generator_learning_rate, optimiser, grad_weight, z_dim,
                 batch_size):
        if not _positive_int(batch_size):
            raise ValueError(f"WGANGP: batch_size must be a positive int, got {batch_size!r}")
        self.grad_weight = grad_weight
        self.batch_size = int(batch_size)
        super().__init__(nn, input_dim, critic_conv_filters, critic_conv_kernel_size, critic_conv_strides,
                         critic_batch_norm_momentum, critic_activation, critic_dropout_rate, critic_learning_rate,
                         generator_initial_dense_layer_size, generator_upsample, generator_conv_filters,
                         generator_conv_kernel_size, generator_conv_strides, generator_batch_norm_momentum,
                         generator_activation, generator_dropout_rate, generator_learning_rate, optimiser, z_dim)

    def gradient_penalty_loss(self, y_true, y_pred, interpolated_samples):
        """Example 4-11."""
        return gradient_penalty_loss(self.nn.backend, y_true, y_pred, interpolated_samples)

    def compile(self):
        """Example 4-12, then the generator's model as the WGAN's (the critic frozen)."""
        L, Model = self.nn.layers, self.nn.models.Model
        self.set_trainable(self.generator, False)
        real_img = L.Input(shape=self.input_dim)
        z_disc = L.Input(shape=(self.z_dim,))
        fake_img = self.generator(z_disc)
        fake = self.critic(fake_img)
        valid = self.critic(real_img)
        interpolated_img = RandomWeightedAverage(self.nn, self.batch_size)([real_img, fake_img])
        validity_interpolated = self.critic(interpolated_img)
        partial_gp_loss = functools.partial(self.gradient_penalty_loss, interpolated_samples=interpolated_img)
        partial_gp_loss.__name__ = "gradient_penalty"  # Keras requires the function to be named
        self.interpolated_img = interpolated_img
        self.critic_model = Model(inputs=[real_img, z_disc], outputs=[valid, fake, validity_interpolated])
        self.critic_model.compile(loss=[self.wasserstein, self.wasserstein, partial_gp_loss],
                                  optimizer=self.get_opti(self.critic_learning_rate),
                                  loss_weights=[1, 1, self.grad_weight])
        self.set_trainable(self.generator, True)
        self._adversarial_model(self.wasserstein)

    def train_critic(self, x_train, batch_size, using_generator=False):
        """The repository's ``train_critic``: ``critic_model.train_on_batch([real, noise], [1, -1, 0])``; returns
        [total, wasserstein real, wasserstein fake, gradient penalty] (the last unweighted)."""
        self._check_batch_size(batch_size)
        valid = np.ones((batch_size, 1), dtype=np.float32)
        fake = -np.ones((batch_size, 1), dtype=np.float32)
        dummy = np.zeros((batch_size, 1), dtype=np.float32)
        true_imgs = self._real_batch(x_train, batch_size, using_generator)
        noise = self._noise(batch_size)
        return self.critic_model.train_on_batch([true_imgs, noise], [valid, fake, dummy])

    def train(self, x_train, batch_size, epochs, run_folder=None, print_every_n_batches=10, n_critic=N_CRITIC,
              using_generator=False, verbose=1, print_fn=print):
        """The repository's loop: ``n_critic`` critic steps (5 on every 100th epoch) and one generator step per
        epoch; returns the ``History`` of the last critic step and the generator step of each epoch (as
        :meth:`GAN.train`)."""
        if not _positive_int(n_critic):
            raise ValueError(f"WGANGP.train: n_critic must be a positive int, got {n_critic!r}")
        if batch_size != self.batch_size:
            raise ValueError(f"WGANGP.train: the interpolation layer was built for batches of {self.batch_size} "
                             f"(the constructor's batch_size), got batch_size={batch_size!r}")
        history = self._history(batch_size, epochs)
        for epoch in range(self.epoch, self.epoch + epochs):
            critic_loops = 5 if epoch % 100 == 0 else n_critic
            for _ in range(critic_loops):
                d_loss = self.train_critic(x_train, batch_size, using_generator)
            g_loss = self.train_generator(batch_size)
            if verbose:
                print_fn("%d (%d, %d) [D loss: (%.1f)(R %.1f, F %.1f, G %.1f)] [G loss: %.1f]"
                         % (epoch, critic_loops, 1, d_loss[0], d_loss[1], d_loss[2], d_loss[3], g_loss))
            self._record(history, epoch, d_loss, g_loss)
            self._after_epoch(epoch, run_folder, print_every_n_batches)
            self.epoch += 1
        return history


# -- training recipes (``nnspec.zoo.recipes`` conventions: ``recipe(entry, ctx)``) ---------------------------------

def _scaled(x):
    """The repository's loaders (``load_safari``, ``load_cifar``, ``load_celeb``): (x - 127.5) / 127.5 with a
    channel axis, as the generator's tanh range."""
    x = np.asarray(x).astype("float32")
    x = (x - 127.5) / 127.5
    return x if x.ndim == 4 else x.reshape(x.shape + (1,))


def _recipe_result(gan, history, ctx, path):
    """The History of the training and, as the evaluation, the losses of the last epoch."""
    from .recipes import Result
    extras = {}
    if path:
        gan.sample_images(path)
        ctx.print(f"generated samples: {path}")
        extras["samples"] = path
    return Result(history, {name: values[-1] for name, values in history.history.items()}, extras)


_OPTIONS = {"batch_size": (64, 4, "images per batch"),
            "samples": (None, None, "write a 5x5 PNG grid of generated images to this path after training")}
_WASSERSTEIN_OPTIONS = {**_OPTIONS, "n_critic": (N_CRITIC, 2, "critic steps per generator step")}


def recipe_gan_camel(entry, ctx):
    """[REPO] 04_01_gan_camel_train: ``GAN(**CAMEL).train(x_train, batch_size=64, epochs=6000)`` (the text's Example
    4-5 says 2000 epochs). The Quick Draw camels are in no package registry: MNIST's training digits, scaled to
    [-1, 1] as the notebook scales the camels, stand in (the same 28x28x1 shape)."""
    (x_train, _), _ = ctx.load("mnist")
    gan = GAN(ctx.nn, **CAMEL)
    history = gan.train(_scaled(x_train), batch_size=ctx.option("batch_size"), epochs=ctx.epochs(6000),
                        verbose=ctx.verbose, print_fn=ctx.print)
    return _recipe_result(gan, history, ctx, ctx.option("samples"))


recipe_gan_camel.options = _OPTIONS


def recipe_wgan_horses(entry, ctx):
    """[REPO] 04_02_wgan_cifar_train: the CIFAR-10 horses (label 7, training and test images), scaled to [-1, 1];
    ``WGAN(**WGAN_HORSES).train(x_train, batch_size=128, epochs=6000, n_critic=5, clip_threshold=0.01)``."""
    (x_train, y_train), (x_test, y_test) = ctx.load("cifar10")
    x = np.concatenate([x_train[y_train.flatten() == 7], x_test[y_test.flatten() == 7]])
    wgan = WGAN(ctx.nn, **WGAN_HORSES)
    history = wgan.train(_scaled(x), batch_size=ctx.option("batch_size"), epochs=ctx.epochs(6000),
                         n_critic=ctx.option("n_critic"), clip_threshold=CLIP_THRESHOLD, verbose=ctx.verbose,
                         print_fn=ctx.print)
    return _recipe_result(wgan, history, ctx, ctx.option("samples"))


recipe_wgan_horses.options = {**_WASSERSTEIN_OPTIONS, "batch_size": (128, 4, "images per batch")}


def recipe_wgangp_mnist(entry, ctx):
    """The WGAN-GP of [REPO] 04_03_wgangp_faces_train (``train(x_train, batch_size=64, epochs=6000, n_critic=5)``)
    with :data:`WGANGP_MNIST`'s 28x28x1 architecture on MNIST scaled to [-1, 1]: CelebA is in no registry."""
    (x_train, _), _ = ctx.load("mnist")
    batch_size = ctx.option("batch_size")
    gan = WGANGP(ctx.nn, **{**WGANGP_MNIST, "batch_size": batch_size})
    history = gan.train(_scaled(x_train), batch_size=batch_size, epochs=ctx.epochs(6000),
                        n_critic=ctx.option("n_critic"), verbose=ctx.verbose, print_fn=ctx.print)
    return _recipe_result(gan, history, ctx, ctx.option("samples"))


recipe_wgangp_mnist.options = _WASSERSTEIN_OPTIONS

# merged into nnspec.zoo.recipes.RECIPES with the entries
GAN_RECIPES = {"gan_camel": recipe_gan_camel, "wgan_horses": recipe_wgan_horses, "wgangp_mnist": recipe_wgangp_mnist}


# -- zoo entries ---------------------------------------------------------------------------------------------------

def _network(cls, arguments, attribute, doc):
    """A zoo builder: the network ``attribute`` (model, critic, generator, ...) of ``cls(nn, **arguments)``."""
    def build(nn):
        return getattr(cls(nn, **arguments), attribute)
    build.__doc__ = doc
    return build


gan_camel = _network(GAN, CAMEL, "model",
                     "GDL Examples 4-1 to 4-4: the camel GAN's ``model`` (the generator through the frozen "
                     "discriminator).")
gan_camel_discriminator = _network(GAN, CAMEL, "discriminator",
                                   "GDL Example 4-2: the discriminator, built first in a fresh session; its summary "
                                   "is Figure 4-4 (notes S9).")
gan_camel_generator = _network(GAN, CAMEL, "generator",
                               "GDL Example 4-3: the generator; its summary is Figure 4-5 (notes S10), printed in a "
                               "session whose layer numbers had run on (``dense_9``, ``activation_36``): here they "
                               "continue the discriminator's.")


def compile_gan_camel_discriminator(nn):
    """Example 4-4 (F1:2546-2550)."""
    return {"optimizer": nn.optimizers.RMSprop(lr=0.0008), "loss": "binary_crossentropy", "metrics": ["accuracy"]}


wgan_horses = _network(WGAN, WGAN_HORSES, "model",
                       "GDL Examples 4-6, 4-7 with [REPO]'s CIFAR-10 horses arguments: the WGAN's ``model``.")
wgan_horses_critic = _network(WGAN, WGAN_HORSES, "critic", "The WGAN's critic (notes D2, no table printed).")
wgan_horses_generator = _network(WGAN, WGAN_HORSES, "generator", "The WGAN's generator (notes D3, no table printed).")


def compile_wgan_horses_critic(nn):
    """Example 4-7 (F1:2742-2756): RMSprop(lr=0.00005) on the Wasserstein loss."""
    def wasserstein_(y_true, y_pred):
        return wasserstein(nn.backend, y_true, y_pred)
    wasserstein_.__name__ = "wasserstein"
    return {"optimizer": nn.optimizers.RMSprop(lr=0.00005), "loss": wasserstein_}


wgangp_faces = _network(WGANGP, WGANGP_FACES, "model",
                        "GDL Example 4-12 with [REPO]'s CelebA arguments: the WGAN-GP's generator ``model``.")
wgangp_faces_critic_model = _network(WGANGP, WGANGP_FACES, "critic_model",
                                     "GDL Example 4-12: ``critic_model`` ([real image, noise] -> the critic on the "
                                     "real, fake, interpolated images).")
wgangp_faces_critic = _network(WGANGP, WGANGP_FACES, "critic", "The WGAN-GP's critic (notes D4, no table printed).")
wgangp_faces_generator = _network(WGANGP, WGANGP_FACES, "generator",
                                  "The WGAN-GP's generator (notes D5, no table printed).")
wgangp_mnist = _network(WGANGP, WGANGP_MNIST, "model",
                        ":data:`WGANGP_MNIST`: the WGAN-GP class on 28x28x1 images (the recipe's model).")


def compiled_by_its_class(cls, how):
    """compile_args of a model its class compiles (the trainable rule, or losses on its own tensors)."""
    def compile_args(nn):
        raise ValueError(f"nnspec zoo: this model is compiled by its class, with the other networks' trainable "
                         f"flags set as the book sets them: {cls.__name__}(nn, ...).{how}")
    compile_args.__doc__ = f"Compiled by {cls.__name__}.{how}."
    return compile_args


def _not_compiled(nn):
    raise ValueError("nnspec zoo: the book never compiles the generator on its own; it trains inside the "
                     "adversarial model (the entry without _generator)")


_SECTION = "ch. 4 Generative Adversarial Networks"
GAN_ENTRIES = [
    Entry("gan_camel", FOSTER, f"{_SECTION}, the camel GAN (Examples 4-1 to 4-5, F1:2306-2614)",
          gan_camel, compiled_by_its_class(GAN, "compile()"), 1_564_994,
          "discriminator 720,833 (Figure 4-4) + generator 844,161 (Figure 4-5); Keras 2.2.4's summary counts the "
          "weights collected at compile, 844,161 (the discriminator frozen)", recipe="gan_camel", data="mnist",
          notes=("Quick Draw camels are in no package registry: the recipe trains on MNIST digits (same shape).",
                 "[REPO] trains 6000 epochs of one batch of 64; the text's Example 4-5 says 2000.")),
    Entry("gan_camel_discriminator", FOSTER, f"{_SECTION}, the discriminator (Example 4-2, F1:2376-2408)",
          gan_camel_discriminator, compile_gan_camel_discriminator, 720_833,
          "printed: Figure 4-4", printed_summary="seed-foster.md §3 S9 (GDL Figure 4-4)",
          notes=("Activation after every convolution (Figure 4-4 and [REPO]; Example 4-2's indentation puts it "
                 "under the batch-norm if).",)),
    Entry("gan_camel_generator", FOSTER, f"{_SECTION}, the generator (Example 4-3, F1:2468-2508)",
          gan_camel_generator, _not_compiled, 844_161,
          "printed: Figure 4-5", printed_summary="seed-foster.md §3 S10 (GDL Figure 4-5)",
          notes=("Up-sampling only where generator_upsample is 2 (Figure 4-5; Example 4-3 up-samples every layer, "
                 "erratum E14).", "The book's layer numbers (dense_9, activation_36...) come from a session that "
                 "had run on; a fresh one continues the discriminator's (dense_2, activation_5...).")),
    Entry("wgan_horses", FOSTER, f"{_SECTION}, WGAN on CIFAR-10 horses (Examples 4-6 to 4-9, F1:2688-2856)",
          wgan_horses, compiled_by_its_class(WGAN, "compile()"), 1_554_564,
          "critic 670,401 + generator 884,163 (notes D2 + D3; no table printed)", recipe="wgan_horses",
          data="cifar10", notes=("The architecture is [REPO]'s 04_02_wgan_cifar_train; the text gives none.",
                                 "The generator's last layer (no up-sampling, stride 1) is a Conv2D here, a "
                                 "Conv2DTranspose in [REPO]: the same 2,403 parameters and shape.")),
    Entry("wgan_horses_critic", FOSTER, f"{_SECTION}, the WGAN critic ([REPO] 04_02_wgan_cifar_train)",
          wgan_horses_critic, compile_wgan_horses_critic, 670_401,
          "32x32x3 -> convs 2,432 (16,16,32); 51,264 (8,8,64); 204,928 (4,4,128); 409,728 (4,4,128); "
          "Flatten 2,048; Dense(1) 2,049 (notes D2)"),
    Entry("wgan_horses_generator", FOSTER, f"{_SECTION}, the WGAN generator ([REPO] 04_02_wgan_cifar_train)",
          wgan_horses_generator, _not_compiled, 884_163,
          "Dense 100*2048+2048 = 206,848; BN 8,192; [Up, Conv2D 128] 409,728, BN 512; [Up, Conv2D 64] 204,864, "
          "BN 256; [Up, Conv2D 32] 51,232, BN 128; Conv2D 3 2,403 (notes D3; non-trainable 4,544)"),
    Entry("wgangp_faces", FOSTER, f"{_SECTION}, WGAN-GP on CelebA, the generator's model (Examples 4-10 to 4-12, "
          "F1:2858-3008)", wgangp_faces, compiled_by_its_class(WGANGP, "compile()"), 9_482_756,
          "critic 4,314,753 + generator 5,168,003 (notes D4 + D5; no table printed)",
          notes=("The architecture is [REPO]'s 04_03_wgangp_faces_train; the text gives none.",
                 "CelebA is in no package registry: no recipe (wgangp_mnist trains the class on MNIST).")),
    Entry("wgangp_faces_critic_model", FOSTER, f"{_SECTION}, WGAN-GP critic_model (Example 4-12, F1:2939-2969)",
          wgangp_faces_critic_model, compiled_by_its_class(WGANGP, "compile()"), 9_482_756,
          "the critic (4,314,753, shared by the three outputs) + the frozen generator (5,168,003)"),
    Entry("wgangp_faces_critic", FOSTER, f"{_SECTION}, the WGAN-GP critic ([REPO] 04_03_wgangp_faces_train)",
          wgangp_faces_critic, compiled_by_its_class(WGANGP, "compile() (inside critic_model)"), 4_314_753,
          "64x64x3 -> convs 4,864 (32,32,64); 204,928 (16,16,128); 819,456 (8,8,256); 3,277,312 (4,4,512); "
          "Flatten 8,192; Dense(1) 8,193 (notes D4)"),
    Entry("wgangp_faces_generator", FOSTER, f"{_SECTION}, the WGAN-GP generator ([REPO] 04_03_wgangp_faces_train)",
          wgangp_faces_generator, _not_compiled, 5_168_003,
          "Dense 100*8192+8192 = 827,392; BN 32,768; Conv2DTranspose stride 2: 3,277,056 (8,8,256), BN 1,024; "
          "819,328 (16,16,128), BN 512; 204,864 (32,32,64), BN 256; 4,803 (64,64,3) (notes D5; non-trainable "
          "17,280)"),
    Entry("wgangp_mnist", FOSTER, f"{_SECTION}, the WGAN-GP class (Examples 4-10 to 4-12) on 28x28x1 images "
          "(WGANGP_MNIST, the camel architecture; not in the book)", wgangp_mnist,
          compiled_by_its_class(WGANGP, "compile()"), 1_564_994,
          "critic 720,833 (the camel discriminator's convolutions and Dense, no dropout) + generator 844,161 "
          "(Figure 4-5's)", recipe="wgangp_mnist", data="mnist",
          notes=("MNIST stands in for CelebA, which is in no package registry.",)),
]
