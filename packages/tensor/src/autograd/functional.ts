/**
 * Functional transforms in the JAX style: they return gradients and never touch `.grad`. They nest:
 * an inner transform called while an outer one is tracing records its own backward pass, so
 * `grad(grad(f))` and Hessian-vector products work for every op.
 */
import { DTypeError, ValueError, fmtShape } from '../errors.js';
import { toTensor } from '../convert.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { identity } from '../ops/shape.js';
import { isGradEnabled, setGradEnabled } from './mode.js';
import { onesLike, zerosLike } from '../create.js';
import { compositeVjp as vjpOfComposite, releaseClock, runBackward } from './engine.js';

/** Zeros for the targets a backward walk did not reach. */
function orZeros(grads: readonly (Tensor | null)[], targets: readonly Tensor[]): Tensor[] {
  return grads.map((g, i) => g ?? zerosLike(targets[i]!));
}

/** How many functional transforms are tracing right now. */
let depth = 0;

/**
 * Which arguments a transform differentiates: one index or several (default `0`).
 *
 * @example
 * ```ts
 * const [gw, gb] = grad(loss, [0, 1])(w, b);
 * ```
 */
export type Argnums = number | readonly number[];

/** Gives each differentiated argument its own graph identity, connected to any outer trace. */
function prepare(args: readonly TensorLike[], argnums: readonly number[], op: string): { wrapped: Tensor[]; all: TensorLike[]; nested: boolean } {
  const all = args.slice();
  const wrapped: Tensor[] = [];
  let nested = depth > 0 && isGradEnabled();
  for (const i of argnums) {
    if (i < 0 || i >= args.length || !Number.isInteger(i)) {
      throw new ValueError(op, 'argnums', `index ${i} is out of range for ${args.length} arguments`);
    }
    const t = toTensor(args[i]!);
    if (t.dtype === 'int32') throw new DTypeError(op, `args[${i}]`, 'expected a float tensor to differentiate, got dtype int32');
    let w: Tensor;
    if (t.requiresGrad && isGradEnabled()) {
      // Part of an outer graph: stay connected so the outer transform can differentiate through us.
      w = identity(t);
      if (!t.isLeaf || depth > 0) nested = true;
    } else {
      w = new Tensor(t.data, t.shape);
      w.requiresGrad = true;
    }
    wrapped.push(w);
    all[i] = w;
  }
  return { wrapped, all, nested };
}

/**
 * Runs `f` for a transform: recording is on even inside {@link noGrad} (or a backward rule), since
 * the transform's whole point is to differentiate `f`; whether the result keeps a graph is decided
 * by the caller's mode, captured in `prepare`.
 */
function trace<T>(fn: () => T): T {
  depth++;
  const prev = setGradEnabled(true);
  try {
    return fn();
  } finally {
    setGradEnabled(prev);
    depth--;
  }
}

function scalarOut(out: unknown, op: string): Tensor {
  if (!(out instanceof Tensor)) throw new ValueError(op, 'f', `expected f to return a Tensor, got ${typeof out}`);
  if (out.size !== 1) throw new ValueError(op, 'f', `expected f to return a scalar (one element), got shape ${fmtShape(out.shape)}`);
  return out;
}

function seedFor(out: Tensor): Tensor {
  return onesLike(out);
}

/**
 * Returns `f`'s value and its gradient with respect to the arguments in `argnums`. `f` must
 * return a one-element tensor.
 *
 * @typeParam F - the function's type.
 * @typeParam N - the type of `argnums`: a number gives one gradient, an array gives an array.
 * @param f - the function to differentiate.
 * @param argnums - which arguments (default `0`); an array gives an array of gradients.
 * @returns a function of the same arguments returning `[value, gradient(s)]`.
 * @example
 * ```ts
 * const f = (x: Tensor) => x.mul(x).sum();
 * const [v, g] = valueAndGrad(f)(tensor([1, 2]));
 * v.item();      // 5
 * g.toArray();   // [2, 4]
 * ```
 */
export function valueAndGrad<F extends (...args: any[]) => Tensor, N extends Argnums = 0>(
  f: F,
  argnums?: N,
): (...args: Parameters<F>) => [Tensor, N extends number ? Tensor : Tensor[]] {
  const nums = argnums === undefined ? [0] : typeof argnums === 'number' ? [argnums] : [...(argnums as readonly number[])];
  return (...args) => {
    const since = releaseClock();
    const { wrapped, all, nested } = prepare(args, nums, 'grad');
    const out = scalarOut(trace(() => f(...all)), 'grad');
    const grads = out.requiresGrad
      ? orZeros(runBackward([out], [seedFor(out)], { retainGraph: nested, createGraph: nested, since }, wrapped)!, wrapped)
      : wrapped.map((w) => zerosLike(w));
    return [out, (typeof argnums === 'object' ? grads : grads[0]) as N extends number ? Tensor : Tensor[]];
  };
}

/**
 * Returns a function computing the gradient of `f` with respect to the arguments in `argnums`
 * (JAX's `grad`). Nest it for higher derivatives.
 *
 * @typeParam F - the function's type.
 * @typeParam N - the type of `argnums`: a number gives one gradient, an array gives an array.
 * @param f - a function returning a one-element tensor.
 * @param argnums - which arguments (default `0`); an array gives an array of gradients.
 * @returns the gradient function.
 * @example
 * ```ts
 * const cube = (x: Tensor) => x.pow(3).sum();
 * grad(cube)(tensor([2])).toArray();        // [12]  (3x²)
 * grad(grad(cube))(tensor([2])).toArray();  // [12]  (6x)
 * ```
 */
export function grad<F extends (...args: any[]) => Tensor, N extends Argnums = 0>(
  f: F,
  argnums?: N,
): (...args: Parameters<F>) => N extends number ? Tensor : Tensor[] {
  const vg = valueAndGrad(f, argnums);
  return (...args) => vg(...args)[1];
}

/**
 * Evaluates `f` at `args` and returns its output with a function that maps a cotangent (shaped like
 * the output) to one gradient per argument (JAX's `vjp`). The function may be called repeatedly.
 *
 * @typeParam A - the argument types.
 * @param f - the function.
 * @param args - the point; every argument is differentiated.
 * @returns `[output, vjpFn]`.
 * @example
 * ```ts
 * const [y, back] = vjp((a: Tensor, b: Tensor) => a.mul(b), tensor([1, 2]), tensor([3, 4]));
 * const [ga, gb] = back(tensor([1, 1])); // ga = [3, 4], gb = [1, 2]
 * ```
 */
export function vjp<A extends TensorLike[]>(
  f: (...args: A) => Tensor,
  ...args: A
): [Tensor, (cotangent?: TensorLike) => Tensor[]] {
  const nums = args.map((_, i) => i);
  const since = releaseClock();
  const { wrapped, all, nested } = prepare(args, nums, 'vjp');
  const out = trace(() => f(...(all as A)));
  if (!(out instanceof Tensor)) throw new ValueError('vjp', 'f', `expected f to return a Tensor, got ${typeof out}`);
  const back = (cotangent?: TensorLike): Tensor[] => {
    let ct: Tensor;
    if (cotangent === undefined) {
      if (out.size !== 1) throw new ValueError('vjp', 'cotangent', `is required for an output of shape ${fmtShape(out.shape)}`);
      ct = seedFor(out);
    } else {
      ct = toTensor(cotangent, out);
      if (ct.shape.length !== out.shape.length || ct.shape.some((d, i) => d !== out.shape[i])) {
        throw new ValueError('vjp', 'cotangent', `expected shape ${fmtShape(out.shape)}, got ${fmtShape(ct.shape)}`);
      }
    }
    if (!out.requiresGrad) return wrapped.map((w) => zerosLike(w));
    const createGraph = nested || (isGradEnabled() && (depth > 0 || ct.requiresGrad));
    return orZeros(runBackward([out], [ct], { retainGraph: true, createGraph, since }, wrapped)!, wrapped);
  };
  return [out, back];
}

/**
 * The VJP of `fn` at `inputs` for `cotangent`, recorded on the graph whenever the caller is
 * recording (inside a backward with `createGraph`, or an outer transform). It is how a fused op
 * with a hand-written single-pass gradient stays differentiable to any order: the fused gradient
 * op's own backward is the VJP of the same gradient written as a composite of tensor ops.
 * Int32 inputs (labels) get `null`.
 *
 * @param fn - a composite of tensor ops.
 * @param inputs - the point.
 * @param cotangent - shaped like `fn`'s output.
 * @returns one gradient per input (`null` for int32 inputs).
 * @example
 * ```ts
 * // Backward of a fused gradient op g(x) = upstream * f'(x), with f'(x) = 2x written out:
 * const backward = (gg: Tensor, { inputs: [x, up] }: OpContext<void>) =>
 *   compositeVjp((x, up) => up.mul(x.mul(2)), [x!, up!], gg);
 * ```
 */
export function compositeVjp(fn: (...args: Tensor[]) => Tensor, inputs: readonly Tensor[], cotangent: Tensor): (Tensor | null)[] {
  return vjpOfComposite(fn, inputs, cotangent).map((g, i) => (g === null && inputs[i]!.dtype !== 'int32' ? zerosLike(inputs[i]!) : g));
}
