/**
 * Option objects are checked for keys the function does not know: a misspelt `{ gama: 5 }` or an
 * option from another library would otherwise be ignored silently and the default used instead.
 */
import { ValueError } from './errors.js';

/** The edit distance between two short strings (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Throws a {@link ValueError} naming any key of `options` that is not in `known`, with the nearest
 * known key as a suggestion (as Keras does for unknown keyword arguments). `undefined` passes;
 * anything but a plain object fails.
 *
 * @param op - the function or class the options are for (named in the error).
 * @param options - the caller's options object.
 * @param known - every option name the function accepts.
 * @example
 * ```ts
 * checkOptions('myLoss', { gama: 5 }, ['gamma', 'alpha']);
 * // ValueError: myLoss: argument 'gama' is not an option of myLoss; did you mean 'gamma'? Options: gamma, alpha.
 * ```
 */
export function checkOptions(op: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(op, 'options', `expected an object of options, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    let best = '';
    let bestD = Infinity;
    for (const k of known) {
      const d = distance(key, k);
      if (d < bestD) [best, bestD] = [k, d];
    }
    const hint = best !== '' && bestD <= Math.max(2, Math.floor(key.length / 3)) ? `; did you mean '${best}'?` : '';
    throw new ValueError(op, key, `is not an option of ${op}${hint || '.'} Options: ${known.join(', ')}.`);
  }
}
