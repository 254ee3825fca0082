"""Elementwise ops with NumPy broadcasting, and their VJPs.

Tie rules (recorded in conformance/spec/conventions.md): maximum/minimum send the gradient to
the first argument on ties (TensorFlow's rule; PyTorch splits it); relu, abs and sign have zero
gradient at 0; clip passes the gradient where lo <= x <= hi, and to lo / hi where x is outside.
"""

__all__ = [
    "abs", "add", "bias_relu", "clip", "divide", "equal", "exp", "greater", "greater_equal", "isfinite", "less",
    "less_equal", "log", "logical_and", "logical_not", "logical_or", "maximum", "minimum", "multiply",
    "negative", "not_equal", "power", "relu", "sigmoid", "sign", "sqrt", "square", "subtract", "tanh",
    "unbroadcast", "where",
]

import numpy as np

from ..tensor import Tensor
from . import reduce as R
from . import shape as S
from .core import apply, as_tensor, tensors
from .creation import zeros_like


def unbroadcast(g, shape):
    """Sum ``g`` down to ``shape``: the adjoint of broadcasting ``shape`` up to ``g.shape``."""
    shape = tuple(shape)
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    return S.reshape(R.sum(g, axes, keepdims=True), shape)


def _grads(node, *makers):
    """Call makers[i]() for the inputs that need a gradient, None for the others."""
    return tuple(make() if need else None for make, need in zip(makers, node.needs))


# -- arithmetic --------------------------------------------------------------------------------

def add(a, b):
    a, b = tensors(a, b)
    return apply("add", [a, b], _add_vjp)


def _add_vjp(n, g):
    a, b = n.inputs
    return _grads(n, lambda: unbroadcast(g, a.shape), lambda: unbroadcast(g, b.shape))


def subtract(a, b):
    a, b = tensors(a, b)
    return apply("subtract", [a, b], _subtract_vjp)


def _subtract_vjp(n, g):
    a, b = n.inputs
    return _grads(n, lambda: unbroadcast(g, a.shape), lambda: unbroadcast(negative(g), b.shape))


def multiply(a, b):
    a, b = tensors(a, b)
    return apply("multiply", [a, b], _multiply_vjp)


def _multiply_vjp(n, g):
    a, b = n.inputs
    return _grads(n, lambda: unbroadcast(multiply(g, b), a.shape),
                  lambda: unbroadcast(multiply(g, a), b.shape))


def divide(a, b):
    a, b = tensors(a, b)
    return apply("divide", [a, b], _divide_vjp)


def _divide_vjp(n, g):
    a, b = n.inputs
    return _grads(n, lambda: unbroadcast(divide(g, b), a.shape),
                  lambda: unbroadcast(negative(divide(multiply(g, n.output), b)), b.shape))


def negative(x):
    (x,) = tensors(x)
    return apply("negative", [x], _negative_vjp)


def _negative_vjp(n, g):
    return (negative(g),)


def power(a, b):
    """a ** b. The gradient for b uses log(a) where a > 0 and 0 elsewhere (TensorFlow's rule)."""
    a, b = tensors(a, b)
    return apply("power", [a, b], _power_vjp)


def _power_vjp(n, g):
    a, b = n.inputs

    def grad_b():
        pos = greater(a, 0)
        log_a = where(pos, log(where(pos, a, 1)), 0)
        return unbroadcast(multiply(g, multiply(n.output, log_a)), b.shape)
    return _grads(n, lambda: unbroadcast(multiply(g, multiply(b, power(a, subtract(b, 1)))), a.shape),
                  grad_b)


def square(x):
    (x,) = tensors(x)
    return apply("square", [x], _square_vjp)


def _square_vjp(n, g):
    return (multiply(g, multiply(n.inputs[0], 2)),)


def sqrt(x):
    (x,) = tensors(x)
    return apply("sqrt", [x], _sqrt_vjp)


def _sqrt_vjp(n, g):
    return (divide(g, multiply(n.output, 2)),)


def exp(x):
    (x,) = tensors(x)
    return apply("exp", [x], _exp_vjp)


def _exp_vjp(n, g):
    return (multiply(g, n.output),)


def log(x):
    (x,) = tensors(x)
    return apply("log", [x], _log_vjp)


def _log_vjp(n, g):
    return (divide(g, n.inputs[0]),)


def abs(x):  # noqa: A001  (Keras K.abs)
    (x,) = tensors(x)
    return apply("abs", [x], _abs_vjp)


def _abs_vjp(n, g):
    return (multiply(g, sign(n.inputs[0])),)


def sign(x):
    (x,) = tensors(x)
    return apply("sign", [x], _sign_vjp)


def _sign_vjp(n, g):
    return (zeros_like(n.inputs[0]),)


def maximum(a, b):
    a, b = tensors(a, b)
    return apply("maximum", [a, b], _maximum_vjp)


def _maximum_vjp(n, g):
    a, b = n.inputs
    first = greater_equal(a, b)
    return _choose(n, g, first)


def minimum(a, b):
    a, b = tensors(a, b)
    return apply("minimum", [a, b], _minimum_vjp)


def _minimum_vjp(n, g):
    a, b = n.inputs
    first = less_equal(a, b)
    return _choose(n, g, first)


def _choose(n, g, first):
    """Gradient of a two-way selection: to the first input where ``first``, else to the second."""
    a, b = n.inputs
    return _grads(n, lambda: unbroadcast(where(first, g, 0), a.shape),
                  lambda: unbroadcast(where(first, 0, g), b.shape))


def where(cond, a, b):
    """Elementwise ``a`` where ``cond`` else ``b`` (all three broadcast). No gradient for cond."""
    a, b = tensors(a, b)
    if not isinstance(cond, Tensor):
        cond = as_tensor(cond if hasattr(cond, "dtype") else np.asarray(cond), like=a)
    if cond.dtype.kind != "b":
        cond = not_equal(cond, 0)
    return apply("where", [cond, a, b], _where_vjp)


def _where_vjp(n, g):
    cond, a, b = n.inputs  # cond is boolean: never needs a gradient
    return _grads(n, None, lambda: unbroadcast(where(cond, g, 0), a.shape),
                  lambda: unbroadcast(where(cond, 0, g), b.shape))


def clip(x, min_value, max_value):
    """Clip ``x`` to [min_value, max_value]: minimum(maximum(x, lo), hi), bounds may be tensors.

    Composed from maximum and minimum, so by their tie rule the gradient passes where
    lo <= x <= hi (both ends included, as tf.clip_by_value and torch.clamp) and goes to the
    bounds outside.
    """
    x, lo, hi = tensors(x, min_value, max_value)
    return minimum(maximum(x, lo), hi)


# -- activations ---------------------------------------------------------------------------------

def tanh(x):
    (x,) = tensors(x)
    return apply("tanh", [x], _tanh_vjp)


def _tanh_vjp(n, g):
    y = n.output
    return (multiply(g, subtract(1, square(y))),)


def sigmoid(x):
    (x,) = tensors(x)
    return apply("sigmoid", [x], _sigmoid_vjp)


def _sigmoid_vjp(n, g):
    y = n.output
    return (multiply(g, multiply(y, subtract(1, y))),)


def relu(x):
    """max(x, 0); gradient 0 at x == 0."""
    (x,) = tensors(x)
    return apply("relu", [x], _relu_vjp)


def _relu_vjp(n, g):
    return (where(greater(n.inputs[0], 0), g, 0),)


def bias_relu(x, bias):
    """relu(x + bias) for a bias over x's last axis (a Dense or channels_last convolution layer's epilogue), as
    one kernel: the same numbers and gradients as ``relu(add(x, bias))``, without keeping x + bias for the
    gradient (x + bias > 0 exactly where the output is). Other dtypes than x's run the two ops."""
    x, bias = tensors(x, bias)
    if x.ndim < 1 or bias.shape != x.shape[-1:]:
        raise ValueError(f"bias_relu: expected a bias of shape ({x.shape[-1] if x.ndim else '?'},), the size of "
                         f"the input's last axis, got a bias of shape {bias.shape} for an input of shape {x.shape}")
    if bias.dtype != x.dtype:
        return relu(add(x, bias))
    return apply("bias_relu", [x, bias], _bias_relu_vjp)


def _bias_relu_vjp(n, g):
    gx = where(greater(n.output, 0), g, 0)
    return _grads(n, lambda: gx, lambda: unbroadcast(gx, n.inputs[1].shape))


# -- comparisons and logic (no gradient) ---------------------------------------------------------

def _compare(name):
    def op(a, b):
        a, b = tensors(a, b)
        return apply(name, [a, b])
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise {name.replace('_', ' ')}; a boolean tensor, not differentiable."
    return op


equal = _compare("equal")
not_equal = _compare("not_equal")
less = _compare("less")
less_equal = _compare("less_equal")
greater = _compare("greater")
greater_equal = _compare("greater_equal")
logical_and = _compare("logical_and")
logical_or = _compare("logical_or")


def logical_not(x):
    (x,) = tensors(x)
    return apply("logical_not", [x])


def isfinite(x):
    (x,) = tensors(x)
    return apply("isfinite", [x])
