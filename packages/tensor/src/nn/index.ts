/** Layers (`nn`): the module base class, layers, activations, initializers, stateless functions. */
export { Module, functionalCall } from './module.js';
export type { AnyModule } from './module.js';
export { Linear } from './linear.js';
export type { LinearOptions } from './linear.js';
export { Sequential } from './sequential.js';
export { ReLU, Tanh, Sigmoid } from './activation.js';
/**
 * Initializers that fill a tensor in place: Glorot/Xavier, He/Kaiming, uniform, normal,
 * constants, and the focal-loss prior-probability biases.
 *
 * @example
 * ```ts
 * nn.init.heNormal(layer.weight, { seed: 0 });
 * nn.init.priorBias(layer.bias!, 0.01);
 * ```
 */
export * as init from './init.js';
/**
 * Stateless layer functions (PyTorch's `torch.nn.functional`).
 *
 * @example
 * ```ts
 * nn.functional.linear(x, weight, bias);
 * ```
 */
export * as functional from './functional/index.js';
