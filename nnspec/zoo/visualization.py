"""What convnets learn, by gradients with respect to inputs: DLwP 5.4 and DATA 2040 §3.2, as the books write it.

Every function takes the implementation ``nn`` first (``nnspec.reference`` or ``nnspec.accel``) and uses its
backend ``K = nn.backend`` exactly as the listings do (``K.gradients`` on a layer's output, ``K.function``):

* :func:`channel_image` / :func:`activation_grid`: the display post-processing of intermediate activations
  (Listing 5.44; the activation model itself is ``nnspec.zoo.convnets.cats_dogs_activations``);
* :func:`deprocess_image`, :func:`filter_loss_and_grads`, :func:`gradient_ascent`, :func:`generate_pattern`,
  :func:`pattern_grid`: filter visualisation by gradient ascent on the input (Listings 5.46-5.52);
* :func:`grad_cam` and :func:`superimpose_heatmap`: the class activation heatmap (Listings 5.58-5.60);
* :func:`logits_model`, :func:`saliency`, :func:`saliency_image`, :func:`saliency_magnitude`: gradient
  attribution of the lecture notes (attribution.ipynb, L942-L972) and its usual magnitude map.

Images that ship with a package (:func:`sample_image`: scikit-learn's two sample photographs) and a PNG writer
(:func:`save_png`, atomic) serve the DeepDream and style-transfer runs too.
"""

import io

import numpy as np

from ..fileio import atomic_write

__all__ = ["deprocess_image", "channel_image", "activation_grid", "filter_loss_and_grads", "gradient_ascent",
           "generate_pattern", "pattern_grid", "grad_cam", "jet", "superimpose_heatmap", "logits_model",
           "saliency", "saliency_image", "saliency_magnitude", "sample_image", "SampleImageUnavailable",
           "save_png"]


# -- intermediate activations (Listing 5.44) -----------------------------------------------------------------------

def channel_image(channel):
    """One channel of an activation, made visually palatable (L4921-L4926): centre, divide by the standard
    deviation, times 64 plus 128, clipped to uint8. A constant channel (std 0, which the book would turn into
    NaN) is mid-grey."""
    x = np.array(channel, dtype=np.float64)
    x -= x.mean()
    std = x.std()
    if std > 0:
        x /= std
    x *= 64
    x += 128
    return np.clip(x, 0, 255).astype("uint8")


def activation_grid(layer_activation, images_per_row=16):
    """Listing 5.44's display grid of one layer's activation ``(1, size, size, n_features)``: ``n_features //
    images_per_row`` rows of ``images_per_row`` channels, channel ``col * images_per_row + row`` at grid row
    ``col``, column ``row`` (the book's names); a (size * n_cols, images_per_row * size) uint8 array."""
    layer_activation = np.asarray(layer_activation)
    if layer_activation.ndim != 4 or layer_activation.shape[0] < 1:
        raise ValueError(f"activation_grid: expected an activation of shape (1, size, size, n_features), got "
                         f"shape {layer_activation.shape}")
    n_features = layer_activation.shape[-1]
    size = layer_activation.shape[1]
    n_cols = n_features // images_per_row
    display_grid = np.zeros((size * n_cols, images_per_row * size), dtype="uint8")
    for col in range(n_cols):
        for row in range(images_per_row):
            display_grid[col * size: (col + 1) * size, row * size: (row + 1) * size] = channel_image(
                layer_activation[0, :, :, col * images_per_row + row])
    return display_grid


# -- filter visualisation (Listings 5.46-5.52) --------------------------------------------------------------------

def deprocess_image(x):
    """Listing 5.50: centre, scale the standard deviation to 0.1, shift to 0.5, clip to [0, 1], times 255 as
    uint8. Works on a float64 copy (the book mutates its argument)."""
    x = np.array(x, dtype=np.float64)
    x -= x.mean()
    x /= (x.std() + 1e-5)
    x *= 0.1
    x += 0.5
    x = np.clip(x, 0, 1)
    x *= 255
    return np.clip(x, 0, 255).astype("uint8")


def _layer(model, layer_name, who):
    try:
        return model.get_layer(layer_name)
    except ValueError:
        names = ", ".join(layer.name for layer in model.layers)
        raise ValueError(f"{who}: the model has no layer {layer_name!r}; its layers are {names}") from None


def filter_loss_and_grads(nn, model, layer_name, filter_index):
    """Listings 5.46-5.49: ``K.function([model.input], [loss, grads])`` where loss is the mean activation of
    filter ``filter_index`` of layer ``layer_name`` and grads its gradient with respect to the input picture,
    divided by its RMS plus 1e-5 (the book calls it the L2 norm, L4999)."""
    K = nn.backend
    layer_output = _layer(model, layer_name, "filter_loss_and_grads").output
    filters = layer_output.shape[-1]
    if not 0 <= filter_index < filters:
        raise ValueError(f"filter_loss_and_grads: filter_index must be in [0, {filters}) for layer {layer_name!r}, "
                         f"got {filter_index}")
    loss = K.mean(layer_output[:, :, :, filter_index])
    grads = K.gradients(loss, model.input)[0]
    grads /= (K.sqrt(K.mean(K.square(grads))) + 1e-5)
    return K.function([model.input], [loss, grads])


def gradient_ascent(iterate, x, steps=40, step=1.):
    """Listing 5.49's loop: ``steps`` times ``x += grads_value * step`` with ``loss_value, grads_value =
    iterate([x])``. Updates ``x`` (a float array) in place and returns it with the loss values seen."""
    losses = []
    for _ in range(steps):
        loss_value, grads_value = iterate([x])
        losses.append(float(loss_value))
        x += grads_value * step
    return x, losses


def generate_pattern(nn, model, layer_name, filter_index, size=150, steps=40, step=1., rng=None):
    """Listing 5.51: the input that maximises filter ``filter_index`` of ``layer_name``, by ``steps`` gradient
    ascent steps from a grey image with noise (``random((1, size, size, 3)) * 20 + 128``; ``rng`` a NumPy
    Generator, else NumPy's global generator as the book), deprocessed to a (size, size, 3) uint8 image."""
    channels = model.input.shape[-1]
    iterate = filter_loss_and_grads(nn, model, layer_name, filter_index)
    random = np.random.random if rng is None else rng.random
    input_img_data = random((1, size, size, channels)) * 20 + 128.
    input_img_data, _ = gradient_ascent(iterate, input_img_data, steps, step)
    img = input_img_data[0]
    return deprocess_image(img)


def pattern_grid(nn, model, layer_name, size=64, margin=5, n=8, **kwargs):
    """Listing 5.52: the patterns of the first ``n * n`` filters of ``layer_name`` on an n x n grid with
    ``margin`` black pixels between them; filter ``i + j * n`` at grid row ``i``, column ``j`` (the book's
    loop). ``kwargs`` go to :func:`generate_pattern`. A float64 array as the book's ``results``."""
    channels = model.input.shape[-1]
    results = np.zeros((n * size + (n - 1) * margin, n * size + (n - 1) * margin, channels))
    for i in range(n):
        for j in range(n):
            filter_img = generate_pattern(nn, model, layer_name, i + (j * n), size=size, **kwargs)
            horizontal_start = i * size + i * margin
            vertical_start = j * size + j * margin
            results[horizontal_start: horizontal_start + size, vertical_start: vertical_start + size, :] = filter_img
    return results


# -- Grad-CAM (Listings 5.58-5.60) -------------------------------------------------------------------------------

def grad_cam(nn, model, x, class_index, last_conv_layer_name):
    """Listings 5.58-5.59: the gradient of ``model.output[:, class_index]`` with respect to the output feature
    map of ``last_conv_layer_name``, averaged over batch, height and width per channel (``pooled_grads``); each
    channel of the map of the first image weighted by it, averaged over channels, ReLU'd and divided by its
    maximum (an all-zero map stays zero, where the book would divide by 0). Returns (heatmap, pooled_grads,
    conv_layer_output_value), the heatmap of shape (h, w) in [0, 1]."""
    K = nn.backend
    classes = model.output.shape[-1]
    if not 0 <= class_index < classes:
        raise ValueError(f"grad_cam: class_index must be in [0, {classes}), got {class_index}")
    class_output = model.output[:, class_index]
    last_conv_layer = _layer(model, last_conv_layer_name, "grad_cam")
    grads = K.gradients(class_output, last_conv_layer.output)[0]
    pooled_grads = K.mean(grads, axis=(0, 1, 2))
    iterate = K.function([model.input], [pooled_grads, last_conv_layer.output[0]])
    pooled_grads_value, conv_layer_output_value = iterate([x])
    for i in range(pooled_grads_value.shape[0]):
        conv_layer_output_value[:, :, i] *= pooled_grads_value[i]
    heatmap = np.mean(conv_layer_output_value, axis=-1)
    heatmap = np.maximum(heatmap, 0)
    top = np.max(heatmap)
    if top > 0:
        heatmap /= top
    return heatmap, pooled_grads_value, conv_layer_output_value


def jet(values):
    """The jet colour map on [0, 1] as RGB floats in [0, 1] (the piecewise-linear jet; OpenCV's COLORMAP_JET,
    which the book uses, is a lookup table of the same shape)."""
    v = np.asarray(values, dtype=np.float64)[..., None]
    centres = np.array([3., 2., 1.])  # red, green, blue peak at 3/4, 1/2, 1/4
    return np.clip(1.5 - np.abs(4 * v - centres), 0, 1)


def superimpose_heatmap(img, heatmap, intensity=0.4):
    """Listing 5.60: the heatmap resized to the image (bilinear), as uint8, coloured with :func:`jet`, times
    ``intensity`` plus the image; float64 (the book writes it with cv2.imwrite, which clips)."""
    from PIL import Image
    img = np.asarray(img)
    resized = np.asarray(Image.fromarray(np.asarray(heatmap, dtype=np.float32)).resize(
        (img.shape[1], img.shape[0]), Image.BILINEAR), dtype=np.float64)
    heatmap_u8 = np.uint8(np.clip(255 * resized, 0, 255))
    coloured = np.round(255 * jet(heatmap_u8 / 255.))
    return coloured * intensity + img


# -- attribution (DATA 2040 §3.2.1, attribution.ipynb) -----------------------------------------------------------

def logits_model(nn, model):
    """L942-L946: the last layer's activation swapped for linear and the layer called again on the previous
    layer's output, so gradients are of logits ("softmax entangles the class activations", L940)."""
    last_layer = model.layers[-1]
    last_layer.activation = nn.activations.linear
    return nn.models.Model(inputs=model.input, outputs=last_layer(model.layers[-2].output))


def saliency(nn, model, img_array, class_index=None):
    """L950-L964: the gradient of the output ``[0, class]`` with respect to the input, for the predicted class
    (``argmax(model.predict(img_array))``) unless ``class_index`` is given; the (h, w, c) array of the first
    image. Returns (saliency_array, class_index).

    The notes write ``model.layers[-1].output``; after :func:`logits_model` that layer has two nodes (softmax
    and linear), which Keras 2 refuses as ambiguous, so this reads ``model.output``, the logits node."""
    K = nn.backend
    if class_index is None:
        class_index = int(np.argmax(model.predict(img_array)[0]))
    grad = K.gradients(model.output[0, class_index], model.inputs[0])
    grad_func = K.function(model.inputs, grad)
    return grad_func([img_array])[0][0, ...], class_index


def saliency_image(saliency_array):
    """L968-L972: min-max normalised to [0, 1], times 255 as uint8 (a constant array maps to 0)."""
    s = np.array(saliency_array, dtype=np.float64)
    s -= np.min(s)
    top = np.max(s)
    if top > 0:
        s /= top
    return (255 * s).astype("uint8")


def saliency_magnitude(saliency_array):
    """|d score / d input|, the largest over the channels: the saliency map of Simonyan et al. (2013), (h, w)."""
    return np.max(np.abs(np.asarray(saliency_array)), axis=-1)


# -- package images and PNG files --------------------------------------------------------------------------------

class SampleImageUnavailable(RuntimeError):
    """No package that ships the sample photographs (scikit-learn) is installed."""


def sample_image(name="china.jpg", size=None):
    """One of the photographs scikit-learn ships (``china.jpg``, ``flower.jpg``; 427 x 640 RGB), as uint8
    (h, w, 3); ``size=(height, width)`` resizes it (bilinear). Raises :class:`SampleImageUnavailable` saying
    what to install when scikit-learn is missing."""
    try:
        from sklearn.datasets import load_sample_image
    except ImportError:
        raise SampleImageUnavailable("sample_image: the sample photographs ship with scikit-learn, which is not "
                                     "installed (pip install scikit-learn)") from None
    img = load_sample_image(name)
    if size is not None:
        from PIL import Image
        img = np.asarray(Image.fromarray(img).resize((int(size[1]), int(size[0])), Image.BILINEAR))
    return img


def save_png(path, image):
    """Write an (h, w), (h, w, 1) or (h, w, 3) image (uint8, or floats clipped to [0, 255]) as a PNG file,
    atomically; returns the path."""
    from PIL import Image
    a = np.asarray(image)
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[-1] != 3):
        raise ValueError(f"save_png: expected an (h, w) or (h, w, 3) image, got shape {a.shape}")
    if a.dtype != np.uint8:
        a = np.clip(a, 0, 255).astype("uint8")
    buffer = io.BytesIO()
    Image.fromarray(a).save(buffer, format="PNG")
    atomic_write(path, buffer.getvalue())
    return path
