"""Pooling, padding, cropping and upsampling ops over channels_last tensors, and their VJPs.

Max pooling is a gather: ``max_pool_with_argmax`` finds the flat index of every window's first
maximum in row-major window order and returns ``x`` gathered there (in the same pass, while the
input is in cache). Its VJP is a scatter to the argmax and the scatter's VJP is a gather, so
gradients of every order work, and a tie always sends the whole gradient to the first maximum
(DESIGN §4; TensorFlow's CPU kernel does the same, cuDNN may not). Padded positions never win.

Average pooling divides by the number of valid elements of each window (TensorFlow's ``avg_pool``
excludes the 'same' padding); its VJP is its adjoint ``avg_pool_backward`` (g / count spread over
each window's valid elements), whose VJP is average pooling again.

Global pooling, zero padding, cropping and upsampling are compositions of existing ops (reductions,
``index_add`` / ``getitem``, ``broadcast_to`` / ``take``), so their VJPs come with them. Global max
pooling is ``K.max`` in Keras, so its ties split the gradient equally (the reduction's rule).
"""

__all__ = [
    "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "pool2d",
    "global_max_pool1d", "global_max_pool2d", "global_avg_pool1d", "global_avg_pool2d",
    "temporal_padding", "spatial_2d_padding", "cropping1d", "cropping2d", "upsampling1d", "resize_images",
]

import numpy as np

from .. import config
from ..tensor import Tensor
from . import elementwise as E
from . import index as I
from . import reduce as R
from . import shape as S
from .core import apply, apply_saving, as_tensor, tensors

# -- geometry (Keras conv_utils, TensorFlow's 'SAME') ----------------------------------------------


def normalize_tuple(value, n, name):
    """An int as ``(value,) * n``; otherwise a tuple of exactly ``n`` ints (Keras ``conv_utils``)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),) * n
    try:
        out = tuple(value)
    except TypeError:
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received: {value!r}") from None
    if len(out) != n or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in out):
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received: {value!r}")
    return tuple(int(v) for v in out)


def normalize_padding(value):
    """'valid' or 'same' (any case); pooling has no 'causal'."""
    padding = str(value).lower()
    if padding not in ("valid", "same"):
        raise ValueError(f'The `padding` argument of a pooling op must be "valid" or "same". Received: {value!r}')
    return padding


def normalize_data_format(value):
    """None means ``K.image_data_format()``; otherwise 'channels_last' or 'channels_first' (any case)."""
    data_format = config.image_data_format() if value is None else str(value).lower()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError('The `data_format` argument must be one of "channels_first", "channels_last". '
                         f"Received: {value!r}")
    return data_format


def pool_output_length(n, k, padding, s):
    """Output length along one axis (Keras ``conv_output_length`` without dilation): 'valid'
    ceil((n - k + 1) / s), 'same' ceil(n / s); None stays None."""
    if n is None:
        return None
    length = n if padding == "same" else n - k + 1
    return (length + s - 1) // s


def same_pads(n, k, s):
    """TensorFlow's 'same' padding (before, after): total max((out - 1) s + k - n, 0), extra at the end."""
    out = (n + s - 1) // s
    total = max((out - 1) * s + k - n, 0)
    return (total // 2, total - total // 2)


def _geometry(op, x, rank, pool_size, strides, padding):
    if x.ndim != rank + 2:
        axes = "steps" if rank == 1 else "rows, cols"
        raise ValueError(f"{op}: expected a tensor of rank {rank + 2} (batch, {axes}, channels), got shape {x.shape}")
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point tensor, got dtype {x.dtype}")
    pool_size = normalize_tuple(pool_size, rank, "pool_size")
    strides = pool_size if strides is None else normalize_tuple(strides, rank, "strides")
    if min(pool_size) < 1 or min(strides) < 1:
        raise ValueError(f"{op}: pool_size {pool_size} and strides {strides} must be positive")
    padding = normalize_padding(padding)
    spatial = x.shape[1:-1]
    for n, k, s in zip(spatial, pool_size, strides):
        if pool_output_length(n, k, padding, s) < 1:
            raise ValueError(f"{op}: a window of {pool_size} does not fit the input of spatial shape {spatial} "
                             f"with padding '{padding}' (the output would be empty)")
    pads = tuple(same_pads(n, k, s) if padding == "same" else (0, 0) for n, k, s in zip(spatial, pool_size, strides))
    return {"pool_size": pool_size, "strides": strides, "pads": pads}


def _geom(node):
    return {k: node.attrs[k] for k in ("pool_size", "strides", "pads")}


# -- max pooling: a gather at the argmax ---------------------------------------------------------------

def _max_pool(x, geom):
    (values,) = apply_saving("max_pool_with_argmax", [x], _max_pool_vjp, 1, **geom)
    return values


def _max_pool_vjp(n, g, _):
    return (_scatter(g, Tensor(n.saved[1]), n.inputs[0].shape, _geom(n)),)


def _gather(x, argmax, geom):
    return apply("max_pool_gather", [x, argmax], _gather_vjp, **geom)


def _gather_vjp(n, g):
    x, argmax = n.inputs
    return (_scatter(g, argmax, x.shape, _geom(n)), None)


def _scatter(g, argmax, shape, geom):
    """zeros(shape) with each window's g added at its argmax: the adjoint of the gather."""
    return apply("max_pool_scatter", [g, argmax], _scatter_vjp, shape=tuple(shape), **geom)


def _scatter_vjp(n, gg):
    return (_gather(gg, n.inputs[1], _geom(n)), None)


def max_pool1d(x, pool_size=2, strides=None, padding="valid"):
    """Max over windows of ``pool_size`` steps of (batch, steps, channels); strides default to pool_size."""
    (x,) = tensors(x)
    return _max_pool(x, _geometry("max_pool1d", x, 1, pool_size, strides, padding))


def max_pool2d(x, pool_size=(2, 2), strides=None, padding="valid"):
    """Max over windows of (batch, rows, cols, channels); strides default to pool_size."""
    (x,) = tensors(x)
    return _max_pool(x, _geometry("max_pool2d", x, 2, pool_size, strides, padding))


# -- average pooling ---------------------------------------------------------------------------------

def _avg_pool(x, geom):
    return apply("avg_pool", [x], _avg_pool_vjp, **geom)


def _avg_pool_vjp(n, g):
    return (_avg_pool_backward(g, n.inputs[0].shape, _geom(n)),)


def _avg_pool_backward(g, shape, geom):
    """The adjoint of average pooling: g / count spread over each window's valid elements."""
    return apply("avg_pool_backward", [g], _avg_pool_backward_vjp, shape=tuple(shape), **geom)


def _avg_pool_backward_vjp(n, gg):
    return (_avg_pool(gg, _geom(n)),)


def avg_pool1d(x, pool_size=2, strides=None, padding="valid"):
    """Mean over windows of (batch, steps, channels); 'same' padding is excluded from each mean."""
    (x,) = tensors(x)
    return _avg_pool(x, _geometry("avg_pool1d", x, 1, pool_size, strides, padding))


def avg_pool2d(x, pool_size=(2, 2), strides=None, padding="valid"):
    """Mean over windows of (batch, rows, cols, channels); 'same' padding is excluded from each mean."""
    (x,) = tensors(x)
    return _avg_pool(x, _geometry("avg_pool2d", x, 2, pool_size, strides, padding))


def _to_channels_last(x, data_format):
    return S.transpose(x, (0,) + tuple(range(2, x.ndim)) + (1,)) if data_format == "channels_first" else x


def _from_channels_last(x, data_format):
    return S.transpose(x, (0, x.ndim - 1) + tuple(range(1, x.ndim - 1))) if data_format == "channels_first" else x


def pool2d(x, pool_size, strides=(1, 1), padding="valid", data_format=None, pool_mode="max"):
    """Keras ``K.pool2d``: max or average pooling in either data format (strides default to 1 here)."""
    (x,) = tensors(x)
    data_format = normalize_data_format(data_format)
    if pool_mode not in ("max", "avg"):
        raise ValueError(f"Invalid pool_mode: {pool_mode!r}")
    fn = max_pool2d if pool_mode == "max" else avg_pool2d
    return _from_channels_last(fn(_to_channels_last(x, data_format), pool_size, strides, padding), data_format)


# -- global pooling (Keras K.max / K.mean over the spatial axes) ------------------------------------------

def _check_rank(op, x, rank):
    if x.ndim != rank:
        raise ValueError(f"{op}: expected a tensor of rank {rank}, got shape {x.shape}")


def global_max_pool1d(x):
    """(batch, steps, channels) -> (batch, channels): the maximum over the steps."""
    (x,) = tensors(x)
    _check_rank("global_max_pool1d", x, 3)
    return R.max(x, axis=1)


def global_max_pool2d(x):
    """(batch, rows, cols, channels) -> (batch, channels): the maximum over rows and cols."""
    (x,) = tensors(x)
    _check_rank("global_max_pool2d", x, 4)
    return R.max(x, axis=(1, 2))


def global_avg_pool1d(x):
    (x,) = tensors(x)
    _check_rank("global_avg_pool1d", x, 3)
    return R.mean(x, axis=1)


def global_avg_pool2d(x):
    (x,) = tensors(x)
    _check_rank("global_avg_pool2d", x, 4)
    return R.mean(x, axis=(1, 2))


# -- zero padding and cropping: index_add into zeros / slicing, adjoint to each other -----------------------

def _pairs(padding, rank, name):
    """((before, after), ...) per spatial axis, non-negative."""
    pairs = tuple(normalize_tuple(p, 2, name) for p in padding)
    if len(pairs) != rank or any(v < 0 for p in pairs for v in p):
        raise ValueError(f"`{name}` must be {rank} pairs of non-negative integers. Received: {padding!r}")
    return pairs


def _spatial_axes(rank, data_format):
    return tuple(range(2, 2 + rank)) if data_format == "channels_first" else tuple(range(1, 1 + rank))


def _zero_pad(x, pairs, axes):
    shape = list(x.shape)
    index = [slice(None)] * x.ndim
    for (before, after), axis in zip(pairs, axes):
        index[axis] = slice(before, before + x.shape[axis])
        shape[axis] += before + after
    return I.index_add(x, tuple(index), tuple(shape))


def _crop(x, pairs, axes, op):
    index = [slice(None)] * x.ndim
    for (start, end), axis in zip(pairs, axes):
        if start + end >= x.shape[axis]:
            raise ValueError(f"{op}: cropping {(start, end)} leaves nothing of axis {axis} of shape {x.shape}")
        index[axis] = slice(start, x.shape[axis] - end)
    return I.getitem(x, tuple(index))


def temporal_padding(x, padding=(1, 1)):
    """Keras ``K.temporal_padding``: zeros added before/after the steps of (batch, steps, channels)."""
    (x,) = tensors(x)
    _check_rank("temporal_padding", x, 3)
    return _zero_pad(x, _pairs([padding], 1, "padding"), (1,))


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    """Keras ``K.spatial_2d_padding``: ((top, bottom), (left, right)) rows/cols of zeros."""
    (x,) = tensors(x)
    _check_rank("spatial_2d_padding", x, 4)
    return _zero_pad(x, _pairs(padding, 2, "padding"), _spatial_axes(2, normalize_data_format(data_format)))


def cropping1d(x, cropping=(1, 1)):
    """Remove ``cropping`` = (start, end) steps of (batch, steps, channels) (Keras ``Cropping1D``)."""
    (x,) = tensors(x)
    _check_rank("cropping1d", x, 3)
    return _crop(x, _pairs([cropping], 1, "cropping"), (1,), "cropping1d")


def cropping2d(x, cropping=((0, 0), (0, 0)), data_format=None):
    """Remove ((top, bottom), (left, right)) rows/cols (Keras ``Cropping2D``)."""
    (x,) = tensors(x)
    _check_rank("cropping2d", x, 4)
    return _crop(x, _pairs(cropping, 2, "cropping"), _spatial_axes(2, normalize_data_format(data_format)),
                 "cropping2d")


# -- upsampling ------------------------------------------------------------------------------------------

def _repeat(x, axes, factors):
    """Nearest-neighbour upsampling: every element along ``axes`` repeated ``factors`` times (broadcast)."""
    split, wide, out = [], [], []
    for i, d in enumerate(x.shape):
        if i in axes:
            f = factors[axes.index(i)]
            split += [d, 1]
            wide += [d, f]
            out.append(d * f)
        else:
            split.append(d)
            wide.append(d)
            out.append(d)
    return S.reshape(S.broadcast_to(S.reshape(x, split), wide), out)


def upsampling1d(x, size=2):
    """Every step of (batch, steps, channels) repeated ``size`` times (Keras ``K.repeat_elements`` on axis 1)."""
    (x,) = tensors(x)
    _check_rank("upsampling1d", x, 3)
    size = int(size)
    if size < 1:
        raise ValueError(f"upsampling1d: size must be a positive integer, got {size}")
    return _repeat(x, (1,), (size,))


def _lerp_axis(x, axis, n, factor):
    """TensorFlow 1's ``resize_bilinear`` along one axis (align_corners=False, no half-pixel centres):
    output i reads input i / factor, between floor(i / factor) and the next element (clamped)."""
    i = np.arange(n * factor)
    lo, hi = i // factor, np.minimum(i // factor + 1, n - 1)
    shape = [1] * x.ndim
    shape[axis] = n * factor
    frac = as_tensor((i % factor / factor).reshape(shape).astype(x.dtype), like=x)
    a, b = I.take(x, lo, axis), I.take(x, hi, axis)
    return E.add(a, E.multiply(E.subtract(b, a), frac))


def resize_images(x, height_factor, width_factor, data_format=None, interpolation="nearest"):
    """Keras ``K.resize_images``: rows and cols scaled by integer factors, 'nearest' (repetition) or
    'bilinear' (TensorFlow 1's ``resize_bilinear``: source coordinate i / factor, no half-pixel centres)."""
    (x,) = tensors(x)
    _check_rank("resize_images", x, 4)
    data_format = normalize_data_format(data_format)
    factors = (int(height_factor), int(width_factor))
    if min(factors) < 1:
        raise ValueError(f"resize_images: factors must be positive integers, got {factors}")
    rows, cols = _spatial_axes(2, data_format)
    if interpolation == "nearest":
        return _repeat(x, (rows, cols), factors)
    if interpolation == "bilinear":
        # across the columns first, then the rows (TensorFlow's order of the two interpolations)
        x = _lerp_axis(x, cols, x.shape[cols], factors[1])
        return _lerp_axis(x, rows, x.shape[rows], factors[0])
    raise ValueError('interpolation should be one of "nearest" or "bilinear".')
