/** Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay. */
import type { TypedArray } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { OPTIMIZER_OPTIONS, Optimizer, type OptimizerOptions, checkHyper } from './optimizer.js';
import { checkOptions } from '../options.js';

/**
 * Options of {@link SGD}; the names and defaults are PyTorch's (`lr` 1e-3 as in PyTorch ≥ 2.3).
 *
 * @example
 * ```ts
 * const o: optim.SGDOptions = { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 };
 * ```
 */
export interface SGDOptions extends OptimizerOptions {
  /** Momentum factor μ (default 0). */
  momentum?: number;
  /** Dampening τ of the momentum (default 0). */
  dampening?: number;
  /** Use Nesterov momentum (default `false`; needs `momentum > 0` and `dampening = 0`). */
  nesterov?: boolean;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent, exactly PyTorch's `torch.optim.SGD` update
 * (https://pytorch.org/docs/stable/generated/torch.optim.SGD.html), per parameter θ with gradient ∇:
 *
 * ```
 * g ← maximize ? -∇ : ∇
 * if λ ≠ 0:  g ← g + λ θ
 * if μ ≠ 0:  b ← (first step) ? g : μ b + (1 - τ) g
 *            g ← nesterov ? g + μ b : b
 * θ ← θ - lr g
 * ```
 *
 * The momentum buffer `b` is a `Float64Array` per parameter, created at the parameter's first
 * update.
 *
 * @example
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * for (let i = 0; i < 100; i++) {
 *   opt.zeroGrad();
 *   lossFn(model).backward();
 *   opt.step();
 * }
 * ```
 */
export class SGD extends Optimizer {
  /** Momentum factor μ. */
  readonly momentum: number;
  /** Dampening τ. */
  readonly dampening: number;
  /** Whether Nesterov momentum is used. */
  readonly nesterov: boolean;
  /** L2 penalty λ. */
  readonly weightDecay: number;
  private readonly buffers: Array<Float64Array | null>;

  /**
   * @param params - the parameters to optimize (e.g. `model.parameters()`).
   * @param options - lr, momentum, dampening, nesterov, weightDecay, maximize, schedule.
   */
  constructor(params: Iterable<Tensor>, options: SGDOptions = {}) {
    checkOptions('SGD', options, [...OPTIMIZER_OPTIONS, 'momentum', 'dampening', 'nesterov', 'weightDecay']);
    super(params, options, 1e-3, 'SGD');
    this.momentum = checkHyper('SGD', 'momentum', options.momentum ?? 0);
    this.dampening = checkHyper('SGD', 'dampening', options.dampening ?? 0);
    this.weightDecay = checkHyper('SGD', 'weightDecay', options.weightDecay ?? 0);
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new ValueError('SGD', 'nesterov', `requires momentum > 0 and dampening = 0, got momentum ${this.momentum} and dampening ${this.dampening}`);
    }
    this.buffers = this.params.map(() => null);
  }

  /**
   * The momentum buffer of the parameter at `index`, or `null` before its first update or without
   * momentum. The live array: do not write to it.
   * @param index - the parameter's position in {@link Optimizer.params}.
   */
  momentumBuffer(index: number): Float64Array | null {
    return this.buffers[index] ?? null;
  }

  /** @internal */
  protected update(index: number, p: TypedArray, g: TypedArray, lr: number): void {
    const n = p.length;
    const wd = this.weightDecay;
    const sign = this.maximize ? -1 : 1;
    const mu = this.momentum;
    if (mu === 0) {
      for (let k = 0; k < n; k++) {
        let d = sign * g[k]!;
        if (wd !== 0) d += wd * p[k]!;
        p[k] = p[k]! - lr * d;
      }
      return;
    }
    let buf = this.buffers[index]!;
    const first = buf === null;
    if (first) buf = this.buffers[index] = new Float64Array(n);
    const keep = 1 - this.dampening;
    const nesterov = this.nesterov;
    for (let k = 0; k < n; k++) {
      let d = sign * g[k]!;
      if (wd !== 0) d += wd * p[k]!;
      const b = first ? d : mu * buf[k]! + keep * d;
      buf[k] = b;
      d = nesterov ? d + mu * b : b;
      p[k] = p[k]! - lr * d;
    }
  }
}
