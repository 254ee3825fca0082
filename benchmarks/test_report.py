"""The report generator on small synthetic pytest-benchmark JSON (runs without --benchmark-only)."""

import json

from report import write_report


def _bench(name, median, **extra):
    return {"name": name, "group": "g", "extra_info": {"impl": "reference", **extra},
            "stats": {"median": median, "min": median / 2, "rounds": 3}}


def test_report_table_and_json(tmp_path):
    raw = {"datetime": "2026-01-01T00:00:00", "machine_info": {"system": "Linux", "cpu": {"count": 2}},
           "benchmarks": [_bench("test_a[x]", 0.002, throughput=5.0, throughput_unit="GB/s",
                                 torch_seconds=0.004, torch_device="cpu", ratio_vs_torch=0.5),
                          _bench("test_b", 0.010)]}
    src = tmp_path / "raw.json"
    src.write_text(json.dumps(raw))
    md = write_report(src, tmp_path / "out")
    assert md.name == "bench-reference.md"
    text = md.read_text()
    assert "| a[x] | 2.000 | 1.000 | 5.0 GB/s | – | 4.000 | 0.50 |" in text
    assert "| b | 10.000 | 5.000 | – | – | – | – |" in text
    report = json.loads((tmp_path / "out" / "bench-reference-report.json").read_text())
    assert report["nnspec_info"]["implementation"] == "reference"
    assert report["machine_info"]["cpu"]["count"] == 2
    assert not list((tmp_path / "out").glob(".*.tmp"))  # atomic writes leave no temp files


def test_report_names_the_blas_kernels_the_benchmarks_ran(tmp_path):
    """The line the benchmark process recorded, else the one of the process writing the report."""
    raw = {"machine_info": {"nnspec_blas": "scipy-openblas 0.3.31, SkylakeX kernels (its own detection)"},
           "benchmarks": [_bench("test_a", 0.002)]}
    src = tmp_path / "raw.json"
    src.write_text(json.dumps(raw))
    assert "- NumPy's BLAS: scipy-openblas 0.3.31, SkylakeX kernels (its own detection)\n" in \
        write_report(src, tmp_path / "a").read_text()
    src.write_text(json.dumps({"benchmarks": [_bench("test_a", 0.002)]}))
    from nnspec.blas import describe
    assert f"- NumPy's BLAS: {describe()}\n" in write_report(src, tmp_path / "b").read_text()


def test_report_when_every_benchmark_was_skipped(tmp_path):
    # pytest-benchmark leaves an empty --benchmark-json file when nothing ran.
    src = tmp_path / "bench-reference.json"
    src.write_text("")
    text = write_report(src, tmp_path).read_text()
    assert "no benchmark ran" in text


def test_report_takes_the_commit_from_nnspec_commit(tmp_path, monkeypatch):
    """A tree copied to a GPU machine may carry a stale .git: the sender's NNSPEC_COMMIT wins."""
    raw = {"commit_info": {"id": "0" * 40, "dirty": True}, "benchmarks": [_bench("test_a", 0.001)]}
    src = tmp_path / "raw.json"
    src.write_text(json.dumps(raw))
    monkeypatch.setenv("NNSPEC_COMMIT", "1234567890abcdef1234")
    text = write_report(src, tmp_path / "out").read_text()
    assert "- commit: 1234567890ab\n" in text
    monkeypatch.delenv("NNSPEC_COMMIT")
    assert "- commit: 000000000000 (dirty tree)\n" in write_report(src, tmp_path / "out2").read_text()


def test_report_puts_rows_beside_the_measured_limits(tmp_path):
    raw = {"benchmarks": [_bench("test_limit_matmul_fp32", 0.01, throughput=1000.0, throughput_unit="GFLOP/s"),
                          _bench("test_limit_copy_bandwidth", 0.01, throughput=2000.0, throughput_unit="GB/s"),
                          _bench("test_mm", 0.01, throughput=800.0, throughput_unit="GFLOP/s"),
                          _bench("test_copy", 0.01, throughput=500.0, throughput_unit="GB/s"),
                          _bench("test_step", 0.01, throughput=9.0, throughput_unit="samples/s")]}
    src = tmp_path / "raw.json"
    src.write_text(json.dumps(raw))
    text = write_report(src, tmp_path / "out").read_text()
    assert "| mm | 10.000 | 5.000 | 800.0 GFLOP/s | 80% |" in text
    assert "| copy | 10.000 | 5.000 | 500.0 GB/s | 25% |" in text
    assert "| step | 10.000 | 5.000 | 9.0 samples/s | – |" in text


def test_report_says_whether_cuda_torch_ran_with_tf32(tmp_path):
    raw = {"datetime": "2026-01-01T00:00:00", "machine_info": {},
           "benchmarks": [_bench("test_a", 0.002, torch_seconds=0.001, torch_device="cuda", torch_tf32=False,
                                 ratio_vs_torch=2.0)]}
    src = tmp_path / "raw.json"
    src.write_text(json.dumps(raw))
    text = write_report(src, tmp_path / "out").read_text()
    assert "- PyTorch comparison: cuda (TF32 off)" in text
