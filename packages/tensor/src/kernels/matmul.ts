import type { TypedArray } from '../dtype.js';

/**
 * C[m×n] = A[m×k] · B[k×n] for row-major blocks at the given offsets, accumulating in float64
 * and blocked over k and n so a panel of B stays in cache while rows of A stream past.
 */
export function gemm(
  a: TypedArray,
  ao: number,
  b: TypedArray,
  bo: number,
  c: TypedArray,
  co: number,
  m: number,
  k: number,
  n: number,
): void {
  const KB = 128;
  const NB = 512;
  const acc = new Float64Array(Math.min(n, NB));
  for (let j0 = 0; j0 < n; j0 += NB) {
    const nb = Math.min(NB, n - j0);
    for (let i = 0; i < m; i++) {
      acc.fill(0, 0, nb);
      const arow = ao + i * k;
      for (let p0 = 0; p0 < k; p0 += KB) {
        const pe = Math.min(k, p0 + KB);
        for (let p = p0; p < pe; p++) {
          const av = a[arow + p]!;
          if (av === 0) continue;
          const brow = bo + p * n + j0;
          for (let j = 0; j < nb; j++) acc[j] = acc[j]! + av * b[brow + j]!;
        }
      }
      const crow = co + i * n + j0;
      for (let j = 0; j < nb; j++) c[crow + j] = acc[j]!;
    }
  }
}
