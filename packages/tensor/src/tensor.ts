/**
 * The `Tensor` class. The file is longer than most because the method forms of the ops
 * (`x.add(y)`, about fifty one-line methods) are defined in the class body itself: a separate
 * module that patched them onto the prototype would be a side-effect import, which bundlers drop
 * from a package declared `"sideEffects": false`.
 */
import { type DType, type TypedArray, dtypeOfArray } from './dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from './errors.js';
import { type Shape, shapesEqual, sizeOf } from './shape.js';
import type { OpSpec } from './op.js';
import { versionOf } from './version.js';
// The ops import this module too (they construct Tensors): the one import cycle in the package,
// and a safe one, because the method bodies reach these bindings only when called, never while
// the modules load.
import { runBackward } from './autograd/engine.js';
import { toTensor } from './convert.js';
import { onesLike } from './create.js';
import * as binary from './ops/binary.js';
import * as compare from './ops/compare.js';
import * as matmulOps from './ops/matmul.js';
import * as reduce from './ops/reduce.js';
import * as shapeOps from './ops/shape.js';
import * as unary from './ops/unary.js';
import { checkOptions } from './options.js';

/**
 * Anything an op accepts where a tensor is expected: a {@link Tensor}, a number, or a nested array
 * of numbers. Numbers and arrays are converted with {@link tensor}; a bare number takes the dtype
 * of the tensor it meets.
 *
 * @example
 * ```ts
 * add(tensor([1, 2]), 1); // the 1 becomes a float32 scalar
 * ```
 */
export type TensorLike = Tensor | number | NestedArray;

/**
 * A nested array of numbers, as accepted by {@link tensor}.
 *
 * @example
 * ```ts
 * const rows: NestedArray = [[1, 2], [3, 4]];
 * ```
 */
export type NestedArray = number[] | NestedArray[];

/**
 * Options for {@link Tensor.backward}.
 *
 * @example
 * ```ts
 * loss.backward(undefined, { retainGraph: true });
 * ```
 */
export interface BackwardOptions {
  /** Keep the graph after this call so that backward can run through it again. */
  retainGraph?: boolean;
  /** Record the backward computation itself, so the gradients can be differentiated again. */
  createGraph?: boolean;
}

/**
 * The record an op leaves on its output: which op, its inputs and its non-tensor attributes.
 * Backward rules see exactly these and the output, never a hidden intermediate.
 *
 * @example
 * ```ts
 * const y = exp(tensor([1], { requiresGrad: true }));
 * y.node?.op.name; // 'exp'
 * ```
 */
export interface GraphNode {
  /** The op's definition (forward kernel and backward rule). */
  readonly op: OpSpec<any>;
  /** The op's tensor inputs; emptied when the graph is released. */
  inputs: readonly Tensor[];
  /** The op's non-tensor attributes. */
  readonly attrs: unknown;
  /** Set once backward has run without `retainGraph`. */
  released: boolean;
  /** The residual the forward kept for its backward (see `ForwardContext.save`), if any. */
  saved: unknown;
  /** Each leaf input's {@link Tensor.version} when the op ran (−1 for other inputs); backward checks them. */
  readonly versions: readonly number[];
  /** Where the op was created, recorded in anomaly mode (see `detectAnomaly`). */
  creationSite: string | undefined;
}

/**
 * An n-dimensional array in contiguous row-major storage, with the record of the op that made it.
 *
 * Create tensors with {@link tensor}, {@link zeros}, {@link randn} and friends rather than with
 * the constructor. Ops never mutate a tensor's values; optimizers update parameters in place under
 * {@link noGrad}.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.mul(x).sum();
 * y.backward();
 * x.grad?.toArray(); // [[2, 4], [6, 8]]
 * ```
 */
export class Tensor {
  /** The elements, row-major. Shared by views such as {@link reshape}; do not write to it. */
  readonly data: TypedArray;
  /** The size of each dimension. */
  readonly shape: Shape;
  /** The element type. */
  readonly dtype: DType;
  /** The accumulated gradient after {@link Tensor.backward}, for leaves that require grad. */
  grad: Tensor | null = null;
  /** The op that produced this tensor, or `null` for a leaf. */
  node: GraphNode | null = null;
  private _requiresGrad = false;

  /**
   * Wraps a typed array without copying. Prefer {@link tensor}.
   * @param data - the elements, row-major; its length must equal the product of `shape`.
   * @param shape - the dimensions.
   */
  constructor(data: TypedArray, shape: Shape) {
    const n = sizeOf(shape);
    if (data.length !== n) {
      throw new ShapeError('Tensor', 'data', `expected ${n} elements for shape ${fmtShape(shape)}, got ${data.length}`);
    }
    this.data = data;
    this.shape = shape;
    this.dtype = dtypeOfArray(data);
  }

  /** Whether gradients flow to this tensor. Only float tensors may require grad. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  /** Marks this tensor as requiring grad; throws a {@link DTypeError} for int32. */
  set requiresGrad(v: boolean) {
    if (v && this.dtype === 'int32') {
      throw new DTypeError('requiresGrad', 'requiresGrad', `expected a float32 or float64 tensor, got dtype int32`);
    }
    this._requiresGrad = v;
  }

  /**
   * How many in-place writes (optimizer steps, `loadStateDict`, `nn.init`) its storage has had.
   * Backward throws if an input of a recorded op changed after the op ran.
   */
  get version(): number {
    return versionOf(this.data);
  }

  /** The number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** The number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Whether this tensor was created by the user rather than by an op. */
  get isLeaf(): boolean {
    return this.node === null;
  }

  /**
   * Marks this tensor as requiring grad (in place) and returns it, like PyTorch's `requires_grad_`.
   * @param v - whether to require grad.
   */
  requireGrad(v = true): this {
    this.requiresGrad = v;
    return this;
  }

  /** The single element of a one-element tensor, as a number. */
  item(): number {
    if (this.data.length !== 1) {
      throw new ValueError('item', 'this', `expected a tensor with one element, got shape ${fmtShape(this.shape)}`);
    }
    return this.data[0]!;
  }

  /** The elements as nested arrays (a number for a scalar). */
  toArray(): any {
    const d = this.data;
    const shape = this.shape;
    if (shape.length === 0) return d[0];
    let pos = 0;
    const build = (dim: number): any[] => {
      const n = shape[dim]!;
      const out = new Array(n);
      if (dim === shape.length - 1) {
        for (let i = 0; i < n; i++) out[i] = d[pos++];
      } else {
        for (let i = 0; i < n; i++) out[i] = build(dim + 1);
      }
      return out;
    };
    return build(0);
  }

  /** A readable rendering: values, shape, dtype and whether grad is required. */
  toString(): string {
    const fmt = (v: number): string => {
      if (this.dtype === 'int32') return String(v);
      if (Number.isInteger(v) && Math.abs(v) < 1e16) return v.toFixed(1);
      const a = Math.abs(v);
      return a !== 0 && (a < 1e-4 || a >= 1e6) ? v.toExponential(4) : String(Number(v.toPrecision(6)));
    };
    const limit = 6;
    const render = (x: any, depth: number): string => {
      if (!Array.isArray(x)) return fmt(x);
      const items = x.length > limit ? [...x.slice(0, 3), null, ...x.slice(-3)] : x;
      const parts = items.map((e) => (e === null ? '...' : render(e, depth + 1)));
      const sep = Array.isArray(x[0]) ? `,\n${' '.repeat(depth + 8)}` : ', ';
      return `[${parts.join(sep)}]`;
    };
    const grad = this.requiresGrad ? ', requiresGrad=true' : '';
    return `tensor(${render(this.toArray(), 0)}, shape=${fmtShape(this.shape)}, dtype=${this.dtype}${grad})`;
  }
  /**
   * Runs backprop from this tensor, accumulating into every leaf's `.grad`. A non-scalar needs
   * `grad`, the gradient of some scalar with respect to this tensor.
   * @param grad - the seed gradient, shaped like this tensor (default 1 for a scalar).
   * @param options - keep the graph, or record the backward for higher-order gradients.
   */
  backward(grad?: TensorLike, options: BackwardOptions = {}): void {
    checkOptions('backward', options, ['retainGraph', 'createGraph']);
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
      if (!shapesEqual(seed.shape, this.shape)) {
        throw new ValueError('backward', 'grad', `expected shape ${fmtShape(this.shape)}, got ${fmtShape(seed.shape)}`);
      }
    }
    const createGraph = options.createGraph ?? false;
    runBackward([this], [seed], { createGraph, retainGraph: options.retainGraph ?? createGraph });
  }

  /** Sets `.grad` to `null`. */
  zeroGrad(): void {
    this.grad = null;
  }

  // Method forms of the ops, so expressions chain: `x.mul(w).add(b).sigmoid()`. Each calls the
  // function of the same name with `this` as the first argument. They live in the class (not in a
  // separately imported module) so that no bundler can tree-shake them away from a `Tensor`.

  /** `this + b` ({@link add}). */
  add(b: TensorLike): Tensor {
    return binary.add(this, b);
  }

  /** `this - b` ({@link sub}). */
  sub(b: TensorLike): Tensor {
    return binary.sub(this, b);
  }

  /** `this * b` ({@link mul}). */
  mul(b: TensorLike): Tensor {
    return binary.mul(this, b);
  }

  /** `this / b` ({@link div}). */
  div(b: TensorLike): Tensor {
    return binary.div(this, b);
  }

  /** `this ** b` ({@link pow}). */
  pow(b: TensorLike): Tensor {
    return binary.pow(this, b);
  }

  /** Elementwise maximum ({@link maximum}). */
  maximum(b: TensorLike): Tensor {
    return binary.maximum(this, b);
  }

  /** Elementwise minimum ({@link minimum}). */
  minimum(b: TensorLike): Tensor {
    return binary.minimum(this, b);
  }

  /** `-this` ({@link neg}). */
  neg(): Tensor {
    return unary.neg(this);
  }

  /** {@link exp} */
  exp(): Tensor {
    return unary.exp(this);
  }

  /** {@link log} */
  log(): Tensor {
    return unary.log(this);
  }

  /** {@link log1p} */
  log1p(): Tensor {
    return unary.log1p(this);
  }

  /** {@link expm1} */
  expm1(): Tensor {
    return unary.expm1(this);
  }

  /** {@link sqrt} */
  sqrt(): Tensor {
    return unary.sqrt(this);
  }

  /** {@link abs} */
  abs(): Tensor {
    return unary.abs(this);
  }

  /** {@link sign} */
  sign(): Tensor {
    return unary.sign(this);
  }

  /** {@link square} */
  square(): Tensor {
    return unary.square(this);
  }

  /** {@link sigmoid} */
  sigmoid(): Tensor {
    return unary.sigmoid(this);
  }

  /** {@link logSigmoid} */
  logSigmoid(): Tensor {
    return unary.logSigmoid(this);
  }

  /** {@link softplus} */
  softplus(): Tensor {
    return unary.softplus(this);
  }

  /** {@link tanh} */
  tanh(): Tensor {
    return unary.tanh(this);
  }

  /** {@link relu} */
  relu(): Tensor {
    return unary.relu(this);
  }

  /** {@link clip} to `[min, max]`. */
  clip(min: number, max: number): Tensor {
    return compare.clip(this, min, max);
  }

  /** {@link sum} over `axis` (all by default). */
  sum(axis?: number | readonly number[], keepDims?: boolean): Tensor {
    return reduce.sum(this, axis, keepDims);
  }

  /** {@link mean} over `axis` (all by default). */
  mean(axis?: number | readonly number[], keepDims?: boolean): Tensor {
    return reduce.mean(this, axis, keepDims);
  }

  /** {@link max} over `axis` (all by default). */
  max(axis?: number | readonly number[], keepDims?: boolean): Tensor {
    return reduce.max(this, axis, keepDims);
  }

  /** {@link min} over `axis` (all by default). */
  min(axis?: number | readonly number[], keepDims?: boolean): Tensor {
    return reduce.min(this, axis, keepDims);
  }

  /** {@link logSumExp} over `axis` (all by default). */
  logSumExp(axis?: number | readonly number[], keepDims?: boolean): Tensor {
    return reduce.logSumExp(this, axis, keepDims);
  }

  /** {@link argmax} along `axis` (default last). */
  argmax(axis?: number, keepDims?: boolean): Tensor {
    return reduce.argmax(this, axis, keepDims);
  }

  /** {@link argmin} along `axis` (default last). */
  argmin(axis?: number, keepDims?: boolean): Tensor {
    return reduce.argmin(this, axis, keepDims);
  }

  /** {@link softmax} along `axis` (default last). */
  softmax(axis?: number): Tensor {
    return reduce.softmax(this, axis);
  }

  /** {@link logSoftmax} along `axis` (default last). */
  logSoftmax(axis?: number): Tensor {
    return reduce.logSoftmax(this, axis);
  }

  /** {@link matmul} */
  matmul(b: TensorLike): Tensor {
    return matmulOps.matmul(this, b);
  }

  /** {@link transpose}: reversed axes, or `perm`. */
  transpose(perm?: readonly number[]): Tensor {
    return shapeOps.transpose(this, perm);
  }

  /** {@link permute} */
  permute(perm: readonly number[]): Tensor {
    return shapeOps.permute(this, perm);
  }

  /** {@link reshape} */
  reshape(shape: readonly number[]): Tensor {
    return shapeOps.reshape(this, shape);
  }

  /** {@link flatten} */
  flatten(): Tensor {
    return shapeOps.flatten(this);
  }

  /** {@link squeeze} */
  squeeze(axis?: number | readonly number[]): Tensor {
    return shapeOps.squeeze(this, axis);
  }

  /** {@link expandDims} */
  expandDims(axis: number): Tensor {
    return shapeOps.expandDims(this, axis);
  }

  /** {@link broadcastTo} */
  broadcastTo(shape: readonly number[]): Tensor {
    return shapeOps.broadcastTo(this, shape);
  }

  /** {@link slice} */
  slice(begin: readonly number[], size?: readonly number[]): Tensor {
    return shapeOps.slice(this, begin, size);
  }

  /** {@link gather} */
  gather(indices: TensorLike, axis?: number): Tensor {
    return shapeOps.gather(this, indices, axis);
  }

  /** {@link astype} */
  astype(dtype: DType): Tensor {
    return shapeOps.astype(this, dtype);
  }

  /** {@link detach} */
  detach(): Tensor {
    return shapeOps.detach(this);
  }

  /** {@link clone} */
  clone(): Tensor {
    return shapeOps.clone(this);
  }

  /** {@link greater} */
  greater(b: TensorLike): Tensor {
    return compare.greater(this, b);
  }

  /** {@link greaterEqual} */
  greaterEqual(b: TensorLike): Tensor {
    return compare.greaterEqual(this, b);
  }

  /** {@link less} */
  less(b: TensorLike): Tensor {
    return compare.less(this, b);
  }

  /** {@link lessEqual} */
  lessEqual(b: TensorLike): Tensor {
    return compare.lessEqual(this, b);
  }

  /** {@link equal} */
  equal(b: TensorLike): Tensor {
    return compare.equal(this, b);
  }

  /** {@link notEqual} */
  notEqual(b: TensorLike): Tensor {
    return compare.notEqual(this, b);
  }
}
