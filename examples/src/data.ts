/**
 * Seeded synthetic imbalanced data sets for the examples.
 *
 * Everything here is deterministic for a seed: the same options give the same points, labels,
 * split and minibatch order on every machine (the generator is {@link Rng}, sfc32).
 *
 * Class sizes are EXACT counts, not sampled rates: asking for 2,000 points at a 1% positive rate
 * gives exactly 20 positives, never 17 or 24. Counts are rounded with the largest-remainder method
 * so they sum to `n`, and every class gets at least one point.
 */
import { Rng, tensor, type Tensor } from '@focalgrad/tensor';

/** A data set held in plain typed arrays: `x` is row-major `(n, dim)`, `y` holds class indices. */
export interface Dataset {
  /** Features, row-major, `n * dim` values. */
  readonly x: Float64Array;
  /** Class index of each row (0/1 for binary data). */
  readonly y: Int32Array;
  /** Number of rows. */
  readonly n: number;
  /** Number of features. */
  readonly dim: number;
  /** Number of classes. */
  readonly numClasses: number;
}

/** Options of {@link makeBinary}. */
export interface BinaryOptions {
  /** Number of points (default 4000). */
  n?: number;
  /** Number of features (default 2). */
  dim?: number;
  /** Fraction of positives, in (0, 1) (default 0.01). The count is `round(n * positiveRate)`. */
  positiveRate?: number;
  /**
   * Distance between the two class means in units of the (unit) standard deviation (default 2.5).
   * Smaller means more overlap: the Bayes error of a balanced pair is `Φ(−separation / 2)`.
   */
  separation?: number;
  /** Seed (default 0). */
  seed?: number;
}

/** Options of {@link makeMulticlass}. */
export interface MulticlassOptions {
  /** Number of points (default 6000). */
  n?: number;
  /** Number of features (default 8). */
  dim?: number;
  /** Number of classes (default 6). */
  numClasses?: number;
  /** Head-to-tail ratio of the class priors, `π_0 / π_{K−1}` (default 100). */
  imbalance?: number;
  /** Distance between any two class means, in standard deviations (default 3). */
  separation?: number;
  /** Seed (default 0). */
  seed?: number;
}

/**
 * Splits `n` into integer counts proportional to `weights` that sum to exactly `n`
 * (largest-remainder / Hamilton method: floor every share, then hand the leftover units to the
 * largest fractional parts, ties to the lower index). Any count below `min` is then raised to
 * `min`, taking the units from the largest counts. So each count is within one of its exact share
 * `n · w_k / Σw` unless `min` had to step in.
 *
 * @param n - the total.
 * @param weights - non-negative weights, at least one positive.
 * @param min - the smallest count any part may get (default 1).
 */
export function apportion(n: number, weights: readonly number[], min = 1): number[] {
  const k = weights.length;
  if (!Number.isInteger(n) || n < k * min) throw new RangeError(`apportion: need an integer n >= ${k * min}, got ${n}`);
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0) || weights.some((w) => !(w >= 0))) throw new RangeError('apportion: weights must be non-negative with a positive sum');
  const exact = weights.map((w) => (n * w) / total);
  const counts = exact.map((e) => Math.floor(e));
  let left = n - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let j = 0; left > 0; j++, left--) counts[order[j]![1]]! += 1;
  for (let i = 0; i < k; i++) {
    while (counts[i]! < min) {
      const big = counts.indexOf(Math.max(...counts));
      counts[big]! -= 1;
      counts[i]! += 1;
    }
  }
  return counts;
}

/**
 * The class counts {@link makeBinary} uses: `[negatives, positives]` with
 * `positives = round(n * positiveRate)`, clamped to `[1, n − 1]`.
 */
export function binaryCounts(n: number, positiveRate: number): [number, number] {
  if (!(positiveRate > 0 && positiveRate < 1)) throw new RangeError(`positiveRate must be in (0, 1), got ${positiveRate}`);
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`n must be an integer >= 2, got ${n}`);
  const pos = Math.min(n - 1, Math.max(1, Math.round(n * positiveRate)));
  return [n - pos, pos];
}

/**
 * Long-tailed class priors decaying exponentially from head to tail:
 * `π_k ∝ imbalance^(−k / (K − 1))`, so `π_0 / π_{K−1} = imbalance` exactly.
 *
 * @param numClasses - K.
 * @param imbalance - head-to-tail ratio (≥ 1).
 */
export function longTailPriors(numClasses: number, imbalance: number): number[] {
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new RangeError(`numClasses must be an integer >= 2, got ${numClasses}`);
  if (!(imbalance >= 1)) throw new RangeError(`imbalance must be >= 1, got ${imbalance}`);
  const w = Array.from({ length: numClasses }, (_, k) => imbalance ** (-k / (numClasses - 1)));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / s);
}

/** Fills `n` rows of unit-variance Gaussian noise around `mean` into `x` starting at row `row`. */
function fillBlob(x: Float64Array, dim: number, row: number, n: number, mean: readonly number[], rng: Rng): void {
  for (let i = 0; i < n; i++) {
    const o = (row + i) * dim;
    for (let j = 0; j < dim; j++) x[o + j] = mean[j]! + rng.normal();
  }
}

/** Reorders rows by `perm` (row i of the result is row perm[i] of the input). */
function permuteRows(d: Dataset, perm: readonly number[]): Dataset {
  const x = new Float64Array(perm.length * d.dim);
  const y = new Int32Array(perm.length);
  for (let i = 0; i < perm.length; i++) {
    const s = perm[i]!;
    x.set(d.x.subarray(s * d.dim, (s + 1) * d.dim), i * d.dim);
    y[i] = d.y[s]!;
  }
  return { x, y, n: perm.length, dim: d.dim, numClasses: d.numClasses };
}

/**
 * Two isotropic unit-variance Gaussian blobs in `dim` dimensions: negatives around the origin,
 * positives around `separation · u` with `u = (1, …, 1) / √dim`, so the class means are exactly
 * `separation` apart whatever the dimension. Rows are shuffled (seeded).
 *
 * @param options - size, dimension, positive rate, separation, seed.
 * @returns the data set, labels 0 (negative) and 1 (positive).
 * @example
 * ```ts
 * const d = makeBinary({ n: 2000, positiveRate: 0.01, seed: 1 }); // exactly 20 positives
 * ```
 */
export function makeBinary(options: BinaryOptions = {}): Dataset {
  const { n = 4000, dim = 2, positiveRate = 0.01, separation = 2.5, seed = 0 } = options;
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be an integer >= 1, got ${dim}`);
  if (!(separation >= 0)) throw new RangeError(`separation must be >= 0, got ${separation}`);
  const [neg, pos] = binaryCounts(n, positiveRate);
  const rng = new Rng(seed);
  const x = new Float64Array(n * dim);
  const y = new Int32Array(n);
  const step = separation / Math.sqrt(dim);
  fillBlob(x, dim, 0, neg, new Array(dim).fill(0), rng);
  fillBlob(x, dim, neg, pos, new Array(dim).fill(step), rng);
  y.fill(1, neg);
  return permuteRows({ x, y, n, dim, numClasses: 2 }, rng.permutation(n));
}

/**
 * The class means of {@link makeMulticlass}: for K ≤ dim, `(separation/√2) · e_k` (so every pair
 * is exactly `separation` apart); for K > dim, seeded random directions of the same radius.
 */
export function multiclassMeans(numClasses: number, dim: number, separation: number, rng: Rng): number[][] {
  const r = separation / Math.SQRT2;
  return Array.from({ length: numClasses }, (_, k) => {
    if (numClasses <= dim) return Array.from({ length: dim }, (_, j) => (j === k ? r : 0));
    const v = Array.from({ length: dim }, () => rng.normal());
    const norm = Math.hypot(...v) || 1;
    return v.map((a) => (r * a) / norm);
  });
}

/**
 * K isotropic unit-variance Gaussian clusters with long-tailed class priors
 * ({@link longTailPriors}: class 0 is the head, class K−1 the tail, `imbalance` times rarer).
 * Class counts are exact ({@link apportion}). Rows are shuffled (seeded).
 *
 * @param options - size, dimension, classes, imbalance, separation, seed.
 * @returns the data set.
 * @example
 * ```ts
 * const d = makeMulticlass({ n: 6000, numClasses: 6, imbalance: 100, seed: 0 });
 * ```
 */
export function makeMulticlass(options: MulticlassOptions = {}): Dataset {
  const { n = 6000, dim = 8, numClasses = 6, imbalance = 100, separation = 3, seed = 0 } = options;
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be an integer >= 1, got ${dim}`);
  const counts = apportion(n, longTailPriors(numClasses, imbalance));
  const rng = new Rng(seed);
  const means = multiclassMeans(numClasses, dim, separation, rng);
  const x = new Float64Array(n * dim);
  const y = new Int32Array(n);
  let row = 0;
  counts.forEach((c, k) => {
    fillBlob(x, dim, row, c, means[k]!, rng);
    y.fill(k, row, row + c);
    row += c;
  });
  return permuteRows({ x, y, n, dim, numClasses }, rng.permutation(n));
}

/** Number of rows of each class. */
export function classCounts(y: ArrayLike<number>, numClasses: number): number[] {
  const c = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < y.length; i++) c[y[i]!]! += 1;
  return c;
}

/** The rows `idx` of a data set, as a new data set. */
export function subset(d: Dataset, idx: readonly number[]): Dataset {
  return permuteRows(d, idx);
}

/**
 * A STRATIFIED train/test split: each class puts `round(count · testFraction)` of its rows in the
 * test set (at least one row on each side when the class has two or more), chosen by a seeded
 * shuffle. Stratifying matters under heavy imbalance: with 20 positives a random 25% split would
 * give anywhere from 1 to 10 positives in the test set; stratified it gives exactly 5.
 *
 * @param d - the data set.
 * @param testFraction - fraction of each class for the test set, in (0, 1) (default 0.25).
 * @param seed - seed of the shuffle (default 0).
 * @returns `{ train, test }`, each in a shuffled order.
 */
export function trainTestSplit(d: Dataset, testFraction = 0.25, seed = 0): { train: Dataset; test: Dataset } {
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be in (0, 1), got ${testFraction}`);
  const rng = new Rng(seed);
  const byClass: number[][] = Array.from({ length: d.numClasses }, () => []);
  for (let i = 0; i < d.n; i++) byClass[d.y[i]!]!.push(i);
  const train: number[] = [];
  const test: number[] = [];
  for (const rows of byClass) {
    const perm = rng.permutation(rows.length);
    let nTest = Math.round(rows.length * testFraction);
    if (rows.length >= 2) nTest = Math.min(rows.length - 1, Math.max(1, nTest));
    perm.forEach((p, j) => (j < nTest ? test : train).push(rows[p]!));
  }
  const shuffle = (idx: number[]): number[] => rng.permutation(idx.length).map((p) => idx[p]!);
  return { train: subset(d, shuffle(train)), test: subset(d, shuffle(test)) };
}

/** One minibatch: feature tensor `(b, dim)`, labels as int32 `(b,)`, and the row indices. */
export interface Batch {
  /** Features, shape `(b, dim)`. */
  x: Tensor;
  /** Labels, int32, shape `(b,)`. */
  y: Tensor;
  /** Which rows of the data set. */
  idx: number[];
}

/**
 * Features of a data set as a `(n, dim)` tensor (float64 unless `dtype` says otherwise).
 * @param d - the data set.
 * @param dtype - the tensor dtype (default `'float64'`).
 */
export function featuresTensor(d: Dataset, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  return tensor(dtype === 'float64' ? d.x : Float32Array.from(d.x), {}, [d.n, d.dim]);
}

/** Labels of a data set as an int32 `(n,)` tensor. */
export function labelsTensor(d: Dataset): Tensor {
  return tensor(d.y, {}, [d.n]);
}

/**
 * Minibatches over a data set, in an order shuffled by `rng` on each call (each call is one
 * epoch). The last batch may be smaller. Pass the same `Rng` for every epoch: the sequence of
 * orders is then fixed by its seed.
 *
 * @param d - the data set.
 * @param batchSize - rows per batch.
 * @param rng - the generator of the shuffles (advanced).
 * @param dtype - the features' dtype (default float64).
 * @example
 * ```ts
 * const rng = new Rng(0);
 * for (let epoch = 0; epoch < 10; epoch++) for (const b of minibatches(train, 128, rng)) step(b);
 * ```
 */
export function* minibatches(d: Dataset, batchSize: number, rng: Rng, dtype: 'float32' | 'float64' = 'float64'): Generator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}`);
  const order = rng.permutation(d.n);
  for (let start = 0; start < d.n; start += batchSize) {
    const idx = order.slice(start, start + batchSize);
    const b = idx.length;
    const x = dtype === 'float64' ? new Float64Array(b * d.dim) : new Float32Array(b * d.dim);
    const y = new Int32Array(b);
    idx.forEach((r, i) => {
      x.set(d.x.subarray(r * d.dim, (r + 1) * d.dim), i * d.dim);
      y[i] = d.y[r]!;
    });
    yield { x: tensor(x, {}, [b, d.dim]), y: tensor(y, {}, [b]), idx };
  }
}
