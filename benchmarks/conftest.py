"""Benchmark plumbing: ``--impl`` selects the implementation, exposed as the ``nn`` fixture.

Where accel is asked for but cannot run (no CuPy, no GPU), every benchmark is skipped with the
reason, so ``python -m nnspec bench --impl accel`` on a CPU-only machine ends cleanly.
"""

import benchtools
import pytest

from nnspec import blas, testing

_IMPL = pytest.StashKey()  # (implementation module or None, skip reason or None)


def pytest_addoption(parser):
    testing.add_impl_option(parser)


def pytest_configure(config):
    # With every benchmark skipped (accel without a GPU) pytest-benchmark warns at session end that
    # it saves no JSON; the project's filterwarnings=error would turn that into a crash, so show it.
    config.addinivalue_line("filterwarnings",
                            "default:Not saving anything:pytest_benchmark.logger.PytestBenchmarkWarning")
    config.stash[_IMPL] = testing.load_impl(config)
    # extra rounds of a fast benchmark stay within --benchmark-max-time (bench --quick gives 0.2 s)
    benchtools.TIMED_SECONDS = min(benchtools.TIMED_SECONDS, float(config.getoption("benchmark_max_time")))


def pytest_report_header(config):
    _, reason = config.stash[_IMPL]
    return f"nnspec impl: {testing.impl_name(config)}" + (f" (unavailable: {reason})" if reason else "")


def pytest_collection_modifyitems(config, items):
    _, reason = config.stash[_IMPL]
    if reason is not None:
        testing.skip_all(items, reason)


@pytest.hookimpl(optionalhook=True)  # a pytest-benchmark hook; optional so the conftest loads without it
def pytest_benchmark_update_machine_info(config, machine_info):
    # The report needs the implementation even when every benchmark was skipped (no extra_info then).
    machine_info["nnspec_impl"] = testing.impl_name(config)
    # the kernels NumPy's BLAS ran in this process (OPENBLAS_CORETYPE may name them): they set the matmul rate
    machine_info["nnspec_blas"] = blas.describe()


@pytest.fixture(scope="session")
def nn(pytestconfig):
    """The implementation module under test: ``nnspec.reference`` or ``nnspec.accel``."""
    return pytestconfig.stash[_IMPL][0]


@pytest.fixture(scope="session")
def rounds(pytestconfig):
    """Timed rounds per benchmark: ``--benchmark-min-rounds`` (default 5; ``bench --quick`` gives 3).

    ``benchmark.pedantic`` ignores that option on its own, so it is passed on explicitly.
    """
    return pytestconfig.getoption("benchmark_min_rounds")
