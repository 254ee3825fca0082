"""nnspec.losses: Keras 2 losses (see conformance/spec/conventions/losses.md).

Each loss is ``fn(y_true, y_pred)`` and returns the per-sample loss: the last axis reduced (its
mean for most, its sum for the crossentropies, kld and cosine), every other axis kept. Batch
averaging, sample weights and masks are the model's job, as in Keras 2. The formulas are Keras
2.2.4's ``keras/losses.py`` on the TensorFlow backend, step by step (clipping to ``K.epsilon()``
included); ``y_true`` is cast to ``y_pred``'s dtype first (Keras' training feeds targets of the
output's dtype). The crossentropies take ``from_logits=False`` (and ``axis=-1`` for the
categorical ones), as the Keras backend functions do.

A custom loss is any function ``(y_true, y_pred) -> tensor`` written with ops; it needs nothing
from this module.
"""

__all__ = [
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "squared_hinge", "hinge", "categorical_hinge", "logcosh",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy",
    "kullback_leibler_divergence", "poisson", "cosine_proximity",
    "mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD", "cosine",
    "get", "serialize", "deserialize",
]

import math

from . import config
from . import ops as O
from .ops.symbolic_dispatch import traceable


def _pair(y_true, y_pred):
    """Both as tensors, y_true cast to y_pred's dtype."""
    y_true, y_pred = O.tensors(y_true, y_pred)
    return O.cast(y_true, y_pred.dtype), y_pred


@traceable
def mean_squared_error(y_true, y_pred):
    """mean((y_pred - y_true)^2, axis=-1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return O.mean(O.square(O.subtract(y_pred, y_true)), axis=-1)


@traceable
def mean_absolute_error(y_true, y_pred):
    """mean(|y_pred - y_true|, axis=-1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return O.mean(O.abs(O.subtract(y_pred, y_true)), axis=-1)


@traceable
def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|(y_true - y_pred) / clip(|y_true|, eps, inf)|, axis=-1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    denom = O.clip(O.abs(y_true), config.epsilon(), math.inf)
    diff = O.abs(O.divide(O.subtract(y_true, y_pred), denom))
    return O.multiply(O.mean(diff, axis=-1), 100.0)


@traceable
def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(clip(y_pred, eps, inf) + 1) - log(clip(y_true, eps, inf) + 1))^2, axis=-1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = config.epsilon()
    first = O.log(O.add(O.clip(y_pred, eps, math.inf), 1.0))
    second = O.log(O.add(O.clip(y_true, eps, math.inf), 1.0))
    return O.mean(O.square(O.subtract(first, second)), axis=-1)


@traceable
def squared_hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0)^2, axis=-1); labels are expected in {-1, 1} (no remapping)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return O.mean(O.square(O.maximum(O.subtract(1.0, O.multiply(y_true, y_pred)), 0.0)), axis=-1)


@traceable
def hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0), axis=-1); labels are expected in {-1, 1} (no remapping)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return O.mean(O.maximum(O.subtract(1.0, O.multiply(y_true, y_pred)), 0.0), axis=-1)


@traceable
def categorical_hinge(y_true, y_pred):
    """max(0, max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1) over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    pos = O.sum(O.multiply(y_true, y_pred), axis=-1)
    neg = O.max(O.multiply(O.subtract(1.0, y_true), y_pred), axis=-1)
    return O.maximum(0.0, O.add(O.subtract(neg, pos), 1.0))


@traceable
def logcosh(y_true, y_pred):
    """mean(log(cosh(x)), axis=-1) for x = y_pred - y_true, as Keras 2.2.4 writes it:
    x + softplus(-2x) - log(2), which never overflows."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = O.subtract(y_pred, y_true)
    return O.mean(O.subtract(O.add(x, O.softplus(O.multiply(x, -2.0))), math.log(2.0)), axis=-1)


@traceable
def categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    """-sum(y_true * log(clip(y_pred / sum(y_pred), eps, 1 - eps)), axis); from logits, the stable
    softmax crossentropy along ``axis`` (``K.categorical_crossentropy``)."""
    return O.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


@traceable
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    """Integer targets (shape y_pred's without the class axis, or with a trailing 1; floats truncate)
    against probabilities (clipped, logged) or logits (``K.sparse_categorical_crossentropy``)."""
    return O.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


@traceable
def binary_crossentropy(y_true, y_pred, from_logits=False):
    """mean(K.binary_crossentropy(y_true, y_pred), axis=-1): probabilities clipped to [eps, 1 - eps]
    and converted to logits, then the stable sigmoid crossentropy."""
    y_true, y_pred = _pair(y_true, y_pred)
    return O.mean(O.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=-1)


@traceable
def kullback_leibler_divergence(y_true, y_pred):
    """sum(t * log(t / p), axis=-1) with t and p clipped to [eps, 1]."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = config.epsilon()
    y_true = O.clip(y_true, eps, 1.0)
    y_pred = O.clip(y_pred, eps, 1.0)
    return O.sum(O.multiply(y_true, O.log(O.divide(y_true, y_pred))), axis=-1)


@traceable
def poisson(y_true, y_pred):
    """mean(y_pred - y_true * log(y_pred + eps), axis=-1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return O.mean(O.subtract(y_pred, O.multiply(y_true, O.log(O.add(y_pred, config.epsilon())))), axis=-1)


def _l2_normalize(x, axis):
    """x / sqrt(max(sum(x^2, axis), 1e-12)) (``tf.nn.l2_normalize``, epsilon 1e-12 on the squared norm)."""
    sq = O.sum(O.square(x), axis=axis, keepdims=True)
    return O.divide(x, O.sqrt(O.maximum(sq, 1e-12)))


@traceable
def cosine_proximity(y_true, y_pred):
    """-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis=-1): -1 when the vectors point the same way."""
    y_true, y_pred = _pair(y_true, y_pred)
    return O.negative(O.sum(O.multiply(_l2_normalize(y_true, -1), _l2_normalize(y_pred, -1)), axis=-1))


# -- aliases (Keras 2.2.4 keras/losses.py) --------------------------------------------------------------
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence
cosine = cosine_proximity

_FUNCTIONS = (
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "squared_hinge", "hinge", "categorical_hinge", "logcosh",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy",
    "kullback_leibler_divergence", "poisson", "cosine_proximity",
)
_ALIASES = ("mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD", "cosine")
NAMES = _FUNCTIONS + _ALIASES


# -- (de)serialization ---------------------------------------------------------------------------------

def lookup(identifier, module_objects, names, custom_objects, what):
    """Keras 2 ``deserialize_keras_object``: a name, or a {'class_name', 'config'} dict.

    A dict naming a class builds it (``from_config`` or the constructor with the config); a dict naming
    a function with an empty config gives the function (Keras 2.2.4 would call it with no arguments).
    """
    custom_objects = custom_objects or {}
    if isinstance(identifier, dict):
        if "class_name" not in identifier or "config" not in identifier:
            raise ValueError(f"Improper config format for a {what}: {identifier!r}")
        name = identifier["class_name"]
    elif isinstance(identifier, str):
        name = identifier
    else:
        raise ValueError(f"Could not interpret {what} identifier: {identifier!r}")
    if name in custom_objects:
        obj = custom_objects[name]
    elif name in names:
        obj = module_objects[name]
    else:
        raise ValueError(f"Unknown {what}: {name!r}. Valid names: {', '.join(sorted(names))}"
                         + (f"; custom objects: {', '.join(sorted(custom_objects))}" if custom_objects else ""))
    if isinstance(identifier, dict):
        config_ = identifier["config"] or {}
        if hasattr(obj, "from_config"):
            return obj.from_config(config_)
        if isinstance(obj, type):
            return obj(**config_)
        if config_:
            raise ValueError(f"{what} {name!r} is a function: it takes no config, got {config_!r}")
    return obj


def serialize(loss):
    """The name a loss is saved under: its ``__name__`` (aliases give the full name: mse -> 'mean_squared_error').

    Objects with ``get_config`` give {'class_name', 'config'} (Keras 2 ``serialize_keras_object``).
    """
    if loss is None:
        return None
    if hasattr(loss, "get_config"):
        return {"class_name": type(loss).__name__, "config": loss.get_config()}
    if hasattr(loss, "__name__"):
        return loss.__name__
    raise ValueError(f"Cannot serialize {loss!r}: it has neither get_config nor __name__")


def deserialize(name, custom_objects=None):
    """The loss called ``name`` (a function name, an alias, a key of ``custom_objects``, or a config dict)."""
    return lookup(name, globals(), NAMES, custom_objects, "loss function")


def get(identifier):
    """Keras 2 ``losses.get``: None -> None; a name or config dict -> the loss; a callable -> itself.

    An unknown name raises ValueError listing the valid names.
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss function identifier: {identifier!r}")
