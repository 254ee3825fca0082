"""accel's matrix products (nnspec.accel.blas: cuBLAS through its C API, so that a CUDA graph can record them):
numpy.matmul's semantics for every operand layout the kernels pass, against float64 NumPy products."""

import numpy as np
import pytest

pytestmark = pytest.mark.gpu


@pytest.fixture(scope="module")
def blas(nn):
    if nn.implementation.name != "accel":
        pytest.skip("nnspec.accel.blas is accel's")
    from nnspec.accel import blas
    return blas


def _pair(rng, a_shape, b_shape, dtype):
    return rng.uniform(-1, 1, a_shape).astype(dtype), rng.uniform(-1, 1, b_shape).astype(dtype)


_CASES = {  # name: operands made on the host and the views taken on the device
    "2-D": ((5, 3), (3, 4), lambda a, b: (a, b)),
    "a transposed": ((3, 5), (3, 4), lambda a, b: (a.T, b)),
    "b transposed": ((5, 3), (4, 3), lambda a, b: (a, b.T)),
    "both transposed": ((3, 5), (4, 3), lambda a, b: (a.T, b.T)),
    "strided columns": ((5, 6), (3, 4), lambda a, b: (a[:, ::2], b)),
    "row vector x matrix": ((1, 3), (3, 4), lambda a, b: (a, b)),
    "matrix x column": ((5, 3), (3, 1), lambda a, b: (a, b)),
    "1-D @ 2-D": ((3,), (3, 4), lambda a, b: (a, b)),
    "2-D @ 1-D": ((5, 3), (3,), lambda a, b: (a, b)),
    "batched": ((2, 5, 3), (2, 3, 4), lambda a, b: (a, b)),
    "batch broadcast": ((2, 1, 5, 3), (3, 3, 4), lambda a, b: (a, b)),
    "one matrix for a batch": ((5, 3), (6, 3, 4), lambda a, b: (a, b)),
    "size-1 batch against a batch": ((1, 5, 3), (6, 3, 4), lambda a, b: (a, b)),
    "batch transposed (grouped conv)": ((2, 3, 5), (2, 3, 4), lambda a, b: (a.transpose(0, 2, 1), b)),
    "batch axes permuted": ((5, 2, 3), (2, 3, 4), lambda a, b: (a.transpose(1, 0, 2), b)),
    "empty inner": ((5, 0), (0, 4), lambda a, b: (a, b)),
    "empty rows": ((0, 3), (3, 4), lambda a, b: (a, b)),
    "tall": ((20_001, 7), (7, 64), lambda a, b: (a, b)),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", list(_CASES))
def test_matmul_is_numpy_matmul(blas, case, dtype):
    import cupy
    a_shape, b_shape, view = _CASES[case]
    a, b = _pair(np.random.default_rng(len(case)), a_shape, b_shape, dtype)
    want = np.matmul(*view(a.astype(np.float64), b.astype(np.float64)))
    got = blas.matmul(*view(cupy.asarray(a), cupy.asarray(b)))
    assert got.shape == want.shape and got.dtype == np.dtype(dtype)
    tol = {"float32": 1e-5, "float64": 1e-12}[dtype]
    np.testing.assert_allclose(cupy.asnumpy(got), want, rtol=tol, atol=tol)


@pytest.mark.parametrize("where", ["fresh", "a row block", "a strided view", "its own operand",
                                   "inside a strided operand's span"])
def test_matmul_writes_out(blas, where):
    """out=: a whole array, a block of a bigger one (the LSTM's pre-activations), a strided view (copied in),
    an operand itself and memory between a strided operand's elements' ends (numpy computes as if into a
    temporary)."""
    import cupy
    rng = np.random.default_rng(1)
    a, b = _pair(rng, (4, 4), (4, 4), "float64")
    want = a @ b
    da, db = cupy.asarray(a), cupy.asarray(b)
    span = cupy.zeros(40)
    if where == "inside a strided operand's span":  # da's rows at 0-3, 8-11, 16-19, 24-27 of span; out at 20-35
        da = span[:32].reshape(4, 8)[:, :4]
        da[...] = cupy.asarray(a)
    big = cupy.full((3, 4, 4), 7.0)
    out = {"fresh": cupy.empty((4, 4)), "a row block": big[1], "a strided view": cupy.empty((4, 8))[:, ::2],
           "its own operand": da, "inside a strided operand's span": span[20:36].reshape(4, 4)}[where]
    got = blas.matmul(da, db, out=out)
    assert got is out
    np.testing.assert_allclose(cupy.asnumpy(out), want, rtol=1e-12)
    if where == "a row block":  # the rest of the block untouched
        assert float(big[0].min()) == float(big[2].max()) == 7.0


def test_matmul_other_dtypes_and_bad_shapes(blas):
    import cupy
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    np.testing.assert_array_equal(cupy.asnumpy(blas.matmul(cupy.asarray(a), cupy.asarray(a.T))), a @ a.T)
    mixed = blas.matmul(cupy.ones((2, 3), np.float32), cupy.ones((3, 2), np.float64))
    assert mixed.dtype == np.float64 and float(mixed[0, 0]) == 3.0
    with pytest.raises(ValueError, match=r"inner dimensions differ: \(2, 3\) @ \(2, 3\)"):
        blas.matmul(cupy.ones((2, 3)), cupy.ones((2, 3)))
    with pytest.raises(ValueError, match=r"out must be \(2, 2\) float64, got \(3, 3\) float64"):
        blas.matmul(cupy.ones((2, 3)), cupy.ones((3, 2)), out=cupy.empty((3, 3)))


def test_matmul_records_into_a_cuda_graph(blas):
    """The point of the module: a product recorded on a capturing stream replays with new operand values."""
    import cupy
    rng = np.random.default_rng(2)
    a, b = _pair(rng, (64, 32), (32, 16), "float32")
    da, db = cupy.asarray(a), cupy.asarray(b)
    stream = cupy.cuda.Stream(non_blocking=True)
    with stream:
        stream.begin_capture()
        y = blas.matmul(da, db)
        graph = stream.end_capture()
    da[...] = cupy.asarray(2 * a)
    graph.launch(stream=stream)
    stream.synchronize()
    np.testing.assert_allclose(cupy.asnumpy(y), (2 * a.astype(np.float64)) @ b, rtol=1e-5, atol=1e-5)
