/**
 * The WebAssembly GEMM kernels against the JavaScript kernels: every shape class (1×1, edge tiles
 * in m and n, k = 0, empty outputs, more than one kc block of depth and mc block of rows), every
 * transpose layout, batched products with broadcast batch dimensions, linear with and without a
 * bias; integer and mixed dtypes go to JavaScript unchanged; and the memory is grown, re-viewed
 * and released correctly.
 *
 * Error bound. For a dot product of length k computed in floating point with unit roundoff u,
 * in any order, |computed − exact| ≤ γ_k · Σ_p |a_p b_p| with γ_k = k·u/(1 − k·u) (Higham,
 * "Accuracy and Stability of Numerical Algorithms", 2nd ed., §3.1, eq. 3.5). The wasm float32
 * kernel accumulates in float32 (u = 2⁻²⁴); the JavaScript kernel accumulates in float64 and rounds
 * each 512-deep block's partial sum to float32, which adds ⌈k/512⌉ + 1 roundings of at most u
 * each. So the two may differ by at most (k + ⌈k/512⌉ + 2) · u · (|A|·|B|)ᵢⱼ (γ_k ≈ k·u for k·u ≪ 1;
 * one more u covers that). float64 uses the same bound with u = 2⁻⁵³ on both sides. The bound is
 * relative to the sum of absolute products, not to |Cᵢⱼ|, because a sum that cancels has no
 * small relative error in any order of summation. Relaxed SIMD's fused multiply-add only removes
 * roundings, so the bound holds there too.
 */
import { describe, expect, it } from 'vitest';
import { Rng, Tensor, tensor } from '@focalgrad/tensor';
import { jsKernels } from '../../packages/tensor/src/kernels/index.js';
import { GemmCall, wasmGemm } from '../../packages/tensor/src/kernels/wasm/gemm.js';
import { wasmKernels } from '../../packages/tensor/src/kernels/wasm/index.js';
import { jsIsFaster } from '../../packages/tensor/src/kernels/wasm/linalg.js';
import { allocate } from '../../packages/tensor/src/dtype.js';
import { MAX_BYTES, RETAIN_BYTES, memoryBytes, reserve } from '../../packages/tensor/src/kernels/wasm/memory.js';

const wasm = wasmKernels as Required<typeof wasmKernels>;
const rng = new Rng(2024);
type Float = 'float32' | 'float64';
const U: Record<Float, number> = { float32: 2 ** -24, float64: 2 ** -53 };

function rand(shape: number[], dtype: Float | 'int32' = 'float64'): Tensor {
  if (dtype === 'int32') return tensor(Array.from(rng.randn(shape).data, (v) => Math.round(4 * v)), { dtype: 'int32' }).reshape(shape);
  return rng.randn(shape, { dtype });
}

/** (|A|·|B|) for the 2-D problem `C[m×n] = A(i,p)·B(p,j)` given element accessors. */
function absProducts(m: number, n: number, k: number, A: (i: number, p: number) => number, B: (p: number, j: number) => number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += Math.abs(A(i, p) * B(p, j));
    out[i * n + j] = s;
  }
  return out;
}

/** Asserts |got − want| ≤ (k + ⌈k/512⌉ + 2)·u·(|A|·|B|) elementwise (the file comment's bound). */
function expectWithinBound(got: ArrayLike<number>, want: ArrayLike<number>, abs: Float64Array, k: number, dtype: Float, label: string): void {
  expect(got.length, label).toBe(want.length);
  const scale = (k + Math.ceil(k / 512) + 2) * U[dtype];
  for (let i = 0; i < got.length; i++) {
    const err = Math.abs(got[i]! - want[i]!);
    if (!(err <= scale * abs[i]!)) expect.fail(`${label}: element ${i}: ${got[i]} vs ${want[i]}, error ${err} > bound ${scale * abs[i]!}`);
  }
}

// m and n around the 4-row and 8- (float32) or 4-column (float64) tiles, k across the 256-deep
// blocks, m across the 128-row blocks.
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 1, 7], [4, 8, 1], [3, 5, 2], [5, 9, 3], [7, 1, 300], [1, 9, 300], [6, 13, 256], [17, 33, 257],
  [33, 17, 9], [64, 64, 64], [130, 70, 600], [129, 515, 40], [257, 12, 513],
];

describe('wasm GEMM: matmulT against the JavaScript kernel', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [m, n, k] of SHAPES) {
      it(`${dtype} ${m}×${k} · ${k}×${n}, every transpose layout`, () => {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            const a = rand(transA ? [k, m] : [m, k], dtype);
            const b = rand(transB ? [n, k] : [k, n], dtype);
            const attrs = { transA, transB };
            const got = wasm.matmulT([a, b], attrs);
            const want = jsKernels.matmulT([a, b], attrs);
            expect(got.dtype).toBe(dtype);
            expect(got.shape).toEqual([m, n]);
            const A = (i: number, p: number) => a.data[transA ? p * m + i : i * k + p]!;
            const B = (p: number, j: number) => b.data[transB ? j * k + p : p * n + j]!;
            const abs = absProducts(m, n, k, A, B);
            expectWithinBound(got.data, want.data, abs, k, dtype, `transA=${transA} transB=${transB}`);
            // The wasm GEMM itself, also on the shapes the kernel leaves to JavaScript (n = 1, tiny).
            const direct = allocate(dtype, m * n).fill(Number.NaN);
            const ok = wasmGemm(dtype, m, n, k, a.data, 0, transA ? 1 : k, transA ? m : 1, b.data, 0, transB ? 1 : n, transB ? k : 1, direct, 0, n, false);
            expect(ok).toBe(true);
            expectWithinBound(direct, want.data, abs, k, dtype, `wasmGemm transA=${transA} transB=${transB}`);
          }
        }
      });
    }
  }

  it('float64 products of small integers are exact, as in JavaScript', () => {
    const m = 37, n = 41, k = 300;
    const a = tensor(Array.from({ length: m * k }, (_, i) => ((i * 7919) % 17) - 8), { dtype: 'float64' }).reshape([m, k]);
    const b = tensor(Array.from({ length: k * n }, (_, i) => ((i * 104729) % 13) - 6), { dtype: 'float64' }).reshape([k, n]);
    expect(Array.from(wasm.matmul([a, b]).data)).toEqual(Array.from(jsKernels.matmul([a, b]).data));
  });

  it('k = 0 gives zeros (or leaves C to accumulate onto) and empty operands give empty results', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [m, n, k] of [[3, 5, 0], [0, 4, 3], [4, 0, 3], [0, 0, 0], [40, 50, 0]] as const) {
        const a = rand([m, k], dtype);
        const b = rand([k, n], dtype);
        const got = wasm.matmul([a, b]);
        expect(got.shape).toEqual([m, n]);
        expect(Array.from(got.data)).toEqual(new Array(m * n).fill(0));
        for (const accumulate of [false, true]) {
          const c = allocate(dtype, m * n).fill(2);
          expect(wasmGemm(dtype, m, n, k, a.data, 0, k, 1, b.data, 0, n, 1, c, 0, n, accumulate)).toBe(true);
          expect(Array.from(c)).toEqual(new Array(m * n).fill(k === 0 && !accumulate ? 0 : 2));
        }
      }
    }
  });

  it('leaves single-column and tiny products to JavaScript (faster there), and takes the rest', () => {
    expect(jsIsFaster(1000, 1, 32)).toBe(true);
    expect(jsIsFaster(4, 4, 4)).toBe(true);
    expect(jsIsFaster(1, 64, 64)).toBe(false);
    expect(jsIsFaster(8, 8, 8)).toBe(false);
  });
});

describe('wasm GEMM: batched matmul with broadcast batch dimensions', () => {
  const CASES: [number[], number[]][] = [
    [[2, 3, 5, 7], [3, 7, 6]], // B broadcast over the leading batch dimension
    [[5, 9], [4, 9, 10]], // A shared by every batch: packed once
    [[3, 6, 4], [4, 9]], // B shared and A holding every batch: one stacked GEMM
    [[2, 1, 5, 3], [1, 4, 3, 9]], // both operands broadcast
    [[1, 5, 300], [2, 300, 11]],
    [[0, 3, 4], [4, 5]], // an empty batch
    [[2, 0, 4], [2, 4, 3]], // m = 0 in every batch
  ];
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [sa, sb] of CASES) {
      it(`${dtype} ${JSON.stringify(sa)} @ ${JSON.stringify(sb)}`, () => {
        const a = rand(sa, dtype);
        const b = rand(sb, dtype);
        const got = wasm.matmul([a, b]);
        const want = jsKernels.matmul([a, b]);
        expect(got.shape).toEqual(want.shape);
        expect(got.dtype).toBe(dtype);
        // Bound each batch slice with the same |A|·|B| as its own 2-D product.
        const k = sa[sa.length - 1]!;
        const absA = a.abs();
        const absB = b.abs();
        const abs = Float64Array.from(jsKernels.matmul([absA.astype('float64'), absB.astype('float64')]).data);
        expectWithinBound(got.data, want.data, abs, k, dtype, 'batched');
      });
    }
  }
});

describe('wasm GEMM: linear', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [rows, inF, outF] of [[1, 1, 1], [6, 4, 3], [33, 300, 1], [130, 65, 17], [2, 513, 9]] as const) {
      for (const withBias of [false, true]) {
        it(`${dtype} x ${rows}×${inF}, weight ${outF}×${inF}, bias=${withBias}`, () => {
          const x = rand([rows, inF], dtype);
          const w = rand([outF, inF], dtype);
          const bias = rand([outF], dtype);
          const inputs = withBias ? [x, w, bias] : [x, w];
          const got = wasm.linear(inputs);
          const want = jsKernels.linear(inputs);
          expect(got.shape).toEqual([rows, outF]);
          expect(got.dtype).toBe(dtype);
          // The bias is one more term of each sum.
          const abs = absProducts(rows, outF, inF, (i, p) => x.data[i * inF + p]!, (p, j) => w.data[j * inF + p]!);
          if (withBias) for (let i = 0; i < abs.length; i++) abs[i]! += Math.abs(bias.data[i % outF]!);
          expectWithinBound(got.data, want.data, abs, inF + 1, dtype, 'linear');
        });
      }
    }
  }
});

describe('wasm GEMM: dtypes the wasm tier leaves to JavaScript', () => {
  it('int32 operands give exactly the JavaScript result and dtype', () => {
    const a = rand([5, 7], 'int32');
    const b = rand([7, 3], 'int32');
    for (const [got, want] of [
      [wasm.matmul([a, b]), jsKernels.matmul([a, b])],
      [wasm.matmulT([a, b.transpose().clone()], { transA: false, transB: true }), jsKernels.matmulT([a, b.transpose().clone()], { transA: false, transB: true })],
      [wasm.linear([a, b.transpose().clone()]), jsKernels.linear([a, b.transpose().clone()])],
    ] as const) {
      expect(got.dtype).toBe(want.dtype);
      expect(Array.from(got.data)).toEqual(Array.from(want.data));
    }
  });

  it('mixed float32 / float64 operands give exactly the JavaScript result (promoted to float64)', () => {
    const a = rand([6, 9], 'float32');
    const b = rand([9, 4], 'float64');
    const bias = rand([4], 'float32');
    const got = wasm.matmul([a, b]);
    expect(got.dtype).toBe('float64');
    expect(Array.from(got.data)).toEqual(Array.from(jsKernels.matmul([a, b]).data));
    const w = rand([4, 9], 'float32');
    const lin = wasm.linear([a.astype('float64'), w, bias]);
    expect(Array.from(lin.data)).toEqual(Array.from(jsKernels.linear([a.astype('float64'), w, bias]).data));
  });
});

describe('wasm GEMM: memory', () => {
  it('grows for a larger call (re-taking its views), releases a memory past RETAIN_BYTES, and keeps working', () => {
    const check = (m: number, n: number, k: number): void => {
      const a = rand([m, k], 'float64');
      const b = rand([k, n], 'float64');
      const got = wasm.matmul([a, b]);
      const want = jsKernels.matmul([a, b]);
      expectWithinBound(got.data, want.data, Float64Array.from(jsKernels.matmul([a.abs(), b.abs()]).data), k, 'float64', `${m}×${k}×${n}`);
    };
    // A skinny product whose packed operands need more than RETAIN_BYTES: released afterwards.
    const k = Math.ceil(RETAIN_BYTES / 8 / (4 + 4)) + 1000;
    check(3, 2, k);
    expect(memoryBytes()).toBe(0);
    check(8, 8, 8); // a fresh one-page memory and fresh instances
    const small = memoryBytes();
    expect(small).toBe(65536);
    check(64, 70, 300); // grows: the float64 views over the old buffer are detached
    expect(memoryBytes()).toBeGreaterThan(small);
    check(5, 6, 7); // smaller again, on the grown memory
  });

  it('refuses a call beyond MAX_BYTES without allocating (the kernels then run JavaScript)', () => {
    expect(reserve(MAX_BYTES + 1)).toBe(false);
    expect(GemmCall.start('float32', 20000, 20000, 20000)).toBeNull();
  });

  it('wasmGemm accumulates onto C at an offset with a row pitch, touching nothing else', () => {
    const m = 5, n = 9, k = 11, ldc = 12, co = 3;
    const a = new Float64Array(rand([m * k]).data);
    const b = new Float64Array(rand([k * n]).data);
    const c = new Float64Array(co + m * ldc).fill(0.25);
    expect(wasmGemm('float64', m, n, k, a, 0, k, 1, b, 0, n, 1, c, co, ldc, true)).toBe(true);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < ldc; j++) {
        let want = 0.25;
        if (j < n) for (let p = 0; p < k; p++) want += a[i * k + p]! * b[p * n + j]!;
        expect(c[co + i * ldc + j]).toBeCloseTo(want, 12);
      }
    }
    expect(Array.from(c.subarray(0, co))).toEqual([0.25, 0.25, 0.25]);
  });
});
