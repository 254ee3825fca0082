"""Symbolic tensors of the functional API and the nodes that connect layers.

``Input(shape=...)`` returns a :class:`KerasTensor`: a shape (``None`` for unknown sizes, as the
batch), a dtype and its history ``(layer, node_index, tensor_index)``; no data. Calling a layer on
KerasTensors builds the layer, records a :class:`Node` in the layer's ``_inbound_nodes`` and
returns KerasTensors with the shapes ``compute_output_shape`` gives. A model then runs the
recorded graph on real tensors.
"""

import numpy as np

from ..layers.base import shape_str
from ..ops.symbolic_dispatch import SYMBOLIC_TYPES
from ..tensor import ArithmeticOperators


class KerasTensor(ArithmeticOperators):
    """A placeholder in a layer graph: shape, dtype and where it comes from; its operators record op
    nodes (engine/symbolic.py)."""

    def __init__(self, shape, dtype, layer, node_index, tensor_index, impl, name=None):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self._keras_history = (layer, node_index, tensor_index)
        self.impl = impl
        self.name = name or f"{layer.name}/output_{tensor_index}"
        self._keras_mask = None  # True when a mask flows with this tensor (computed when the graph runs)

    @property
    def _keras_shape(self):
        return self.shape

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<KerasTensor '{self.name}' shape={shape_str(self.shape)} dtype={self.dtype.name}>"

    def __bool__(self):
        raise TypeError("a KerasTensor is symbolic: it has no value to test (build a Model and call it on data)")

    def __getattr__(self, name):
        # Tensor methods on a placeholder: say what to do instead of an AttributeError deep inside.
        if name in ("numpy", "data", "__array__"):
            raise TypeError(f"{self!r} is symbolic and holds no values: build a Model from it and call "
                            "model.predict(...) or the model on data")
        raise AttributeError(name)


SYMBOLIC_TYPES.append(KerasTensor)


def is_symbolic(x):
    return isinstance(x, KerasTensor)


class Node:
    """One call of ``layer`` on symbolic inputs: connects inbound tensors to output tensors."""

    def __init__(self, layer, input_tensors, output_tensors, arguments, origin=False):
        self.outbound_layer = layer
        self.input_tensors = list(input_tensors)
        self.output_tensors = list(output_tensors)
        self.arguments = dict(arguments)
        # An origin node (an InputLayer's, or a network's own first node) lists its tensors but has no
        # inbound layers, as in Keras: nothing upstream computes them.
        history = [] if origin else [t._keras_history for t in self.input_tensors]
        self.inbound_layers = [h[0] for h in history]
        self.node_indices = [h[1] for h in history]
        self.tensor_indices = [h[2] for h in history]
        self.input_shapes = [t.shape for t in self.input_tensors]
        self.output_shapes = [t.shape for t in self.output_tensors]
