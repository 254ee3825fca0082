"""Core layers (Keras 2.2.4 ``keras/layers/core.py``): Dense, Activation, Dropout, Flatten, Reshape,
Permute, RepeatVector, Lambda, ActivityRegularization."""

__all__ = [
    "Dense", "Activation", "Dropout", "Flatten", "Masking", "Reshape", "Permute", "RepeatVector", "Lambda",
    "ActivityRegularization",
]

import numpy as np

from .. import activations, constraints, initializers, ops, regularizers
from .. import backend as K
from .base import InputSpec, Layer, shape_str


def _serialize(module, obj):
    return module.serialize(obj) if obj is not None else None


def bias_and_activation(outputs, bias, activation):
    """A Dense or convolution layer's epilogue: ``activation(outputs + bias)`` (no bias: None). relu with Keras'
    defaults after a bias is one op, ``ops.bias_relu``: the same numbers and gradients, one pass over the outputs
    instead of two and no pre-activation kept for the backward."""
    if bias is None:
        return activation(outputs)
    if activation is activations.relu:
        return ops.bias_relu(outputs, bias)
    return activation(ops.add(outputs, bias))


class Dense(Layer):
    """output = activation(dot(input, kernel) + bias); kernel (input_dim, units)."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        if "input_shape" not in kwargs and "input_dim" in kwargs:
            kwargs["input_shape"] = (kwargs.pop("input_dim"),)
        super().__init__(**kwargs)
        if int(units) <= 0:
            raise ValueError(f"Dense: units must be a positive integer, got {units!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight("kernel", (input_dim, self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = self.add_weight("bias", (self.units,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint) \
            if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs):
        return bias_and_activation(K.dot(inputs, self.kernel), self.bias if self.use_bias else None,
                                   self.activation)

    def compute_output_shape(self, input_shape):
        if len(input_shape) < 2 or input_shape[-1] is None:
            raise ValueError(f"Dense {self.name}: the last dimension of the input must be defined, "
                             f"got {shape_str(input_shape)}")
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": _serialize(regularizers, self.kernel_regularizer),
                "bias_regularizer": _serialize(regularizers, self.bias_regularizer),
                "activity_regularizer": _serialize(regularizers, self.activity_regularizer),
                "kernel_constraint": _serialize(constraints, self.kernel_constraint),
                "bias_constraint": _serialize(constraints, self.bias_constraint)}


class Activation(Layer):
    """Applies an activation function (name or callable)."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Dropout(Layer):
    """Inverted dropout in training (units zeroed with probability ``rate``, the rest scaled by
    1/(1-rate)); the identity in inference. ``noise_shape`` broadcasts one mask over axes of size 1."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= float(rate) <= 1.0:
            raise ValueError(f"Dropout: rate must be in [0, 1], got {rate!r}")
        self.rate = min(1.0, max(0.0, float(rate)))
        self.noise_shape = noise_shape
        self.seed = seed
        self.supports_masking = True

    def _noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        return tuple(inputs.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))

    def call(self, inputs, training=None):
        if 0.0 < self.rate < 1.0 and training:
            return ops.dropout(inputs, self.rate, self._noise_shape(inputs), self.seed)
        return inputs

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed}


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1*d2*...); the non-batch dimensions must be known."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"
        self.input_spec = InputSpec(min_ndim=3)

    def compute_output_shape(self, input_shape):
        if any(d is None for d in input_shape[1:]):
            raise ValueError(f'The shape of the input to "Flatten" is not fully defined '
                             f"(got {shape_str(input_shape[1:])}). Make sure to pass a complete "
                             '"input_shape" or "batch_input_shape" argument to the first layer in your model.')
        return (input_shape[0], int(np.prod(input_shape[1:])))

    def call(self, inputs):
        if self.data_format == "channels_first":
            inputs = ops.transpose(inputs, [0] + list(range(2, inputs.ndim)) + [1])
        return ops.reshape(inputs, (inputs.shape[0], -1))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Reshape the non-batch dimensions to ``target_shape`` (one entry may be -1)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def _fix_unknown(self, input_shape):
        known = [d for d in input_shape if d is not None]
        original = int(np.prod(known)) if None not in input_shape else None
        output = list(self.target_shape)
        unknown = [i for i, d in enumerate(output) if d is None or d < 0]
        if len(unknown) > 1:
            raise ValueError(f"Reshape {self.name}: can only specify one unknown dimension, got {self.target_shape}")
        rest = int(np.prod([d for d in output if d is not None and d >= 0]))
        if unknown:
            if original is not None:
                if rest == 0 or original % rest:
                    raise ValueError(self._size_error(input_shape))
                output[unknown[0]] = original // rest
        elif original is not None and original != rest:
            raise ValueError(self._size_error(input_shape))
        return tuple(output)

    def _size_error(self, input_shape):
        return (f"Reshape {self.name}: total size of new array must be unchanged: cannot reshape "
                f"{shape_str(input_shape)} into {shape_str(self.target_shape)}")

    def compute_output_shape(self, input_shape):
        if None in input_shape[1:]:
            return (input_shape[0],) + tuple(d if d is not None and d >= 0 else None for d in self.target_shape)
        return (input_shape[0],) + self._fix_unknown(input_shape[1:])

    def call(self, inputs):
        return ops.reshape(inputs, (inputs.shape[0],) + self._fix_unknown(inputs.shape[1:]))

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Permute the non-batch dimensions; ``dims`` counts from 1 (Keras): Permute((2, 1))."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Permute: dims must be a permutation of 1..{len(self.dims)} (1-indexed), got {dims}")
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def call(self, inputs):
        return ops.transpose(inputs, (0,) + self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features)."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def call(self, inputs):
        return ops.broadcast_to(ops.expand_dims(inputs, 1), (inputs.shape[0], self.n, inputs.shape[1]))

    def get_config(self):
        return {**super().get_config(), "n": self.n}


class Lambda(Layer):
    """Wraps ``function(inputs, **arguments)``. ``output_shape`` (tuple without the batch axis, or a
    function of the input shape) is inferred, when not given, by running the function on zeros."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function = function
        self.arguments = arguments or {}
        self._output_shape = output_shape
        self.mask = mask
        self.supports_masking = mask is not None

    def call(self, inputs, mask=None):
        return self.function(inputs, **self.arguments)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return self._infer_output_shape(input_shape)
        if callable(self._output_shape):
            shape = self._output_shape(input_shape)
            return tuple(shape) if not isinstance(shape, list) else [tuple(s) for s in shape]
        many = isinstance(input_shape, list)
        batch = input_shape[0][0] if many else input_shape[0]
        return (batch,) + tuple(self._output_shape)

    def _infer_output_shape(self, input_shape):
        many = isinstance(input_shape, list)
        shapes = input_shape if many else [input_shape]
        probes = [ops.zeros(tuple(2 if d is None else d for d in s), like=None, impl=self.impl) for s in shapes]
        out = self.function(probes if many else probes[0], **self.arguments)
        outs = out if isinstance(out, (list, tuple)) else [out]
        batch = shapes[0][0]
        result = [(batch,) + tuple(o.shape[1:]) for o in outs]
        return result if isinstance(out, (list, tuple)) else result[0]

    def get_config(self):
        if getattr(self.function, "__name__", "<lambda>") == "<lambda>":
            function = {"lambda": True, "repr": repr(self.function)}
        else:
            function = f"{self.function.__module__}.{self.function.__qualname__}"
        return {**super().get_config(), "function": function, "output_shape": self._output_shape,
                "arguments": self.arguments}

    @classmethod
    def from_config(cls, config_, custom_objects=None):
        config_ = dict(config_)
        function = config_.pop("function")
        if isinstance(function, str) and custom_objects and function.rsplit(".", 1)[-1] in custom_objects:
            function = custom_objects[function.rsplit(".", 1)[-1]]
        elif isinstance(function, str):
            import importlib
            module, _, name = function.rpartition(".")
            obj = importlib.import_module(module)
            for part in name.split("."):
                obj = getattr(obj, part)
            function = obj
        else:
            raise ValueError(f"Lambda.from_config: the function {function.get('repr')} is an anonymous lambda and "
                             "cannot be restored; pass it via custom_objects or use a named function")
        return cls(function, **config_)


class ActivityRegularization(Layer):
    """Identity that adds l1 * sum|x| + l2 * sum x^2 of its output to the losses."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(**kwargs)
        self.l1, self.l2 = float(l1), float(l2)
        self.activity_regularizer = regularizers.L1L2(l1=self.l1, l2=self.l2)
        self.supports_masking = True

    def get_config(self):
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}


class Masking(Layer):
    """Masks timesteps whose features all equal ``mask_value``: those steps are zeroed and the mask
    (batch, steps) flows to the layers that use it (RNNs, losses)."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.mask_value = mask_value

    def _produces_mask(self):
        return True

    def compute_mask(self, inputs, mask=None):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return ops.multiply(inputs, ops.cast(keep, inputs.dtype))

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
