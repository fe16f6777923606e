/**
 * Loads TensorFlow.js 4.22 for the benchmark: the umbrella `@tensorflow/tfjs` (it registers the
 * gradient functions and the `cpu` backend from `@tensorflow/tfjs-backend-cpu`) and
 * `@tensorflow/tfjs-backend-wasm`, whose `.wasm` binaries are loaded from `node_modules` and run on
 * one thread. Never `@tensorflow/tfjs-node`. Loaded lazily, so a focalgrad-only child process does
 * not pay for it.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';

/** The tfjs namespace. */
export type Tf = typeof TF;

/** Which TensorFlow.js backend an implementation uses. */
export type TfBackend = 'cpu' | 'wasm';

let loaded: Promise<Tf> | null = null;

/** What the wasm backend ended up using, for the results header. */
export interface TfInfo {
  version: string;
  wasmSimd: boolean;
  wasmThreads: boolean;
}

/** Imports and initialises tfjs with both backends (once per process). */
export function loadTf(): Promise<Tf> {
  loaded ??= (async () => {
    // tfjs greets Node users on import; keep the benchmark output clean.
    const warn = console.warn;
    const log = console.log;
    console.warn = () => {};
    console.log = () => {};
    let tf: Tf;
    try {
      tf = await import('@tensorflow/tfjs');
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      wasm.setWasmPaths(dir + path.sep);
      // One thread: never pick the threaded binary, and size any pool to 1.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      wasm.setThreadsCount(1);
      for (const b of ['cpu', 'wasm'] as const) {
        if (!(await tf.setBackend(b))) throw new Error(`tfjs backend '${b}' failed to initialise`);
        tf.tensor([0]).dispose(); // the cpu backend greets on its first write
      }
    } finally {
      console.warn = warn;
      console.log = log;
    }
    return tf;
  })();
  return loaded;
}

/** Makes `backend` the active tfjs backend (cheap once both are initialised). */
export async function useBackend(tf: Tf, backend: TfBackend): Promise<void> {
  if (tf.getBackend() !== backend) await tf.setBackend(backend);
}

/** Versions and wasm features, for the results header. */
export async function tfInfo(): Promise<TfInfo> {
  const tf = await loadTf();
  return {
    version: tf.version.tfjs,
    wasmSimd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
    wasmThreads: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
  };
}
