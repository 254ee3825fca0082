"""Backend functions on KerasTensors: the symbolic side of Keras 2's ``K`` that the books' listings use.

Keras 2 builds one TensorFlow graph: ``K.mean(layer.output)``, ``K.gradients(loss, model.input)`` and
``K.function([model.input], [loss, grads])`` (DeepDream, filter visualisation, Grad-CAM, style
transfer), and losses that close over a model's internal tensors (Foster's VAE ``kl_loss`` on
``self.mu``; WGAN-GP's gradient penalty on the interpolated images). nnspec runs eagerly, so:

* an op called on KerasTensors (outside a model's forward pass) records an :class:`OpLayer` node in
  the layer graph and returns KerasTensors (shapes found by running the op on small stand-in arrays);
  ``K.gradients`` on KerasTensors records a :class:`GradientsLayer` node. Such tensors can be model
  outputs and :class:`Function` outputs.
* :class:`Function` (``K.function``) runs the graph from its inputs on data, with the tensors that
  gradients are taken with respect to marked as they are produced, and returns NumPy arrays.
* inside a model's train / test step (:func:`values_scope`), every KerasTensor of the model stands for
  its value in the current batch: an op on it runs on that value. A loss may therefore use a model's
  internal tensors, and ``K.gradients`` with respect to them (the model then marks those tensors for
  gradients from the next try of the batch on: :class:`RetraceWithSources`).
"""

import contextvars
import itertools

import numpy as np

from ..layers.base import Layer
from .keras_tensor import KerasTensor, is_symbolic

# Names of the graph nodes made here: unique in the process (an id() could be reused after a node is freed).
_UIDS = itertools.count(1)

# {id(KerasTensor): Tensor} of the forward pass running now (a model's train/test step), or None.
_VALUES = contextvars.ContextVar("nnspec_symbolic_values", default=None)


class values_scope:
    """While active, networks record the value of every KerasTensor they compute (``record``), and ops on
    those KerasTensors run on the values. ``mark`` holds ids of KerasTensors whose values must carry
    gradients (a loss differentiates with respect to them)."""

    def __init__(self, mark=()):
        self.values, self.mark = {}, set(mark)

    def __enter__(self):
        self._token = _VALUES.set(self)
        return self

    def __exit__(self, *exc):
        _VALUES.reset(self._token)


def record_values(tensors, values):
    """Called by a network's graph walk: remember (and mark) the values of its KerasTensors."""
    scope = _VALUES.get()
    if scope is None:
        return
    for t, v in zip(tensors, values):
        if id(t) in scope.mark and getattr(v, "dtype", None) is not None and v.dtype.kind == "f":
            v._requires_grad = True
        scope.values[id(t)] = v


def resolve(x, scope):
    """The value of KerasTensor ``x`` in ``scope``; tensors made by ops on KerasTensors are computed."""
    if id(x) in scope.values:
        return scope.values[id(x)]
    layer, node_index, tensor_index = x._keras_history
    if isinstance(layer, (OpLayer, GradientsLayer)):
        node = layer._inbound_nodes[node_index]
        ins = [resolve(t, scope) for t in node.input_tensors]
        outs = layer.call(ins)
        outs = outs if isinstance(outs, (list, tuple)) else [outs]
        record_values(node.output_tensors, outs)
        return outs[tensor_index]
    raise ValueError(f"{x!r} is not computed by the model that is running: a loss or op can only use KerasTensors "
                     "of the model being trained or evaluated")


# -- ops on KerasTensors ------------------------------------------------------------------------------------------

def _scanner():
    """(the KerasTensors found so far, ``scan(arg)`` -> a spec of arg with each KerasTensor (also one level down
    in lists and tuples) replaced by its index in the found list)."""
    found = []

    def scan(a):
        if isinstance(a, KerasTensor):
            found.append(a)
            return ("kt", len(found) - 1)
        if isinstance(a, (list, tuple)) and any(isinstance(b, KerasTensor) for b in a):
            return (type(a), [scan(b) for b in a])
        return ("const", a)

    return found, scan


def _fill(spec, values):
    """The argument a spec of ``scan`` describes, with ``values`` in place of the KerasTensors."""
    kind, payload = spec
    if kind == "kt":
        return values[payload]
    if kind == "const":
        return payload
    return kind(_fill(s, values) for s in payload)


def call_symbolic(fn, args, kwargs):
    """An op called with KerasTensors: run on their values in a model's step, else record an OpLayer node."""
    found, scan = _scanner()
    specs = [scan(a) for a in args]
    kspecs = {k: scan(v) for k, v in kwargs.items()}
    scope = _VALUES.get()
    if scope is not None:
        values = [resolve(t, scope) for t in found]
        return fn(*[_fill(s, values) for s in specs], **{k: _fill(s, values) for k, s in kspecs.items()})
    return OpLayer(fn, specs, kspecs)(found if len(found) > 1 else found[0])


class OpLayer(Layer):
    """A node of the layer graph that applies one op (with its constant arguments) to KerasTensors."""

    def __init__(self, fn, specs, kspecs):
        super().__init__(name=f"{fn.__name__}_op_{next(_UIDS)}")
        self.fn, self.specs, self.kspecs = fn, specs, kspecs

    def call(self, inputs):
        values = inputs if isinstance(inputs, list) else [inputs]
        return self.fn(*[_fill(s, values) for s in self.specs], **{k: _fill(s, values) for k, s in self.kspecs.items()})

    def _run_on(self, shapes, dtypes, impl, size):
        from ..ops import zeros
        xs = [zeros(tuple(size if d is None else d for d in s), dt, impl=impl) for s, dt in zip(shapes, dtypes)]
        # only the shapes matter: zeros divided by zeros (DeepDream's sum / K.prod(K.shape(a))) must not warn
        with np.errstate(all="ignore"):
            out = self.call(xs)
        return list(out) if isinstance(out, (list, tuple)) else out

    def _call_symbolic(self, inputs, kwargs):
        xs = inputs if isinstance(inputs, list) else [inputs]
        shapes, dtypes = [x.shape for x in xs], [x.dtype for x in xs]
        # sizes that follow an unknown input size differ between two runs with different stand-in sizes
        a, b = self._run_on(shapes, dtypes, xs[0].impl, 2), self._run_on(shapes, dtypes, xs[0].impl, 3)
        outs_a, outs_b = (a, b) if isinstance(a, list) else ([a], [b])
        self._out_shapes = [tuple(None if da != db else da for da, db in zip(x.shape, y.shape))
                            for x, y in zip(outs_a, outs_b)]
        self._many_out = isinstance(a, list)
        self.output_dtype = outs_a[0].dtype
        return super()._call_symbolic(inputs, kwargs)

    def compute_output_shape(self, input_shape):
        return list(self._out_shapes) if self._many_out else self._out_shapes[0]


class GradientsLayer(Layer):
    """``K.gradients(loss, xs)`` on KerasTensors: inputs [loss, *xs], outputs the gradients (zeros where the
    loss does not depend on an input, as TensorFlow's None would break the graph)."""

    def __init__(self, sources):
        super().__init__(name=f"gradients_{next(_UIDS)}")
        self.sources = sources  # per source: True for a KerasTensor input, else the Variable itself

    def call(self, inputs):
        from ..tape import gradients
        loss, rest = inputs[0], list(inputs[1:])
        xs = [rest.pop(0) if s is True else s for s in self.sources]
        return gradients(loss, xs)

    def _call_symbolic(self, inputs, kwargs):
        self.output_dtype = inputs[0].dtype
        return super()._call_symbolic(inputs, kwargs)

    def compute_output_shape(self, input_shape):
        shapes = list(input_shape[1:])
        return [shapes.pop(0) if s is True else tuple(s.shape) for s in self.sources]


class RetraceWithSources(Exception):
    """A loss asked for gradients with respect to model tensors that were not marked: run the batch again."""

    def __init__(self, tensors):
        super().__init__("gradients with respect to unmarked model tensors")
        self.tensors = tensors


def gradients(loss, variables, grad_ys=None):
    """``K.gradients`` on tensors (the tape's) or on KerasTensors (a GradientsLayer node, or the running
    model's values)."""
    from ..tape import gradients as eager_gradients
    many = isinstance(variables, (list, tuple))
    variables = list(variables) if many else [variables]
    if not (is_symbolic(loss) or any(is_symbolic(v) for v in variables)):
        return eager_gradients(loss, variables, grad_ys)
    scope = _VALUES.get()
    if scope is not None:
        values = [resolve(v, scope) if is_symbolic(v) else v for v in variables]
        unmarked = [v for v, x in zip(variables, values) if is_symbolic(v) and not x._requires_grad]
        if unmarked:
            raise RetraceWithSources(unmarked)
        loss = resolve(loss, scope) if is_symbolic(loss) else loss
        return eager_gradients(loss, values, grad_ys)
    if grad_ys is not None:
        raise NotImplementedError("K.gradients on KerasTensors: grad_ys is not supported")
    if not is_symbolic(loss):
        raise TypeError("K.gradients: the loss is a concrete tensor but the variables are KerasTensors; build the "
                        "loss from the KerasTensors (layer outputs, model.input)")
    layer = GradientsLayer([True if is_symbolic(v) else v for v in variables])
    out = layer([loss] + [v for v in variables if is_symbolic(v)])
    return out if isinstance(out, list) else [out]


# -- K.function and K.placeholder ------------------------------------------------------------------------------

def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None, impl=None):
    """``K.placeholder``: an Input KerasTensor of the full shape given (None for unknown sizes)."""
    from .input_layer import Input
    if shape is None:
        if ndim is None:
            raise ValueError("placeholder: give shape= or ndim=")
        shape = (None,) * int(ndim)
    return Input(batch_shape=tuple(shape), dtype=dtype, sparse=sparse, name=name, impl=impl)


def _gradient_sources(outputs):
    """Ids of the KerasTensors some GradientsLayer behind ``outputs`` differentiates with respect to."""
    seen, stack, marks = set(), list(outputs), set()
    while stack:
        t = stack.pop()
        if id(t) in seen or not isinstance(t, KerasTensor):
            continue
        seen.add(id(t))
        layer, node_index, _ = t._keras_history
        node = layer._inbound_nodes[node_index]
        if isinstance(layer, GradientsLayer):
            marks.update(id(x) for x in node.input_tensors[1:])
        stack.extend(node.input_tensors)
    return marks


class Function:
    """``K.function(inputs, outputs)``: call with a list of arrays (one per input); returns a list of arrays."""

    def __init__(self, inputs, outputs, updates=None, name=None, **kwargs):
        from .network import Network
        if updates:
            raise NotImplementedError("K.function: updates are not supported (apply them with the optimizer)")
        self.inputs, self.outputs = list(inputs), list(outputs)
        for x in self.inputs:
            if not is_symbolic(x):
                raise TypeError(f"K.function: inputs must be KerasTensors (model.input, K.placeholder), got "
                                f"{type(x).__name__}")
        self._net = Network(self.inputs, self.outputs, name=name or f"function_{next(_UIDS)}")
        self._marks = _gradient_sources(self.outputs)

    def __call__(self, inputs):
        from ..tensor import Tensor, to_array
        if len(inputs) != len(self.inputs):
            raise ValueError(f"K.function expects {len(self.inputs)} input array(s), got {len(inputs)}")
        # fresh tensors (the graph walk marks those that gradients are taken with respect to)
        values = [Tensor(to_array(value, kt.dtype, kt.impl)) for kt, value in zip(self.inputs, inputs)]
        with values_scope(mark=self._marks):
            outs = self._net._run_graph(values, training=None)
        outs = outs if isinstance(outs, list) else [outs]
        return [o.numpy() for o in outs]


def function(inputs, outputs, updates=None, **kwargs):
    return Function(inputs, outputs, updates=updates, **kwargs)
