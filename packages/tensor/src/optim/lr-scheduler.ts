/**
 * Learning-rate schedulers in the style of `torch.optim.lr_scheduler`: call `step()` once per
 * epoch (or per iteration) and they set the optimizer's `lr` from the closed forms in PyTorch's
 * documentation.
 */
import { ValueError } from '../errors.js';
import { Optimizer, checkHyper } from './optimizer.js';

/**
 * Base class of the schedulers. At construction it records the optimizer's current `lr` as
 * {@link LRScheduler.baseLr} and sets `lr = lrAt(0)`; each {@link LRScheduler.step} advances
 * {@link LRScheduler.lastEpoch} and sets `lr = lrAt(lastEpoch)`. An optimizer built with a
 * `schedule` option cannot also take a scheduler (the two would fight over `lr`).
 *
 * @example
 * ```ts
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
 * const sched = new optim.StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 90; epoch++) {
 *   trainOneEpoch(opt);
 *   sched.step();
 * }
 * ```
 */
export abstract class LRScheduler {
  /** The optimizer whose `lr` this scheduler sets. */
  readonly optimizer: Optimizer;
  /** The optimizer's `lr` when the scheduler was created. */
  readonly baseLr: number;
  /** How many times {@link LRScheduler.step} has run. */
  lastEpoch = 0;

  /**
   * @param optimizer - the optimizer to drive.
   * @param name - the scheduler's name, for error messages.
   */
  constructor(optimizer: Optimizer, name: string) {
    if (!(optimizer instanceof Optimizer)) throw new ValueError(name, 'optimizer', `expected an Optimizer, got ${optimizer === null ? 'null' : typeof optimizer}`);
    if (optimizer.schedule !== null) {
      throw new ValueError(name, 'optimizer', 'already has a schedule option; use either the schedule option or a scheduler, not both');
    }
    this.optimizer = optimizer;
    this.baseLr = optimizer.lr;
  }

  /**
   * The learning rate after `epoch` calls of {@link LRScheduler.step}.
   * @param epoch - a non-negative integer.
   */
  abstract lrAt(epoch: number): number;

  /** Advances one epoch and sets the optimizer's `lr`. */
  step(): void {
    this.lastEpoch++;
    this.optimizer.lr = this.lrAt(this.lastEpoch);
  }

  /** The learning rate this scheduler set last (PyTorch's `get_last_lr()`, for one group). */
  getLastLr(): number {
    return this.lrAt(this.lastEpoch);
  }

  /** @internal Sets the initial rate; called at the end of each subclass constructor. */
  protected start(): void {
    this.optimizer.lr = this.lrAt(0);
  }
}

/**
 * Multiplies the rate by `gamma` every `stepSize` epochs: `lr = baseLr · gamma^⌊epoch / stepSize⌋`
 * (PyTorch's `StepLR`).
 *
 * @example
 * ```ts
 * const sched = new optim.StepLR(opt, { stepSize: 10, gamma: 0.5 });
 * ```
 */
export class StepLR extends LRScheduler {
  /** Epochs between decays. */
  readonly stepSize: number;
  /** The decay factor. */
  readonly gamma: number;

  /**
   * @param optimizer - the optimizer to drive.
   * @param options - `stepSize` (a positive integer) and `gamma` (default 0.1).
   */
  constructor(optimizer: Optimizer, options: { stepSize: number; gamma?: number }) {
    super(optimizer, 'StepLR');
    const { stepSize, gamma = 0.1 } = options ?? ({} as { stepSize: number });
    if (!Number.isInteger(stepSize) || stepSize < 1) throw new ValueError('StepLR', 'stepSize', `expected a positive integer, got ${stepSize}`);
    this.stepSize = stepSize;
    this.gamma = checkHyper('StepLR', 'gamma', gamma);
    this.start();
  }

  /**
   * `baseLr · gamma^⌊epoch / stepSize⌋`.
   * @param epoch - the epoch.
   */
  lrAt(epoch: number): number {
    return this.baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/**
 * Multiplies the rate by `gamma` every epoch: `lr = baseLr · gamma^epoch` (PyTorch's
 * `ExponentialLR`).
 *
 * @example
 * ```ts
 * const sched = new optim.ExponentialLR(opt, { gamma: 0.95 });
 * ```
 */
export class ExponentialLR extends LRScheduler {
  /** The decay factor. */
  readonly gamma: number;

  /**
   * @param optimizer - the optimizer to drive.
   * @param options - `gamma`.
   */
  constructor(optimizer: Optimizer, options: { gamma: number }) {
    super(optimizer, 'ExponentialLR');
    this.gamma = checkHyper('ExponentialLR', 'gamma', options?.gamma);
    this.start();
  }

  /**
   * `baseLr · gamma^epoch`.
   * @param epoch - the epoch.
   */
  lrAt(epoch: number): number {
    return this.baseLr * this.gamma ** epoch;
  }
}

/**
 * Cosine annealing from `baseLr` down to `etaMin` over `tMax` epochs (Loshchilov & Hutter 2017,
 * without restarts), the closed form of PyTorch's `CosineAnnealingLR`:
 * `lr = etaMin + (baseLr - etaMin) · (1 + cos(π · epoch / tMax)) / 2`. Past `tMax` it continues
 * along the cosine (rising again), as PyTorch's does.
 *
 * @example
 * ```ts
 * const sched = new optim.CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  /** The number of epochs of the half cosine. */
  readonly tMax: number;
  /** The minimum rate. */
  readonly etaMin: number;

  /**
   * @param optimizer - the optimizer to drive.
   * @param options - `tMax` (a positive integer) and `etaMin` (default 0).
   */
  constructor(optimizer: Optimizer, options: { tMax: number; etaMin?: number }) {
    super(optimizer, 'CosineAnnealingLR');
    const { tMax, etaMin = 0 } = options ?? ({} as { tMax: number });
    if (!Number.isInteger(tMax) || tMax < 1) throw new ValueError('CosineAnnealingLR', 'tMax', `expected a positive integer, got ${tMax}`);
    this.tMax = tMax;
    this.etaMin = checkHyper('CosineAnnealingLR', 'etaMin', etaMin);
    this.start();
  }

  /**
   * `etaMin + (baseLr - etaMin) · (1 + cos(π · epoch / tMax)) / 2`.
   * @param epoch - the epoch.
   */
  lrAt(epoch: number): number {
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}

/**
 * Sets the rate to `baseLr · factor(epoch)` (PyTorch's `LambdaLR`).
 *
 * @example
 * ```ts
 * const sched = new optim.LambdaLR(opt, (epoch) => 1 / (1 + epoch));
 * ```
 */
export class LambdaLR extends LRScheduler {
  /** The multiplicative factor as a function of the epoch. */
  readonly factor: (epoch: number) => number;

  /**
   * @param optimizer - the optimizer to drive.
   * @param factor - the factor for each epoch (`factor(0)` applies from the start).
   */
  constructor(optimizer: Optimizer, factor: (epoch: number) => number) {
    super(optimizer, 'LambdaLR');
    if (typeof factor !== 'function') throw new ValueError('LambdaLR', 'factor', `expected a function, got ${typeof factor}`);
    this.factor = factor;
    this.start();
  }

  /**
   * `baseLr · factor(epoch)`.
   * @param epoch - the epoch.
   */
  lrAt(epoch: number): number {
    return this.baseLr * this.factor(epoch);
  }
}
