"""Loss kernels: the fused softmax crossentropies from logits and Keras' categorical crossentropy on
probabilities (forward and gradient).

The readable definition of what accel fuses (``accel/kernels/losses.py`` overrides the four
``*softmax_xent*`` kernels with one CUDA launch each, same signatures). Every formula shifts the
logits by their maximum, so any finite logit (1e4, -1e4, ...) gives a finite loss and gradient.
The categorical crossentropy kernels are the composed Keras steps in one call each, with the same
operations in the same order as the ops and their VJPs (the same numbers, a few calls instead of ~30).
"""

from . import activation, kernel
from .elementwise import against_repeated


def _log_softmax(xp, x, axis):
    """log_softmax along one axis: the activation family's kernel."""
    return activation.log_softmax(xp, x, (axis % x.ndim,))


@kernel("softmax_xent")
def softmax_xent(xp, labels, logits, axis=-1):
    """-sum(labels * log_softmax(logits), axis): ``tf.nn.softmax_cross_entropy_with_logits``.

    labels and logits have the same shape and dtype; the result has ``axis`` removed.
    """
    return -xp.sum(labels * _log_softmax(xp, logits, axis), axis=axis)


@kernel("softmax_xent_grad")
def softmax_xent_grad(xp, labels, logits, g, axis=-1):
    """d/dlogits of <softmax_xent, g>: g * (softmax(logits) * sum(labels) - labels) along ``axis``.

    With labels summing to 1 (a distribution, what the op expects) this is g * (softmax - labels),
    TensorFlow's fused backprop; the sum(labels) factor keeps it the exact derivative otherwise.
    """
    p = xp.exp(_log_softmax(xp, logits, axis))
    total = xp.sum(labels, axis=axis, keepdims=True)
    return xp.expand_dims(g, axis) * (p * total - labels)


@kernel("sparse_softmax_xent")
def sparse_softmax_xent(xp, labels, logits):
    """-log_softmax(logits)[..., labels] over the last axis: ``tf.nn.sparse_softmax_cross_entropy_with_logits``.

    labels: integers of shape logits.shape[:-1], each in [0, classes) (the op checks).
    """
    ls = _log_softmax(xp, logits, -1)
    return -xp.take_along_axis(ls, labels[..., None], axis=-1)[..., 0]


@kernel("sparse_softmax_xent_grad")
def sparse_softmax_xent_grad(xp, labels, logits, g):
    """d/dlogits of <sparse_softmax_xent, g>: g * (softmax(logits) - onehot(labels))."""
    p = xp.exp(_log_softmax(xp, logits, -1))
    onehot = labels[..., None] == xp.arange(logits.shape[-1])
    return g[..., None] * (p - onehot.astype(p.dtype))


def _keras_probabilities(xp, output, axis, epsilon):
    """Keras 2.2.4's steps: s = sum(output), q = output / s, m = max(q, eps), clip(q) = min(m, 1 - eps)."""
    s = xp.sum(output, axis=axis, keepdims=True)
    q = output / s
    m = against_repeated(xp, "maximum", q, epsilon)
    return s, q, m, against_repeated(xp, "minimum", m, 1.0 - epsilon)


@kernel("categorical_xent")
def categorical_xent(xp, target, output, axis=-1, epsilon=1e-7):
    """``K.categorical_crossentropy`` on probabilities: -sum(target * log(clip(output / sum(output), eps,
    1 - eps))) along ``axis`` (removed). target and output have the same shape and dtype."""
    clipped = _keras_probabilities(xp, output, axis, epsilon)[3]
    return -xp.sum(target * xp.log(clipped), axis=axis)


@kernel("categorical_xent_grad")
def categorical_xent_grad(xp, target, output, g, axis=-1, epsilon=1e-7):
    """d/doutput of <categorical_xent, g>, as the ops' VJPs compose it: -g * target / clip(q), passed where
    eps <= q <= 1 - eps (the clip's tie rule: both ends pass), then through q = output / s with
    s = sum(output): dq / s + sum(-(dq * q) / s)."""
    s, q, m, clipped = _keras_probabilities(xp, output, axis, epsilon)
    zero = xp.zeros((), dtype=q.dtype)
    dq = xp.expand_dims(-g, axis) * target / clipped
    dq = xp.where(q >= epsilon, xp.where(m <= 1.0 - epsilon, dq, zero), zero)
    return dq / s + xp.sum(-(dq * q / s), axis=axis, keepdims=True)
