"""``fit_generator`` / ``evaluate_generator`` / ``predict_generator`` (Keras 2.2.4
``keras/engine/training_generator.py`` semantics, run in the calling thread).

The data comes from a Python generator (any iterator) yielding ``(x, y)`` or ``(x, y,
sample_weight)`` batches, or from a :class:`~nnspec.reference.sequence.Sequence`. Each batch goes
through the model's own one-batch steps (``_standardize`` then ``_train_batch`` / ``_test_batch`` /
``_predict_batch``), so a batch is treated exactly as ``train_on_batch`` / ``test_on_batch`` /
``predict_on_batch`` treat it.

Where nnspec is not Keras 2.2.4 (all recorded in ``conformance/spec/conventions/generators.md``):
``workers``, ``use_multiprocessing`` and ``max_queue_size`` are accepted and ignored — batches are
read in the calling thread, one at a time, when they are needed, so runs are deterministic; a
Sequence is read in passes (each pass visits every batch once, in a fresh ``np.random``
permutation when ``fit_generator(shuffle=True)``) and its ``on_epoch_end`` is called after every
complete pass, whatever ``workers`` is; a generator that runs dry is a ``ValueError`` saying how
many batches were needed; ``steps`` must be positive.
"""

import math
import numbers

import numpy as np

from .. import callbacks as cbks
from ..sequence import Sequence
from . import data as D
from .progbar import Progbar

__all__ = ["fit_generator", "evaluate_generator", "predict_generator"]

_SEQUENCE = "`nnspec.utils.Sequence`"


# -- where the batches come from ---------------------------------------------------------------------------

class _Stream:
    """The batches of one source, one at a time; ``peek`` reads one ahead without consuming it."""

    def __init__(self):
        self._ahead = []

    def next(self):
        return self._ahead.pop() if self._ahead else self._fetch()

    def peek(self):
        if not self._ahead:
            self._ahead.append(self._fetch())
        return self._ahead[0]

    def end_pass_if_complete(self):
        """After a batch has been used: a Sequence whose pass is complete gets ``on_epoch_end()``."""


class _IteratorStream(_Stream):
    def __init__(self, iterator, caller, role, needed):
        super().__init__()
        self.iterator, self.caller, self.role, self.needed = iterator, caller, role, needed
        self.taken = 0

    def _fetch(self):
        try:
            item = next(self.iterator)
        except StopIteration:
            raise ValueError(
                f"{self.caller}: the {self.role} stopped after yielding {self.taken} batch(es), but {self.needed}. "
                "A generator for Keras-style training loops must yield batches forever (write its body inside "
                "`while True:`), or use a Sequence, or lower the number of steps.") from None
        self.taken += 1
        return item


class _SequenceStream(_Stream):
    """Passes over a Sequence: every index once per pass, permuted with ``np.random`` when ``shuffle``."""

    def __init__(self, sequence, shuffle):
        super().__init__()
        self.sequence, self.shuffle = sequence, bool(shuffle)
        self.order, self.position = None, 0

    def _fetch(self):
        if self.order is None or self.position == len(self.order):
            if self.order is not None:  # a pass completed without the caller noticing (not reached by the loops)
                self.sequence.on_epoch_end()
            n = len(self.sequence)
            if n < 1:
                raise ValueError(f"The Sequence {type(self.sequence).__name__} has no batches (len() is {n})")
            self.order = np.random.permutation(n) if self.shuffle else np.arange(n)
            self.position = 0
        index = int(self.order[self.position])
        self.position += 1
        return self.sequence[index]

    def end_pass_if_complete(self):
        if self.order is not None and self.position == len(self.order) and not self._ahead:
            self.order = None
            self.sequence.on_epoch_end()


def _stream(source, caller, argname, role, needed, shuffle=False):
    _check_source(source, caller, argname)
    if isinstance(source, Sequence):
        return _SequenceStream(source, shuffle)
    return _IteratorStream(source, caller, role, needed)


def _check_source(source, caller, argname):
    if isinstance(source, Sequence) or hasattr(source, "__next__"):
        return
    hint = ""
    if isinstance(source, (list, tuple)) or (hasattr(source, "__iter__") and not hasattr(source, "__getitem__")):
        hint = " It is iterable but not an iterator: pass iter(...) of it, or a generator that loops forever."
    elif hasattr(source, "__getitem__") and hasattr(source, "__len__"):
        hint = f" To use an indexable dataset of batches, subclass {_SEQUENCE} (implement __len__ and __getitem__)."
    raise TypeError(f"{caller}: `{argname}` must be a Python generator (or any iterator) or a {_SEQUENCE}; "
                    f"got {type(source).__name__}.{hint}")


def _steps(steps, source, argname, caller):
    """The number of batches to read: given, or ``len(sequence)``; a float is rounded up (Keras' loop test)."""
    if steps is None:
        if not isinstance(source, Sequence):
            raise ValueError(f"{caller}: `{argname}=None` is only valid for a generator based on the {_SEQUENCE} "
                             f"class. Please specify `{argname}` or use the {_SEQUENCE} class.")
        steps = len(source)
        if steps < 1:
            raise ValueError(f"{caller}: `{argname}=None` takes len(sequence), but the Sequence "
                             f"{type(source).__name__} has no batches (len() is {steps})")
        return int(steps)
    if isinstance(steps, bool) or not isinstance(steps, numbers.Real) or not math.isfinite(steps) or steps <= 0:
        raise ValueError(f"{caller}: `{argname}` must be a positive number of batches, got {steps!r}")
    return int(math.ceil(steps))


# -- one batch ---------------------------------------------------------------------------------------------------

def _describe(obj):
    if isinstance(obj, (tuple, list)):
        parts = ", ".join(_describe(o) for o in obj[:4]) + (", ..." if len(obj) > 4 else "")
        return f"a {type(obj).__name__} of {len(obj)} item(s): ({parts})"
    if isinstance(obj, dict):
        return f"a dict with keys {sorted(map(str, obj))}"
    if hasattr(obj, "shape") and hasattr(obj, "dtype"):
        return f"{type(obj).__name__} of shape {tuple(obj.shape)}"
    return repr(obj) if len(repr(obj)) <= 60 else type(obj).__name__


def _unpack(output, caller):
    if isinstance(output, (tuple, list)) and len(output) in (2, 3):
        return output[0], output[1], output[2] if len(output) == 3 else None
    raise ValueError(f"{caller}: output of generator should be a tuple `(x, y, sample_weight)` or `(x, y)`. "
                     f"Found: {_describe(output)}")


def _standardize(model, x, y, sample_weight, class_weight, caller):
    xs, ys, sws = model._standardize(x, y, sample_weight, class_weight)
    n = len(model.output_names)
    if y is None:
        lossy = [name for name, fn in zip(model.output_names, model.loss_functions) if fn is not None]
        if lossy:
            raise ValueError(f"{caller}: the generator yielded y=None, but the model has a loss on output(s) "
                             f"{lossy}: yield (x, y) or (x, y, sample_weight)")
    return xs, [None] * n if ys is None else ys, [None] * n if sws is None else sws


def _batch_size(xs, caller):
    size = int(xs[0].shape[0]) if xs else 1
    if size == 0:
        raise ValueError(f"{caller}: received an empty batch. Batches should contain at least one item.")
    return size


# -- the loops -------------------------------------------------------------------------------------------------

def fit_generator(model, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                  validation_data=None, validation_steps=None, class_weight=None, max_queue_size=10, workers=1,
                  use_multiprocessing=False, shuffle=True, initial_epoch=0):
    """Train on batches from ``generator`` (see ``Model.fit_generator``); returns the History."""
    caller = "fit_generator"
    model._require_compiled(caller)
    _check_source(generator, caller, "generator")
    steps_per_epoch = _steps(steps_per_epoch, generator, "steps_per_epoch", caller)
    stream = _stream(generator, caller, "generator", "generator",
                     f"steps_per_epoch * epochs = {steps_per_epoch} * {epochs} were needed", shuffle)

    # validation: a generator / Sequence read for validation_steps batches per epoch, or arrays
    val_gen = isinstance(validation_data, Sequence) or hasattr(validation_data, "__next__")
    do_validation = val_gen or not (validation_data is None or
                                    (isinstance(validation_data, (tuple, list)) and len(validation_data) == 0))
    val_stream = val_arrays = None
    if val_gen:
        validation_steps = _steps(validation_steps or None, validation_data, "validation_steps", caller)
        val_stream = _stream(validation_data, caller, "validation_data", "validation generator",
                             f"validation_steps = {validation_steps} were needed after each epoch")

    # a deferred-build model (Sequential without input shape, subclassed model) builds on the first batch
    if not model.built or not getattr(model, "_compiled", True):
        model._ensure_built(_unpack(stream.peek(), caller)[0])

    if do_validation and not val_gen:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ValueError(f"{caller}: `validation_data` should be a tuple `(val_x, val_y, val_sample_weight)` or "
                             f"`(val_x, val_y)`, a generator or a {_SEQUENCE}. Found: {_describe(validation_data)}")
        vx, vy = validation_data[0], validation_data[1]
        vw = validation_data[2] if len(validation_data) == 3 else None
        val_arrays = model._standardize(vx, vy, vw)

    out_labels = list(model.metrics_names)
    callback_metrics = out_labels + [f"val_{n}" for n in out_labels]  # Keras 2.2.4: val_ names even without
    model.history = cbks.History()
    chain = [cbks.BaseLogger()] + ([cbks.ProgbarLogger("steps")] if verbose else [])
    chain += list(callbacks or []) + [model.history]
    calls = cbks.CallbackList(chain)
    calls.set_model(model)
    calls.set_params({"epochs": epochs, "steps": steps_per_epoch, "verbose": verbose,
                      "do_validation": do_validation, "metrics": callback_metrics})
    for c in calls:
        c.validation_data = D.callback_validation_data(val_arrays)
    guards_nan = any(type(c).__name__ == "TerminateOnNaN" for c in chain)
    model.stop_training = False
    calls.on_train_begin()
    epoch = initial_epoch
    while epoch < epochs:
        calls.on_epoch_begin(epoch)
        epoch_logs = {}
        for step in range(steps_per_epoch):
            x, y, sample_weight = _unpack(stream.next(), caller)
            xs, ys, sws = _standardize(model, x, y, sample_weight, class_weight, caller)
            size = _batch_size(xs, caller)
            model._fit_batch(calls, step, (xs, ys, sws), out_labels, guards_nan,
                             f"{caller}: the loss became {{}} at epoch {epoch + 1}, step {step}")
            last = step == steps_per_epoch - 1
            if not last:
                stream.end_pass_if_complete()
            if last and do_validation:
                if val_gen:
                    val_outs = _evaluate(model, val_stream, validation_steps, 0, caller)
                else:  # Keras 2.2.4 evaluates with the size of the epoch's last batch
                    val_outs = model._test_loop(val_arrays[0], val_arrays[1], val_arrays[2], size, verbose=0)
                epoch_logs.update({f"val_{k}": v for k, v in zip(out_labels, val_outs)})
            if model.stop_training:
                break
        calls.on_epoch_end(epoch, epoch_logs)
        stream.end_pass_if_complete()
        epoch += 1
        if model.stop_training:
            break
    calls.on_train_end()
    return model.history


def _evaluate(model, stream, steps, verbose, caller):
    """Loss and metrics over ``steps`` batches: the batch values averaged with the batch sizes as weights."""
    bar = Progbar(steps) if verbose == 1 else None
    per_batch, sizes = [], []
    for step in range(steps):
        x, y, sample_weight = _unpack(stream.next(), caller)
        xs, ys, sws = _standardize(model, x, y, sample_weight, None, caller)
        sizes.append(_batch_size(xs, caller))
        per_batch.append(model._test_batch(xs, ys, sws))
        stream.end_pass_if_complete()
        if bar:
            bar.update(step + 1)
    return [np.average([outs[i] for outs in per_batch], weights=sizes) for i in range(len(per_batch[0]))]


def evaluate_generator(model, generator, steps=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                       verbose=0):
    """The loss (and metrics) over ``steps`` batches (see ``Model.evaluate_generator``)."""
    caller = "evaluate_generator"
    model._require_compiled(caller)
    _check_source(generator, caller, "generator")
    steps = _steps(steps, generator, "steps", caller)
    stream = _stream(generator, caller, "generator", "generator", f"steps = {steps} were needed")
    outs = _evaluate(model, stream, steps, verbose, caller)
    return outs[0] if len(outs) == 1 else outs


def predict_generator(model, generator, steps=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                      verbose=0):
    """The outputs for ``steps`` batches, concatenated (a list per output for multi-output models)."""
    caller = "predict_generator"
    _check_source(generator, caller, "generator")
    steps = _steps(steps, generator, "steps", caller)
    stream = _stream(generator, caller, "generator", "generator", f"steps = {steps} were needed")
    bar = Progbar(steps) if verbose == 1 else None
    chunks = None
    for step in range(steps):
        output = stream.next()
        if isinstance(output, tuple):  # (x, y) or (x, y, sample_weight), as fed to training: x is used
            if len(output) not in (2, 3):
                raise ValueError(f"{caller}: output of generator should be a tuple `(x, y, sample_weight)` or "
                                 f"`(x, y)`, or the inputs x alone. Found: {_describe(output)}")
            x = output[0]
        else:
            x = output
        outs = model._predict_batch(model._standardize(x, None)[0])
        chunks = [[o] for o in outs] if chunks is None else [c + [o] for c, o in zip(chunks, outs)]
        stream.end_pass_if_complete()
        if bar:
            bar.update(step + 1)
    results = [np.concatenate(c) for c in chunks]
    return results[0] if len(results) == 1 else results
