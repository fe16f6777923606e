/**
 * Keras 3 `sparse_categorical_crossentropy` / `SparseCategoricalCrossentropy`: integer labels, as a
 * fused op with an analytic backward, including Keras's `ignore_class`.
 */
import { type Tensor, type TensorLike, ShapeError, ValueError, Tensor as T, mul, tensor } from '@focalgrad/tensor';
import { Loss, type LossConfig, type LossOptions } from '../loss.js';
import { type Reduction, squeezeOrExpandToSameRank } from '../reduction.js';
import { asFloat, checkBool, checkLabels } from '../validate.js';
import { type SparseAttrs, makeSparseLossOp } from '../kernels/softmaxSparse.js';
import { normalizeClassAxis, rowShape } from '../kernels/softmaxCommon.js';
import { checkAxisOption, perClassNonNegative } from './categorical.js';

/**
 * Options of {@link sparseCategoricalCrossentropy} and {@link SparseCategoricalCrossentropy}
 * (Keras names in camelCase, Keras defaults).
 *
 * @example
 * ```ts
 * const opts: SparseCategoricalCrossentropyOptions = { fromLogits: true, ignoreClass: -1 };
 * ```
 */
export interface SparseCategoricalCrossentropyOptions {
  /** Whether `yPred` holds logits (default `false`: probabilities). */
  fromLogits?: boolean;
  /** The class axis of `yPred` (default `-1`); labels have `yPred`'s shape without it. */
  axis?: number;
  /**
   * A label value to ignore (default none), e.g. `-1` or `255` for a "void" class; it may lie
   * outside `[0, K)`. Those positions get loss 0 and gradient 0, and the loss classes leave them
   * out of the mean (Keras `ignore_class`).
   */
  ignoreClass?: number | null;
}

/** @internal The options every sparse softmax-family loss resolves to before the op runs. */
export interface SparseOptions {
  fromLogits?: unknown;
  axis?: unknown;
  ignoreClass?: unknown;
  gamma?: unknown;
  classWeight?: unknown;
}

/** @internal An optional integer `ignoreClass`. */
export function checkIgnoreClass(v: unknown, op: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ValueError(op, 'ignoreClass', `expected an integer or null, got ${String(v)}`);
  return v;
}

/**
 * @internal Converts, validates and runs a sparse softmax-family loss op: integer labels of
 * `yPred`'s shape without the class axis (or with a trailing 1), in `[0, K)` or `ignoreClass`.
 */
export function runSparse(
  op: (inputs: readonly TensorLike[], attrs: SparseAttrs) => Tensor,
  name: string,
  mode: SparseAttrs['mode'],
  yTrue: TensorLike,
  yPred: TensorLike,
  o: SparseOptions,
): Tensor {
  return runSparseReduced(op, name, mode, yTrue, yPred, o, undefined)!;
}

/**
 * @internal {@link runSparse}, or with `reduction` the Keras reduction of the per-sample losses
 * (without a sample weight) fused into the same op: the sum of the per-row losses, divided by the
 * number of samples for the means. `null` when the reduction keeps per-sample values or there are
 * none (the caller then reduces generically).
 */
export function runSparseReduced(
  op: (inputs: readonly TensorLike[], attrs: SparseAttrs) => Tensor,
  name: string,
  mode: SparseAttrs['mode'],
  yTrue: TensorLike,
  yPred: TensorLike,
  o: SparseOptions,
  reduction: Reduction | undefined,
): Tensor | null {
  const fromLogits = checkBool(o.fromLogits ?? false, name, 'fromLogits');
  const ignoreClass = checkIgnoreClass(o.ignoreClass, name);
  const p = asFloat(yPred, name, 'yPred');
  const axis = normalizeClassAxis(o.axis ?? -1, p.ndim, name);
  const k = p.shape[axis]!;
  if (k === 0) throw new ShapeError(name, 'yPred', `expected at least one class along axis ${axis}, got shape [${p.shape.join(', ')}]`);
  const expected = rowShape(p.shape, axis);
  let yt: Tensor;
  try {
    yt = yTrue instanceof T ? yTrue : tensor(yTrue, { dtype: 'float64' });
  } catch (e) {
    if (e instanceof ValueError || e instanceof ShapeError) throw new ValueError(name, 'yTrue', e.message);
    throw e;
  }
  const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
  if (!same(yt.shape, expected)) {
    const trailing1 = yt.ndim === expected.length + 1 && yt.shape[yt.ndim - 1] === 1 && same(yt.shape.slice(0, -1), expected);
    if (!trailing1) {
      throw new ShapeError(
        name,
        'yTrue',
        `expected integer labels of shape [${expected.join(', ')}] (yPred's shape without class axis ${axis}) or [${[...expected, 1].join(', ')}], got [${yt.shape.join(', ')}]`,
      );
    }
  }
  const { data } = checkLabels(yt, k, name, 'yTrue', ignoreClass ?? undefined);
  const labels = new T(data, expected);
  const gamma = o.gamma === undefined ? null : nonZero(perClassNonNegative(o.gamma, k, name, 'gamma'), 0);
  const classWeight = o.classWeight === undefined || o.classWeight === null ? null : nonZero(perClassNonNegative(o.classWeight, k, name, 'classWeight'), 1);
  let reduceBy: number | null = null;
  if (reduction !== undefined) {
    if (reduction === null || reduction === 'none' || labels.size === 0) return null;
    reduceBy = reduction === 'sum' ? 1 : labels.size;
  }
  return op([labels, p], { axis, fromLogits, mode, gamma, classWeight, ignoreClass, reduceBy });
}

/** `null` when every entry equals the neutral value (the op then skips that factor). */
function nonZero(v: Float64Array, neutral: number): Float64Array | null {
  return v.every((x) => x === neutral) ? null : v;
}

/**
 * @internal Keras's handling of `ignore_class` in `Loss.__call__`: the loss carries a mask of the
 * valid positions, which `apply_mask` merges into the sample weight. For `'sum_over_batch_size'`
 * and `'mean'` the valid entries get weight `total / valid` (0 if none is valid), so the mean is
 * over the valid positions only; for `'sum'`, `'none'` and `'mean_with_sample_weight'` the mask is
 * 0/1 (the latter then divides by the sum of the masked sample weights).
 */
export function ignoreMaskWeight(
  labels: Tensor,
  predNdim: number,
  ignoreClass: number,
  reduction: Reduction,
  sampleWeight: TensorLike | undefined,
  dtype: 'float32' | 'float64',
  name: string,
): Tensor {
  const shape = labels.ndim === predNdim && labels.ndim > 0 && labels.shape[labels.ndim - 1] === 1 ? labels.shape.slice(0, -1) : labels.shape.slice();
  const ld = labels.data;
  const m = dtype === 'float64' ? new Float64Array(ld.length) : new Float32Array(ld.length);
  let valid = 0;
  for (let i = 0; i < ld.length; i++) {
    if (ld[i] !== ignoreClass) {
      m[i] = 1;
      valid++;
    }
  }
  if (reduction === 'sum_over_batch_size' || reduction === 'mean') {
    const scale = valid === 0 ? 0 : ld.length / valid;
    for (let i = 0; i < m.length; i++) m[i] = m[i]! * scale;
  }
  const mask = new T(m, shape);
  if (sampleWeight === undefined) return mask;
  const sw = sampleWeight instanceof T ? sampleWeight : tensor(sampleWeight, { dtype });
  const [mm, ss] = squeezeOrExpandToSameRank(mask, sw);
  try {
    return mul(ss, mm);
  } catch (e) {
    if (e instanceof ShapeError) {
      throw new ShapeError(name, 'sampleWeight', `of shape [${sw.shape.join(', ')}] cannot be broadcast to the per-sample losses of shape [${shape.join(', ')}]`);
    }
    throw e;
  }
}

/** @internal `Loss.call` with Keras's `ignore_class` mask merged into the sample weight. */
export function callWithIgnoreMask(
  loss: Loss,
  superCall: (yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike) => Tensor,
  ignoreClass: number | null,
  yTrue: TensorLike,
  yPred: TensorLike,
  sampleWeight: TensorLike | undefined,
): Tensor {
  if (ignoreClass === null) return superCall(yTrue, yPred, sampleWeight);
  const p = yPred instanceof T ? yPred : tensor(yPred, { dtype: loss.dtype ?? 'float32' });
  const t = yTrue instanceof T ? yTrue : tensor(yTrue, { dtype: 'float64' });
  const dtype = loss.dtype ?? (p.dtype === 'float64' ? 'float64' : 'float32');
  const w = ignoreMaskWeight(t, p.ndim, ignoreClass, loss.reduction, sampleWeight, dtype, loss.name);
  return superCall(t, p, w);
}

const sparseCategoricalCrossentropyOp = makeSparseLossOp('sparseCategoricalCrossentropy');

/**
 * Keras 3 `sparse_categorical_crossentropy`: the crossentropy between integer labels and predicted
 * probabilities or logits, one value per sample.
 *
 * - Probabilities (default): as Keras's backend, each row is divided by its sum and clipped to
 *   `[1e-7, 1 − 1e-7]`; the loss is `−log o_y`. Clipped entries get no gradient; a row summing to 0
 *   throws a `ValueError` (NaN in Keras).
 * - Logits: `logsumexp(z) − z_y`, exact and uncapped.
 *
 * Labels: integers (int32 tensors, or floats with integral values) in `[0, K)`, of `yPred`'s shape
 * without the class axis, or with an extra trailing 1 (squeezed, as Keras does). Any class `axis`
 * works (Keras's TensorFlow backend accepts only the last). With `ignoreClass`, positions with
 * that label get loss 0 and gradient 0 (Keras `ignore_class`; the class also leaves them out of
 * the mean). Labels are constants: they get no gradient. One fused op, differentiable twice.
 *
 * @param yTrue - integer labels.
 * @param yPred - probabilities or logits.
 * @param options - `fromLogits`, `axis`, `ignoreClass`.
 * @returns the per-sample losses: `yPred`'s shape without the class axis.
 * @example
 * ```ts
 * // Keras docstring: [0.0513, 2.303]
 * sparseCategoricalCrossentropy([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]).toArray();
 * ```
 */
export function sparseCategoricalCrossentropy(yTrue: TensorLike, yPred: TensorLike, options: SparseCategoricalCrossentropyOptions = {}): Tensor {
  return runSparse(sparseCategoricalCrossentropyOp, 'sparseCategoricalCrossentropy', 'keras', yTrue, yPred, {
    fromLogits: options.fromLogits,
    axis: options.axis,
    ignoreClass: options.ignoreClass,
  });
}

/**
 * The Keras 3 `SparseCategoricalCrossentropy` loss class: {@link sparseCategoricalCrossentropy} per
 * sample, then the sample weight and the reduction (default `'sum_over_batch_size'`). With
 * `ignoreClass`, the ignored positions are masked out of the reduction exactly as Keras's
 * `Loss.__call__` does: `'sum_over_batch_size'` and `'mean'` divide by the number of valid
 * positions, `'mean_with_sample_weight'` by the sum of their weights.
 *
 * @example
 * ```ts
 * const scce = new SparseCategoricalCrossentropy();
 * scce.call([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]).item(); // 1.177 (Keras docs)
 * ```
 */
export class SparseCategoricalCrossentropy extends Loss {
  /** Whether predictions are logits. */
  readonly fromLogits: boolean;
  /** The class axis. */
  readonly axis: number;
  /** The ignored label, or `null`. */
  readonly ignoreClass: number | null;

  /** @param options - the loss options plus `reduction`, `name` (default `'sparse_categorical_crossentropy'`) and `dtype`. */
  constructor(options: SparseCategoricalCrossentropyOptions & LossOptions = {}) {
    super(options, 'sparse_categorical_crossentropy');
    this.fromLogits = checkBool(options.fromLogits ?? false, this.name, 'fromLogits');
    this.axis = checkAxisOption(options.axis ?? -1, this.name);
    this.ignoreClass = checkIgnoreClass(options.ignoreClass, this.name);
  }

  /**
   * Rebuilds a loss from {@link Loss.getConfig}'s output.
   * @param config - a configuration.
   * @returns the new loss.
   */
  static fromConfig(config: LossConfig): SparseCategoricalCrossentropy {
    return new SparseCategoricalCrossentropy(config as SparseCategoricalCrossentropyOptions & LossOptions);
  }

  /**
   * Computes the loss; with `ignoreClass`, the ignored positions are masked out of the reduction.
   * @param yTrue - integer labels.
   * @param yPred - probabilities or logits.
   * @param sampleWeight - optional weights, broadcast as in Keras.
   * @returns the reduced loss.
   */
  override call(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike): Tensor {
    return callWithIgnoreMask(this, (a, b, c) => super.call(a, b, c), this.ignoreClass, yTrue, yPred, sampleWeight);
  }

  /**
   * The per-sample losses.
   * @param yTrue - integer labels.
   * @param yPred - predictions.
   */
  compute(yTrue: Tensor, yPred: Tensor): Tensor {
    return sparseCategoricalCrossentropy(yTrue, yPred, { fromLogits: this.fromLogits, axis: this.axis, ignoreClass: this.ignoreClass });
  }

  /**
   * Without a sample weight (and without `ignoreClass`, whose mask is one), the per-sample losses
   * and their reduction are one fused op: the same value as the generic path.
   * @param yTrue - integer labels.
   * @param yPred - predictions.
   */
  protected override computeReduced(yTrue: Tensor, yPred: Tensor): Tensor | null {
    if (this.ignoreClass !== null) return null;
    return runSparseReduced(sparseCategoricalCrossentropyOp, 'sparseCategoricalCrossentropy', 'keras', yTrue, yPred, { fromLogits: this.fromLogits, axis: this.axis }, this.reduction);
  }

  /** Labels are read as float64 so large integer labels survive. */
  protected override keepsIntegerLabels(): boolean {
    return true;
  }

  /** The options reported by {@link Loss.getConfig}. */
  protected options(): Record<string, unknown> {
    return { fromLogits: this.fromLogits, axis: this.axis, ignoreClass: this.ignoreClass };
  }
}
