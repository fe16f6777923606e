/** Seeded inputs for the loss tests: logits, probabilities, labels, and layout helpers. */
import { Rng, type NestedArray, type Tensor, tensor } from '@focalgrad/tensor';

/** Seeded uniform numbers in `[lo, hi)`, as a nested array of `shape` (for one-line cases). */
export function uniform(shape: readonly number[], lo: number, hi: number, seed: number): NestedArray {
  const rng = new Rng(seed);
  const build = (d: number): NestedArray =>
    d === shape.length - 1
      ? Array.from({ length: shape[d]! }, () => lo + (hi - lo) * rng.uniform())
      : (Array.from({ length: shape[d]! }, () => build(d + 1)) as NestedArray);
  return shape.length === 0 ? [] : build(0);
}

/** Seeded 0/1 labels of `shape` (probability `pos` of a 1). */
export function bernoulli(shape: readonly number[], pos: number, seed: number): NestedArray {
  const rng = new Rng(seed);
  const build = (d: number): NestedArray =>
    d === shape.length - 1 ? Array.from({ length: shape[d]! }, () => (rng.uniform() < pos ? 1 : 0)) : (Array.from({ length: shape[d]! }, () => build(d + 1)) as NestedArray);
  return shape.length === 0 ? [] : build(0);
}

/** Seeded float64 normal logits times `scale`. */
export function randLogits(rng: Rng, shape: readonly number[], scale = 2): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = rng.normal() * scale;
  return tensor(d, {}, shape.slice());
}

/** Seeded positive float64 values in [lo, hi) (un-normalised "probabilities"). */
export function randPositive(rng: Rng, shape: readonly number[], lo = 0.05, hi = 1): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = lo + (hi - lo) * rng.uniform();
  return tensor(d, {}, shape.slice());
}

/** Rows normalised to sum 1 along `axis` (a copy). */
export function normalizeAlong(x: Tensor, axis: number): Tensor {
  const ax = axis < 0 ? axis + x.ndim : axis;
  const K = x.shape[ax]!;
  const inner = x.shape.slice(ax + 1).reduce((p, d) => p * d, 1);
  const outer = x.shape.slice(0, ax).reduce((p, d) => p * d, 1);
  const d = Float64Array.from(x.data);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += d[o * K * inner + k * inner + i]!;
      for (let k = 0; k < K; k++) d[o * K * inner + k * inner + i]! /= s;
    }
  }
  return tensor(d, {}, x.shape.slice());
}

/** Seeded integer labels in [0, k) as an int32 tensor. */
export function randLabels(rng: Rng, shape: readonly number[], k: number): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const d = new Int32Array(n);
  for (let i = 0; i < n; i++) d[i] = Math.min(k - 1, Math.floor(rng.uniform() * k));
  return tensor(d, {}, shape.slice());
}

/** Seeded soft labels (rows summing to 1 along `axis`). */
export function randSoftLabels(rng: Rng, shape: readonly number[], axis: number): Tensor {
  return normalizeAlong(randPositive(rng, shape, 0, 1), axis);
}

/** One-hot rows along the last axis for integer labels. */
export function oneHotRows(labels: readonly number[], k: number): number[][] {
  return labels.map((t) => Array.from({ length: k }, (_, j) => (j === t ? 1 : 0)));
}

/** Moves `axis` of a float64 tensor to the end (a copy), for "any axis equals permute + last axis". */
export function moveAxisLast(x: Tensor, axis: number): Tensor {
  const ax = axis < 0 ? axis + x.ndim : axis;
  const perm = [...x.shape.keys()].filter((d) => d !== ax).concat([ax]);
  return x.permute(perm);
}
