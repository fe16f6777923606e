/**
 * Iteration over strided operands, one innermost row at a time. Kernels supply a row function and
 * so never pay for index arithmetic per element; a same-shape or scalar-broadcast operation is a
 * single row (the fast path falls out of the general one).
 */
import type { Shape } from '../shape.js';

/**
 * Merges adjacent dimensions that every operand walks contiguously together, so rows are as long
 * as possible. `strides[k][d]` is operand k's stride for dimension d (0 where broadcast).
 */
export function collapse(shape: Shape, strides: number[][]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue; // size-1 dims never move any pointer
    const last = outShape.length - 1;
    let mergeable = last >= 0;
    for (let k = 0; mergeable && k < strides.length; k++) {
      if (outStrides[k]![last] !== strides[k]![d]! * n) mergeable = false;
    }
    if (mergeable) {
      outShape[last] = outShape[last]! * n;
      for (let k = 0; k < strides.length; k++) outStrides[k]![last] = strides[k]![d]!;
    } else {
      outShape.push(n);
      for (let k = 0; k < strides.length; k++) outStrides[k]!.push(strides[k]![d]!);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** Strides of `shape` aligned to the right of a rank-`ndim` iteration, 0 on broadcast dims. */
export function broadcastStrides(shape: Shape, ndim: number, target: Shape): number[] {
  const s = new Array<number>(ndim).fill(0);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = ndim - shape.length + i;
    s[d] = shape[i] === 1 && target[d] !== 1 ? 0 : acc;
    acc *= shape[i]!;
  }
  return s;
}

/**
 * A row callback for three operands: offsets and strides of operands A and B, and the offset of a
 * contiguous output row of length `n`.
 */
export type Row3 = (n: number, ao: number, as: number, bo: number, bs: number, oo: number) => void;

/**
 * Walks `shape` (already collapsed) row by row for two strided inputs and a contiguous output.
 */
export function forEachRow3(shape: readonly number[], sa: readonly number[], sb: readonly number[], row: Row3): void {
  const nd = shape.length;
  if (nd === 0) {
    row(1, 0, 0, 0, 0, 0);
    return;
  }
  const n = shape[nd - 1]!;
  const as = sa[nd - 1]!;
  const bs = sb[nd - 1]!;
  if (nd === 1) {
    row(n, 0, as, 0, bs, 0);
    return;
  }
  const outer = nd - 1;
  const idx = new Array<number>(outer).fill(0);
  let ao = 0;
  let bo = 0;
  let oo = 0;
  let rows = 1;
  for (let d = 0; d < outer; d++) rows *= shape[d]!;
  for (let r = 0; r < rows; r++) {
    row(n, ao, as, bo, bs, oo);
    oo += n;
    for (let d = outer - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) {
        ao += sa[d]!;
        bo += sb[d]!;
        break;
      }
      ao -= sa[d]! * (shape[d]! - 1);
      bo -= sb[d]! * (shape[d]! - 1);
      idx[d] = 0;
    }
  }
}
