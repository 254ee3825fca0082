"""BatchNormalization (Keras 2.2.4 ``keras/layers/normalization.py`` on the TensorFlow backend).

Weights, in order: gamma (if ``scale``) and beta (if ``center``), trainable; moving_mean and
moving_variance, non-trainable; each of shape (C,), C the size of ``axis``.

* Inference (``training`` false, or ``None`` with learning phase 0): the moving statistics,
  y = (x - moving_mean) / sqrt(moving_variance + epsilon) * gamma + beta.
* Training (``training`` true): the batch mean and the BIASED batch variance over every axis
  but ``axis`` (``ops.batch_norm_train``). After the forward pass, once per call, the layer
  assigns its moving statistics (no gradient), as the update ops Keras' train function ran:

  - the variance fed to the moving average is Keras 2.2.4's: the biased batch variance times
    n / (n - (1 + epsilon)) (n values per channel), and for a 4-D input normalized over axis 3
    or 1 (TensorFlow's fused batch norm, whose batch variance already carries Bessel's n / (n-1))
    times n / (n - 1) as well;
  - the moving average is ``K.moving_average_update``, i.e. TensorFlow's
    ``assign_moving_average(..., zero_debias=True)``: a hidden accumulator
    ``biased = biased - (biased - value) * (1 - momentum)`` starting at 0, a step count t, and
    ``moving = biased / (1 - momentum^t)``. The moving value therefore does not depend on its
    initial value (nor on ``set_weights``) once the layer has trained one step; the accumulator
    is not a weight (not saved, not counted), as in Keras.
  - a layer with ``trainable=False`` does not update (Keras 2.2.4's ``get_updates_for`` returns
    nothing for it) but still normalizes with the batch statistics in training mode.

For 4-D inputs normalized over axis 3 or 1 the normalization uses max(epsilon, 1.001e-5)
(TensorFlow's fused kernel's floor). Decisions and sources: conformance/spec/conventions/norm.md.
"""

__all__ = ["BatchNormalization"]

import numpy as np

from .. import constraints, initializers, ops, regularizers
from ..tape import no_grad
from .base import InputSpec, Layer, shape_str, updates_enabled

# TensorFlow's fused_batch_norm raises a smaller epsilon to this (a cuDNN requirement).
FUSED_MIN_EPSILON = 1.001e-5


def _serialize(module, obj):
    return module.serialize(obj) if obj is not None else None


class BatchNormalization(Layer):
    """Normalize each channel of ``axis`` with batch statistics (training) or moving ones (inference)."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            raise TypeError(f"BatchNormalization: axis must be an int in Keras 2.2.4, got {axis!r}")
        self.supports_masking = True
        self.axis = int(axis)
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self._debias_step = 0            # TensorFlow's local_step of the zero-debiased moving averages
        self._biased = None              # their accumulators {weight name: tensor}

    def _channel_axis(self, ndim):
        if not -ndim <= self.axis < ndim:
            raise ValueError(f"BatchNormalization {self.name}: axis {self.axis} is out of range for an input of "
                             f"rank {ndim}")
        return self.axis % ndim

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        dim = input_shape[self._channel_axis(len(input_shape))]
        if dim is None:
            raise ValueError(f"Axis {self.axis} of input tensor should have a defined dimension but the layer "
                             f"received an input with shape {shape_str(input_shape)}.")
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        shape = (dim,)
        self.gamma = self.add_weight("gamma", shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer, constraint=self.gamma_constraint) \
            if self.scale else None
        self.beta = self.add_weight("beta", shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer, constraint=self.beta_constraint) \
            if self.center else None
        self.moving_mean = self.add_weight("moving_mean", shape, initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", shape,
                                               initializer=self.moving_variance_initializer, trainable=False)
        self.built = True

    # -- the two modes ----------------------------------------------------------------------------------
    def _fused(self, ndim):
        """Keras 2.2.4 sends a 4-D input normalized over axis 3 (NHWC) or 1 (NCHW) to TF's fused kernel."""
        return ndim == 4 and self._channel_axis(ndim) in (1, 3)

    def _normalize_epsilon(self, ndim):
        return max(self.epsilon, FUSED_MIN_EPSILON) if self._fused(ndim) else self.epsilon

    def call(self, inputs, training=None):
        axis = self._channel_axis(inputs.ndim)
        eps = self._normalize_epsilon(inputs.ndim)
        if not training:
            return ops.batch_norm(inputs, self.moving_mean, self.moving_variance, self.gamma, self.beta,
                                  epsilon=eps, axis=axis)
        outputs, mean, variance = ops.batch_norm_train(inputs, self.gamma, self.beta, epsilon=eps, axis=axis)
        if updates_enabled(self):
            self._update_moving_statistics(inputs, mean, variance)
        return outputs

    def _update_moving_statistics(self, inputs, mean, variance):
        """One zero-debiased moving-average step of the mean and of the corrected variance."""
        dtype = np.dtype(inputs.dtype)
        t = dtype.type
        n = int(np.prod([d for i, d in enumerate(inputs.shape) if i != self._channel_axis(inputs.ndim)]))
        with no_grad():
            if self._fused(inputs.ndim):  # TF's fused kernel returns the variance times n / (n - 1) (n > 1)
                variance = ops.multiply(variance, float(t(n) / t(max(n - 1, 1))))
            # Keras 2.2.4: variance *= sample_size / (sample_size - (1.0 + epsilon)), in the input's dtype
            variance = ops.multiply(variance, float(t(n) / (t(n) - t(1.0 + self.epsilon))))
            if self._biased is None:
                self._biased = {w.name: ops.zeros(w.shape, w.dtype, like=w) for w in self._moving()}
            self._debias_step += 1
            decay = t(1.0 - self.momentum)  # TF: convert_to_tensor(1.0 - momentum), cast to the variable's dtype
            factor = t(1) - (t(1) - decay) ** t(self._debias_step)
            for weight, value in zip(self._moving(), (mean, variance)):
                biased = self._biased[weight.name]
                biased = ops.subtract(biased, ops.multiply(ops.subtract(biased, ops.cast(value, weight.dtype)),
                                                           float(decay)))
                self._biased[weight.name] = biased
                weight.assign(ops.divide(biased, float(factor)))

    def _moving(self):
        return (self.moving_mean, self.moving_variance)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
                "beta_regularizer": _serialize(regularizers, self.beta_regularizer),
                "gamma_regularizer": _serialize(regularizers, self.gamma_regularizer),
                "beta_constraint": _serialize(constraints, self.beta_constraint),
                "gamma_constraint": _serialize(constraints, self.gamma_constraint)}
