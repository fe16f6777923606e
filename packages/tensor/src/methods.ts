/** Installs the method forms declared on {@link Tensor}; imported once by the package entry. */
import { Tensor, type TensorLike, type BackwardOptions } from './tensor.js';
import { ValueError, fmtShape } from './errors.js';
import { toTensor } from './convert.js';
import { onesLike } from './create.js';
import { runBackward } from './autograd/engine.js';
import * as B from './ops/binary.js';
import * as U from './ops/unary.js';
import * as C from './ops/compare.js';
import * as R from './ops/reduce.js';
import * as S from './ops/shape.js';
import { matmul } from './ops/matmul.js';

function backward(this: Tensor, grad?: TensorLike, options: BackwardOptions = {}): void {
  if (!this.requiresGrad) {
    throw new ValueError('backward', 'this', 'does not require grad: no input of the computation had requiresGrad set');
  }
  let seed: Tensor;
  if (grad === undefined) {
    if (this.size !== 1) {
      throw new ValueError('backward', 'grad', `is required for a non-scalar output of shape ${fmtShape(this.shape)}; pass a gradient of that shape`);
    }
    seed = onesLike(this);
  } else {
    seed = toTensor(grad, this);
    if (seed.shape.length !== this.shape.length || seed.shape.some((d, i) => d !== this.shape[i])) {
      throw new ValueError('backward', 'grad', `expected shape ${fmtShape(this.shape)}, got ${fmtShape(seed.shape)}`);
    }
  }
  const createGraph = options.createGraph ?? false;
  runBackward([this], [seed], { createGraph, retainGraph: options.retainGraph ?? createGraph });
}

const P = Tensor.prototype;
Object.assign(P, {
  backward,
  zeroGrad(this: Tensor) {
    this.grad = null;
  },
});

const binary = { ...B, ...C } as unknown as Record<string, (a: Tensor, b: TensorLike) => Tensor>;
for (const name of ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual']) {
  const fn = binary[name]!;
  Object.defineProperty(P, name, { value: function (this: Tensor, b: TensorLike) { return fn(this, b); }, writable: true, configurable: true });
}
const unary = U as unknown as Record<string, (a: Tensor) => Tensor>;
for (const name of ['neg', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'abs', 'sign', 'square', 'sigmoid', 'logSigmoid', 'softplus', 'tanh', 'relu']) {
  const fn = unary[name]!;
  Object.defineProperty(P, name, { value: function (this: Tensor) { return fn(this); }, writable: true, configurable: true });
}
const rest = { ...R, ...S, clip: C.clip, matmul } as unknown as Record<string, (a: Tensor, ...args: unknown[]) => Tensor>;
for (const name of [
  'sum', 'mean', 'max', 'min', 'logSumExp', 'argmax', 'argmin', 'softmax', 'logSoftmax', 'clip', 'matmul', 'transpose',
  'permute', 'reshape', 'flatten', 'squeeze', 'expandDims', 'broadcastTo', 'slice', 'gather', 'astype', 'detach', 'clone',
]) {
  const fn = rest[name]!;
  Object.defineProperty(P, name, { value: function (this: Tensor, ...args: unknown[]) { return fn(this, ...args); }, writable: true, configurable: true });
}
