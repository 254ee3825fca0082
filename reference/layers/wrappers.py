"""Layer wrappers: TimeDistributed, Bidirectional (Keras 2.2.4 ``keras/layers/wrappers.py``).

``TimeDistributed(layer)`` applies ``layer`` to every timestep (axis 1) of its input by folding the
timesteps into the batch: (batch, steps, ...) -> (batch * steps, ...) -> layer -> (batch, steps, ...),
Keras 2.2.4's path for an unknown batch size (with a known one Keras loops over the steps with
``K.rnn``: the same numbers for any layer that treats samples independently).

``Bidirectional(rnn, merge_mode='concat')`` runs a copy of the RNN forwards and a new instance (from
its config, ``go_backwards`` flipped) backwards; the backward output sequence is reversed back to
chronological order before merging (concat, sum, mul, ave, or None for the list of both). Its weights
are the forward layer's then the backward layer's (twice the parameters). Conventions:
conformance/spec/conventions/rnn.md.
"""

__all__ = ["Wrapper", "TimeDistributed", "Bidirectional"]

import copy

from .. import ops
from .base import InputSpec, Layer, _as_list, shape_str
from .recurrent import _is_symbolic, _standardize_args, has_arg, rename_weights


def _deserialize(config, custom_objects, cls):
    from ..engine.serialization import deserialize_layer
    return deserialize_layer(config, custom_objects, getattr(cls, "_default_impl", None))


class Wrapper(Layer):
    """Abstract base: a layer that augments another (``self.layer``); its weights are the inner layer's."""

    def __init__(self, layer, **kwargs):
        self.layer = layer
        super().__init__(**kwargs)

    def build(self, input_shape=None):
        self.built = True

    def _build_inner(self, layer, input_shape, scope):
        if not layer.built:
            if layer._impl is None:
                layer._impl = self.impl
            if hasattr(layer, "_weight_scope"):
                layer._weight_scope = scope
            layer.build(input_shape)
            layer.built = True
            rename_weights(layer.weights, scope)
            if layer._initial_weights is not None:
                layer.set_weights(layer._initial_weights)
                layer._initial_weights = None

    @property
    def activity_regularizer(self):
        return getattr(self.layer, "activity_regularizer", None)

    def _sublayers(self):
        return [self.layer]

    @property
    def trainable(self):
        return self.layer.trainable

    @trainable.setter
    def trainable(self, value):
        self.layer.trainable = value

    @property
    def trainable_weights(self):
        return self.layer.trainable_weights

    @property
    def non_trainable_weights(self):
        return self.layer.non_trainable_weights

    @property
    def losses(self):
        return list(self.layer.losses) + super().losses

    def get_weights(self):
        return self.layer.get_weights()

    def set_weights(self, weights):
        self.layer.set_weights(weights)

    def get_config(self):
        return {**super().get_config(), "layer": {"class_name": type(self.layer).__name__,
                                                  "config": self.layer.get_config()}}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = _deserialize(config.pop("layer"), custom_objects, cls)
        return cls(layer, **config)


class TimeDistributed(Wrapper):
    """Applies ``layer`` to every temporal slice (axis 1) of an input of rank >= 3."""

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) < 3:
            raise ValueError(f"TimeDistributed {self.name}: the input must have rank >= 3 (batch, timesteps, ...), "
                             f"got {shape_str(input_shape)}")
        # The batch size of the first call is not a property of the layer (Keras builds on symbolic shapes).
        self.input_spec = InputSpec(shape=(None,) + input_shape[1:])
        self._build_inner(self.layer, (input_shape[0],) + input_shape[2:], self.name)
        self.built = True

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        child = tuple(self.layer.compute_output_shape((input_shape[0],) + input_shape[2:]))
        return (child[0], input_shape[1]) + child[1:]

    def _produces_mask(self):
        return self.layer._produces_mask()

    def call(self, inputs, training=None, mask=None):
        kwargs = {"training": training} if has_arg(self.layer.call, "training") else {}
        batch, steps = inputs.shape[0], inputs.shape[1]
        inner = ops.reshape(inputs, (-1,) + tuple(inputs.shape[2:]))
        if has_arg(self.layer.call, "mask") and mask is not None:
            kwargs["mask"] = ops.reshape(mask, (-1,) + tuple(mask.shape[2:]))
        y = self.layer.call(inner, **kwargs)
        return ops.reshape(y, (batch, steps) + tuple(y.shape[1:]))

    def compute_mask(self, inputs, mask=None):
        """The inner layer's mask for every timestep; else the input mask reduced to (batch, steps); else None."""
        batch, steps = inputs.shape[0], inputs.shape[1]
        inner_mask = None if mask is None else ops.reshape(mask, (-1,) + tuple(mask.shape[2:]))
        output_mask = self.layer.compute_mask(ops.reshape(inputs, (-1,) + tuple(inputs.shape[2:])), inner_mask)
        if output_mask is None:
            if mask is None:
                return None
            while mask.ndim > 2:
                mask = ops.any(mask, axis=-1)
            return mask
        return ops.reshape(output_mask, (batch, steps) + tuple(output_mask.shape[1:]))


_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


class Bidirectional(Wrapper):
    """Bidirectional wrapper for RNNs: forward and backward copies, outputs merged by ``merge_mode``."""

    def __init__(self, layer, merge_mode="concat", weights=None, **kwargs):
        if merge_mode not in _MERGE_MODES:
            raise ValueError('Invalid merge mode. Merge mode should be one of {"sum", "mul", "ave", "concat", None}')
        self.forward_layer = copy.copy(layer)
        self.forward_layer._inbound_nodes, self.forward_layer._outbound_nodes = [], []
        config = layer.get_config()
        config["go_backwards"] = not config["go_backwards"]
        cell = getattr(layer, "cell", None)
        custom = {type(c).__name__: type(c) for c in [cell] + list(getattr(cell, "cells", []) or []) if c is not None}
        if has_arg(type(layer).from_config, "custom_objects"):
            self.backward_layer = type(layer).from_config(config, custom_objects=custom)
        else:
            self.backward_layer = type(layer).from_config(config)
        self.forward_layer.name = "forward_" + self.forward_layer.name
        self.backward_layer.name = "backward_" + self.backward_layer.name
        self.merge_mode = merge_mode
        if weights:
            nw = len(weights)
            self.forward_layer._initial_weights = weights[:nw // 2]
            self.backward_layer._initial_weights = weights[nw // 2:]
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self._trainable = True
        super().__init__(layer, **kwargs)
        # Keras 2.2.4 sets `stateful` before Layer.__init__, which resets it to False: kept (see rnn.md).
        self.supports_masking = True
        self.input_spec = layer.input_spec

    def _sublayers(self):
        return [self.forward_layer, self.backward_layer]

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = value
        self.forward_layer.trainable = value
        self.backward_layer.trainable = value

    @property
    def trainable_weights(self):
        return self.forward_layer.trainable_weights + self.backward_layer.trainable_weights

    @property
    def non_trainable_weights(self):
        return self.forward_layer.non_trainable_weights + self.backward_layer.non_trainable_weights

    @property
    def losses(self):
        return self.forward_layer.losses + self.backward_layer.losses + super(Wrapper, self).losses

    def get_weights(self):
        return self.forward_layer.get_weights() + self.backward_layer.get_weights()

    def set_weights(self, weights):
        nw = len(weights)
        self.forward_layer.set_weights(weights[:nw // 2])
        self.backward_layer.set_weights(weights[nw // 2:])

    def compute_output_shape(self, input_shape):
        output_shape = self.forward_layer.compute_output_shape(input_shape)
        state_shape = None
        if self.return_state:
            state_shape = output_shape[1:]
            output_shape = output_shape[0]
        if self.merge_mode == "concat":
            output_shape = tuple(output_shape[:-1]) + (output_shape[-1] * 2,)
        elif self.merge_mode is None:
            output_shape = [output_shape, tuple(output_shape)]
        if self.return_state:
            if self.merge_mode is None:
                return output_shape + state_shape + list(state_shape)
            return [output_shape] + state_shape + list(state_shape)
        return output_shape

    def build(self, input_shape):
        shape = input_shape[0] if isinstance(input_shape, list) else input_shape
        for layer in (self.forward_layer, self.backward_layer):
            self._build_inner(layer, tuple(shape), f"{self.name}/{layer.name}")
        self.built = True

    def __call__(self, inputs, initial_state=None, constants=None, **kwargs):
        if constants is not None:
            raise NotImplementedError("Bidirectional: external `constants` for the cells are not supported")
        inputs, initial_state = _standardize_args(inputs, initial_state)
        if initial_state is not None and len(initial_state) % 2:
            raise ValueError("When passing `initial_state` to a Bidirectional RNN, the state should be a list "
                             f"containing the states of the underlying RNNs. Found: {initial_state}")
        if initial_state is None:
            outputs = super().__call__(inputs, **kwargs)
        elif all(_is_symbolic(s) for s in initial_state) and _is_symbolic(inputs):
            specs = [InputSpec(shape=s.shape) for s in initial_state]
            original = self.input_spec
            self.input_spec = _as_list(original) + specs
            try:
                outputs = super().__call__([inputs] + initial_state, **kwargs)
            finally:
                self.input_spec = original
        elif any(_is_symbolic(s) for s in initial_state + [inputs]):
            raise ValueError("The initial state of a Bidirectional layer cannot be specified with a mix of Keras "
                             "tensors and non-Keras tensors (a \"Keras tensor\" is a tensor that was returned by a "
                             "Keras layer, or by `Input`)")
        else:
            outputs = super().__call__(inputs, initial_state=initial_state, **kwargs)
        if _is_symbolic(_as_list(outputs)[0]):
            masks = _as_list(self.compute_mask(None, True if getattr(inputs, "_keras_mask", None) is not None
                                               else None))
            for out, m in zip(_as_list(outputs), masks):
                out._keras_mask = True if m is not None else None
        return outputs

    def call(self, inputs, mask=None, training=None, initial_state=None):
        if isinstance(inputs, list):
            initial_state = inputs[1:] or None
            inputs = inputs[0]
        if isinstance(mask, list):
            mask = mask[0]
        kwargs = {}
        if has_arg(self.layer.call, "training"):
            kwargs["training"] = training
        if has_arg(self.layer.call, "mask"):
            kwargs["mask"] = mask
        if initial_state is not None and has_arg(self.layer.call, "initial_state"):
            half = len(initial_state) // 2
            y = self.forward_layer.call(inputs, initial_state=list(initial_state[:half]), **kwargs)
            y_rev = self.backward_layer.call(inputs, initial_state=list(initial_state[half:]), **kwargs)
        else:
            y = self.forward_layer.call(inputs, **kwargs)
            y_rev = self.backward_layer.call(inputs, **kwargs)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.getitem(y_rev, (slice(None), slice(None, None, -1)))
        if self.merge_mode == "concat":
            output = ops.concatenate([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            output = ops.add(y, y_rev)
        elif self.merge_mode == "ave":
            output = ops.divide(ops.add(y, y_rev), 2)
        elif self.merge_mode == "mul":
            output = ops.multiply(y, y_rev)
        else:
            output = [y, y_rev]
        if self.return_state:
            return (output if self.merge_mode is None else [output]) + states
        return output

    def reset_states(self):
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        if self.return_sequences:
            output_mask = [mask, mask] if not self.merge_mode else mask
        else:
            output_mask = [None, None] if not self.merge_mode else None
        if self.return_state:
            state_mask = [None] * len(self.forward_layer.states)
            if isinstance(output_mask, list):
                return output_mask + state_mask * 2
            return [output_mask] + state_mask * 2
        return output_mask

    def get_config(self):
        return {**super().get_config(), "merge_mode": self.merge_mode}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = _deserialize(config.pop("layer"), custom_objects, cls)
        config.pop("num_constants", None)
        return cls(layer, **config)
