"""accel's raw CUDA kernels run on the CPU in emulation (``harness.cuda_emulation``) against the reference
kernels, on any machine with g++, GPU or not: the index kernels (convolution im2col/col2im, pooling) in the
32-bit build with multiply-shift quotients and in the 64-bit build; the persistent LSTM and GRU recurrences
(forward and backward) with 1-8 batch rows per block, weights in registers or read from memory, one or two gate
columns per thread. The GPU run of the suite (``--impl=accel``) checks the same kernels through the ops. The same
sources also go through NVRTC (``harness.nvrtc``, where the nvidia-cuda-nvrtc wheel is installed: tox's reference
env), the compiler CuPy uses there, so that what only g++ accepts fails here. CuPy's ElementwiseKernels are not
covered: CuPy writes their source.
"""

import importlib.util
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from harness import cuda_emulation, nvrtc
from nnspec.reference.kernels import conv as ref_conv
from nnspec.reference.kernels import optim as ref_optim
from nnspec.reference.kernels import pool as ref_pool
from nnspec.reference.kernels import rnn as ref_rnn

_MODULES = ("indexing", "conv", "conv_gemm", "norm", "optimizers", "pool", "rnn")


def _load_kernels(build):
    """accel's kernel modules ``_MODULES``, loaded from the installed package with the stand-in cupy (building into
    ``build``), as attributes of a package of their own; ``_unload`` forgets them."""
    kernels = Path(importlib.util.find_spec("nnspec.accel").submodule_search_locations[0]) / "kernels"
    saved = sys.modules.get("cupy")
    sys.modules["cupy"] = cuda_emulation.stand_in(build)
    package = types.ModuleType(f"emulated_accel_kernels_{build.name}")
    package.__path__ = [str(kernels)]
    sys.modules[package.__name__] = package
    try:
        for name in _MODULES:
            spec = importlib.util.spec_from_file_location(f"{package.__name__}.{name}", kernels / f"{name}.py")
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
            setattr(package, name, module)
    finally:
        if saved is None:
            sys.modules.pop("cupy", None)
        else:
            sys.modules["cupy"] = saved
    return package


def _unload(package):
    for name in _MODULES:
        sys.modules.pop(f"{package.__name__}.{name}", None)
    sys.modules.pop(package.__name__, None)


@pytest.fixture(scope="module")
def accel(tmp_path_factory):
    """accel's kernel modules ``_MODULES`` on the stand-in cupy (their raw kernels built with g++)."""
    build = tmp_path_factory.mktemp("cuda_emulation")
    why = cuda_emulation.unavailable(build)
    if why:
        pytest.skip(why)
    package = _load_kernels(build)
    yield package
    _unload(package)


@pytest.fixture(params=["index32", "index64"])
def width(request, accel):
    """Each case in both builds: the 64-bit one forced by a zero limit."""
    saved = accel.indexing.INDEX32_LIMIT
    accel.indexing.INDEX32_LIMIT = saved if request.param == "index32" else 0
    yield request.param
    accel.indexing.INDEX32_LIMIT = saved


def test_multiply_shift_quotient(accel):
    """(umulhi(n, m) + n) >> s == n // d for every divisor's edges and random n below 2^31, in exact integers."""
    rng = np.random.default_rng(0)
    divisors = list(range(1, 1100)) + [int(d) for d in rng.integers(1, 2**31, 1000)] + [2**30, 2**30 + 1, 2**31 - 1]
    top = 2**31 - 1
    for d in divisors:
        m, s = (int(v) for v in accel.indexing.divisor(d))
        assert 0 < m < 2**32 and s < 32
        for n in [0, 1, d - 1, d, d + 1, top, top - 1, top // d * d, top // d * d - 1,
                  *(int(v) for v in rng.integers(0, 2**31, 16))]:
            if n >= 0:
                assert (((n * m) >> 32) + n) >> s == n // d, (n, d)
    with pytest.raises(ValueError, match="divisor 0"):
        accel.indexing.divisor(0)


CONV = [  # (input shape, kernel hw, strides, dilation, padding)
    ((2, 5, 6, 3), (3, 3), (1, 1), (1, 1), ((0, 0), (0, 0))),
    ((2, 5, 6, 3), (3, 2), (2, 1), (1, 1), ((1, 1), (0, 1))),
    ((1, 7, 5, 2), (2, 3), (2, 3), (2, 1), ((2, 1), (1, 2))),
    ((3, 4, 4, 1), (1, 1), (1, 1), (1, 1), ((0, 0), (0, 0))),
    ((2, 9, 8, 4), (3, 3), (3, 2), (2, 2), ((1, 2), (2, 1))),
    ((1, 3, 3, 5), (3, 3), (1, 1), (1, 1), ((1, 1), (1, 1))),
    ((1, 2, 2, 2), (3, 3), (1, 1), (1, 1), ((2, 2), (2, 2))),  # every tap of an edge pixel in the padding
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,khw,strides,dilation,padding", CONV)
def test_conv_im2col_col2im(accel, width, dtype, shape, khw, strides, dilation, padding, monkeypatch):
    """The im2col path (grouped convolutions'), here on ungrouped ones with the implicit GEMM turned off."""
    monkeypatch.setattr(accel.conv, "IMPLICIT_GEMM", False)
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape).astype(dtype)
    start = len(accel.indexing.cupy.launches)
    cols = accel.conv.im2col(np, x, khw, strides, dilation, padding)
    assert [name for name, *_ in accel.indexing.cupy.launches[start:]] == ["nnspec_im2col"]
    want = ref_conv.im2col(np, x, khw, strides, dilation, padding)
    assert cols.shape == want.shape and cols.dtype == want.dtype and np.array_equal(cols, want)
    k = rng.standard_normal((*khw, shape[3], 4)).astype(dtype)
    gy = rng.standard_normal((*want.shape[:3], 4)).astype(dtype)
    start = len(accel.indexing.cupy.launches)
    dx = accel.conv.conv2d_backprop_input(np, gy, k, shape[1:3], strides, dilation, padding)
    assert [name for name, *_ in accel.indexing.cupy.launches[start:]] == ["nnspec_col2im"]
    # against the reference's float64 adjoint: col2im sums a pixel's column gradients in tap order, the
    # reference adds one product per tap, the same terms in the same order
    expected = ref_conv.backprop_input(np, gy.astype(np.float64), k.astype(np.float64), shape[1:3], strides,
                                       dilation, padding, 1)
    assert dx.shape == shape and dx.dtype == dtype
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(dx, expected, rtol=tol, atol=tol)


@pytest.fixture(params=["tiles64x32", "tiles128x64"])
def tiles(request, accel):
    """The implicit GEMM's tile shapes: the emulation's 132 multiprocessors give small products 64-row tiles; one
    multiprocessor, 128-row ones (64 columns where there are more than 32 output columns)."""
    saved = accel.conv_gemm.multiprocessors
    if request.param == "tiles128x64":
        accel.conv_gemm.multiprocessors = lambda: 1
    yield request.param
    accel.conv_gemm.multiprocessors = saved


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,khw,strides,dilation,padding", CONV)
def test_conv_implicit_gemm(accel, width, tiles, dtype, shape, khw, strides, dilation, padding):
    """The three implicit-GEMM products against the reference's in float64: equal within rounding (another
    summation order), every tile edge (rows, columns, reduction steps) and both index widths."""
    gemm = accel.conv_gemm
    rng = np.random.default_rng(2)
    out = 40 if tiles == "tiles128x64" else 5  # a partial column tile either way
    x = rng.standard_normal(shape).astype(dtype)
    k = rng.standard_normal((*khw, shape[3], out)).astype(dtype)
    x64, k64 = x.astype(np.float64), k.astype(np.float64)
    tol = 1e-12 if dtype == np.float64 else 2e-5
    start = len(accel.indexing.cupy.launches)
    y = gemm.conv2d(np, x, k, strides, dilation, padding)
    want = ref_conv.conv2d(np, x64, k64, strides, dilation, padding)
    assert y.shape == want.shape and y.dtype == dtype
    np.testing.assert_allclose(y, want, rtol=tol, atol=tol)
    gy = rng.standard_normal(want.shape).astype(dtype)
    dx = gemm.backprop_input(np, gy, k, shape[1:3], strides, dilation, padding)
    assert dx.shape == shape and dx.dtype == dtype
    np.testing.assert_allclose(dx, ref_conv.conv2d_backprop_input(np, gy.astype(np.float64), k64, shape[1:3],
                                                                  strides, dilation, padding), rtol=tol, atol=tol)
    dk_want = ref_conv.conv2d_backprop_filter(np, x64, gy.astype(np.float64), khw, strides, dilation, padding)
    for splits in (1, 3):
        dk = gemm.backprop_filter(np, x, gy, khw, strides, dilation, padding, splits=splits)
        assert dk.shape == k.shape and dk.dtype == dtype
        np.testing.assert_allclose(dk, dk_want, rtol=tol, atol=tol)
    names = [name for name, *_ in accel.indexing.cupy.launches[start:]]
    assert names == ["nnspec_conv_forward", "nnspec_conv_backprop_input"] + ["nnspec_conv_backprop_filter"] * 2


def test_conv_ops_route_by_groups_and_dtype(accel):
    """accel's conv ops: ungrouped products whose two operands share a float dtype as implicit GEMMs, grouped ones
    and mixed dtypes through im2col/col2im (the reference's matmuls on top), all equal to the reference."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 6, 5, 4)).astype(np.float32)
    geometry = ((1, 1), (1, 1), ((1, 1), (1, 1)))
    for groups, kdtype, kernels in ((1, np.float32, ["nnspec_conv_forward", "nnspec_conv_backprop_input",
                                                     "nnspec_conv_backprop_filter"]),
                                    (2, np.float32, ["nnspec_im2col", "nnspec_col2im", "nnspec_im2col"]),
                                    # float32 x, float64 k: the forward mixed; gy is then float64 like k
                                    (1, np.float64, ["nnspec_im2col", "nnspec_conv_backprop_input",
                                                     "nnspec_conv_backprop_filter"])):
        k = rng.standard_normal((3, 3, 4 // groups, 6)).astype(kdtype)
        start = len(accel.indexing.cupy.launches)
        y = accel.conv.conv2d(np, x, k, *geometry, groups=groups)
        gy = np.ones_like(y)
        dx = accel.conv.conv2d_backprop_input(np, gy, k, (6, 5), *geometry, groups=groups)
        dk = accel.conv.conv2d_backprop_filter(np, x, gy.astype(np.float32), (3, 3), *geometry, groups=groups)
        assert [name for name, *_ in accel.indexing.cupy.launches[start:]] == kernels
        for got, want in ((y, ref_conv.conv2d(np, x, k, *geometry, groups=groups)),
                          (dx, ref_conv.conv2d_backprop_input(np, gy, k, (6, 5), *geometry, groups=groups)),
                          (dk, ref_conv.conv2d_backprop_filter(np, x, gy.astype(np.float32), (3, 3), *geometry,
                                                              groups=groups))):
            np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)


POOL = [  # (input shape, pool size, strides, pads)
    ((2, 6, 6, 3), (2, 2), (2, 2), ((0, 0), (0, 0))),
    ((2, 7, 5, 3), (2, 2), (2, 2), ((0, 0), (0, 0))),  # odd sizes: the last row and column are in no window
    ((2, 7, 5, 2), (3, 3), (1, 1), ((1, 1), (1, 1))),  # overlapping windows, padding
    ((1, 8, 9, 2), (3, 2), (2, 3), ((1, 1), (0, 1))),
    ((3, 10, 3), (3,), (2,), ((1, 1),)),               # 1-D, run as one row
    ((2, 5, 5, 1), (5, 5), (1, 1), ((2, 2), (2, 2))),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,pool_size,strides,pads", POOL)
def test_pooling(accel, width, dtype, shape, pool_size, strides, pads):
    rng = np.random.default_rng(2)
    x = rng.standard_normal(shape).astype(dtype)
    flat = x.reshape(-1)
    flat[::7] = flat[3]  # ties: the first maximum wins
    flat[5], flat[11] = np.nan, -np.inf
    start = len(accel.indexing.cupy.launches)
    values, argmax = accel.pool.max_pool_with_argmax(np, x, pool_size, strides, pads)
    want_values, want_argmax = ref_pool.max_pool_with_argmax(np, x, pool_size, strides, pads)
    assert argmax.dtype == np.int64 and np.array_equal(argmax, want_argmax)
    assert values.dtype == dtype and np.array_equal(values, want_values, equal_nan=True)
    g = rng.standard_normal(values.shape).astype(dtype)
    args = (x.shape, pool_size, strides, pads)
    # the scatter sums each element's windows in window order; bincount in float64: equal up to rounding
    np.testing.assert_allclose(accel.pool.max_pool_scatter(np, g, argmax, *args),
                               ref_pool.max_pool_scatter(np, g, want_argmax, *args), rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(accel.pool.avg_pool(np, x, pool_size, strides, pads),
                                  ref_pool.avg_pool(np, x, pool_size, strides, pads))
    np.testing.assert_array_equal(accel.pool.avg_pool_backward(np, g, *args),
                                  ref_pool.avg_pool_backward(np, g, *args))
    assert [name for name, *_ in accel.indexing.cupy.launches[start:]] == [
        "nnspec_max_pool", "nnspec_max_pool_scatter", "nnspec_avg_pool", "nnspec_avg_pool_backward"]


RECURRENCES = [  # (batch, units, steps, dtype, activation, recurrent activation)
    (3, 6, 5, "float64", "tanh", "hard_sigmoid"),
    (3, 6, 5, "float64", "relu", "sigmoid"),
    (69, 5, 3, "float32", "tanh", "hard_sigmoid"),   # 2 rows per block
    (517, 2, 2, "float32", "tanh", "hard_sigmoid"),  # 8 rows per block: two (row, unit) items per thread
    (3, 70, 2, "float32", "tanh", "hard_sigmoid"),   # a recurrent-kernel column too large for registers
    (2, 300, 2, "float32", "tanh", "hard_sigmoid"),  # 1200 gate columns: two per thread
]


def _close(got, want, dtype):
    tol = 1e-12 if dtype == "float64" else 1e-5
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol * (1 + float(np.abs(w).max())))


@pytest.mark.parametrize("batch,units,steps,dtype,act,ract", RECURRENCES)
def test_lstm_recurrence(accel, batch, units, steps, dtype, act, ract):
    rng = np.random.default_rng(batch + units)
    kw = {"activation": act, "recurrent_activation": ract}
    x = rng.uniform(-1.5, 1.5, (batch, steps, 4 * units)).astype(dtype)
    rk = rng.uniform(-0.6, 0.6, (units, 4 * units)).astype(dtype)
    h0, c0 = (rng.uniform(-1, 1, (batch, units)).astype(dtype) for _ in range(2))
    start = len(accel.indexing.cupy.launches)
    got = accel.rnn.lstm_recurrence(np, x[:, ::-1], rk, h0, c0, **kw)  # a non-contiguous input (go_backwards)
    want = ref_rnn.lstm_recurrence(np, x[:, ::-1], rk, h0, c0, **kw)
    _close(got, want, dtype)
    _, cs, pre = want
    ghs, gcs = (rng.standard_normal((batch, steps, units)).astype(dtype) for _ in range(2))
    _close(accel.rnn.lstm_recurrence_grad(np, pre, rk, c0, cs, ghs, gcs, **kw),
           ref_rnn.lstm_recurrence_grad(np, pre, rk, c0, cs, ghs, gcs, **kw), dtype)
    assert [name for name, *_ in accel.indexing.cupy.launches[start:]] == [
        "nnspec_lstm_recurrence", "nnspec_lstm_recurrence_grad"]


@pytest.mark.parametrize("batch,units,steps,dtype,act,ract", [RECURRENCES[0], RECURRENCES[2]])
def test_gru_recurrences(accel, batch, units, steps, dtype, act, ract):
    rng = np.random.default_rng(batch + units)
    kw = {"activation": act, "recurrent_activation": ract}
    x = rng.uniform(-1.5, 1.5, (batch, steps, 3 * units)).astype(dtype)
    rk = rng.uniform(-0.6, 0.6, (units, 3 * units)).astype(dtype)
    rb = rng.uniform(-0.3, 0.3, 3 * units).astype(dtype)
    h0 = rng.uniform(-1, 1, (batch, units)).astype(dtype)
    ghs = rng.standard_normal((batch, steps, units)).astype(dtype)
    start = len(accel.indexing.cupy.launches)
    want = ref_rnn.gru_recurrence(np, x, rk, h0, **kw)
    _close(accel.rnn.gru_recurrence(np, x, rk, h0, **kw), want, dtype)
    hs, azr, _, ahs = want
    _close(accel.rnn.gru_recurrence_grad(np, azr, ahs, rk, h0, hs, ghs, **kw),
           ref_rnn.gru_recurrence_grad(np, azr, ahs, rk, h0, hs, ghs, **kw), dtype)
    want = ref_rnn.gru_recurrence_reset_after(np, x, rk, rb, h0, **kw)
    _close(accel.rnn.gru_recurrence_reset_after(np, x, rk, rb, h0, **kw), want, dtype)
    hs, ms = want
    _close(accel.rnn.gru_recurrence_reset_after_grad(np, x, ms, rk, h0, hs, ghs, **kw),
           ref_rnn.gru_recurrence_reset_after_grad(np, x, ms, rk, h0, hs, ghs, **kw), dtype)
    assert len(accel.indexing.cupy.launches) - start == 4


OPTIMIZERS = [  # (kernel, slots, scalars)
    ("sgd_update", 1, dict(lr=0.01, momentum=0.9, nesterov=False)),
    ("sgd_update", 1, dict(lr=0.01, momentum=0.9, nesterov=True)),
    ("rmsprop_update", 1, dict(lr=1e-3, rho=0.9, epsilon=1e-7)),
    ("adagrad_update", 1, dict(lr=0.01, epsilon=1e-7)),
    ("adadelta_update", 2, dict(lr=1.0, rho=0.95, epsilon=1e-7)),
    ("adam_update", 2, dict(lr_t=3e-4, beta_1=0.9, beta_2=0.999, epsilon=1e-7)),
    ("adam_amsgrad_update", 3, dict(lr_t=3e-4, beta_1=0.9, beta_2=0.999, epsilon=1e-7)),
    ("adamax_update", 2, dict(lr_t=2e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7)),
    ("nadam_update", 2, dict(lr=2e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7, momentum_cache_t=0.8,
                             momentum_cache_t_1=0.81, m_schedule_new=0.7, m_schedule_next=0.6, beta_2_power=0.99)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,slots,scalars", OPTIMIZERS, ids=[f"{o[0]}-{i}" for i, o in enumerate(OPTIMIZERS)])
def test_optimizer_raw_kernels(accel, dtype, name, slots, scalars):
    """Every update rule's raw kernel equals the reference kernel bit for bit: 16-byte loads with a tail (4099
    elements), one element per load where an array is not 16-byte aligned, scalars by value and as device
    scalars (a CUDA graph's); slots updated in place, the parameter written anew."""
    rng = np.random.default_rng(4)
    ref = getattr(ref_optim, name)
    fused = getattr(accel.optimizers, name)
    for size, offset, on_device in ((4099, 0, False), (4099, 1, True), (7, 0, True), (1, 0, False)):
        buffers = [rng.standard_normal(size + offset).astype(dtype) for _ in range(2 + slots)]
        for b in buffers[2:]:
            np.abs(b, out=b)  # accumulators of squares are never negative
        p, g, *state = [b[offset:] for b in buffers]
        want = ref(np, p, g, *state, **scalars)
        given = {k: (np.asarray(v, dtype=np.float64) if on_device and not isinstance(v, bool) else v)
                 for k, v in scalars.items()}
        before = [s.copy() for s in state]
        start = len(accel.indexing.cupy.launches)
        got = fused(np, p, g, *state, **given)
        assert [n for n, *_ in accel.indexing.cupy.launches[start:]] == [
            f"nnspec_{name.replace('_update', '')}{'_nesterov' if scalars.get('nesterov') else ''}_update"]
        assert got[0] is not p and all(a is b for a, b in zip(got[1:], state)), "slots in place, p anew"
        for a, b, old in zip(got, want, [p] + before):
            assert a.dtype == dtype and np.array_equal(a, b), (size, offset, on_device)
            assert size == 1 or not np.array_equal(a, old)  # (amsgrad's one vhat may stay)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batch_norm_per_channel_kernels(accel, dtype):
    """Batch norm's per-channel kernels, from given double sums, equal bit for bit the reference kernel's formulas
    (reference/kernels/norm.py) written here in NumPy: mean = s + S1/n and var = max(S2/n - (S1/n)^2, 0) in
    double, scale = gamma / sqrt(var + eps); r = 1 / sqrt(var + eps), a = gamma r,
    b = -(gamma r^3) (s2/n) + 2 gvar/n, d = -a (s1/n) + gmean/n, (r s2, s1) the gamma and beta gradients."""
    rng = np.random.default_rng(5)
    c, n, eps = 300, 4 * 26 * 26, 1e-3  # more channels than a block's threads
    t = dtype
    sums = rng.standard_normal(c) * 50 + 1j * rng.uniform(0, 900, c)
    sums[3] = 3 * n + 8.9j * n  # S2/n - (S1/n)^2 < 0 (rounding in a real sum): clamped to 0
    shift, gamma, gmean, gvar = (rng.standard_normal(c).astype(dtype) for _ in range(4))
    mean, var, scale = (np.empty(c, dtype) for _ in range(3))
    accel.norm._per_channel("nnspec_bn_statistics", np.dtype(dtype), c,
                            (np.int64(n), sums, shift, gamma, t(eps), mean, var, scale))
    d = sums.real / n
    want_var = np.maximum(sums.imag / n - d * d, 0.0).astype(dtype)
    assert var[3] == 0 and np.array_equal(var, want_var)
    assert np.array_equal(mean, (shift.astype(np.float64) + d).astype(dtype))
    assert np.array_equal(scale, gamma / np.sqrt(want_var + eps))
    out = [np.empty(c, dtype) for _ in range(5)]
    accel.norm._per_channel("nnspec_bn_grad_coefficients", np.dtype(dtype), c,
                            (np.int64(n), sums, var, gamma, gmean, gvar, t(eps), *out))
    s1, s2 = sums.real.astype(dtype), sums.imag.astype(dtype)
    r = 1 / np.sqrt(var + eps)
    a = gamma * r
    want = [a, -(gamma * r * r * r) * (s2 / n) + 2 * gvar / n, -a * (s1 / n) + gmean / n, r * s2, s1]
    for got, expected in zip(out, want):
        assert got.dtype == dtype and np.array_equal(got, expected)


# -- the same sources through NVRTC, as CuPy compiles them on the GPU machine ---------------------------------

def _recurrence_builds(rnn):
    """(source, dtype, act, ract, rows, units, threads) of recurrence kernels as _recurrence_launch sizes them:
    1 and 8 batch rows, float32 columns in registers (32, 64 units) and read from memory (100, 256), float64."""
    builds = []
    for source, columns in ((rnn._LSTM_RECURRENCE, 4), (rnn._GRU_RECURRENCE, 3)):
        def threads(units, columns=columns):
            return min(1024, -(-columns * units // 32) * 32)
        for dtype, units in (("float32", 32), ("float32", 64), ("float32", 100), ("float32", 256), ("float64", 32),
                             ("float64", 64)):
            builds += [(source, dtype, "tanh", "hard_sigmoid", rows, units, threads(units)) for rows in (1, 8)]
        builds.append((source, "float32", "relu", "sigmoid", 2, 48, threads(48)))
        builds.append((source, "float64", "linear", "tanh", 4, 16, threads(16)))
    return builds


def test_kernels_compile_with_nvrtc_without_spills(tmp_path):
    """Every raw kernel source accel builds (im2col/col2im, the implicit GEMMs' tile shapes and pooling in both
    index widths, the LSTM and GRU recurrences over their build parameters, the optimizer updates with and
    without 16-byte loads and device scalars, batch norm's per-channel kernels, float32 and float64) compiles under
    NVRTC and assembles for the H100 (sm_90) with accel's options, and no kernel spills registers to local memory
    (a spilled accumulator or register-held weight turns the loop into memory traffic). The emulation's g++
    accepts constructs CUDA lacks (std::min on mixed types, newer C++); this catches them without a GPU."""
    why = nvrtc.unavailable()
    if why:
        pytest.skip(why)
    package = _load_kernels(tmp_path)  # nothing is built: the sources are only put together
    try:
        idx, rnn = package.indexing, package.rnn
        indexed = [package.conv._SOURCE, package.pool._SOURCE] + [package.conv_gemm.source(t)
                                                                 for t in package.conv_gemm.TILES]
        sources = [(idx.code(src, dtype, wide), ()) for src in indexed for dtype in idx.CTYPES
                   for wide in (False, True)]
        sources += [(rnn.recurrence_code(*build), rnn.OPTIONS) for build in _recurrence_builds(rnn)]
        sources += [(idx.code(package.norm._CHANNEL_SOURCE, dtype, False), package.norm._OPTIONS)
                    for dtype in idx.CTYPES]
        opt = package.optimizers
        sources += [(idx.code(opt.raw_source(name, vec, (on_device,) * len(rule.scalars)), dtype, False),
                     opt._OPTIONS) for name, rule in opt._RULES.items() for dtype in idx.CTYPES
                    for vec in (1, 16 // np.dtype(dtype).itemsize) for on_device in (False, True)]
    finally:
        _unload(package)
    failures, spills = [], []
    for code, options in sources:
        try:
            kernels = nvrtc.resources(code, options)
        except nvrtc.CompileError as e:
            failures.append(str(e)[:2000])
            continue
        assert kernels, "ptxas reported no kernels: its -v output was not parsed"
        spills += [f"{name}: {spilled} bytes" for name, (_, spilled) in kernels.items() if spilled]
    assert not failures, f"{len(failures)} of {len(sources)} builds fail:\n" + "\n".join(failures[:3])
    assert not spills, "register spills: " + "; ".join(spills)
