"""Conformance suite plumbing: implementation under test, markers, Hypothesis profiles, xfails.

    pytest conformance                      # the reference (or NNSPEC_IMPL)
    pytest conformance --impl=accel         # accel; every test skips with the reason without a GPU
    pytest conformance/oracle --oracle      # cross-checks against PyTorch (oracle tox env)
"""

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from nnspec.testing import add_impl_option, impl_name, load_impl, skip_all, skip_gpu_tests

HERE = Path(__file__).resolve().parent

# ci: derandomized (the same examples every run); dev: random. No deadline: accel JIT-compiles on first calls.
settings.register_profile("ci", derandomize=True, max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser):
    add_impl_option(parser)
    parser.addoption("--oracle", action="store_true", help="collect the oracle cross-checks (needs torch)")


def pytest_ignore_collect(collection_path, config):
    # The oracles (torch, ...) are never imported by the suite itself: only with --oracle.
    if HERE / "oracle" in Path(collection_path).parents or Path(collection_path) == HERE / "oracle":
        return not config.getoption("--oracle")
    return None


def _xfails(name):
    """Strict expected failures of one implementation: 'node-id-prefix | reason' per line."""
    path = HERE / f"xfail-{name}.txt"
    out = []
    if path.exists():
        for line in path.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                node, _, reason = line.partition("|")
                if not reason.strip():
                    raise pytest.UsageError(f"{path}: every xfail needs a reason: {line!r}")
                out.append((node.strip(), reason.strip()))
    return out


def pytest_collection_modifyitems(config, items):
    module, reason = load_impl(config)
    if reason is not None:
        skip_all(items, reason)
        return
    skip_gpu_tests(items)
    for node, why in _xfails(impl_name(config)):
        for item in items:
            if item.nodeid.startswith(node) or item.nodeid.startswith(f"conformance/{node}"):
                item.add_marker(pytest.mark.xfail(reason=why, strict=True))


def pytest_report_header(config):
    return f"nnspec implementation under test: {impl_name(config)}"


@pytest.fixture(scope="session")
def nn(pytestconfig):
    """The implementation under test (nnspec.reference or nnspec.accel)."""
    module, reason = load_impl(pytestconfig)
    if reason is not None:
        pytest.skip(reason)
    return module


@pytest.fixture
def fresh_session(nn):
    """A cleared Keras session before and after the test (auto names start at _1, as in the books' summaries);
    a module asks for it with ``pytestmark = pytest.mark.usefixtures("fresh_session")``."""
    nn.backend.clear_session()
    yield
    nn.backend.clear_session()


@pytest.fixture
def fresh_seeded_session(fresh_session):
    """``fresh_session`` with NumPy's global seed at 0 (the initializers draw from it)."""
    np.random.seed(0)


@pytest.fixture(scope="session")
def ref():
    """The reference implementation, the oracle for float32 results of any implementation."""
    import nnspec.reference
    return nnspec.reference
