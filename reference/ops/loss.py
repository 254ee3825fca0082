"""Crossentropy ops (Keras 2.2.4 ``K.*_crossentropy`` on the TensorFlow backend) and the fused
softmax crossentropies from logits with their VJPs.

* ``softmax_cross_entropy_with_logits`` / ``sparse_softmax_cross_entropy_with_logits``: one fused
  kernel each (accel overrides them), gradient ``softmax - onehot`` from a second fused kernel whose
  own VJP is written with ops, so gradients of any order work. As in TensorFlow 1 (the deprecated
  ``softmax_cross_entropy_with_logits`` wraps its labels in ``stop_gradient``), no gradient flows
  into the labels.
* ``sigmoid_cross_entropy_with_logits``: TensorFlow's formula
  ``max(x, 0) - x * z + log1p(exp(-|x|))`` with the branches chosen by ``where(x >= 0)``, so the
  gradient is exactly ``sigmoid(x) - z`` everywhere, x = 0 included.
* ``categorical_crossentropy``, ``sparse_categorical_crossentropy``, ``binary_crossentropy``: the
  Keras backend functions, step by step (renormalise, clip to [eps, 1 - eps], log, ...). With
  ``from_logits=True`` they are stable for any finite logit.

Semantics and their sources: conformance/spec/conventions/losses.md.
"""

__all__ = [
    "binary_crossentropy", "categorical_crossentropy", "sigmoid_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits", "sparse_categorical_crossentropy",
    "sparse_softmax_cross_entropy_with_logits",
]

import numpy as np

from .. import capture, config
from ..tape import grad_enabled, vjp_by_recomputing
from . import activation as A
from . import elementwise as E
from . import reduce as R
from . import shape as S
from .core import apply, normalize_axis, tensors

# -- sigmoid crossentropy ------------------------------------------------------------------------------

def sigmoid_cross_entropy_with_logits(labels, logits):
    """Elementwise ``tf.nn.sigmoid_cross_entropy_with_logits``: max(x, 0) - x z + log1p(exp(-|x|)).

    Stable for any finite logit; differentiable in both the logits (sigmoid(x) - z) and the labels (-x).
    """
    labels, logits = tensors(labels, logits)
    labels = S.cast(labels, logits.dtype)
    nonneg = E.greater_equal(logits, 0)
    relu_logits = E.where(nonneg, logits, 0)
    neg_abs_logits = E.where(nonneg, E.negative(logits), logits)
    return E.add(E.subtract(relu_logits, E.multiply(logits, labels)), A.log1p(E.exp(neg_abs_logits)))


# -- fused softmax crossentropy (dense labels) ---------------------------------------------------------

def softmax_cross_entropy_with_logits(labels, logits, axis=-1):
    """-sum(labels * log_softmax(logits), axis), from one fused kernel; ``axis`` is removed.

    labels must have the logits' shape (they are cast to the logits' dtype). No gradient flows into
    the labels (TensorFlow 1's ``softmax_cross_entropy_with_logits``, which Keras 2.2.4 calls).
    """
    labels, logits = tensors(labels, logits)
    if logits.ndim == 0:
        raise ValueError("softmax_cross_entropy_with_logits: logits must have rank >= 1")
    if labels.shape != logits.shape:
        raise ValueError(f"softmax_cross_entropy_with_logits: labels of shape {labels.shape} and logits of "
                         f"shape {logits.shape} must have the same shape")
    labels = S.cast(labels, logits.dtype)
    axis = normalize_axis(axis, logits.ndim, "softmax_cross_entropy_with_logits")[0]
    return apply("softmax_xent", [labels, logits], _softmax_xent_vjp, axis=axis)


def _softmax_xent_vjp(n, g):
    labels, logits = n.inputs
    grad = _softmax_xent_grad(labels, logits, g, n.attrs["axis"]) if n.needs[1] else None
    return (None, grad)


def _softmax_xent_grad(labels, logits, g, axis):
    """g * (softmax(logits) * sum(labels) - labels): the fused backward kernel, as an op."""
    return apply("softmax_xent_grad", [labels, logits, g], _softmax_xent_grad_vjp, axis=axis)


def _softmax_xent_grad_vjp(n, gg):
    labels, logits, g = n.inputs
    axis = n.attrs["axis"]
    p = A.softmax(logits, axis)
    total = R.sum(labels, axis, keepdims=True)

    def d_logits():
        v = E.multiply(E.multiply(gg, S.expand_dims(g, axis)), total)
        return E.multiply(p, E.subtract(v, R.sum(E.multiply(p, v), axis, keepdims=True)))

    def d_g():
        return R.sum(E.multiply(gg, E.subtract(E.multiply(p, total), labels)), axis)
    return (None, d_logits() if n.needs[1] else None, d_g() if n.needs[2] else None)


# -- fused softmax crossentropy (integer labels) -------------------------------------------------------

def sparse_softmax_cross_entropy_with_logits(labels, logits):
    """-log_softmax(logits)[..., labels] over the last axis (``tf.nn.sparse_softmax_cross_entropy_with_logits``).

    labels: integers of shape logits.shape[:-1], each in [0, classes): out-of-range labels raise
    ValueError (TensorFlow's CPU kernel raises too). The result has shape logits.shape[:-1].
    """
    labels, logits = tensors(labels, logits)
    if logits.ndim == 0:
        raise ValueError("sparse_softmax_cross_entropy_with_logits: logits must have rank >= 1")
    if labels.dtype.kind not in "iu":
        raise TypeError(f"sparse_softmax_cross_entropy_with_logits: labels must be integers, got {labels.dtype}")
    if labels.shape != logits.shape[:-1]:
        raise ValueError(f"sparse_softmax_cross_entropy_with_logits: labels of shape {labels.shape} do not match "
                         f"logits of shape {logits.shape} (expected labels of shape {logits.shape[:-1]})")
    classes = logits.shape[-1]
    capture.check_index_range(labels, classes, lambda _, bad: f"sparse_softmax_cross_entropy_with_logits: label "
                              f"value {bad} is outside the valid range [0, {classes})")
    return apply("sparse_softmax_xent", [labels, logits], _sparse_softmax_xent_vjp)


def _sparse_softmax_xent_vjp(n, g):
    labels, logits = n.inputs
    return (None, apply("sparse_softmax_xent_grad", [labels, logits, g], _sparse_softmax_xent_grad_vjp))


def _sparse_softmax_xent_grad_vjp(n, gg):
    labels, logits, g = n.inputs
    p = A.softmax(logits, -1)

    def d_logits():
        v = E.multiply(gg, S.expand_dims(g, -1))
        return E.multiply(p, E.subtract(v, R.sum(E.multiply(p, v), -1, keepdims=True)))

    def d_g():
        onehot = S.cast(E.equal(S.expand_dims(labels, -1), np.arange(logits.shape[-1])), logits.dtype)
        return R.sum(E.multiply(gg, E.subtract(p, onehot)), -1)
    return (None, d_logits() if n.needs[1] else None, d_g() if n.needs[2] else None)


# -- the Keras backend crossentropies --------------------------------------------------------------------

def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Keras 2.2.4 ``K.categorical_crossentropy`` (TensorFlow backend); ``axis`` is reduced.

    Probabilities: output / sum(output, axis), clipped to [eps, 1 - eps], then
    -sum(target * log(output), axis). Logits: the fused softmax crossentropy along ``axis`` (Keras
    2.2.4 ignored ``axis`` there and always used the last one; nnspec honours it), no gradient into
    the target.
    """
    target, output = tensors(target, output)
    if output.ndim == 0:
        raise ValueError("categorical_crossentropy: output must have rank >= 1")
    axis = normalize_axis(axis, output.ndim, "categorical_crossentropy")[0]
    target = S.cast(target, output.dtype)
    if from_logits:
        return softmax_cross_entropy_with_logits(target, output, axis)
    if target.shape != output.shape:
        return _keras_categorical_xent(target, output, axis, config.epsilon())  # broadcast targets
    return apply("categorical_xent", [target, output], _categorical_xent_vjp, axis=axis, epsilon=config.epsilon())


def _keras_categorical_xent(target, output, axis, epsilon):
    """The Keras steps as ops: the definition of the fused ``categorical_xent`` (and its higher orders)."""
    output = E.divide(output, R.sum(output, axis, keepdims=True))
    output = E.clip(output, epsilon, 1.0 - epsilon)
    return E.negative(R.sum(E.multiply(target, E.log(output)), axis))


def _categorical_xent_vjp(n, g):
    if grad_enabled() or n.needs[0]:  # a gradient of the gradient, or one for the target: the ops' VJPs
        return vjp_by_recomputing(lambda t, o: (_keras_categorical_xent(t, o, **n.attrs),), n.inputs, (g,))
    target, output = n.inputs
    return (None, apply("categorical_xent_grad", [target, output, g], **n.attrs))


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Keras 2.2.4 ``K.sparse_categorical_crossentropy`` (TensorFlow backend).

    The class axis is moved last; probabilities are clipped to [eps, 1 - eps] and their log taken
    (no renormalisation: the softmax of the log does it); the target is flattened and cast to int64
    (float targets of shape (batch, 1), as Keras' training feeds them, truncate toward zero); then the
    sparse softmax crossentropy. Result: output's shape without the class axis for rank >= 3, else
    (flattened rows,).
    """
    target, output = tensors(target, output)
    if output.ndim == 0:
        raise ValueError("sparse_categorical_crossentropy: output must have rank >= 1")
    axis = normalize_axis(axis, output.ndim, "sparse_categorical_crossentropy")[0]
    if axis != output.ndim - 1:
        output = S.transpose(output, [i for i in range(output.ndim) if i != axis] + [axis])
    if not from_logits:
        eps = config.epsilon()
        output = E.log(E.clip(output, eps, 1.0 - eps))
    classes = output.shape[-1]
    rows = int(np.prod(output.shape[:-1], dtype=np.int64))
    if target.size != rows:
        raise ValueError(f"sparse_categorical_crossentropy: a target of shape {target.shape} ({target.size} "
                         f"labels) for an output of shape {output.shape} with the classes last ({rows} rows)")
    labels = S.reshape(S.cast(target, np.int64), (rows,))
    res = sparse_softmax_cross_entropy_with_logits(labels, S.reshape(output, (rows, classes)))
    return S.reshape(res, output.shape[:-1]) if output.ndim >= 3 else res


def binary_crossentropy(target, output, from_logits=False):
    """Keras 2.2.4 ``K.binary_crossentropy`` (TensorFlow backend), elementwise (no reduction).

    Probabilities are clipped to [eps, 1 - eps] and turned back into logits log(p / (1 - p)); then
    ``sigmoid_cross_entropy_with_logits``.
    """
    target, output = tensors(target, output)
    if not from_logits:
        eps = config.epsilon()
        output = E.clip(output, eps, 1.0 - eps)
        output = E.log(E.divide(output, E.subtract(1, output)))
    return sigmoid_cross_entropy_with_logits(target, output)
