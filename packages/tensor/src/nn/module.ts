/**
 * The module base class: a tree of named parameters, buffers and submodules, in the layout of
 * PyTorch's `nn.Module` (dotted names, state dicts, train/eval mode).
 */
import { DTypeError, ValueError } from '../errors.js';
import { Tensor } from '../tensor.js';
import {
  type LoadStateDictOptions,
  type LoadStateDictResult,
  type StateDict,
  assignStateDict,
  snapshotStateDict,
} from '../io/state-dict.js';

/**
 * Any module, whatever its `forward` signature.
 *
 * @example
 * ```ts
 * const layers: AnyModule[] = [new nn.Linear(2, 3), new nn.ReLU()];
 * ```
 */
export type AnyModule = Module<any[], any>;

function checkName(op: string, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('.')) {
    throw new ValueError(op, 'name', `expected a non-empty name without '.', got ${JSON.stringify(name)}`);
  }
  return name;
}

/**
 * Base class of every layer and model. A module owns named parameters (leaf tensors that require
 * grad), buffers (tensors saved in the state dict but not trained) and submodules, each
 * registered under a name; {@link Module.namedParameters} and {@link Module.stateDict} walk the
 * tree and join the names with dots (`0.weight`, `encoder.layers.1.bias`), in registration order.
 *
 * Subclasses implement {@link Module.forward} and register what they own with
 * {@link Module.registerParameter}, {@link Module.registerBuffer} and {@link Module.registerModule},
 * each of which returns its argument so it can initialise a field.
 *
 * @typeParam I - the argument list of `forward` (one tensor by default).
 * @typeParam O - what `forward` returns (a tensor by default).
 * @example
 * ```ts
 * class MLP extends nn.Module {
 *   fc1 = this.registerModule('fc1', new nn.Linear(2, 16, { seed: 0 }));
 *   fc2 = this.registerModule('fc2', new nn.Linear(16, 1, { seed: 1 }));
 *   forward(x: Tensor): Tensor {
 *     return this.fc2.forward(this.fc1.forward(x).relu());
 *   }
 * }
 * const model = new MLP();
 * model.namedParameters().map(([name]) => name); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * ```
 */
export abstract class Module<I extends unknown[] = [Tensor], O = Tensor> {
  /** Whether the module is in training mode (set by {@link Module.train} and {@link Module.eval}). */
  training = true;
  /** @internal Own parameters by name, in registration order. */
  readonly _parameters = new Map<string, Tensor>();
  /** @internal Own buffers by name, in registration order. */
  readonly _buffers = new Map<string, Tensor>();
  /** @internal Direct submodules by name, in registration order. */
  readonly _modules = new Map<string, AnyModule>();

  /**
   * The computation. Call it directly (`model.forward(x)`) or through {@link Module.call}.
   * @param inputs - the inputs.
   */
  abstract forward(...inputs: I): O;

  /**
   * Runs {@link Module.forward}; an alias for callers that prefer PyTorch's `model(x)` spelling.
   * @param inputs - the inputs.
   */
  call(...inputs: I): O {
    return this.forward(...inputs);
  }

  private checkFree(op: string, name: string, kind: 'parameter' | 'buffer' | 'module'): void {
    const taken =
      kind !== 'parameter' && this._parameters.has(name) ? 'a parameter'
      : kind !== 'buffer' && this._buffers.has(name) ? 'a buffer'
      : kind !== 'module' && this._modules.has(name) ? 'a submodule'
      : null;
    if (taken !== null) throw new ValueError(op, 'name', `'${name}' is already registered as ${taken}`);
  }

  /**
   * Registers a parameter under `name` (replacing one of the same name in place in the order) and
   * marks it as requiring grad.
   * @param name - a name without dots.
   * @param param - a float leaf tensor (use `detach()` on a computed one).
   * @returns `param`.
   */
  registerParameter(name: string, param: Tensor): Tensor {
    const op = 'registerParameter';
    checkName(op, name);
    if (!(param instanceof Tensor)) throw new ValueError(op, 'param', `expected a Tensor, got ${param === null ? 'null' : typeof param}`);
    if (param.dtype === 'int32') throw new DTypeError(op, 'param', `expected a float32 or float64 tensor for '${name}', got dtype int32`);
    if (!param.isLeaf) {
      throw new ValueError(op, 'param', `expected a leaf tensor for '${name}', got the output of '${param.node!.op.name}' (detach it first)`);
    }
    this.checkFree(op, name, 'parameter');
    param.requiresGrad = true;
    this._parameters.set(name, param);
    return param;
  }

  /**
   * Registers a buffer: a tensor that belongs to the state dict but is not a parameter (a running
   * statistic, a fixed mask).
   * @param name - a name without dots.
   * @param buffer - the tensor.
   * @returns `buffer`.
   */
  registerBuffer(name: string, buffer: Tensor): Tensor {
    const op = 'registerBuffer';
    checkName(op, name);
    if (!(buffer instanceof Tensor)) throw new ValueError(op, 'buffer', `expected a Tensor, got ${buffer === null ? 'null' : typeof buffer}`);
    this.checkFree(op, name, 'buffer');
    this._buffers.set(name, buffer);
    return buffer;
  }

  /**
   * Registers a submodule; its parameters appear under `name.`.
   * @param name - a name without dots.
   * @param module - the submodule.
   * @returns `module`.
   */
  registerModule<M extends AnyModule>(name: string, module: M): M {
    const op = 'registerModule';
    checkName(op, name);
    if (!(module instanceof Module)) throw new ValueError(op, 'module', `expected a Module, got ${module === null ? 'null' : typeof module}`);
    if (module === (this as unknown)) throw new ValueError(op, 'module', `cannot register a module as its own child '${name}'`);
    this.checkFree(op, name, 'module');
    this._modules.set(name, module);
    return module;
  }

  /** The direct submodules with their names, in registration order. */
  namedChildren(): Array<[string, AnyModule]> {
    return [...this._modules];
  }

  /** The direct submodules, in registration order. */
  children(): AnyModule[] {
    return [...this._modules.values()];
  }

  /**
   * This module and every submodule below it, depth first, with dotted names (`''` for this one).
   * A module reachable by two paths is listed once, under the first.
   * @param prefix - prepended to every name.
   */
  namedModules(prefix = ''): Array<[string, AnyModule]> {
    const out: Array<[string, AnyModule]> = [];
    const seen = new Set<AnyModule>();
    const visit = (m: AnyModule, name: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [child, c] of m._modules) visit(c, name === '' ? child : `${name}.${child}`);
    };
    visit(this, prefix);
    return out;
  }

  /** This module and every submodule below it, depth first. */
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  private namedTensors(kind: '_parameters' | '_buffers', prefix: string): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    const seen = new Set<Tensor>();
    for (const [name, m] of this.namedModules(prefix)) {
      for (const [own, t] of m[kind]) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([name === '' ? own : `${name}.${own}`, t]);
      }
    }
    return out;
  }

  /**
   * Every parameter of this module and its submodules with its dotted name, in registration order
   * (own parameters first, then each child's). A tensor shared by two modules is listed once.
   * @param prefix - prepended to every name (with a dot).
   */
  namedParameters(prefix = ''): Array<[string, Tensor]> {
    return this.namedTensors('_parameters', prefix);
  }

  /** Every parameter, in the order of {@link Module.namedParameters}: what an optimizer takes. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /**
   * Every buffer with its dotted name, in registration order.
   * @param prefix - prepended to every name (with a dot).
   */
  namedBuffers(prefix = ''): Array<[string, Tensor]> {
    return this.namedTensors('_buffers', prefix);
  }

  /** Every buffer, in the order of {@link Module.namedBuffers}. */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /** The total number of parameter elements (shared tensors counted once). */
  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }

  /** Every name the state dict holds, with the live tensor (shared tensors under every name). */
  private stateEntries(): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    const visit = (m: AnyModule, prefix: string, path: Set<AnyModule>): void => {
      if (path.has(m)) return;
      for (const [own, t] of m._parameters) out.push([prefix + own, t]);
      for (const [own, t] of m._buffers) out.push([prefix + own, t]);
      path.add(m);
      for (const [child, c] of m._modules) visit(c, `${prefix}${child}.`, path);
      path.delete(m);
    };
    visit(this, '', new Set());
    return out;
  }

  /**
   * A snapshot of every parameter and buffer under its dotted name: detached copies (later
   * training does not change them), not requiring grad. Like PyTorch's `state_dict`, a tensor
   * shared by two modules appears under both names.
   */
  stateDict(): StateDict {
    return snapshotStateDict(this.stateEntries());
  }

  /**
   * Copies values from a state dict into this module's parameters and buffers, in place (so
   * optimizers holding the parameters keep working). Every key, shape and dtype is checked before
   * anything is written: a shape mismatch throws a {@link ShapeError} and a dtype mismatch a
   * {@link DTypeError}, naming the parameter with the expected and the actual value; with `strict`
   * (the default) a missing or unexpected key throws a {@link ValueError} listing them all.
   * @param dict - the named tensors, e.g. from {@link Module.stateDict} or {@link stateDictFromJSON}.
   * @param options - `strict` (default `true`).
   * @returns the keys that were not loaded (empty when strict).
   */
  loadStateDict(dict: StateDict, options: LoadStateDictOptions = {}): LoadStateDictResult {
    return assignStateDict('loadStateDict', this.stateEntries(), dict, options);
  }

  /** Sets every parameter's `.grad` to `null`. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /**
   * Sets training mode on this module and every submodule.
   * @param mode - `true` for training (the default), `false` for evaluation.
   * @returns this module.
   */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /**
   * Sets evaluation mode on this module and every submodule (`train(false)`).
   * @returns this module.
   */
  eval(): this {
    return this.train(false);
  }

  /**
   * Calls `fn` on every submodule and then on this module (children first, like PyTorch).
   * @param fn - the function to call.
   * @returns this module.
   */
  apply(fn: (module: AnyModule) => void): this {
    for (const c of this._modules.values()) c.apply(fn);
    fn(this);
    return this;
  }

  /** A one-line description of this module's settings, shown by {@link Module.toString}. */
  extraRepr(): string {
    return '';
  }

  /** A tree rendering like PyTorch's: the class name, its settings and its submodules. */
  toString(): string {
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (this._modules.size === 0) return `${head})`;
    const lines = [...this._modules].map(([name, m]) => `  (${name}): ${m.toString().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}

/**
 * Runs `module.forward(...inputs)` with some parameters or buffers replaced by the given tensors
 * (by dotted name), then restores the originals, like `torch.func.functional_call`. The module's
 * own field that held the original tensor is swapped too, so layers that read `this.weight` see
 * the replacement. Useful to differentiate a module with respect to tensors it does not own:
 * {@link gradcheck} of a layer, per-example gradients, meta-learning.
 *
 * @param module - the module to run.
 * @param tensors - replacement tensors by dotted name (a subset is fine).
 * @param inputs - the arguments of `forward`.
 * @returns what `forward` returns.
 * @example
 * ```ts
 * const lin = new nn.Linear(3, 2, { dtype: 'float64', seed: 0 });
 * const x = randn([4, 3], { dtype: 'float64', seed: 1 });
 * gradcheck((w, b) => nn.functionalCall(lin, { weight: w, bias: b }, x), [lin.weight, lin.bias!]).ok; // true
 * ```
 */
export function functionalCall<I extends unknown[], O>(module: Module<I, O>, tensors: Record<string, Tensor>, ...inputs: I): O {
  const op = 'functionalCall';
  const restore: Array<() => void> = [];
  try {
    for (const [name, t] of Object.entries(tensors)) {
      if (!(t instanceof Tensor)) throw new ValueError(op, name, `expected a Tensor, got ${t === null ? 'null' : typeof t}`);
      const path = name.split('.');
      const leaf = path.pop()!;
      let owner: AnyModule = module;
      for (const seg of path) {
        const next = owner._modules.get(seg);
        if (next === undefined) throw new ValueError(op, name, `does not name a parameter or buffer: no submodule '${seg}'`);
        owner = next;
      }
      const registry = owner._parameters.has(leaf) ? owner._parameters : owner._buffers.has(leaf) ? owner._buffers : null;
      if (registry === null) throw new ValueError(op, name, `does not name a parameter or buffer of ${owner.constructor.name}`);
      const old = registry.get(leaf)!;
      const fields = Object.keys(owner).filter((k) => (owner as unknown as Record<string, unknown>)[k] === old);
      const o = owner as unknown as Record<string, unknown>;
      registry.set(leaf, t);
      for (const k of fields) o[k] = t;
      restore.push(() => {
        registry.set(leaf, old);
        for (const k of fields) o[k] = old;
      });
    }
    return module.forward(...inputs);
  } finally {
    for (let i = restore.length - 1; i >= 0; i--) restore[i]!();
  }
}
