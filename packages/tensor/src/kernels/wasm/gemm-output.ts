/**
 * The copies of C between a tensor's typed array and the padded C block in wasm memory: in, for a
 * product accumulated onto existing values (linear's bias), and out, the `m × n` corner only.
 * Whole-row `TypedArray.set` copies (memcpy), one for the whole block when there is no padding.
 */
import type { TypedArray } from '../../dtype.js';

/** A typed-array view of wasm memory in the call's element type. */
export type Heap = Float32Array | Float64Array;

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
