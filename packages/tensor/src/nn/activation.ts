/** Activation layers: thin modules over the elementwise ops. */
import { relu, sigmoid, tanh } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/**
 * `max(x, 0)` elementwise, as a layer ({@link relu}).
 *
 * @example
 * ```ts
 * new nn.ReLU().forward(tensor([-1, 2])).toArray(); // [0, 2]
 * ```
 */
export class ReLU extends Module<[Tensor], Tensor> {
  /**
   * @param x - any shape.
   * @returns `relu(x)`.
   */
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/**
 * `tanh(x)` elementwise, as a layer ({@link tanh}).
 *
 * @example
 * ```ts
 * new nn.Tanh().forward(tensor([0])).toArray(); // [0]
 * ```
 */
export class Tanh extends Module<[Tensor], Tensor> {
  /**
   * @param x - any shape.
   * @returns `tanh(x)`.
   */
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/**
 * `1 / (1 + exp(-x))` elementwise, as a layer ({@link sigmoid}).
 *
 * @example
 * ```ts
 * new nn.Sigmoid().forward(tensor([0])).toArray(); // [0.5]
 * ```
 */
export class Sigmoid extends Module<[Tensor], Tensor> {
  /**
   * @param x - any shape.
   * @returns `sigmoid(x)`.
   */
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}
