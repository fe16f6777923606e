/**
 * The copies of C between a tensor's typed array and the padded C block in wasm memory: in, for a
 * product accumulated onto existing values (linear's bias), and out, the `m × n` corner only.
 * One `TypedArray.set` (a memcpy) for the whole block when there is no padding; otherwise one per
 * row for wide rows, and element loops for narrow ones, where a `set` and its `subarray` per row
 * cost more than the copy (about 0.1 µs each against about 1 ns per element).
 */
import type { TypedArray } from '../../dtype.js';

/** A typed-array view of wasm memory in the call's element type. */
export type Heap = Float32Array | Float64Array;

/** Rows narrower than this are copied element by element. */
const NARROW = 64;

/** Copies C (`m × n`, row pitch `ldc`, from `co`) into the padded `· × nPad` block at `q` of `w`. */
export function copyCIn(w: Heap, q: number, nPad: number, c: TypedArray, co: number, ldc: number, m: number, n: number): void {
  if (ldc === n && nPad === n) {
    w.set(c.subarray(co, co + m * n), q);
    return;
  }
  if (n < NARROW) {
    for (let i = 0; i < m; i++) {
      const from = co + i * ldc;
      const to = q + i * nPad;
      for (let j = 0; j < n; j++) w[to + j] = c[from + j]!;
    }
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
  if (n < NARROW) {
    for (let i = 0; i < m; i++) {
      const from = q + i * nPad;
      const to = co + i * ldc;
      for (let j = 0; j < n; j++) c[to + j] = w[from + j]!;
    }
    return;
  }
  for (let i = 0; i < m; i++) c.set(w.subarray(q + i * nPad, q + i * nPad + n), co + i * ldc);
}
