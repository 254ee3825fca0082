"""Level 3 (optimizers): Keras 2.2.4 update rules as multi-step trajectories, state, configs, errors.

Every expected value comes from a plain-NumPy recurrence written in this file from the formulas of
Keras 2.2.4's ``keras/optimizers.py`` (or from hand arithmetic), never from the implementation under
test. Conventions: conformance/spec/conventions/optimizers.md.
"""

import math

import numpy as np
import pytest
from harness.tolerances import TOLERANCES, assert_close

STEPS = 8
EPS = 1e-7  # K.epsilon()

# A trajectory accumulates one rounding per step and slot: the reduction row of the tolerance table.
TRAJ_TOL = {"float64": TOLERANCES["float64"]["reduction"], "float32": TOLERANCES["float32"]["reduction"]}


# -- problems: a loss written with nn ops, and its gradient written by hand in NumPy ---------------

class Problem:
    def __init__(self, name, init, loss, grad):
        self.name, self.init, self.loss, self.grad = name, init, loss, grad


_A = np.array([0.5, 1.5, 3.0])
_C = np.array([[0.25, 2.0], [1.0, 0.75]])
_D = np.array([[0.3, -0.2], [0.1, 0.4]])

QUADRATIC = Problem(
    "quadratic",
    [np.array([0.8, -1.3, 0.45]), np.array([[1.1, -0.35], [0.6, -0.9]])],
    lambda nn, x, y: nn.ops.sum(nn.ops.multiply(_A, x * x)) + nn.ops.sum(_C * (y * y) + _D * y),
    lambda x, y: [2 * _A * x, 2 * _C * y + _D],
)

# The lecture notes' f(x, y) = x^4/100 + 100 y^2 (Watson, Example 4.2.1), from an asymmetric start.
QUARTIC = Problem(
    "quartic",
    [np.array([1.3, -0.4])],
    lambda nn, v: v[0] ** 4 / 100 + 100 * v[1] ** 2,
    lambda v: [np.array([4 * v[0] ** 3 / 100, 200 * v[1]])],
)


# -- the Keras 2.2.4 rules, independently, in NumPy float64 -----------------------------------------

def _decayed(lr, decay, it):
    return lr * (1.0 / (1.0 + decay * it)) if decay > 0 else lr


def rule_sgd(lr=0.01, momentum=0.0, decay=0.0, nesterov=False):
    def step(it, p, g, s):
        lr_t = _decayed(lr, decay, it)
        v = momentum * s["moment"] - lr_t * g
        s["moment"] = v
        return p + momentum * v - lr_t * g if nesterov else p + v
    return ("moment",), step


def rule_rmsprop(lr=0.001, rho=0.9, epsilon=None, decay=0.0):
    eps = EPS if epsilon is None else epsilon

    def step(it, p, g, s):
        s["accumulator"] = rho * s["accumulator"] + (1 - rho) * g * g
        return p - _decayed(lr, decay, it) * g / (np.sqrt(s["accumulator"]) + eps)
    return ("accumulator",), step


def rule_adagrad(lr=0.01, epsilon=None, decay=0.0):
    eps = EPS if epsilon is None else epsilon

    def step(it, p, g, s):
        s["accumulator"] = s["accumulator"] + g * g
        return p - _decayed(lr, decay, it) * g / (np.sqrt(s["accumulator"]) + eps)
    return ("accumulator",), step


def rule_adadelta(lr=1.0, rho=0.95, epsilon=None, decay=0.0):
    eps = EPS if epsilon is None else epsilon

    def step(it, p, g, s):
        a = rho * s["accumulator"] + (1 - rho) * g * g
        delta = g * np.sqrt(s["delta_accumulator"] + eps) / np.sqrt(a + eps)  # the OLD delta accumulator
        s["accumulator"] = a
        s["delta_accumulator"] = rho * s["delta_accumulator"] + (1 - rho) * delta * delta
        return p - _decayed(lr, decay, it) * delta
    return ("accumulator", "delta_accumulator"), step


def rule_adam(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.0, amsgrad=False):
    eps = EPS if epsilon is None else epsilon

    def step(it, p, g, s):
        t = it + 1
        lr_t = _decayed(lr, decay, it) * math.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        s["m"] = beta_1 * s["m"] + (1 - beta_1) * g
        s["v"] = beta_2 * s["v"] + (1 - beta_2) * g * g
        if amsgrad:
            s["vhat"] = np.maximum(s["vhat"], s["v"])
            return p - lr_t * s["m"] / (np.sqrt(s["vhat"]) + eps)
        return p - lr_t * s["m"] / (np.sqrt(s["v"]) + eps)
    return ("m", "v", "vhat"), step


def rule_adamax(lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.0):
    eps = EPS if epsilon is None else epsilon

    def step(it, p, g, s):
        lr_t = _decayed(lr, decay, it) / (1 - beta_1 ** (it + 1))
        s["m"] = beta_1 * s["m"] + (1 - beta_1) * g
        s["u"] = np.maximum(beta_2 * s["u"], np.abs(g))
        return p - lr_t * s["m"] / (s["u"] + eps)
    return ("m", "u"), step


def rule_nadam(lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=None, schedule_decay=0.004):
    eps = EPS if epsilon is None else epsilon

    def cache(t):
        return beta_1 * (1 - 0.5 * 0.96 ** (t * schedule_decay))

    def step(it, p, g, s):
        t = it + 1
        sched = s["_m_schedule"]                     # product of the caches of steps 1..t-1
        new, nxt = sched * cache(t), sched * cache(t) * cache(t + 1)
        s["m"] = beta_1 * s["m"] + (1 - beta_1) * g
        s["v"] = beta_2 * s["v"] + (1 - beta_2) * g * g
        m_bar = (1 - cache(t)) * g / (1 - new) + cache(t + 1) * s["m"] / (1 - nxt)
        s["_next_schedule"] = new
        return p - lr * m_bar / (np.sqrt(s["v"] / (1 - beta_2 ** t)) + eps)
    return ("m", "v"), step


RULES = {"SGD": rule_sgd, "RMSprop": rule_rmsprop, "Adagrad": rule_adagrad, "Adadelta": rule_adadelta,
         "Adam": rule_adam, "Adamax": rule_adamax, "Nadam": rule_nadam}


def clip(grads, clipnorm=0.0, clipvalue=0.0):
    """Keras 2.2.4 get_gradients: one global norm over all gradients, then elementwise clipping."""
    if clipnorm > 0:
        norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
        if norm >= clipnorm:
            grads = [g * (clipnorm / norm) for g in grads]
    if clipvalue > 0:
        grads = [np.clip(g, -clipvalue, clipvalue) for g in grads]
    return grads


def recurrence(name, kwargs, problem, steps, init=None):
    """(params, expected get_weights) after ``steps`` steps of the NumPy recurrence."""
    kwargs = dict(kwargs)
    clipping = {k: kwargs.pop(k) for k in ("clipnorm", "clipvalue") if k in kwargs}
    slot_names, step = RULES[name](**kwargs)
    params = [np.array(p, dtype=np.float64) for p in (init or problem.init)]
    states = []
    for p in params:
        s = {n: np.zeros_like(p) for n in slot_names}
        if name == "Adam" and not kwargs.get("amsgrad", False):
            s["vhat"] = np.zeros(1)  # Keras 2.2.4 keeps a (1,) placeholder per parameter
        states.append(s)
    schedule = 1.0
    for it in range(steps):
        grads = clip(problem.grad(*params), **clipping)
        for s in states:
            s["_m_schedule"] = schedule
        params = [step(it, p, g, s) for p, g, s in zip(params, grads, states)]
        if name == "Nadam":
            schedule = states[0]["_next_schedule"]
    weights = [np.array(steps)] + ([np.array(schedule)] if name == "Nadam" else [])
    for n in slot_names:
        weights.extend(s[n] for s in states)
    return params, weights


# -- driving the implementation under test ----------------------------------------------------------

def make(nn, name, kwargs):
    return getattr(nn.optimizers, name)(**kwargs)


def run(nn, opt, problem, steps, dtype="float64", api="apply_gradients", variables=None):
    xs = variables or [nn.Variable(np.asarray(p, dtype=dtype)) for p in problem.init]
    for _ in range(steps):
        if api == "apply_gradients":
            with nn.GradientTape() as tape:
                loss = problem.loss(nn, *xs)
            opt.apply_gradients(zip(tape.gradient(loss, xs), xs))
        else:
            opt.get_updates(problem.loss(nn, *xs), xs)
    return xs


CONFIGS = [
    ("SGD", {}),
    ("SGD", {"lr": 0.02, "momentum": 0.9}),
    ("SGD", {"lr": 0.02, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.03, "momentum": 0.5, "decay": 0.3}),
    ("SGD", {"lr": 0.05, "clipnorm": 0.7}),
    ("SGD", {"lr": 0.05, "momentum": 0.3, "clipvalue": 0.25}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.01, "rho": 0.5, "decay": 0.2}),
    ("RMSprop", {"lr": 0.02, "epsilon": 1e-2, "clipvalue": 0.5}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.1, "epsilon": 0.1, "decay": 0.25}),
    ("Adagrad", {"lr": 0.05, "clipnorm": 0.5}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "epsilon": 1e-4, "decay": 0.1}),
    ("Adam", {}),
    ("Adam", {"lr": 0.1, "beta_2": 0.9, "amsgrad": True}),
    ("Adam", {"lr": 0.05, "beta_1": 0.5, "beta_2": 0.8, "epsilon": 1e-3, "decay": 0.2}),
    ("Adam", {"lr": 0.02, "clipnorm": 0.9, "clipvalue": 0.4}),
    ("Adamax", {}),
    ("Adamax", {"lr": 0.05, "beta_1": 0.6, "beta_2": 0.7, "epsilon": 1e-3, "decay": 0.15}),
    ("Nadam", {}),
    ("Nadam", {"lr": 0.03, "beta_1": 0.8, "beta_2": 0.9, "epsilon": 1e-4, "schedule_decay": 0.3}),
    ("Nadam", {"lr": 0.01, "clipvalue": 0.3}),
]


def _cid(c):
    name, kw = c
    return name + ("-" + "-".join(f"{k}={v}" for k, v in kw.items()) if kw else "-defaults")


@pytest.mark.parametrize("problem", [QUADRATIC, QUARTIC], ids=lambda p: p.name)
@pytest.mark.parametrize("name, kwargs", CONFIGS, ids=[_cid(c) for c in CONFIGS])
def test_trajectory_float64(nn, name, kwargs, problem):
    opt = make(nn, name, kwargs)
    xs = run(nn, opt, problem, STEPS)
    want_params, want_weights = recurrence(name, kwargs, problem, STEPS)
    rtol, atol = TRAJ_TOL["float64"]
    for i, (x, w) in enumerate(zip(xs, want_params)):
        assert x.dtype == np.float64
        assert_close(x.numpy(), w, rtol, atol, f"{name} param {i}")
    got = opt.get_weights()
    assert [np.shape(g) for g in got] == [np.shape(w) for w in want_weights]
    assert got[0] == STEPS and got[0].dtype == np.int64
    for i, (g, w) in enumerate(zip(got, want_weights)):
        assert_close(g, w, rtol, atol, f"{name} state {i}")


_WIDE = np.random.default_rng(8).uniform(0.2, 3.0, 150_001)

# One parameter of 150,001 elements (not a multiple of any block size): an implementation that updates big
# parameters in blocks (the reference: 65,536 elements at a time) must give every element the same rule.
WIDE = Problem(
    "wide",
    [np.random.default_rng(9).uniform(-1.0, 1.0, 150_001)],
    lambda nn, x: nn.ops.sum(nn.ops.multiply(_WIDE, x * x)),
    lambda x: [2 * _WIDE * x],
)


@pytest.mark.parametrize("name, kwargs", CONFIGS, ids=[_cid(c) for c in CONFIGS])
def test_trajectory_of_a_wide_parameter(nn, name, kwargs):
    opt = make(nn, name, kwargs)
    (x,) = run(nn, opt, WIDE, 3)
    want_params, want_weights = recurrence(name, kwargs, WIDE, 3)
    rtol, atol = TRAJ_TOL["float64"]
    assert_close(x.numpy(), want_params[0], rtol, atol, f"{name} wide param")
    for i, (g, w) in enumerate(zip(opt.get_weights(), want_weights)):
        assert_close(g, w, rtol, atol, f"{name} wide state {i}")


@pytest.mark.parametrize("name, kwargs", CONFIGS, ids=[_cid(c) for c in CONFIGS])
def test_trajectory_float32_within_tolerance_of_float64(nn, name, kwargs):
    problem = QUADRATIC
    init = [p.astype(np.float32) for p in problem.init]
    opt = make(nn, name, kwargs)
    xs = run(nn, opt, problem, STEPS, dtype="float32")
    want_params, want_weights = recurrence(name, kwargs, problem, STEPS, init=init)
    rtol, atol = TRAJ_TOL["float32"]
    for i, (x, w) in enumerate(zip(xs, want_params)):
        assert x.dtype == np.float32
        assert_close(x.numpy(), w, rtol, atol, f"{name} float32 param {i}")
    for i, (g, w) in enumerate(zip(opt.get_weights()[1:], want_weights[1:])):
        assert g.dtype == (np.float64 if (name == "Nadam" and i == 0) else np.float32)
        assert_close(g, w, rtol, atol, f"{name} float32 state {i + 1}")


@pytest.mark.parametrize("name", list(RULES))
def test_get_updates_is_the_same_step(nn, name):
    """Keras 2's get_updates(loss, params) computes K.gradients and applies the same rule."""
    kwargs = {"lr": 0.05} if name != "Adadelta" else {}
    opt = make(nn, name, kwargs)
    xs = run(nn, opt, QUADRATIC, 5, api="get_updates")
    want, _ = recurrence(name, kwargs, QUADRATIC, 5)
    for x, w in zip(xs, want):
        assert_close(x.numpy(), w, *TRAJ_TOL["float64"], f"{name} get_updates")


def test_options_change_the_trajectory(nn):
    """Guards for the recurrences above: each option really acts on these problems."""
    def final(name, kw):
        return np.concatenate([p.ravel() for p in recurrence(name, kw, QUADRATIC, STEPS)[0]])
    pairs = [(("SGD", {"lr": 0.02, "momentum": 0.9}), ("SGD", {"lr": 0.02, "momentum": 0.9, "nesterov": True})),
             (("Adam", {"lr": 0.1, "beta_2": 0.9}), ("Adam", {"lr": 0.1, "beta_2": 0.9, "amsgrad": True})),
             (("SGD", {"lr": 0.05}), ("SGD", {"lr": 0.05, "clipnorm": 0.7})),
             (("Adam", {"lr": 0.02}), ("Adam", {"lr": 0.02, "clipnorm": 0.9, "clipvalue": 0.4})),
             (("RMSprop", {"lr": 0.01, "rho": 0.5}), ("RMSprop", {"lr": 0.01, "rho": 0.5, "decay": 0.2}))]
    for a, b in pairs:
        assert np.max(np.abs(final(*a) - final(*b))) > 1e-4, (a, b)


# -- exact single steps by hand ----------------------------------------------------------------------

def _linear_step(nn, opt, g, p0, steps=1):
    """Apply ``steps`` steps of a constant gradient ``g`` (the loss sum(g * p)); return the values."""
    p = nn.Variable(np.asarray(p0, dtype=np.float64))
    out = []
    for _ in range(steps):
        with nn.GradientTape() as tape:
            loss = nn.ops.sum(nn.ops.multiply(np.asarray(g, dtype=np.float64), p))
        opt.apply_gradients([(tape.gradient(loss, p), p)])
        out.append(p.numpy().copy())
    return out


def test_adam_step_one_bias_correction(nn):
    # t = 1: m = (1-b1) g, v = (1-b2) g^2, lr_t = lr sqrt(1-b2)/(1-b1), so the step is
    # lr * g / (|g| + eps / sqrt(1-b2)): almost lr * sign(g), not lr * (1-b1) * g / ...
    g = np.array([0.5, -2.0, 1e-3])
    (p1,) = _linear_step(nn, nn.optimizers.Adam(), g, [1.0, 1.0, 1.0])
    want = 1.0 - 0.001 * g / (np.abs(g) + 1e-7 / math.sqrt(1 - 0.999))
    assert_close(p1, want, 1e-13, 0, "Adam step 1")


def test_adamax_and_nadam_step_one(nn):
    g = np.array([0.5, -2.0])
    (p1,) = _linear_step(nn, nn.optimizers.Adamax(), g, [0.0, 0.0])
    assert_close(p1, -0.002 * g / (np.abs(g) + 1e-7), 1e-13, 0, "Adamax step 1")
    c1, c2 = 0.9 * (1 - 0.5 * 0.96 ** 0.004), 0.9 * (1 - 0.5 * 0.96 ** 0.008)
    m_bar = g + c2 * 0.1 * g / (1 - c1 * c2)  # (1-c1) g / (1-c1)  +  c2 m / (1 - c1 c2)
    (p1,) = _linear_step(nn, nn.optimizers.Nadam(), g, [0.0, 0.0])
    assert_close(p1, -0.002 * m_bar / (np.abs(g) + 1e-7), 1e-13, 0, "Nadam step 1")


def test_decay_uses_the_iteration_count_before_the_step(nn):
    # lr_t = lr / (1 + decay * iterations) with iterations = 0, 1, 2 for steps 1, 2, 3.
    out = _linear_step(nn, nn.optimizers.SGD(lr=0.1, decay=0.5), [1.0], [0.0], steps=3)
    assert_close(np.concatenate(out), np.cumsum([-0.1, -0.1 / 1.5, -0.1 / 2.0]), 1e-15, 0, "SGD decay")


def test_sgd_momentum_and_nesterov_by_hand(nn):
    # v1 = -lr g = -0.1; v2 = 0.9 v1 - 0.1 = -0.19. Plain: p += v. Nesterov: p += 0.9 v - lr g.
    out = _linear_step(nn, nn.optimizers.SGD(lr=0.1, momentum=0.9), [1.0], [0.0], steps=2)
    assert_close(np.concatenate(out), [-0.1, -0.29], 1e-15, 0, "momentum")
    out = _linear_step(nn, nn.optimizers.SGD(lr=0.1, momentum=0.9, nesterov=True), [1.0], [0.0], steps=2)
    assert_close(np.concatenate(out), [-0.19, -0.19 - 0.271], 1e-15, 0, "nesterov")


def test_clipnorm_uses_the_global_norm_of_all_gradients(nn):
    # Two gradients with norms 3 and 4: the global norm is 5 >= clipnorm 1, so both are scaled by 1/5
    # (per-tensor clipping, tf.keras's rule, would scale them by 1/3 and 1/4).
    a, b = nn.Variable(np.zeros(2)), nn.Variable(np.zeros(1))
    opt = nn.optimizers.SGD(lr=1.0, clipnorm=1.0)
    opt.apply_gradients([(nn.constant(np.array([3.0, 0.0])), a), (nn.constant(np.array([4.0])), b)])
    assert_close(a.numpy(), [-0.6, 0.0], 1e-15, 0, "clipnorm a")
    assert_close(b.numpy(), [-0.8], 1e-15, 0, "clipnorm b")


def test_clipnorm_leaves_small_gradients_alone_and_clipvalue_comes_second(nn):
    p = nn.Variable(np.zeros(2))
    nn.optimizers.SGD(lr=1.0, clipnorm=5.0001).apply_gradients([(nn.constant(np.array([3.0, 4.0])), p)])
    assert_close(p.numpy(), [-3.0, -4.0], 0, 0, "norm below clipnorm")
    # clipnorm first: [3, 4] -> [1.5, 2.0]; then clipvalue 1.8 -> [1.5, 1.8]. (The other order gives
    # [1.8, 1.8] scaled to norm 2.5.)
    p = nn.Variable(np.zeros(2))
    nn.optimizers.SGD(lr=1.0, clipnorm=2.5, clipvalue=1.8).apply_gradients([(nn.constant(np.array([3.0, 4.0])), p)])
    assert_close(p.numpy(), [-1.5, -1.8], 1e-15, 0, "clipnorm then clipvalue")


def test_get_gradients_returns_clipped_gradients(nn):
    x = nn.Variable(np.array([1.0, -2.0]))
    loss = nn.ops.sum(nn.ops.multiply(np.array([3.0, 4.0]), x * x))  # gradient [6, -16]
    grads = nn.optimizers.Adam(clipvalue=5.0).get_gradients(loss, [x])
    assert_close(grads[0].numpy(), [5.0, -5.0], 0, 0, "clipvalue")
    norm = math.sqrt(36 + 256)
    grads = nn.optimizers.Adam(clipnorm=2.0).get_gradients(loss, [x])
    assert_close(grads[0].numpy(), np.array([6.0, -16.0]) * (2.0 / norm), 1e-15, 0, "clipnorm")


def test_epsilon_default_is_read_at_construction(nn):
    for name in ("RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam"):
        assert getattr(nn.optimizers, name)().epsilon == 1e-7
        assert getattr(nn.optimizers, name)(epsilon=None).get_config()["epsilon"] == 1e-7
    old = nn.backend.epsilon()
    try:
        nn.backend.set_epsilon(1e-4)
        opt = nn.optimizers.Adagrad(lr=1.0)
    finally:
        nn.backend.set_epsilon(old)
    (p1,) = _linear_step(nn, opt, [2.0], [0.0])
    assert_close(p1, [-2.0 / (2.0 + 1e-4)], 1e-15, 0, "Adagrad epsilon from K.epsilon()")


def test_hyperparameters_are_variables_like_keras(nn):
    """K.get_value / K.set_value on lr (what LearningRateScheduler does) act on the next step."""
    K = nn.backend
    opt = nn.optimizers.SGD(lr=0.1)
    assert K.get_value(opt.lr) == 0.1
    p = nn.Variable(np.array([0.0]))
    g = nn.constant(np.array([1.0]))
    opt.apply_gradients([(g, p)])
    K.set_value(opt.lr, 0.25)
    opt.apply_gradients([(g, p)])
    assert_close(p.numpy(), [-0.35], 1e-15, 0, "lr changed between steps")
    assert K.get_value(opt.iterations) == 2
    assert opt.get_config()["lr"] == 0.25
    assert K.get_value(nn.optimizers.Adam().beta_1) == 0.9
    assert K.get_value(nn.optimizers.Nadam().m_schedule) == 1.0


def test_constraint_projects_the_updated_value(nn):
    p = nn.Variable(np.array([0.3, -0.3]), constraint=lambda w: nn.ops.clip(w, -0.5, 0.5))
    nn.optimizers.SGD(lr=1.0).apply_gradients([(nn.constant(np.array([-1.0, 0.1])), p)])
    assert_close(p.numpy(), [0.5, -0.4], 1e-15, 0, "constraint")


# -- the lecture notes' Example 4.2.1 on f(x, y) = x^4/100 + 100 y^2 from (1, 1) ---------------------

NOTES = Problem("notes", [np.array([1.0, 1.0])], QUARTIC.loss, QUARTIC.grad)

# Iterates printed in seed-watson.md N15 (η = 0.001, α = 0.9). Keras's SGD is the notes' GradDescent;
# the notes' Momentum (m = α m + (1-α) g, w -= η m) is Keras's SGD with lr = η (1-α), momentum = α
# (velocity v = -η m). Each value is compared to half a unit of its last printed digit.
NOTES_ROWS = [
    ("GradDescent", {"lr": 0.001}, 1, [0.99996, 0.8]),
    ("GradDescent", {"lr": 0.001}, 2, [0.9999200048, 0.64]),
    ("GradDescent", {"lr": 0.001}, 100, [0.9960236049, 2.037e-10]),
    ("Momentum", {"lr": 0.001 * (1 - 0.9), "momentum": 0.9}, 1, [0.999996, 0.98]),
    ("Momentum", {"lr": 0.001 * (1 - 0.9), "momentum": 0.9}, 2, [0.9999884, 0.9424]),
    ("Momentum", {"lr": 0.001 * (1 - 0.9), "momentum": 0.9}, 100, [0.9963762864, 0.0042281137]),
]


def _half_last_digit(values):
    out = []
    for v in values:
        mant = f"{v:.10e}".split("e")[0].rstrip("0")
        digits = len(mant.split(".")[1]) if "." in mant else 0
        out.append(0.5 * 10.0 ** (math.floor(math.log10(abs(v))) - digits))
    return np.array(out)


@pytest.mark.parametrize("label, kwargs, steps, printed", NOTES_ROWS,
                         ids=[f"{r[0]}-n{r[2]}" for r in NOTES_ROWS])
def test_notes_trajectories_that_are_keras_sgd(nn, label, kwargs, steps, printed):
    (v,) = run(nn, nn.optimizers.SGD(**kwargs), NOTES, steps)
    err = np.abs(v.numpy() - np.array(printed))
    assert np.all(err <= _half_last_digit(printed) * 1.0001), (v.numpy(), printed)


# The notes' AdaGrad / RMSProp / Adam put ε = 1e-5 INSIDE the sqrt (and their Adam uses α^(t+1) with
# β1 = β2 = α and the same ε placement); Keras adds ε to the sqrt. The notes' Nesterov evaluates the
# gradient at w - η α/(1-α) m, while Keras's iterate is the look-ahead point itself. So for these the
# Keras versions with the notes' hyperparameters are pinned against the Keras recurrences, and the
# notes' printed step-1 values are shown to be a different convention.
KERAS_VERSIONS = [
    ("Adagrad", {"lr": 0.001, "epsilon": 1e-5}, [0.9990031104, 0.999]),
    ("RMSprop", {"lr": 0.001, "rho": 0.9, "epsilon": 1e-5}, [0.99693214, 0.9968377223]),
    ("Adam", {"lr": 0.001, "beta_1": 0.9, "beta_2": 0.9, "epsilon": 1e-5}, [0.9992787933, 0.9992745238]),
    ("SGD", {"lr": 0.001 * (1 - 0.9), "momentum": 0.9, "nesterov": True}, [0.999996, 0.98]),
]


@pytest.mark.parametrize("name, kwargs, notes_step1", KERAS_VERSIONS, ids=[r[0] for r in KERAS_VERSIONS])
def test_notes_hyperparameters_follow_keras_conventions(nn, name, kwargs, notes_step1):
    opt = make(nn, name, kwargs)
    (v,) = run(nn, opt, NOTES, 1)
    want, _ = recurrence(name, kwargs, NOTES, 1)
    assert_close(v.numpy(), want[0], *TRAJ_TOL["float64"], f"{name} step 1")
    assert np.max(np.abs(v.numpy() - np.array(notes_step1))) > 1e-8  # printed to 10 digits: a different rule
    run(nn, opt, NOTES, 99, variables=[v])
    want, _ = recurrence(name, kwargs, NOTES, 100)
    assert_close(v.numpy(), want[0], *TRAJ_TOL["float64"], f"{name} step 100")


# -- state: get_weights / set_weights ------------------------------------------------------------------

STATE_LAYOUT = {  # shapes of get_weights() with params x (3,) and y (2, 2)
    "SGD": [(), (3,), (2, 2)],
    "RMSprop": [(), (3,), (2, 2)],
    "Adagrad": [(), (3,), (2, 2)],
    "Adadelta": [(), (3,), (2, 2), (3,), (2, 2)],
    "Adam": [(), (3,), (2, 2), (3,), (2, 2), (1,), (1,)],
    "Adamax": [(), (3,), (2, 2), (3,), (2, 2)],
    "Nadam": [(), (), (3,), (2, 2), (3,), (2, 2)],
}


@pytest.mark.parametrize("name", list(STATE_LAYOUT))
def test_state_layout_and_slot_placement(nn, name):
    opt = make(nn, name, {})
    assert [w.shape for w in opt.get_weights()] == [()] + ([()] if name == "Nadam" else [])
    xs = run(nn, opt, QUADRATIC, 1)
    assert [w.shape for w in opt.get_weights()] == STATE_LAYOUT[name]
    n_head = 2 if name == "Nadam" else 1
    for w in opt.weights[n_head:]:
        assert w.dtype == np.float64 and type(w.data) is type(xs[0].data) and not w.trainable
    amsgrad = make(nn, "Adam", {"amsgrad": True})
    run(nn, amsgrad, QUADRATIC, 1)
    assert [w.shape for w in amsgrad.get_weights()][-2:] == [(3,), (2, 2)]


RESUME = [("SGD", {"lr": 0.02, "momentum": 0.9, "nesterov": True, "decay": 0.1}),
          ("RMSprop", {"lr": 0.01, "decay": 0.2}),
          ("Adagrad", {"lr": 0.1, "decay": 0.25}),
          ("Adadelta", {"decay": 0.1}),
          ("Adam", {"lr": 0.1, "beta_2": 0.9, "amsgrad": True, "decay": 0.05}),
          ("Adam", {"lr": 0.02}),
          ("Adamax", {"decay": 0.15}),
          ("Nadam", {"schedule_decay": 0.3})]


@pytest.mark.parametrize("name, kwargs", RESUME, ids=[_cid(c) for c in RESUME])
def test_save_restore_resumes_the_trajectory_exactly(nn, name, kwargs):
    k, rest = 3, 5
    first = make(nn, name, kwargs)
    xs = run(nn, first, QUADRATIC, k)
    saved_params = [x.numpy().copy() for x in xs]
    saved_state = first.get_weights()
    # a fresh optimizer from the config, slots created, state restored, on fresh variables
    second = type(first).from_config(first.get_config())
    ys = [nn.Variable(p) for p in saved_params]
    second.build(ys)
    second.set_weights(saved_state)
    run(nn, first, QUADRATIC, rest, variables=xs)
    run(nn, second, QUADRATIC, rest, variables=ys)
    for x, y in zip(xs, ys):
        np.testing.assert_array_equal(y.numpy(), x.numpy())
    for a, b in zip(second.get_weights(), first.get_weights()):
        np.testing.assert_array_equal(a, b)
    want, _ = recurrence(name, kwargs, QUADRATIC, k + rest)
    for y, w in zip(ys, want):
        assert_close(y.numpy(), w, *TRAJ_TOL["float64"], f"{name} resumed")


def test_set_weights_accepts_keras_2_2_4_lists(nn):
    # Keras 2.2.4's RMSprop/Adagrad/Adadelta weights lack the iteration count; Nadam's lack m_schedule.
    # They are accepted (as Keras 2.3 does) and the missing value is reset.
    opt = nn.optimizers.RMSprop(decay=0.5)
    run(nn, opt, QUADRATIC, 2)
    w = opt.get_weights()
    opt.set_weights([a * 0 + 1 for a in w[1:]])
    assert int(opt.get_weights()[0]) == 0
    assert all(np.all(a == 1) for a in opt.get_weights()[1:])
    nadam = nn.optimizers.Nadam()
    run(nn, nadam, QUADRATIC, 2)
    w = nadam.get_weights()
    nadam.set_weights([w[0]] + w[2:])
    assert int(nadam.get_weights()[0]) == 2 and float(nadam.get_weights()[1]) == 1.0


def test_set_weights_errors(nn):
    opt = nn.optimizers.Adam()
    with pytest.raises(ValueError, match=r"Length of the specified weight list \(3\) does not match .* \(1\)"):
        opt.set_weights([np.array(0), np.zeros(3), np.zeros(3)])
    run(nn, opt, QUADRATIC, 1)
    w = opt.get_weights()
    with pytest.raises(ValueError, match="Length of the specified weight list"):
        opt.set_weights(w[:-1])
    w[1] = np.zeros(4)
    with pytest.raises(ValueError, match=r"Optimizer weight shape \(3,\) not compatible with provided weight "
                                         r"shape \(4,\)"):
        opt.set_weights(w)


def test_get_weights_are_copies(nn):
    opt = nn.optimizers.Adagrad()
    run(nn, opt, QUADRATIC, 1)
    w = opt.get_weights()
    w[1][...] = 123.0
    assert not np.any(opt.get_weights()[1] == 123.0)


# -- config, get, serialize ------------------------------------------------------------------------

DEFAULT_CONFIGS = {
    "SGD": {"lr": 0.01, "momentum": 0.0, "decay": 0.0, "nesterov": False},
    "RMSprop": {"lr": 0.001, "rho": 0.9, "decay": 0.0, "epsilon": 1e-7},
    "Adagrad": {"lr": 0.01, "decay": 0.0, "epsilon": 1e-7},
    "Adadelta": {"lr": 1.0, "rho": 0.95, "decay": 0.0, "epsilon": 1e-7},
    "Adam": {"lr": 0.001, "beta_1": 0.9, "beta_2": 0.999, "decay": 0.0, "epsilon": 1e-7, "amsgrad": False},
    "Adamax": {"lr": 0.002, "beta_1": 0.9, "beta_2": 0.999, "decay": 0.0, "epsilon": 1e-7},
    "Nadam": {"lr": 0.002, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "schedule_decay": 0.004},
}


@pytest.mark.parametrize("name", list(DEFAULT_CONFIGS))
def test_default_config_and_round_trip(nn, name):
    cls = getattr(nn.optimizers, name)
    config = cls().get_config()
    assert config == DEFAULT_CONFIGS[name]
    assert list(config) == list(DEFAULT_CONFIGS[name])
    clipped = cls(clipnorm=1.5, clipvalue=0.5).get_config()
    assert list(clipped)[:2] == ["clipnorm", "clipvalue"] and clipped["clipnorm"] == 1.5
    custom = {k: (not v if isinstance(v, bool) else v * 0.5 if v else 0.125) for k, v in config.items()}
    opt = cls.from_config(custom)
    assert type(opt) is cls and opt.get_config() == custom
    again = nn.optimizers.deserialize(nn.optimizers.serialize(opt))
    assert type(again) is cls and again.get_config() == custom
    assert nn.optimizers.serialize(opt) == {"class_name": name, "config": custom}


def test_get_by_name_dict_and_instance(nn):
    opt = nn.optimizers
    for name, cls in [("sgd", opt.SGD), ("rmsprop", opt.RMSprop), ("adagrad", opt.Adagrad),
                      ("adadelta", opt.Adadelta), ("adam", opt.Adam), ("adamax", opt.Adamax), ("nadam", opt.Nadam)]:
        for spelling in (name, name.upper(), cls.__name__):
            assert type(opt.get(spelling)) is cls
    adam = opt.Adam(lr=0.5)
    assert opt.get(adam) is adam
    got = opt.get({"class_name": "RMSprop", "config": {"lr": 0.25}})
    assert type(got) is opt.RMSprop and got.get_config()["lr"] == 0.25
    assert opt.adam is opt.Adam and opt.sgd is opt.SGD


def test_deserialize_custom_objects(nn):
    class MySGD(nn.optimizers.SGD):
        pass
    got = nn.optimizers.deserialize({"class_name": "MySGD", "config": {"lr": 0.5}}, custom_objects={"MySGD": MySGD})
    assert type(got) is MySGD and got.get_config()["lr"] == 0.5


def test_identifier_errors(nn):
    opt = nn.optimizers
    with pytest.raises(ValueError, match="Unknown optimizer: 'adamw'.*sgd, rmsprop, adagrad, adadelta, adam, adamax, "
                                         "nadam"):
        opt.get("adamw")
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: 42"):
        opt.get(42)
    with pytest.raises(ValueError, match="Improper config format"):
        opt.deserialize({"class_name": "adam"})
    with pytest.raises(TypeError, match="Unexpected keyword argument passed to optimizer: learning_rate"):
        opt.Adam(learning_rate=0.1)


# -- errors in steps -------------------------------------------------------------------------------

def test_get_gradients_rejects_a_missing_gradient(nn):
    x, unused = nn.Variable(np.array([1.0])), nn.Variable(np.array([2.0]), name="unused")
    loss = nn.ops.sum(x * x)
    with pytest.raises(ValueError, match="An operation has `None` for gradient.*unused"):
        nn.optimizers.SGD().get_updates(loss, [x, unused])


def test_apply_gradients_skips_none_and_rejects_all_none(nn):
    a, b = nn.Variable(np.array([1.0]), name="a"), nn.Variable(np.array([1.0]), name="b")
    opt = nn.optimizers.SGD(lr=0.5)
    with pytest.warns(UserWarning, match=r"Gradients do not exist for variables \['b'\]"):
        opt.apply_gradients([(nn.constant(np.array([1.0])), a), (None, b)])
    assert a.numpy()[0] == 0.5 and b.numpy()[0] == 1.0
    with pytest.raises(ValueError, match=r"No gradients provided for any variable: \['a', 'b'\]"):
        opt.apply_gradients([(None, a), (None, b)])


def test_step_errors(nn):
    p = nn.Variable(np.zeros(3), name="p")
    opt = nn.optimizers.Adam()
    with pytest.raises(ValueError, match=r"gradient of shape \(2,\) for variable 'p' of shape \(3,\)"):
        opt.apply_gradients([(nn.constant(np.zeros(2)), p)])
    with pytest.raises(TypeError, match="expected a Variable"):
        opt.apply_gradients([(nn.constant(np.zeros(3)), nn.constant(np.zeros(3)))])
    with pytest.raises(ValueError, match="appears twice"):
        opt.apply_gradients([(nn.constant(np.zeros(3)), p), (nn.constant(np.zeros(3)), p)])
    assert int(opt.get_weights()[0]) == 0  # nothing was applied


def test_get_updates_returns_the_updated_variables(nn):
    x = nn.Variable(np.array([1.0, 2.0]))
    opt = nn.optimizers.Adam()
    ups = opt.get_updates(nn.ops.sum(x * x), [x])
    assert ups[0] is opt.iterations and any(u is x for u in ups)
    assert len(ups) == 5  # iterations, m, v, vhat, x


def test_updates_record_no_graph(nn):
    x = nn.Variable(np.array([1.0, 2.0]))
    with nn.GradientTape() as tape:
        loss = nn.ops.sum(x * x)
    opt = nn.optimizers.RMSprop()
    opt.apply_gradients([(tape.gradient(loss, x), x)])
    assert x._node is None and all(w._node is None for w in opt.weights)
