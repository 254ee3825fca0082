"""nnspec.metrics: Keras 2 metrics (see conformance/spec/conventions/losses.md).

The accuracy metrics of Keras 2.2.4's ``keras/metrics.py`` (TensorFlow backend), the losses
re-exported as metrics (any loss is a metric, as in Keras 2), their aliases, ``get`` /
``serialize`` / ``deserialize``, and :func:`resolve`: Keras 2.2.4's rule (``Model.compile``) that
turns ``'accuracy'`` / ``'acc'`` / ``'crossentropy'`` / ``'ce'`` into the binary, categorical or
sparse variant according to the loss and the output shape.

The accuracies are not differentiable (argmax, round and in_top_k have no gradient) and return
``K.floatx()`` values, whatever the input dtype.
"""

__all__ = [
    "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "squared_hinge", "hinge", "categorical_hinge", "logcosh",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy",
    "kullback_leibler_divergence", "poisson", "cosine_proximity",
    "mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD", "cosine",
    "get", "serialize", "deserialize", "resolve", "metric_name",
]

import numpy as np

from . import config
from . import losses as _losses
from . import ops as O
from .losses import (  # noqa: F401  (re-exported: every loss is a metric)
    KLD,
    MAE,
    MAPE,
    MSE,
    MSLE,
    binary_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    cosine,
    cosine_proximity,
    hinge,
    kld,
    kullback_leibler_divergence,
    logcosh,
    mae,
    mape,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    mse,
    msle,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from .ops.symbolic_dispatch import traceable


def _floatx_mean(x, axis=-1):
    """K.mean of a boolean tensor: cast to floatx, then the mean."""
    return O.mean(O.cast(x, config.floatx()), axis=axis)


@traceable
def binary_accuracy(y_true, y_pred):
    """mean(y_true == round(y_pred), axis=-1): a threshold of 0.5 by rounding half to even, so a
    prediction of exactly 0.5 counts as class 0."""
    y_true, y_pred = O.tensors(y_true, y_pred)
    return _floatx_mean(O.equal(y_true, O.round(y_pred)), axis=-1)


@traceable
def categorical_accuracy(y_true, y_pred):
    """argmax(y_true, -1) == argmax(y_pred, -1), as floatx; ties go to the first maximum."""
    y_true, y_pred = O.tensors(y_true, y_pred)
    return O.cast(O.equal(O.argmax(y_true, -1), O.argmax(y_pred, -1)), config.floatx())


def _sparse_labels(y_true, y_pred):
    """Integer-valued targets of shape y_pred.shape[:-1]: a trailing axis of size 1 is dropped."""
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = O.squeeze(y_true, -1)
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError(f"sparse accuracy: targets of shape {y_true.shape} for predictions of shape {y_pred.shape} "
                         f"(expected {y_pred.shape[:-1]} or {y_pred.shape[:-1] + (1,)})")
    return y_true


@traceable
def sparse_categorical_accuracy(y_true, y_pred):
    """y_true == float(argmax(y_pred, -1)), as floatx.

    Keras 2.2.4 flattens y_true, which equals dropping the trailing 1 for 2-D predictions (the only
    case 2.2.4 handles); nnspec drops a trailing axis of size 1 (Keras 2.2.5's fix), so sequence
    outputs (batch, steps, classes) work too.
    """
    y_true, y_pred = O.tensors(y_true, y_pred)
    y_true = _sparse_labels(y_true, y_pred)
    labels = O.cast(O.argmax(y_pred, -1), config.floatx())
    return O.cast(O.equal(O.cast(y_true, config.floatx()), labels), config.floatx())


@traceable
def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """mean(in_top_k(y_pred, argmax(y_true, -1), k)): Keras 2.2.4 averages over the batch, so this is
    a scalar (Keras 2.2.5 returns one value per sample). y_pred must be (batch, classes)."""
    y_true, y_pred = O.tensors(y_true, y_pred)
    return _floatx_mean(O.in_top_k(y_pred, O.argmax(y_true, -1), k), axis=-1)


@traceable
def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """mean(in_top_k(y_pred, int(flatten(y_true)), k)), a scalar as in Keras 2.2.4.

    Float targets are cast to integers (truncating, as ``K.cast(..., 'int32')``).
    """
    y_true, y_pred = O.tensors(y_true, y_pred)
    labels = O.reshape(O.cast(y_true, np.int64), (y_true.size,))
    return _floatx_mean(O.in_top_k(y_pred, labels, k), axis=-1)


_OWN = ("binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy", "top_k_categorical_accuracy",
        "sparse_top_k_categorical_accuracy")
NAMES = _OWN + _losses.NAMES
# Names whose meaning depends on the loss and the output shape: only resolve() knows them.
CONTEXTUAL = ("accuracy", "acc", "crossentropy", "ce")


def serialize(metric):
    """The name a metric is saved under (its ``__name__``), as ``losses.serialize``."""
    return _losses.serialize(metric)


def deserialize(config_or_name, custom_objects=None):
    """The metric called ``config_or_name`` (a metric or loss name, an alias, or a custom object)."""
    if config_or_name in CONTEXTUAL:
        raise ValueError(f"{config_or_name!r} is not a metric function by itself: its meaning depends on the loss "
                         f"and the output shape; use nnspec.metrics.resolve({config_or_name!r}, loss, output_shape)")
    return _losses.lookup(config_or_name, globals(), NAMES, custom_objects, "metric function")


def get(identifier):
    """Keras 2 ``metrics.get``: a name or config dict -> the metric; a callable -> itself; else ValueError."""
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric function identifier: {identifier!r}")


def resolve(metric, loss, output_shape):
    """The metric function Keras 2.2.4's ``Model.compile`` uses for ``metric`` on one output.

    ``'accuracy'``/``'acc'`` and ``'crossentropy'``/``'ce'`` become

    * binary (``binary_accuracy`` / ``binary_crossentropy``) when the output's last dimension is 1
      or the loss is ``binary_crossentropy``;
    * sparse (``sparse_categorical_accuracy`` / ``sparse_categorical_crossentropy``) when the loss
      is ``sparse_categorical_crossentropy``;
    * categorical (``categorical_accuracy`` / ``categorical_crossentropy``) otherwise (any other
      loss, custom ones included).

    ``loss`` is a loss function or name (``losses.get``); ``output_shape`` the output's shape (the
    batch dimension may be None). Any other ``metric`` is ``get(metric)``.
    """
    if not (isinstance(metric, str) and metric in CONTEXTUAL):
        return get(metric)
    accuracy = metric in ("accuracy", "acc")
    loss_fn = _losses.get(loss) if isinstance(loss, (str, dict)) else loss
    if tuple(output_shape)[-1] == 1 or loss_fn is _losses.binary_crossentropy:
        return binary_accuracy if accuracy else binary_crossentropy
    if loss_fn is _losses.sparse_categorical_crossentropy:
        return sparse_categorical_accuracy if accuracy else sparse_categorical_crossentropy
    return categorical_accuracy if accuracy else categorical_crossentropy


def metric_name(metric, weighted=False):
    """The name Keras 2.2.4 shows for ``metric`` in logs and ``History``: 'acc' for 'accuracy' and 'acc',
    'ce' for 'crossentropy' and 'ce', else the function's ``name`` or ``__name__``; 'weighted_' in front
    for weighted metrics. (Per-output prefixes and de-duplication are the model's job.)"""
    prefix = "weighted_" if weighted else ""
    if isinstance(metric, str) and metric in CONTEXTUAL:
        return prefix + ("acc" if metric in ("accuracy", "acc") else "ce")
    fn = get(metric)
    return prefix + (fn.name if hasattr(fn, "name") else fn.__name__)
