/**
 * Initializers: fill a tensor in place (under {@link noGrad}) and return it. Random ones draw from
 * an explicit {@link Rng}, a `seed`, or else the global generator reseeded by {@link manualSeed},
 * so every initialization is reproducible. The formulas and fan conventions are PyTorch's
 * (`torch.nn.init`): for a weight of shape `[out, in, ...k]`, `fanIn = in·∏k` and
 * `fanOut = out·∏k`. Normal initializers are not truncated (as in PyTorch; Keras truncates).
 */
import { bumpVersion } from '../version.js';
import { checkOptions } from '../options.js';
import { noGrad } from '../autograd/mode.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { Rng, rand, randn } from '../rng.js';
import { Tensor } from '../tensor.js';

/**
 * Where a random initializer gets its numbers: `rng` (advanced), a `seed` for a fresh generator,
 * or neither for the global generator.
 *
 * @example
 * ```ts
 * nn.init.heNormal(w, { seed: 0 });
 * nn.init.heNormal(w, { rng: new Rng(0) });
 * ```
 */
export interface InitOptions {
  /** A generator to draw from. */
  rng?: Rng;
  /** A seed for a fresh generator (ignored when `rng` is given). */
  seed?: number;
}

/**
 * Options of {@link glorotUniform} and {@link glorotNormal}.
 *
 * @example
 * ```ts
 * nn.init.glorotUniform(w, { gain: nn.init.calculateGain('tanh'), seed: 0 });
 * ```
 */
export interface GlorotOptions extends InitOptions {
  /** Scale factor (default 1). */
  gain?: number;
}

/**
 * Options of {@link heUniform} and {@link heNormal}.
 *
 * @example
 * ```ts
 * nn.init.heUniform(w, { a: Math.sqrt(5) }); // PyTorch's nn.Linear default
 * ```
 */
export interface HeOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows; the gain is `√(2 / (1 + a²))` (default 0: ReLU, gain √2). */
  a?: number;
  /** Preserve the variance of the forward pass (`'fanIn'`, the default) or of the backward pass (`'fanOut'`). */
  mode?: 'fanIn' | 'fanOut';
}

/**
 * A function that initializes a tensor in place, as taken by `nn.Linear`'s `weightInit` and
 * `biasInit`. It receives the layer's generator (or `undefined` for the global one). The random
 * initializers of this module fit as they are (`weightInit: nn.init.heNormal`); others need a
 * closure (`biasInit: (b) => nn.init.priorBias(b, 0.01)`).
 *
 * @example
 * ```ts
 * const init: nn.init.Initializer = (t, rng) => nn.init.normal(t, 0, 0.01, rng);
 * new nn.Linear(4, 2, { weightInit: init, biasInit: nn.init.zeros });
 * ```
 */
export type Initializer = (tensor: Tensor, rng: Rng | undefined) => unknown;

function asOptions<T extends InitOptions>(o: T | Rng | undefined, op: string, extra: readonly string[] = []): T {
  if (o instanceof Rng) return { rng: o } as T;
  checkOptions(op, o, ['rng', 'seed', ...extra]);
  return o ?? ({} as T);
}

function checkTensor(op: string, t: unknown, float = true): Tensor {
  if (!(t instanceof Tensor)) throw new ValueError(op, 'tensor', `expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  if (float && t.dtype === 'int32') throw new DTypeError(op, 'tensor', 'expected a float32 or float64 tensor, got dtype int32');
  return t;
}

function checkFinite(op: string, arg: string, v: number, positive = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (positive && v < 0)) {
    throw new ValueError(op, arg, `expected a finite${positive ? ' non-negative' : ''} number, got ${v}`);
  }
  return v;
}

function fillFrom(t: Tensor, sample: Tensor): Tensor {
  noGrad(() => t.data.set(sample.data));
  bumpVersion(t.data);
  return t;
}

/**
 * The fans of a weight of shape `[out, in, ...k]`: `fanIn = in·∏k`, `fanOut = out·∏k`
 * (PyTorch's `_calculate_fan_in_and_fan_out`).
 *
 * @param shape - the weight's shape (at least 2 dimensions).
 * @returns `[fanIn, fanOut]`.
 * @example
 * ```ts
 * nn.init.fans([16, 8]);       // [8, 16]
 * nn.init.fans([16, 8, 3, 3]); // [72, 144]
 * ```
 */
export function fans(shape: readonly number[]): [number, number] {
  if (shape.length < 2) {
    throw new ShapeError('fans', 'shape', `expected at least 2 dimensions to compute fan-in and fan-out, got ${fmtShape(shape)}`);
  }
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i]!;
  return [shape[1]! * receptive, shape[0]! * receptive];
}

/**
 * The recommended gain for a nonlinearity (PyTorch's `calculate_gain`): 1 for linear and sigmoid,
 * 5/3 for tanh, √2 for ReLU, `√(2 / (1 + a²))` for leaky ReLU with slope `a` (default 0.01).
 *
 * @param nonlinearity - the activation that follows the layer.
 * @param a - the leaky ReLU slope.
 * @returns the gain.
 * @example
 * ```ts
 * nn.init.calculateGain('relu'); // Math.SQRT2
 * ```
 */
export function calculateGain(nonlinearity: 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu', a = 0.01): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu':
      return Math.sqrt(2 / (1 + checkFinite('calculateGain', 'a', a) ** 2));
  }
  throw new ValueError('calculateGain', 'nonlinearity', `expected 'linear', 'sigmoid', 'tanh', 'relu' or 'leakyRelu', got ${JSON.stringify(nonlinearity)}`);
}

/**
 * Fills with samples of U(low, high).
 *
 * @param tensor - the tensor to fill (float).
 * @param low - lower bound (default 0).
 * @param high - upper bound (default 1).
 * @param options - an {@link Rng}, or `{ rng, seed }`.
 * @returns `tensor`.
 * @example
 * ```ts
 * nn.init.uniform(zeros([3, 2]), -0.1, 0.1, { seed: 0 });
 * ```
 */
export function uniform(tensor: Tensor, low = 0, high = 1, options?: InitOptions | Rng): Tensor {
  const op = 'uniform';
  checkTensor(op, tensor);
  checkFinite(op, 'low', low);
  checkFinite(op, 'high', high);
  if (!(high >= low)) throw new ValueError(op, 'high', `expected high >= low (${low}), got ${high}`);
  const { rng, seed } = asOptions(options, 'uniform');
  return fillFrom(tensor, rand(tensor.shape, { dtype: 'float64', low, high, rng, seed }));
}

/**
 * Fills with samples of N(mean, std²).
 *
 * @param tensor - the tensor to fill (float).
 * @param mean - the mean (default 0).
 * @param std - the standard deviation (default 1).
 * @param options - an {@link Rng}, or `{ rng, seed }`.
 * @returns `tensor`.
 * @example
 * ```ts
 * nn.init.normal(zeros([3, 2]), 0, 0.01, { seed: 0 });
 * ```
 */
export function normal(tensor: Tensor, mean = 0, std = 1, options?: InitOptions | Rng): Tensor {
  const op = 'normal';
  checkTensor(op, tensor);
  checkFinite(op, 'mean', mean);
  checkFinite(op, 'std', std, true);
  const { rng, seed } = asOptions(options, 'normal');
  return fillFrom(tensor, randn(tensor.shape, { dtype: 'float64', mean, std, rng, seed }));
}

/**
 * Fills with a constant.
 *
 * @param tensor - the tensor to fill.
 * @param value - the value.
 * @returns `tensor`.
 * @example
 * ```ts
 * nn.init.constant(zeros([4]), 0.1);
 * ```
 */
export function constant(tensor: Tensor, value: number): Tensor {
  checkTensor('constant', tensor, false);
  if (typeof value !== 'number' || (tensor.dtype === 'int32' && !Number.isInteger(value))) {
    throw new ValueError('constant', 'value', `expected ${tensor.dtype === 'int32' ? 'an integer' : 'a number'}, got ${value}`);
  }
  noGrad(() => tensor.data.fill(value));
  bumpVersion(tensor.data);
  return tensor;
}

/**
 * Fills with zeros.
 *
 * @param tensor - the tensor to fill.
 * @returns `tensor`.
 * @example
 * ```ts
 * new nn.Linear(4, 2, { biasInit: nn.init.zeros });
 * ```
 */
export function zeros(tensor: Tensor): Tensor {
  return constant(tensor, 0);
}

/**
 * Fills with ones.
 *
 * @param tensor - the tensor to fill.
 * @returns `tensor`.
 * @example
 * ```ts
 * nn.init.ones(zeros([4])).toArray(); // [1, 1, 1, 1]
 * ```
 */
export function ones(tensor: Tensor): Tensor {
  return constant(tensor, 1);
}

/**
 * Glorot (Xavier) uniform: U(-b, b) with `b = gain·√(6 / (fanIn + fanOut))` (Glorot & Bengio
 * 2010; PyTorch's `xavier_uniform_`).
 *
 * @param tensor - the weight to fill (at least 2-D, float).
 * @param options - an {@link Rng}, or `{ rng, seed, gain }`.
 * @returns `tensor`.
 * @example
 * ```ts
 * nn.init.glorotUniform(zeros([16, 8]), { seed: 0 }); // bound √(6/24) = 0.5
 * ```
 */
export function glorotUniform(tensor: Tensor, options?: GlorotOptions | Rng): Tensor {
  const op = 'glorotUniform';
  checkTensor(op, tensor);
  const o = asOptions(options, 'glorotUniform', ['gain']);
  const gain = checkFinite(op, 'gain', o.gain ?? 1, true);
  const [fanIn, fanOut] = fans(tensor.shape);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return fillFrom(tensor, rand(tensor.shape, { dtype: 'float64', low: -bound, high: bound, rng: o.rng, seed: o.seed }));
}

/**
 * Glorot (Xavier) normal: N(0, σ²) with `σ = gain·√(2 / (fanIn + fanOut))` (PyTorch's
 * `xavier_normal_`, not truncated).
 *
 * @param tensor - the weight to fill (at least 2-D, float).
 * @param options - an {@link Rng}, or `{ rng, seed, gain }`.
 * @returns `tensor`.
 * @example
 * ```ts
 * nn.init.glorotNormal(zeros([16, 8]), { seed: 0 }); // std √(2/24)
 * ```
 */
export function glorotNormal(tensor: Tensor, options?: GlorotOptions | Rng): Tensor {
  const op = 'glorotNormal';
  checkTensor(op, tensor);
  const o = asOptions(options, 'glorotNormal', ['gain']);
  const gain = checkFinite(op, 'gain', o.gain ?? 1, true);
  const [fanIn, fanOut] = fans(tensor.shape);
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  return fillFrom(tensor, randn(tensor.shape, { dtype: 'float64', std, rng: o.rng, seed: o.seed }));
}

function heScale(op: string, tensor: Tensor, o: HeOptions): number {
  const a = checkFinite(op, 'a', o.a ?? 0);
  const mode = o.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new ValueError(op, 'mode', `expected 'fanIn' or 'fanOut', got ${JSON.stringify(mode)}`);
  const [fanIn, fanOut] = fans(tensor.shape);
  const gain = Math.sqrt(2 / (1 + a * a));
  return gain / Math.sqrt(mode === 'fanIn' ? fanIn : fanOut);
}

/**
 * He (Kaiming) uniform: U(-b, b) with `b = gain·√(3 / fan)`, `gain = √(2 / (1 + a²))` (He et al.
 * 2015; PyTorch's `kaiming_uniform_` with `nonlinearity='leaky_relu'`). The defaults (`a = 0`,
 * fan-in) give `b = √(6 / fanIn)`; `a = √5` gives `1/√fanIn`, PyTorch's `nn.Linear` default.
 *
 * @param tensor - the weight to fill (at least 2-D, float).
 * @param options - an {@link Rng}, or `{ rng, seed, a, mode }`.
 * @returns `tensor`.
 * @example
 * ```ts
 * nn.init.heUniform(zeros([16, 6]), { seed: 0 }); // bound √(6/6) = 1
 * ```
 */
export function heUniform(tensor: Tensor, options?: HeOptions | Rng): Tensor {
  const op = 'heUniform';
  checkTensor(op, tensor);
  const o = asOptions(options, 'heUniform', ['a', 'mode']);
  const bound = Math.sqrt(3) * heScale(op, tensor, o);
  return fillFrom(tensor, rand(tensor.shape, { dtype: 'float64', low: -bound, high: bound, rng: o.rng, seed: o.seed }));
}

/**
 * He (Kaiming) normal: N(0, σ²) with `σ = gain / √fan`, `gain = √(2 / (1 + a²))` (PyTorch's
 * `kaiming_normal_`, not truncated). The defaults give `σ = √(2 / fanIn)`.
 *
 * @param tensor - the weight to fill (at least 2-D, float).
 * @param options - an {@link Rng}, or `{ rng, seed, a, mode }`.
 * @returns `tensor`.
 * @example
 * ```ts
 * nn.init.heNormal(zeros([16, 8]), { seed: 0 }); // std √(2/8) = 0.5
 * ```
 */
export function heNormal(tensor: Tensor, options?: HeOptions | Rng): Tensor {
  const op = 'heNormal';
  checkTensor(op, tensor);
  const o = asOptions(options, 'heNormal', ['a', 'mode']);
  const std = heScale(op, tensor, o);
  return fillFrom(tensor, randn(tensor.shape, { dtype: 'float64', std, rng: o.rng, seed: o.seed }));
}

/**
 * The prior-probability bias of Lin et al. 2017 ("Focal Loss for Dense Object Detection", §4.1
 * Initialization): fills a sigmoid classifier's bias with `b = -log((1 - π) / π)`, so that every
 * output starts at probability `π` and the many easy negatives do not swamp the first iterations.
 * `π = 0.01` (the paper's value, the default) gives `b = -log 99 ≈ -4.59512`.
 *
 * @param tensor - the bias to fill (float).
 * @param pi - the prior probability of the positive class, in (0, 1).
 * @returns `tensor`.
 * @example
 * ```ts
 * const head = new nn.Linear(64, 1, { biasInit: (b) => nn.init.priorBias(b, 0.01) });
 * head.bias!.item(); // -4.59512
 * ```
 */
export function priorBias(tensor: Tensor, pi = 0.01): Tensor {
  const op = 'priorBias';
  checkTensor(op, tensor);
  if (typeof pi !== 'number' || !(pi > 0 && pi < 1)) throw new ValueError(op, 'pi', `expected a probability in (0, 1), got ${pi}`);
  // -log((1 - π) / π) = log π - log(1 - π), the latter without cancellation for small π.
  const b = Math.log(pi) - Math.log1p(-pi);
  noGrad(() => tensor.data.fill(b));
  bumpVersion(tensor.data);
  return tensor;
}

/**
 * The softmax counterpart of {@link priorBias}: fills a softmax classifier's bias with
 * `b_k = log π_k`, so that the initial class probabilities equal the priors. Priors are
 * normalised to sum to 1 first (softmax is shift-invariant, so counts work too); when they already
 * sum to 1 the bias is exactly `log π_k`.
 *
 * @param tensor - the bias to fill, of shape `[K]` (float).
 * @param priors - K positive class frequencies or counts.
 * @returns `tensor`.
 * @example
 * ```ts
 * nn.init.softmaxPriorBias(zeros([3]), [0.9, 0.09, 0.01]); // [log 0.9, log 0.09, log 0.01]
 * ```
 */
export function softmaxPriorBias(tensor: Tensor, priors: readonly number[]): Tensor {
  const op = 'softmaxPriorBias';
  checkTensor(op, tensor);
  if (!Array.isArray(priors) || priors.length === 0) throw new ValueError(op, 'priors', `expected a non-empty array of numbers, got ${JSON.stringify(priors)}`);
  const k = priors.length;
  if (tensor.ndim !== 1 || tensor.shape[0] !== k) {
    throw new ShapeError(op, 'tensor', `expected shape [${k}] to match the ${k} priors, got ${fmtShape(tensor.shape)}`);
  }
  let total = 0;
  priors.forEach((p, i) => {
    if (typeof p !== 'number' || !(p > 0) || !Number.isFinite(p)) throw new ValueError(op, 'priors', `expected positive finite numbers, got ${p} at index ${i}`);
    total += p;
  });
  const logTotal = Math.log(total);
  noGrad(() => {
    for (let i = 0; i < k; i++) tensor.data[i] = Math.log(priors[i]!) - logTotal;
  });
  bumpVersion(tensor.data);
  return tensor;
}
