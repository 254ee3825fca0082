"""Fused optimizer updates: one CUDA launch per parameter and step.

Same signatures and formulas as ``nnspec.reference.kernels.optim``: ``fn(xp, p, g, *slots,
**scalars) -> (new_p, *new_slots)``. The slots are read and rewritten in place (they belong to
the optimizer); the parameter is written to a new array, so a tensor that still holds the old
weight array (a view taken in the forward pass, ``Variable.value()``) keeps the old value exactly
as in the reference. Scalar sub-expressions (``1 - rho``, ...) are computed in Python as the
reference computes them, cast to the array dtype, and the kernels are compiled without FMA
contraction, so each product and sum rounds as NumPy's separate operations do.
"""

import cupy

_OPTIONS = ("--fmad=false",)

# max(a, b) that propagates NaN like numpy.maximum.
_PREAMBLE = """
template <typename U> __device__ U nnspec_maximum(U a, U b) { return (a != a || a > b) ? a : b; }
"""


def _kernel(scalars, slots, body, name):
    in_params = ", ".join(["T p", "T g"] + [f"T {s}" for s in scalars])
    out_params = ", ".join(["T p_out"] + [f"T {s}" for s in slots])
    return cupy.ElementwiseKernel(in_params, out_params, body, name, preamble=_PREAMBLE, options=_OPTIONS)


_sgd = _kernel(("lr", "momentum"), ("m",),
               "T vel = momentum * m - lr * g; m = vel; p_out = p + vel;", "nnspec_sgd_update")
_sgd_nesterov = _kernel(("lr", "momentum"), ("m",),
                        "T vel = momentum * m - lr * g; m = vel; p_out = p + momentum * vel - lr * g;",
                        "nnspec_sgd_nesterov_update")
_rmsprop = _kernel(("lr", "rho", "one_minus_rho", "epsilon"), ("a",),
                   "a = rho * a + one_minus_rho * (g * g); p_out = p - lr * g / (sqrt(a) + epsilon);",
                   "nnspec_rmsprop_update")
_adagrad = _kernel(("lr", "epsilon"), ("a",),
                   "a = a + g * g; p_out = p - lr * g / (sqrt(a) + epsilon);", "nnspec_adagrad_update")
_adadelta = _kernel(("lr", "rho", "one_minus_rho", "epsilon"), ("a", "d_a"),
                    "a = rho * a + one_minus_rho * (g * g);"
                    "T upd = g * sqrt(d_a + epsilon) / sqrt(a + epsilon);"
                    "p_out = p - lr * upd;"
                    "d_a = rho * d_a + one_minus_rho * (upd * upd);", "nnspec_adadelta_update")
_ADAM_SCALARS = ("lr_t", "beta_1", "one_minus_beta_1", "beta_2", "one_minus_beta_2", "epsilon")
_adam = _kernel(_ADAM_SCALARS, ("m", "v"),
                "m = beta_1 * m + one_minus_beta_1 * g;"
                "v = beta_2 * v + one_minus_beta_2 * (g * g);"
                "p_out = p - lr_t * m / (sqrt(v) + epsilon);", "nnspec_adam_update")
_adam_amsgrad = _kernel(_ADAM_SCALARS, ("m", "v", "vhat"),
                        "m = beta_1 * m + one_minus_beta_1 * g;"
                        "v = beta_2 * v + one_minus_beta_2 * (g * g);"
                        "vhat = nnspec_maximum(vhat, v);"
                        "p_out = p - lr_t * m / (sqrt(vhat) + epsilon);", "nnspec_adam_amsgrad_update")
_adamax = _kernel(_ADAM_SCALARS, ("m", "u"),
                  "m = beta_1 * m + one_minus_beta_1 * g;"
                  "u = nnspec_maximum(beta_2 * u, fabs(g));"
                  "p_out = p - lr_t * m / (u + epsilon);", "nnspec_adamax_update")
_nadam = _kernel(("lr", "beta_1", "one_minus_beta_1", "beta_2", "one_minus_beta_2", "epsilon",
                  "one_minus_cache_t", "cache_t_1", "one_minus_schedule_new", "one_minus_schedule_next",
                  "one_minus_beta_2_power"), ("m", "v"),
                 "T g_prime = g / one_minus_schedule_new;"
                 "m = beta_1 * m + one_minus_beta_1 * g;"
                 "T m_prime = m / one_minus_schedule_next;"
                 "v = beta_2 * v + one_minus_beta_2 * (g * g);"
                 "T v_prime = v / one_minus_beta_2_power;"
                 "T m_bar = one_minus_cache_t * g_prime + cache_t_1 * m_prime;"
                 "p_out = p - lr * m_bar / (sqrt(v_prime) + epsilon);", "nnspec_nadam_update")


def _run(kern, p, g, scalars, slots):
    # A scalar is a Python number, or a float64 device scalar while a CUDA graph records the step (refilled
    # before every replay; 1 - beta and the like then computed on the device, in float64 as Python does).
    t = p.dtype.type
    p_out = cupy.empty_like(p)
    kern(p, g, *[s.astype(p.dtype) if isinstance(s, cupy.ndarray) else t(s) for s in scalars], p_out, *slots)
    return (p_out, *slots)


def sgd_update(xp, p, g, m, lr, momentum, nesterov):
    return _run(_sgd_nesterov if nesterov else _sgd, p, g, (lr, momentum), (m,))


def rmsprop_update(xp, p, g, a, lr, rho, epsilon):
    return _run(_rmsprop, p, g, (lr, rho, 1. - rho, epsilon), (a,))


def adagrad_update(xp, p, g, a, lr, epsilon):
    return _run(_adagrad, p, g, (lr, epsilon), (a,))


def adadelta_update(xp, p, g, a, d_a, lr, rho, epsilon):
    return _run(_adadelta, p, g, (lr, rho, 1. - rho, epsilon), (a, d_a))


def _adam_scalars(lr_t, beta_1, beta_2, epsilon):
    return (lr_t, beta_1, 1. - beta_1, beta_2, 1. - beta_2, epsilon)


def adam_update(xp, p, g, m, v, lr_t, beta_1, beta_2, epsilon):
    return _run(_adam, p, g, _adam_scalars(lr_t, beta_1, beta_2, epsilon), (m, v))


def adam_amsgrad_update(xp, p, g, m, v, vhat, lr_t, beta_1, beta_2, epsilon):
    return _run(_adam_amsgrad, p, g, _adam_scalars(lr_t, beta_1, beta_2, epsilon), (m, v, vhat))


def adamax_update(xp, p, g, m, u, lr_t, beta_1, beta_2, epsilon):
    return _run(_adamax, p, g, _adam_scalars(lr_t, beta_1, beta_2, epsilon), (m, u))


def nadam_update(xp, p, g, m, v, lr, beta_1, beta_2, epsilon, momentum_cache_t, momentum_cache_t_1,
                 m_schedule_new, m_schedule_next, beta_2_power):
    scalars = (lr, beta_1, 1. - beta_1, beta_2, 1. - beta_2, epsilon, 1. - momentum_cache_t, momentum_cache_t_1,
               1. - m_schedule_new, 1. - m_schedule_next, 1. - beta_2_power)
    return _run(_nadam, p, g, scalars, (m, v))


OVERRIDES = {
    "sgd_update": sgd_update,
    "rmsprop_update": rmsprop_update,
    "adagrad_update": adagrad_update,
    "adadelta_update": adadelta_update,
    "adam_update": adam_update,
    "adam_amsgrad_update": adam_amsgrad_update,
    "adamax_update": adamax_update,
    "nadam_update": nadam_update,
}
