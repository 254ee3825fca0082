"""nnspec.optimizers: Keras 2.2.4 optimizers (see conformance/spec/conventions/optimizers.md).

Keras 2.2.4 builds the update as a symbolic graph in ``get_updates``; nnspec runs eagerly, so an
optimizer step happens when it is asked for:

* ``apply_gradients(grads_and_vars)``: the TF2 call of custom training loops (and of ``fit``);
* ``get_updates(loss, params)``: Keras 2's call; computes the gradients of ``loss`` (which must
  have been computed from ``params``) with ``K.gradients``, applies one step and returns the list
  of variables it updated.

The rules, defaults, clipping, learning-rate decay and the order of the state in ``get_weights``
are Keras 2.2.4's (``keras/optimizers.py``); the state additionally holds ``iterations`` for
every optimizer and Nadam's ``m_schedule``, as Keras 2.3 does, so a save/restore round trip
resumes a trajectory exactly (``set_weights`` also accepts Keras 2.2.4's shorter lists).

Each optimizer's arithmetic is one kernel (``nnspec.reference.kernels.optim``) looked up in the
parameter's implementation, so accel runs one fused CUDA kernel per parameter and step. Slots
live in the parameter's implementation and dtype; the hyperparameters (``lr``, ``decay``, ...)
and ``iterations`` are host (NumPy) variables, read as Python numbers when a step runs, so
``K.get_value`` / ``K.set_value`` work on them as in Keras 2 (LearningRateScheduler).
"""

__all__ = [
    "Optimizer", "SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam",
    "sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax", "nadam",
    "serialize", "deserialize", "get",
]

import math
import warnings

import numpy as np

from . import capture
from . import config as _config
from . import ops as _ops
from .implementation import implementation_of
from .kernels import quiet
from .serialization import Configurable
from .tape import gradients as _gradients
from .tape import no_grad
from .tensor import Tensor, Variable


def _host_variable(value, dtype, name):
    """A non-trainable NumPy variable: the optimizer's iteration count and hyperparameters.

    Hyperparameters are float64 (Keras 2.2.4 keeps them in floatx variables, so its get_config
    returns float32-rounded values such as 0.0010000000474974513; nnspec returns what was given).
    """
    return Variable(np.asarray(value, dtype=dtype), dtype=dtype, name=name, trainable=False)


def _value(variable):
    return variable.numpy().item()


def _store(variable, array):
    """Replace ``variable``'s value by a kernel output (a new array, or the same one updated in place)."""
    if array is variable.data:
        return
    array = variable.impl.xp.asarray(array)
    if array.shape != variable.data.shape or array.dtype != variable.dtype:
        raise AssertionError(f"optimizer kernel returned {array.dtype}{tuple(array.shape)} for a variable of "
                             f"{variable.dtype}{variable.shape}")
    # A kernel output belongs to nobody else, so it replaces the value without assign's copy.
    variable.data = array


class Optimizer(Configurable):
    """Base class of the Keras 2 optimizers.

    ``clipnorm``: when the global L2 norm of all the gradients of one step is >= clipnorm, every
    gradient is scaled by clipnorm / norm (Keras 2.2.4 ``get_gradients`` with ``clip_norm``).
    ``clipvalue``: every gradient is clipped elementwise to [-clipvalue, clipvalue]. Both apply
    only when > 0, clipnorm first.
    """

    # Names of the per-parameter slots, in the order of the state (get_weights).
    _slot_names = ()
    # Variables at the head of the state that Keras 2.2.4's get_weights did not include.
    _legacy_missing = ()
    # The kernel (nnspec.reference.kernels.optim) that steps one parameter and its slots.
    _kernel_name = None
    # The get_config keys after clipnorm/clipvalue, in Keras 2.2.4's order (attributes of the same name).
    _config_keys = ()

    def __init__(self, **kwargs):
        allowed_kwargs = {"clipnorm", "clipvalue"}
        for k in kwargs:
            if k not in allowed_kwargs:
                raise TypeError(f"Unexpected keyword argument passed to optimizer: {k}")
        self.__dict__.update(kwargs)
        self.updates = []
        self._params = []      # parameters with slots, in order of first use
        self._slots = {}       # parameter (hashed by identity) -> tuple of slot variables
        self.iterations = _host_variable(0, "int64", "iterations")

    # -- gradients ------------------------------------------------------------------------------
    def get_gradients(self, loss, params):
        """``K.gradients(loss, params)``, clipped; ValueError if a parameter has no gradient."""
        params = list(params)
        grads = _gradients(loss, params)
        if any(g is None for g in grads):
            missing = [p.name or f"#{i}" for i, (p, g) in enumerate(zip(params, grads)) if g is None]
            raise ValueError("An operation has `None` for gradient. Please make sure that all of your ops "
                             "have a gradient defined (i.e. are differentiable). Common ops without gradient: "
                             f"K.argmax, K.round, K.eval. (no gradient for: {', '.join(missing)})")
        return self._clip(grads)

    def _clip(self, grads):
        clipnorm = getattr(self, "clipnorm", 0) or 0
        clipvalue = getattr(self, "clipvalue", 0) or 0
        if clipnorm > 0:
            norm = _ops.sqrt(sum(_ops.sum(_ops.square(g)) for g in grads))
            n = float(norm.numpy())
            if n >= clipnorm:
                # Keras 2.2.4 (TensorFlow backend): tf.scalar_mul(c / n, g) when n >= c.
                grads = [_ops.multiply(g, _ops.divide(clipnorm, norm)) for g in grads]
        if clipvalue > 0:
            grads = [_ops.clip(g, -clipvalue, clipvalue) for g in grads]
        return grads

    # -- steps ----------------------------------------------------------------------------------
    def get_updates(self, loss, params):
        """Compute the gradients of ``loss`` and apply one step; returns the updated variables."""
        params = list(params)
        grads = self.get_gradients(loss, params)
        return self._apply(grads, params)

    def apply_gradients(self, grads_and_vars):
        """Apply one step (TF2 style): clip the given gradients, update the variables.

        Pairs whose gradient is None are skipped with a warning (TF2); ValueError if none is left.
        Returns the list of updated variables.
        """
        pairs = list(grads_and_vars)
        kept = [(g, v) for g, v in pairs if g is not None]
        if not kept:
            names = [getattr(v, "name", None) or f"#{i}" for i, (_, v) in enumerate(pairs)]
            raise ValueError(f"No gradients provided for any variable: {names}")
        if len(kept) < len(pairs):
            names = [getattr(v, "name", None) or f"#{i}" for i, (g, v) in enumerate(pairs) if g is None]
            warnings.warn(f"Gradients do not exist for variables {names} when minimizing the loss.", stacklevel=2)
        params = [v for _, v in kept]
        with no_grad():
            grads = self._clip([_ops.as_tensor(g, like=v) for g, v in kept])
        return self._apply(grads, params)

    def build(self, params):
        """Create the slots of ``params`` (zeros), as the first step would; then set_weights can restore."""
        for p in params:
            self._slots_of(p)
        return self

    def _slots_of(self, p):
        slots = self._slots.get(p)
        if slots is None:
            if not isinstance(p, Variable):
                raise TypeError(f"optimizer: expected a Variable to update, got {type(p).__name__}")
            if p.dtype.kind != "f":
                raise TypeError(f"optimizer: cannot update variable {p.name!r} of dtype {p.dtype}")
            slots = tuple(Variable(self._slot_init(p, name), name=f"{p.name or 'variable'}/{name}",
                                   trainable=False)
                          for name in self._slot_names)
            self._slots[p] = slots
            self._params.append(p)
        return slots

    def _slot_init(self, p, name):
        return _ops.zeros_like(p)

    def _apply(self, grads, params):
        seen = set()
        for p in params:
            if id(p) in seen:
                raise ValueError(f"optimizer: variable {p.name!r} appears twice in one step")
            seen.add(id(p))
        # A diverging run overflows to inf/nan silently, as in Keras (fit reports it): NumPy's warnings are off
        # for the whole step (CuPy never warns).
        with no_grad(), quiet(np):
            slots = [self._slots_of(p) for p in params]
            iterations = int(_value(self.iterations))
            host_step = self._step_scalars(iterations)
            step = capture.step_scalars(host_step)  # device scalars while a step is recorded for replays
            updated = [self.iterations] + self._step_state()
            for p, g, s in zip(params, grads, slots):
                g = _ops.as_tensor(g, like=p)
                if g.shape != p.shape:
                    raise ValueError(f"optimizer: gradient of shape {g.shape} for variable {p.name!r} of shape "
                                     f"{p.shape}")
                if g.dtype != p.dtype:
                    g = _ops.cast(g, p.dtype)
                self._update(p, g, s, step)
                updated.extend(s)
                updated.append(p)
            self._finish_step(host_step)
            self.iterations.assign_add(1)
        self.updates = updated
        return updated

    def _decayed_lr(self, iterations):
        """lr / (1 + decay * iterations), iterations counted before this step (Keras 2.2.4)."""
        lr = _value(self.lr)
        if self.initial_decay > 0:
            lr = lr * (1. / (1. + _value(self.decay) * iterations))
        return lr

    def _hyperparameters(self, **values):
        """Hold each value as a float64 host variable of its name (``K.get_value`` / ``K.set_value`` work on it)."""
        for name, value in values.items():
            setattr(self, name, _host_variable(value, "float64", name))

    def _step_scalars(self, iterations):
        raise NotImplementedError

    def _step_state(self):
        return []

    def _finish_step(self, step):
        pass

    def _kernel(self, name, p, g, slots, **scalars):
        """Run kernel ``name`` of the parameter's implementation; store the new parameter and slots."""
        impl = implementation_of(p.data, g.data, *[s.data for s in slots])
        out = impl.kernel(name)(impl.xp, p.data, g.data, *[s.data for s in slots], **scalars)
        new_p, new_slots = out[0], out[1:]
        for s, a in zip(slots, new_slots):
            _store(s, a)
        constraint = getattr(p, "constraint", None)
        if constraint is not None:  # Keras 2.2.4: the constraint projects the updated value
            new_p = constraint(Tensor(impl.xp.asarray(new_p))).data
        _store(p, new_p)

    def _update(self, p, g, slots, step):
        if self._kernel_name is None:
            raise NotImplementedError
        self._kernel(self._kernel_name, p, g, slots, **step)

    # -- state ----------------------------------------------------------------------------------
    @property
    def weights(self):
        """The state as variables: iterations (and Nadam's m_schedule), then each slot kind for every parameter."""
        out = [self.iterations] + self._step_state()
        for i in range(len(self._slot_names)):
            out.extend(self._slots[p][i] for p in self._params)
        return out

    def get_weights(self):
        """The state as NumPy arrays (copies), in the order of ``weights``."""
        return [np.array(w.numpy(), copy=True) for w in self.weights]

    def set_weights(self, weights):
        """Restore the state from ``get_weights()`` output (slots must exist: take a step or ``build`` first).

        Keras 2.2.4's lists, which lack the iteration count (RMSprop, Adagrad, Adadelta) or Nadam's
        m_schedule, are accepted too; the missing values are reset (iterations 0, m_schedule 1).
        """
        params = self.weights
        weights = list(weights)
        if self._legacy_missing and len(weights) == len(params) - len(self._legacy_missing):
            weights = self._insert_legacy(weights, [np.asarray(v) for _, v in self._legacy_missing])
        if len(params) != len(weights):
            raise ValueError(f"Length of the specified weight list ({len(weights)}) does not match the number of "
                             f"weights of the optimizer ({len(params)})"
                             + ("; create the slots first (one step, or build(params))" if not self._params else ""))
        checked = []
        for p, w in zip(params, weights):
            w = w.data if isinstance(w, Tensor) else w if hasattr(w, "shape") else np.asarray(w)  # NumPy or CuPy
            if tuple(p.shape) != tuple(w.shape):
                raise ValueError(f"Optimizer weight shape {tuple(p.shape)} not compatible with provided weight shape "
                                 f"{tuple(w.shape)}")
            checked.append((p, w))
        for p, w in checked:
            p.assign(w)

    def _insert_legacy(self, weights, head):
        return head + weights

    # -- configuration --------------------------------------------------------------------------
    def get_config(self):
        config = {}
        if hasattr(self, "clipnorm"):
            config["clipnorm"] = self.clipnorm
        if hasattr(self, "clipvalue"):
            config["clipvalue"] = self.clipvalue
        for key in self._config_keys:  # a hyperparameter held in a host variable gives its current value
            value = getattr(self, key)
            config[key] = _value(value) if isinstance(value, Variable) else value
        return config


def _epsilon(epsilon):
    """The fuzz factor: ``epsilon``, or ``K.epsilon()`` when None (Keras 2.2.4's default)."""
    return _config.epsilon() if epsilon is None else epsilon


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, learning-rate decay and Nesterov momentum.

    v = momentum * v - lr_t * g; p += v (nesterov: p += momentum * v - lr_t * g), where
    lr_t = lr / (1 + decay * iterations). The velocity slot exists even when momentum is 0.
    """

    _slot_names = ("moment",)
    _kernel_name = "sgd_update"
    _config_keys = ("lr", "momentum", "decay", "nesterov")

    def __init__(self, lr=0.01, momentum=0., decay=0., nesterov=False, **kwargs):
        super().__init__(**kwargs)
        self._hyperparameters(lr=lr, momentum=momentum, decay=decay)
        self.initial_decay = decay
        self.nesterov = nesterov

    def _step_scalars(self, iterations):
        return {"lr": self._decayed_lr(iterations), "momentum": _value(self.momentum),
                "nesterov": bool(self.nesterov)}


class RMSprop(Optimizer):
    """RMSprop: a = rho*a + (1-rho)*g^2; p -= lr_t*g / (sqrt(a) + epsilon) (epsilon outside the sqrt)."""

    _slot_names = ("accumulator",)
    _legacy_missing = (("iterations", 0),)
    _kernel_name = "rmsprop_update"
    _config_keys = ("lr", "rho", "decay", "epsilon")

    def __init__(self, lr=0.001, rho=0.9, epsilon=None, decay=0., **kwargs):
        super().__init__(**kwargs)
        self._hyperparameters(lr=lr, rho=rho, decay=decay)
        self.epsilon = _epsilon(epsilon)
        self.initial_decay = decay

    def _step_scalars(self, iterations):
        return {"lr": self._decayed_lr(iterations), "rho": _value(self.rho), "epsilon": self.epsilon}


class Adagrad(Optimizer):
    """Adagrad: a += g^2; p -= lr_t*g / (sqrt(a) + epsilon); the accumulator starts at 0."""

    _slot_names = ("accumulator",)
    _legacy_missing = (("iterations", 0),)
    _kernel_name = "adagrad_update"
    _config_keys = ("lr", "decay", "epsilon")

    def __init__(self, lr=0.01, epsilon=None, decay=0., **kwargs):
        super().__init__(**kwargs)
        self._hyperparameters(lr=lr, decay=decay)
        self.epsilon = _epsilon(epsilon)
        self.initial_decay = decay

    def _step_scalars(self, iterations):
        return {"lr": self._decayed_lr(iterations), "epsilon": self.epsilon}


class Adadelta(Optimizer):
    """Adadelta with Keras 2's learning rate (default 1.0) and decay; rho is a plain float."""

    _slot_names = ("accumulator", "delta_accumulator")
    _legacy_missing = (("iterations", 0),)
    _kernel_name = "adadelta_update"
    _config_keys = ("lr", "rho", "decay", "epsilon")

    def __init__(self, lr=1.0, rho=0.95, epsilon=None, decay=0., **kwargs):
        super().__init__(**kwargs)
        self._hyperparameters(lr=lr, decay=decay)
        self.rho = rho
        self.epsilon = _epsilon(epsilon)
        self.initial_decay = decay

    def _step_scalars(self, iterations):
        return {"lr": self._decayed_lr(iterations), "rho": float(self.rho), "epsilon": self.epsilon}


class Adam(Optimizer):
    """Adam with t = iterations + 1, lr_t = lr_decayed * sqrt(1 - beta_2^t) / (1 - beta_1^t) and
    p -= lr_t * m / (sqrt(v) + epsilon) (epsilon outside the sqrt: the paper's "epsilon hat").

    amsgrad: the step divides by sqrt(vhat) with vhat = max(vhat, v). Without amsgrad the state
    still holds one (1,)-shaped zero ``vhat`` per parameter, as Keras 2.2.4's weights do.
    """

    _slot_names = ("m", "v", "vhat")
    _config_keys = ("lr", "beta_1", "beta_2", "decay", "epsilon", "amsgrad")

    def __init__(self, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0., amsgrad=False, **kwargs):
        super().__init__(**kwargs)
        self._hyperparameters(lr=lr, beta_1=beta_1, beta_2=beta_2, decay=decay)
        self.epsilon = _epsilon(epsilon)
        self.initial_decay = decay
        self.amsgrad = amsgrad

    def _slot_init(self, p, name):
        if name == "vhat" and not self.amsgrad:
            return _ops.zeros((1,), p.dtype, like=p)
        return _ops.zeros_like(p)

    def _step_scalars(self, iterations):
        lr = self._decayed_lr(iterations)
        b1, b2 = _value(self.beta_1), _value(self.beta_2)
        t = float(iterations) + 1.
        lr_t = lr * (math.sqrt(1. - b2 ** t) / (1. - b1 ** t))
        return {"lr_t": lr_t, "beta_1": b1, "beta_2": b2, "epsilon": self.epsilon}

    def _update(self, p, g, slots, step):
        if self.amsgrad:
            self._kernel("adam_amsgrad_update", p, g, slots, **step)
        else:
            self._kernel("adam_update", p, g, slots[:2], **step)


class Adamax(Optimizer):
    """Adamax: u = max(beta_2*u, |g|); p -= lr_t*m / (u + epsilon), lr_t = lr_decayed / (1 - beta_1^t)."""

    _slot_names = ("m", "u")
    _kernel_name = "adamax_update"
    _config_keys = ("lr", "beta_1", "beta_2", "decay", "epsilon")

    def __init__(self, lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0., **kwargs):
        super().__init__(**kwargs)
        self._hyperparameters(lr=lr, beta_1=beta_1, beta_2=beta_2, decay=decay)
        self.epsilon = _epsilon(epsilon)
        self.initial_decay = decay

    def _step_scalars(self, iterations):
        lr = self._decayed_lr(iterations)
        b1, b2 = _value(self.beta_1), _value(self.beta_2)
        t = float(iterations) + 1.
        return {"lr_t": lr / (1. - b1 ** t), "beta_1": b1, "beta_2": b2, "epsilon": self.epsilon}


class Nadam(Optimizer):
    """Nadam (Adam with Nesterov momentum and Dozat's warming momentum schedule; no lr decay).

    momentum_cache_t = beta_1 * (1 - 0.5 * 0.96^(t * schedule_decay)), t = iterations + 1;
    ``m_schedule`` (starts at 1) is the running product of the momentum caches.
    """

    _slot_names = ("m", "v")
    _legacy_missing = (("m_schedule", 1.),)
    _kernel_name = "nadam_update"
    _config_keys = ("lr", "beta_1", "beta_2", "epsilon", "schedule_decay")

    def __init__(self, lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=None, schedule_decay=0.004, **kwargs):
        super().__init__(**kwargs)
        self.m_schedule = _host_variable(1., "float64", "m_schedule")
        self._hyperparameters(lr=lr, beta_1=beta_1, beta_2=beta_2)
        self.epsilon = _epsilon(epsilon)
        self.schedule_decay = schedule_decay

    def _step_state(self):
        return [self.m_schedule]

    def _insert_legacy(self, weights, head):
        # Keras 2.2.4: [iterations] + ms + vs; the state here is [iterations, m_schedule] + ms + vs.
        return weights[:1] + head + weights[1:]

    def _step_scalars(self, iterations):
        b1, b2 = _value(self.beta_1), _value(self.beta_2)
        t = float(iterations) + 1.
        momentum_cache_t = b1 * (1. - 0.5 * (0.96 ** (t * self.schedule_decay)))
        momentum_cache_t_1 = b1 * (1. - 0.5 * (0.96 ** ((t + 1.) * self.schedule_decay)))
        m_schedule = _value(self.m_schedule)
        m_schedule_new = m_schedule * momentum_cache_t
        m_schedule_next = m_schedule * momentum_cache_t * momentum_cache_t_1
        return {"lr": _value(self.lr), "beta_1": b1, "beta_2": b2, "epsilon": self.epsilon,
                "momentum_cache_t": momentum_cache_t, "momentum_cache_t_1": momentum_cache_t_1,
                "m_schedule_new": m_schedule_new, "m_schedule_next": m_schedule_next, "beta_2_power": b2 ** t}

    def _finish_step(self, step):
        self.m_schedule.assign(step["m_schedule_new"])


# Aliases (Keras 2.2.4 exports them too).
sgd = SGD
rmsprop = RMSprop
adagrad = Adagrad
adadelta = Adadelta
adam = Adam
adamax = Adamax
nadam = Nadam

_BUILTIN = {"sgd": SGD, "rmsprop": RMSprop, "adagrad": Adagrad, "adadelta": Adadelta, "adam": Adam,
            "adamax": Adamax, "nadam": Nadam}


def serialize(optimizer):
    """{'class_name': ..., 'config': optimizer.get_config()}."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config, custom_objects=None):
    """An optimizer from ``{'class_name', 'config'}``; built-in names are case-insensitive."""
    if not isinstance(config, dict) or "class_name" not in config or "config" not in config:
        raise ValueError(f"Improper config format: {config}")
    class_name = config["class_name"]
    if str(class_name).lower() in _BUILTIN:
        class_name = str(class_name).lower()
    custom_objects = custom_objects or {}
    cls = custom_objects.get(class_name) or _BUILTIN.get(class_name)
    if cls is None:
        raise ValueError(f"Unknown optimizer: {config['class_name']!r} (valid names, case-insensitive: "
                         f"{', '.join(_BUILTIN)})")
    return cls.from_config(dict(config["config"]))


def get(identifier):
    """An optimizer from a name ('adam', 'RMSprop', ...), a serialized dict, or an instance (returned as is)."""
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    if isinstance(identifier, Optimizer):
        return identifier
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
