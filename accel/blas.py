"""accel's matrix products: cuBLAS's strided-batched GEMM called through its C API (ctypes).

CuPy refuses every cuBLAS call while a stream is being captured into a CUDA graph (its wrapper checks the
stream before it sets it on the handle), although cuBLAS itself can be captured (from CUDA 12.2 it takes its
workspace stream-ordered). accel's kernels see ``xp`` (this module's :func:`namespace`): CuPy with this
``matmul``, which runs every float32/float64 product, eager and recorded alike, so a replayed step computes its
products with the very kernels of an eager one. Other dtypes go to ``cupy.matmul``.
"""

import ctypes
import types

import cupy
import numpy as np

from nnspec.blas import mapped_libraries

_HOST_POINTERS = 0  # CUBLAS_POINTER_MODE_HOST: alpha and beta read from host memory at the call
_NO_TRANSPOSE, _TRANSPOSE = 0, 1
_SCALARS = {np.dtype(np.float32): (ctypes.c_float(1.0), ctypes.c_float(0.0)),
            np.dtype(np.float64): (ctypes.c_double(1.0), ctypes.c_double(0.0))}
_lib = None


def _cublas():
    """The libcublas CuPy loaded (found in the process's mapped files: its name differs by CUDA version)."""
    global _lib
    if _lib is None:
        cupy.cuda.device.get_cublas_handle()  # loads cuBLAS and makes this device's handle
        paths = mapped_libraries("/libcublas.so")
        if not paths:
            raise RuntimeError("nnspec.accel: cuBLAS is not loaded in this process (CuPy should have loaded it)")
        lib = ctypes.CDLL(paths[0])
        p, i, ll = ctypes.c_void_p, ctypes.c_int, ctypes.c_longlong
        lib.cublasSetStream_v2.argtypes = [p, p]
        lib.cublasSetPointerMode_v2.argtypes = [p, i]
        for name in ("cublasSgemmStridedBatched", "cublasDgemmStridedBatched"):
            getattr(lib, name).argtypes = [p, i, i, i, i, i, p, p, i, ll, p, i, ll, p, p, i, ll, i]
        _lib = lib
    return _lib


def _check(status, what):
    if status != 0:
        raise RuntimeError(f"nnspec.accel matmul: {what} failed with cuBLAS status {status}")


def _layout(x, batch):
    """How cuBLAS reads operand x (its last two axes a rows x cols matrix) in a product over ``batch``
    matrices: (array, transposed, leading dimension, stride between matrices). A row-major matrix is cuBLAS's
    column-major transpose; a transposed view (column-major) is read as is with the transpose flag; anything
    else (and a batch that is neither one matrix nor evenly strided) is copied first."""
    rows, cols = x.shape[-2:]
    lead = x.shape[:-2]
    if int(np.prod(lead)) == 1:
        x, stride = x.reshape(rows, cols), 0  # one matrix for every product (a view: size-1 axes only)
    elif lead != batch:
        x, stride = cupy.ascontiguousarray(cupy.broadcast_to(x, batch + (rows, cols))), rows * cols
    else:
        stride = _even_stride(x)
        if stride is None:
            x, stride = cupy.ascontiguousarray(x), rows * cols
    isz = x.itemsize
    s = x.strides[-2:]
    if s[1] == isz and (rows == 1 or s[0] == cols * isz):
        return x, False, max(cols, 1), stride
    if s[0] == isz and (cols == 1 or s[1] == rows * isz) and rows > 1:
        return x, True, max(rows, 1), stride
    x = cupy.ascontiguousarray(x)
    return x, False, max(cols, 1), (rows * cols if stride else 0)


def _even_stride(x):
    """The element stride between consecutive matrices of x's flattened leading axes, or None if uneven."""
    shape, strides = x.shape[:-2], x.strides[:-2]
    step = strides[-1]
    for i in range(len(shape) - 1):
        if strides[i] != strides[i + 1] * shape[i + 1]:
            return None
    if step < 0 or step % x.itemsize:
        return None
    return step // x.itemsize


def matmul(a, b, out=None):
    """``numpy.matmul(a, b, out=out)`` on CuPy arrays: float32/float64 operands of one dtype on cuBLAS (in
    one strided-batched call; leading axes broadcast), anything else by ``cupy.matmul``."""
    a, b = cupy.asarray(a), cupy.asarray(b)
    dtype = a.dtype
    if dtype != b.dtype or dtype not in _SCALARS or a.ndim == 0 or b.ndim == 0:
        return cupy.matmul(a, b, out=out)
    if a.ndim == 1 or b.ndim == 1:
        y = matmul(a[None] if a.ndim == 1 else a, b[:, None] if b.ndim == 1 else b)
        y = y[..., 0, :] if a.ndim == 1 else y
        y = y[..., 0] if b.ndim == 1 else y
        if out is None:
            return y
        out[...] = y
        return out
    m, k = a.shape[-2:]
    k2, n = b.shape[-2:]
    if k != k2:
        raise ValueError(f"matmul: inner dimensions differ: {a.shape} @ {b.shape}")
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    shape = batch + (m, n)
    if out is not None and (out.shape != shape or out.dtype != dtype):
        raise ValueError(f"matmul: out must be {shape} {dtype}, got {out.shape} {out.dtype}")
    # cuBLAS writes out while reading the operands: only into memory no operand's extent reaches
    direct = out is not None and out.flags.c_contiguous and not (
        cupy.may_share_memory(out, a) or cupy.may_share_memory(out, b))
    y = out if direct else cupy.empty(shape, dtype)
    count = int(np.prod(batch))
    if y.size and k == 0:
        y.fill(0)
    elif y.size:
        _gemm(a, b, y, batch, count, m, n, k)
    if out is not None and not direct:
        out[...] = y
        return out
    return y


def _gemm(a, b, y, batch, count, m, n, k):
    # Row-major y = a @ b is column-major y^T = b^T a^T: cuBLAS multiplies b's matrix by a's, n x m results.
    a, ta, lda, sa = _layout(a, batch)
    b, tb, ldb, sb = _layout(b, batch)
    lib = _cublas()
    handle = cupy.cuda.device.get_cublas_handle()
    _check(lib.cublasSetStream_v2(handle, cupy.cuda.get_current_stream().ptr), "cublasSetStream")
    _check(lib.cublasSetPointerMode_v2(handle, _HOST_POINTERS), "cublasSetPointerMode")
    one, zero = _SCALARS[y.dtype]
    gemm = lib.cublasSgemmStridedBatched if y.dtype == np.float32 else lib.cublasDgemmStridedBatched
    status = gemm(handle, _TRANSPOSE if tb else _NO_TRANSPOSE, _TRANSPOSE if ta else _NO_TRANSPOSE, n, m, k,
                  ctypes.addressof(one), b.data.ptr, ldb, sb, a.data.ptr, lda, sa,
                  ctypes.addressof(zero), y.data.ptr, max(n, 1), m * n, count)
    _check(status, "gemm")


def namespace():
    """CuPy with this module's matmul: the ``xp`` accel's kernels run with."""
    xp = types.ModuleType("nnspec.accel.xp", "CuPy, with nnspec.accel.blas.matmul for matrix products")
    xp.__dict__.update({name: value for name, value in vars(cupy).items() if not name.startswith("__")})
    xp.matmul = matmul
    xp.__getattr__ = lambda name: getattr(cupy, name)  # CuPy's lazily loaded submodules
    return xp
