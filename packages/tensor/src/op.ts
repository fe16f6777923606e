import { ValueError } from './errors.js';
import { Tensor, type TensorLike } from './tensor.js';
import { setGradEnabled, isGradEnabled } from './autograd/mode.js';
import { toTensor } from './convert.js';
import { versionOf } from './version.js';
import { creationSite, isAnomalyEnabled } from './autograd/anomaly.js';

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
  /**
   * Returns the residual the forward kept with {@link ForwardContext.save} for this call, and
   * forgets it (so a second backward through a retained graph gets `undefined` and recomputes).
   * `undefined` when nothing was saved.
   */
  takeSaved(): unknown;
  /**
   * The VJP of a composite function of tensors, for a backward rule that differentiates a formula
   * (a fused gradient's higher orders): `vjp(fn, inputs, cotangent)` returns, per input, the
   * gradient of `fn(...inputs)` contracted with `cotangent`, or `null` where `fn` does not depend
   * on that input. The same function as {@link compositeVjp}, handed to rules by the engine.
   */
  vjp(fn: (...args: Tensor[]) => Tensor, inputs: readonly Tensor[], cotangent: Tensor): (Tensor | null)[];
}

/**
 * What a forward kernel may do besides computing its output: learn whether the call is recorded
 * for autograd, and keep a residual for its own first-order backward — typically the partial
 * derivatives a fused kernel computes for free in the same pass (PyTorch's `save_for_backward`,
 * JAX's `custom_vjp` residuals).
 *
 * A residual is an optimisation only. The backward must give the same result without it (it gets
 * `undefined` after a retained graph was already walked), and the op's second-order path must not
 * depend on it: a residual is not a graph tensor, so nothing differentiates through it.
 *
 * @example
 * ```ts
 * forward: ([x], _attrs, ctx) => {
 *   const d = ctx.recording ? new Float64Array(x!.size) : null; // derivatives, filled in the same loop
 *   // ... compute the output, and d[i] when d !== null ...
 *   if (d) ctx.save(d);
 *   return out;
 * },
 * backward: (g, { inputs: [x], takeSaved }) => {
 *   const d = takeSaved() as Float64Array | undefined;
 *   return [d ? scaleBy(g, d) : recompute(g, x!)];
 * },
 * ```
 */
export interface ForwardContext {
  /** Whether this call is recorded (some input requires grad and recording is on). */
  readonly recording: boolean;
  /**
   * Keeps `residual` for this call's backward ({@link OpContext.takeSaved}); ignored when not
   * recording. Released with the graph.
   */
  save(residual: unknown): void;
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
  /** Computes the output from input values; `ctx` can keep a residual for the backward. */
  forward(inputs: readonly Tensor[], attrs: A, ctx: ForwardContext): Tensor;
  /**
   * The vector-Jacobian product: one gradient per input, shaped like the input or like the output
   * it was broadcast to. An op without one must say so with `nonDifferentiable: true`; otherwise a
   * backward pass that reaches it throws instead of treating its gradient as zero.
   */
  backward?(grad: Tensor, ctx: OpContext<A>): ReadonlyArray<Tensor | null | undefined>;
  /**
   * Declares that the output carries no gradient (comparisons, `argmax`, `sign`): the op is never
   * recorded, and its output does not require grad.
   */
  readonly nonDifferentiable?: boolean;
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
    if (spec.nonDifferentiable !== true && isGradEnabled()) {
      for (let i = 0; i < inputs.length; i++) {
        if (inputs[i]!.requiresGrad) {
          record = true;
          break;
        }
      }
    }
    const ctx: SaveContext = record ? { recording: true, saved: undefined, save: saveResidual } : NOT_RECORDING;
    const prev = setGradEnabled(false);
    let out: Tensor;
    try {
      out = spec.forward(inputs, attrs as A, ctx);
    } finally {
      setGradEnabled(prev);
    }
    // A property test, not instanceof: this runs on every op call.
    if (typeof (out as Tensor | null)?.shape !== 'object') {
      const got = out === null ? 'null' : typeof out === 'object' ? 'an object that is not a Tensor' : `${typeof out} ${String(out)}`;
      throw new ValueError(spec.name, 'forward', `returned ${got}, expected a Tensor`);
    }
    if (record) {
      // A forward that returned one of its inputs (or a view sharing its node) must not be re-used
      // as the output record: wrap it so this op gets its own node.
      if (out.node !== null || inputs.includes(out)) out = shallowCopy(out);
      const versions = new Array<number>(inputs.length);
      for (let i = 0; i < inputs.length; i++) versions[i] = leafVersion(inputs[i]!);
      // One object shape for every node (creationSite always present), so property reads stay monomorphic.
      out.node = { op: spec as OpSpec<any>, inputs, attrs, released: false, saved: ctx.saved, versions, creationSite: isAnomalyEnabled() ? creationSite() : undefined };
      out.requiresGrad = true;
    }
    return out;
  };
  return Object.assign(apply, { spec }) as Op<A>;
}

/**
 * The version of a leaf input, or −1 (not tracked) for an op's output. Only leaves are written in
 * place (parameters, buffers, data), and a view of a leaf is made by an op that records the leaf
 * itself, so checking leaves catches every in-place change that could reach a gradient.
 */
function leafVersion(t: Tensor): number {
  return t.node === null ? versionOf(t.data) : -1;
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

interface SaveContext extends ForwardContext {
  saved: unknown;
}

function saveResidual(this: SaveContext, residual: unknown): void {
  this.saved = residual;
}

/** Shared by every unrecorded call: saving is a no-op, so nothing is kept. */
const NOT_RECORDING: SaveContext = Object.freeze({ recording: false, saved: undefined, save: () => undefined });
