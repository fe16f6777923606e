/**
 * @internal Input domains: probabilities and binary labels in [0, 1], one-hot or soft label rows
 * that are distributions, sample weights that are finite and >= 0. Outside them the references
 * return a plausible wrong number (a negative loss, a loss of 29.5 for a probability of 1.5) or
 * NaN; here each is a ValueError naming the argument, the flat index and the value, as PyTorch's
 * `binary_cross_entropy` does ("all elements of input should be between 0 and 1"). One tight loop
 * per checked tensor per call, outside the kernels.
 */
import { type Tensor, ValueError, splitAround } from '@focalgrad/tensor';

/** The flat index of the first entry outside [0, 1] (NaN included), or −1. */
function firstOutsideUnit(d: ArrayLike<number>): number {
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!(v >= 0 && v <= 1)) return i;
  }
  return -1;
}

/**
 * Throws unless every entry of `t` is in [0, 1]. `what` names the values in the message
 * (`'probabilities (fromLogits is false)'`, `'labels'`).
 */
export function checkUnitInterval(t: Tensor, op: string, arg: string, what: string): void {
  const i = firstOutsideUnit(t.data);
  if (i >= 0) throw new ValueError(op, arg, `expected ${what} in [0, 1], got ${t.data[i]} at flat index ${i}`);
}

/**
 * How far a label row's sum may be from 1: a few roundings of each entry in the labels' dtype,
 * summed in float64 (soft labels computed in float32 sum to 1 within about 1e-7 per class).
 */
function sumTolerance(dtype: string, k: number): number {
  return (dtype === 'float64' ? 1e-12 : 1e-6) * Math.max(1, k);
}

/**
 * Throws unless every label row along `axis` is a distribution: entries in [0, 1] summing to 1
 * (one-hot rows, smoothed rows, soft targets). A row of zeros or a multi-hot row has no
 * categorical crossentropy meaning; Keras returns a number for them anyway.
 */
export function checkDistributionRows(y: Tensor, axis: number, op: string, arg: string): void {
  const [outer, K, inner] = splitAround(y.shape, axis);
  const d = y.data;
  const tol = sumTolerance(y.dtype, K);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * K * inner + i;
      let s = 0;
      for (let k = 0, idx = base; k < K; k++, idx += inner) {
        const v = d[idx]!;
        if (!(v >= 0 && v <= 1)) throw new ValueError(op, arg, `expected label probabilities in [0, 1], got ${v} at flat index ${idx}`);
        s += v;
      }
      if (!(Math.abs(s - 1) <= tol)) {
        throw new ValueError(op, arg, `expected each row along axis ${axis} to be a distribution (entries in [0, 1] summing to 1), got a row summing to ${s} starting at flat index ${base}`);
      }
    }
  }
}

/** Throws unless every sample weight is a finite number >= 0. */
export function checkSampleWeight(w: Tensor, op: string): void {
  const d = w.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!(v >= 0 && v < Infinity)) throw new ValueError(op, 'sampleWeight', `expected finite weights >= 0, got ${v} at flat index ${i}`);
  }
}

/** A binary loss's labels in [0, 1] and, from probabilities, its predictions in [0, 1]. */
export function checkBinaryDomain(yTrue: Tensor, yPred: Tensor, fromLogits: boolean, op: string): void {
  checkUnitInterval(yTrue, op, 'yTrue', 'labels');
  if (!fromLogits) checkUnitInterval(yPred, op, 'yPred', 'probabilities (fromLogits is false)');
}
