"""Fused optimizer updates: one CUDA launch per parameter and step.

Same signatures and formulas as ``nnspec.reference.kernels.optim``: ``fn(xp, p, g, *slots,
**scalars) -> (new_p, *new_slots)``. The slots are read and rewritten in place (they belong to
the optimizer); the parameter is written to a new array, so a tensor that still holds the old
weight array (a view taken in the forward pass, ``Variable.value()``) keeps the old value exactly
as in the reference. Scalar sub-expressions (``1 - rho``, ...) are computed in Python as the
reference computes them, cast to the array dtype, and the kernels are compiled without FMA
contraction, so each product and sum rounds as NumPy's separate operations do.

Each rule is one body of C (``_RULES``) built two ways: for contiguous float32/float64 arrays a raw kernel
that moves 16 bytes per load where every array is 16-byte aligned (the update of 10M parameters is bound by
memory) and is launched with its arguments as they are; for anything else (float16, strided views) a CuPy
ElementwiseKernel, which broadcasts and casts.
"""

import collections
import functools

import cupy
import numpy as np

from . import indexing

_OPTIONS = ("--fmad=false",)

# max(a, b) that propagates NaN like numpy.maximum.
_PREAMBLE = """
template <typename U> __device__ U nnspec_maximum(U a, U b) { return (a != a || a > b) ? a : b; }
"""

# A rule reads p, g, its scalars and slots, and assigns p_out and the slots (each element on its own).
_Rule = collections.namedtuple("_Rule", "name scalars slots body")
_ADAM_SCALARS = ("lr_t", "beta_1", "one_minus_beta_1", "beta_2", "one_minus_beta_2", "epsilon")
_RULES = {rule.name: rule for rule in [
    _Rule("sgd", ("lr", "momentum"), ("m",), "T vel = momentum * m - lr * g; m = vel; p_out = p + vel;"),
    _Rule("sgd_nesterov", ("lr", "momentum"), ("m",),
          "T vel = momentum * m - lr * g; m = vel; p_out = p + momentum * vel - lr * g;"),
    _Rule("rmsprop", ("lr", "rho", "one_minus_rho", "epsilon"), ("a",),
          "a = rho * a + one_minus_rho * (g * g); p_out = p - lr * g / (sqrt(a) + epsilon);"),
    _Rule("adagrad", ("lr", "epsilon"), ("a",), "a = a + g * g; p_out = p - lr * g / (sqrt(a) + epsilon);"),
    _Rule("adadelta", ("lr", "rho", "one_minus_rho", "epsilon"), ("a", "d_a"),
          "a = rho * a + one_minus_rho * (g * g);"
          "T upd = g * sqrt(d_a + epsilon) / sqrt(a + epsilon);"
          "p_out = p - lr * upd;"
          "d_a = rho * d_a + one_minus_rho * (upd * upd);"),
    _Rule("adam", _ADAM_SCALARS, ("m", "v"),
          "m = beta_1 * m + one_minus_beta_1 * g;"
          "v = beta_2 * v + one_minus_beta_2 * (g * g);"
          "p_out = p - lr_t * m / (sqrt(v) + epsilon);"),
    _Rule("adam_amsgrad", _ADAM_SCALARS, ("m", "v", "vhat"),
          "m = beta_1 * m + one_minus_beta_1 * g;"
          "v = beta_2 * v + one_minus_beta_2 * (g * g);"
          "vhat = nnspec_maximum(vhat, v);"
          "p_out = p - lr_t * m / (sqrt(vhat) + epsilon);"),
    _Rule("adamax", _ADAM_SCALARS, ("m", "u"),
          "m = beta_1 * m + one_minus_beta_1 * g;"
          "u = nnspec_maximum(beta_2 * u, fabs(g));"
          "p_out = p - lr_t * m / (u + epsilon);"),
    _Rule("nadam", ("lr", "beta_1", "one_minus_beta_1", "beta_2", "one_minus_beta_2", "epsilon",
                    "one_minus_cache_t", "cache_t_1", "one_minus_schedule_new", "one_minus_schedule_next",
                    "one_minus_beta_2_power"), ("m", "v"),
          "T g_prime = g / one_minus_schedule_new;"
          "m = beta_1 * m + one_minus_beta_1 * g;"
          "T m_prime = m / one_minus_schedule_next;"
          "v = beta_2 * v + one_minus_beta_2 * (g * g);"
          "T v_prime = v / one_minus_beta_2_power;"
          "T m_bar = one_minus_cache_t * g_prime + cache_t_1 * m_prime;"
          "p_out = p - lr * m_bar / (sqrt(v_prime) + epsilon);"),
]}


@functools.cache
def _elementwise(name):
    rule = _RULES[name]
    in_params = ", ".join(["T p", "T g"] + [f"T {s}" for s in rule.scalars])
    out_params = ", ".join(["T p_out"] + [f"T {s}" for s in rule.slots])
    return cupy.ElementwiseKernel(in_params, out_params, rule.body, f"nnspec_{name}_update", preamble=_PREAMBLE,
                                  options=_OPTIONS)


def _element(rule, at):
    """One element's update in C: ``at(name)`` is where array ``name`` (p, g, p_out or a slot) holds it."""
    slots = "".join(f"T {s} = {at(s)}; " for s in rule.slots)
    stores = "".join(f"{at(s)} = {s}; " for s in rule.slots)
    return f"{{ const T p = {at('p')}, g = {at('g')}; {slots}T p_out; {rule.body} {at('p_out')} = p_out; {stores}}}"


@functools.cache
def raw_source(name, vec, on_device):
    """The raw kernel of rule ``name`` (for ``indexing.code``/``indexing.module``, which add the type T) with
    ``vec`` elements per load (1, or 16 bytes' worth) and each scalar passed by value or, where ``on_device``
    says so, as a pointer to a device scalar."""
    rule = _RULES[name]
    arrays = ("p", "g", "p_out") + rule.slots
    params = [f"{'const ' if a in ('p', 'g') else ''}T* __restrict__ {a}_at" for a in arrays]
    params += [f"const T* __restrict__ {s}_at" if dev else f"T {s}" for s, dev in zip(rule.scalars, on_device)]
    reads = "".join(f"const T {s} = *{s}_at; " for s, dev in zip(rule.scalars, on_device) if dev)
    loads = "".join(f"{a}_pack = ((const Pack*){a}_at)[q]; " for a in arrays if a != "p_out")
    stores = "".join(f"((Pack*){a}_at)[q] = {a}_pack; " for a in arrays if a not in ("p", "g"))
    return f"""{_PREAMBLE}
struct alignas({vec} * sizeof(T)) Pack {{ T v[{vec}]; }};
extern "C" __global__ void nnspec_{name}_update(long long n, {", ".join(params)}) {{
    {reads}
    const long long first = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long q = first; q < n / {vec}; q += stride) {{   // {vec} elements per load and store
        Pack {", ".join(a + "_pack" for a in arrays)};
        {loads}
        #pragma unroll
        for (int e = 0; e < {vec}; ++e) {_element(rule, lambda a: f"{a}_pack.v[e]")}
        {stores}
    }}
    for (long long i = n / {vec} * {vec} + first; i < n; i += stride)   // the tail
        {_element(rule, lambda a: f"{a}_at[i]")}
}}
"""


def _address(a):
    return a.data.ptr if isinstance(a, cupy.ndarray) and hasattr(a.data, "ptr") else a.ctypes.data


def _fast(arrays):
    """Whether the raw kernel takes these arrays: one float dtype it is built for, C-contiguous."""
    dtype = arrays[0].dtype
    return indexing.supported(dtype) and all(a.dtype == dtype and a.flags.c_contiguous for a in arrays)


def _run(name, p, g, scalars, slots):
    # A scalar is a Python number, or a float64 device scalar while a CUDA graph records the step (refilled
    # before every replay; 1 - beta and the like then computed on the device, in float64 as Python does).
    t = p.dtype.type
    p_out = cupy.empty_like(p)
    values = [s.astype(p.dtype) if isinstance(s, cupy.ndarray) else t(s) for s in scalars]
    arrays = (p, g, p_out, *slots)
    if not _fast(arrays):
        _elementwise(name)(p, g, *values, p_out, *slots)
        return (p_out, *slots)
    vec = 16 // p.itemsize if all(_address(a) % 16 == 0 for a in arrays) else 1
    on_device = tuple(isinstance(s, cupy.ndarray) for s in scalars)
    source = raw_source(name, vec, on_device)
    fn = indexing.module(source, p.dtype.name, False, _OPTIONS).get_function(f"nnspec_{name}_update")
    if p.size:
        blocks = min(-(-p.size // (vec * indexing.THREADS)), indexing.MAX_BLOCKS)
        fn((blocks,), (indexing.THREADS,), (np.int64(p.size), *arrays, *values))
    return (p_out, *slots)


def sgd_update(xp, p, g, m, lr, momentum, nesterov):
    return _run("sgd_nesterov" if nesterov else "sgd", p, g, (lr, momentum), (m,))


def rmsprop_update(xp, p, g, a, lr, rho, epsilon):
    return _run("rmsprop", p, g, (lr, rho, 1. - rho, epsilon), (a,))


def adagrad_update(xp, p, g, a, lr, epsilon):
    return _run("adagrad", p, g, (lr, epsilon), (a,))


def adadelta_update(xp, p, g, a, d_a, lr, rho, epsilon):
    return _run("adadelta", p, g, (lr, rho, 1. - rho, epsilon), (a, d_a))


def _adam_scalars(lr_t, beta_1, beta_2, epsilon):
    return (lr_t, beta_1, 1. - beta_1, beta_2, 1. - beta_2, epsilon)


def adam_update(xp, p, g, m, v, lr_t, beta_1, beta_2, epsilon):
    return _run("adam", p, g, _adam_scalars(lr_t, beta_1, beta_2, epsilon), (m, v))


def adam_amsgrad_update(xp, p, g, m, v, vhat, lr_t, beta_1, beta_2, epsilon):
    return _run("adam_amsgrad", p, g, _adam_scalars(lr_t, beta_1, beta_2, epsilon), (m, v, vhat))


def adamax_update(xp, p, g, m, u, lr_t, beta_1, beta_2, epsilon):
    return _run("adamax", p, g, _adam_scalars(lr_t, beta_1, beta_2, epsilon), (m, u))


def nadam_update(xp, p, g, m, v, lr, beta_1, beta_2, epsilon, momentum_cache_t, momentum_cache_t_1,
                 m_schedule_new, m_schedule_next, beta_2_power):
    scalars = (lr, beta_1, 1. - beta_1, beta_2, 1. - beta_2, epsilon, 1. - momentum_cache_t, momentum_cache_t_1,
               1. - m_schedule_new, 1. - m_schedule_next, 1. - beta_2_power)
    return _run("nadam", p, g, scalars, (m, v))


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
