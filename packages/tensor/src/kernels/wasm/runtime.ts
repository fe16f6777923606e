/**
 * The `WebAssembly` global as the kernels use it, typed here so the package needs neither the DOM
 * nor Node type definitions, and looked up at run time so that an engine without WebAssembly (or
 * one that forbids it) leaves the JavaScript kernels in charge.
 */

/** A `WebAssembly.Memory`. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  /** Grows by `pages` 64 KiB pages (throws a `RangeError` when it cannot); detaches `buffer`. */
  grow(pages: number): number;
}

/** A compiled `WebAssembly.Module` (opaque). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

/** The parts of the `WebAssembly` namespace the kernels use. */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}

/** The engine's `WebAssembly`, or `null` where there is none. */
export function wasmApi(): WasmApi | null {
  const w = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return typeof w === 'object' && w !== null && typeof w.validate === 'function' && typeof w.Module === 'function' ? w : null;
}

/** Bytes in a page of WebAssembly memory. */
export const PAGE_BYTES = 65536;

/**
 * A getter that compiles the module `build()` returns on first use and keeps it; `null` (also
 * kept) when the engine has no WebAssembly or refuses to compile (a Content-Security-Policy
 * without `'wasm-unsafe-eval'`, say), so callers fall back to JavaScript. Compiling synchronously
 * is fine here: the kernel modules are a few KiB, under the size browsers allow on the main thread.
 */
export function compileOnce(build: () => Uint8Array): () => WasmModule | null {
  let compiled: WasmModule | null | undefined;
  return () => {
    if (compiled === undefined) {
      const api = wasmApi();
      try {
        compiled = api === null ? null : new api.Module(build());
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}
