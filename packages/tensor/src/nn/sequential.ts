/** A chain of modules. */
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/**
 * Applies its modules in order, each to the previous one's output. The modules are registered as
 * children `0`, `1`, …, so parameters are named `0.weight`, `0.bias`, `2.weight`, … as in
 * PyTorch.
 *
 * @example
 * ```ts
 * const model = new nn.Sequential(new nn.Linear(2, 16, { seed: 0 }), new nn.ReLU(), new nn.Linear(16, 1, { seed: 1 }));
 * model.forward(randn([8, 2], { seed: 2 })).shape; // [8, 1]
 * model.namedParameters().map(([n]) => n);          // ['0.weight', '0.bias', '2.weight', '2.bias']
 * ```
 */
export class Sequential extends Module<[Tensor], Tensor> {
  /** @param modules - the layers, applied first to last. */
  constructor(...modules: Array<Module<[Tensor], Tensor>>) {
    super();
    for (const m of modules) this.append(m);
  }

  /** The number of modules. */
  get length(): number {
    return this._modules.size;
  }

  /**
   * Appends a module (named by its position).
   * @param module - the module.
   * @returns this.
   */
  append(module: Module<[Tensor], Tensor>): this {
    this.registerModule(String(this._modules.size), module);
    return this;
  }

  /**
   * The module at `index` (negative counts from the end).
   * @param index - the position.
   */
  at(index: number): Module<[Tensor], Tensor> {
    const n = this._modules.size;
    const i = index < 0 ? index + n : index;
    const m = Number.isInteger(i) && i >= 0 && i < n ? this._modules.get(String(i)) : undefined;
    if (m === undefined) throw new ValueError('Sequential.at', 'index', `expected an integer in [${-n}, ${n}), got ${index}`);
    return m as Module<[Tensor], Tensor>;
  }

  /** Iterates over the modules in order. */
  [Symbol.iterator](): IterableIterator<Module<[Tensor], Tensor>> {
    return (this._modules.values() as IterableIterator<Module<[Tensor], Tensor>>)[Symbol.iterator]();
  }

  /**
   * Runs the modules in order.
   * @param x - the input of the first module.
   * @returns the output of the last (`x` itself when empty).
   */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this._modules.values()) y = (m as Module<[Tensor], Tensor>).forward(y);
    return y;
  }
}
