/** @internal The softmax losses' error for a probability row they cannot renormalise. */
import { ValueError } from '@focalgrad/tensor';

/** The error for a probability row that sums to 0 (Keras would return NaN). */
export function zeroRow(op: string, base: number, axis: number): ValueError {
  return new ValueError(
    op,
    'yPred',
    `has a row of probabilities summing to 0 (starting at flat index ${base}, class axis ${axis}); the probability path divides each row by its sum, so a zero row has no defined loss`,
  );
}

