"""Convolution layers (Keras 2.2.4 ``keras/layers/convolutional.py``): Conv1D, Conv2D, SeparableConv1D,
SeparableConv2D, DepthwiseConv2D, Conv2DTranspose, and Keras 2.2.4's aliases of them.

channels_last (Keras' default and the books'): inputs (batch, [rows,] cols, channels), kernels
(k..., in, out); Conv2DTranspose's kernel is (kh, kw, out, in). ``data_format='channels_first'`` is
supported by transposing to channels_last and back (same weights, same layout of the kernel).
Output sizes follow ``conv_utils.conv_output_length`` / ``deconv_length``; a size that would be
zero or negative is an error naming the layer (TensorFlow's "Negative dimension size").
The padding and the strides-with-dilation rule: ``nnspec.reference.ops.conv``.
"""

__all__ = [
    "Conv1D", "Conv2D", "SeparableConv1D", "SeparableConv2D", "DepthwiseConv2D", "Conv2DTranspose",
    "Convolution1D", "Convolution2D", "SeparableConvolution1D", "SeparableConvolution2D",
    "Convolution2DTranspose", "Deconvolution2D", "Deconv2D",
]

from .. import activations, constraints, initializers, ops, regularizers
from ..ops import conv as C
from .base import InputSpec, Layer, shape_str
from .core import bias_and_activation


def _serialize(module, obj):
    return module.serialize(obj) if obj is not None else None


def _arguments(names, exclude=()):
    """A constructor's arguments as keywords for its base class: its ``locals()`` at entry, without self, __class__
    and ``exclude``, with ``**kwargs`` unpacked."""
    arguments = {k: v for k, v in names.items() if k not in ("self", "__class__", "kwargs", *exclude)}
    return {**arguments, **names["kwargs"]}


def _with_kernels(config, layer, kinds):
    """A convolution's config with the kernels ``kinds`` (depthwise, pointwise) in place of its one kernel:
    depth_multiplier, then their initializers, regularizers and constraints (Keras 2.2.4's order of the keys)."""
    for key in ("kernel_initializer", "kernel_regularizer", "kernel_constraint"):
        config.pop(key)
    config["depth_multiplier"] = layer.depth_multiplier
    config.update({f"{k}_initializer": initializers.serialize(getattr(layer, f"{k}_initializer")) for k in kinds})
    config.update({f"{k}_regularizer": _serialize(regularizers, getattr(layer, f"{k}_regularizer")) for k in kinds})
    config.update({f"{k}_constraint": _serialize(constraints, getattr(layer, f"{k}_constraint")) for k in kinds})
    return config


class _Conv(Layer):
    """The shared part of the convolutions: arguments, output shape, bias, activation, data format."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        what = type(self).__name__
        self.filters = int(filters) if filters is not None else None
        self.kernel_size = C.normalize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = C.normalize_tuple(strides, self.rank, "strides")
        self.padding = C.normalize_padding(padding)
        self.data_format = C.normalize_data_format(data_format)
        self.dilation_rate = C.normalize_tuple(dilation_rate, self.rank, "dilation_rate")
        C.check_strides_dilation(self.strides, self.dilation_rate, what)
        if self.padding == "causal" and not isinstance(self, Conv1D):
            raise ValueError(f"{what}: padding 'causal' is only for Conv1D (Keras 2.2.4's backend rejects it here)")
        if self.padding == "causal" and self.data_format != "channels_last":
            raise ValueError('When using causal padding in `Conv1D`, `data_format` must be "channels_last" '
                             "(temporal data).")
        if any(k < 1 for k in self.kernel_size):
            raise ValueError(f"{what}: kernel_size must be positive, got {self.kernel_size}")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    # -- shapes -------------------------------------------------------------------------------------
    @property
    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    def _input_dim(self, input_shape):
        dim = input_shape[self._channel_axis]
        if dim is None:
            raise ValueError(f"{type(self).__name__} {self.name}: the channel dimension of the inputs should be "
                             f"defined. Found `None` (input shape {shape_str(input_shape)}).")
        return int(dim)

    def _space(self, input_shape):
        return tuple(input_shape[2:]) if self.data_format == "channels_first" else tuple(input_shape[1:-1])

    def _new_space(self, space):
        out = []
        for i, n in enumerate(space):
            m = C.conv_output_length(n, self.kernel_size[i], self.padding, self.strides[i], self.dilation_rate[i])
            if m is not None and m < 1:
                raise ValueError(
                    f"{type(self).__name__} {self.name}: negative dimension size: spatial axis {i} of length {n} is "
                    f"shorter than the kernel {self.kernel_size} (dilation {self.dilation_rate}) with padding "
                    f"{self.padding!r}")
            out.append(m)
        return tuple(out)

    def _output_channels(self, input_shape):
        return self.filters

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(f"{type(self).__name__} {self.name}: expected an input of rank {self.rank + 2}, "
                             f"got {shape_str(input_shape)}")
        space = self._new_space(self._space(input_shape))
        channels = self._output_channels(input_shape)
        if self.data_format == "channels_first":
            return (input_shape[0], channels) + space
        return (input_shape[0],) + space + (channels,)

    # -- weights and call -----------------------------------------------------------------------------
    def _add_bias(self, size):
        self.bias = self.add_weight("bias", (size,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint) \
            if self.use_bias else None

    def _set_input_spec(self, input_dim):
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: input_dim})

    def _set_depthwise(self, depth_multiplier, initializer, regularizer, constraint):
        """The arguments of the depthwise kernel of SeparableConv* and DepthwiseConv2D."""
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = initializers.get(initializer)
        self.depthwise_regularizer = regularizers.get(regularizer)
        self.depthwise_constraint = constraints.get(constraint)

    def _add_depthwise_kernel(self, input_dim):
        """The depthwise kernel (k..., in, depth_multiplier) of SeparableConv* and DepthwiseConv2D."""
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", self.kernel_size + (input_dim, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)

    def _kernel_shape(self, input_dim):
        return self.kernel_size + (input_dim, self.filters)

    def build(self, input_shape):
        input_dim = self._input_dim(input_shape)
        self.kernel = self.add_weight("kernel", self._kernel_shape(input_dim),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self._add_bias(self.filters)
        self._set_input_spec(input_dim)
        self.built = True

    def _convolve(self, x):
        """The convolution of a channels_last input."""
        raise NotImplementedError

    def call(self, inputs):
        first = self.data_format == "channels_first"
        x = ops.transpose(inputs, (0,) + tuple(range(2, self.rank + 2)) + (1,)) if first else inputs
        outputs = bias_and_activation(self._convolve(x), self.bias if self.use_bias else None, self.activation)
        return ops.transpose(outputs, (0, self.rank + 1) + tuple(range(1, self.rank + 1))) if first else outputs

    # -- configuration ----------------------------------------------------------------------------------
    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": _serialize(regularizers, self.kernel_regularizer),
                "bias_regularizer": _serialize(regularizers, self.bias_regularizer),
                "activity_regularizer": _serialize(regularizers, self.activity_regularizer),
                "kernel_constraint": _serialize(constraints, self.kernel_constraint),
                "bias_constraint": _serialize(constraints, self.bias_constraint)}


class Conv1D(_Conv):
    """Temporal convolution: (batch, steps, channels) -> (batch, new_steps, filters); kernel (k, in, filters).

    ``padding='causal'``: (k - 1) * dilation_rate zeros on the left, so output t sees inputs <= t.
    """

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format="channels_last",
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**_arguments(locals()))

    def _convolve(self, x):
        return ops.conv1d(x, self.kernel, self.strides[0], self.padding, "channels_last", self.dilation_rate[0])


class Conv2D(_Conv):
    """Spatial convolution: (batch, rows, cols, channels) -> (batch, new_rows, new_cols, filters);
    kernel (kh, kw, in, filters)."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**_arguments(locals()))

    def _convolve(self, x):
        return ops.conv2d(x, self.kernel, self.strides, self.padding, "channels_last", self.dilation_rate)


class Conv2DTranspose(Conv2D):
    """Transposed convolution (the gradient of Conv2D w.r.t. its input): kernel (kh, kw, filters, in).

    Output size per axis: ``deconv_length`` (output_padding None: n*s + max(k' - s, 0) for 'valid',
    n*s for 'same'; else (n - 1)*s + k' - 2*pad + output_padding, pad = k' // 2 for 'same', 0 for
    'valid', k' the dilated kernel). The padding actually applied is that of the forward convolution
    of the output size (TensorFlow's rule): floor(total / 2) before, the rest after.
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None, data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**_arguments(locals(), exclude=("output_padding",)))
        self.output_padding = output_padding
        if output_padding is not None:
            self.output_padding = C.normalize_tuple(output_padding, 2, "output_padding")
            for stride, out_pad in zip(self.strides, self.output_padding):
                if out_pad >= stride:
                    raise ValueError(f"Stride {self.strides} must be greater than output padding "
                                     f"{self.output_padding}")

    def _kernel_shape(self, input_dim):
        return self.kernel_size + (self.filters, input_dim)

    def _new_space(self, space):
        pads = self.output_padding or (None, None)
        out = []
        for i, n in enumerate(space):
            m = C.deconv_length(n, self.strides[i], self.kernel_size[i], self.padding, pads[i], self.dilation_rate[i])
            back = C.conv_output_length(m, self.kernel_size[i], self.padding, self.strides[i], self.dilation_rate[i])
            if m is not None and (m < 1 or back != n):
                # TensorFlow's Conv2DBackpropInput rejects an output size whose forward convolution is not n
                raise ValueError(
                    f"Conv2DTranspose {self.name}: output length {m} along spatial axis {i} (input {n}, kernel "
                    f"{self.kernel_size}, strides {self.strides}, padding {self.padding!r}, output_padding "
                    f"{self.output_padding}) does not convolve back to {n} (gives {back})")
            out.append(m)
        return tuple(out)

    def _convolve(self, x):
        h, w = self._new_space(tuple(x.shape[1:3]))
        return ops.conv2d_transpose(x, self.kernel, (x.shape[0], h, w, self.filters), self.strides, self.padding,
                                    "channels_last", self.dilation_rate)

    def get_config(self):
        return {**super().get_config(), "output_padding": self.output_padding}


class _SeparableConv(_Conv):
    """Depthwise convolution (depth_multiplier outputs per input channel) then a pointwise 1x1 convolution."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        if padding == "causal":
            raise ValueError(f"{type(self).__name__}: padding 'causal' is only for Conv1D")
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, bias_constraint=bias_constraint, **kwargs)
        self._set_depthwise(depth_multiplier, depthwise_initializer, depthwise_regularizer, depthwise_constraint)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        input_dim = self._input_dim(input_shape)
        self._add_depthwise_kernel(input_dim)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", (1,) * self.rank + (input_dim * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self._add_bias(self.filters)
        self._set_input_spec(input_dim)
        self.built = True

    def get_config(self):
        return _with_kernels(super().get_config(), self, ("depthwise", "pointwise"))


class SeparableConv1D(_SeparableConv):
    """Separable temporal convolution: depthwise kernel (k, in, depth_multiplier), pointwise (1, in*dm, filters)."""

    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format="channels_last",
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**_arguments(locals()))

    def _convolve(self, x):
        return ops.separable_conv1d(x, self.depthwise_kernel, self.pointwise_kernel, self.strides[0], self.padding,
                                    "channels_last", self.dilation_rate[0])


class SeparableConv2D(_SeparableConv):
    """Separable convolution: depthwise kernel (kh, kw, in, depth_multiplier), pointwise (1, 1, in*dm, filters);
    params kh*kw*in*dm + in*dm*filters + filters."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**_arguments(locals()))

    def _convolve(self, x):
        return ops.separable_conv2d(x, self.depthwise_kernel, self.pointwise_kernel, self.strides, self.padding,
                                    "channels_last", self.dilation_rate)


class DepthwiseConv2D(Conv2D):
    """Depthwise convolution: kernel (kh, kw, in, depth_multiplier); output channel c*dm + j is channel c
    filtered with [:, :, c, j]; bias (in*dm,)."""

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1, data_format=None,
                 activation=None, use_bias=True, depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, dilation_rate=(1, 1), **kwargs):
        super().__init__(None, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, bias_constraint=bias_constraint, **kwargs)
        self._set_depthwise(depth_multiplier, depthwise_initializer, depthwise_regularizer, depthwise_constraint)

    def _output_channels(self, input_shape):
        c = input_shape[self._channel_axis]
        return None if c is None else c * self.depth_multiplier

    def build(self, input_shape):
        input_dim = self._input_dim(input_shape)
        self._add_depthwise_kernel(input_dim)
        self._add_bias(input_dim * self.depth_multiplier)
        self._set_input_spec(input_dim)
        self.built = True

    def _convolve(self, x):
        return ops.depthwise_conv2d(x, self.depthwise_kernel, self.strides, self.padding, "channels_last",
                                    self.dilation_rate)

    def get_config(self):
        config = super().get_config()
        config.pop("filters")
        return _with_kernels(config, self, ("depthwise",))


# Keras 2.2.4's aliases (the same classes: layers are named conv2d_1, ... whichever name builds them)
Convolution1D = Conv1D
Convolution2D = Conv2D
SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
Convolution2DTranspose = Conv2DTranspose
Deconvolution2D = Deconv2D = Conv2DTranspose
