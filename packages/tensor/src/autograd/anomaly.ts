/**
 * Anomaly detection, PyTorch's `detect_anomaly`: while it is on, every recorded op remembers where
 * it was created, and backward checks every gradient it computes for NaN and ±Infinity, naming
 * the op, its creation site and the input whose gradient went bad. It costs a stack capture per
 * op and a scan per gradient, so it is off by default.
 */
import type { TypedArray } from '../dtype.js';
import { FocalgradError, ValueError, fmtShape } from '../errors.js';
import { refuseAsync } from './mode.js';

let enabled = false;

/**
 * Thrown by backward in anomaly mode when an op's backward produced a NaN or an infinity.
 *
 * @example
 * ```ts
 * try {
 *   detectAnomaly(() => grad((x: Tensor) => x.sqrt().sum())(tensor([0])));
 * } catch (e) {
 *   if (e instanceof AnomalyError) console.log(e.op, e.creationSite); // 'sqrt', the line that called sqrt
 * }
 * ```
 */
export class AnomalyError extends FocalgradError {
  /** Where the op was created (stack frames outside focalgrad), or `''` if it was recorded before anomaly mode was on. */
  readonly creationSite: string;
  /**
   * @param op - the op whose backward went bad.
   * @param arg - which input's gradient (`input 0`, ...).
   * @param message - what was found.
   * @param creationSite - where the op was created.
   */
  constructor(op: string, arg: string, message: string, creationSite: string) {
    super(op, arg, message);
    this.creationSite = creationSite;
  }
}

/**
 * Whether anomaly mode is on.
 *
 * @example
 * ```ts
 * isAnomalyEnabled(); // false
 * detectAnomaly(() => isAnomalyEnabled()); // true
 * ```
 */
export function isAnomalyEnabled(): boolean {
  return enabled;
}

/**
 * Turns anomaly mode on or off for everything that follows (see {@link detectAnomaly} for a
 * scoped form).
 *
 * @param on - the new setting.
 * @returns the previous setting.
 * @example
 * ```ts
 * setDetectAnomaly(true);
 * // ... train; a NaN gradient now throws an AnomalyError naming its op
 * setDetectAnomaly(false);
 * ```
 */
export function setDetectAnomaly(on: boolean): boolean {
  if (typeof on !== 'boolean') throw new ValueError('setDetectAnomaly', 'on', `expected a boolean, got ${String(on)}`);
  const prev = enabled;
  enabled = on;
  return prev;
}

/**
 * Runs `fn` (forward and backward) in anomaly mode: a NaN or infinity in any gradient computed
 * inside throws an {@link AnomalyError} naming the op, where it was created and which input.
 *
 * @param fn - the code to run (synchronous).
 * @returns what `fn` returns.
 * @example
 * ```ts
 * const x = tensor([0, 1], { requiresGrad: true });
 * detectAnomaly(() => x.sqrt().sum().backward()); // AnomalyError: sqrt: argument 'input 0' ... Infinity ...
 * ```
 */
export function detectAnomaly<T>(fn: () => T): T {
  const prev = setDetectAnomaly(true);
  try {
    return refuseAsync(fn(), 'detectAnomaly');
  } finally {
    enabled = prev;
  }
}

/** @internal The stack frames of the caller outside focalgrad's own files: where an op was created. */
export function creationSite(): string {
  const stack = new Error().stack ?? '';
  return stack
    .split('\n')
    .slice(1)
    .filter((line) => !/[\\/](?:packages[\\/]tensor[\\/]|@focalgrad[\\/]tensor[\\/])/.test(line))
    .slice(0, 6)
    .map((line) => line.trim())
    .join('\n');
}

/** @internal Throws an AnomalyError if `data` holds a NaN or an infinity. */
export function checkFinite(data: TypedArray, shape: readonly number[], op: string, input: number, site: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) {
      const where = site === '' ? 'an op recorded before anomaly mode was on' : `the op created at\n${site}`;
      throw new AnomalyError(
        op,
        `input ${input}`,
        `backward produced ${v} at flat index ${i} of the gradient for input ${input} (shape ${fmtShape(shape)}); ${where}`,
        site,
      );
    }
  }
}
