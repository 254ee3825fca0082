"""Neural style transfer, DLwP 8.3 (Listings 8.14-8.23, L8968-L9297), as the book writes it.

The target image, the style reference image (constants) and the combination image (a placeholder) go through
VGG19 as one batch of three (:func:`build`). The loss is ``content_weight`` times the content loss on
``block5_conv2`` (:func:`content_loss`), plus ``style_weight / 5`` times the style loss (Gram matrices,
:func:`gram_matrix`, :func:`style_loss`) on ``block1_conv1``..``block5_conv1``, plus ``total_variation_weight``
times the total variation loss of the combination image (:func:`total_variation_loss`); the combination image
is optimised with SciPy's L-BFGS over its pixels (:func:`transfer`), 20 rounds of ``maxfun=20``.

The loss functions take the backend ``K`` first (``nn.backend``) and are the book's expressions. As in the
book, the style loss normalises with ``channels = 3`` and ``size = img_height * img_width`` whatever the layer's
feature count and map size (L9142; the notes record it). The book's ``Evaluator`` sets ``self.grads_values``
in ``__init__`` and reads ``self.grad_values`` (L9225, L9234); :class:`Evaluator` uses one name.

The network is VGG19 with ``weights=None`` (random kernels) or a local Keras 2 weights file; any function
``network(input_tensor)`` returning a model with the layer names used serves instead (a small convnet in tests).
SciPy is optional: without it (or with ``optimizer='gradient_descent'``) :func:`transfer` runs plain gradient
descent, each step ``step`` times the gradient divided by its mean absolute value.
"""

import os
import time

import numpy as np

from .visualization import save_png

__all__ = ["CONTENT_LAYER", "STYLE_LAYERS", "TOTAL_VARIATION_WEIGHT", "STYLE_WEIGHT", "CONTENT_WEIGHT",
           "content_loss", "gram_matrix", "style_loss", "total_variation_loss", "preprocess_image",
           "deprocess_image", "vgg19_network", "StyleTransfer", "build", "Evaluator", "transfer"]

# L9168-L9180
CONTENT_LAYER = "block5_conv2"
STYLE_LAYERS = ["block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1"]
TOTAL_VARIATION_WEIGHT = 1e-4
STYLE_WEIGHT = 1.
CONTENT_WEIGHT = 0.025
# VGG19's mean pixel in BGR order (caffe preprocessing), L9080-L9082
_MEAN_BGR = (103.939, 116.779, 123.68)


# -- the losses (Listings 8.18-8.20) -------------------------------------------------------------------------------

def content_loss(K, base, combination):
    """Listing 8.18: the sum of squared differences of two feature maps."""
    return K.sum(K.square(combination - base))


def gram_matrix(K, x):
    """Listing 8.19: the (channels, channels) inner products of the feature maps of an (h, w, channels) tensor."""
    features = K.batch_flatten(K.permute_dimensions(x, (2, 0, 1)))
    gram = K.dot(features, K.transpose(features))
    return gram


def style_loss(K, style, combination, img_height, img_width, channels=3):
    """Listing 8.19: ``sum((S - C) ** 2) / (4 * channels ** 2 * size ** 2)`` with S, C the Gram matrices and
    ``size = img_height * img_width`` (the image's, not the layer's; ``channels = 3``, L9142)."""
    S = gram_matrix(K, style)
    C = gram_matrix(K, combination)
    size = img_height * img_width
    return K.sum(K.square(S - C)) / (4. * (channels ** 2) * (size ** 2))


def total_variation_loss(K, x, img_height, img_width):
    """Listing 8.20: ``sum((a + b) ** 1.25)`` with a, b the squared differences to the pixel below and to the
    right, over the top-left (img_height - 1, img_width - 1) pixels of a (1, h, w, c) batch."""
    a = K.square(x[:, :img_height - 1, :img_width - 1, :] - x[:, 1:, :img_width - 1, :])
    b = K.square(x[:, :img_height - 1, :img_width - 1, :] - x[:, :img_height - 1, 1:, :])
    return K.sum(K.pow(a + b, 1.25))


# -- images (Listings 8.15-8.16) ---------------------------------------------------------------------------------

def preprocess_image(nn, img, img_height, img_width):
    """Listing 8.15: an image file path, or an (h, w, 3) array, resized to (img_height, img_width) with nearest
    neighbours (``load_img(path, target_size=...)``), as a float32 batch of one through VGG19's
    ``preprocess_input`` (RGB to BGR, minus the mean pixel)."""
    from PIL import Image

    from .convnets import _applications
    image = nn.preprocessing.image
    if isinstance(img, (str, os.PathLike)):
        img = image.load_img(img, target_size=(img_height, img_width))
    else:
        a = np.asarray(img)
        if a.ndim != 3 or a.shape[-1] != 3:
            raise ValueError(f"style_transfer.preprocess_image: expected an (h, w, 3) image, got shape {a.shape}")
        img = Image.fromarray(np.clip(a, 0, 255).astype("uint8")).resize((img_width, img_height), Image.NEAREST)
    img = image.img_to_array(img)
    img = np.expand_dims(img, axis=0)
    return _applications(nn).vgg19.preprocess_input(img)


def deprocess_image(x):
    """Listing 8.16: add the mean pixel back, BGR to RGB, clip to uint8; (h, w, 3). Works on a copy."""
    x = np.array(x, dtype=np.float64)
    x[:, :, 0] += _MEAN_BGR[0]
    x[:, :, 1] += _MEAN_BGR[1]
    x[:, :, 2] += _MEAN_BGR[2]
    x = x[:, :, ::-1]
    return np.clip(x, 0, 255).astype("uint8")


# -- the graph (Listings 8.17, 8.21, 8.22) -----------------------------------------------------------------------

def vgg19_network(nn, weights=None):
    """Listing 8.17's network: ``network(input_tensor)`` -> ``VGG19(input_tensor=input_tensor, weights=weights,
    include_top=False)``; ``weights`` None or a local Keras 2 weights file."""
    from .convnets import _applications

    def network(input_tensor):
        return _applications(nn).vgg19.VGG19(input_tensor=input_tensor, weights=weights, include_top=False)
    return network


class StyleTransfer:
    """What :func:`build` makes: ``model``, ``combination_image`` (the placeholder), ``loss``, ``grads`` and
    ``fetch_loss_and_grads`` (``K.function([combination_image], [loss, grads])``), the image size."""

    def __init__(self, **parts):
        self.__dict__.update(parts)


def build(nn, target_image, style_reference_image, network=None, content_layer=CONTENT_LAYER,
          style_layers=STYLE_LAYERS, total_variation_weight=TOTAL_VARIATION_WEIGHT, style_weight=STYLE_WEIGHT,
          content_weight=CONTENT_WEIGHT):
    """Listings 8.17 and 8.21-8.22 on two preprocessed (1, h, w, 3) batches of the same size: the batch of
    three, the network (default :func:`vgg19_network` with random weights), the total loss and its gradient
    with respect to the combination image."""
    K = nn.backend
    target_image = np.asarray(target_image, dtype="float32")
    style_reference_image = np.asarray(style_reference_image, dtype="float32")
    if target_image.ndim != 4 or target_image.shape[0] != 1 or target_image.shape != style_reference_image.shape:
        raise ValueError(f"style_transfer.build: expected two preprocessed batches of one image of the same shape "
                         f"(1, h, w, 3), got {target_image.shape} and {style_reference_image.shape}")
    img_height, img_width = target_image.shape[1:3]
    target_image = K.constant(target_image)
    style_reference_image = K.constant(style_reference_image)
    combination_image = K.placeholder((1, img_height, img_width, 3))
    input_tensor = K.concatenate([target_image, style_reference_image, combination_image], axis=0)
    model = (network or vgg19_network(nn))(input_tensor)

    outputs_dict = dict([(layer.name, layer.output) for layer in model.layers])
    missing = [name for name in [content_layer] + list(style_layers) if name not in outputs_dict]
    if missing:
        raise ValueError(f"style_transfer.build: the network has no layer(s) {', '.join(map(repr, missing))}")
    loss = K.variable(0.)
    layer_features = outputs_dict[content_layer]
    target_image_features = layer_features[0, :, :, :]
    combination_features = layer_features[2, :, :, :]
    loss += content_weight * content_loss(K, target_image_features, combination_features)
    for layer_name in style_layers:
        layer_features = outputs_dict[layer_name]
        style_reference_features = layer_features[1, :, :, :]
        combination_features = layer_features[2, :, :, :]
        sl = style_loss(K, style_reference_features, combination_features, img_height, img_width)
        loss += (style_weight / len(style_layers)) * sl
    loss += total_variation_weight * total_variation_loss(K, combination_image, img_height, img_width)

    grads = K.gradients(loss, combination_image)[0]
    fetch_loss_and_grads = K.function([combination_image], [loss, grads])
    return StyleTransfer(model=model, combination_image=combination_image, loss=loss, grads=grads,
                         fetch_loss_and_grads=fetch_loss_and_grads, img_height=img_height, img_width=img_width)


class Evaluator:
    """Listing 8.22: the loss and the gradient in one pass, handed to L-BFGS as two functions of the flat
    image (``loss`` computes both, ``grads`` returns the stored gradient as float64)."""

    def __init__(self, fetch_loss_and_grads, img_height, img_width):
        self.fetch_loss_and_grads = fetch_loss_and_grads
        self.img_height, self.img_width = img_height, img_width
        self.loss_value = None
        self.grad_values = None

    def loss(self, x):
        assert self.loss_value is None
        x = x.reshape((1, self.img_height, self.img_width, 3))
        outs = self.fetch_loss_and_grads([x])
        loss_value = outs[0]
        grad_values = outs[1].flatten().astype("float64")
        self.loss_value = loss_value
        self.grad_values = grad_values
        return self.loss_value

    def grads(self, x):
        assert self.loss_value is not None
        grad_values = np.copy(self.grad_values)
        self.loss_value = None
        self.grad_values = None
        return grad_values


def _scipy_lbfgs():
    try:
        from scipy.optimize import fmin_l_bfgs_b
    except ImportError:
        return None
    return fmin_l_bfgs_b


def transfer(built, x, iterations=20, maxfun=20, optimizer="lbfgs", step=1., out_dir=None,
             result_prefix="my_result", print_fn=print):
    """Listing 8.23: ``iterations`` rounds of ``fmin_l_bfgs_b(evaluator.loss, x, fprime=evaluator.grads,
    maxfun=maxfun)`` from ``x`` (the preprocessed target image, as the book), printing the loss and, with
    ``out_dir``, writing ``{result_prefix}_at_iteration_{i}.png`` after each round.

    ``optimizer='gradient_descent'`` (also what runs when SciPy is not installed) does ``maxfun`` steps per
    round of ``x -= step * g / mean(|g|)``. Returns (the final image as uint8 (h, w, 3), the loss after each
    round, the optimizer used)."""
    if optimizer not in ("lbfgs", "gradient_descent"):
        raise ValueError(f"style_transfer.transfer: optimizer must be 'lbfgs' or 'gradient_descent', got "
                         f"{optimizer!r}")
    fmin_l_bfgs_b = _scipy_lbfgs() if optimizer == "lbfgs" else None
    used = "lbfgs" if fmin_l_bfgs_b is not None else "gradient_descent"
    h, w = built.img_height, built.img_width
    evaluator = Evaluator(built.fetch_loss_and_grads, h, w)
    x = np.asarray(x, dtype=np.float64).flatten()
    losses = []
    for i in range(iterations):
        if print_fn is not None:
            print_fn("Start of iteration", i)
        start_time = time.time()
        if fmin_l_bfgs_b is not None:
            x, min_val, info = fmin_l_bfgs_b(evaluator.loss, x, fprime=evaluator.grads, maxfun=maxfun)
        else:
            for _ in range(maxfun):
                min_val = evaluator.loss(x)
                g = evaluator.grads(x)
                x = x - step * g / max(float(np.mean(np.abs(g))), 1e-12)
            min_val = evaluator.loss(x)
            evaluator.grads(x)
        losses.append(float(min_val))
        if print_fn is not None:
            print_fn("Current loss value:", min_val)
        img = deprocess_image(x.copy().reshape((h, w, 3)))
        if out_dir is not None:
            fname = os.path.join(out_dir, result_prefix + "_at_iteration_%d.png" % i)
            save_png(fname, img)
            if print_fn is not None:
                print_fn("Image saved as", fname)
        if print_fn is not None:
            print_fn("Iteration %d completed in %ds" % (i, time.time() - start_time))
    return deprocess_image(x.reshape((h, w, 3))), losses, used
