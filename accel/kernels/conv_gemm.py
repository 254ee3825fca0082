"""Convolution as implicit GEMM: the three convolution products tiled like a matmul, with the im2col matrix
gathered tile by tile into shared memory instead of written out.

im2col + cuBLAS writes and reads a (N*OH*OW, kh*kw*C) matrix per product: at 32x64x64x64 with a 3x3 kernel
300 MB each way, more time than the product itself. Here each block computes a BM x BN tile of the output
matrix C = A @ B over the reduction in steps of BK, with a register-prefetched, double-buffered shared-memory
stage (one barrier per step), a TM x TN block of outputs per thread whose A and B fragments it reads from
shared memory in 16-byte loads (3 loads per 32 multiply-adds at 128 x 64: scalar loads, 12, would bind the
loop to shared-memory bandwidth). The three products (TensorFlow's layouts, NHWC images, kernels
(kh, kw, C, O)):

* forward:          y (N*OH*OW, O)    = cols(x) (N*OH*OW, kh*kw*C)  @ k (kh*kw*C, O)
* input gradient:   dx (N*H*W, C)     = dcols(gy) (N*H*W, kh*kw*O)  @ k^T (kh*kw*O, C), k^T = k as (kh, kw, O, C)
* filter gradient:  dk (kh*kw*C, O)   = cols(x)^T (kh*kw*C, N*OH*OW) @ gy (N*OH*OW, O), the reduction over the
                    pixels split into ``splits`` chunks whose partial products are then summed (no atomics: the
                    same sums every run)

where cols(x)[(n, a, b), (i, j, c)] = x[n, a*sh + i*dh - pt, b*sw + j*dw - pl, c] (0 in the padding) and
dcols(gy)[(n, y, z), (i, j, o)] = gy[n, (y + pt - i*dh) / sh, (z + pl - j*dw) / sw, o] where both divide
exactly and fall inside gy (0 elsewhere). Each gather's coordinates split with ``indexing``'s quotients: the
fixed part of each thread's rows once, the part that moves along the reduction once per step.

The sums run in another order than the reference's matmul: equal within float rounding, not bit for bit.
"""

import functools

import cupy
import numpy as np
from nnspec.reference.kernels import conv as ref

from . import indexing

BK = 8  # reduction step: BM x BK and BK x BN tiles per stage
THREADS = 256  # 16 x 16 threads, TM x TN outputs each

_SOURCE = r"""
#define TM (BM / 16)
#define TN (BN / 16)
#define A_PER (BM * BK / THREADS)   // A elements each thread stages per step
#define B_PER (BN * BK / THREADS)
#define LDA (BM + 4)                // padded: the staging stores of a warp fall in distinct banks (16-byte rows)
#define AS_SIZE (BK * LDA)
#define BS_SIZE (BK * BN)

// k = (i, j, ch) of a reduction index over a kernel of kw columns and c channels
__device__ __forceinline__ void nnspec_tap(idx_t k, idx_t c, unsigned c_m, unsigned c_s, idx_t kw, unsigned kw_m,
                                           unsigned kw_s, idx_t& i, idx_t& j, idx_t& ch) {
    const idx_t t = NNSPEC_QUOT(k, c);
    ch = k - t * c; i = NNSPEC_QUOT(t, kw); j = t - i * kw;
}

// What a thread keeps of the A rows it stages when they are pixels m = (n, u, v) of an (N, hu, wu) grid and the
// reduction index is fastest across threads (consecutive channels: coalesced reads): each row's (n, u, v), and
// its place in the staging tile.
struct PixelRows {
    idx_t n[A_PER], u[A_PER], v[A_PER]; bool ok[A_PER]; int kk, rr;

    __device__ void split(idx_t M, idx_t row0, idx_t hu, unsigned hu_m, unsigned hu_s, idx_t wu, unsigned wu_m,
                          unsigned wu_s) {
        kk = threadIdx.x % BK; rr = threadIdx.x / BK;
        #pragma unroll
        for (int p = 0; p < A_PER; ++p) {
            const idx_t m = row0 + rr + (THREADS / BK) * p;
            ok[p] = m < M;
            const idx_t r = ok[p] ? m : 0;
            const idx_t q = NNSPEC_QUOT(r, wu);
            v[p] = r - q * wu; n[p] = NNSPEC_QUOT(q, hu); u[p] = q - n[p] * hu;
        }
    }
    __device__ void store(T* as, const T (&val)[A_PER]) const {
        #pragma unroll
        for (int p = 0; p < A_PER; ++p) as[kk * LDA + rr + (THREADS / BK) * p] = val[p];
    }
};

// A gathered from an image: forward's cols(x), its rows the output pixels.
struct ImageRowsA : PixelRows {
    const T* x; idx_t h, w, c, kw, dh, dw, K;
    unsigned c_m, c_s, kw_m, kw_s;

    __device__ void fetch(T (&val)[A_PER], idx_t k0) const {
        const idx_t k = k0 + kk;
        idx_t i, j, ch;
        nnspec_tap(k < K ? k : 0, c, c_m, c_s, kw, kw_m, kw_s, i, j, ch);
        #pragma unroll
        for (int p = 0; p < A_PER; ++p) {
            const idx_t y = u[p] + i * dh, z = v[p] + j * dw;   // u, v: the window's corner a*sh - pt, b*sw - pl
            val[p] = (k < K && ok[p] && y >= 0 && y < h && z >= 0 && z < w) ? x[((n[p] * h + y) * w + z) * c + ch]
                                                                          : (T)0;
        }
    }
};

// A gathered from an output gradient: the input gradient's dcols(gy), its rows the input pixels.
struct GradRowsA : PixelRows {
    const T* gy; idx_t oh, ow, o, kw, dh, dw, sh, sw, K;
    unsigned o_m, o_s, kw_m, kw_s, sh_m, sh_s, sw_m, sw_s;

    __device__ void fetch(T (&val)[A_PER], idx_t k0) const {
        const idx_t k = k0 + kk;
        idx_t i, j, ch;
        nnspec_tap(k < K ? k : 0, o, o_m, o_s, kw, kw_m, kw_s, i, j, ch);
        #pragma unroll
        for (int p = 0; p < A_PER; ++p) {
            const idx_t ty = u[p] - i * dh, tz = v[p] - j * dw;   // = a * sh, b * sw for the output pixel read
            T got = (T)0;
            if (k < K && ok[p] && ty >= 0 && tz >= 0) {
                const idx_t a = NNSPEC_QUOT(ty, sh), b = NNSPEC_QUOT(tz, sw);
                if (a * sh == ty && b * sw == tz && a < oh && b < ow) got = gy[((n[p] * oh + a) * ow + b) * o + ch];
            }
            val[p] = got;
        }
    }
};

// A = cols(x)^T for the filter gradient: rows the kernel entries (i, j, c) (fastest across threads: consecutive
// channels), the reduction over the output pixels.
struct ImageColsA {
    const T* x; idx_t h, w, c, oh, ow, sh, sw, red1;
    unsigned ow_m, ow_s, oh_m, oh_s;
    idx_t ch, yoff, zoff; bool ok; int kk, rr;

    __device__ void fetch(T (&val)[A_PER], idx_t k0) const {
        #pragma unroll
        for (int p = 0; p < A_PER; ++p) {
            const idx_t m = k0 + kk + (THREADS / BM) * p;
            T got = (T)0;
            if (ok && m < red1) {
                const idx_t q = NNSPEC_QUOT(m, ow), b = m - q * ow;
                const idx_t n = NNSPEC_QUOT(q, oh), a = q - n * oh;
                const idx_t y = a * sh + yoff, z = b * sw + zoff;
                if (y >= 0 && y < h && z >= 0 && z < w) got = x[((n * h + y) * w + z) * c + ch];
            }
            val[p] = got;
        }
    }
    __device__ void store(T* as, const T (&val)[A_PER]) const {
        #pragma unroll
        for (int p = 0; p < A_PER; ++p) as[(kk + (THREADS / BM) * p) * LDA + rr] = val[p];
    }
};

// B dense, row-major (reduction rows, ldb columns), columns col0.. of the tile
struct DenseB {
    const T* b; idx_t ldb, red1, cols, col0;
    __device__ void fetch(T (&v)[B_PER], idx_t k0) const {
        #pragma unroll
        for (int p = 0; p < B_PER; ++p) {
            const int e = threadIdx.x + THREADS * p;
            const idx_t k = k0 + e / BN, q = col0 + e % BN;
            v[p] = (k < red1 && q < cols) ? b[k * ldb + q] : (T)0;
        }
    }
    __device__ void store(T* bs, const T (&v)[B_PER]) const {
        #pragma unroll
        for (int p = 0; p < B_PER; ++p) bs[threadIdx.x + THREADS * p] = v[p];
    }
};

// C[row0 + r, col0 + q] = sum over red0 <= k < red1 of A(row0 + r, k) B(k, col0 + q), for rows < M, cols < N
// N consecutive elements of shared memory in 16-byte loads (one 8-byte load for two floats): src is aligned so
template <int N> __device__ __forceinline__ void nnspec_load(T (&dst)[N], const T* src) {
    constexpr int W = N * sizeof(T) < 16 ? N : 16 / sizeof(T);
    struct alignas(W * sizeof(T)) Chunk { T v[W]; };
    #pragma unroll
    for (int q = 0; q < N / W; ++q) {
        const Chunk chunk = reinterpret_cast<const Chunk*>(src)[q];
        #pragma unroll
        for (int e = 0; e < W; ++e) dst[q * W + e] = chunk.v[e];
    }
}

// (as: the dynamic shared memory, two stages of A and B)
template <class LoadA>
__device__ __forceinline__ void nnspec_gemm_tile(const LoadA& la, const DenseB& lb, idx_t red0, idx_t red1,
                                                 idx_t row0, idx_t rows, T* __restrict__ c, idx_t ldc, T* as) {
    T* bs = as + 2 * AS_SIZE;
    const int tr = threadIdx.x / 16, tc = threadIdx.x % 16;
    T acc[TM][TN];
    #pragma unroll
    for (int i = 0; i < TM; ++i)
        #pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = (T)0;
    T va[A_PER], vb[B_PER];
    la.fetch(va, red0); lb.fetch(vb, red0);
    la.store(as, va); lb.store(bs, vb);
    __syncthreads();
    int buf = 0;
    for (idx_t k0 = red0; k0 < red1; k0 += BK) {
        const bool more = k0 + BK < red1;
        if (more) { la.fetch(va, k0 + BK); lb.fetch(vb, k0 + BK); }   // in flight while this step computes
        const T* sa = as + buf * AS_SIZE;
        const T* sb = bs + buf * BS_SIZE;
        #pragma unroll
        for (int kk = 0; kk < BK; ++kk) {
            T a[TM], b[TN];
            nnspec_load(a, sa + kk * LDA + tr * TM);
            nnspec_load(b, sb + kk * BN + tc * TN);
            #pragma unroll
            for (int i = 0; i < TM; ++i)
                #pragma unroll
                for (int j = 0; j < TN; ++j) acc[i][j] += a[i] * b[j];
        }
        // the other buffer was last read before the previous barrier: free to overwrite
        if (more) { la.store(as + (buf ^ 1) * AS_SIZE, va); lb.store(bs + (buf ^ 1) * BS_SIZE, vb); }
        __syncthreads();
        buf ^= 1;
    }
    #pragma unroll
    for (int i = 0; i < TM; ++i) {
        const idx_t r = row0 + tr * TM + i;
        if (r >= rows) continue;
        #pragma unroll
        for (int j = 0; j < TN; ++j) {
            const idx_t q = lb.col0 + tc * TN + j;
            if (q < lb.cols) c[r * ldc + q] = acc[i][j];
        }
    }
}

extern "C" __global__ void nnspec_conv_forward(const T* __restrict__ x, const T* __restrict__ k, T* __restrict__ y,
        int n, int h, int w, int c, int oh, int ow, int kh, int kw, int sh, int sw, int dh, int dw, int pt, int pl,
        int o, int col_tiles, unsigned c_m, unsigned c_s, unsigned kw_m, unsigned kw_s, unsigned ow_m, unsigned ow_s,
        unsigned oh_m, unsigned oh_s) {
    extern __shared__ unsigned char smem[];
    const idx_t M = (idx_t)n * oh * ow, K = (idx_t)kh * kw * c;
    const idx_t row0 = (idx_t)(blockIdx.x / col_tiles) * BM, col0 = (idx_t)(blockIdx.x % col_tiles) * BN;
    ImageRowsA la;
    la.split(M, row0, oh, oh_m, oh_s, ow, ow_m, ow_s);
    #pragma unroll
    for (int p = 0; p < A_PER; ++p) { la.u[p] = la.u[p] * sh - pt; la.v[p] = la.v[p] * sw - pl; }
    la.x = x; la.h = h; la.w = w; la.c = c; la.kw = kw; la.dh = dh; la.dw = dw; la.K = K;
    la.c_m = c_m; la.c_s = c_s; la.kw_m = kw_m; la.kw_s = kw_s;
    const DenseB lb = {k, (idx_t)o, K, (idx_t)o, col0};
    nnspec_gemm_tile(la, lb, 0, K, row0, M, y, (idx_t)o, (T*)smem);
}

extern "C" __global__ void nnspec_conv_backprop_input(const T* __restrict__ gy, const T* __restrict__ kt,
        T* __restrict__ dx, int n, int h, int w, int c, int oh, int ow, int kh, int kw, int sh, int sw, int dh,
        int dw, int pt, int pl, int o, int col_tiles, unsigned o_m, unsigned o_s, unsigned kw_m, unsigned kw_s,
        unsigned sh_m, unsigned sh_s, unsigned sw_m, unsigned sw_s, unsigned w_m, unsigned w_s, unsigned h_m,
        unsigned h_s) {
    extern __shared__ unsigned char smem[];
    const idx_t M = (idx_t)n * h * w, K = (idx_t)kh * kw * o;
    const idx_t row0 = (idx_t)(blockIdx.x / col_tiles) * BM, col0 = (idx_t)(blockIdx.x % col_tiles) * BN;
    GradRowsA la;
    la.split(M, row0, h, h_m, h_s, w, w_m, w_s);
    #pragma unroll
    for (int p = 0; p < A_PER; ++p) { la.u[p] += pt; la.v[p] += pl; }
    la.gy = gy; la.oh = oh; la.ow = ow; la.o = o; la.kw = kw; la.dh = dh; la.dw = dw; la.sh = sh; la.sw = sw;
    la.K = K; la.o_m = o_m; la.o_s = o_s; la.kw_m = kw_m; la.kw_s = kw_s; la.sh_m = sh_m; la.sh_s = sh_s;
    la.sw_m = sw_m; la.sw_s = sw_s;
    const DenseB lb = {kt, (idx_t)c, K, (idx_t)c, col0};
    nnspec_gemm_tile(la, lb, 0, K, row0, M, dx, (idx_t)c, (T*)smem);
}

// partial[s] (kh*kw*C, O) = the filter gradient's sum over the output pixels of chunk s, [s*chunk, (s+1)*chunk)
extern "C" __global__ void nnspec_conv_backprop_filter(const T* __restrict__ x, const T* __restrict__ gy,
        T* __restrict__ partial, int n, int h, int w, int c, int oh, int ow, int kh, int kw, int sh, int sw, int dh,
        int dw, int pt, int pl, int o, int col_tiles, int row_tiles, int chunk, unsigned c_m, unsigned c_s,
        unsigned kw_m, unsigned kw_s, unsigned ow_m, unsigned ow_s, unsigned oh_m, unsigned oh_s) {
    extern __shared__ unsigned char smem[];
    const idx_t M = (idx_t)n * oh * ow, R = (idx_t)kh * kw * c;
    const int tile = blockIdx.x % (col_tiles * row_tiles), s = blockIdx.x / (col_tiles * row_tiles);
    const idx_t row0 = (idx_t)(tile / col_tiles) * BM, col0 = (idx_t)(tile % col_tiles) * BN;
    const idx_t red0 = (idx_t)s * chunk, red1 = min(M, red0 + (idx_t)chunk);
    ImageColsA la;
    la.rr = threadIdx.x % BM; la.kk = threadIdx.x / BM;
    const idx_t r = row0 + la.rr;
    la.ok = r < R;
    idx_t i, j;
    nnspec_tap(la.ok ? r : 0, c, c_m, c_s, kw, kw_m, kw_s, i, j, la.ch);
    la.yoff = i * dh - pt; la.zoff = j * dw - pl;
    la.x = x; la.h = h; la.w = w; la.c = c; la.oh = oh; la.ow = ow; la.sh = sh; la.sw = sw; la.red1 = red1;
    la.ow_m = ow_m; la.ow_s = ow_s; la.oh_m = oh_m; la.oh_s = oh_s;
    const DenseB lb = {gy, (idx_t)o, red1, (idx_t)o, col0};
    nnspec_gemm_tile(la, lb, red0, red1, row0, R, partial + (idx_t)s * R * o, (idx_t)o, (T*)smem);
}
"""


def _tile_cols(cols):
    """BN: 64-wide column tiles for more than 32 columns, else 32."""
    return 64 if cols > 32 else 32


def _tiles(rows, cols):
    """(BM, BN): ``_tile_cols``; 128-row tiles where that still gives every multiprocessor a block, else 64."""
    bn = _tile_cols(cols)
    bm = 128 if -(-rows // 128) * -(-cols // bn) >= multiprocessors() else 64
    return bm, bn


@functools.cache
def multiprocessors():
    """Streaming multiprocessors of the current device (132 on an H100 SXM)."""
    try:
        return cupy.cuda.Device().attributes["MultiProcessorCount"]
    except AttributeError:  # the CPU emulation's stand-in has no device
        return 132


def source(tiles):
    """The kernels' source (for ``indexing.code``/``indexing.module``) with (BM, BN) output tiles."""
    return f"#define BM {tiles[0]}\n#define BN {tiles[1]}\n#define BK {BK}\n#define THREADS {THREADS}\n" + _SOURCE


TILES = ((64, 32), (64, 64), (128, 32), (128, 64))  # every (BM, BN) the launches pick


def _launch(name, dtype, tiles, blocks, args, sizes):
    bm, bn = tiles
    fn = indexing.module(source(tiles), str(dtype), indexing.needs_index64(*sizes)).get_function(name)
    shared = 2 * BK * ((bm + 4) + bn) * np.dtype(dtype).itemsize
    fn((blocks,), (THREADS,), args, shared_mem=shared)


def _geometry(n, hw, c, ohw, khw, strides, dilation, padding, o):
    (pt, _), (pl, _) = padding
    return indexing.ints(n, *hw, c, *ohw, *khw, *strides, *dilation, pt, pl, o)


def conv2d(xp, x, k, strides, dilation, padding):
    """y (N, OH, OW, O) = the correlation of the zero-padded x (N, H, W, C) with k (kh, kw, C, O)."""
    x, k = xp.ascontiguousarray(x), xp.ascontiguousarray(k)
    n, h, w, c = x.shape
    kh, kw, _, o = k.shape
    ohw = ref._out_hw((h, w), (kh, kw), strides, dilation, padding)
    y = xp.empty((n, *ohw, o), dtype=x.dtype)
    rows = n * ohw[0] * ohw[1]
    if y.size == 0:
        return y
    if c == 0:
        y[...] = 0
        return y
    tiles = _tiles(rows, o)
    col_tiles = -(-o // tiles[1])
    args = (x, k, y) + _geometry(n, (h, w), c, ohw, (kh, kw), strides, dilation, padding, o) + \
        indexing.ints(col_tiles) + indexing.divisors(c, kw, ohw[1], ohw[0])
    _launch("nnspec_conv_forward", x.dtype, tiles, -(-rows // tiles[0]) * col_tiles, args, (x.size, y.size, k.size))
    return y


def backprop_input(xp, gy, k, input_hw, strides, dilation, padding):
    """dx (N, H, W, C): the adjoint of ``conv2d`` in x for the output gradient gy (N, OH, OW, O)."""
    gy = xp.ascontiguousarray(gy)
    n, oh, ow, o = gy.shape
    kh, kw, c, _ = k.shape
    kt = xp.ascontiguousarray(k.transpose(0, 1, 3, 2))  # (kh, kw, O, C): B's rows in dcols' column order
    dx = xp.empty((n, *input_hw, c), dtype=gy.dtype)
    rows = n * input_hw[0] * input_hw[1]
    if dx.size == 0:
        return dx
    if gy.size == 0:
        dx[...] = 0
        return dx
    tiles = _tiles(rows, c)
    col_tiles = -(-c // tiles[1])
    args = (gy, kt, dx) + _geometry(n, input_hw, c, (oh, ow), (kh, kw), strides, dilation, padding, o) + \
        indexing.ints(col_tiles) + indexing.divisors(o, kw, *strides, input_hw[1], input_hw[0])
    _launch("nnspec_conv_backprop_input", gy.dtype, tiles, -(-rows // tiles[0]) * col_tiles, args,
            (gy.size, dx.size, kt.size))
    return dx


def filter_splits(pixels, tiles):
    """How many chunks the filter gradient's reduction over ``pixels`` output pixels is split into, for
    ``tiles`` output tiles: about four blocks per multiprocessor, each chunk at least 16 reduction steps."""
    return max(1, min(-(-4 * multiprocessors() // tiles), pixels // (16 * BK)))


def backprop_filter(xp, x, gy, kernel_hw, strides, dilation, padding, splits=None):
    """dk (kh, kw, C, O): the adjoint of ``conv2d`` in k, summed over ``splits`` chunks of output pixels."""
    x, gy = xp.ascontiguousarray(x), xp.ascontiguousarray(gy)
    n, h, w, c = x.shape
    _, oh, ow, o = gy.shape
    kh, kw = kernel_hw
    rows, pixels = kh * kw * c, n * oh * ow
    if rows * o == 0 or pixels == 0:
        return xp.zeros((kh, kw, c, o), dtype=x.dtype)
    tiles = (128 if rows > 64 else 64, _tile_cols(o))
    row_tiles, col_tiles = -(-rows // tiles[0]), -(-o // tiles[1])
    splits = splits or filter_splits(pixels, row_tiles * col_tiles)
    chunk = -(-pixels // splits)
    chunk = -(-chunk // BK) * BK
    splits = -(-pixels // chunk)
    partial = xp.empty((splits, rows, o), dtype=x.dtype)
    args = (x, gy, partial) + _geometry(n, (h, w), c, (oh, ow), kernel_hw, strides, dilation, padding, o) + \
        indexing.ints(col_tiles, row_tiles, chunk) + indexing.divisors(c, kw, ow, oh)
    _launch("nnspec_conv_backprop_filter", x.dtype, tiles, row_tiles * col_tiles * splits, args,
            (x.size, gy.size, partial.size))
    dk = partial[0] if splits == 1 else partial.sum(axis=0)
    return dk.reshape(kh, kw, c, o)
