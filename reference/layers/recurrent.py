"""Recurrent layers and cells (Keras 2.2.4 ``keras/layers/recurrent.py``).

``RNN(cell)`` runs a cell over the timesteps of its input with Keras 2.2.4's ``K.rnn``
(``nnspec.ops.rnn``): masks carry the previous output and states over masked steps,
``go_backwards`` processes the sequence from its end (the output sequence stays in processing
order), ``stateful`` layers keep their last states for the next batch, ``initial_state`` may be
given to the call. ``SimpleRNN``, ``LSTM`` and ``GRU`` are ``RNN`` over the three Keras cells, with
Keras 2 defaults (``recurrent_activation='hard_sigmoid'``, ``unit_forget_bias=True``,
``reset_after=False``, glorot_uniform kernels, orthogonal recurrent kernels).

For the three built-in cells the input projection of every timestep is one matmul over the whole
sequence (``cell``'s ``project``) and the time loop only does the recurrent matmul and the fused
gate math of each step (``nnspec.ops.rnn``). Any other cell (a ``Layer`` with ``call(inputs,
states)`` and ``state_size``, or a list of cells: ``StackedRNNCells``) is called step by step.

Dropout follows Keras 2 (Gal & Ghahramani): the masks of a cell are drawn once per call of the
layer and shared by every timestep; with ``implementation=1`` the LSTM draws one mask per gate
(4 for the inputs, 4 for the state) and the GRU 3 each; ``implementation=2`` uses the first only.
After a call in the training phase the masks are readable as ``layer.cell._dropout_mask`` and
``layer.cell._recurrent_dropout_mask`` (values 0 and 1/(1-rate)). Conventions:
conformance/spec/conventions/rnn.md.
"""

__all__ = ["RNN", "SimpleRNNCell", "LSTMCell", "GRUCell", "StackedRNNCells", "SimpleRNN", "LSTM", "GRU"]

import inspect
import warnings

import numpy as np

from .. import activations, constraints, initializers, ops, regularizers
from .. import backend as K
from ..ops.rnn import RNN_ACTIVATIONS, GRUStep, LSTMStep, SimpleRNNStep
from ..tensor import Tensor, Variable
from .base import InputSpec, Layer, _as_list, shape_str


def has_arg(fn, name):
    """Whether ``fn`` takes an argument called ``name`` (Keras' ``has_arg`` without accept_all)."""
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _serialize(module, obj):
    return module.serialize(obj) if obj is not None else None


def _named_activation(fn):
    """The name of a Keras activation the fused step kernels know, else the callable itself."""
    for name in RNN_ACTIVATIONS:
        if activations.ACTIVATIONS.get(name) is fn:
            return name
    return fn


def rename_weights(weights, scope):
    """Name weights ``<scope>/<name>`` as TensorFlow does for a layer built inside another's name scope
    (Keras 2.2.4: an LSTM's weights are ``lstm_1/kernel``, not ``lstm_cell_1/kernel``); repeated names get
    ``_1``, ``_2``, ... as TensorFlow makes them unique."""
    taken = set()
    for w in weights:
        base = f"{scope}/{w.name.rsplit('/', 1)[-1]}"
        name, k = base, 0
        while name in taken:
            k += 1
            name = f"{base}_{k}"
        taken.add(name)
        w.name = name


_KERAS1_NAMES = {"output_dim": "units", "init": "kernel_initializer", "inner_init": "recurrent_initializer",
                 "inner_activation": "recurrent_activation", "W_regularizer": "kernel_regularizer",
                 "b_regularizer": "bias_regularizer", "U_regularizer": "recurrent_regularizer",
                 "dropout_W": "dropout", "dropout_U": "recurrent_dropout", "consume_less": "implementation"}


def _warn_implementation_0(implementation):
    """Keras 2.2.4's warning for the removed ``implementation=0`` of LSTM and GRU (it runs as 1)."""
    if implementation == 0:
        warnings.warn("`implementation=0` has been deprecated, and now defaults to `implementation=1`.Please "
                      "update your layer call.", stacklevel=3)


def _legacy_recurrent_args(cls_name, kwargs):
    """Keras 2.2.4's ``legacy_recurrent_support``: Keras 1 argument names, ``input_dim`` / ``input_length``."""
    converted = []
    if "forget_bias_init" in kwargs:
        if kwargs.pop("forget_bias_init") == "one":
            kwargs["unit_forget_bias"] = True
            converted.append("unit_forget_bias=True")
        else:
            warnings.warn("The `forget_bias_init` argument has been ignored. Use `unit_forget_bias=True` instead "
                          "to initialize with ones.", stacklevel=3)
    if "input_dim" in kwargs:
        input_length = kwargs.pop("input_length", None)
        kwargs["input_shape"] = (input_length, kwargs.pop("input_dim"))
        warnings.warn("The `input_dim` and `input_length` arguments in recurrent layers are deprecated. Use "
                      "`input_shape` instead.", stacklevel=3)
    for old, new in _KERAS1_NAMES.items():
        if old in kwargs:
            value = kwargs.pop(old)
            if old == "consume_less":
                value = {"cpu": 0, "mem": 1, "gpu": 2}[value]
            kwargs[new] = value
            converted.append(f"{new}={value!r}")
    if converted:
        warnings.warn(f"Update your `{cls_name}` call to the Keras 2 API: `{cls_name}({', '.join(converted)})`",
                      stacklevel=3)
    return kwargs


def _generate_dropout_mask(like_shape, like, rate, training, count=1):
    """Keras 2.2.4's ``_generate_dropout_mask``: ``count`` masks K.dropout(ones, rate) (0 or 1/(1-rate)) in
    the training phase; None otherwise (Keras multiplies by ones there, which changes nothing)."""
    if training is None:
        training = K.learning_phase()
    if not training:
        return None
    ones = ops.ones(like_shape, like.dtype, like=like)
    masks = [ops.dropout(ones, rate) for _ in range(count)]
    return masks if count > 1 else masks[0]


# -- cells -----------------------------------------------------------------------------------------------

class _Cell(Layer):
    """What the three Keras cells share: weights, dropout masks, and their math in ``nnspec.ops.rnn``."""

    _mask_count = 1

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        if int(units) <= 0:
            raise ValueError(f"{type(self).__name__}: units must be a positive integer, got {units!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.state_size = self.units
        self.output_size = self.units
        self._dropout_mask = None
        self._recurrent_dropout_mask = None

    def _add_weights(self, input_dim, gates, bias_shape, bias_initializer=None):
        self.kernel = self.add_weight("kernel", (input_dim, gates * self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, gates * self.units),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = self.add_weight("bias", bias_shape, initializer=bias_initializer or self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint) \
            if self.use_bias else None
        self.built = True

    def reset_dropout_masks(self):
        """Forget the masks: the next call draws new ones (an RNN layer does this at each call)."""
        self._dropout_mask = None
        self._recurrent_dropout_mask = None

    def _ensure_masks(self, inputs, h, training):
        """Draw the masks at the first step of a sequence (Keras: in the cell's first ``call``)."""
        if 0 < self.dropout < 1 and self._dropout_mask is None:
            self._dropout_mask = _generate_dropout_mask((inputs.shape[0], inputs.shape[-1]), inputs, self.dropout,
                                                        training, self._mask_count)
        if 0 < self.recurrent_dropout < 1 and self._recurrent_dropout_mask is None:
            self._recurrent_dropout_mask = _generate_dropout_mask(tuple(h.shape), h, self.recurrent_dropout,
                                                                  training, self._mask_count)

    def call(self, inputs, states, training=None):
        """One step: ``(output, new_states)`` from inputs (batch, input_dim) and the list of states."""
        states = _as_list(states)
        self._ensure_masks(inputs, states[0], training)
        core = self._core()
        return core.step(core.project(inputs), states)

    def _config(self):
        return {"units": self.units, "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": _serialize(regularizers, self.kernel_regularizer),
                "recurrent_regularizer": _serialize(regularizers, self.recurrent_regularizer),
                "bias_regularizer": _serialize(regularizers, self.bias_regularizer),
                "kernel_constraint": _serialize(constraints, self.kernel_constraint),
                "recurrent_constraint": _serialize(constraints, self.recurrent_constraint),
                "bias_constraint": _serialize(constraints, self.bias_constraint),
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout}

    def get_config(self):
        return {**super().get_config(), **self._config()}


class SimpleRNNCell(_Cell):
    """h_t = activation(x_t kernel + bias + h_{t-1} recurrent_kernel); params units * (input_dim + units + 1)."""

    def build(self, input_shape):
        self._add_weights(input_shape[-1], 1, (self.units,))

    def _core(self):
        return SimpleRNNStep(self.kernel, self.recurrent_kernel, self.bias, _named_activation(self.activation),
                               self._dropout_mask, self._recurrent_dropout_mask)


class _GatedCell(_Cell):
    """What LSTMCell and GRUCell add to _Cell: the gates' recurrent activation and the implementation mode."""

    def __init__(self, units, recurrent_activation, implementation, *args, **kwargs):
        super().__init__(units, *args, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.implementation = implementation

    def _config(self):
        config = super()._config()
        # Keras 2.2.4 lists recurrent_activation right after activation
        return {**{k: config[k] for k in ("units", "activation")},
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                **{k: v for k, v in config.items() if k not in ("units", "activation")}}


class LSTMCell(_GatedCell):
    """Keras 2.2.4 LSTM cell: gates i, f, c, o in blocks of the columns of kernel (d, 4u), recurrent_kernel
    (u, 4u) and bias (4u,); states [h, c]; ``unit_forget_bias`` starts the forget-gate bias at 1.

    i = ra(x W_i + b_i + h U_i), f = ra(x W_f + b_f + h U_f), c' = f c + i act(x W_c + b_c + h U_c),
    o = ra(x W_o + b_o + h U_o), h' = o act(c').
    """

    _mask_count = 4

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, implementation=1, **kwargs):
        super().__init__(units, recurrent_activation, implementation, activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
                         bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                         recurrent_dropout, **kwargs)
        self.unit_forget_bias = unit_forget_bias
        self.state_size = (self.units, self.units)

    def build(self, input_shape):
        init = None
        if self.use_bias and self.unit_forget_bias:
            u, base = self.units, self.bias_initializer

            def init(shape, dtype=None):
                return np.concatenate([np.asarray(base((u,), dtype=dtype)), np.ones((u,), dtype=dtype),
                                       np.asarray(base((2 * u,), dtype=dtype))])
        self._add_weights(input_shape[-1], 4, (4 * self.units,), init)

    def _core(self):
        return LSTMStep(self.kernel, self.recurrent_kernel, self.bias, _named_activation(self.activation),
                          _named_activation(self.recurrent_activation), self._dropout_mask,
                          self._recurrent_dropout_mask, self.implementation)

    def _config(self):
        config = super()._config()
        config["unit_forget_bias"] = self.unit_forget_bias
        config["implementation"] = self.implementation
        return config


class GRUCell(_GatedCell):
    """Keras 2.2.4 GRU cell: gates z, r, h in blocks of kernel (d, 3u) and recurrent_kernel (u, 3u).

    reset_after=False (Keras 2 default): bias (3u,), hh = act(x W_h + b_h + (r h) U_h);
    reset_after=True (CuDNN's formula): bias (2, 3u) = [input bias; recurrent bias],
    hh = act(x W_h + b_h + r (h U_h + b'_h)). Then h' = z h + (1 - z) hh.
    """

    _mask_count = 3

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 implementation=1, reset_after=False, **kwargs):
        super().__init__(units, recurrent_activation, implementation, activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
                         bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                         recurrent_dropout, **kwargs)
        self.reset_after = reset_after

    def build(self, input_shape):
        self._add_weights(input_shape[-1], 3, (2, 3 * self.units) if self.reset_after else (3 * self.units,))

    def _core(self):
        return GRUStep(self.kernel, self.recurrent_kernel, self.bias, _named_activation(self.activation),
                         _named_activation(self.recurrent_activation), self.reset_after, self._dropout_mask,
                         self._recurrent_dropout_mask, self.implementation)

    def _config(self):
        config = super()._config()
        config["implementation"] = self.implementation
        config["reset_after"] = self.reset_after
        return config


def _state_sizes(cell):
    size = cell.state_size
    return list(size) if hasattr(size, "__len__") else [size]


def _output_size(cell):
    if getattr(cell, "output_size", None) is not None:
        return cell.output_size
    return _state_sizes(cell)[0]


def _reset_masks(cell):
    if isinstance(cell, _Cell):
        cell.reset_dropout_masks()
    for sub in getattr(cell, "cells", []):
        _reset_masks(sub)


class StackedRNNCells(Layer):
    """Cells run one after the other at each step, as one cell: states [states of cell 1, of cell 2, ...]."""

    def __init__(self, cells, **kwargs):
        for cell in cells:
            if not hasattr(cell, "call"):
                raise ValueError(f"All cells must have a `call` method. received cells: {cells}")
            if not hasattr(cell, "state_size"):
                raise ValueError(f"All cells must have a `state_size` attribute. received cells: {cells}")
        self.cells = list(cells)
        self.reverse_state_order = kwargs.pop("reverse_state_order", False)
        if self.reverse_state_order:
            warnings.warn("`reverse_state_order=True` in `StackedRNNCells` will soon be deprecated. Please update "
                          "the code to work with the natural order of states if you rely on the RNN states, eg "
                          "`RNN(return_state=True)`.", stacklevel=2)
        super().__init__(**kwargs)

    def _ordered(self):
        return self.cells[::-1] if self.reverse_state_order else self.cells

    @property
    def state_size(self):
        return tuple(s for cell in self._ordered() for s in _state_sizes(cell))

    @property
    def output_size(self):
        return _output_size(self.cells[-1])

    def call(self, inputs, states, training=None):
        states = list(states)
        nested = []
        for cell in self._ordered():
            n = len(_state_sizes(cell))
            nested.append(states[:n])
            states = states[n:]
        if self.reverse_state_order:
            nested = nested[::-1]
        new_nested = []
        for cell, cell_states in zip(self.cells, nested):
            kwargs = {"training": training} if has_arg(cell.call, "training") else {}
            inputs, cell_states = cell.call(inputs, cell_states, **kwargs)
            new_nested.append(_as_list(cell_states))
        if self.reverse_state_order:
            new_nested = new_nested[::-1]
        return inputs, [s for cell_states in new_nested for s in cell_states]

    def build(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        for cell in self.cells:
            if isinstance(cell, Layer):
                if not cell.built:
                    if cell._impl is None:
                        cell._impl = self.impl
                    cell.build(tuple(input_shape))
                    cell.built = True
            input_shape = (input_shape[0], _output_size(cell))
        self.built = True

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return [w for cell in self.cells if isinstance(cell, Layer) for w in cell.trainable_weights]

    @property
    def non_trainable_weights(self):
        weights = [w for cell in self.cells if isinstance(cell, Layer) for w in cell.non_trainable_weights]
        if not self.trainable:
            return [w for cell in self.cells if isinstance(cell, Layer) for w in cell.trainable_weights] + weights
        return weights

    def get_weights(self):
        return [w.numpy() for cell in self.cells if isinstance(cell, Layer) for w in cell.weights]

    def set_weights(self, weights):
        weights = list(weights)
        want = sum(len(cell.weights) for cell in self.cells if isinstance(cell, Layer))
        if len(weights) != want:
            raise ValueError(f'You called `set_weights(weights)` on layer "{self.name}" with a weight list of length '
                             f"{len(weights)}, but the layer was expecting {want} weights.")
        for cell in self.cells:
            if isinstance(cell, Layer):
                n = len(cell.weights)
                cell.set_weights(weights[:n])
                weights = weights[n:]

    @property
    def losses(self):
        return [loss for cell in self.cells if isinstance(cell, Layer) for loss in cell.losses]

    def get_config(self):
        cells = [{"class_name": type(cell).__name__, "config": cell.get_config()} for cell in self.cells]
        return {**super().get_config(), "cells": cells}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..engine.serialization import deserialize_layer
        config = dict(config)
        impl = getattr(cls, "_default_impl", None)
        cells = [deserialize_layer(c, custom_objects, impl) for c in config.pop("cells")]
        return cls(cells, **config)


# -- the RNN layer -------------------------------------------------------------------------------------------

def _standardize_args(inputs, initial_state):
    """Keras' ``_standardize_args``: inputs given as [x, state, ...] (a model replaying a call) are split."""
    if isinstance(inputs, (list, tuple)):
        if initial_state is not None:
            raise ValueError("give the initial state either in the inputs list or as initial_state, not both")
        inputs = list(inputs)
        if len(inputs) > 1:
            initial_state = inputs[1:]
        inputs = inputs[0]
    if initial_state is not None and not isinstance(initial_state, list):
        initial_state = list(initial_state) if isinstance(initial_state, tuple) else [initial_state]
    return inputs, initial_state


def _is_symbolic(x):
    from ..engine.keras_tensor import is_symbolic
    return is_symbolic(x)


class RNN(Layer):
    """Base class of the recurrent layers: runs ``cell`` over axis 1 of (batch, timesteps, features) inputs.

    ``cell`` has ``call(inputs, states) -> (output, new_states)`` and ``state_size`` (an int or a tuple,
    one size per state); a list of cells is a ``StackedRNNCells``. Output: (batch, units), or
    (batch, timesteps, units) with ``return_sequences``; with ``return_state`` a list
    [output, state_1, ...].
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call"):
            raise ValueError(f"`cell` should have a `call` method. The RNN was passed: {cell!r}")
        if not hasattr(cell, "state_size"):
            raise ValueError("The RNN cell should have an attribute `state_size` (tuple of integers, one integer "
                             "per RNN state).")
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.supports_masking = True
        self.input_spec = [InputSpec(ndim=3)]
        self.state_spec = None
        self._states = None
        self._weight_scope = None  # the name scope of the cell's weights (the layer's name; wrappers change it)

    # -- states -----------------------------------------------------------------------------------------------
    @property
    def states(self):
        if self._states is None:
            return [None] * len(_state_sizes(self.cell))
        return self._states

    @states.setter
    def states(self, states):
        self._states = states

    def get_initial_state(self, inputs):
        """Zeros of shape (batch, size) for each state (Keras builds them from the inputs, for their batch)."""
        return [ops.zeros((inputs.shape[0], size), inputs.dtype, like=inputs) for size in _state_sizes(self.cell)]

    def reset_states(self, states=None):
        """Stateful layers: set the states to zeros, or to the given arrays (one per state, (batch, size))."""
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        batch_size = self.input_spec[0].shape[0] if self.input_spec[0].shape is not None else None
        if not batch_size:
            raise ValueError("If a RNN is stateful, it needs to know its batch size. Specify the batch size of your "
                             "input tensors: \n- If using a Sequential model, specify the batch size by passing a "
                             "`batch_input_shape` argument to your first layer.\n- If using the functional API, "
                             "specify the batch size by passing a `batch_shape` argument to your Input layer.")
        sizes = _state_sizes(self.cell)
        if self._states is None:
            self._states = [Variable(np.zeros((batch_size, size)), dtype=self.dtype, trainable=False,
                                     name=f"{self.name}/state_{k}", impl=self.impl) for k, size in enumerate(sizes)]
        elif states is None:
            for state, size in zip(self._states, sizes):
                state.assign(np.zeros((batch_size, size)))
        if states is not None:
            states = list(states) if isinstance(states, (list, tuple)) else [states]
            if len(states) != len(self._states):
                raise ValueError(f"Layer {self.name} expects {len(self._states)} states, but it received "
                                 f"{len(states)} state values. Input received: {states}")
            for index, (value, state, size) in enumerate(zip(states, self._states, sizes)):
                value = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
                if value.shape != (batch_size, size):
                    raise ValueError(f"State {index} is incompatible with layer {self.name}: expected shape="
                                     f"{(batch_size, size)}, found shape={value.shape}")
                state.assign(value)

    # -- weights ----------------------------------------------------------------------------------------------
    @property
    def trainable_weights(self):
        if not self.trainable or not isinstance(self.cell, Layer):
            return []
        return self.cell.trainable_weights

    @property
    def non_trainable_weights(self):
        if not isinstance(self.cell, Layer):
            return []
        return self.cell.weights if not self.trainable else self.cell.non_trainable_weights

    @property
    def losses(self):
        cell_losses = self.cell.losses if isinstance(self.cell, Layer) else []
        return cell_losses + super().losses

    # -- shapes and building ------------------------------------------------------------------------------------
    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError(f"Layer {self.name} expects inputs of shape (batch, timesteps, features), got "
                             f"{shape_str(input_shape)}")
        output_dim = _output_size(self.cell)
        if self.return_sequences:
            output_shape = (input_shape[0], input_shape[1], output_dim)
        else:
            output_shape = (input_shape[0], output_dim)
        if self.return_state:
            return [output_shape] + [(input_shape[0], size) for size in _state_sizes(self.cell)]
        return output_shape

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self.states)
        return output_mask

    def build(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        input_shape = tuple(input_shape)
        batch_size = input_shape[0] if self.stateful else None
        self.input_spec[0] = InputSpec(shape=(batch_size, None, input_shape[-1]))
        if isinstance(self.cell, Layer) and not self.cell.built:
            if self.cell._impl is None:
                self.cell._impl = self.impl
            self.cell.build((input_shape[0],) + input_shape[2:])
            self.cell.built = True
            rename_weights(self.cell.weights, self._weight_scope or self.name)
        if self.stateful:
            self.reset_states()
        self.built = True

    # -- calling --------------------------------------------------------------------------------------------------
    def __call__(self, inputs, initial_state=None, constants=None, **kwargs):
        if constants is not None:
            raise NotImplementedError(f"{type(self).__name__}: external `constants` for the cell are not supported")
        inputs, initial_state = _standardize_args(inputs, initial_state)
        if initial_state is None:
            outputs = super().__call__(inputs, **kwargs)
        else:
            symbolic = [_is_symbolic(s) for s in initial_state]
            if any(symbolic) and not all(symbolic) or any(symbolic) != _is_symbolic(inputs):
                raise ValueError("The initial state or constants of an RNN layer cannot be specified with a mix of "
                                 "Keras tensors and non-Keras tensors (a \"Keras tensor\" is a tensor that was "
                                 "returned by a Keras layer, or by `Input`)")
            if all(symbolic):
                self.state_spec = [InputSpec(shape=s.shape) for s in initial_state]
                original = self.input_spec
                self.input_spec = list(original) + self.state_spec
                try:
                    outputs = super().__call__([inputs] + initial_state, **kwargs)
                finally:
                    self.input_spec = original
            else:
                outputs = super().__call__(inputs, initial_state=initial_state, **kwargs)
        if _is_symbolic(_as_list(outputs)[0]):
            self._symbolic_masks(inputs, outputs)
        return outputs

    def _symbolic_masks(self, inputs, outputs):
        """Which symbolic outputs carry a mask: the sequence output of a masked input only (``compute_mask``)."""
        carries = getattr(inputs, "_keras_mask", None) is not None and self.return_sequences
        outs = _as_list(outputs)
        outs[0]._keras_mask = True if carries else None
        for state in outs[1:]:
            state._keras_mask = None

    def _call_symbolic(self, inputs, kwargs):
        shape = _as_list(inputs)[0].shape
        if self.unroll and len(shape) == 3 and shape[1] in (None, 1):
            raise ValueError(_UNROLL_ERROR)
        return super()._call_symbolic(inputs, kwargs)

    def call(self, inputs, mask=None, training=None, initial_state=None):
        if isinstance(inputs, list):
            initial_state = inputs[1:] or None
            inputs = inputs[0]
        if initial_state is not None:
            initial_state = [ops.as_tensor(s, like=inputs) for s in _as_list(initial_state)]
        elif self.stateful:
            initial_state = [s.value() for s in self.states]
        else:
            initial_state = self.get_initial_state(inputs)
        if isinstance(mask, list):
            mask = mask[0]
        if len(initial_state) != len(self.states):
            raise ValueError(f"Layer has {len(self.states)} states but was passed {len(initial_state)} initial "
                             "states.")
        for k, (state, size) in enumerate(zip(initial_state, _state_sizes(self.cell))):
            if tuple(state.shape) != (inputs.shape[0], size):
                raise ValueError(f"Layer {self.name}: initial state {k} must have shape {(inputs.shape[0], size)}, "
                                 f"got {tuple(state.shape)}")
        if self.unroll and inputs.shape[1] in (None, 1):
            raise ValueError(_UNROLL_ERROR)
        last_output, outputs, states = self._loop(inputs, initial_state, mask, training)
        if self.stateful:
            for variable, value in zip(self.states, states):
                variable.assign(value.data)
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return [output] + list(states)
        return output

    def _loop(self, inputs, initial_state, mask, training):
        cell = self.cell
        if isinstance(cell, _Cell):  # hoisted: the input projection of every step in one matmul
            cell.reset_dropout_masks()
            cell._ensure_masks(inputs, initial_state[0], training)
            core = cell._core()
            return core.run(core.project(inputs), initial_state, self.go_backwards, mask, self.unroll)
        _reset_masks(cell)
        kwargs = {"training": training} if has_arg(cell.call, "training") else {}

        def step(x, states):
            output, new_states = cell.call(x, states, **kwargs)
            return output, _as_list(new_states)
        return ops.rnn(step, inputs, initial_state, go_backwards=self.go_backwards, mask=mask, unroll=self.unroll)

    # -- configuration ---------------------------------------------------------------------------------------------
    def get_config(self):
        config = {**super().get_config(), "return_sequences": self.return_sequences,
                  "return_state": self.return_state, "go_backwards": self.go_backwards, "stateful": self.stateful,
                  "unroll": self.unroll}
        config["cell"] = {"class_name": type(self.cell).__name__, "config": self.cell.get_config()}
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..engine.serialization import deserialize_layer
        config = dict(config)
        cell = deserialize_layer(config.pop("cell"), custom_objects, getattr(cls, "_default_impl", None))
        config.pop("num_constants", None)
        return cls(cell, **config)


_UNROLL_ERROR = ("Cannot unroll a RNN if the time dimension is undefined or equal to 1. \n- If using a Sequential "
                 "model, specify the time dimension by passing an `input_shape` or `batch_input_shape` argument to "
                 "your first layer. If your first layer is an Embedding, you can also use the `input_length` "
                 "argument.\n- If using the functional API, specify the time dimension by passing a `shape` or "
                 "`batch_shape` argument to your Input layer.")

_RNN_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll")


class _CellLayer(RNN):
    """SimpleRNN, LSTM and GRU: an RNN over their cell, with the cell's arguments as their own."""

    _cell_class = None

    def __init__(self, units, activity_regularizer=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, cell_kwargs=None, /, **kwargs):
        # cell arguments given among **kwargs (units too, from a Keras 1 output_dim: hence positional-only
        # parameters) override the named ones
        extra, kwargs = _split_kwargs(kwargs, _CELL_ATTRIBUTES)
        cell = self._cell_class(extra.pop("units", units), **{**(cell_kwargs or {}), **extra})
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, unroll=unroll, **kwargs)
        self.activity_regularizer = regularizers.get(activity_regularizer)

    def __getattr__(self, name):  # the cell's arguments read through the layer (lstm.units, gru.reset_after, ...)
        if name != "cell" and "cell" in self.__dict__ and name in _CELL_ATTRIBUTES:
            return getattr(self.__dict__["cell"], name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell_config = self.cell._config()
        cell_config["activity_regularizer"] = _serialize(regularizers, self.activity_regularizer)
        return {**config, **cell_config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if config.get("implementation") == 0:
            config["implementation"] = 1
        return cls(**config)


_CELL_ATTRIBUTES = {"units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
                    "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
                    "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
                    "bias_constraint", "dropout", "recurrent_dropout", "implementation", "reset_after"}


def _cell_arguments(names):
    """The cell's arguments among an RNN layer constructor's ``locals()`` at entry: all but self, __class__, units,
    activity_regularizer, the RNN's own arguments and ``**kwargs``."""
    layer_own = ("self", "__class__", "units", "activity_regularizer", "kwargs", *_RNN_ARGS)
    return {k: v for k, v in names.items() if k not in layer_own}


def _split_kwargs(kwargs, cell_names):
    cell = {k: kwargs.pop(k) for k in list(kwargs) if k in cell_names}
    return cell, kwargs


class SimpleRNN(_CellLayer):
    """Fully-connected RNN whose output is fed back: RNN(SimpleRNNCell(units, ...)).

    Params: units * (input_dim + units + 1). ``implementation`` is accepted with Keras' deprecation warning.
    """

    _cell_class = SimpleRNNCell

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=False, unroll=False,
                 **kwargs):
        cell_kwargs = _cell_arguments(locals())
        if "implementation" in kwargs:
            kwargs.pop("implementation")
            warnings.warn("The `implementation` argument in `SimpleRNN` has been deprecated. Please remove it from "
                          "your layer call.", stacklevel=2)
        kwargs = _legacy_recurrent_args("SimpleRNN", kwargs)
        super().__init__(units, activity_regularizer, return_sequences, return_state, go_backwards, stateful, unroll,
                         cell_kwargs, **kwargs)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config.pop("implementation", None)
        return cls(**config)


class LSTM(_CellLayer):
    """Long Short-Term Memory (Hochreiter 1997), Keras 2.2.4: RNN(LSTMCell(units, ...)).

    Params: 4 * units * (input_dim + units + 1); states [h, c]; ``recurrent_activation='hard_sigmoid'``.
    """

    _cell_class = LSTMCell

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, implementation=1, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, **kwargs):
        cell_kwargs = _cell_arguments(locals())
        _warn_implementation_0(implementation)
        kwargs = _legacy_recurrent_args("LSTM", kwargs)
        super().__init__(units, activity_regularizer, return_sequences, return_state, go_backwards, stateful, unroll,
                         cell_kwargs, **kwargs)


class GRU(_CellLayer):
    """Gated Recurrent Unit (Cho et al. 2014), Keras 2.2.4: RNN(GRUCell(units, ...)).

    Params: 3 * units * (input_dim + units + 1) with reset_after=False (the default), 3 * units *
    (input_dim + units + 2) with reset_after=True (separate input and recurrent biases).
    """

    _cell_class = GRUCell

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, implementation=1, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, reset_after=False, **kwargs):
        cell_kwargs = _cell_arguments(locals())
        _warn_implementation_0(implementation)
        kwargs = _legacy_recurrent_args("GRU", kwargs)
        super().__init__(units, activity_regularizer, return_sequences, return_state, go_backwards, stateful, unroll,
                         cell_kwargs, **kwargs)
