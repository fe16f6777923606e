/**
 * Base class of every error focalgrad throws on bad input. Each carries the op and the argument it
 * is about, so a message always says where the problem is, what was expected and what was given.
 *
 * @example
 * ```ts
 * try {
 *   add(zeros([2, 3]), zeros([3, 2]));
 * } catch (e) {
 *   if (e instanceof FocalgradError) console.log(e.op, e.arg); // 'add' 'b'
 * }
 * ```
 */
export class FocalgradError extends Error {
  /** The op or function that rejected its input. */
  readonly op: string;
  /** The argument that was wrong. */
  readonly arg: string;
  /**
   * @param op - the op or function that rejected its input.
   * @param arg - the name of the argument that was wrong.
   * @param message - what was expected and what was given.
   */
  constructor(op: string, arg: string, message: string) {
    super(`${op}: ${arg ? `argument '${arg}' ` : ''}${message}`);
    this.name = new.target.name;
    this.op = op;
    this.arg = arg;
  }
}

/**
 * Thrown when shapes do not fit: broadcasting, matmul inner dimensions, reshape sizes, axes out of
 * range, indices out of bounds.
 *
 * @example
 * ```ts
 * matmul(zeros([2, 3]), zeros([4, 5])); // ShapeError: matmul: argument 'b' expected ... got ...
 * ```
 */
export class ShapeError extends FocalgradError {}

/**
 * Thrown when a dtype is not allowed: an `int32` tensor asked to require grad, float indices.
 *
 * @example
 * ```ts
 * tensor([1, 2], { dtype: 'int32', requiresGrad: true }); // DTypeError
 * ```
 */
export class DTypeError extends FocalgradError {}

/**
 * Thrown when a value is out of its allowed range or set: a negative `gamma`, an unknown
 * reduction, a non-integer label, backward on a non-scalar without a seed gradient.
 *
 * @example
 * ```ts
 * zeros([2], { requiresGrad: true }).mul(2).backward(); // ValueError: backward: argument 'grad' is required for a non-scalar output ...
 * ```
 */
export class ValueError extends FocalgradError {}

/** @internal */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
