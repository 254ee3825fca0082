"""The Keras 2 ``Layer``: weights built lazily from the input shape, shapes known without running.

A layer is called on tensors (or arrays). On the first call it builds its weights for the input
shape (in the implementation of the inputs: a layer fed CuPy tensors gets CuPy weights), then
checks every call against its ``input_spec`` and raises an error naming the layer, what it
expected and what it received. ``compute_output_shape`` gives the output shape, with ``None`` for
the batch, without running anything.

Keras 2.2.4 semantics kept here: default names ``<snake_case class>_<n>`` numbered from 1 per name;
``weights`` = trainable + non-trainable, and a layer with ``trainable = False`` reports all its
weights as non-trainable; regularization losses are recomputed at each access of ``losses``;
``training=None`` means the global learning phase (0 unless fit sets it).
"""

import contextvars
import functools
import inspect
import re

import numpy as np

from .. import backend as K
from .. import config
from ..tensor import Tensor, Variable, to_array

_ALLOWED_KWARGS = {"input_shape", "batch_input_shape", "batch_size", "dtype", "name", "trainable", "weights",
                   "input_dtype"}


def _call_parameters(call):
    """The parameter names of a layer's ``call`` (inspect.signature is slow: once per function, not per call)."""
    try:
        return _cached_parameters(call)
    except TypeError:  # an unhashable callable
        return frozenset(inspect.signature(call).parameters)


@functools.cache
def _cached_parameters(call):
    return frozenset(inspect.signature(call).parameters)


def to_snake_case(name):
    """Keras' class-name -> layer-name rule: Dense -> dense, LeakyReLU -> leaky_re_lu, Conv2D -> conv2d."""
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    return insecure if insecure[0] != "_" else "private" + insecure


def shape_str(shape):
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


class InputSpec:
    """What a layer accepts: ``ndim``, ``min_ndim``, ``max_ndim``, ``axes`` {axis: size}, ``shape``."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None):
        self.dtype = dtype
        self.shape = shape
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = axes or {}

    def check(self, layer, index, shape):
        """Raise ValueError naming the layer, the expectation and the received shape."""
        where = f"Input {index} is incompatible with layer {layer.name}"
        got = f"found ndim={len(shape)} (full shape received: {shape_str(shape)})"
        if self.ndim is not None and len(shape) != self.ndim:
            raise ValueError(f"{where}: expected ndim={self.ndim}, {got}")
        if self.max_ndim is not None and len(shape) > self.max_ndim:
            raise ValueError(f"{where}: expected max_ndim={self.max_ndim}, {got}")
        if self.min_ndim is not None and len(shape) < self.min_ndim:
            raise ValueError(f"{where}: expected min_ndim={self.min_ndim}, {got}")
        for axis, size in self.axes.items():
            if size is not None and shape[axis] not in (size, None):
                raise ValueError(f"{where}: expected axis {axis} of input shape to have value {size} "
                                 f"but got shape {shape_str(shape)}")
        if self.shape is not None:
            for want, have in zip(self.shape, shape):
                if want is not None and have is not None and want != have:
                    raise ValueError(f"{where}: expected shape={shape_str(self.shape)}, "
                                     f"found shape={shape_str(shape)}")


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


# The layers whose updates (BatchNormalization's moving statistics) the running train step makes, as
# Keras 2.2.4's train function fixed them when it was made; None outside a model's train step.
_UPDATING = contextvars.ContextVar("nnspec_updating_layers", default=None)


def updates_enabled(layer):
    """Whether ``layer`` makes its updates now: the model's train-step set, else the layer's own flag."""
    allowed = _UPDATING.get()
    return layer.trainable if allowed is None else id(layer) in allowed


class Layer:
    """Base class of every layer (Keras 2.2.4 ``keras.engine.base_layer.Layer``)."""

    _default_impl = None  # set by implementation-bound namespaces (nnspec.accel.layers.*)

    def __init__(self, **kwargs):
        for kwarg in kwargs:
            if kwarg not in _ALLOWED_KWARGS:
                raise TypeError(f"{type(self).__name__}: keyword argument not understood: {kwarg!r}")
        name = kwargs.get("name")
        if not name:
            prefix = to_snake_case(type(self).__name__)
            name = f"{prefix}_{K.get_uid(prefix)}"
        self.name = name
        self.trainable = kwargs.get("trainable", True)
        self.dtype = kwargs.get("dtype") or kwargs.get("input_dtype") or config.floatx()
        if "batch_input_shape" in kwargs:
            self.batch_input_shape = tuple(kwargs["batch_input_shape"])
        elif "input_shape" in kwargs:
            self.batch_input_shape = (kwargs.get("batch_size"),) + tuple(kwargs["input_shape"])
        self._initial_weights = kwargs.get("weights")
        self._trainable_weights = []
        self._non_trainable_weights = []
        self._regularizers = []       # (regularizer, weight): penalties recomputed at each access
        self._call_losses = []        # activity regularization of the last call
        self._added_losses = []       # add_loss: tensors or zero-argument callables
        self._impl = None
        self._inbound_nodes = []      # one Node per call on symbolic inputs (functional API)
        self._outbound_nodes = []
        self.built = False
        self.input_spec = None
        self.supports_masking = False
        self.stateful = False

    # -- weights ------------------------------------------------------------------------------------
    @property
    def impl(self):
        """The implementation the weights live in (the inputs' on first call; else the bound default)."""
        if self._impl is None:
            from ..implementation import REFERENCE
            self._impl = self._default_impl or REFERENCE
        return self._impl

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None, trainable=True,
                   constraint=None):
        """Create a weight of ``shape`` with an initializer drawn on the host (same numbers on every impl)."""
        from .. import constraints, initializers, regularizers
        dtype = np.dtype(dtype or self.dtype)
        init = initializers.get(initializer if initializer is not None else "glorot_uniform")
        value = np.asarray(init(tuple(shape), dtype=dtype), dtype=dtype)
        weight = Variable(value, dtype=dtype, name=f"{self.name}/{name}", trainable=trainable,
                          constraint=constraints.get(constraint), impl=self.impl)
        (self._trainable_weights if trainable else self._non_trainable_weights).append(weight)
        if regularizer is not None:
            self._regularizers.append((regularizers.get(regularizer), weight))
        return weight

    @property
    def trainable_weights(self):
        return list(self._trainable_weights) if self.trainable else []

    def _sublayers(self):
        """The layers this one is made of (networks, wrappers); their updates follow this layer's flag."""
        return []

    def _updating_layers(self):
        """This layer and its sublayers that make updates: Keras 2.2.4's ``updates`` rule (a layer or network
        with ``trainable=False`` has none, unless stateful)."""
        if not self.trainable and not getattr(self, "stateful", False):
            return []
        return [self] + [u for sub in self._sublayers() for u in sub._updating_layers()]

    @property
    def non_trainable_weights(self):
        if self.trainable:
            return list(self._non_trainable_weights)
        return self._trainable_weights + self._non_trainable_weights

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    def get_weights(self):
        """The weights as NumPy arrays, in ``weights`` order."""
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights):
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(f'You called `set_weights(weights)` on layer "{self.name}" with a weight list of length '
                             f"{len(weights)}, but the layer was expecting {len(params)} weights.")
        for p, w in zip(params, weights):
            w = np.asarray(w.numpy() if isinstance(w, Tensor) else w)
            if p.shape != w.shape:
                raise ValueError(f"Layer weight shape {p.shape} not compatible with provided weight shape {w.shape} "
                                 f"(layer {self.name}, weight {p.name})")
        for p, w in zip(params, weights):
            p.assign(w.numpy() if isinstance(w, Tensor) else w)

    def count_params(self):
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on {self.name}, but the layer isn't built. "
                             f"You can build it manually via: `{self.name}.build(batch_input_shape)`.")
        return int(sum(int(np.prod(w.shape)) for w in self.weights))

    # -- losses -------------------------------------------------------------------------------------
    def add_loss(self, loss, inputs=None):
        """Add a loss tensor, or a zero-argument callable evaluated each time ``losses`` is read.

        Called from ``call`` (DLwP 8.4's CustomVariationalLayer: ``self.add_loss(loss, inputs=inputs)``), the
        loss belongs to that call and replaces the previous call's: Keras 2 built it into the graph once and
        evaluated it on every batch, nnspec runs ``call`` on every batch. ``inputs`` (Keras 2's mark of a loss
        conditional on the inputs) is accepted; such losses are per call here anyway.
        """
        target = self._losses_of_this_call if getattr(self, "_losses_of_this_call", None) is not None \
            else self._added_losses
        for item in _as_list(loss):
            target.append(item)

    @property
    def losses(self):
        out = [reg(w) for reg, w in self._regularizers]
        out += [item() if callable(item) else item for item in self._call_losses]
        out += [item() if callable(item) else item for item in self._added_losses]
        return out

    # -- building and calling -------------------------------------------------------------------------
    def build(self, input_shape):
        self.built = True

    def call(self, inputs, **kwargs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def _produces_mask(self):
        """Whether this layer makes a mask of its own (Embedding(mask_zero=True), Masking)."""
        return False

    def compute_mask(self, inputs, mask=None):
        """The output mask: the input mask passed on by layers that support masking (Keras 2.2.4)."""
        if not self.supports_masking:
            if mask is not None and any(m is not None for m in _as_list(mask)):
                raise TypeError(f"Layer {self.name} does not support masking, but was passed an input_mask: {mask}")
            return None
        return mask

    def _input_tensors(self, inputs):
        xs = _as_list(inputs)
        tensors = [x for x in xs if isinstance(x, Tensor)]
        impl = tensors[0].impl if tensors else self.impl
        return [x if isinstance(x, Tensor) else Tensor(to_array(x, None, impl)) for x in xs]

    def __call__(self, inputs, **kwargs):
        from ..engine.keras_tensor import is_symbolic
        if any(is_symbolic(x) for x in _as_list(inputs)):
            return self._call_symbolic(inputs, kwargs)
        xs = self._input_tensors(inputs)
        shapes = [tuple(x.shape) for x in xs]
        many = isinstance(inputs, (list, tuple))
        if not self.built:
            self._build_once(shapes, many, xs[0].impl)
        elif self._impl is not None and xs[0].impl is not self._impl:
            from ..errors import MixedImplementationError
            raise MixedImplementationError(f"layer {self.name} holds {self._impl.name} weights but was called on "
                                           f"{xs[0].impl.name} inputs")
        self._check_input_spec(shapes)
        masks = [x._keras_mask for x in xs]
        mask = (masks if many else masks[0]) if any(m is not None for m in masks) else None
        accepted = _call_parameters(getattr(self.call, "__func__", self.call))
        if "training" in accepted and kwargs.get("training") is None:
            kwargs["training"] = K.learning_phase()
        if "mask" in accepted and kwargs.get("mask") is None:
            kwargs["mask"] = mask
        for flag in ("training", "mask"):  # passed by models to every layer; only some layers take them
            if flag not in accepted:
                kwargs.pop(flag, None)
        self._losses_of_this_call = []
        try:
            outputs = self.call(xs if many else xs[0], **kwargs)
            added = self._losses_of_this_call
        finally:
            self._losses_of_this_call = None
        self._call_losses = [self.activity_regularizer(o) for o in _as_list(outputs)] \
            if getattr(self, "activity_regularizer", None) is not None else []
        self._call_losses += added
        if not getattr(self, "_is_graph_network", False):  # a network's outputs carry their own masks
            out_mask = self.compute_mask(xs if many else xs[0], mask)
            for o, m in zip(_as_list(outputs), _as_list(out_mask) if isinstance(outputs, list) else [out_mask]):
                o._keras_mask = m
        return outputs

    def _build_once(self, shapes, many, impl):
        if self.built:
            return
        self._impl = impl
        self._check_input_spec(shapes)
        self.build(shapes if many else shapes[0])
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def _call_symbolic(self, inputs, kwargs):
        """Calling on KerasTensors: build from their shapes, record a Node, return KerasTensors."""
        from ..engine.keras_tensor import KerasTensor, Node, is_symbolic
        xs = _as_list(inputs)
        if not all(is_symbolic(x) for x in xs):
            raise TypeError(f"Layer {self.name} was called on a mix of symbolic (Input) and concrete tensors; "
                            "wrap constants in an Input or a Lambda layer")
        many = isinstance(inputs, (list, tuple))
        shapes = [x.shape for x in xs]
        self._build_once(shapes, many, xs[0].impl)
        self._check_input_spec(shapes)
        out_shape = self.compute_output_shape(shapes if many else shapes[0])
        # Keras 2.2.4 counts a layer's outputs by what its call returns. A layer that keeps the default
        # (identity) compute_output_shape on a list of inputs is taken to return one tensor of the first input's
        # shape (DLwP 8.4's CustomVariationalLayer returns inputs[0]); its node keeps every shape, as Keras'
        # summary prints them.
        listed = None
        if many and isinstance(out_shape, list) and type(self).compute_output_shape is Layer.compute_output_shape:
            listed, out_shape = out_shape, out_shape[0]
        out_shapes = out_shape if isinstance(out_shape, list) else [out_shape]
        index = len(self._inbound_nodes)
        dtype = self.dtype if not hasattr(self, "output_dtype") else self.output_dtype
        outputs = [KerasTensor(s, dtype, self, index, i, xs[0].impl) for i, s in enumerate(out_shapes)]
        # Masks are computed when the graph runs; here only whether one flows (and Keras' error if a layer
        # that does not support masking receives one).
        has_mask = any(getattr(x, "_keras_mask", None) is not None for x in xs)
        if has_mask and not self.supports_masking and not getattr(self, "_is_graph_network", False):
            raise TypeError(f"Layer {self.name} does not support masking, but was passed an input_mask")
        produces = self._produces_mask() or (has_mask and self.supports_masking)
        for o in outputs:
            o._keras_mask = True if produces else None
        node = Node(self, xs, outputs, {k: v for k, v in kwargs.items() if k not in ("training",)})
        if listed is not None:
            node.output_shapes = list(listed)
        self._inbound_nodes.append(node)
        for layer in node.inbound_layers:
            layer._outbound_nodes.append(node)
        return outputs if isinstance(out_shape, list) else outputs[0]

    # -- the functional API's view of a layer ------------------------------------------------------
    def _node_attribute(self, what, node_index=None):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} is not connected: it has never been called on an Input, "
                                 f"so it has no {what}")
        if node_index is None:
            if len(self._inbound_nodes) > 1:
                values = {repr(getattr(n, what + "s")) for n in self._inbound_nodes}
                if what.endswith("shape") and len(values) == 1:
                    node_index = 0
                else:
                    raise AttributeError(f'Layer {self.name} has multiple inbound nodes, hence the notion of "{what}" '
                                         f"is ill-defined for it. Use `get_{what}_at(node_index)` instead.")
            else:
                node_index = 0
        values = getattr(self._inbound_nodes[node_index], what + "s")
        return values[0] if len(values) == 1 else list(values)

    def get_input_at(self, node_index):
        return self._node_attribute("input_tensor", node_index)

    def get_output_at(self, node_index):
        return self._node_attribute("output_tensor", node_index)

    def get_input_shape_at(self, node_index):
        return self._node_attribute("input_shape", node_index)

    def get_output_shape_at(self, node_index):
        return self._node_attribute("output_shape", node_index)

    @property
    def input(self):
        return self._node_attribute("input_tensor")

    @property
    def output(self):
        return self._node_attribute("output_tensor")

    @property
    def input_shape(self):
        return self._node_attribute("input_shape")

    @property
    def output_shape(self):
        return self._node_attribute("output_shape")

    def _check_input_spec(self, shapes):
        if self.input_spec is None:
            return
        specs = _as_list(self.input_spec)
        if len(specs) != len(shapes):
            raise ValueError(f"Layer {self.name} expects {len(specs)} inputs, but it received {len(shapes)} "
                             "input tensors.")
        for i, (spec, shape) in enumerate(zip(specs, shapes)):
            if spec is not None:
                spec.check(self, i, shape)

    # -- configuration ----------------------------------------------------------------------------------
    def get_config(self):
        config_ = {"name": self.name, "trainable": self.trainable}
        if hasattr(self, "batch_input_shape"):
            config_["batch_input_shape"] = self.batch_input_shape
        config_["dtype"] = self.dtype
        return config_

    @classmethod
    def from_config(cls, config_):
        return cls(**config_)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} built={self.built}>"
