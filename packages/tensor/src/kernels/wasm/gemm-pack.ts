/**
 * Copying GEMM operands into wasm memory in the packed layout `gemm-module.ts` reads, straight
 * from the tensors' typed arrays: the copy in *is* the packing, one pass per operand. Operands are
 * addressed through a row and a column stride, so a transposed operand is packed from strided
 * reads and never materialised; each loop walks its source along whichever stride is 1.
 * Also the copies of C in (to accumulate onto, as linear's bias) and out (its `m × n` corner).
 */
import type { TypedArray } from '../../dtype.js';

/** A typed-array view of wasm memory in the call's element type. */
export type Heap = Float32Array | Float64Array;

/** Rows of an A panel (the same for both float families). */
export const MR = 4;

/**
 * Packs `A` (`m × k`, `A(i, p) = a[ao + i·ars + p·acs]`) at element `q` of `w` as MR-row panels,
 * `kcMax`-deep block by block; the rows that pad `m` to a multiple of MR are zeros.
 */
export function packA(w: Heap, q: number, a: TypedArray, ao: number, ars: number, acs: number, m: number, k: number, kcMax: number): void {
  for (let pc = 0; pc < k; pc += kcMax) {
    const kc = Math.min(kcMax, k - pc);
    for (let i0 = 0; i0 < m; i0 += MR) {
      const r0 = ao + i0 * ars + pc * acs;
      if (i0 + MR <= m && acs === 1) {
        // Row-major A: four rows read forwards side by side.
        const r1 = r0 + ars;
        const r2 = r1 + ars;
        const r3 = r2 + ars;
        for (let p = 0; p < kc; p++, q += MR) {
          w[q] = a[r0 + p]!;
          w[q + 1] = a[r1 + p]!;
          w[q + 2] = a[r2 + p]!;
          w[q + 3] = a[r3 + p]!;
        }
      } else if (i0 + MR <= m) {
        // Transposed (or general) A: four elements of a stored row per k step.
        for (let p = 0, r = r0; p < kc; p++, r += acs, q += MR) {
          w[q] = a[r]!;
          w[q + 1] = a[r + ars]!;
          w[q + 2] = a[r + 2 * ars]!;
          w[q + 3] = a[r + 3 * ars]!;
        }
      } else {
        const rows = m - i0;
        for (let p = 0, r = r0; p < kc; p++, r += acs, q += MR) {
          let i = 0;
          for (; i < rows; i++) w[q + i] = a[r + i * ars]!;
          for (; i < MR; i++) w[q + i] = 0;
        }
      }
    }
  }
}

/**
 * Packs `B` (`k × n`, `B(p, j) = b[bo + p·brs + j·bcs]`) at element `q` of `w` as `nr`-column
 * panels, `kcMax`-deep block by block; the columns that pad `n` to a multiple of `nr` are zeros.
 */
export function packB(
  w: Heap,
  q: number,
  b: TypedArray,
  bo: number,
  brs: number,
  bcs: number,
  k: number,
  n: number,
  kcMax: number,
  nr: number,
): void {
  for (let pc = 0; pc < k; pc += kcMax) {
    const kc = Math.min(kcMax, k - pc);
    for (let j0 = 0; j0 < n; j0 += nr) {
      const cols = Math.min(nr, n - j0);
      const base = bo + pc * brs + j0 * bcs;
      if (bcs === 1 && cols === nr) {
        // Row-major B: each panel row is nr consecutive elements of a stored row.
        for (let p = 0, r = base; p < kc; p++, r += brs, q += nr) {
          for (let j = 0; j < nr; j++) w[q + j] = b[r + j]!;
        }
      } else {
        // Transposed B (or an edge panel): walk down each column, along the stored rows.
        for (let j = 0; j < cols; j++) {
          for (let p = 0, r = base + j * bcs, o = q + j; p < kc; p++, r += brs, o += nr) w[o] = b[r]!;
        }
        for (let j = cols; j < nr; j++) {
          for (let p = 0, o = q + j; p < kc; p++, o += nr) w[o] = 0;
        }
        q += kc * nr;
      }
    }
  }
}

/** Copies C (`m × n`, row pitch `ldc`, from `co`) into the padded `· × nPad` block at `q` of `w`. */
export function copyCIn(w: Heap, q: number, nPad: number, c: TypedArray, co: number, ldc: number, m: number, n: number): void {
  if (ldc === n && nPad === n) {
    w.set(c.subarray(co, co + m * n), q);
    return;
  }
  for (let i = 0; i < m; i++) w.set(c.subarray(co + i * ldc, co + i * ldc + n), q + i * nPad);
}

/** Copies the `m × n` corner of the padded block at `q` of `w` out to C (row pitch `ldc`, at `co`). */
export function copyCOut(w: Heap, q: number, nPad: number, c: TypedArray, co: number, ldc: number, m: number, n: number): void {
  if (ldc === n && nPad === n) {
    c.set(w.subarray(q, q + m * n), co);
    return;
  }
  for (let i = 0; i < m; i++) c.set(w.subarray(q + i * nPad, q + i * nPad + n), co + i * ldc);
}
