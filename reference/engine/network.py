"""Networks: a graph of layers built with the functional API, or a subclassed model.

``Model(inputs, outputs)`` walks the recorded nodes back from the outputs (Keras 2.2.4's
``_map_graph_network``): layers are ordered by depth from the inputs, then by discovery order,
which is the order of ``model.layers`` and of ``summary()``. Calling the model runs the nodes in
that order on real tensors. A model is itself a layer: it can be called on KerasTensors (nested
in another model) or on data.

Subclassed models (``class M(Model)`` with ``call``) track the layers assigned as attributes.
"""

from ..layers.base import Layer, _as_list
from .input_layer import InputLayer
from .keras_tensor import KerasTensor, is_symbolic
from .symbolic import record_values


class Network(Layer):
    """A Layer made of layers: the graph part of ``Model``."""

    def __init__(self, *args, **kwargs):
        if "input" in kwargs or "output" in kwargs:  # the Keras 1 names the books' older listings use
            import warnings
            warnings.warn("Update your `Model` call to the Keras 2 API: `Model(inputs=..., outputs=...)`",
                          UserWarning, stacklevel=2)
            kwargs.setdefault("inputs", kwargs.pop("input", None))
            kwargs.setdefault("outputs", kwargs.pop("output", None))
        inputs = kwargs.pop("inputs", args[0] if len(args) > 0 else None)
        outputs = kwargs.pop("outputs", args[1] if len(args) > 1 else None)
        object.__setattr__(self, "_tracked", [])
        name = kwargs.pop("name", None)
        super().__init__(**({"name": name} if name else {}), **kwargs)
        self._is_graph_network = False
        self.inputs, self.outputs = [], []
        self._layers = []
        if inputs is not None or outputs is not None:
            if inputs is None or outputs is None:
                raise ValueError("Model: give both inputs= and outputs= (or neither, for a subclassed model)")
            self._init_graph_network(inputs, outputs)

    # -- subclassed models track their layers -----------------------------------------------------------
    def __setattr__(self, name, value):
        if isinstance(value, Layer) and not name.startswith("_") and "_tracked" in self.__dict__:
            if all(value is not t for t in self._tracked):
                self._tracked.append(value)
        super().__setattr__(name, value)

    # -- graph networks ----------------------------------------------------------------------------------
    def _init_graph_network(self, inputs, outputs):
        self._nested_inputs, self._nested_outputs = inputs, outputs
        self.inputs, self.outputs = _as_list(inputs), _as_list(outputs)
        for x in self.inputs + self.outputs:
            if not isinstance(x, KerasTensor):
                raise TypeError(f"Model {self.name}: inputs and outputs must be tensors returned by Input and layers "
                                f"(KerasTensors), got {type(x).__name__}")
        for x in self.inputs:
            layer, node_index, _ = x._keras_history
            if not isinstance(layer, InputLayer) or node_index != 0:
                raise ValueError(f"Model {self.name}: input {x.name} is not an Input tensor; model inputs must come "
                                 "from Input(...)")
        self._is_graph_network = True
        self._input_layers = [x._keras_history[0] for x in self.inputs]
        self._output_layers = [x._keras_history[0] for x in self.outputs]
        self._output_coordinates = [x._keras_history for x in self.outputs]
        self._nodes_by_depth, self._layers = _map_graph_network(self.inputs, self.outputs)
        self._impl = self.inputs[0].impl
        self.input_names = [layer.name for layer in self._input_layers]
        self.output_names = [layer.name for layer in self._output_layers]
        self._feed_input_shapes = [x.shape for x in self.inputs]
        # Keras gives a network its own first node (inputs -> outputs); calls as a layer are nodes 1, 2, ...
        from .keras_tensor import Node
        self._inbound_nodes = [Node(self, self.inputs, self.outputs, {}, origin=True)]
        self.built = True

    @property
    def layers(self):
        return list(self._layers) if self._is_graph_network else list(self._tracked)

    def _sublayers(self):
        return self.layers

    def get_layer(self, name=None, index=None):
        """A layer by name, or by index in ``layers``."""
        layers = self.layers
        if index is not None:
            if len(layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has {len(layers)} "
                                 "layers.")
            return layers[index]
        if not name:
            raise ValueError("get_layer: provide either a layer name or a layer index.")
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Layers: {', '.join(layer.name for layer in layers)}")

    # -- weights: the union of the layers', each once --------------------------------------------------------
    def _unique(self, lists):
        seen, out = set(), []
        for w in (w for ws in lists for w in ws):
            if id(w) not in seen:
                seen.add(id(w))
                out.append(w)
        return out

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return self._unique([layer.trainable_weights for layer in self.layers] + [self._trainable_weights])

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return self._unique([layer.weights for layer in self.layers]
                                + [self._trainable_weights, self._non_trainable_weights])
        return self._unique([layer.non_trainable_weights for layer in self.layers] + [self._non_trainable_weights])

    @property
    def weights(self):
        """All weights in layer order (Keras' get_weights order: each layer's weights in turn)."""
        return self._unique([layer.weights for layer in self.layers]
                            + [self._trainable_weights, self._non_trainable_weights])

    def get_weights(self):
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights):
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(f"Model {self.name}: set_weights got {len(weights)} arrays for {len(params)} weights")
        for p, w in zip(params, weights):
            if tuple(p.shape) != tuple(getattr(w, "shape", ())):
                raise ValueError(f"Model {self.name}: weight {p.name} has shape {p.shape}, "
                                 f"got {getattr(w, 'shape', w)}")
        for p, w in zip(params, weights):
            p.assign(w)

    def count_params(self):
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on {self.name}, but the model isn't built yet "
                             "(call it on data or give the first layer an input shape).")
        return int(sum(w.size for w in self.weights))

    @property
    def losses(self):
        out = []
        for layer in self.layers:
            out += layer.losses
        return out + super().losses

    @property
    def state_updates(self):
        return []

    def reset_states(self):
        for layer in self.layers:
            if getattr(layer, "stateful", False) and hasattr(layer, "reset_states"):
                layer.reset_states()

    # -- running -----------------------------------------------------------------------------------------
    def build(self, input_shape):
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if not self._is_graph_network:
            raise NotImplementedError(f"{type(self).__name__}: a subclassed model must implement call(inputs)")
        return self._run_graph(inputs, training)

    def _run_graph(self, inputs, training):
        xs = _as_list(inputs)
        if len(xs) != len(self.inputs):
            raise ValueError(f"Model {self.name} expects {len(self.inputs)} input(s), but it received {len(xs)} "
                             "input tensors.")
        values = self._walk(xs, lambda layer, ins, node: layer(ins, training=training, **node.arguments))
        outputs = [values[id(t)] for t in self.outputs]
        return outputs if len(outputs) > 1 else outputs[0]

    def _walk(self, inputs, apply):
        """Run the graph's nodes in order from ``inputs``: ``apply(layer, ins, node)`` gives a node's outputs
        (``ins`` a single value or a list, as the layer takes it); returns {id(tensor): value} for every tensor."""
        values = {id(k): v for k, v in zip(self.inputs, inputs)}
        record_values(self.inputs, inputs)
        for depth in sorted(self._nodes_by_depth, reverse=True):
            for node in self._nodes_by_depth[depth]:
                layer = node.outbound_layer
                if isinstance(layer, InputLayer):
                    continue
                ins = [values[id(t)] for t in node.input_tensors]
                outs = apply(layer, ins if len(ins) > 1 else ins[0], node)
                outs = outs if isinstance(outs, list) else [outs]
                for t, v in zip(node.output_tensors, outs):
                    values[id(t)] = v
                record_values(node.output_tensors, outs)  # a model step's losses may use these (engine/symbolic.py)
        return values

    def compute_output_shape(self, input_shape):
        if not self._is_graph_network:
            raise NotImplementedError(f"{type(self).__name__}: a subclassed model computes its output shape by "
                                      "running; implement compute_output_shape to call it on symbolic inputs")
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        values = self._walk([tuple(s) for s in shapes], lambda layer, ins, node: layer.compute_output_shape(ins))
        outs = [values[id(t)] for t in self.outputs]
        return outs if len(outs) > 1 else outs[0]

    def _check_input_spec(self, shapes):
        if not self._is_graph_network:
            return
        if len(shapes) != len(self.inputs):
            raise ValueError(f"Model {self.name} expects {len(self.inputs)} input(s), but it received {len(shapes)} "
                             "input tensors.")
        for layer, shape in zip(self._input_layers, shapes):
            want = layer.batch_input_shape
            if len(want) != len(shape) or any(w is not None and s is not None and w != s
                                               for w, s in zip(want[1:], shape[1:])):
                from ..layers.base import shape_str
                raise ValueError(f"Error when checking input: expected {layer.name} to have shape "
                                 f"{shape_str(want[1:])} but got array with shape {shape_str(shape[1:])}")

    def summary(self, line_length=None, positions=None, print_fn=None):
        """Print the Keras 2 summary table (``print_fn`` receives each line)."""
        from .summary import print_summary
        print_summary(self, line_length, positions, print_fn)

    def get_config(self):
        from .serialization import network_config
        return network_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from .serialization import functional_from_config
        return functional_from_config(cls, config, custom_objects, impl=cls._default_impl)


def _map_graph_network(inputs, outputs):
    """(nodes_by_depth, layers) of the graph from ``inputs`` to ``outputs`` (Keras 2.2.4's ordering)."""
    layer_indices = {}
    finished, in_progress = set(), set()
    nodes_in_decreasing_depth = []

    def visit(layer, node_index):
        node = layer._inbound_nodes[node_index]
        if id(node) in in_progress:
            raise ValueError(f'The tensor graph at layer "{layer.name}" is part of a cycle.')
        if id(node) in finished:
            return
        layer_indices.setdefault(id(layer), (len(layer_indices), layer))
        in_progress.add(id(node))
        for inbound, index in zip(node.inbound_layers, node.node_indices):
            visit(inbound, index)
        finished.add(id(node))
        in_progress.discard(id(node))
        nodes_in_decreasing_depth.append(node)

    for x in outputs:
        layer, node_index, _ = x._keras_history
        visit(layer, node_index)

    node_depth, layer_depth = {}, {}
    for node in reversed(nodes_in_decreasing_depth):
        depth = max(node_depth.setdefault(id(node), (0, node))[0],
                    layer_depth.get(id(node.outbound_layer), (0, None))[0])
        layer_depth[id(node.outbound_layer)] = (depth, node.outbound_layer)
        node_depth[id(node)] = (depth, node)
        for inbound, index in zip(node.inbound_layers, node.node_indices):
            inbound_node = inbound._inbound_nodes[index]
            previous = node_depth.get(id(inbound_node), (0, inbound_node))[0]
            node_depth[id(inbound_node)] = (max(depth + 1, previous), inbound_node)

    nodes_by_depth = {}
    for depth, node in node_depth.values():
        nodes_by_depth.setdefault(depth, []).append(node)
    layers_by_depth = {}
    for depth, layer in layer_depth.values():
        layers_by_depth.setdefault(depth, []).append(layer)
    layers = []
    for depth in sorted(layers_by_depth, reverse=True):
        layers.extend(sorted(layers_by_depth[depth], key=lambda lay: layer_indices[id(lay)][0]))

    computable = {id(x) for x in inputs}
    done = []
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            for x in node.input_tensors:
                if id(x) not in computable:
                    raise ValueError(f'Graph disconnected: cannot obtain value for tensor {x!r} at layer '
                                     f'"{node.outbound_layer.name}". The following previous layers were accessed '
                                     f"without issue: {done}")
            computable.update(id(x) for x in node.output_tensors)
            done.append(node.outbound_layer.name)
    names = [layer.name for layer in layers]
    for name in names:
        if names.count(name) != 1:
            raise ValueError(f'The name "{name}" is used {names.count(name)} times in the model. All layer names '
                             "should be unique.")
    return nodes_by_depth, layers


def is_symbolic_call(inputs):
    return any(is_symbolic(x) for x in _as_list(inputs))
