/**
 * Class weights from class counts, to pass as `alpha` (categorical focal) or `classWeight`
 * (sparse focal).
 */
import { ValueError } from '@focalgrad/tensor';

/**
 * Options of {@link alphaFromCounts}.
 *
 * @example
 * ```ts
 * const opts: AlphaFromCountsOptions = { method: 'effective', beta: 0.999 };
 * ```
 */
export interface AlphaFromCountsOptions {
  /**
   * `'effective'` (default): Cui et al.'s effective number of samples, `w_c ∝ (1 − β) / (1 − β^{n_c})`;
   * `'inverse'`: inverse frequency, `w_c ∝ 1 / n_c`.
   */
  method?: 'inverse' | 'effective';
  /**
   * β in `[0, 1)` for `'effective'` (default `0.999`). `β = 0` gives equal weights; β → 1
   * approaches inverse frequency. Ignored by `'inverse'`.
   */
  beta?: number;
  /**
   * Whether to rescale the weights so that they sum to the number of classes, as in Cui et al.
   * (default `true`). With `false`, the raw `(1 − β)/(1 − β^{n_c})` or `1 / n_c` is returned.
   */
  normalize?: boolean;
}

/**
 * Per-class weights from per-class sample counts — Cui et al. 2019, "Class-Balanced Loss Based on
 * Effective Number of Samples" (CVPR, arXiv 1901.05555): the effective number of samples of class
 * c is `E_c = (1 − β^{n_c}) / (1 − β)` and its weight is `1 / E_c`, rescaled so that the weights
 * sum to the number of classes C. `'inverse'` uses `1 / n_c` with the same rescaling.
 *
 * Counts must be finite and positive (a class with no samples would get an infinite weight); for
 * `'effective'` they must also be integers (they are numbers of samples). `'inverse'` accepts any
 * positive numbers, e.g. class frequencies.
 *
 * @param counts - the number of training samples of each class.
 * @param options - `method` (default `'effective'`), `beta` (default `0.999`), `normalize` (default `true`).
 * @returns one weight per class.
 * @example
 * ```ts
 * alphaFromCounts([100, 10, 1], { method: 'inverse' });          // [0.02703, 0.2703, 2.703] (sums to 3)
 * alphaFromCounts([5000, 500, 50], { beta: 0.999 });             // effective-number weights
 * new CategoricalFocalCrossentropy({ alpha: alphaFromCounts([900, 90, 10]) });
 * ```
 */
export function alphaFromCounts(counts: readonly number[], options: AlphaFromCountsOptions = {}): number[] {
  const op = 'alphaFromCounts';
  const method = options.method ?? 'effective';
  if (method !== 'inverse' && method !== 'effective') {
    throw new ValueError(op, 'method', `expected 'inverse' or 'effective', got ${JSON.stringify(method)}`);
  }
  const beta = options.beta ?? 0.999;
  if (typeof beta !== 'number' || !(beta >= 0 && beta < 1)) throw new ValueError(op, 'beta', `expected a number in [0, 1), got ${String(beta)}`);
  const normalize = options.normalize ?? true;
  if (typeof normalize !== 'boolean') throw new ValueError(op, 'normalize', `expected a boolean, got ${String(normalize)}`);
  if (!Array.isArray(counts) || counts.length === 0) {
    throw new ValueError(op, 'counts', `expected a non-empty array of per-class counts, got ${Array.isArray(counts) ? 'an empty array' : typeof counts}`);
  }
  const w = counts.map((n, i) => {
    if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) {
      throw new ValueError(op, `counts[${i}]`, `expected a finite number > 0 (a class with no samples has no finite weight), got ${String(n)}`);
    }
    if (method === 'inverse') return 1 / n;
    if (!Number.isInteger(n)) throw new ValueError(op, `counts[${i}]`, `expected an integer number of samples for method 'effective', got ${n}`);
    // (1 − β) / (1 − β^n), with 1 − β^n = −expm1(n·log β) computed without cancellation
    return beta === 0 ? 1 : (1 - beta) / -Math.expm1(n * Math.log(beta));
  });
  if (!normalize) return w;
  const total = w.reduce((s, v) => s + v, 0);
  return w.map((v) => (v * w.length) / total);
}
