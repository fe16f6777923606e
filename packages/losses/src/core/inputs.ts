/**
 * @internal Turning a loss call's arguments into the op's input tensors: float predictions, labels
 * in the form each family reads them, and the label-shape rules.
 */
import { ShapeError, type Tensor, type TensorLike, Tensor as T, ValueError, astype, tensor } from '@focalgrad/tensor';
import { checkLabels } from './validate.js';

/** @internal Converts a loss input to a float tensor (int32 becomes float32, or `like`'s dtype). */
export function asFloat(x: TensorLike, op: string, arg: string, like?: Tensor): Tensor {
  let t: Tensor;
  try {
    t = x instanceof T ? x : tensor(x, { dtype: like && like.dtype !== 'int32' ? like.dtype : 'float32' });
  } catch (e) {
    if (e instanceof ValueError || e instanceof ShapeError) throw new ValueError(op, arg, e.message);
    throw e;
  }
  if (t.dtype === 'int32') return astype(t, like && like.dtype !== 'int32' ? like.dtype : 'float32');
  return t;
}

/**
 * Labels and predictions as float tensors of one dtype: predictions keep their float dtype (arrays
 * and int32 become float32) and labels are cast to it, as the binary references do
 * (`y_true = cast(y_true, y_pred.dtype)`).
 */
export function castPair(yTrue: TensorLike, yPred: TensorLike, op: string, argTrue = 'yTrue', argPred = 'yPred'): [Tensor, Tensor] {
  const p = asFloat(yPred, op, argPred);
  let t = asFloat(yTrue, op, argTrue, p);
  if (t.dtype !== p.dtype) t = astype(t, p.dtype);
  return [t, p];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Integer labels for predictions `p` with `k` classes along `axis`: of `p`'s shape without the
 * class axis, or with an extra trailing 1 (squeezed, as Keras does), in `[0, k)` or `ignoreClass`.
 * Returned as an int32 tensor of the per-sample shape.
 */
export function integerLabels(yTrue: TensorLike, p: Tensor, axis: number, k: number, ignoreClass: number | null, op: string): Tensor {
  const expected = p.shape.filter((_, d) => d !== axis);
  let yt: Tensor;
  try {
    yt = yTrue instanceof T ? yTrue : tensor(yTrue, { dtype: 'float64' });
  } catch (e) {
    if (e instanceof ValueError || e instanceof ShapeError) throw new ValueError(op, 'yTrue', e.message);
    throw e;
  }
  if (!sameShape(yt.shape, expected)) {
    const trailing1 = yt.ndim === expected.length + 1 && yt.shape[yt.ndim - 1] === 1 && sameShape(yt.shape.slice(0, -1), expected);
    if (!trailing1) {
      throw new ShapeError(
        op,
        'yTrue',
        `expected integer labels of shape [${expected.join(', ')}] (yPred's shape without class axis ${axis}) or [${[...expected, 1].join(', ')}], got [${yt.shape.join(', ')}]`,
      );
    }
  }
  const { data } = checkLabels(yt, k, op, 'yTrue', ignoreClass ?? undefined);
  return new T(data, expected);
}
