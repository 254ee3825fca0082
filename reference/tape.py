"""Define-by-run autodiff: nodes recorded as ops run, gradient tapes, ``gradients``.

Every differentiable op that runs on an input that needs a gradient records a :class:`Node`: the
op's inputs, weak references to its outputs, and its VJP. VJPs are written with ops, so while a
backward pass runs under an active tape (or from :func:`gradients`) it records nodes of its own,
and gradients of gradients need no extra code.

Two ways to walk the recorded graph back, sharing one propagation routine:

* :class:`GradientTape` (TF2 semantics): a tape keeps the nodes recorded while it was active and
  whose inputs it watches (trainable variables it touched, tensors it was told to ``watch``, and
  outputs of nodes it recorded). Only those nodes carry gradient, so ops run outside the tape are
  constants to it. Tapes nest; an outer tape records the inner tape's backward pass.
* :func:`gradients` (``K.gradients``): follows each tensor's creator node, whatever tape was or was
  not active, and always records, so its results can be differentiated again.
"""

import itertools
import weakref

_tapes = []               # active tapes, innermost last
_grad_enabled = [True]    # stack: False inside no_grad()
_seq = itertools.count()  # creation order of nodes = a topological order


class Node:
    """One recorded op application."""

    # saved: arrays a fused op keeps for its first-order backward (see ops.core.apply_saving); raw arrays,
    # not tensors, so that a node never holds its own outputs alive (no reference cycle to wait for).
    __slots__ = ("op", "inputs", "outputs", "out_meta", "vjp", "attrs", "needs", "seq", "saved")

    def __init__(self, op, inputs, outputs, vjp, attrs, needs):
        self.op = op
        self.inputs = inputs
        self.outputs = tuple(weakref.ref(o) for o in outputs)
        self.out_meta = tuple((o.data.shape, o.data.dtype) for o in outputs)
        self.vjp = vjp
        self.attrs = attrs
        self.needs = needs
        self.seq = next(_seq)
        self.saved = ()

    @property
    def output(self):
        """The (single) output tensor; alive whenever the node is reached in a backward pass."""
        return self.outputs[0]()

    def __repr__(self):
        return f"<Node {self.op} #{self.seq}>"


def _differentiable(t):
    return t.data.dtype.kind in "fc"


def needs_grad(t):
    if not _differentiable(t):
        return False
    if t._requires_grad:
        return True
    for tape in _tapes:
        if tape._watches(t):
            return True
    return False


def record(op, inputs, outputs, vjp, attrs):
    """Called by every differentiable op after its kernel ran; records a node when one is needed.

    It runs for every op of a training step: plain loops, no generator expressions (a fifth of an op's
    overhead on small arrays)."""
    if not _grad_enabled[-1]:
        return
    needs = [needs_grad(t) for t in inputs]
    if True not in needs:
        return
    node = Node(op, tuple(inputs), outputs, vjp, attrs, tuple(needs))
    for o in outputs:
        if _differentiable(o):
            o._node = node
            o._requires_grad = True
    for tape in _tapes:
        if tape._recording:
            for t in inputs:
                if tape._watches(t):
                    tape._nodes.append(node)
                    tape._ids.update(id(o) for o in outputs)
                    break
    return node


def grad_enabled():
    """Whether ops running now record nodes: inside a VJP, whether the backward pass itself is recorded
    (a gradient of the gradient may be asked for)."""
    return _grad_enabled[-1]


class no_grad:
    """Context manager: ops run inside record nothing (inference, weight updates)."""

    def __enter__(self):
        _grad_enabled.append(False)

    def __exit__(self, *exc):
        _grad_enabled.pop()


class _enable_grad(no_grad):
    def __enter__(self):
        _grad_enabled.append(True)


def _zeros(shape, dtype, like):
    from .ops import zeros
    return zeros(shape, dtype=dtype, like=like)


def _ones_like(t):
    from .ops import ones_like
    return ones_like(t)


def _backprop(seeds, nodes):
    """Propagate output gradients back through ``nodes`` (reverse topological order).

    seeds: list of (tensor, gradient). Returns {id(tensor): gradient} for every tensor reached.
    """
    from .ops import add
    grads = {}
    for t, g in seeds:
        grads[id(t)] = g if id(t) not in grads else add(grads[id(t)], g)
    for node in nodes:
        if len(node.outputs) == 1:  # most ops: no lists to build (the walk visits every node of a step)
            out = node.outputs[0]()
            g = None if out is None else grads.get(id(out))
            if g is None:
                continue
            gouts = (g,)
        else:
            gouts = [None if o is None else grads.get(id(o)) for o in (ref() for ref in node.outputs)]
            if all(g is None for g in gouts):
                continue
            gouts = [g if g is not None else _zeros(shape, dtype, like=node.inputs[0])
                     for g, (shape, dtype) in zip(gouts, node.out_meta)]
        gins = node.vjp(node, *gouts)
        for t, g, need in zip(node.inputs, gins, node.needs):
            if g is None or not need:
                continue
            if g.shape != t.shape:
                raise AssertionError(f"VJP of {node.op} gave a gradient of shape {g.shape} "
                                     f"for an input of shape {t.shape}")
            k = id(t)
            grads[k] = g if k not in grads else add(grads[k], g)
    return grads


def _seed(target, output_gradient):
    from .ops import as_tensor
    if output_gradient is None:
        return _ones_like(target)
    g = as_tensor(output_gradient, like=target)
    if g.shape != target.shape:
        raise ValueError(f"output gradient of shape {g.shape} for a target of shape {target.shape}")
    return g


def _flatten(sources):
    if isinstance(sources, (list, tuple)):
        return list(sources), True
    return [sources], False


def _finish(grads, sources, structured, unconnected_gradients):
    from .ops import zeros_like
    out = []
    for s in sources:
        g = grads.get(id(s))
        if g is None and unconnected_gradients == "zero":
            g = zeros_like(s)
        out.append(g)
    return out if structured else out[0]


class GradientTape:
    """Records operations for automatic differentiation (``tf.GradientTape`` semantics).

    ``persistent=True`` allows several ``gradient`` calls; ``watch_accessed_variables=False`` makes
    the tape ignore trainable variables it was not told to ``watch``.
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self._nodes = []
        self._ids = set()
        self._watched = []
        self._recording = False
        self._used = False

    def __enter__(self):
        if self._recording:
            raise RuntimeError("GradientTape: this tape is already recording")
        _tapes.append(self)
        self._recording = True
        return self

    def __exit__(self, *exc):
        self._recording = False
        _tapes.remove(self)

    def _watches(self, t):
        if id(t) in self._ids:
            return True
        return (self.watch_accessed_variables and getattr(t, "trainable", False)
                and _differentiable(t))

    def watch(self, tensor):
        """Ensure gradients with respect to ``tensor`` (or a list of them) are recorded."""
        from .tensor import Tensor
        for t in (tensor if isinstance(tensor, (list, tuple)) else [tensor]):
            if not isinstance(t, Tensor):
                raise TypeError(f"GradientTape.watch: expected a Tensor or Variable, got {type(t).__name__}")
            if not _differentiable(t):
                continue
            self._ids.add(id(t))
            self._watched.append(t)

    def watched_variables(self):
        seen, out = set(), []
        for t in self._watched + [i for n in self._nodes for i in n.inputs]:
            if getattr(t, "trainable", None) is not None and id(t) not in seen and self._watches(t):
                seen.add(id(t))
                out.append(t)
        return out

    class _Paused:
        def __init__(self, tape):
            self.tape = tape

        def __enter__(self):
            self.tape._recording = False

        def __exit__(self, *exc):
            self.tape._recording = True

    def stop_recording(self):
        """Context manager in which this tape records nothing."""
        if not self._recording:
            raise RuntimeError("GradientTape.stop_recording: the tape is not recording")
        return GradientTape._Paused(self)

    def reset(self):
        self._nodes, self._ids, self._watched = [], set(), []

    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """Gradient of ``target`` (a tensor or a list, summed) with respect to ``sources``."""
        if unconnected_gradients not in ("none", "zero"):
            raise ValueError(f"unconnected_gradients: expected 'none' or 'zero', got {unconnected_gradients!r}")
        if self._used and not self.persistent:
            raise RuntimeError("GradientTape.gradient can only be called once on a non-persistent tape; "
                               "use GradientTape(persistent=True) for several calls")
        targets, _ = _flatten(target)
        ograds, _ = _flatten(output_gradients) if output_gradients is not None else ([None] * len(targets), 0)
        srcs, structured = _flatten(sources)
        was_recording = self._recording
        self._recording = False  # a tape never records its own backward pass
        try:
            # Record the backward pass only for an outer tape that is recording.
            ctx = _enable_grad() if any(t._recording for t in _tapes) else no_grad()
            with ctx:
                seeds = [(t, _seed(t, g)) for t, g in zip(targets, ograds)]
                grads = _backprop(seeds, reversed(self._nodes))
        finally:
            self._recording = was_recording
        self._used = True
        # A source this tape never watched gets no gradient, even if it is connected (TF semantics).
        grads = {id(s): grads[id(s)] for s in srcs if id(s) in grads and self._watches(s)}
        if not self.persistent:
            self.reset()
        return _finish(grads, srcs, structured, unconnected_gradients)

    def jacobian(self, target, source):
        """Full Jacobian d target / d source, of shape target.shape + source.shape."""
        import numpy as np

        from .ops import as_tensor, reshape, stack
        persistent, self.persistent = self.persistent, True
        try:
            rows = []
            for i in range(target.size):
                e = np.zeros(target.size, dtype=target.dtype)
                e[i] = 1
                rows.append(self.gradient(target, source, output_gradients=as_tensor(
                    e.reshape(target.shape), like=target), unconnected_gradients="zero"))
        finally:
            self.persistent = persistent
        if not persistent:
            self.reset()
        return reshape(stack(rows), target.shape + source.shape)


def _graph_nodes(targets, stop=()):
    """Nodes reachable from ``targets`` through creator links, newest first; the walk does not go past
    the tensors in ``stop``."""
    stop = {id(t) for t in stop}
    seen, stack = set(), [t._node for t in targets if t._node is not None]
    nodes = []
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        nodes.append(n)
        stack.extend(i._node for i in n.inputs if i._node is not None and id(i) not in stop)
    nodes.sort(key=lambda n: n.seq, reverse=True)
    return nodes


def vjp_by_recomputing(forward, inputs, output_grads):
    """The gradients of ``forward(*inputs)`` (a tuple of tensors) w.r.t. ``inputs`` for ``output_grads``,
    by running the forward again with ops and differentiating that, with the backward recorded.

    For the VJP of a fused op whose definition is a composition of ops (a whole recurrent sequence):
    called where the backward itself is recorded, it gives gradients of any order.
    """
    with _enable_grad():
        outputs = forward(*inputs)
        grads = _backprop(list(zip(outputs, output_grads)), _graph_nodes(outputs, stop=inputs))
    return tuple(grads.get(id(t)) for t in inputs)


def gradients(loss, variables, grad_ys=None):
    """``K.gradients``: gradients of ``loss`` (a tensor or a list, summed) w.r.t. ``variables``.

    Returns a list with one entry per variable (``None`` where the loss does not depend on it). The
    backward pass is recorded, so the results can be differentiated again.
    """
    targets, _ = _flatten(loss)
    ograds, _ = _flatten(grad_ys) if grad_ys is not None else ([None] * len(targets), 0)
    srcs, _ = _flatten(variables)
    with _enable_grad():
        seeds = [(t, _seed(t, g)) for t, g in zip(targets, ograds)]
        grads = _backprop(seeds, _graph_nodes(targets))
    return _finish(grads, srcs, True, "none")
