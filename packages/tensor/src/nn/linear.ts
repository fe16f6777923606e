/** The fully connected layer. */
import { allocate } from '../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { Rng } from '../rng.js';
import { Tensor } from '../tensor.js';
import { linear } from './functional/linear.js';
import { type Initializer, heUniform, uniform } from './init.js';
import { Module } from './module.js';
import { checkOptions } from '../options.js';

/**
 * Options of {@link Linear}.
 *
 * @example
 * ```ts
 * const opts: nn.LinearOptions = { bias: true, dtype: 'float64', seed: 0, weightInit: nn.init.glorotUniform };
 * ```
 */
export interface LinearOptions {
  /** Whether the layer has a bias (default `true`). */
  bias?: boolean;
  /** The parameters' dtype (default `'float32'`). */
  dtype?: 'float32' | 'float64';
  /** A generator to draw the initial values from (the weight first, then the bias). */
  rng?: Rng;
  /** A seed for a fresh generator (ignored when `rng` is given). Neither: the global generator. */
  seed?: number;
  /** Initializes the weight `[out, in]` in place; default PyTorch's: {@link heUniform} with `a = √5`, i.e. U(-1/√in, 1/√in). */
  weightInit?: Initializer;
  /** Initializes the bias `[out]` in place; default PyTorch's U(-1/√in, 1/√in). */
  biasInit?: Initializer;
}

/**
 * A fully connected layer, `y = x @ weightᵀ + bias`, with PyTorch's layout (`weight` of shape
 * `[outFeatures, inFeatures]`, `bias` of shape `[outFeatures]`) and PyTorch's default
 * initialization (`kaiming_uniform_(a=√5)` for the weight, i.e. U(-1/√in, 1/√in), and the same
 * bound for the bias), unless initializers are given. The forward pass is
 * {@link functional.linear | nn.functional.linear}; inputs of shape `[..., inFeatures]` give
 * outputs of shape `[..., outFeatures]`.
 *
 * @example
 * ```ts
 * const layer = new nn.Linear(3, 2, { seed: 0 });
 * layer.weight.shape;                    // [2, 3]
 * layer.forward(randn([5, 3], { seed: 1 })).shape; // [5, 2]
 * const head = new nn.Linear(16, 1, { weightInit: (w, rng) => nn.init.normal(w, 0, 0.01, rng), biasInit: (b) => nn.init.priorBias(b) });
 * ```
 */
export class Linear extends Module<[Tensor], Tensor> {
  /** The size of each input sample. */
  readonly inFeatures: number;
  /** The size of each output sample. */
  readonly outFeatures: number;
  /** The weight, `[outFeatures, inFeatures]`, registered as `weight`. */
  readonly weight: Tensor;
  /** The bias, `[outFeatures]`, registered as `bias`; `null` when built with `bias: false`. */
  readonly bias: Tensor | null;

  /**
   * @param inFeatures - the size of each input sample (a positive integer).
   * @param outFeatures - the size of each output sample (a positive integer).
   * @param options - bias, dtype, rng or seed, and initializers.
   */
  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    checkOptions('Linear', options, ['bias', 'dtype', 'rng', 'seed', 'weightInit', 'biasInit']);
    super();
    const op = 'Linear';
    for (const [arg, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(op, arg, `expected a positive integer, got ${v}`);
    }
    const dtype = options.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') throw new DTypeError(op, 'dtype', `expected 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const rng = options.rng ?? (options.seed !== undefined ? new Rng(options.seed) : undefined);
    const bound = 1 / Math.sqrt(inFeatures);

    const weight = new Tensor(allocate(dtype, outFeatures * inFeatures), [outFeatures, inFeatures]);
    if (options.weightInit) options.weightInit(weight, rng);
    else heUniform(weight, { a: Math.sqrt(5), rng });
    this.weight = this.registerParameter('weight', weight);

    if (options.bias ?? true) {
      const bias = new Tensor(allocate(dtype, outFeatures), [outFeatures]);
      if (options.biasInit) options.biasInit(bias, rng);
      else uniform(bias, -bound, bound, { rng });
      this.bias = this.registerParameter('bias', bias);
    } else {
      this.bias = null;
    }
  }

  /**
   * `x @ weightᵀ + bias`.
   * @param x - the input, `[..., inFeatures]`.
   * @returns the output, `[..., outFeatures]`.
   */
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor) || x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      const got = x instanceof Tensor ? `shape ${fmtShape(x.shape)}` : typeof x;
      throw new ShapeError('Linear', 'x', `expected a tensor of shape [..., ${this.inFeatures}], got ${got}`);
    }
    return linear(x, this.weight, this.bias);
  }

  /** `inFeatures=…, outFeatures=…, bias=…`. */
  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
