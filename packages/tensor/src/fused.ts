/**
 * Fused ops: a fast forward kernel, a fast first-order backward kernel, and the same backward
 * written as a composite of tensor ops that autograd differentiates for every higher order — MLX's
 * `fast::Custom` pattern (a fused kernel plus a fallback "used for transformations").
 *
 * The first-order gradient with respect to input `i` is an op of its own, `<name>Grad` (with the
 * input's index appended when several inputs are differentiable). Its forward is the fused kernel;
 * its backward is the VJP of the composite, so `grad(grad(f))` and beyond see exact, differentiable
 * derivatives while `loss.backward()` runs only the fused loops.
 */
import { type ForwardContext, type Op, type OpSpec, defineOp } from './op.js';
import type { Tensor } from './tensor.js';

/**
 * What a fused gradient sees: the op's inputs and output, its attributes, and the residual its
 * forward kept with {@link ForwardContext.save} (`undefined` when none was kept, for instance on a
 * second backward through a retained graph: the kernel then recomputes, with the same numbers).
 *
 * @example
 * ```ts
 * kernel: (g, { inputs: [x], saved }) => (saved ? scale(saved as Float64Array, g) : recompute(g, x!)),
 * ```
 */
export interface FusedGradientContext<A> {
  /** The fused op's inputs. */
  readonly inputs: readonly Tensor[];
  /** The fused op's output (a graph tensor: a composite may use it, and is then differentiated through it). */
  readonly output: Tensor;
  /** The fused op's attributes. */
  readonly attrs: A;
  /**
   * The forward's residual, shared by every gradient kernel of one call; a kernel may overwrite
   * only the part that belongs to its input. Never read by `composite`.
   */
  readonly saved: unknown;
}

/**
 * The gradient of a fused op with respect to one input: the fused kernel that computes it, and the
 * same function written with tensor ops.
 *
 * @typeParam A - the op's attribute type.
 * @example
 * ```ts
 * const tanhGradient: FusedGradient<void> = {
 *   kernel: (g, { output }) => mulKernel(g, output),                      // g · (1 − y²), raw loops
 *   composite: (g, { output }) => mul(g, sub(1, square(output))),         // the same, with tensor ops
 * };
 * ```
 */
export interface FusedGradient<A> {
  /**
   * `g · ∂output/∂input` for the upstream gradient `g` (shaped like the output), from raw loops.
   * Returns a tensor shaped like the input (or like the output, for a broadcast input).
   */
  kernel(g: Tensor, ctx: FusedGradientContext<A>): Tensor;
  /**
   * The same value as `kernel`, written with differentiable tensor ops; it runs only when a higher
   * derivative is taken. `ctx.saved` is `undefined` here.
   */
  composite(g: Tensor, ctx: FusedGradientContext<A>): Tensor;
}

/**
 * The definition of a fused op.
 *
 * @typeParam A - the type of the op's non-tensor attributes.
 * @example
 * ```ts
 * const spec: FusedOpSpec<void> = {
 *   name: 'cube',
 *   forward: ([x]) => mul(x!, square(x!)),
 *   gradients: [{ kernel: (g, { inputs: [x] }) => mul(g, mul(square(x!), 3)), composite: (g, { inputs: [x] }) => mul(g, mul(square(x!), 3)) }],
 * };
 * ```
 */
export interface FusedOpSpec<A> {
  /** A name for error messages and graph inspection; the gradient ops are named after it. */
  readonly name: string;
  /** Computes the output with fused loops; may keep a residual for the gradient kernels with `ctx.save`. */
  forward(inputs: readonly Tensor[], attrs: A, ctx: ForwardContext): Tensor;
  /**
   * One entry per input: its gradient, or `null` for an input that is a constant of the op (labels,
   * masks) and gets no gradient.
   */
  readonly gradients: ReadonlyArray<FusedGradient<A> | null>;
  /** Validates inputs and attributes before the kernel runs; throw a typed error on bad input. */
  check?(inputs: readonly Tensor[], attrs: A): void;
}

/** The gradient op's attributes: the fused op's, and the residual its forward kept. */
interface GradAttrs<A> {
  readonly attrs: A;
  readonly saved: unknown;
}

/**
 * @internal The {@link OpSpec} of a fused op (what {@link defineFusedOp} hands to `defineOp`), for
 * the primitive table, which builds its ops itself.
 */
export function fusedOpSpec<A>(spec: FusedOpSpec<A>): OpSpec<A> {
  const n = spec.gradients.length;
  const differentiable = spec.gradients.map((gr) => gr !== null);
  const several = differentiable.filter(Boolean).length > 1;
  // Gradient op inputs: [...the op's inputs, its output, g].
  const gradOps = spec.gradients.map((gr, i) => {
    if (gr === null) return null;
    return defineOp<GradAttrs<A>>({
      name: several ? `${spec.name}Grad${i}` : `${spec.name}Grad`,
      forward: (ins, { attrs, saved }) => gr.kernel(ins[n + 1]!, { inputs: ins.slice(0, n), output: ins[n]!, attrs, saved }),
      backward: (gg, { inputs: ins, attrs: { attrs }, needsInputGrad, vjp }) => {
        // Differentiate the composite with respect to every differentiable input, the output and g;
        // constant inputs are closed over.
        const vars: number[] = [];
        for (let k = 0; k < n + 2; k++) if ((k >= n || differentiable[k]) && needsInputGrad[k]) vars.push(k);
        const composite = (...vs: Tensor[]): Tensor => {
          const all = ins.slice();
          vars.forEach((k, j) => (all[k] = vs[j]!));
          return gr.composite(all[n + 1]!, { inputs: all.slice(0, n), output: all[n]!, attrs, saved: undefined });
        };
        const grads = vjp(composite, vars.map((k) => ins[k]!), gg);
        const out = new Array<Tensor | null>(n + 2).fill(null);
        vars.forEach((k, j) => (out[k] = grads[j]!));
        return out;
      },
    });
  });
  const opSpec: OpSpec<A> = {
    name: spec.name,
    forward: spec.forward,
    backward: (g, { inputs, output, attrs, needsInputGrad, takeSaved }) => {
      const saved = takeSaved();
      return gradOps.map((op, i) => (op !== null && needsInputGrad[i] ? op([...inputs, output, g], { attrs, saved }) : null));
    },
  };
  if (spec.check) opSpec.check = spec.check;
  return opSpec;
}

/**
 * Defines a fused op: one pass of raw loops for the forward (which may keep the partial
 * derivatives it computes for free), one for the first-order backward, and a composite of tensor
 * ops that serves every higher order. Each focal loss, `relu` and `logSoftmax` are built this way.
 *
 * The kernel and the composite must compute the same function; test them together with
 * `gradcheck` (the kernel) and `gradgradcheck` (the composite).
 *
 * @typeParam A - the type of the op's non-tensor attributes (`void` if none).
 * @param spec - the forward kernel and, per input, the gradient kernel and its composite.
 * @returns the op as a function of `(inputs, attrs)`.
 * @example
 * ```ts
 * // softsign(x) = x / (1 + |x|), softsign'(x) = 1 / (1 + |x|)²
 * const softsignOp = defineFusedOp<void>({
 *   name: 'softsign',
 *   forward: ([x]) => {
 *     const xd = x!.data;
 *     const out = new Float64Array(xd.length);
 *     for (let i = 0; i < xd.length; i++) out[i] = xd[i]! / (1 + Math.abs(xd[i]!));
 *     return new Tensor(out, x!.shape);
 *   },
 *   gradients: [{
 *     kernel: (g, { inputs: [x] }) => {
 *       const xd = x!.data;
 *       const gd = g.data;
 *       const out = new Float64Array(xd.length);
 *       for (let i = 0; i < xd.length; i++) out[i] = gd[i]! / (1 + Math.abs(xd[i]!)) ** 2;
 *       return new Tensor(out, x!.shape);
 *     },
 *     composite: (g, { inputs: [x] }) => div(g, square(add(abs(x!), 1))),
 *   }],
 * });
 * const x = tensor([-2, 0.5, 3], { dtype: 'float64' });
 * gradcheck((x: Tensor) => softsignOp([x]), [x]).ok; // true
 * gradgradcheck((x: Tensor) => softsignOp([x]), [x]).ok; // true
 * ```
 */
export function defineFusedOp<A = void>(spec: FusedOpSpec<A>): Op<A> {
  return defineOp(fusedOpSpec(spec));
}
