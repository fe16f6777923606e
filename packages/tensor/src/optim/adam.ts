/** Adam (with L2 or decoupled weight decay, and AMSGrad) and AdamW. */
import type { TypedArray } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { OPTIMIZER_OPTIONS, Optimizer, type OptimizerOptions, checkHyper } from './optimizer.js';
import { checkOptions } from '../options.js';

/**
 * Options of {@link Adam} and {@link AdamW}; the names and defaults are PyTorch's.
 *
 * @example
 * ```ts
 * const o: optim.AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, amsgrad: true };
 * ```
 */
export interface AdamOptions extends OptimizerOptions {
  /** Decay rates (β₁, β₂) of the first and second moment estimates, each in [0, 1) (default `[0.9, 0.999]`). */
  betas?: readonly [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /** Weight decay λ (default 0 for Adam, 1e-2 for AdamW). */
  weightDecay?: number;
  /** Use the AMSGrad variant: the running maximum of the second moment (default `false`). */
  amsgrad?: boolean;
  /**
   * Decay the weights directly (`θ ← θ - lr·λ·θ`, AdamW) instead of adding `λθ` to the gradient
   * (default `false` for Adam, always `true` for AdamW).
   */
  decoupledWeightDecay?: boolean;
}

/**
 * The per-parameter state of {@link Adam} and {@link AdamW}, as returned by
 * {@link Adam.paramState}.
 *
 * @example
 * ```ts
 * const s: optim.AdamParamState | null = opt.paramState(0);
 * s?.step; // how many updates parameter 0 has had
 * ```
 */
export interface AdamParamState {
  /** How many updates this parameter has had (the `t` of the bias corrections). */
  step: number;
  /** The first moment estimate m. */
  m: Float64Array;
  /** The second moment estimate v. */
  v: Float64Array;
  /** The running maximum of v (AMSGrad only), else `null`. */
  vMax: Float64Array | null;
}

/**
 * Adam (Kingma & Ba 2015), exactly PyTorch's `torch.optim.Adam` update
 * (https://pytorch.org/docs/stable/generated/torch.optim.Adam.html), per parameter θ with gradient
 * ∇ at its t-th update:
 *
 * ```
 * g ← maximize ? -∇ : ∇
 * if λ ≠ 0:  decoupled ? θ ← θ - lr λ θ : g ← g + λ θ
 * m ← β₁ m + (1 - β₁) g
 * v ← β₂ v + (1 - β₂) g²
 * v̂ ← amsgrad ? (vMax ← max(vMax, v)) : v
 * θ ← θ - (lr / (1 - β₁ᵗ)) · m / (√v̂ / √(1 - β₂ᵗ) + ε)
 * ```
 *
 * The moments are `Float64Array`s per parameter, created at its first update, and `t` counts that
 * parameter's own updates (steps where it had no gradient do not count), as in PyTorch.
 *
 * @example
 * ```ts
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
 * opt.zeroGrad();
 * loss.backward();
 * opt.step();
 * ```
 */
export class Adam extends Optimizer {
  /** β₁, β₂. */
  readonly betas: readonly [number, number];
  /** ε. */
  readonly eps: number;
  /** Weight decay λ. */
  readonly weightDecay: number;
  /** Whether AMSGrad is used. */
  readonly amsgrad: boolean;
  /** Whether the weight decay is decoupled (AdamW). */
  readonly decoupledWeightDecay: boolean;
  private readonly states: Array<AdamParamState | null>;

  /**
   * @param params - the parameters to optimize (e.g. `model.parameters()`).
   * @param options - lr (default 1e-3), betas, eps, weightDecay, amsgrad, decoupledWeightDecay, maximize, schedule.
   */
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    checkOptions(new.target === AdamW ? 'AdamW' : 'Adam', options, [...OPTIMIZER_OPTIONS, 'betas', 'eps', 'weightDecay', 'amsgrad', 'decoupledWeightDecay']);
    super(params, options, 1e-3, new.target === AdamW ? 'AdamW' : 'Adam');
    const op = this.opName;
    const betas = options.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) throw new ValueError(op, 'betas', `expected a pair [beta1, beta2], got ${JSON.stringify(betas)}`);
    this.betas = [checkHyper(op, 'betas', betas[0], 0, 1), checkHyper(op, 'betas', betas[1], 0, 1)];
    this.eps = checkHyper(op, 'eps', options.eps ?? 1e-8);
    this.weightDecay = checkHyper(op, 'weightDecay', options.weightDecay ?? 0);
    this.amsgrad = options.amsgrad ?? false;
    this.decoupledWeightDecay = options.decoupledWeightDecay ?? false;
    this.states = this.params.map(() => null);
  }

  /**
   * The state of the parameter at `index`: its update count `step` and moment estimates `m`, `v`
   * (and `vMax` with AMSGrad), or `null` before its first update. The live arrays: do not write.
   * @param index - the parameter's position in {@link Optimizer.params}.
   */
  paramState(index: number): AdamParamState | null {
    return this.states[index] ?? null;
  }

  /** @internal */
  protected update(index: number, p: TypedArray, g: TypedArray, lr: number): void {
    const n = p.length;
    let s = this.states[index]!;
    if (s === null) {
      s = this.states[index] = { step: 0, m: new Float64Array(n), v: new Float64Array(n), vMax: this.amsgrad ? new Float64Array(n) : null };
    }
    const t = ++s.step;
    const [b1, b2] = this.betas;
    const stepSize = lr / (1 - b1 ** t);
    const bc2Sqrt = Math.sqrt(1 - b2 ** t);
    const eps = this.eps;
    const sign = this.maximize ? -1 : 1;
    const wd = this.weightDecay;
    const l2 = !this.decoupledWeightDecay && wd !== 0 ? wd : 0;
    const shrink = this.decoupledWeightDecay && wd !== 0 ? 1 - lr * wd : 1;
    const { m, v, vMax } = s;
    for (let k = 0; k < n; k++) {
      let theta = p[k]!;
      let gk = sign * g[k]!;
      if (l2 !== 0) gk += l2 * theta;
      else if (shrink !== 1) theta *= shrink;
      const mk = b1 * m[k]! + (1 - b1) * gk;
      const vk = b2 * v[k]! + (1 - b2) * gk * gk;
      m[k] = mk;
      v[k] = vk;
      let vh = vk;
      if (vMax !== null) {
        vh = Math.max(vMax[k]!, vk);
        vMax[k] = vh;
      }
      p[k] = theta - (stepSize * mk) / (Math.sqrt(vh) / bc2Sqrt + eps);
    }
  }
}

/**
 * AdamW (Loshchilov & Hutter 2019): {@link Adam} with decoupled weight decay, exactly PyTorch's
 * `torch.optim.AdamW` (https://pytorch.org/docs/stable/generated/torch.optim.AdamW.html): each
 * update first shrinks the weights, `θ ← θ - lr·λ·θ`, then takes the Adam step on the raw
 * gradient. Default `weightDecay` 1e-2.
 *
 * @example
 * ```ts
 * const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 * ```
 */
export class AdamW extends Adam {
  /**
   * @param params - the parameters to optimize.
   * @param options - as {@link Adam}'s; `weightDecay` defaults to 1e-2 and is always decoupled.
   */
  constructor(params: Iterable<Tensor>, options: Omit<AdamOptions, 'decoupledWeightDecay'> = {}) {
    super(params, { ...options, weightDecay: options.weightDecay ?? 1e-2, decoupledWeightDecay: true });
  }
}
