/** @internal The probability clip every family shares. */
import type { DType } from '@focalgrad/tensor';

/** Keras's `backend.epsilon()` (and the `focal-loss` package's `_EPSILON`): the probability clip. */
export const EPSILON = 1e-7;

/**
 * The clip bounds `[eps, 1 - eps]` as the reference sees them in the compute dtype: in float32,
 * `1 - 1e-7` rounds to `0.99999988` (so `-log(1 - hi)` is 15.942, not 16.118), which is what the
 * Keras test `BinaryCrossentropyTest.test_unweighted` (3.98559) measures.
 */
export function clipBounds(dtype: DType): { lo: number; hi: number } {
  return dtype === 'float32' ? { lo: Math.fround(EPSILON), hi: Math.fround(1 - EPSILON) } : { lo: EPSILON, hi: 1 - EPSILON };
}

/** `eps` as the reference sees it in the compute dtype (the `focal-loss` package's lower clamp). */
export function epsilonIn(dtype: DType): number {
  return dtype === 'float32' ? Math.fround(EPSILON) : EPSILON;
}
