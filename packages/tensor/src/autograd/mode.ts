import { ValueError } from '../errors.js';
/** Whether ops record the graph. Module state, flipped by {@link noGrad} and during backward. */
let enabled = true;

/**
 * Whether ops currently record the autograd graph.
 *
 * @example
 * ```ts
 * isGradEnabled(); // true
 * noGrad(() => isGradEnabled()); // false
 * ```
 */
export function isGradEnabled(): boolean {
  return enabled;
}

/** @internal Sets recording on or off and returns the previous setting. */
export function setGradEnabled(v: boolean): boolean {
  const prev = enabled;
  enabled = v;
  return prev;
}

/**
 * Runs `fn` with graph recording off: ops inside produce tensors without history. Optimizers use
 * it to update parameters in place.
 *
 * @param fn - the code to run.
 * @returns what `fn` returns.
 * @example
 * ```ts
 * const w = randn([3], { requiresGrad: true, seed: 0 });
 * const y = noGrad(() => w.mul(2)); // y.requiresGrad === false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(false);
  try {
    return refuseAsync(fn(), 'noGrad');
  } finally {
    enabled = prev;
  }
}

/**
 * @internal Grad mode is a global switch, restored when `fn` returns: for an async function that is at its
 * first `await`, so the rest of it would run in whatever mode the caller is in. Refuse it.
 */
export function refuseAsync<T>(result: T, op: string): T {
  if (typeof (result as { then?: unknown } | null)?.then === 'function') {
    throw new ValueError(op, 'fn', 'returned a promise: the mode cannot follow an async function past its first await; call it inside the async function around synchronous code instead');
  }
  return result;
}

/**
 * Runs `fn` with graph recording on, even inside {@link noGrad}.
 *
 * @param fn - the code to run.
 * @returns what `fn` returns.
 * @example
 * ```ts
 * noGrad(() => enableGrad(() => isGradEnabled())); // true
 * ```
 */
export function enableGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(true);
  try {
    return refuseAsync(fn(), 'enableGrad');
  } finally {
    enabled = prev;
  }
}
