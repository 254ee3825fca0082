"""CUDA C++ compiled with NVRTC, the runtime compiler that CuPy's ``RawModule`` uses on the GPU machine. NVRTC
needs no GPU: with the ``nvidia-cuda-nvrtc`` wheel installed, accel's raw kernel sources are compiled here for the
H100 as they will be there, so a source that g++ accepts in emulation but NVRTC refuses (an overload CUDA lacks,
a construct of newer C++) fails on any machine instead of costing a GPU session.
"""

import ctypes
import functools
import importlib.util
import re
from pathlib import Path

ARCH = "compute_90"  # the H100 (PTX for it: NVRTC's whole front end and optimiser run)


class CompileError(Exception):
    pass


@functools.cache
def _library():
    """(libnvrtc loaded with ctypes, None), or (None, why not)."""
    spec = importlib.util.find_spec("nvidia")
    roots = list(spec.submodule_search_locations) if spec and spec.submodule_search_locations else []
    found = sorted(p for root in roots for p in Path(root).glob("cu*/lib/libnvrtc.so*"))
    if not found:
        return None, "NVRTC is not installed (pip install nvidia-cuda-nvrtc: no GPU needed)"
    try:
        return ctypes.CDLL(str(found[-1])), None
    except OSError as e:
        return None, f"NVRTC at {found[-1]} does not load: {e}"


def unavailable():
    """Why sources cannot be compiled here, else None."""
    return _library()[1]


def _check(lib, status, what):
    if status:
        lib.nvrtcGetErrorString.restype = ctypes.c_char_p
        raise CompileError(f"{what}: {lib.nvrtcGetErrorString(status).decode()}")


def _compile(code, options, arch, name, ptx=False):
    lib, why = _library()
    if lib is None:
        raise CompileError(why)
    prog = ctypes.c_void_p()
    _check(lib, lib.nvrtcCreateProgram(ctypes.byref(prog), code.encode(), name.encode(), 0, None, None), "create")
    try:
        opts = [f"--gpu-architecture={arch}".encode()] + [o.encode() for o in options]
        status = lib.nvrtcCompileProgram(prog, len(opts), (ctypes.c_char_p * len(opts))(*opts))
        size = ctypes.c_size_t()
        lib.nvrtcGetProgramLogSize(prog, ctypes.byref(size))
        log = ctypes.create_string_buffer(size.value)
        lib.nvrtcGetProgramLog(prog, log)
        log = log.value.decode(errors="replace")
        if status:
            raise CompileError(f"{name} does not compile under NVRTC ({arch}):\n{log}")
        if not ptx:
            return log
        lib.nvrtcGetPTXSize(prog, ctypes.byref(size))
        text = ctypes.create_string_buffer(size.value)
        _check(lib, lib.nvrtcGetPTX(prog, text), "PTX")
        return text.value.decode()
    finally:
        lib.nvrtcDestroyProgram(ctypes.byref(prog))


def compile_ptx(code, options=(), name="nnspec_kernel.cu"):
    """Compile ``code`` with ``options`` for ARCH; returns NVRTC's log (warnings), raises CompileError with the
    log where the source does not compile."""
    return _compile(code, options, ARCH, name)


def ptx(code, options=(), name="nnspec_kernel.cu"):
    """The PTX of ``code`` for ARCH (to read what the front end made of a loop: vector loads, unrolling)."""
    return _compile(code, options, ARCH, name, ptx=True)


_PTXAS = re.compile(r"Compiling entry function '(\w+)'.*?(\d+) bytes spill stores.*?Used (\d+) registers", re.S)


def resources(code, options=(), name="nnspec_kernel.cu"):
    """{kernel: (registers, spill store bytes)} of ``code`` assembled for the H100 itself (sm_90, ptxas -v)."""
    log = _compile(code, tuple(options) + ("--ptxas-options=-v",), "sm_90", name)
    return {m.group(1): (int(m.group(3)), int(m.group(2))) for m in _PTXAS.finditer(log)}
