/**
 * `@focalgrad/tensor`: n-dimensional tensors in typed arrays, reverse-mode autodiff with
 * higher-order gradients, custom ops through {@link defineOp}, finite-difference
 * {@link gradcheck}, and (in `nn` and `optim`) layers and optimizers.
 *
 * @example
 * ```ts
 * import { tensor, grad, type Tensor } from '@focalgrad/tensor';
 * const f = (x: Tensor) => x.pow(3).sum();
 * grad(f)(tensor([2])).item(); // 12
 * ```
 * @packageDocumentation
 */

export type { DType, TypedArray } from './dtype.js';
export { FocalgradError, ShapeError, DTypeError, ValueError } from './errors.js';
export { checkOptions } from './options.js';
export type { Shape } from './shape.js';
export { splitAround } from './shape.js';
export { Tensor } from './tensor.js';
export type { TensorLike, NestedArray, BackwardOptions, GraphNode } from './tensor.js';
export { tensor } from './convert.js';
export type { TensorOptions } from './convert.js';
export { zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye } from './create.js';
export { Rng, manualSeed, randn, rand, randint } from './rng.js';
export type { RandomOptions } from './rng.js';
export { isGradEnabled, noGrad, enableGrad } from './autograd/mode.js';
export { grad, valueAndGrad, vjp, compositeVjp } from './autograd/functional.js';
export { detectAnomaly, setDetectAnomaly, isAnomalyEnabled, AnomalyError } from './autograd/anomaly.js';
export type { Argnums } from './autograd/functional.js';
export { defineOp } from './op.js';
export type { Op, OpSpec, OpContext, ForwardContext } from './op.js';
export { defineFusedOp } from './fused.js';
export type { FusedOpSpec, FusedGradient, FusedGradientContext } from './fused.js';
export { gradcheck, gradgradcheck, GradcheckError } from './gradcheck.js';
export type { GradcheckOptions, GradcheckReport } from './gradcheck.js';
export { add, sub, mul, div, pow, maximum, minimum } from './ops/binary.js';
export { neg, exp, log, log1p, expm1, sqrt, abs, sign, square, sigmoid, logSigmoid, softplus, tanh, relu, powScalar } from './ops/unary.js';
export { greater, greaterEqual, less, lessEqual, equal, notEqual, logicalAnd, logicalOr, where, clip } from './ops/compare.js';
export { sum, mean, max, min, logSumExp, softmax, logSoftmax, argmax, argmin } from './ops/reduce.js';
export type { Axes } from './ops/reduce.js';
export {
  identity, reshape, flatten, broadcastTo, permute, transpose, expandDims, squeeze, concat, stack, slice, pad,
  gather, take, scatterAdd, oneHot, astype, detach, clone,
} from './ops/shape.js';
export { matmul } from './ops/matmul.js';
export { setBackend, getBackend } from './backend.js';
export type { Backend } from './backend.js';

/**
 * Layers: the {@link nn.Module} base class, {@link nn.Linear}, {@link nn.Sequential}, activation
 * layers, initializers (`nn.init`) and stateless functions (`nn.functional`).
 *
 * @example
 * ```ts
 * const model = new nn.Sequential(new nn.Linear(2, 16, { seed: 0 }), new nn.ReLU(), new nn.Linear(16, 1, { seed: 1 }));
 * const y = model.forward(randn([8, 2], { seed: 2 }));
 * ```
 */
export * as nn from './nn/index.js';
/**
 * Optimizers ({@link optim.SGD}, {@link optim.Adam}, {@link optim.AdamW}) and learning-rate
 * schedulers, with PyTorch's update equations.
 *
 * @example
 * ```ts
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
 * opt.zeroGrad();
 * loss.backward();
 * opt.step();
 * ```
 */
export * as optim from './optim/index.js';
export { stateDictToJSON, stateDictFromJSON, toSafetensors, fromSafetensors } from './io/index.js';
export type { StateDict, StateDictJSON, TensorJSON, LoadStateDictOptions, LoadStateDictResult, Safetensors } from './io/index.js';
