/**
 * The affine map of a fully connected layer, `x @ weightᵀ + bias`, in PyTorch's weight layout.
 * Kept in its own file so that a fused kernel can replace the composition without touching
 * `nn.Linear`.
 */
import { toTensor } from '../../convert.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { fusedLinear } from '../../ops/linear.js';
import { Tensor, type TensorLike } from '../../tensor.js';

/**
 * `x @ weightᵀ + bias` (PyTorch's `torch.nn.functional.linear`): `x` of shape `[..., in]`,
 * `weight` of shape `[out, in]`, `bias` of shape `[out]`, result of shape `[..., out]`.
 * Differentiable with respect to all three.
 *
 * @param x - the input, `[..., inFeatures]` (a 1-D `x` gives a 1-D result).
 * @param weight - the weight, `[outFeatures, inFeatures]`.
 * @param bias - the bias, `[outFeatures]`, or `null`/omitted for none.
 * @returns the output, `[..., outFeatures]`.
 * @example
 * ```ts
 * const y = nn.functional.linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]]), tensor([0, 0, 1]));
 * y.toArray(); // [[1, 2, 4]]
 * ```
 */
export function linear(x: TensorLike, weight: Tensor, bias?: Tensor | null): Tensor {
  const op = 'linear';
  if (!(weight instanceof Tensor)) throw new ValueError(op, 'weight', `expected a Tensor, got ${weight === null ? 'null' : typeof weight}`);
  const X = toTensor(x, weight);
  if (weight.ndim !== 2) {
    throw new ShapeError(op, 'weight', `expected a 2-D tensor [outFeatures, inFeatures], got shape ${fmtShape(weight.shape)}`);
  }
  const [outF, inF] = weight.shape as [number, number];
  if (X.ndim === 0 || X.shape[X.ndim - 1] !== inF) {
    throw new ShapeError(op, 'x', `expected a last dimension of ${inF} (weight shape ${fmtShape(weight.shape)}), got shape ${fmtShape(X.shape)}`);
  }
  if (bias !== undefined && bias !== null) {
    if (!(bias instanceof Tensor)) throw new ValueError(op, 'bias', `expected a Tensor or null, got ${typeof bias}`);
    if (bias.ndim !== 1 || bias.shape[0] !== outF) {
      throw new ShapeError(op, 'bias', `expected shape [${outF}] (weight shape ${fmtShape(weight.shape)}), got ${fmtShape(bias.shape)}`);
    }
  }
  // One fused kernel: the weight is read transposed in place and the bias starts the accumulator.
  return fusedLinear(X, weight, bias ?? null);
}
