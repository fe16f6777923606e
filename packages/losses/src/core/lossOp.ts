/**
 * @internal Every loss is one fused op built here on `defineFusedOp`: inputs `[yTrue, yPred]`, a
 * fused forward that computes the loss and — when the call is recorded for a gradient with
 * respect to `yPred` — its derivatives in the same pass, kept as the op's residual; a first-order
 * gradient kernel that only scales that residual by the upstream gradient; and a composite of
 * tensor ops that autograd differentiates for every higher order. Labels are constants of the op.
 * Infinite logits give the limits of all three (`limits.ts`).
 */
import { type Op, type Tensor, Tensor as T, defineFusedOp, splitAround } from '@focalgrad/tensor';
import { allocFloatArray } from './floatArray.js';
import { type LimitInfo, compositeInput, forwardAtLimits } from './limits.js';
import { type Derivatives, scaleAll, scaleRows } from './upstream.js';

/** The attributes every loss op carries, whatever its family. */
export interface LossAttrs {
  /**
   * The axis the per-sample loss reduces over (averaged or summed over classes): the per-sample
   * losses have `yPred`'s shape without it. `null` for an elementwise loss.
   */
  readonly axis: number | null;
  /**
   * When set, the op returns the sum of the per-sample losses divided by this (1 for `'sum'`, the
   * number of per-sample values for a mean) as a scalar: a reduction fused into the kernel pass.
   */
  reduceBy: number | null;
}

/** What a loss spec supplies to {@link defineLossOp}. */
export interface LossKernels<A extends LossAttrs> {
  /** The op's name; its gradient op is `${name}Grad`. */
  readonly name: string;
  /**
   * The per-sample losses (or their fused reduction). When `d` is given, the same pass writes
   * `∂result/∂yPred` for a unit upstream gradient of the per-sample losses — times `1/reduceBy`
   * when the reduction is fused — into it. Run again with a fresh `d` it must write the same
   * numbers: that is how the gradient is recomputed when no residual is left.
   */
  forward(yTrue: Tensor, yPred: Tensor, attrs: A, d: Derivatives | null): Tensor;
  /** `g · ∂result/∂yPred` with differentiable tensor ops (`g` shaped like the result). */
  composite(yTrue: Tensor, yPred: Tensor, g: Tensor, attrs: A): Tensor;
  /** The predictions' argument name in errors (default `'yPred'`). */
  readonly predArg?: string;
  /** Whether `attrs.axis` is a softmax's class axis (rather than an axis averaged over). */
  readonly softmax?: boolean;
}

/** Multiplies kept derivatives by the upstream gradient `g` (shaped like the op's result), in place. */
/** How {@link forwardAtLimits} names the predictions and finds softmax rows. */
function limitInfo<A extends LossAttrs>(spec: LossKernels<A>, attrs: A): LimitInfo {
  return { op: spec.name, arg: spec.predArg ?? 'yPred', classAxis: spec.softmax === true ? attrs.axis : null };
}

/**
 * The result for empty predictions: zeros of the result's shape. A mean over an empty axis, or a
 * fused mean over no values, is 0 (Keras's `divide_no_nan`), never 0/0.
 */
function emptyResult(yp: Tensor, attrs: LossAttrs): Tensor {
  const shape = attrs.reduceBy !== null ? [] : attrs.axis === null ? yp.shape.slice() : yp.shape.filter((_, i) => i !== attrs.axis);
  return new T(allocFloatArray(yp.dtype, shape.reduce((a, b) => a * b, 1)), shape);
}

function applyUpstream(d: Derivatives, g: Tensor, yPred: Tensor, attrs: LossAttrs): Derivatives {
  if (attrs.reduceBy !== null) return scaleAll(d, g.data[0]!);
  if (attrs.axis === null) return scaleRows(d, g.data, d.length, 1, 1);
  const [outer, K, inner] = splitAround(yPred.shape, attrs.axis);
  return scaleRows(d, g.data, outer, K, inner);
}

/**
 * Builds a loss op. The residual is an optimisation only: a second backward through a retained
 * graph finds none and reruns the forward for its derivatives, which gives identical numbers; the
 * composite never reads it.
 */
export function defineLossOp<A extends LossAttrs>(spec: LossKernels<A>): Op<A> {
  return defineFusedOp<A>({
    name: spec.name,
    forward: ([yt, yp], attrs, ctx) => {
      if (yp!.size === 0) return emptyResult(yp!, attrs);
      const d = ctx.recording && yp!.requiresGrad ? allocFloatArray(yp!.dtype, yp!.size) : null;
      const out = forwardAtLimits(spec.forward, yt!, yp!, attrs, d, limitInfo(spec, attrs));
      if (d !== null) ctx.save(d);
      return out;
    },
    gradients: [
      null,
      {
        kernel: (g, { inputs: [yt, yp], attrs, saved }) => {
          if (yp!.size === 0) return new T(allocFloatArray(yp!.dtype, 0), yp!.shape);
          let d = saved as Derivatives | undefined;
          if (d === undefined) {
            d = allocFloatArray(yp!.dtype, yp!.size);
            forwardAtLimits(spec.forward, yt!, yp!, attrs, d, limitInfo(spec, attrs));
          }
          return new T(applyUpstream(d, g, yp!, attrs), yp!.shape);
        },
        composite: (g, { inputs: [yt, yp], attrs }) => spec.composite(yt!, compositeInput(yp!, limitInfo(spec, attrs)), g, attrs),
      },
    ],
  });
}
