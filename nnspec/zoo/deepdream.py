"""DeepDream, DLwP 8.2 (Listings 8.8-8.13, L8717-L8946), as the book writes it, on any conv base.

The book maximises, by gradient ascent on the image, a weighted sum over chosen layers of the squared
activations away from the borders, each divided by the layer activation's size (:func:`dream_loss`); the
gradient is divided by its mean absolute value (:func:`fetch_loss_and_grads`). It runs at ``num_octave``
scales, each ``octave_scale`` times larger, and after each scale re-injects the detail that shrinking the
original lost (:func:`deep_dream`). The book's network is InceptionV3 (``weights='imagenet'``,
``include_top=False``) with ``mixed2``..``mixed5``; here any model with those (or other) layer names serves:
InceptionV3 with ``weights=None`` or a local HDF5 file (:func:`inception_base`), or a small convnet in tests.

Differences from the listing: ``resize_img`` is the book's ``scipy.ndimage.zoom(img, factors, order=1)``
written in NumPy (:func:`resize_img`, the same linear interpolation; SciPy is not needed); images are written
as PNG atomically (``scipy.misc.imsave`` is gone from SciPy); ``K.set_learning_phase(0)`` is not set globally
(``K.function`` already runs layers in inference mode); the loop prints through ``print_fn``.
"""

import os

import numpy as np

from .visualization import save_png

__all__ = ["LAYER_CONTRIBUTIONS", "inception_base", "preprocess_image", "deprocess_image", "dream_loss",
           "fetch_loss_and_grads", "gradient_ascent", "resize_img", "octave_shapes", "deep_dream"]

# L8755-L8760
LAYER_CONTRIBUTIONS = {"mixed2": 0.2, "mixed3": 3., "mixed4": 2., "mixed5": 1.5}


def inception_base(nn, weights=None):
    """Listing 8.8 (L8733-L8734): ``InceptionV3(weights=..., include_top=False)``; ``weights`` None (random
    glorot kernels) or the path of a local Keras 2 weights file (no download)."""
    from .convnets import _applications
    return _applications(nn).InceptionV3(weights=weights, include_top=False)


def preprocess_image(nn, img):
    """Listing 8.13's ``preprocess_image`` on an image array (h, w, 3) or a file path: to float32, a batch of
    one, InceptionV3's ``preprocess_input`` (x / 127.5 - 1)."""
    from .convnets import _applications
    image = nn.preprocessing.image
    if isinstance(img, (str, os.PathLike)):
        img = image.img_to_array(image.load_img(img))
    img = np.asarray(img, dtype="float32")
    if img.ndim != 3:
        raise ValueError(f"deepdream.preprocess_image: expected an (h, w, channels) image, got shape {img.shape}")
    img = np.expand_dims(img, axis=0)
    return _applications(nn).inception_v3.preprocess_input(img)


def deprocess_image(x):
    """Listing 8.13's ``deprocess_image`` (channels_last): (1, h, w, c) -> (h, w, c) (the book: c = 3), x / 2 +
    0.5, times 255, clipped to uint8 (the inverse of InceptionV3's preprocessing). Works on a copy."""
    x = np.array(x, dtype=np.float64)
    x = x.reshape((x.shape[1], x.shape[2], x.shape[3]))
    x /= 2.
    x += 0.5
    x *= 255.
    return np.clip(x, 0, 255).astype("uint8")


def dream_loss(nn, model, layer_contributions=None):
    """Listing 8.10: the sum over ``layer_contributions`` ({layer name: coefficient}) of coefficient times the
    sum of the squared activations without a 2-pixel border, divided by the number of activation values
    (``K.prod(K.cast(K.shape(activation), 'float32'))``, the whole batch included). A KerasTensor."""
    K = nn.backend
    layer_contributions = LAYER_CONTRIBUTIONS if layer_contributions is None else layer_contributions
    layer_dict = dict([(layer.name, layer) for layer in model.layers])
    missing = [name for name in layer_contributions if name not in layer_dict]
    if missing:
        raise ValueError(f"dream_loss: the model has no layer(s) {', '.join(map(repr, missing))}; its layers are "
                         f"{', '.join(layer_dict)}")
    loss = K.variable(0.)
    for layer_name in layer_contributions:
        coeff = layer_contributions[layer_name]
        activation = layer_dict[layer_name].output
        if len(activation.shape) != 4:
            raise ValueError(f"dream_loss: layer {layer_name!r} must give a 4-D feature map (batch, h, w, c), "
                             f"got shape {activation.shape}")
        scaling = K.prod(K.cast(K.shape(activation), "float32"))
        loss += coeff * K.sum(K.square(activation[:, 2:-2, 2:-2, :])) / scaling
    return loss


def fetch_loss_and_grads(nn, model, layer_contributions=None):
    """Listing 8.11: ``K.function([dream], [loss, grads])`` with ``dream = model.input`` and the gradient
    divided by ``K.maximum(K.mean(K.abs(grads)), 1e-7)``."""
    K = nn.backend
    loss = dream_loss(nn, model, layer_contributions)
    dream = model.input
    grads = K.gradients(loss, dream)[0]
    grads /= K.maximum(K.mean(K.abs(grads)), 1e-7)
    outputs = [loss, grads]
    return K.function([dream], outputs)


def gradient_ascent(fetch, x, iterations, step, max_loss=None, print_fn=print):
    """Listing 8.11's loop: ``iterations`` times, stop if the loss exceeds ``max_loss``, else ``x += step *
    grad_values``. Updates ``x`` in place; returns it with the loss values computed (the last one may be the
    one that stopped the loop)."""
    losses = []
    for i in range(iterations):
        loss_value, grad_values = fetch([x])
        losses.append(float(loss_value))
        if max_loss is not None and loss_value > max_loss:
            break
        if print_fn is not None:
            print_fn("...Loss value at", i, ":", loss_value)
        x += step * grad_values
    return x, losses


def _linear_axis(n_in, n_out):
    """Indices and weights of order-1 spline zoom along one axis (scipy.ndimage.zoom, grid_mode=False): output
    pixel o samples input coordinate o * (n_in - 1) / (n_out - 1)."""
    if n_out == 1 or n_in == 1:
        coords = np.zeros(n_out)
    else:
        coords = np.arange(n_out) * ((n_in - 1) / (n_out - 1))
    lo = np.minimum(np.floor(coords).astype(np.int64), n_in - 1)
    hi = np.minimum(lo + 1, n_in - 1)
    return lo, hi, coords - lo


def resize_img(img, size):
    """Listing 8.13's ``resize_img``: a (1, h, w, c) batch to (1, size[0], size[1], c) by linear interpolation
    along height and width (the book's ``scipy.ndimage.zoom(img, (1, f_h, f_w, 1), order=1)``). A new array."""
    img = np.asarray(img)
    if img.ndim != 4:
        raise ValueError(f"resize_img: expected a (1, h, w, channels) batch, got shape {img.shape}")
    out = img.astype(np.float64) if img.dtype.kind != "f" else img.copy()
    for axis, n_out in ((1, int(size[0])), (2, int(size[1]))):
        if n_out < 1:
            raise ValueError(f"resize_img: sizes must be positive, got {tuple(size)}")
        lo, hi, w = _linear_axis(out.shape[axis], n_out)
        shape = [1] * out.ndim
        shape[axis] = n_out
        w = w.reshape(shape)
        out = np.take(out, lo, axis=axis) * (1 - w) + np.take(out, hi, axis=axis) * w
    return out.astype(img.dtype) if img.dtype.kind == "f" else out


def octave_shapes(original_shape, num_octave=3, octave_scale=1.4):
    """L8860-L8866: the original (h, w) and ``num_octave - 1`` shapes each ``octave_scale`` times smaller
    (``int(dim / octave_scale ** i)``), smallest first."""
    successive_shapes = [tuple(original_shape)]
    for i in range(1, num_octave):
        shape = tuple([int(dim / (octave_scale ** i)) for dim in original_shape])
        successive_shapes.append(shape)
    return successive_shapes[::-1]


def deep_dream(nn, model, img, layer_contributions=None, step=0.01, num_octave=3, octave_scale=1.4, iterations=20,
               max_loss=10., out_dir=None, print_fn=print):
    """Listing 8.12: DeepDream of ``img`` (a preprocessed (1, h, w, 3) batch, :func:`preprocess_image`) with the
    book's defaults. At each scale, smallest first: resize, gradient ascent, then add the lost detail
    (``same_size_original - upscaled_shrunk_original_img``). With ``out_dir`` it writes
    ``dream_at_scale_(h, w).png`` per scale and ``final_dream.png`` there. Returns (the dreamed batch, {shape:
    list of loss values})."""
    img = np.asarray(img, dtype="float32")
    if img.ndim != 4 or img.shape[0] != 1:
        raise ValueError(f"deep_dream: expected a preprocessed batch of one image (1, h, w, c), got shape "
                         f"{img.shape}")
    fetch = fetch_loss_and_grads(nn, model, layer_contributions)
    original_shape = img.shape[1:3]
    successive_shapes = octave_shapes(original_shape, num_octave, octave_scale)
    original_img = np.copy(img)
    shrunk_original_img = resize_img(img, successive_shapes[0])
    losses = {}
    for shape in successive_shapes:
        if print_fn is not None:
            print_fn("Processing image shape", shape)
        img = resize_img(img, shape)
        img, losses[shape] = gradient_ascent(fetch, img, iterations=iterations, step=step, max_loss=max_loss,
                                             print_fn=print_fn)
        upscaled_shrunk_original_img = resize_img(shrunk_original_img, shape)
        same_size_original = resize_img(original_img, shape)
        lost_detail = same_size_original - upscaled_shrunk_original_img
        img += lost_detail
        shrunk_original_img = resize_img(original_img, shape)
        if out_dir is not None:
            save_png(os.path.join(out_dir, "dream_at_scale_" + str(shape) + ".png"), deprocess_image(img))
    if out_dir is not None:
        save_png(os.path.join(out_dir, "final_dream.png"), deprocess_image(img))
    return img, losses
