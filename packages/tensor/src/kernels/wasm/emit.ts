/**
 * A minimal WebAssembly module emitter: the kernels are built as binary modules from TypeScript at
 * load time, so the package ships no prebuilt `.wasm` and needs no assembler or toolchain at run
 * time. A module here has function types, an optional imported memory, functions (each written
 * with a {@link Code} builder) and exports — the sections the kernels need, emitted in the order
 * the binary format requires: type (1), import (2), function (3), export (7), code (10).
 *
 * @example
 * ```ts
 * const m = new ModuleBuilder();
 * m.func('add', ['i32', 'i32'], ['i32'], (c) => c.get(0).get(1).i32Add());
 * const { add } = new WebAssembly.Instance(new WebAssembly.Module(m.bytes())).exports;
 * ```
 */
import { Code, VALTYPE, type ValType } from './code.js';
import { name, uleb } from './leb.js';

interface FuncDef {
  readonly type: number;
  readonly code: Code;
  readonly exportAs: string | null;
}

/** Builds one module; {@link ModuleBuilder.bytes} returns its binary encoding. */
export class ModuleBuilder {
  private readonly types: string[] = [];
  private readonly typeBytes: number[][] = [];
  private readonly funcs: FuncDef[] = [];
  private memory: { module: string; field: string; minPages: number } | null = null;

  /** Imports a memory as `module.field` with at least `minPages` 64 KiB pages. */
  importMemory(module: string, field: string, minPages = 1): this {
    this.memory = { module, field, minPages };
    return this;
  }

  /**
   * Adds a function and returns its index (for `call`). `body` writes the instructions; the
   * closing `end` is added here. With `exportAs` `null` the function stays internal.
   */
  func(exportAs: string | null, params: readonly ValType[], results: readonly ValType[], body: (c: Code) => void): number {
    const code = new Code(params);
    body(code);
    this.funcs.push({ type: this.typeIndex(params, results), code, exportAs });
    return this.funcs.length - 1;
  }

  private typeIndex(params: readonly ValType[], results: readonly ValType[]): number {
    const key = `${params.join(',')}->${results.join(',')}`;
    const found = this.types.indexOf(key);
    if (found >= 0) return found;
    this.types.push(key);
    this.typeBytes.push([0x60, ...vec(params.map((t) => [VALTYPE[t]])), ...vec(results.map((t) => [VALTYPE[t]]))]);
    return this.types.length - 1;
  }

  /** The module's binary encoding. */
  bytes(): Uint8Array {
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    section(out, 1, vec(this.typeBytes));
    if (this.memory) {
      const { module, field, minPages } = this.memory;
      section(out, 2, vec([[...name(module), ...name(field), 0x02, 0x00, ...uleb(minPages)]]));
    }
    section(out, 3, vec(this.funcs.map((f) => uleb(f.type))));
    const exported = this.funcs.flatMap((f, i) => (f.exportAs === null ? [] : [[...name(f.exportAs), 0x00, ...uleb(i)]]));
    section(out, 7, vec(exported));
    section(out, 10, vec(this.funcs.map((f) => body(f.code))));
    return new Uint8Array(out);
  }
}

/** A vector: its element count, then the elements. */
function vec(items: readonly (readonly number[])[]): number[] {
  const out = uleb(items.length);
  for (const it of items) for (const b of it) out.push(b);
  return out;
}

function section(out: number[], id: number, content: readonly number[]): void {
  out.push(id, ...uleb(content.length));
  for (const b of content) out.push(b);
}

/** A function body: its size, local declarations run-length grouped by type, the code, `end`. */
function body(code: Code): number[] {
  const groups: number[][] = [];
  let i = 0;
  while (i < code.locals.length) {
    const t = code.locals[i]!;
    let n = 0;
    while (i < code.locals.length && code.locals[i] === t) {
      i++;
      n++;
    }
    groups.push([...uleb(n), VALTYPE[t]]);
  }
  const content = [...vec(groups), ...code.bytes, 0x0b];
  return [...uleb(content.length), ...content];
}
