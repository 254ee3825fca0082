"""The public contract of DESIGN §2: implementation choice, side-by-side use, the CLI.

These run in subprocesses, so each sees a fresh interpreter and its own NNSPEC_IMPL.
"""

import os
import platform
import subprocess
import sys

import numpy as np
import pytest

from nnspec.testing import accel_unavailable_reason


def run(code, **env):
    full = {k: v for k, v in os.environ.items() if k != "NNSPEC_IMPL"}
    full.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full, timeout=120)


def test_default_is_reference_and_resolved_lazily():
    r = run("import nnspec, sys; assert nnspec._selected is None; "
            "assert 'nnspec.reference' not in sys.modules; "
            "print(nnspec.backend.floatx(), nnspec.impl_name())")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["float32", "reference"]


def test_env_var_read_at_first_use_not_at_import():
    r = run("import os, nnspec; os.environ['NNSPEC_IMPL'] = 'reference'; print(nnspec.impl_name())",
            NNSPEC_IMPL="no-such-impl")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "reference"


def test_unknown_implementation_is_a_clear_error():
    r = run("import nnspec; nnspec.GradientTape", NNSPEC_IMPL="cuda")
    assert r.returncode != 0
    assert "unknown implementation 'cuda'" in r.stderr and "('reference', 'accel')" in r.stderr


def test_set_impl_in_code():
    r = run("import nnspec; m = nnspec.set_impl('reference'); print(m is nnspec.reference, nnspec.impl_name())")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["True", "reference"]


def test_front_door_names_resolve_without_searching_the_file_system():
    """`nn.ops`, `nn.layers`, ... in a user's loop are plain lookups: the front door lists its own modules once
    (an import search per access cost 10-30 us); its modules and unknown names still resolve as before."""
    r = run("import importlib.machinery, importlib.util, nnspec\n"
            "nnspec.ops\n"
            "def refuse(*a, **k): raise AssertionError('file system searched')\n"
            "importlib.util.find_spec = importlib.machinery.PathFinder.find_spec = refuse\n"
            "for _ in range(3): nnspec.ops, nnspec.layers, nnspec.GradientTape, nnspec.reference\n"
            "print(nnspec.layers is nnspec.reference.layers)\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["True"]
    r = run("import nnspec; print(nnspec.fetch.__name__, nnspec.zoo.__name__); nnspec.no_such_name")
    assert r.stdout.split() == ["nnspec.fetch", "nnspec.zoo"]
    assert r.returncode != 0 and "AttributeError" in r.stderr and "no_such_name" in r.stderr


@pytest.mark.skipif(accel_unavailable_reason() is None, reason="a GPU is present: accel is available here")
def test_accel_without_gpu_raises_one_clear_error():
    r = run("import nnspec; nnspec.GradientTape", NNSPEC_IMPL="accel")
    assert r.returncode != 0
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("nnspec.reference.errors.ImplementationUnavailableError: nnspec.accel cannot run here")
    assert "python -m nnspec info" in last
    assert ("CuPy is not installed" in last) or ("no CUDA GPU" in last)


@pytest.mark.skipif(accel_unavailable_reason() is None, reason="a GPU is present: accel is available here")
def test_info_for_accel_without_gpu_exits_nonzero():
    r = subprocess.run([sys.executable, "-m", "nnspec", "info"], capture_output=True, text=True,
                       env={**os.environ, "NNSPEC_IMPL": "accel"}, timeout=120)
    assert r.returncode == 2
    assert r.stderr.startswith("nnspec info: nnspec.accel cannot run here")


def test_info_for_reference():
    r = subprocess.run([sys.executable, "-m", "nnspec", "info", "--impl", "reference"], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    rows = dict(line.split(None, 1) for line in r.stdout.splitlines())
    assert rows["implementation"] == "reference" and rows["numpy"] == np.__version__


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="the allocator setting is glibc's (mallopt)")
@pytest.mark.parametrize("setting,want", [(None, "True"), ("0", "False")])
def test_reference_keeps_freed_memory_unless_told_not_to(setting, want):
    """Importing the reference sets glibc's mmap and trim thresholds once (nnspec.reference.memory);
    NNSPEC_KEEP_FREED_MEMORY=0 leaves the allocator alone. `nnspec info` says which."""
    env = {k: v for k, v in os.environ.items() if k != "NNSPEC_KEEP_FREED_MEMORY"}
    if setting is not None:
        env["NNSPEC_KEEP_FREED_MEMORY"] = setting
    r = subprocess.run([sys.executable, "-c", "import nnspec.reference.memory as m; print(m._applied)"],
                       capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == want
    r = subprocess.run([sys.executable, "-m", "nnspec", "info", "--impl", "reference"], capture_output=True,
                       text=True, timeout=120, env=env)
    assert dict(line.split(None, 1) for line in r.stdout.splitlines())["keep_freed_memory"] == want


@pytest.mark.gpu
def test_info_for_accel_prints_the_device():
    r = subprocess.run([sys.executable, "-m", "nnspec", "info", "--impl", "accel"], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    rows = dict(line.split(None, 1) for line in r.stdout.splitlines())
    assert rows["implementation"] == "accel" and rows["gpu"] and "CUPY_TF32" in rows


@pytest.mark.gpu
def test_both_implementations_side_by_side():
    import nnspec.accel as A
    import nnspec.reference as R
    x = np.linspace(-1, 1, 6).reshape(2, 3)
    ra, aa = R.Variable(x), A.Variable(x)
    assert type(aa.data).__module__.startswith("cupy") and isinstance(ra.data, np.ndarray)
    grads = []
    for impl, v in ((R, ra), (A, aa)):
        with impl.GradientTape() as tape:
            y = impl.ops.sum(impl.ops.tanh(v) * v)
        grads.append(tape.gradient(y, v).numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12)
    with pytest.raises(R.MixedImplementationError, match="reference and accel|accel and reference"):
        R.ops.add(ra, aa)


def test_every_package_directory_is_in_the_wheel():
    """pyproject.toml lists the packages explicitly (package-dir mapping): a new subpackage must be added."""
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    listed = set(re.findall(r'"(nnspec[\w.]*)"', (root / "pyproject.toml").read_text().split("packages = [")[1]
                            .split("]")[0]))
    found = set()
    for top, name in (("nnspec", "nnspec"), ("reference", "nnspec.reference"), ("accel", "nnspec.accel")):
        for init in (root / top).rglob("__init__.py"):
            rel = init.parent.relative_to(root / top)
            found.add(".".join([name, *rel.parts]))
    assert found == listed, f"missing from pyproject: {sorted(found - listed)}; stale: {sorted(listed - found)}"
