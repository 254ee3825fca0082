"""How a benchmark times PyTorch beside us: blocks of rounds alternating (runs without --benchmark-only)."""

import textwrap
from pathlib import Path

import benchtools

pytest_plugins = ["pytester"]


def _drive(alternation, warmup_rounds, rounds, log):
    """What pytest-benchmark's pedantic does with a setup: setup, then a (warmup or timed) round."""
    for i in range(warmup_rounds + rounds):
        alternation.setup()
        log.append("W" if i < warmup_rounds else "O")


def _schedule(rounds, warmup_rounds=2, blocks=4):
    log = []
    alternation = benchtools.Alternation(lambda: log.append("o"), lambda: log.append("t"), rounds, warmup_rounds,
                                         blocks)
    _drive(alternation, warmup_rounds, rounds, log)
    alternation.finish()
    return "".join(log), len(alternation.seconds)


def test_blocks_alternate_with_an_untimed_call_after_each_switch():
    # W: our warmup rounds; O: our timed rounds; o: an untimed call of ours; t: a call of PyTorch's, the first
    # of each block untimed (``timed`` counts the timed ones)
    log, timed = _schedule(rounds=8)
    assert log == "WW" + "OO" + "ttto" + "OO" + "ttto" + "OO" + "ttto" + "OO" + "ttt"
    assert timed == 8


def test_uneven_and_few_rounds_time_as_many_rounds_of_pytorch():
    log, timed = _schedule(rounds=10)  # blocks of 3: 3 + 3 + 3 + 1
    assert log == "WW" + "OOO" + "tttto" + "OOO" + "tttto" + "OOO" + "tttto" + "O" + "tt"
    assert timed == 10
    log, timed = _schedule(rounds=1)
    assert log == "WWO" + "tt" and timed == 1
    log, timed = _schedule(rounds=3, blocks=1)
    assert log == "WWOOO" + "tttt" and timed == 3


def test_run_with_pytest_benchmark_times_both_sides_alternately(pytester):
    """The real fixture: pedantic calls setup as the schedule assumes, and the medians reach extra_info."""
    here = Path(__file__).resolve().parent
    pytester.makeconftest(f"import sys\nsys.path.insert(0, {str(here)!r})\n")
    pytester.makepyfile(textwrap.dedent("""
        import types
        import benchtools

        def test_inner(benchmark, monkeypatch):
            log = []
            monkeypatch.setattr(benchtools, "torch_for", lambda nn: (object(), "cpu"))
            nn = types.SimpleNamespace(implementation=types.SimpleNamespace(name="reference"))
            out = benchtools.run(benchmark, nn, 6, lambda: log.append("o") or len(log),
                                 lambda torch, device: lambda: log.append("t"))
            assert out == len(log) - log[::-1].index("o")  # pedantic handed back our last result
            assert benchmark.stats.stats.rounds >= 6
            info = benchmark.extra_info
            assert info["torch_device"] == "cpu" and info["torch_seconds"] > 0
            runs = "".join(log)
            # ours and PyTorch switch more than once (one block each was the old way)
            assert runs.count("ot") >= 2 and runs.count("to") >= 2
            # as many timed rounds of PyTorch as of ours: ours = 2 probes + 2 warmups + rounds + 1 per switch;
            # PyTorch = 2 warmups + rounds + 1 per block
            switches = runs.count("ot")
            ours, theirs = runs.count("o"), runs.count("t")
            assert ours - 4 - (switches - 1) == theirs - 2 - switches
    """))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--benchmark-only", "-q")
    result.assert_outcomes(passed=1)
