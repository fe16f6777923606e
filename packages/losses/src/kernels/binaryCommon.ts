/**
 * @internal Shared plumbing of the binary loss ops (Keras BinaryCrossentropy and
 * BinaryFocalCrossentropy, focal-loss's binary_focal_loss, torchvision's sigmoid_focal_loss):
 * input conversion, per-class parameters, the iteration of elementwise kernels over a
 * "mean over one axis" layout, and the factory that turns a fused forward kernel, a fused
 * gradient kernel and the same gradient written with tensor ops into a pair of ops that is
 * differentiable to any order.
 */
import {
  type DType,
  type Op,
  type Tensor,
  type TensorLike,
  type TypedArray,
  ShapeError,
  ValueError,
  Tensor as T,
  add,
  astype,
  broadcastTo,
  compositeVjp,
  defineOp,
  expandDims,
  greaterEqual,
  lessEqual,
  logicalAnd,
  mul,
  tensor,
} from '@focalgrad/tensor';
import { asFloat } from '../validate.js';

/** Keras's `backend.epsilon()` (and focal-loss's `_EPSILON`): the probability clip. */
export const EPSILON = 1e-7;

/**
 * The clip bounds `[eps, 1 - eps]` as the reference sees them in the compute dtype: in float32,
 * `1 - 1e-7` rounds to `0.99999988` (so `-log(1 - hi)` is 15.942, not 16.118), which is what the
 * Keras test `BinaryCrossentropyTest.test_unweighted` (3.98559) measures.
 */
export function clipBounds(dtype: DType): { lo: number; hi: number } {
  return dtype === 'float32' ? { lo: Math.fround(EPSILON), hi: Math.fround(1 - EPSILON) } : { lo: EPSILON, hi: 1 - EPSILON };
}

/**
 * A fused elementwise kernel over `len` elements from `start`: the loss of each element and, when
 * `dOut` is given, its derivative with respect to the prediction, in one pass.
 * - Consecutive runs of `rowLen` losses are summed and each run's sum times `outScale` is written
 *   to `out[outOff], out[outOff + 1], …` (unless `out` is null): `rowLen = 1` writes the
 *   elementwise loss, `rowLen = D` a mean over a last axis of length D.
 * - `dOut[dOff + k]` receives `dScale · d loss_{start+k} / d yPred_{start+k}` (the scale of the
 *   op's own reduction, e.g. `1/D` for a mean, folded in before the value is rounded to dOut's type).
 * Returns the float64 sum of all the losses. `c0` is the class index (position along the last
 * axis, modulo `P.C`) of the first element. A derivative recomputed over the same ranges is
 * bit-identical (float32 kernels may pick their arithmetic per stage of a range).
 */
export type LossKernel<P> = (
  yt: TypedArray,
  yp: TypedArray,
  out: TypedArray | null,
  outOff: number,
  start: number,
  len: number,
  c0: number,
  P: P,
  rowLen: number,
  outScale: number,
  dOut: TypedArray | null,
  dOff: number,
  dScale: number,
) => number;

/** Per-element derivatives of a loss op, in the predictions' dtype. */
export type Derivatives = Float32Array | Float64Array;

/**
 * The scaled derivatives `dScale · d loss / d yPred` of every element, into `out`: the residual
 * the forward keeps, recomputed when the backward finds none — by the same kernel over the same
 * range (the whole array, as every forward except {@link runMeanOverAxis} with `inner > 1`, which
 * recomputes its own ranges), so with the same numbers.
 */
function recompute<P>(fk: LossKernel<P>, yt: Tensor, yp: Tensor, P: P, dScale: number, out: Derivatives): Derivatives {
  const n = yp.size;
  if (n > 0) fk(yt.data, yp.data, null, 0, 0, n, 0, P, n, 1, out, 0, dScale);
  return out;
}

/** `d[i] ·= s` over the whole array (a no-op for `s = 1`, which leaves the values bit-identical). */
function scaleAll(d: Derivatives, s: number): void {
  if (s === 1) return;
  for (let i = 0; i < d.length; i++) d[i] = d[i]! * s;
}

// ---------------------------------------------------------------------------------------------
// The forward's derivatives. When a call is recorded for a gradient with respect to `yPred`, the
// loss op's forward (`ForwardContext.save`) keeps the derivatives the fused kernel computes in the
// same pass, already multiplied by the op's own reduction scale; its backward takes them
// (`OpContext.takeSaved`, once) and hands them to the gradient op, which multiplies them in place
// by the upstream gradient — no pass at all when that is the scalar 1, as for `loss.backward()` of a
// fused reduction. Without them (a second backward through a retained graph) the gradient op
// recomputes them with the same kernel: both paths give identical numbers.

/** How a tensor splits around a reduced axis: `outer × D × inner`. */
export interface AxisLayout {
  outer: number;
  D: number;
  inner: number;
  /** The shape without the axis (the per-sample output shape). */
  outShape: number[];
}

/** The layout of `shape` around `axis` (already normalised). */
export function axisLayout(shape: readonly number[], axis: number): AxisLayout {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return { outer, D: shape[axis]!, inner, outShape: shape.filter((_, i) => i !== axis) };
}

function alloc(dtype: DType, n: number): Derivatives {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/**
 * Runs a kernel and averages over `axis` (Keras's `ops.mean(loss, axis)`), in one pass; writes the
 * elementwise derivatives, times `1/D`, to `d` when given.
 */
export function runMeanOverAxis<P extends { C: number }>(fk: LossKernel<P>, yt: Tensor, yp: Tensor, axis: number, P: P, d: Derivatives | null): Tensor {
  const { outer, D, inner, outShape } = axisLayout(yp.shape, axis);
  const out = alloc(yp.dtype, outer * inner);
  if (inner === 1) {
    if (D > 0) fk(yt.data, yp.data, out, 0, 0, yp.size, 0, P, D, 1 / D, d, 0, 1 / D);
    else out.fill(NaN); // the mean of nothing, as numpy / Keras
  } else {
    const C = P.C;
    const acc = new Float64Array(outer * inner);
    const row = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < D; k++) {
        const start = (o * D + k) * inner;
        fk(yt.data, yp.data, row, 0, start, inner, start % C, P, 1, 1, d, start, 1 / D);
        const base = o * inner;
        for (let i = 0; i < inner; i++) acc[base + i] = acc[base + i]! + row[i]!;
      }
    }
    for (let i = 0; i < acc.length; i++) out[i] = acc[i]! / D;
  }
  return new T(out, outShape);
}

/**
 * The gradient of {@link runMeanOverAxis}: `g` has the per-sample shape. `residual` is the
 * forward's `d` (scaled in place into the result), or null to recompute it.
 */
export function runMeanOverAxisGrad<P extends { C: number }>(
  fk: LossKernel<P>,
  yt: Tensor,
  yp: Tensor,
  g: Tensor,
  axis: number,
  P: P,
  residual: Derivatives | null,
): Tensor {
  const { outer, D, inner } = axisLayout(yp.shape, axis);
  let out = residual;
  if (out === null) {
    out = alloc(yp.dtype, yp.size);
    if (inner === 1) recompute(fk, yt, yp, P, 1 / D, out);
    else {
      // the forward's ranges, one (o, k) run of `inner` elements at a time
      for (let start = 0; start < yp.size; start += inner) fk(yt.data, yp.data, null, 0, start, inner, start % P.C, P, inner, 1, out, start, 1 / D);
    }
  }
  const gd = g.data;
  if (D === 0) return new T(out, yp.shape);
  if (inner === 1) {
    if (outer === 1) scaleAll(out, gd[0]!);
    else {
      for (let o = 0, i = 0; o < outer; o++) {
        const s = gd[o]!;
        const end = i + D;
        if (s === 1) i = end;
        else for (; i < end; i++) out[i] = out[i]! * s;
      }
    }
  } else {
    for (let o = 0, i = 0; o < outer; o++) {
      for (let k = 0; k < D; k++) {
        for (let j = o * inner; j < (o + 1) * inner; j++, i++) out[i] = out[i]! * gd[j]!;
      }
    }
  }
  return new T(out, yp.shape);
}

/** torchvision-style reductions of an elementwise loss, fused into the kernel pass. */
export type ElementwiseReduction = 'none' | 'mean' | 'sum';

/** Runs a kernel over every element and returns `scale ·` their sum, as a scalar (`d`: derivatives times `scale`). */
export function runTotal<P>(fk: LossKernel<P>, yt: Tensor, yp: Tensor, scale: number, P: P, d: Derivatives | null): Tensor {
  const n = yp.size;
  const out = alloc(yp.dtype, 1);
  out[0] = fk(yt.data, yp.data, null, 0, 0, n, 0, P, n, 1, d, 0, scale) * scale;
  return new T(out, []);
}

/** The gradient of {@link runTotal}: `g` is a scalar; `residual` as in {@link runMeanOverAxisGrad}. */
export function runTotalGrad<P>(fk: LossKernel<P>, yt: Tensor, yp: Tensor, g: Tensor, scale: number, P: P, residual: Derivatives | null): Tensor {
  const out = residual ?? recompute(fk, yt, yp, P, scale, alloc(yp.dtype, yp.size));
  scaleAll(out, g.data[0]!);
  return new T(out, yp.shape);
}

/**
 * The scale that turns the sum of all elementwise losses into a Keras reduction of the per-sample
 * means over an axis of length `D` (`n` elements): `'sum'` sums the per-sample means (÷ D), the
 * others average them (÷ n). `null` when the reduction keeps per-sample values or there are none.
 */
export function totalScale(reduction: unknown, n: number, D: number): number | null {
  if (reduction === null || reduction === 'none' || n === 0) return null;
  return reduction === 'sum' ? 1 / D : 1 / n;
}

/** Runs a kernel elementwise, or reduced to its mean or sum. */
export function runElementwise<P>(fk: LossKernel<P>, yt: Tensor, yp: Tensor, reduction: ElementwiseReduction, P: P, d: Derivatives | null): Tensor {
  const n = yp.size;
  if (reduction === 'none') {
    const out = alloc(yp.dtype, n);
    fk(yt.data, yp.data, out, 0, 0, n, 0, P, 1, 1, d, 0, 1);
    return new T(out, yp.shape);
  }
  return runTotal(fk, yt, yp, reduction === 'sum' ? 1 : 1 / n, P, d);
}

/** The gradient of {@link runElementwise}: `g` is elementwise for `'none'`, else a scalar. */
export function runElementwiseGrad<P>(fk: LossKernel<P>, yt: Tensor, yp: Tensor, g: Tensor, reduction: ElementwiseReduction, P: P, residual: Derivatives | null): Tensor {
  const n = yp.size;
  if (reduction !== 'none') return runTotalGrad(fk, yt, yp, g, reduction === 'sum' ? 1 : 1 / n, P, residual);
  const out = residual ?? recompute(fk, yt, yp, P, 1, alloc(yp.dtype, n));
  const gd = g.data;
  for (let i = 0; i < n; i++) out[i] = out[i]! * gd[i]!;
  return new T(out, yp.shape);
}

/**
 * The recipe of a fused loss: the forward kernel, the single-pass gradient kernel, and the same
 * gradient written as a composite of tensor ops (used only to differentiate the gradient again).
 */
export interface FusedLossSpec<A> {
  /** The op's name; the gradient op is named `${name}Grad`. */
  name: string;
  /**
   * The loss from labels and predictions. When `d` is given (the call is recorded for a gradient
   * with respect to `yPred`), the same pass also fills it with the derivatives, times the op's own
   * reduction scale: the residual handed to `gradient`.
   */
  forward(yTrue: Tensor, yPred: Tensor, attrs: A, d: Derivatives | null): Tensor;
  /**
   * `d loss / d yPred` times the upstream gradient `g` (shaped like the loss), in one pass: from
   * the forward's residual (scaled in place, and returned as the result's storage) when there is
   * one, else recomputed — with identical numbers either way.
   */
  gradient(yTrue: Tensor, yPred: Tensor, g: Tensor, attrs: A, residual: Derivatives | null): Tensor;
  /** The same function as `gradient`, written with differentiable tensor ops. */
  composite(yTrue: Tensor, yPred: Tensor, g: Tensor, attrs: A): Tensor;
}

/** The gradient op's attributes: the loss op's, and the residual its forward kept (if any). */
interface GradAttrs<A> {
  readonly loss: A;
  readonly residual: Derivatives | null;
}

/**
 * Builds the op pair: the loss op (inputs `[yTrue, yPred]`), whose backward calls the fused
 * gradient op (inputs `[yTrue, yPred, g]`), whose own backward is `compositeVjp` of the composite
 * formula. Labels are constants: `yTrue` always gets a `null` gradient.
 *
 * The derivatives travel as a `defineOp` residual: the loss op's forward keeps them with
 * `ctx.save` when `ctx.recording` (and `yPred` wants a gradient), its backward takes them with
 * `takeSaved()` — once: a second backward through a retained graph gets none and recomputes — and
 * passes them in the gradient op's attributes. The second-order path (`composite`) never reads them.
 */
export function fusedLossOp<A>(spec: FusedLossSpec<A>): Op<A> {
  const gradOp = defineOp<GradAttrs<A>>({
    name: `${spec.name}Grad`,
    forward: ([yt, yp, g], a) => spec.gradient(yt!, yp!, g!, a.loss, a.residual),
    backward: (gg, { inputs: [yt, yp, g], attrs }) => {
      const [gp, gu] = compositeVjp((p, up) => spec.composite(yt!, p!, up!, attrs.loss), [yp!, g!], gg);
      return [null, gp, gu];
    },
  });
  return defineOp<A>({
    name: spec.name,
    forward: ([yt, yp], attrs, ctx) => {
      const d = ctx.recording && yp!.requiresGrad ? alloc(yp!.dtype, yp!.size) : null;
      const out = spec.forward(yt!, yp!, attrs, d);
      if (d !== null) ctx.save(d);
      return out;
    },
    backward: (g, { inputs: [yt, yp], attrs, needsInputGrad, takeSaved }) => {
      const residual = (takeSaved() as Derivatives | undefined) ?? null;
      return [null, needsInputGrad[1] ? gradOp([yt!, yp!, g], { loss: attrs, residual }) : null];
    },
  });
}

/**
 * Converts labels and predictions to float tensors: predictions keep their float dtype (arrays
 * become float32, int32 becomes float32), and labels are cast to the predictions' dtype as the
 * references do (`y_true = cast(y_true, y_pred.dtype)`).
 */
export function prepareInputs(yTrue: TensorLike, yPred: TensorLike, op: string, argTrue = 'yTrue', argPred = 'yPred'): [Tensor, Tensor] {
  const p = asFloat(yPred, op, argPred);
  let t = asFloat(yTrue, op, argTrue, p);
  if (t.dtype !== p.dtype) t = astype(t, p.dtype);
  return [t, p];
}

/** Throws a ShapeError unless the two shapes are equal. */
export function checkSameShape(a: Tensor, b: Tensor, op: string, argA: string, argB: string): void {
  if (a.ndim !== b.ndim || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(op, argB, `expected the shape of ${argA}, [${a.shape.join(', ')}], got [${b.shape.join(', ')}]`);
  }
}

/** Broadcasts labels and predictions to a common shape (NumPy rules), or throws a ShapeError. */
export function broadcastPair(yt: Tensor, yp: Tensor, op: string, argTrue: string, argPred: string): [Tensor, Tensor] {
  const a = yt.shape;
  const b = yp.shape;
  if (a.length === b.length && a.every((d, i) => d === b[i])) return [yt, yp];
  const n = Math.max(a.length, b.length);
  const shape = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const db = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(op, argPred, `of shape [${b.join(', ')}] cannot be broadcast with ${argTrue} of shape [${a.join(', ')}]`);
    }
    shape[i] = da === 1 ? db : da;
  }
  const bt = a.length === n && a.every((d, i) => d === shape[i]) ? yt : broadcastTo(yt, shape);
  const bp = b.length === n && b.every((d, i) => d === shape[i]) ? yp : broadcastTo(yp, shape);
  return [bt, bp];
}

/** Normalises an integer axis for a tensor of rank `ndim` (which must be at least 1). */
export function normalizeLossAxis(axis: unknown, ndim: number, op: string): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) throw new ValueError(op, 'axis', `expected an integer, got ${String(axis)}`);
  if (ndim === 0) throw new ShapeError(op, 'yPred', `expected a tensor of rank >= 1 to average over axis ${axis}, got a scalar`);
  const a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim) throw new ShapeError(op, 'axis', `expected an axis in [${-ndim}, ${ndim - 1}] for inputs of rank ${ndim}, got ${axis}`);
  return a;
}

/**
 * A scalar-or-per-class parameter, validated: a number (kept as one value) or an array / 1-D
 * tensor with one value per class, i.e. per position along the last axis (`classes` long).
 */
export interface PerClass {
  /** One value (scalar) or `classes` values. */
  values: Float64Array;
  /** Whether the parameter was given per class. */
  perClass: boolean;
}

/** Parses a scalar or per-class parameter; `check` validates each value. */
export function parsePerClass(
  v: unknown,
  classes: number,
  op: string,
  arg: string,
  check: (x: number) => boolean,
  what: string,
): PerClass {
  if (typeof v === 'number') {
    if (!check(v)) throw new ValueError(op, arg, `expected ${what}, got ${v}`);
    return { values: Float64Array.of(v), perClass: false };
  }
  let arr: ArrayLike<unknown>;
  if (v instanceof T) {
    if (v.ndim !== 1) throw new ShapeError(op, arg, `expected a number or a 1-D tensor of ${classes} values (one per class), got shape [${v.shape.join(', ')}]`);
    arr = v.data;
  } else if (Array.isArray(v)) {
    arr = v;
  } else {
    throw new ValueError(op, arg, `expected a number or an array of ${classes} numbers (one per class), got ${v === null ? 'null' : typeof v}`);
  }
  if (arr.length !== classes) {
    throw new ShapeError(op, arg, `expected ${classes} values (one per class along the last axis), got ${arr.length}`);
  }
  const values = new Float64Array(classes);
  for (let i = 0; i < classes; i++) {
    const x = arr[i];
    if (typeof x !== 'number' || !check(x)) throw new ValueError(op, `${arg}[${i}]`, `expected ${what}, got ${String(x)}`);
    values[i] = x;
  }
  return { values, perClass: true };
}

/** Checks the shape-free part of a scalar-or-array parameter (used by loss class constructors). */
export function checkPerClassValues(v: unknown, op: string, arg: string, check: (x: number) => boolean, what: string): void {
  if (typeof v === 'number') {
    if (!check(v)) throw new ValueError(op, arg, `expected ${what}, got ${v}`);
    return;
  }
  const arr = v instanceof T ? Array.from(v.data) : v;
  if (!Array.isArray(arr)) throw new ValueError(op, arg, `expected a number or an array of numbers (one per class), got ${v === null ? 'null' : typeof v}`);
  arr.forEach((x, i) => {
    if (typeof x !== 'number' || !check(x)) throw new ValueError(op, `${arg}[${i}]`, `expected ${what}, got ${String(x)}`);
  });
}

/** The number of classes parameters are indexed by: the last dimension (1 for scalars only). */
export function classCount(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1]!;
}

/** Copies a parameter value for a config (arrays and tensors become plain arrays). */
export function configValue(v: number | readonly number[] | Tensor | null | undefined): number | number[] | null | undefined {
  if (v instanceof T) return Array.from(v.data);
  if (Array.isArray(v)) return v.slice();
  return v as number | null | undefined;
}

/** A constant tensor of per-class values (shape `[C]`, or `[]` for a scalar), in `dtype`. */
export function classConstant(values: Float64Array, perClass: boolean, dtype: DType): Tensor {
  return perClass ? tensor(Float64Array.from(values), { dtype }, [values.length]) : tensor(values[0]!, { dtype });
}

/** Whether a value is a finite number. */
export const isFiniteNumber = (x: number): boolean => Number.isFinite(x);
/** Whether a value is a finite number >= 0. */
export const isFiniteNonNegative = (x: number): boolean => Number.isFinite(x) && x >= 0;

// ---------------------------------------------------------------------------------------------
// Helpers for the composite (tensor-op) gradient formulas, used to differentiate a fused gradient.

/** `y·a + b` (label smoothing) as a constant tensor expression. */
export function smoothLabels(yt: Tensor, a: number, b: number): Tensor {
  return a === 1 && b === 0 ? yt : add(mul(yt, a), b);
}

/** The upstream gradient of a mean over `axis` of length `D`, broadcastable to the input. */
export function meanUpstream(g: Tensor, axis: number, D: number): Tensor {
  return mul(expandDims(g, axis), 1 / D);
}

/** The upstream gradient of a torchvision-style reduction over `n` elements. */
export function elementwiseUpstream(g: Tensor, reduction: ElementwiseReduction, n: number): Tensor {
  return reduction === 'mean' ? mul(g, 1 / n) : g;
}

/** `1` where `lo <= x <= hi` (the clip's gradient mask, inclusive), else `0`, in x's dtype. */
export function clipMask(x: Tensor, lo: number, hi: number): Tensor {
  return astype(logicalAnd(greaterEqual(x, lo), lessEqual(x, hi)), x.dtype);
}

/** `1` where `x >= v`, else `0`, in x's dtype. */
export function geMask(x: Tensor, v: number): Tensor {
  return astype(greaterEqual(x, v), x.dtype);
}

/** Expands a one-value parameter to `C` values (a per-class one is returned as is). */
export function expandTo(v: Float64Array, C: number): Float64Array {
  return v.length === C ? v : new Float64Array(C).fill(v[0]!);
}
