"""``nnspec info`` names NumPy's BLAS and the OpenBLAS kernels it runs (nnspec/blas.py), as chosen by OpenBLAS or
by ``OPENBLAS_CORETYPE``: benchmark reports carry the line, since the kernels decide the matmul rate."""

import os
import platform
import subprocess
import sys

import numpy as np
import pytest

from nnspec import blas

LOADED = blas.loaded_coretype()  # None: NumPy's BLAS is not an OpenBLAS that can be asked (or not Linux)
CONFIG = np.show_config(mode="dicts")["Build Dependencies"]["blas"]  # NumPy's own account of its BLAS


def _info(**env):
    full = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    r = subprocess.run([sys.executable, "-m", "nnspec", "info", "--impl", "reference"], capture_output=True,
                       text=True, timeout=120, env={**full, **env})
    assert r.returncode == 0, r.stderr
    return dict(line.split(None, 1) for line in r.stdout.splitlines())["blas"]


def test_info_names_the_library():
    assert _info().startswith(f"{CONFIG['name']} {CONFIG['version']}")


@pytest.mark.skipif(LOADED is None or platform.machine() not in ("x86_64", "AMD64"),
                    reason="NumPy's BLAS here is not an x86-64 OpenBLAS that reports its kernels")
def test_info_names_the_kernels_and_who_chose_them():
    # two core types an x86-64 CPU with AVX can run (asking for more than the CPU has would crash)
    assert _info(OPENBLAS_CORETYPE="Sandybridge").endswith(", Sandybridge kernels (OPENBLAS_CORETYPE=Sandybridge)")
    assert _info(OPENBLAS_CORETYPE="Nehalem").endswith(", Nehalem kernels (OPENBLAS_CORETYPE=Nehalem)")
    assert _info().endswith(" kernels (its own detection)")


def test_loaded_coretype_is_this_process_openblas():
    if LOADED is not None:  # the kernels the environment asked for, where it asked
        wanted = os.environ.get("OPENBLAS_CORETYPE")
        assert wanted is None or LOADED.lower() == wanted.lower()
    assert blas.describe().startswith(f"{CONFIG['name']} {CONFIG['version']}")


@pytest.mark.skipif(platform.system() != "Linux", reason="the mapped libraries are read from /proc (Linux)")
def test_mapped_libraries_finds_the_libraries_of_this_process():
    # the C library every Python links, in any case of the fragment; nothing for a name no library has
    libc = blas.mapped_libraries("LIBC.SO")
    assert libc and all(".so" in p and "libc.so" in p.lower() for p in libc) and libc == sorted(libc)
    assert blas.mapped_libraries("no-such-library-in-nnspec") == []
    if LOADED is not None:  # the OpenBLAS the core type was asked of is among them
        assert blas.mapped_libraries("openblas")
