"""accel's two convolution algorithms side by side on a GPU, product by product: a tool for the performance work
of issue 8 (not a benchmark), to choose between them from measurements.

    python benchmarks/conv_algorithms.py [--reps 30]

For the Conv2D benchmark shapes and the MNIST convnet's layers at batch 1024, each of the three products
(forward, input gradient, filter gradient) is timed with CUDA events as the implicit GEMM
(``accel/kernels/conv_gemm.py``) and as im2col/col2im + cuBLAS (``accel.kernels.conv.IMPLICIT_GEMM = False``),
beside cuDNN's through PyTorch (TF32 off, as in the benchmarks), with the largest difference between the two
algorithms' results relative to the result's largest magnitude.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_bench_conv import SHAPES  # noqa: E402

# (N, H, W, C, filters, padding) beyond the benchmarks': the MNIST convnet's three convolutions at batch 1024
SHAPES = SHAPES + [(1024, 28, 28, 1, 32, "valid"), (1024, 13, 13, 32, 64, "valid"), (1024, 5, 5, 64, 64, "valid")]


def _median_ms(cupy, fn, reps):
    fn()
    times = []
    for _ in range(reps):
        start, end = cupy.cuda.Event(), cupy.cuda.Event()
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(cupy.cuda.get_elapsed_time(start, end))
    return float(np.median(times))


def _rows(cupy, torch, conv, shape, reps):
    """The table's three rows for one shape."""
    n, h, w, c, f, padding = shape
    rng = np.random.default_rng(0)
    x = cupy.asarray(rng.standard_normal((n, h, w, c), dtype=np.float32))
    k = cupy.asarray(rng.standard_normal((3, 3, c, f), dtype=np.float32) / np.sqrt(9 * c))
    pad = 1 if padding == "same" else 0
    geometry = ((1, 1), (1, 1), ((pad, pad), (pad, pad)))
    gy = cupy.asarray(rng.standard_normal((n, h - 2 + 2 * pad, w - 2 + 2 * pad, f), dtype=np.float32))
    tx = torch.as_tensor(x).permute(0, 3, 1, 2).contiguous()
    tk = torch.as_tensor(k).permute(3, 2, 0, 1).contiguous()
    tgy = torch.as_tensor(gy).permute(0, 3, 1, 2).contiguous()
    products = {  # (ours, cuDNN's)
        "forward": (lambda: conv.conv2d(cupy, x, k, *geometry),
                    lambda: torch.nn.functional.conv2d(tx, tk, padding=pad)),
        "input grad": (lambda: conv.conv2d_backprop_input(cupy, gy, k, (h, w), *geometry),
                       lambda: torch.nn.grad.conv2d_input(tx.shape, tk, tgy, padding=pad)),
        "filter grad": (lambda: conv.conv2d_backprop_filter(cupy, x, gy, (3, 3), *geometry),
                        lambda: torch.nn.grad.conv2d_weight(tx, tk.shape, tgy, padding=pad)),
    }
    rows = []
    for name, (ours, theirs) in products.items():
        conv.IMPLICIT_GEMM = True
        implicit, result = _median_ms(cupy, ours, reps), ours()
        conv.IMPLICIT_GEMM = False
        im2col, other = _median_ms(cupy, ours, reps), ours()
        conv.IMPLICIT_GEMM = True
        cudnn = _median_ms(cupy, theirs, reps)
        diff = float(cupy.abs(result - other).max()) / max(float(cupy.abs(other).max()), 1e-30)
        rows.append(f"| {n}x{h}x{w}x{c}-{f}-{padding} | {name} | {implicit:.3f} | {im2col:.3f} | {cudnn:.3f} | "
                    f"{implicit / cudnn:.2f} | {diff:.1e} |")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args(argv)
    import cupy
    import torch
    from nnspec.accel.kernels import conv

    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    print("| shape | product | implicit ms | im2col ms | cuDNN ms | implicit / cuDNN | max rel diff |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for shape in SHAPES:
        print("\n".join(_rows(cupy, torch, conv, shape, args.reps)), flush=True)


if __name__ == "__main__":
    main()
