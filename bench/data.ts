/**
 * Seeded data shared by every implementation: the same Float32Array / Int32Array values are
 * handed to focalgrad and to both TensorFlow.js backends, so every implementation computes the
 * same loss on the same numbers. The numbers come from focalgrad's seeded `Rng` once, up front;
 * the timed code of neither library draws random numbers.
 */
import { Rng } from '@focalgrad/tensor';

/** A seeded generator of uniform and normal floats (focalgrad's `Rng` plus array helpers). */
export class Prng extends Rng {
  /** A uniform float in [0, 1). */
  next(): number {
    return this.uniform();
  }

  /** `n` normals with the given scale, as float32. */
  normals(n: number, scale = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = scale * this.normal();
    return out;
  }

  /** `n` uniforms in [lo, hi), as float32. */
  uniforms(n: number, lo: number, hi: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.next();
    return out;
  }
}

/** Binary labels (0/1 as float32) with probability `p` of a 1. */
export function binaryLabels(rng: Prng, n: number, p: number): Float32Array {
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = rng.next() < p ? 1 : 0;
  return y;
}

/** Integer labels in [0, classes) drawn uniformly. */
export function uniformLabels(rng: Prng, n: number, classes: number): Int32Array {
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = Math.min(classes - 1, Math.floor(rng.next() * classes));
  return y;
}

/** A binary classification set: `x` row-major `[n, d]`, `y` 0/1 with a `1 : (ratio - 1)` imbalance. */
export interface BinaryDataset {
  n: number;
  d: number;
  x: Float32Array;
  y: Float32Array;
}

/**
 * Logistic-regression data with one positive per `ratio` samples (1:99 for `ratio = 100`):
 * features are standard normals, shifted along a fixed direction for the positives.
 */
export function imbalancedBinary(seed: number, n: number, d: number, ratio: number): BinaryDataset {
  const rng = new Prng(seed);
  const dir = rng.normals(d);
  let norm = 0;
  for (let j = 0; j < d; j++) norm += dir[j]! * dir[j]!;
  norm = Math.sqrt(norm);
  const y = binaryLabels(rng, n, 1 / ratio);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const shift = y[i] === 1 ? 2 : 0;
    for (let j = 0; j < d; j++) x[i * d + j] = rng.normal() + (shift * dir[j]!) / norm;
  }
  return { n, d, x, y };
}

/** A multi-class set: `x` row-major `[n, d]`, integer labels `y` in [0, classes). */
export interface MulticlassDataset {
  n: number;
  d: number;
  classes: number;
  x: Float32Array;
  y: Int32Array;
}

/**
 * Long-tailed multi-class data: class `k` has probability proportional to `ratio^(-k/(classes-1))`
 * (the head class is `ratio` times as frequent as the tail class), features are a per-class
 * centroid plus standard-normal noise.
 */
export function longTailed(seed: number, n: number, d: number, classes: number, ratio = 100): MulticlassDataset {
  const rng = new Prng(seed);
  const weights = Array.from({ length: classes }, (_, k) => ratio ** (-k / Math.max(1, classes - 1)));
  const total = weights.reduce((s, w) => s + w, 0);
  const cdf: number[] = [];
  let acc = 0;
  for (const w of weights) cdf.push((acc += w / total));
  const centroids = rng.normals(classes * d, 0.2);
  const y = new Int32Array(n);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    let k = 0;
    while (k < classes - 1 && u >= cdf[k]!) k++;
    y[i] = k;
    for (let j = 0; j < d; j++) x[i * d + j] = centroids[k * d + j]! + rng.normal();
  }
  return { n, d, classes, x, y };
}

/** Glorot-uniform initial weights `[rows, cols]` (row-major), the same for every implementation. */
export function glorot(seed: number, rows: number, cols: number): Float32Array {
  const limit = Math.sqrt(6 / (rows + cols));
  return new Prng(seed).uniforms(rows * cols, -limit, limit);
}

/** The transpose of a row-major `[rows, cols]` matrix. */
export function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  return out;
}
