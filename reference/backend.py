"""``nnspec.backend``: the Keras 2 backend functions the books call as ``K``.

Thin Keras-named wrappers over ``nnspec.reference.ops``; every function accepts tensors, NumPy
(or CuPy) arrays and Python numbers, and is differentiable where the math is.
"""

import numpy as np

from . import ops
from .config import epsilon, floatx, image_data_format, set_epsilon, set_floatx, set_image_data_format
from .namespace import binds_impl
from .ops import (
    abs,
    all,
    any,
    argmax,
    argmin,
    binary_crossentropy,
    cast,
    categorical_crossentropy,
    clip,
    concatenate,
    conv1d,
    conv2d,
    conv2d_transpose,
    depthwise_conv2d,
    dot,
    elu,
    equal,
    exp,
    expand_dims,
    greater,
    greater_equal,
    hard_sigmoid,
    in_top_k,
    less,
    less_equal,
    log,
    logsumexp,
    max,
    maximum,
    mean,
    min,
    minimum,
    not_equal,
    ones_like,
    pool2d,
    prod,
    reshape,
    resize_images,
    round,
    separable_conv1d,
    separable_conv2d,
    sigmoid,
    sign,
    softmax,
    softplus,
    softsign,
    sparse_categorical_crossentropy,
    spatial_2d_padding,
    sqrt,
    square,
    squeeze,
    stack,
    stop_gradient,
    sum,
    tanh,
    temporal_padding,
    zeros_like,
)
from .ops.symbolic_dispatch import traceable
from .tensor import Tensor, Variable, constant


def gradients(loss, variables, grad_ys=None):
    """``K.gradients``: of tensors (recorded, so differentiable again), or of KerasTensors (a graph node that
    ``K.function`` or a model step evaluates); see engine/symbolic.py."""
    from .engine.symbolic import gradients as symbolic_gradients
    return symbolic_gradients(loss, variables, grad_ys)


def function(inputs, outputs, updates=None, **kwargs):
    """``K.function(inputs, outputs)``: a callable taking a list of arrays, returning a list of NumPy arrays."""
    from .engine.symbolic import Function
    return Function(inputs, outputs, updates=updates, **kwargs)


@binds_impl
def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None, impl=None):
    """``K.placeholder``: a symbolic input of the full shape given."""
    from .engine.symbolic import placeholder as symbolic_placeholder
    return symbolic_placeholder(shape, ndim, dtype, sparse, name, impl=impl)


@binds_impl
def variable(value, dtype=None, name=None, constraint=None, impl=None):
    """A trainable variable holding ``value``, of dtype ``dtype`` (default floatx)."""
    return Variable(value, dtype=dtype or floatx(), name=name, constraint=constraint, impl=impl)


@binds_impl
def zeros(shape, dtype=None, name=None, impl=None):
    return Variable(ops.zeros(shape, dtype, impl=impl), name=name)


@binds_impl
def ones(shape, dtype=None, name=None, impl=None):
    return Variable(ops.ones(shape, dtype, impl=impl), name=name)


def is_tensor(x):
    return isinstance(x, Tensor)


@traceable
def shape(x):
    """The shape as a 1-D int64 tensor (Keras K.shape; static here: every tensor has concrete sizes). On a
    KerasTensor it is a graph node, so unknown sizes (DeepDream's any-size image) are those of the data."""
    return constant(np.asarray(x.shape, dtype=np.int64), impl=x.impl if isinstance(x, Tensor) else None)


def int_shape(x):
    """The shape as a tuple of ints."""
    return tuple(x.shape)


def ndim(x):
    return len(x.shape)


def dtype(x):
    return np.dtype(x.dtype).name


def eval(x):  # noqa: A001  (Keras K.eval)
    """The value of a tensor as a NumPy array."""
    return x.numpy() if isinstance(x, Tensor) else np.asarray(x)


def get_value(x):
    return eval(x)


def batch_get_value(xs):
    return [eval(x) for x in xs]


def set_value(x, value):
    x.assign(value)


def batch_set_value(pairs):
    for x, value in pairs:
        x.assign(value)


def pow(x, a):  # noqa: A001  (Keras K.pow)
    return ops.power(x, a)


def permute_dimensions(x, pattern):
    return ops.transpose(x, pattern)


def transpose(x):
    """Keras K.transpose: reverse all dimensions."""
    return ops.transpose(x)


@traceable
def flatten(x):
    """Keras K.flatten: all values in one axis (DLwP 8.4's vae_loss)."""
    return ops.reshape(x, (-1,))


@traceable
def batch_flatten(x):
    """Keras K.batch_flatten: (n, everything else) (DLwP 8.3's gram_matrix)."""
    return ops.reshape(x, (x.shape[0], -1))


def gather(reference, indices):
    """Rows ``indices`` of ``reference`` (axis 0)."""
    return ops.take(reference, indices, 0)


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Keras 2.2.4 ``K.relu``: leaky below ``threshold`` (slope alpha), clipped at ``max_value``."""
    return ops.keras_relu(x, alpha=alpha, max_value=max_value, threshold=threshold)


def bias_add(x, bias, data_format=None):
    """x + bias over the channel axis (the last for channels_last; axis 1 for channels_first)."""
    fmt = data_format or image_data_format()
    if fmt == "channels_first" and x.ndim > 2:
        bias = ops.reshape(bias, (1, -1) + (1,) * (x.ndim - 2))
    return ops.add(x, bias)


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    """Keras 2.2.4 ``K.batch_normalization`` (note the order: beta before gamma)."""
    return ops.batch_norm(x, mean, var, gamma, beta, epsilon=epsilon, axis=axis)


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None, unroll=False,
        input_length=None):
    """Keras 2.2.4 ``K.rnn``: iterate ``step_function`` over the time axis (axis 1)."""
    return ops.rnn(step_function, inputs, initial_states, go_backwards=go_backwards, mask=mask,
                   constants=constants, unroll=unroll, input_length=input_length)


def switch(condition, then_expression, else_expression):
    return ops.where(condition, then_expression, else_expression)


# -- learning phase and layer names (Keras 2 globals) -----------------------------------------------
_LEARNING_PHASE = [0]
_UIDS = {}


def learning_phase():
    """0 (inference, the default) or 1 (training): what layers use when ``training`` is not given."""
    return _LEARNING_PHASE[0]


def set_learning_phase(value):
    if value not in (0, 1):
        raise ValueError(f"set_learning_phase: expected 0 or 1, got {value!r}")
    _LEARNING_PHASE[0] = value


def in_train_phase(x, alt, training=None):
    """``x`` in the training phase, ``alt`` otherwise; either may be a callable (evaluated lazily)."""
    if training is None:
        training = learning_phase()
    chosen = x if training else alt
    return chosen() if callable(chosen) else chosen


def in_test_phase(x, alt, training=None):
    return in_train_phase(alt, x, training)


def get_uid(prefix=""):
    """1, 2, 3, ... per prefix: the numbering of default layer names (dense_1, dense_2, ...)."""
    _UIDS[prefix] = _UIDS.get(prefix, 0) + 1
    return _UIDS[prefix]


def reset_uids():
    _UIDS.clear()


def clear_session():
    """Reset layer-name numbering and the learning phase (Keras 2 K.clear_session)."""
    reset_uids()
    _LEARNING_PHASE[0] = 0


# -- products and random ------------------------------------------------------------------------------
def batch_dot(x, y, axes=None):
    """Keras 2 ``K.batch_dot``: per-sample dot over ``axes`` (default: last of x, second-to-last of y).

    Result shape: x's shape without axes[0], then y's without the batch axis and axes[1]; a
    result of rank 1 gets a trailing axis of size 1 (Keras 2.2.4).
    """
    x, y = ops.tensors(x, y)
    if axes is None:
        axes = (x.ndim - 1, y.ndim - 2 if y.ndim > 2 else y.ndim - 1)
    elif isinstance(axes, int):
        axes = (axes, axes)
    ax, ay = axes[0] % x.ndim, axes[1] % y.ndim
    if ax == 0 or ay == 0:
        raise ValueError(f"batch_dot: cannot contract the batch axis (axes={axes})")
    if x.shape[ax] != y.shape[ay]:
        raise ValueError(f"batch_dot: axis {ax} of x ({x.shape[ax]}) and axis {ay} of y ({y.shape[ay]}) differ; "
                         f"shapes {x.shape} and {y.shape}")
    xr = ops.transpose(x, [0] + [i for i in range(1, x.ndim) if i != ax] + [ax])
    yr = ops.transpose(y, [0, ay] + [i for i in range(1, y.ndim) if i != ay])
    x_rest, y_rest = xr.shape[1:-1], yr.shape[2:]
    b, k = x.shape[0], x.shape[ax]
    out = ops.matmul(ops.reshape(xr, (b, -1, k)), ops.reshape(yr, (b, k, -1)))
    out = ops.reshape(out, (b,) + x_rest + y_rest)
    return ops.expand_dims(out, 1) if out.ndim == 1 else out


def l2_normalize(x, axis=None):
    """x / sqrt(max(sum(x^2, axis), 1e-12)) (tf.nn.l2_normalize, which Keras 2 calls)."""
    sq = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return ops.divide(x, ops.sqrt(ops.maximum(sq, 1e-12)))


def dropout(x, level, noise_shape=None, seed=None):
    return ops.dropout(x, level, noise_shape, seed)


@binds_impl
def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None, impl=None):
    return ops.random_uniform(shape, minval, maxval, dtype, seed, impl=impl)


@binds_impl
def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, impl=None):
    return ops.random_normal(shape, mean, stddev, dtype, seed, impl=impl)


__all__ = [
    "epsilon", "floatx", "set_epsilon", "set_floatx", "image_data_format", "set_image_data_format",
    "gradients", "function", "placeholder", "constant", "variable", "zeros",
    "ones", "zeros_like", "ones_like", "is_tensor", "shape", "int_shape", "ndim", "dtype", "eval", "get_value",
    "batch_get_value", "set_value", "batch_set_value", "cast", "stop_gradient",
    "sum", "mean", "max", "min", "prod", "logsumexp", "any", "all",
    "abs", "sign", "square", "sqrt", "exp", "log", "pow", "maximum", "minimum", "clip",
    "tanh", "sigmoid", "relu", "elu", "hard_sigmoid", "softmax", "softplus", "softsign", "dot", "reshape",
    "transpose", "permute_dimensions", "expand_dims", "flatten", "batch_flatten",
    "squeeze", "concatenate", "stack", "gather", "switch",
    "equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
    "learning_phase", "set_learning_phase", "in_train_phase", "in_test_phase", "get_uid", "reset_uids",
    "clear_session", "batch_dot", "l2_normalize", "dropout", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "binary_crossentropy", "argmax", "argmin", "round", "in_top_k",
    "random_uniform", "random_normal", "conv1d", "conv2d", "conv2d_transpose", "depthwise_conv2d",
    "separable_conv1d", "separable_conv2d", "bias_add", "pool2d", "resize_images", "spatial_2d_padding",
    "temporal_padding", "batch_normalization", "rnn",
]
