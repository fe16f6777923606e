/**
 * The optimizer base class: a flat list of parameters, a settable learning rate with an optional
 * schedule, and an in-place update over typed arrays per parameter.
 */
import type { TypedArray } from '../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor.js';
import { bumpVersion } from '../version.js';

/**
 * A learning-rate schedule: the rate for the update about to be taken, given how many updates came
 * before (0 for the first) and the optimizer's initial rate. The counterpart of PyTorch's
 * `LambdaLR`, but returning the rate itself rather than a factor.
 *
 * @example
 * ```ts
 * const warmup: optim.Schedule = (step, baseLr) => baseLr * Math.min(1, (step + 1) / 100);
 * new optim.Adam(model.parameters(), { lr: 1e-3, schedule: warmup });
 * ```
 */
export type Schedule = (step: number, baseLr: number) => number;

/**
 * Options every optimizer accepts.
 *
 * @example
 * ```ts
 * const o: optim.OptimizerOptions = { lr: 0.1, schedule: (t, lr) => lr * 0.99 ** t };
 * ```
 */
export interface OptimizerOptions {
  /** The learning rate (each optimizer has its own default). */
  lr?: number;
  /**
   * Sets {@link Optimizer.lr} to `schedule(stepCount, baseLr)` at the start of every
   * {@link Optimizer.step}. Leave it out to set `lr` yourself or with a scheduler class.
   */
  schedule?: Schedule;
  /** Maximize the objective instead of minimizing it (default `false`). */
  maximize?: boolean;
}

/** @internal The keys of {@link OptimizerOptions}. */
export const OPTIMIZER_OPTIONS = ['lr', 'schedule', 'maximize'] as const;

/** @internal Throws a ValueError unless `v` is a finite number at least `min` (and below `below`). */
export function checkHyper(op: string, arg: string, v: unknown, min = 0, below = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v >= below) {
    const range = below === Infinity ? `>= ${min}` : `in [${min}, ${below})`;
    throw new ValueError(op, arg, `expected a finite number ${range}, got ${v}`);
  }
  return v;
}

/**
 * Base class of the optimizers. Holds the parameters, the learning rate and the step count;
 * {@link Optimizer.step} walks the parameters and hands each one's values and gradient, as typed
 * arrays, to the subclass's in-place update. Parameters whose `.grad` is `null` are skipped
 * (their state does not advance either, as in PyTorch).
 *
 * State buffers (momentum, moments) are `Float64Array`s whatever the parameter's dtype: float64
 * parameters keep full precision, and float32 parameters are updated in float64 arithmetic and
 * rounded once when written back.
 *
 * @example
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad();
 * loss.backward();
 * opt.step();
 * opt.lr = 0.01; // takes effect at the next step
 * ```
 */
export abstract class Optimizer {
  /** The parameters, in the order given. */
  readonly params: readonly Tensor[];
  /** The learning rate at construction (what a {@link Schedule} and the scheduler classes scale). */
  readonly baseLr: number;
  /** The schedule, or `null`. */
  readonly schedule: Schedule | null;
  /** Whether the objective is maximized. */
  readonly maximize: boolean;
  /** How many times {@link Optimizer.step} has run. */
  stepCount = 0;
  private _lr: number;
  /** @internal The name used in error messages. */
  protected readonly opName: string;

  /**
   * @param params - the parameters: float leaf tensors, each listed once.
   * @param options - lr, schedule, maximize.
   * @param defaultLr - the learning rate when `options.lr` is absent.
   * @param opName - the optimizer's name, for error messages.
   */
  constructor(params: Iterable<Tensor>, options: OptimizerOptions, defaultLr: number, opName: string) {
    this.opName = opName;
    if (params === null || typeof (params as Iterable<Tensor>)?.[Symbol.iterator] !== 'function') {
      throw new ValueError(opName, 'params', `expected an iterable of tensors (e.g. model.parameters()), got ${params === null ? 'null' : typeof params}`);
    }
    const list = [...params];
    if (list.length === 0) throw new ValueError(opName, 'params', 'got an empty parameter list');
    const seen = new Set<Tensor>();
    list.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new ValueError(opName, 'params', `expected tensors, got ${p === null ? 'null' : typeof p} at index ${i}`);
      if (p.dtype === 'int32') throw new DTypeError(opName, 'params', `expected float32 or float64 parameters, got dtype int32 at index ${i}`);
      if (!p.isLeaf) throw new ValueError(opName, 'params', `expected leaf tensors, got the output of '${p.node!.op.name}' at index ${i}`);
      if (seen.has(p)) throw new ValueError(opName, 'params', `lists the same tensor twice (index ${i})`);
      seen.add(p);
    });
    this.params = list;
    this._lr = checkHyper(opName, 'lr', options.lr ?? defaultLr);
    this.baseLr = this._lr;
    if (options.schedule !== undefined && typeof options.schedule !== 'function') {
      throw new ValueError(opName, 'schedule', `expected a function (step, baseLr) => lr, got ${typeof options.schedule}`);
    }
    this.schedule = options.schedule ?? null;
    this.maximize = options.maximize ?? false;
  }

  /** The learning rate used by the next {@link Optimizer.step}; settable (a finite number ≥ 0). */
  get lr(): number {
    return this._lr;
  }
  /** Sets the learning rate; throws a {@link ValueError} unless it is a finite number ≥ 0. */
  set lr(v: number) {
    this._lr = checkHyper(this.opName, 'lr', v);
  }

  /**
   * Updates every parameter that has a gradient, in place, then counts the step. With a
   * `schedule`, first sets `lr = schedule(stepCount, baseLr)`.
   */
  step(): void {
    if (this.schedule !== null) this.lr = this.schedule(this.stepCount, this.baseLr);
    const lr = this._lr;
    const params = this.params;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      const g = p.grad;
      if (g === null) continue;
      if (!(g instanceof Tensor) || g.ndim !== p.ndim || g.shape.some((d, k) => d !== p.shape[k])) {
        const got = g instanceof Tensor ? `shape ${fmtShape(g.shape)}` : typeof g;
        throw new ShapeError(this.opName, 'params', `parameter ${i} has shape ${fmtShape(p.shape)} but its grad has ${got}`);
      }
      if (g.dtype !== p.dtype) {
        throw new DTypeError(this.opName, 'params', `parameter ${i} has dtype ${p.dtype} but its grad has dtype ${g.dtype}`);
      }
      this.update(i, p.data, g.data, lr);
      bumpVersion(p.data);
    }
    this.stepCount++;
  }

  /**
   * Updates one parameter in place.
   * @param index - the parameter's position in {@link Optimizer.params} (to find its state).
   * @param param - its values, written in place.
   * @param grad - its gradient (same length).
   * @param lr - the learning rate for this step.
   */
  protected abstract update(index: number, param: TypedArray, grad: TypedArray, lr: number): void;

  /** Sets every parameter's `.grad` to `null` (PyTorch's `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }
}
