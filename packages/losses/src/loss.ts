/**
 * The Keras-style loss class: `call(yTrue, yPred, sampleWeight?)` computes per-sample losses with
 * the subclass's op, then applies the sample weight and the reduction.
 */
import { type DType, type Tensor, type TensorLike, astype, checkOptions, Tensor as T, tensor } from '@focalgrad/tensor';
import { type Reduction, checkReduction, reduceWeightedValues } from './reduction.js';

/**
 * Options every loss class accepts.
 *
 * @example
 * ```ts
 * const base: LossOptions = { reduction: 'sum', name: 'my_loss', dtype: 'float64' };
 * ```
 */
export interface LossOptions {
  /** How to reduce the per-sample losses (default `'sum_over_batch_size'`). */
  reduction?: Reduction;
  /** A name for the loss (defaults to the Keras snake_case name). */
  name?: string;
  /** Compute in this dtype; by default the dtype of `yPred` (float32 for arrays). */
  dtype?: Exclude<DType, 'int32'> | null;
}

/** The option names every loss class accepts besides its loss's own. */
const LOSS_OPTIONS: readonly (keyof LossOptions)[] = ['reduction', 'name', 'dtype'];

/**
 * A loss's full configuration, as returned by {@link Loss.getConfig} and accepted by `fromConfig`.
 *
 * @example
 * ```ts
 * const cfg: LossConfig = new BinaryFocalCrossentropy({ gamma: 3 }).getConfig();
 * ```
 */
export interface LossConfig {
  /** The reduction. */
  reduction: Reduction;
  /** The name. */
  name: string;
  /** The compute dtype, or `null` for the input's. */
  dtype: Exclude<DType, 'int32'> | null;
  /** Subclass options. */
  [key: string]: unknown;
}

/**
 * Base class of the loss classes. Subclasses implement {@link Loss.compute} (the per-sample op)
 * and report their options through {@link Loss.getConfig}.
 *
 * @example
 * ```ts
 * const loss = new CategoricalFocalCrossentropy({ gamma: 2 });
 * const value = loss.call([[0, 1, 0]], [[0.05, 0.95, 0]]);
 * const again = CategoricalFocalCrossentropy.fromConfig(loss.getConfig());
 * ```
 */
export abstract class Loss {
  /** The reduction applied by {@link Loss.call}. */
  readonly reduction: Reduction;
  /** The loss's name. */
  readonly name: string;
  /** The compute dtype, or `null` to follow `yPred`. */
  readonly dtype: Exclude<DType, 'int32'> | null;

  /**
   * @param options - reduction, name and dtype (and the subclass's own options).
   * @param defaultName - the Keras name used when `options.name` is absent.
   * @param known - the subclass's own option names: when given, any key of `options` that is
   *   neither one of them nor `reduction`, `name` or `dtype` is a ValueError naming the key (a
   *   misspelt option must not fall back to its default silently).
   */
  constructor(options: LossOptions, defaultName: string, known?: readonly string[]) {
    if (known !== undefined) checkOptions(new.target.name, options, [...known, ...LOSS_OPTIONS]);
    this.reduction = checkReduction(options.reduction === undefined ? 'sum_over_batch_size' : options.reduction, defaultName);
    this.name = options.name ?? defaultName;
    this.dtype = options.dtype ?? null;
  }

  /**
   * The per-sample losses (before weighting and reduction).
   * @param yTrue - targets.
   * @param yPred - predictions.
   */
  abstract compute(yTrue: Tensor, yPred: Tensor): Tensor;

  /** The subclass's own options (merged into {@link Loss.getConfig}). */
  protected abstract options(): Record<string, unknown>;

  /**
   * Computes the loss: per-sample values from {@link Loss.compute}, times `sampleWeight`, reduced.
   * @param yTrue - targets (tensor or nested arrays).
   * @param yPred - predictions (tensor or nested arrays).
   * @param sampleWeight - optional weights, broadcast as in Keras (`(N,)` or `(N, 1)` for `(N,)` losses).
   * @returns the reduced loss.
   */
  call(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike): Tensor {
    let p = yPred instanceof T ? yPred : tensor(yPred, { dtype: this.dtype ?? 'float32' });
    if (this.dtype !== null && p.dtype !== this.dtype) p = astype(p, this.dtype);
    const dtype = p.dtype === 'int32' ? 'float32' : p.dtype;
    if (p.dtype === 'int32') p = astype(p, dtype);
    const t = yTrue instanceof T ? yTrue : tensor(yTrue, { dtype: this.keepsIntegerLabels() ? 'float64' : dtype });
    if (sampleWeight === undefined) {
      const fused = this.computeReduced(t, p);
      if (fused !== null) return fused;
    }
    const values = this.compute(t, p);
    const sw = sampleWeight === undefined || sampleWeight instanceof T ? sampleWeight : tensor(sampleWeight, { dtype });
    return reduceWeightedValues(values, this.reduction, sw, this.name);
  }

  /**
   * Optional fast path when no sample weight is given: the reduced loss (by {@link Loss.reduction})
   * computed directly by a fused op, equal to `reduceWeightedValues(compute(yTrue, yPred),
   * reduction)`; or `null` to use {@link Loss.compute} and the generic reduction.
   * @param _yTrue - targets.
   * @param _yPred - predictions.
   */
  protected computeReduced(_yTrue: Tensor, _yPred: Tensor): Tensor | null {
    return null;
  }

  /** Whether array labels should be read without float32 rounding (sparse losses). */
  protected keepsIntegerLabels(): boolean {
    return false;
  }

  /** The configuration: reduction, name, dtype and the subclass's options. */
  getConfig(): LossConfig {
    return { reduction: this.reduction, name: this.name, dtype: this.dtype, ...this.options() };
  }
}
