"""``Model``: a network that trains (Keras 2.2.4 ``keras/engine/training.py`` semantics, eagerly).

compile() fixes the loss per output, the metrics, the optimizer and — Keras 2's trainable rule —
the list of weights that training updates (``_collected_trainable_weights``), read from the
layers' ``trainable`` flags at that moment. fit() runs Keras' loop: per-epoch shuffling, batches,
BaseLogger / ProgbarLogger / user callbacks / History, validation after the last batch.

The loss of one output on a batch is Keras' weighted objective: the per-sample loss (the loss
function reduces the last axis), times the sample weight, divided by the fraction of non-zero
weights, averaged. The total is the weighted sum over outputs plus the layers' losses
(regularization, ``add_loss``).
"""

import numpy as np

from .. import backend as K
from .. import losses as losses_module
from .. import metrics as metrics_module
from .. import ops
from .. import optimizers as optimizers_module
from ..layers.base import _UPDATING
from ..tape import GradientTape, _enable_grad, no_grad
from ..tensor import Tensor
from . import data as D
from .network import Network
from .symbolic import RetraceWithSources, values_scope


def _to_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def weighted_objective(fn, y_true, y_pred, weights, weighted=True):
    """Keras' weighted_masked_objective: the output's mask (if any) zeroes masked steps and rescales by
    the fraction kept; then, for a loss or a weighted metric, the per-sample mean (over the score's trailing
    axes) times the weights, divided by the fraction of non-zero weights, averaged. ``weights`` None is Keras'
    default of ones: multiplying by 1 and dividing by mean(1 != 0) = 1 are exact identities, left out (7 of the
    50 ops of a small model's training step). An unweighted metric averages the score at once."""
    score = fn(y_true, y_pred)
    mask = getattr(y_pred, "_keras_mask", None)
    if mask is not None:
        mask = ops.cast(mask, score.dtype)
        score = ops.divide(ops.multiply(score, mask), ops.mean(mask))
    if weighted:
        weights_ndim = 1 if weights is None else weights.ndim
        if score.ndim > weights_ndim:
            score = ops.mean(score, axis=tuple(range(weights_ndim, score.ndim)))
        if weights is not None:
            score = ops.multiply(score, weights)
            nonzero = ops.mean(ops.cast(ops.not_equal(weights, 0), score.dtype))
            score = ops.divide(score, nonzero)
    return ops.mean(score)


class Model(Network):
    """A trainable network: ``Model(inputs, outputs)``, or subclass it and implement ``call``."""

    # -- compile -------------------------------------------------------------------------------------
    def compile(self, optimizer, loss=None, metrics=None, loss_weights=None, sample_weight_mode=None,
                weighted_metrics=None, target_tensors=None, **kwargs):
        if kwargs:
            raise TypeError(f"compile: unknown keyword arguments {sorted(kwargs)}")
        if sample_weight_mode is not None:
            raise NotImplementedError("compile: sample_weight_mode='temporal' comes with the sequence models")
        if target_tensors is not None:
            raise NotImplementedError("compile: target_tensors is not supported by nnspec (feed targets to fit)")
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = loss
        if not self._is_graph_network:
            # a deferred Sequential or a subclassed model finishes compiling on the first data it sees
            self._compile_args = (metrics, loss_weights, weighted_metrics)
            self._compiled = False
            return
        self._finish_compile(metrics, loss_weights, weighted_metrics)

    def _finish_compile(self, metrics, loss_weights, weighted_metrics):
        names = self.output_names
        self.loss_functions = self._per_output(self.loss, names, "loss", losses_module.get)
        if loss_weights is None:
            self.loss_weights = [1.0] * len(names)
        elif isinstance(loss_weights, dict):
            self.loss_weights = [float(loss_weights.get(n, 1.0)) for n in names]
        else:
            if len(loss_weights) != len(names):
                raise ValueError(f"When passing a list as loss_weights, it should have one entry per model output. "
                                 f"The model has {len(names)} outputs, but you passed loss_weights={loss_weights}")
            self.loss_weights = [float(w) for w in loss_weights]
        self.metrics = metrics
        self.weighted_metrics = weighted_metrics
        self.metrics_names = ["loss"]
        if len(names) > 1:
            self.metrics_names += [f"{n}_loss" for n in names if self.loss_functions[names.index(n)] is not None]
        self._metric_fns = []  # (output index, function, weighted)
        for weighted, spec in ((False, metrics), (True, weighted_metrics)):
            per_output = self._collect_metrics(spec, names)
            for i, output_metrics in enumerate(per_output):
                for metric in output_metrics:
                    fn = metrics_module.resolve(metric, self.loss_functions[i], self._output_shape(i))
                    name = metrics_module.metric_name(metric, weighted)
                    if len(names) > 1:
                        name = f"{names[i]}_{name}"
                    base, j = name, 1
                    while name in self.metrics_names:
                        name, j = f"{base}_{j}", j + 1
                    self.metrics_names.append(name)
                    self._metric_fns.append((i, fn, weighted))
        # Keras 2: the trainable flags count as they are now; changing them later needs a new compile.
        self._collected_trainable_weights = self.trainable_weights
        self._updating = None  # which layers update: fixed at the first train step, as Keras makes its train function
        self._compiled = True

    def _output_shape(self, i):
        return self.outputs[i].shape if self._is_graph_network else self._subclass_output_shapes[i]

    @staticmethod
    def _per_output(spec, names, what, get):
        if isinstance(spec, dict):
            unknown = [k for k in spec if k not in names]
            if unknown:
                raise ValueError(f'Unknown entry in {what} dictionary: "{unknown[0]}". Only expected the following '
                                 f"keys: {names}")
            return [get(spec[n]) if n in spec else None for n in names]
        if isinstance(spec, (list, tuple)):
            if len(spec) != len(names):
                raise ValueError(f"When passing a list as {what}, it should have one entry per model outputs. The "
                                 f"model has {len(names)} outputs, but you passed {what}={spec}")
            return [get(s) for s in spec]
        if spec is None:
            return [None] * len(names)
        return [get(spec)] * len(names)

    @staticmethod
    def _collect_metrics(metrics, names):
        if not metrics:
            return [[] for _ in names]
        if isinstance(metrics, (list, tuple)):
            return [list(metrics) for _ in names]
        if isinstance(metrics, dict):
            return [_to_list(metrics.get(n, [])) for n in names]
        raise TypeError(f"Type of `metrics` argument not understood. Expected a list or dictionary, found: {metrics}")

    def _require_compiled(self, what):
        if getattr(self, "optimizer", None) is None:
            raise RuntimeError(f"You must compile your model before using it ({what}).")

    # -- one batch -----------------------------------------------------------------------------------
    def _impl_tensor(self, a):
        return a if isinstance(a, Tensor) else Tensor(self.impl.asarray(a))

    def _input_tensor(self, x):
        return self._impl_tensor(self._host_input(x))

    @staticmethod
    def _host_input(x):
        """A batch of inputs; boolean data (the books' one-hot ``np.zeros(..., dtype=np.bool)`` arrays) becomes
        floatx, as Keras 2.2.4 feeds it to its float32 input placeholders."""
        if not isinstance(x, Tensor) and np.asarray(x).dtype == np.bool_:
            x = np.asarray(x).astype(K.floatx())
        return x

    def _outputs_list(self, xs, training):
        outs = self(xs if len(xs) > 1 else xs[0], training=training)
        return _to_list(outs)

    def _losses_and_metrics(self, outs, ys, sws):
        per_output, total = [], None
        for fn, w, y, p, sw in zip(self.loss_functions, self.loss_weights, ys, outs, sws):
            if fn is None:
                continue
            value = weighted_objective(fn, y, p, sw)
            per_output.append(value)
            term = ops.multiply(value, w) if w != 1.0 else value
            total = term if total is None else ops.add(total, term)
        if total is None:
            total = ops.zeros((), like=outs[0])
        for extra in self.losses:
            total = ops.add(total, extra)
        return total, per_output

    def _metric_values(self, outs, ys, sws):
        with no_grad():
            return [weighted_objective(fn, ys[i], outs[i], sws[i], weighted)
                    for i, fn, weighted in self._metric_fns]

    def _host_batch(self, xs, ys, sws):
        """The batch in the dtypes the step feeds (inputs as ``_host_input``, float targets and sample weights in
        floatx), still on the host; tensors pass unchanged."""
        fx = K.floatx()
        xs = [self._host_input(x) for x in xs]
        ys = [y if y is None or isinstance(y, Tensor) else
              np.asarray(y).astype(fx) if np.asarray(y).dtype.kind == "f" else np.asarray(y) for y in ys]
        sws = [w if w is None or isinstance(w, Tensor) else np.asarray(w, dtype=fx) for w in sws]
        return xs, ys, sws

    def _batch_tensors(self, xs, ys, sws):
        xs, ys, sws = self._host_batch(xs, ys, sws)
        return tuple([None if a is None else self._impl_tensor(a) for a in part] for part in (xs, ys, sws))

    def _train_batch(self, xs, ys, sws):
        """One training step on a standardized batch: the implementation runs ``_train_tensors`` on it (accel
        may replay a recorded step instead, ``nnspec.accel.graphs``)."""
        return self.impl.train_step(self, xs, ys, sws)

    def _train_tensors(self, xs, ys, sws):
        """The training step on a batch: forward, losses, gradients, optimizer update. Returns the loss and
        metric values as 0-d tensors (the step never reads them on the host)."""
        xs, ys, sws = self._batch_tensors(xs, ys, sws)
        if self._updating is None:
            self._updating = frozenset(id(layer) for layer in self._updating_layers())
        token = _UPDATING.set(self._updating)
        try:
            tape, total, per_output, metrics = self._forward_and_losses(xs, ys, sws, training=True)
        finally:
            _UPDATING.reset(token)
        weights = self._collected_trainable_weights
        grads = tape.gradient(total, weights)
        pairs = [(g, w) for g, w in zip(grads, weights) if g is not None]
        if pairs:  # a model with nothing to train still runs its batch (and its layers' updates)
            self.optimizer.apply_gradients(pairs)
        return [total] + (per_output if len(per_output) > 1 else []) + metrics

    def _forward_and_losses(self, xs, ys, sws, training):
        """The forward pass and the losses (under a tape when training). Losses may use the model's KerasTensors
        and take gradients with respect to them (WGAN-GP's penalty): those tensors are marked to carry gradients,
        found the first time a loss asks (the batch then runs again), as Keras 2 built them into its graph."""
        sources = self.__dict__.setdefault("_loss_gradient_sources", set())
        while True:
            try:
                ctx = GradientTape() if training else (_enable_grad() if sources else no_grad())
                with values_scope(mark=sources), ctx as tape:
                    outs = self._outputs_list(xs, training=training)
                    total, per_output = self._losses_and_metrics(outs, ys, sws)
                    metrics = self._metric_values(outs, ys, sws)  # metrics may use the model's tensors too
                return tape, total, per_output, metrics
            except RetraceWithSources as retry:
                new = {id(t) for t in retry.tensors} - sources
                if not new:
                    raise RuntimeError(f"Model {self.name}: a loss takes gradients with respect to "
                                       f"{retry.tensors}, which this model does not compute") from None
                sources.update(new)

    def _test_batch(self, xs, ys, sws):
        xs, ys, sws = self._batch_tensors(xs, ys, sws)
        _, total, per_output, metrics = self._forward_and_losses(xs, ys, sws, training=False)
        values = [total] + (per_output if len(per_output) > 1 else []) + metrics
        return [float(v.numpy()) for v in values]

    def _predict_batch(self, xs):
        with no_grad():
            return [o.numpy() for o in self._outputs_list([self._input_tensor(x) for x in xs], training=False)]

    # -- data ------------------------------------------------------------------------------------------
    def _ensure_built(self, x):
        """Deferred Sequential / subclassed models build on the first data they see."""
        if not self.built or not getattr(self, "_compiled", True):
            arrays = _to_list(x) if not isinstance(x, dict) else list(x.values())
            self._build_from_data([D._host(a) for a in arrays])
            if getattr(self, "optimizer", None) is not None and not getattr(self, "_compiled", True):
                self._finish_compile(*self._compile_args)

    def _build_from_data(self, arrays):
        if not self.built:
            self._build_with_shapes([(None,) + a.shape[1:] for a in arrays], arrays[0].dtype)
        if not self._is_graph_network:
            outs = _to_list(self(arrays if len(arrays) > 1 else arrays[0][:1]))
            self._subclass_output_shapes = [(None,) + tuple(o.shape[1:]) for o in outs]
            self.output_names = [f"output_{i + 1}" for i in range(len(outs))]
            self.input_names = [f"input_{i + 1}" for i in range(len(arrays))]

    def _build_with_shapes(self, shapes, dtype):
        self.built = True

    def _standardize(self, x, y, sample_weight=None, class_weight=None):
        self._ensure_built(x)
        input_shapes = self._feed_input_shapes if self._is_graph_network else [None] * len(_to_list(x))
        names = self.input_names
        xs = D.standardize(x, names, input_shapes, "input")
        n_out = len(self.output_names)
        if y is None:
            return xs, [None] * n_out, [None] * n_out
        out_shapes = [self._output_shape(i) for i in range(n_out)]
        ys = D.standardize(y, self.output_names, [self._feed_target_shape(fn, shape) for fn, shape in
                                                  zip(self.loss_functions, out_shapes)], "target")
        for fn, yv in zip(self.loss_functions, ys):
            self._check_loss_and_target(fn, yv)
        sw_list = sample_weight if isinstance(sample_weight, (list, tuple)) else \
            [sample_weight.get(n) for n in self.output_names] if isinstance(sample_weight, dict) else \
            [sample_weight] * len(ys)
        cw_list = class_weight if isinstance(class_weight, (list, tuple)) else \
            [class_weight.get(n) if class_weight and all(isinstance(k, str) for k in class_weight) else class_weight
             for n in self.output_names] if isinstance(class_weight, dict) else [class_weight] * len(ys)
        sws = [D.sample_weights(yv, sw, cw) for yv, sw, cw in zip(ys, sw_list, cw_list)]
        D.check_lengths(xs, ys, sws)
        return xs, ys, sws

    @staticmethod
    def _feed_target_shape(fn, shape):
        """The target shape Keras checks: the output's; (..., 1) for sparse CE; none for custom losses."""
        if fn is losses_module.sparse_categorical_crossentropy:
            return tuple(shape[:-1]) + (1,)
        if fn is None or getattr(losses_module, getattr(fn, "__name__", ""), None) is not fn:
            return None
        return tuple(shape)

    @staticmethod
    def _check_loss_and_target(fn, y):
        if fn is losses_module.categorical_crossentropy and y.shape[-1] == 1:
            raise ValueError(f"You are passing a target array of shape {y.shape} while using as loss "
                             "`categorical_crossentropy`. `categorical_crossentropy` expects targets to be binary "
                             "matrices (1s and 0s) of shape (samples, classes). If your targets are integer classes, "
                             "you can convert them to the expected format via:\n```\nfrom nnspec.utils import "
                             "to_categorical\ny_binary = to_categorical(y_int)\n```\n\nAlternatively, you can use the "
                             "loss function `sparse_categorical_crossentropy` instead, which does expect integer "
                             "targets.")

    # -- the loops ---------------------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, **kwargs):
        from .. import callbacks as cbks
        if "nb_epoch" in kwargs:
            epochs = kwargs.pop("nb_epoch")
        if kwargs:
            raise TypeError(f"fit: unrecognized keyword arguments {sorted(kwargs)}")
        if steps_per_epoch is not None:
            raise NotImplementedError("fit: steps_per_epoch is for symbolic data tensors; use fit_generator")
        self._require_compiled("fit")
        batch_size = 32 if batch_size is None else int(batch_size)
        xs, ys, sws = self._standardize(x, y, sample_weight, class_weight)
        val = None
        if validation_data is not None:
            if len(validation_data) == 2:
                vx, vy, vw = validation_data[0], validation_data[1], None
            elif len(validation_data) == 3:
                vx, vy, vw = validation_data
            else:
                raise ValueError("When passing validation_data, it must contain 2 (x_val, y_val) or 3 (x_val, y_val, "
                                 f"val_sample_weights) items, however it contains {len(validation_data)} items")
            val = self._standardize(vx, vy, vw)
        elif validation_split and 0.0 < validation_split < 1.0:
            at = int(xs[0].shape[0] * (1.0 - validation_split))
            (xs, vxs), (ys, vys), (sws, vsws) = D.split_at(xs, at), D.split_at(ys, at), D.split_at(sws, at)
            val = (vxs, vys, vsws)
        out_labels = list(self.metrics_names)
        callback_metrics = out_labels + ([f"val_{n}" for n in out_labels] if val else [])
        n = xs[0].shape[0]
        if val and verbose:
            print(f"Train on {n} samples, validate on {val[0][0].shape[0]} samples")
        self.history = cbks.History()
        chain = [cbks.BaseLogger()] + ([cbks.ProgbarLogger("samples")] if verbose else [])
        chain += list(callbacks or []) + [self.history]
        calls = cbks.CallbackList(chain)
        calls.set_model(self)
        calls.set_params({"batch_size": batch_size, "epochs": epochs, "steps": None, "samples": n,
                          "verbose": verbose, "do_validation": bool(val), "metrics": callback_metrics})
        guards_nan = any(type(c).__name__ == "TerminateOnNaN" for c in chain)
        calls.on_train_begin()
        self.stop_training = False  # Keras 2.2.4 order: after on_train_begin
        for c in calls:
            c.validation_data = D.callback_validation_data(val)
        index = np.arange(n)
        for epoch in range(initial_epoch, epochs):
            calls.on_epoch_begin(epoch)
            epoch_logs = {}
            if shuffle == "batch":
                index = D.batch_shuffle(index, batch_size)
            elif shuffle:
                np.random.shuffle(index)
            spans = D.batches(n, batch_size)
            for b, (start, end) in enumerate(spans):
                ids = index[start:end]
                self._fit_batch(calls, b, (D.slice_rows(xs, ids), D.slice_rows(ys, ids), D.slice_rows(sws, ids)),
                                out_labels, guards_nan, f"fit: the loss became {{}} at epoch {epoch + 1}, batch {b}")
                if self.stop_training:
                    break
                if b == len(spans) - 1 and val:
                    val_outs = self._test_loop(val[0], val[1], val[2], batch_size, verbose=0)
                    epoch_logs.update({f"val_{k}": v for k, v in zip(out_labels, val_outs)})
            calls.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        calls.on_train_end()
        return self.history

    def _fit_batch(self, calls, index, batch, out_labels, guards_nan, where):
        """One training batch between the callbacks' batch hooks; a non-finite loss is an error unless a
        TerminateOnNaN callback is there to stop training. ``where`` formats the loss into the message."""
        xs, ys, sws = batch
        logs = {"batch": index, "size": xs[0].shape[0]}
        calls.on_batch_begin(index, logs)
        outs = self._train_batch(xs, ys, sws)
        logs.update(zip(out_labels, outs))
        calls.on_batch_end(index, logs)
        if not np.isfinite(outs[0]) and not guards_nan:
            raise FloatingPointError(where.format(outs[0]) + ". Check the data for NaN or inf, lower the learning "
                                     "rate, or pass callbacks=[TerminateOnNaN()] to stop training cleanly instead.")
        return outs

    def _test_loop(self, xs, ys, sws, batch_size, verbose):
        from .progbar import Progbar
        n = xs[0].shape[0]
        bar = Progbar(n) if verbose == 1 else None
        totals, seen = None, 0
        for start, end in D.batches(n, batch_size):
            ids = np.arange(start, end)
            outs = self._test_batch(D.slice_rows(xs, ids), D.slice_rows(ys, ids), D.slice_rows(sws, ids))
            totals = [o * len(ids) for o in outs] if totals is None else [t + o * len(ids)
                                                                          for t, o in zip(totals, outs)]
            seen += len(ids)
            if bar:
                bar.update(end)
        return [t / seen for t in totals]

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None, steps=None):
        """The loss and metrics over the data (batch averages weighted by batch size)."""
        self._require_compiled("evaluate")
        xs, ys, sws = self._standardize(x, y, sample_weight)
        outs = self._test_loop(xs, ys, sws, 32 if batch_size is None else int(batch_size), verbose)
        return outs[0] if len(outs) == 1 else outs

    def predict(self, x, batch_size=None, verbose=0, steps=None):
        """The outputs for ``x`` (a NumPy array, or a list per output)."""
        from .progbar import Progbar
        self._ensure_built(x)
        xs, _, _ = self._standardize(x, None)
        n, batch_size = xs[0].shape[0], 32 if batch_size is None else int(batch_size)
        bar = Progbar(n) if verbose == 1 else None
        chunks = None
        for start, end in D.batches(n, batch_size):
            outs = self._predict_batch(D.slice_rows(xs, np.arange(start, end)))
            chunks = [[o] for o in outs] if chunks is None else [c + [o] for c, o in zip(chunks, outs)]
            if bar:
                bar.update(end)
        results = [np.concatenate(c) for c in chunks]
        return results[0] if len(results) == 1 else results

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None):
        self._require_compiled("train_on_batch")
        outs = self._train_batch(*self._standardize(x, y, sample_weight, class_weight))
        return outs[0] if len(outs) == 1 else outs

    def test_on_batch(self, x, y, sample_weight=None):
        self._require_compiled("test_on_batch")
        outs = self._test_batch(*self._standardize(x, y, sample_weight))
        return outs[0] if len(outs) == 1 else outs

    def predict_on_batch(self, x):
        self._ensure_built(x)
        outs = self._predict_batch(self._standardize(x, None)[0])
        return outs[0] if len(outs) == 1 else outs

    # -- generators (engine/generators.py) -----------------------------------------------------------------
    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                      validation_data=None, validation_steps=None, class_weight=None, max_queue_size=10, workers=1,
                      use_multiprocessing=False, shuffle=True, initial_epoch=0):
        from .generators import fit_generator
        return fit_generator(self, generator, steps_per_epoch, epochs, verbose, callbacks, validation_data,
                             validation_steps, class_weight, max_queue_size, workers, use_multiprocessing, shuffle,
                             initial_epoch)

    def evaluate_generator(self, generator, steps=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                           verbose=0):
        from .generators import evaluate_generator
        return evaluate_generator(self, generator, steps, max_queue_size, workers, use_multiprocessing, verbose)

    def predict_generator(self, generator, steps=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                          verbose=0):
        from .generators import predict_generator
        return predict_generator(self, generator, steps, max_queue_size, workers, use_multiprocessing, verbose)

    # -- saving (engine/saving.py) ---------------------------------------------------------------------------
    def save(self, filepath, overwrite=True, include_optimizer=True):
        from .saving import save_model
        return save_model(self, filepath, overwrite, include_optimizer)

    def save_weights(self, filepath, overwrite=True):
        from .saving import save_weights
        return save_weights(self, filepath, overwrite)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False, reshape=False):
        from .saving import load_weights
        return load_weights(self, filepath, by_name, skip_mismatch, reshape)

    def to_json(self, **kwargs):
        from .saving import model_to_json
        return model_to_json(self, **kwargs)
