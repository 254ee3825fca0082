"""CUDA graphs for whole training steps (issue 8).

A small model's step is bound by the host: Python and one launch per kernel. Replaying a step recorded into a
CUDA graph costs one launch. ``train_step`` (the accel implementation's) runs the first ``WARMUP_STEPS`` steps
of a batch signature eagerly (kernels compiled, optimizer slots made, the memory pool and cuBLAS set up),
records the next one and replays the recording from then on:

* the batch is copied into device buffers the graph reads; the loss and metric values are read back from
  the graph's outputs (one synchronisation a step: train_on_batch returns floats);
* every variable keeps its buffer: where the step rebinds a variable to a new array, the recording ends with
  a copy of that array into the old buffer; a variable rebound between steps (set_weights) is copied in;
* the graph's temporaries come from a memory pool of its own, kept with the graph and used by nothing else
  (a shared pool would hand them to arrays the next replay overwrites);
* host state: the replay advances the optimizer's iteration count as the step did; the optimizer's numbers
  of the step (learning rate, Adam's bias correction: ``reference.capture.step_scalars``) are device scalars
  of the graph, refilled from the host before every replay; a step whose other settings (nesterov ...)
  differ from the recorded ones drops the graph and runs eagerly;
* Embedding's and the sparse crossentropy's index checks run on the host batch before each replay
  (``nnspec.reference.capture``).

What a replay could not repeat (a host synchronisation, random draws, host state other than the optimizer's
iteration count and step state, which a replay advances as the step does) makes the recording fail: that signature
then always runs eagerly, the reason kept in ``model._step_graphs.refused``. Graphs are on by default
(``conformance/test_step_graphs.py``: replays train as eager steps, on an H100); ``NNSPEC_CUDA_GRAPHS=0`` turns
them off. Every matrix product goes through ``nnspec.accel.blas`` (CuPy's own cuBLAS wrapper refuses to run while a
stream records).
"""

import collections
import os

import cupy
import numpy as np
from nnspec.reference import capture
from nnspec.reference.tensor import Tensor

WARMUP_STEPS = 2
MAX_GRAPHS = 4  # per model (a fit's last, smaller batch is a second signature)
MAX_NUMBERS = 32  # of an optimizer step (Nadam's are 11)


def enabled():
    return os.environ.get("NNSPEC_CUDA_GRAPHS", "1") != "0"


def train_step(eager, model, xs, ys, sws):
    """One step of ``model`` on a standardized batch; ``eager(model, xs, ys, sws)`` runs it without a graph."""
    graphs = model.__dict__.get("_step_graphs")
    if graphs is None:
        graphs = model.__dict__["_step_graphs"] = StepGraphs()
    return graphs.run(eager, model, xs, ys, sws)


class StepGraphs:
    """The recorded steps of one model, by batch signature."""

    def __init__(self):
        self.graphs = collections.OrderedDict()
        self.seen = collections.Counter()
        self.refused = {}  # signature -> why it runs eagerly
        self.replays = 0

    def run(self, eager, model, xs, ys, sws):
        if not enabled():
            return eager(model, xs, ys, sws)
        batch = model._host_batch(xs, ys, sws)
        flat = [a for part in batch for a in part]
        if not all(a is None or isinstance(a, np.ndarray) for a in flat):
            return eager(model, xs, ys, sws)
        key = _signature(model, flat)
        if key in self.refused:
            return eager(model, xs, ys, sws)
        scalars = _step_scalars(model.optimizer)
        graph = self.graphs.get(key)
        if graph is not None and not graph.still_valid(model, scalars):
            del self.graphs[key]
            self.seen[key] = 0
            graph = None
        if graph is None:
            self.seen[key] += 1
            if self.seen[key] <= WARMUP_STEPS:
                return eager(model, xs, ys, sws)
            try:
                graph = _Recorded(model, batch, scalars)
            except capture.NotCapturable as e:
                self.refused[key] = str(e)
                return eager(model, xs, ys, sws)
            self.graphs[key] = graph
            while len(self.graphs) > MAX_GRAPHS:
                self.graphs.popitem(last=False)
        self.graphs.move_to_end(key)
        self.replays += 1
        return graph.replay(model, flat, scalars)


def _signature(model, flat):
    """What a recording depends on besides the values: the compiled training setup and the batch's shapes."""
    setup = (id(model.optimizer), id(model._collected_trainable_weights), tuple(map(id, model.loss_functions)))
    return setup + tuple(None if a is None else (a.shape, a.dtype.str) for a in flat)


def _step_scalars(optimizer):
    """What the optimizer's update kernels get this step: its numbers, and settings such as nesterov."""
    return optimizer._step_scalars(int(optimizer.iterations.numpy()))


def _is_number(value):
    """Whether an optimizer's step scalar is one of its numbers (a Python float a replay refills) rather than
    a setting (nesterov ...) the recording holds fixed."""
    return type(value) is float


def _settings(scalars):
    return {k: v for k, v in scalars.items() if not _is_number(v)}


def _on_device(variable):
    return isinstance(variable.data, cupy.ndarray)


class _Recorded:
    """One training step recorded into a CUDA graph, with the buffers it reads and writes."""

    def __init__(self, model, batch, scalars):
        optimizer = model.optimizer
        self.scalars = scalars
        # the optimizer's numbers (see step_scalars): a buffer made before the recording, outside the graph's pool
        # (one made in the pool while recording came back overwritten by the replays' temporaries, on an H100)
        self.numbers, self.number_buffer = None, cupy.zeros(MAX_NUMBERS, np.float64)
        self.variables = [v for v in list(model.weights) + list(optimizer.weights) if _on_device(v)]
        self.buffers = [v.data for v in self.variables]
        host_state = [v for v in optimizer.weights if not _on_device(v)]
        host_before = [np.array(v.numpy(), copy=True) for v in host_state]
        parts = [[None if a is None else Tensor(cupy.empty(a.shape, dtype=a.dtype)) for a in part] for part in batch]
        self.inputs = [None if t is None else t.data for part in parts for t in part]  # the batch's buffers
        self.checks = []  # (input position, limit, message): index checks run on the host batch
        self.stream = cupy.cuda.Stream(non_blocking=True)
        self.pool = cupy.cuda.MemoryPool()  # the graph's alone, for as long as the graph lives
        self.stream.wait_event(cupy.cuda.get_current_stream().record())
        try:
            with self.stream, cupy.cuda.using_allocator(self.pool.malloc), capture.recording(self):
                self.stream.begin_capture()
                try:
                    values = model._train_tensors(*parts)
                    self._keep_buffers()  # recorded: the next replay reads what the step rebound
                    self.outputs = [v.data for v in values]
                finally:
                    graph = _end_capture(self.stream)
        except capture.NotCapturable:
            raise
        except Exception as e:  # a host synchronisation or another call a capture refuses
            raise capture.NotCapturable(f"{type(e).__name__}: {e}") from e
        finally:
            # The recording ran nothing: every variable still holds its value in its old buffer.
            for v, buf in zip(self.variables, self.buffers):
                v.data = buf
            changed = [v.name for v, old in zip(host_state, host_before) if not np.array_equal(v.numpy(), old)]
            for v, old in zip(host_state, host_before):
                v.assign(old)
        if graph is None:
            raise capture.NotCapturable("the stream capture was invalidated")
        replayed = {optimizer.iterations.name} | {v.name for v in optimizer._step_state()}  # see replay
        if optimizer.iterations.name not in changed or set(changed) - replayed:
            raise capture.NotCapturable(f"the step changes host state a replay would not: {changed}")
        self.graph = graph

    def _keep_buffers(self):
        """Copy the value of every variable rebound to a new array into its recorded buffer, and bind it back."""
        for v, buf in zip(self.variables, self.buffers):
            if v.data is not buf:
                buf[...] = v.data
                v.data = buf

    def step_scalars(self, scalars):
        """The optimizer's numbers as float64 device scalars the replays refill (the others kept as they are)."""
        if self.numbers is not None:
            raise capture.NotCapturable("a second optimizer step within the step")
        names = [k for k, v in scalars.items() if _is_number(v)]
        if len(names) > MAX_NUMBERS:
            raise capture.NotCapturable(f"the optimizer has more than {MAX_NUMBERS} numbers a step")
        buffer = self.number_buffer[:len(names)]
        self.numbers = (names, buffer)
        return {**scalars, **{k: buffer[i] for i, k in enumerate(names)}}

    def defer_index_check(self, array, limit, message):
        for k, a in enumerate(self.inputs):
            if a is array:
                self.checks.append((k, limit, message))
                return
        raise capture.NotCapturable("an index check on a computed tensor (not a batch input) would read it on the "
                                    "host")

    def still_valid(self, model, scalars):
        """Whether a replay does what the eager step would: the optimizer's settings besides its numbers as
        recorded, the same variable shapes."""
        return _settings(scalars) == _settings(self.scalars) and all(
            v.data is buf or (v.data.shape == buf.shape and v.data.dtype == buf.dtype)
            for v, buf in zip(self.variables, self.buffers))

    def replay(self, model, flat, scalars):
        for k, limit, message in self.checks:
            error = capture.index_range_error(flat[k], limit, message)
            if error is not None:
                raise error
        self._keep_buffers()  # values set since (set_weights, load_weights) go into the graph's buffers
        self.stream.wait_event(cupy.cuda.get_current_stream().record())
        with self.stream:
            for buf, a in zip(self.inputs, flat):
                if buf is not None:
                    buf.set(np.ascontiguousarray(a), stream=self.stream)
            if self.numbers is not None:
                names, buffer = self.numbers
                buffer.set(np.array([scalars[k] for k in names], np.float64), stream=self.stream)
            self.graph.launch(stream=self.stream)
            values = [float(o.get(stream=self.stream)) for o in self.outputs]
        model.optimizer._finish_step(scalars)  # host state of the optimizer (Nadam's momentum schedule)
        model.optimizer.iterations.assign_add(1)
        return values


def _end_capture(stream):
    """End the capture; None where it was invalidated (an error inside it)."""
    try:
        return stream.end_capture()
    except Exception:
        return None
