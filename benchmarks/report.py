"""Benchmark report from pytest-benchmark's ``--benchmark-json`` output.

``write_report(raw_json_path, out_dir)`` writes, for the implementation ``<impl>`` that ran:

* ``bench-<impl>.md``: one table row per benchmark (median, min, throughput, PyTorch, ratio);
* ``bench-<impl>.png``: bar plots, when matplotlib is importable (it is not a dependency);
* ``bench-<impl>-report.json``: the rows plus the machine (pytest-benchmark's ``machine_info``),
  the versions, BLAS kernels, GPU and CUPY_TF32 setting (``nnspec.cli.info_dict``) and the commit.

Files are written to a temporary name in ``out_dir`` and renamed, so a reader (or a commit of
``benchmarks/results/``) never sees a half-written report.
"""

import io
import json
import os
from pathlib import Path

from nnspec.fileio import atomic_write


def write_report(raw_json_path, out_dir):
    """Write the report files; returns the path of the markdown."""
    raw_path = Path(raw_json_path)
    text = raw_path.read_text()
    # pytest-benchmark leaves the file empty when every benchmark was skipped (accel without a GPU).
    raw = json.loads(text) if text.strip() else {}
    if os.environ.get("NNSPEC_COMMIT"):
        # a copy of the tree run elsewhere (a GPU machine) may carry a stale .git: the sender names its commit
        raw["commit_info"] = {"id": os.environ["NNSPEC_COMMIT"], "dirty": False, "source": "NNSPEC_COMMIT"}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    impl = _impl_name(raw, raw_path)
    rows = [_row(b) for b in raw.get("benchmarks", [])]
    _add_limits(rows)
    info = _nnspec_info(impl)
    stem = f"bench-{impl}"

    plot_note = _write_plot(rows, impl, out / f"{stem}.png")
    markdown = _markdown(raw, impl, rows, info, plot_note)
    atomic_write(out / f"{stem}.md", markdown.encode())
    report = {"implementation": impl, "datetime": raw.get("datetime"), "nnspec_info": info,
              "machine_info": raw.get("machine_info", {}), "commit_info": raw.get("commit_info", {}),
              "pytest_benchmark_version": raw.get("version"), "benchmarks": rows}
    atomic_write(out / f"{stem}-report.json", (json.dumps(report, indent=2) + "\n").encode())
    return out / f"{stem}.md"


def _impl_name(raw, raw_path):
    """From any benchmark's extra_info, else the machine_info the conftest adds, else the file name
    ``bench-<impl>.json`` that ``python -m nnspec bench`` gives the raw JSON."""
    for bench in raw.get("benchmarks", []):
        if "impl" in bench.get("extra_info", {}):
            return bench["extra_info"]["impl"]
    if "nnspec_impl" in raw.get("machine_info", {}):
        return raw["machine_info"]["nnspec_impl"]
    stem = raw_path.stem
    return stem[len("bench-"):] if stem.startswith("bench-") else "unknown"


def _row(bench):
    stats, extra = bench["stats"], bench.get("extra_info", {})
    name = bench["name"]
    return {
        "name": name[len("test_"):] if name.startswith("test_") else name,
        "group": bench.get("group"),
        "median_ms": stats["median"] * 1e3,
        "min_ms": stats["min"] * 1e3,
        "rounds": stats["rounds"],
        "throughput": extra.get("throughput"),
        "throughput_unit": extra.get("throughput_unit"),
        "torch_ms": extra["torch_seconds"] * 1e3 if "torch_seconds" in extra else None,
        "torch_device": extra.get("torch_device"),
        "torch_tf32": extra.get("torch_tf32"),
        "ratio_vs_torch": extra.get("ratio_vs_torch"),
    }


LIMITS = {"GFLOP/s": "limit_matmul_fp32", "GB/s": "limit_copy_bandwidth"}


def _add_limits(rows):
    """``of_limit``: a row's throughput over the measured machine limit of its unit (benchmarks/test_bench_limits)."""
    limits = {}
    for unit, name in LIMITS.items():
        found = [r["throughput"] for r in rows if r["name"] == name and r["throughput"]]
        if found:
            limits[unit] = found[0]
    for r in rows:
        limit = limits.get(r["throughput_unit"])
        r["of_limit"] = r["throughput"] / limit if limit and r["throughput"] is not None else None


def _nnspec_info(impl):
    """Versions and device for ``impl``; the error instead where it cannot be loaded here."""
    from nnspec.cli import info_dict
    try:
        return info_dict(impl)
    except Exception as e:  # the report is still useful without it (e.g. accel JSON read on a CPU box)
        return {"error": f"{type(e).__name__}: {e}"}


def _fmt(value, spec):
    return "–" if value is None else format(value, spec)


def _markdown(raw, impl, rows, info, plot_note):
    machine = raw.get("machine_info", {})
    cpu = machine.get("cpu", {})
    commit = raw.get("commit_info", {})
    lines = [f"# nnspec benchmarks: {impl}", ""]
    if raw.get("datetime"):
        lines.append(f"- date: {raw['datetime']}")
    if machine:
        brand = cpu.get("brand_raw") or machine.get("processor") or "?"
        lines.append(f"- machine: {brand}, {cpu.get('count', '?')} logical cores, "
                     f"{machine.get('system', '?')} {machine.get('release', '')}")
    if "error" in info:
        lines.append(f"- nnspec info unavailable on the machine that wrote this report: {info['error']}")
    else:
        keys = ("nnspec", "python", "numpy", "cupy", "gpu", "CUPY_TF32", "torch")
        lines.append("- " + ", ".join(f"{k} {info[k]}" for k in keys if k in info))
    blas = machine.get("nnspec_blas") or info.get("blas")
    if blas:
        lines.append(f"- NumPy's BLAS: {blas}")
    if commit.get("id"):
        lines.append(f"- commit: {commit['id'][:12]}{' (dirty tree)' if commit.get('dirty') else ''}")
    torch_devices = sorted({r["torch_device"] + {True: " (TF32 on)", False: " (TF32 off)", None: ""}[
        r.get("torch_tf32")] for r in rows if r["torch_device"]})
    compared = ", ".join(torch_devices) or "none (no torch here, or no CUDA torch for accel)"
    lines.append(f"- PyTorch comparison: {compared}")
    lines += ["", "| benchmark | median ms | min ms | throughput | of limit | torch ms | ratio vs torch |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        tp = "–" if r["throughput"] is None else f"{r['throughput']:.1f} {r['throughput_unit']}"
        of = "–" if r.get("of_limit") is None else f"{100 * r['of_limit']:.0f}%"
        lines.append(f"| {r['name']} | {r['median_ms']:.3f} | {r['min_ms']:.3f} | {tp} | {of} | "
                     f"{_fmt(r['torch_ms'], '.3f')} | {_fmt(r['ratio_vs_torch'], '.2f')} |")
    if not rows:
        lines.append("| (no benchmark ran: all were skipped, see the pytest output) | | | | | | |")
    lines += ["",
              "Ratio vs torch = our median / PyTorch's median for the same work in the same run, the two "
              "timed in alternating blocks of rounds (below 1: faster than PyTorch). Matmul throughput counts "
              "2·B·M·N·K flops forward and 3x that forward+backward; reduction throughput counts the bytes an "
              "ideal kernel reads and writes. "
              "Of limit = throughput / the machine's limit measured in the same run (limit_matmul_fp32 for GFLOP/s, "
              "limit_copy_bandwidth for GB/s).",
              "", plot_note, ""]
    return "\n".join(lines)


def _write_plot(rows, impl, path):
    """Bar plots of median time (ours and PyTorch) and of the ratio; returns a line for the markdown."""
    try:
        import matplotlib
        matplotlib.use("Agg")  # files only; never needs a display
        import matplotlib.pyplot as plt
    except ImportError:
        return "Plots skipped: matplotlib is not importable here (`pip install matplotlib` to get them)."
    if not rows:
        return "No plot: no benchmark ran."
    names = [r["name"] for r in rows]
    ys = range(len(rows))
    has_torch = any(r["torch_ms"] is not None for r in rows)
    panels = 2 if has_torch else 1
    fig, axes = plt.subplots(1, panels, figsize=(5 * panels + 3, 0.5 * len(rows) + 1.5), squeeze=False)
    ax = axes[0][0]
    height = 0.4 if has_torch else 0.8
    ax.barh([y - height / 2 * has_torch for y in ys], [r["median_ms"] for r in rows], height, label=impl)
    if has_torch:
        ax.barh([y + height / 2 for y in ys], [r["torch_ms"] or 0 for r in rows], height, label="torch")
        ax.legend()
    ax.set_xscale("log")  # the kernels span orders of magnitude
    ax.set_yticks(list(ys), names)
    ax.invert_yaxis()
    ax.set_xlabel("median time (ms, log scale)")
    if has_torch:
        ax = axes[0][1]
        ax.barh(list(ys), [r["ratio_vs_torch"] or 0 for r in rows], 0.8)
        ax.axvline(1.0, color="black", linewidth=0.8)
        ax.set_yticks(list(ys), [""] * len(rows))
        ax.invert_yaxis()
        ax.set_xlabel("our time / torch time (below 1: faster)")
    fig.suptitle(f"nnspec benchmarks: {impl}")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    atomic_write(path, buf.getvalue())
    return f"![benchmark plots]({path.name})"
