"""accel's raw CUDA kernels on the CPU: a stand-in ``cupy`` module whose ``RawModule`` compiles the kernel
source with g++ and runs a launch block by block.

What it emulates: ``extern "C" __global__`` kernels over 1-D grids and blocks, ``threadIdx``/``blockIdx``/
``blockDim``/``gridDim`` (``.x``), ``__umulhi``, CUDA's ``min``/``max``, dynamic shared memory and
``__syncthreads``. Where a source has ``__syncthreads`` every thread of a block runs as an OS thread meeting
the others at a barrier (shared memory filled with 0xFF bytes before each block, so a read before a write
shows up as NaN); otherwise the threads of a block run one after another. Kernels are built with
-ffp-contract=off (as accel's ``--fmad=false``) and UndefinedBehaviorSanitizer, which aborts on a signed
overflow in 32-bit index arithmetic. Arrays are NumPy arrays; scalar arguments (int, unsigned, long long, float,
double) must be NumPy scalars of the parameter's exact type, as CuPy passes a bare Python int as 64 bits.

It checks index arithmetic, bounds, summation order and barriers, not speed or the GPU memory model. CuPy's
``ElementwiseKernel``/``ReductionKernel`` are not emulated (a module defining them loads; a call raises).
"""

import ctypes
import hashlib
import re
import shutil
import subprocess
import types
from pathlib import Path

import numpy as np

_SHIM = r"""
#include <stddef.h>
#include <algorithm>
#include <barrier>
#include <cmath>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>
using std::min; using std::max; using std::sqrt; using std::fabs;
struct nnspec_dim3 { unsigned x; };
static thread_local nnspec_dim3 threadIdx;
static nnspec_dim3 blockIdx, blockDim, gridDim;
static std::barrier<>* nnspec_barrier;
static unsigned char* nnspec_smem;
static int nnspec_grid, nnspec_threads;
static size_t nnspec_shared;
static inline unsigned __umulhi(unsigned a, unsigned b) { return (unsigned)(((unsigned long long)a * b) >> 32); }
#define __global__
#define __device__
#define __forceinline__ inline
#define __restrict__
#define __syncthreads() nnspec_barrier->arrive_and_wait()
extern "C" void nnspec_set_launch(int grid, int threads, size_t shared) {
    nnspec_grid = grid; nnspec_threads = threads; nnspec_shared = shared;
}
static void nnspec_run(const std::function<void()>& body, bool barrier) {
    blockDim.x = nnspec_threads; gridDim.x = nnspec_grid;
    std::vector<unsigned char> smem(nnspec_shared + 16);
    for (int b = 0; b < nnspec_grid; ++b) {
        std::memset(smem.data(), 0xFF, smem.size());
        nnspec_smem = smem.data();
        blockIdx.x = b;
        if (!barrier) {
            for (int t = 0; t < nnspec_threads; ++t) { threadIdx.x = t; body(); }
            continue;
        }
        std::barrier<> bar(nnspec_threads);
        nnspec_barrier = &bar;
        std::vector<std::thread> threads;
        for (int t = 0; t < nnspec_threads; ++t) threads.emplace_back([&, t] { threadIdx.x = t; body(); });
        for (auto& th : threads) th.join();
    }
}
"""

_TYPEDEF = re.compile(r"typedef (float|double|int|unsigned|long long) (\w+);")
_KERNEL = re.compile(r'extern "C" __global__ void (\w+)\(([^)]*)\)\s*\{')
_SCALARS = {"int": (ctypes.c_int, np.int32), "unsigned": (ctypes.c_uint, np.uint32),
            "long long": (ctypes.c_longlong, np.int64), "float": (ctypes.c_float, np.float32),
            "double": (ctypes.c_double, np.float64)}
_FLAGS = ["-std=c++20", "-O1", "-shared", "-fPIC", "-ffp-contract=off", "-fsanitize=undefined",
          "-fno-sanitize-recover=undefined", "-Wno-unknown-pragmas"]


def _scalar_type(param, typedefs):
    name = " ".join(w for w in param.split()[:-1] if w != "const")
    return typedefs.get(name, name)


def _translate(code):
    """The C++ translation unit of a kernel source, {kernel name: its parameters} and the source's typedefs of
    scalar types ({alias: type}: a parameter ``T lr`` after ``typedef float T;`` takes a float)."""
    code = code.replace("extern __shared__ unsigned char smem[];", "unsigned char* smem = nnspec_smem;")
    barrier = "true" if "__syncthreads" in code else "false"
    kernels = {m.group(1): [" ".join(p.split()) for p in m.group(2).split(",")] for m in _KERNEL.finditer(code)}
    typedefs = {m.group(2): m.group(1) for m in _TYPEDEF.finditer(code)}
    code = _KERNEL.sub(lambda m: f"static void nnspec_body_{m.group(1)}({m.group(2)}) {{", code)
    wrappers = [f'extern "C" void {name}({", ".join(params)}) {{ nnspec_run([&] {{ nnspec_body_{name}('
                f'{", ".join(p.split()[-1] for p in params)}); }}, {barrier}); }}' for name, params in kernels.items()]
    return _SHIM + code + "\n" + "\n".join(wrappers) + "\n", kernels, typedefs


def unavailable(build_dir):
    """Why kernels cannot be emulated here (no g++, or one without C++20's <barrier> or UBSan), else None."""
    if shutil.which("g++") is None:
        return "no g++ on PATH"
    src = Path(build_dir) / "probe.cpp"
    src.write_text(_SHIM)
    done = subprocess.run(["g++", *_FLAGS, "-o", str(src.with_suffix(".so")), str(src), "-lpthread"],
                          capture_output=True, text=True)
    if done.returncode:
        return "g++ cannot build the emulation (C++20 <barrier> and -fsanitize=undefined): " + done.stderr[-300:]
    return None


def stand_in(build_dir):
    """A module object to install as ``cupy``: ``RawModule`` compiled into ``build_dir``, NumPy for the rest; its
    ``launches`` list records (kernel, grid, block) of every launch."""
    build_dir = Path(build_dir)
    module = types.ModuleType("cupy")
    module.launches = []

    class RawModule:
        def __init__(self, code, options=()):
            source, self._kernels, self._typedefs = _translate(code)
            so = build_dir / f"{hashlib.sha1(source.encode()).hexdigest()[:16]}.so"
            if not so.exists():
                cpp = so.with_suffix(".cpp")
                cpp.write_text(source)
                subprocess.run(["g++", *_FLAGS, "-o", str(so), str(cpp), "-lpthread"], check=True)
            self._lib = ctypes.CDLL(str(so))
            self._lib.nnspec_set_launch.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_size_t]

        def get_function(self, name):
            params = self._kernels[name]
            fn = getattr(self._lib, name)
            fn.argtypes = [ctypes.c_void_p if "*" in p else _SCALARS[_scalar_type(p, self._typedefs)][0]
                           for p in params]

            def launch(grid, block, args, shared_mem=0):
                if len(args) != len(params):
                    raise TypeError(f"{name}: {len(args)} arguments for {len(params)} parameters")
                values = []
                for a, p in zip(args, params):
                    if "*" in p:
                        if not (isinstance(a, np.ndarray) and a.flags.c_contiguous):
                            raise TypeError(f"{name}: parameter {p!r} needs a C-contiguous array")
                        values.append(a.ctypes.data)
                    else:
                        want = _SCALARS[_scalar_type(p, self._typedefs)][1]
                        if type(a) is not want:
                            raise TypeError(f"{name}: parameter {p!r} got {type(a).__name__}, not {want.__name__}")
                        values.append(a.item())
                module.launches.append((name, tuple(grid), tuple(block)))
                self._lib.nnspec_set_launch(int(grid[0]), int(block[0]), int(shared_mem))
                fn(*values)
            return launch

    class GeneratedKernel:
        """CuPy's ElementwiseKernel and ReductionKernel: CuPy writes their source, so a module that defines
        some still loads, and calling one says it is not emulated."""

        def __init__(self, *args, **kwargs):
            self.name = next((a for a in args[3:] if isinstance(a, str) and a.startswith("nnspec")), "kernel")

        def __call__(self, *args, **kwargs):
            raise NotImplementedError(f"{self.name}: CuPy-generated kernels are not emulated")

    module.RawModule = RawModule
    module.ElementwiseKernel = module.ReductionKernel = GeneratedKernel
    module.__getattr__ = lambda name: getattr(np, name)  # every other name: NumPy's (the arrays are NumPy's)
    return module
