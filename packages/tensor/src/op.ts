import type { Tensor, TensorLike } from './tensor.js';
import { setGradEnabled, isGradEnabled } from './autograd/mode.js';
import { toTensor } from './convert.js';

/**
 * What a backward rule sees: the op's inputs, its output and its non-tensor attributes — nothing
 * else. Because these are graph tensors, a rule written with tensor ops is itself differentiable,
 * which is what makes `grad(grad(f))` work.
 *
 * @example
 * ```ts
 * // inside a backward rule: (g, { inputs: [x], output }) => [mul(g, output)]
 * ```
 */
export interface OpContext<A> {
  /** The op's tensor inputs, in order. */
  readonly inputs: readonly Tensor[];
  /** The tensor the op returned. */
  readonly output: Tensor;
  /** The op's non-tensor attributes (axes, options, constants). */
  readonly attrs: A;
  /** For each input, whether its gradient is wanted; skip the work for the others. */
  readonly needsInputGrad: readonly boolean[];
}

/**
 * The definition of an op: a forward kernel and its vector-Jacobian product, side by side.
 *
 * - `forward` computes the output from the input values (it runs with recording off, so it may use
 *   raw typed-array loops or other ops freely).
 * - `backward` receives the gradient of the output and returns one gradient per input (or `null`
 *   where an input gets none). Write it with tensor ops so it can be differentiated again. A
 *   gradient may have the broadcast output's shape: autograd sums it back to the input's shape.
 *
 * @typeParam A - the type of the op's non-tensor attributes.
 * @example
 * ```ts
 * const spec: OpSpec<void> = {
 *   name: 'square',
 *   forward: ([x]) => mul(x!, x!),
 *   backward: (g, { inputs: [x] }) => [mul(g, mul(x!, 2))],
 * };
 * ```
 */
export interface OpSpec<A> {
  /** A name for error messages and graph inspection. */
  readonly name: string;
  /** Computes the output from input values. */
  forward(inputs: readonly Tensor[], attrs: A): Tensor;
  /**
   * The vector-Jacobian product: one gradient per input, shaped like the input or like the output
   * it was broadcast to. Omit it for ops with no gradient (comparisons, argmax).
   */
  backward?(grad: Tensor, ctx: OpContext<A>): ReadonlyArray<Tensor | null | undefined>;
  /** Validates inputs and attributes before the kernel runs; throw a typed error on bad input. */
  check?(inputs: readonly Tensor[], attrs: A): void;
}

/**
 * A function made by {@link defineOp}: takes the op's inputs (tensors or tensor-likes) and its
 * attributes and returns the output, recording the op for autograd.
 *
 * @typeParam A - the type of the op's attributes.
 * @example
 * ```ts
 * const y = softsign([x]); // an Op<void>
 * ```
 */
export interface Op<A> {
  (inputs: readonly TensorLike[], ...attrs: A extends void ? [attrs?: A] : [attrs: A]): Tensor;
  /** The definition this op was made from. */
  readonly spec: OpSpec<A>;
}

/**
 * Defines an op that takes part in autograd exactly like a built-in: every op in focalgrad,
 * including the fused focal losses, is made with this function. Modelled on PyTorch's
 * `torch.autograd.Function` and JAX's `custom_vjp`.
 *
 * @typeParam A - the type of the op's non-tensor attributes (`void` if none).
 * @param spec - the forward kernel and backward rule.
 * @returns the op as a function of `(inputs, attrs)`.
 * @example
 * ```ts
 * // softsign(x) = x / (1 + |x|), d/dx = 1 / (1 + |x|)^2
 * const softsignOp = defineOp<void>({
 *   name: 'softsign',
 *   forward: ([x]) => div(x!, add(abs(x!), 1)),
 *   backward: (g, { inputs: [x] }) => [div(g, square(add(abs(x!), 1)))],
 * });
 * const softsign = (x: TensorLike) => softsignOp([x]);
 *
 * const x = tensor([-2, 0, 3], { dtype: 'float64' });
 * gradcheck(softsign, [x]).ok; // true
 * grad((x: Tensor) => softsign(x).sum())(x).toArray(); // [1/9, 1, 1/16]
 * ```
 */
export function defineOp<A = void>(spec: OpSpec<A>): Op<A> {
  const apply = (rawInputs: readonly TensorLike[], attrs?: A): Tensor => {
    const inputs = convertInputs(rawInputs);
    spec.check?.(inputs, attrs as A);
    let record = false;
    if (spec.backward !== undefined && isGradEnabled()) {
      for (let i = 0; i < inputs.length; i++) {
        if (inputs[i]!.requiresGrad) {
          record = true;
          break;
        }
      }
    }
    const prev = setGradEnabled(false);
    let out: Tensor;
    try {
      out = spec.forward(inputs, attrs as A);
    } finally {
      setGradEnabled(prev);
    }
    if (record) {
      // A forward that returned one of its inputs (or a view sharing its node) must not be re-used
      // as the output record: wrap it so this op gets its own node.
      if (out.node !== null || inputs.includes(out)) out = shallowCopy(out);
      out.node = { op: spec as OpSpec<any>, inputs, attrs, released: false };
      out.requiresGrad = true;
    }
    return out;
  };
  return Object.assign(apply, { spec }) as Op<A>;
}

function convertInputs(raw: readonly TensorLike[]): Tensor[] {
  // Bare numbers take the dtype of the first tensor input, as in PyTorch and JAX.
  let like: Tensor | undefined;
  for (const r of raw) {
    if (typeof r === 'object' && r !== null && !Array.isArray(r)) {
      like = r as Tensor;
      break;
    }
  }
  const out = new Array<Tensor>(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = toTensor(raw[i]!, like);
  return out;
}

function shallowCopy(t: Tensor): Tensor {
  return new (t.constructor as new (d: Tensor['data'], s: Tensor['shape']) => Tensor)(t.data, t.shape);
}
