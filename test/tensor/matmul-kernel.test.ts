/**
 * The packed GEMM kernel and the fused transposed-operand ops (`matmulT`, `linear`): values against
 * a naive float64 triple loop for every transpose layout and for shapes that hit each code path
 * (tiny direct loop, matrix-vector, packed blocks with ragged edges, k split across blocks), and
 * first and second derivatives by finite differences.
 */
import { describe, expect, it } from 'vitest';
import { Rng, Tensor, gradcheck, gradgradcheck, matmul, nn, tensor } from '@focalgrad/tensor';
import { gemmStrided } from '../../packages/tensor/src/kernels/matmul.js';
import { matmulT } from '../../packages/tensor/src/ops/linear.js';

function naive(m: number, n: number, k: number, a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      c[i * n + j] = s;
    }
  }
  return c;
}

function transposed(x: ArrayLike<number>, rows: number, cols: number, T: Float64ArrayConstructor | Float32ArrayConstructor): Float64Array | Float32Array {
  const out = new T(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = x[i * cols + j]!;
  return out;
}

// Shapes chosen to hit: the tiny direct loop, n = 1 and m = 1 (matrix-vector, both layouts),
// packed blocks with ragged micro-tiles, more than one KC (512) block of k, more than one MC (128)
// block of rows and more than one NC (512) block of columns.
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [2, 2, 2], [3, 5, 7], [7, 1, 300], [1, 9, 300], [5, 6, 700], [33, 17, 9], [130, 70, 600], [129, 515, 40], [64, 10, 256],
];

describe('gemmStrided', () => {
  const rng = new Rng(7);
  for (const [m, n, k] of SHAPES) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${m}x${k} · ${k}x${n} ${dtype}, every transpose layout, overwrite and accumulate`, () => {
        const T = dtype === 'float64' ? Float64Array : Float32Array;
        const a = new T(rng.randn([m * k]).data);
        const b = new T(rng.randn([k * n]).data);
        const ref = naive(m, n, k, a, b);
        const at = transposed(a, m, k, T);
        const bt = transposed(b, k, n, T);
        // float64: only the summation order differs from the naive loop. float32: the kernel
        // accumulates in float64 and rounds each k-block's partial sum to float32 once; for unit
        // normal inputs the sums are of magnitude ~√k, so the error is a few float32 ulps (2^-23) of √k.
        const tol = dtype === 'float64' ? 1e-12 * k : 4 * 2 ** -23 * Math.max(1, Math.sqrt(k)) * 4;
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            for (const acc of [false, true]) {
              const c = new T(m * n + 2).fill(acc ? 0.5 : 99);
              gemmStrided(m, n, k, ta ? at : a, 0, ta ? 1 : k, ta ? m : 1, tb ? bt : b, 0, tb ? 1 : n, tb ? k : 1, c, 2, n, acc);
              let worst = 0;
              for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(c[2 + i]! - (ref[i]! + (acc ? 0.5 : 0))));
              expect(worst, `transA=${ta} transB=${tb} accumulate=${acc}`).toBeLessThanOrEqual(tol);
              expect(c[0]).toBe(acc ? 0.5 : 99); // nothing before the offset is touched
            }
          }
        }
      });
    }
  }

  it('float64 products are exact where the naive loop is exact (integers)', () => {
    const m = 37, n = 41, k = 300;
    const a = new Float64Array(m * k).map((_, i) => ((i * 7919) % 17) - 8);
    const b = new Float64Array(k * n).map((_, i) => ((i * 104729) % 13) - 6);
    const c = new Float64Array(m * n);
    gemmStrided(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0, n, false);
    expect(Array.from(c)).toEqual(Array.from(naive(m, n, k, a, b)));
  });
});

describe('matmulT and fused linear', () => {
  const rng = new Rng(11);
  const f64 = (shape: number[]) => rng.randn(shape, { dtype: 'float64' });

  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    it(`matmulT transA=${ta} transB=${tb}: value, gradcheck, gradgradcheck`, () => {
      const a = f64(ta ? [4, 3] : [3, 4]);
      const b = f64(tb ? [5, 4] : [4, 5]);
      const want = matmul(ta ? a.transpose() : a, tb ? b.transpose() : b);
      const got = matmulT(a, b, ta, tb);
      expect(got.shape).toEqual([3, 5]);
      for (let i = 0; i < got.size; i++) expect(got.data[i]).toBeCloseTo(want.data[i]!, 12);
      const f = (x: Tensor, y: Tensor) => matmulT(x, y, ta, tb);
      expect(gradcheck(f, [a, b]).ok).toBe(true);
      expect(gradgradcheck(f, [a, b]).ok).toBe(true);
    });
  }

  it('matmul 2-D gradients (now through matmulT) pass gradcheck and gradgradcheck', () => {
    const a = f64([3, 4]);
    const b = f64([4, 2]);
    expect(gradcheck((x: Tensor, y: Tensor) => matmul(x, y), [a, b]).ok).toBe(true);
    expect(gradgradcheck((x: Tensor, y: Tensor) => matmul(x, y), [a, b]).ok).toBe(true);
  });

  for (const xShape of [[6, 4], [4], [2, 3, 4]]) {
    for (const withBias of [true, false]) {
      it(`nn.functional.linear x ${JSON.stringify(xShape)} bias=${withBias}: equals x @ wᵀ + b, gradcheck, gradgradcheck`, () => {
        const x = f64(xShape);
        const w = f64([3, 4]);
        const b = f64([3]);
        const y = nn.functional.linear(x, w, withBias ? b : null);
        const ref = matmul(x, w.transpose());
        const want = withBias ? ref.add(b) : ref;
        expect(y.shape).toEqual(want.shape);
        for (let i = 0; i < y.size; i++) expect(y.data[i]).toBeCloseTo(want.data[i]!, 12);
        const f = withBias
          ? (xx: Tensor, ww: Tensor, bb: Tensor) => nn.functional.linear(xx, ww, bb)
          : (xx: Tensor, ww: Tensor) => nn.functional.linear(xx, ww);
        const inputs = withBias ? [x, w, b] : [x, w];
        expect(gradcheck(f as (...t: Tensor[]) => Tensor, inputs).ok).toBe(true);
        expect(gradgradcheck(f as (...t: Tensor[]) => Tensor, inputs).ok).toBe(true);
      });
    }
  }

  it('linear keeps float32 in float32 and matches the float64 result to float32 accuracy', () => {
    const x = f64([50, 64]);
    const w = f64([10, 64]);
    const b = f64([10]);
    const y64 = nn.functional.linear(x, w, b);
    const y32 = nn.functional.linear(tensor(x, { dtype: 'float32' }), tensor(w, { dtype: 'float32' }), tensor(b, { dtype: 'float32' }));
    expect(y32.dtype).toBe('float32');
    for (let i = 0; i < y32.size; i++) expect(Math.abs(y32.data[i]! - y64.data[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(y64.data[i]!)));
  });
});
