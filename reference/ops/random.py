"""Random tensors from an implementation's own generator, and dropout given a mask.

Draws are constants (no gradient). Dropout is split in two so that its scaling can be tested
exactly with an injected mask: ``dropout_mask`` draws the keep-mask, ``apply_dropout_mask`` is the
differentiable part, x * mask / keep_prob (inverted dropout, as Keras 2 / tf.nn.dropout).
"""

import numpy as np

from .. import capture, config
from ..implementation import REFERENCE
from ..namespace import binds_impl
from ..random import device_rng
from ..tensor import Tensor
from . import elementwise as E
from . import shape as S
from .core import tensors

__all__ = ["random_uniform", "random_normal", "dropout_mask", "apply_dropout_mask", "dropout"]


def _impl_of(like, impl):
    return impl or (like.impl if isinstance(like, Tensor) else REFERENCE)


def _dims(shape):
    """The shape as a tuple of ints: Keras 2 code draws noise of ``K.shape(mu)`` (a 1-D int tensor) or of
    ``(K.shape(mean)[0], dim)`` (0-d tensors among ints)."""
    if isinstance(shape, Tensor):
        shape = shape.numpy().tolist()
    return tuple(int(d) for d in shape)


@binds_impl
def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None, like=None, impl=None):
    """Uniform draws in [minval, maxval) from the implementation's generator."""
    capture.refuse("random_uniform: a replayed step would draw the same numbers")
    impl = _impl_of(like, impl)
    dtype = np.dtype(dtype or config.floatx())
    return Tensor(impl.call("random_uniform", _dims(shape), dtype, device_rng(impl, seed), minval, maxval))


@binds_impl
def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, like=None, impl=None):
    """Normal draws from the implementation's generator."""
    capture.refuse("random_normal: a replayed step would draw the same numbers")
    impl = _impl_of(like, impl)
    dtype = np.dtype(dtype or config.floatx())
    return Tensor(impl.call("random_normal", _dims(shape), dtype, device_rng(impl, seed), mean, stddev))


def dropout_mask(x, rate, noise_shape=None, seed=None):
    """A 0/1 keep-mask (dtype of x) of ``noise_shape`` (default x's shape): 1 with probability 1 - rate."""
    (x,) = tensors(x)
    shape = tuple(x.shape if noise_shape is None else noise_shape)
    u = random_uniform(shape, dtype=x.dtype, seed=seed, like=x)
    return S.cast(E.greater_equal(u, rate), x.dtype)


def apply_dropout_mask(x, mask, rate):
    """x * mask / (1 - rate): the mask broadcasts (noise_shape), the kept units are scaled up."""
    x, mask = tensors(x, mask)
    return E.divide(E.multiply(x, mask), 1.0 - rate)


def dropout(x, rate, noise_shape=None, seed=None):
    """Inverted dropout (K.dropout): zero each unit with probability ``rate``, scale the rest."""
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout: rate must be in [0, 1), got {rate}")
    if rate == 0.0:
        return x
    return apply_dropout_mask(x, dropout_mask(x, rate, noise_shape, seed), rate)
