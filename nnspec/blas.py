"""Which BLAS NumPy runs, and which of OpenBLAS's kernels: for ``nnspec info`` and benchmark reports.

OpenBLAS (inside NumPy's wheels) picks its kernels for the CPU when it is loaded, or takes the core type named
by ``OPENBLAS_CORETYPE``. The choice decides the matmul rate: on the 2-core AVX-512 machine of the published
CPU runs, its SkylakeX (AVX-512) kernels multiply float32 at about 410 GFLOP/s (2048^3), its Haswell (AVX2)
ones at about 210, and the reference's MNIST convnet step is 15-30% faster with the former. A report that
does not name the kernels cannot be compared with another.
"""

import ctypes
import os

# the core-type query of the OpenBLAS builds NumPy ships (scipy-openblas64, 64-bit integers) and of plain ones
_QUERIES = ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename", "openblas_get_corename64_",
            "openblas_get_corename")


def mapped_libraries(fragment):
    """The paths, sorted, of the shared libraries this process has mapped whose path holds ``fragment`` (any case):
    a library loaded under a name that differs by version or build; none where /proc cannot be read (not Linux)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f}
    except OSError:
        return []
    return sorted(p for p in paths if ".so" in p and fragment.lower() in p.lower())


def loaded_coretype():
    """The core type of the OpenBLAS this process has loaded (NumPy's first), or None where that cannot be asked:
    no OpenBLAS loaded, no /proc (not Linux), a build without the query."""
    for path in sorted(mapped_libraries("openblas"), key=lambda p: "numpy" not in p):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _QUERIES:
            query = getattr(lib, name, None)
            if query is not None:
                query.restype = ctypes.c_char_p
                return query().decode()
    return None


def describe():
    """One line: NumPy's BLAS library and version, and for OpenBLAS its kernels and how they were chosen."""
    import numpy
    try:
        blas = numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]
        library = f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except (TypeError, KeyError, AttributeError):  # a NumPy that only prints its configuration
        library = "?"
    coretype = loaded_coretype()
    if coretype is None:
        return library
    chosen = os.environ.get("OPENBLAS_CORETYPE")
    return f"{library}, {coretype} kernels ({'OPENBLAS_CORETYPE=' + chosen if chosen else 'its own detection'})"
