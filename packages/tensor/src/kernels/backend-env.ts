/**
 * The backend chosen when the package loads: `FOCALGRAD_BACKEND` (`js` or `wasm`) where there is
 * a `process` with an environment (Node; read through `globalThis`, so no Node import or type is
 * needed), otherwise WebAssembly where the engine runs it, else JavaScript. Asking for `wasm` where
 * it cannot run falls back to JavaScript silently, as the default does.
 */
import { ValueError } from '../errors.js';

/** The name of a kernel backend. */
export type BackendName = 'js' | 'wasm';

/** Whether `s` names a backend. */
export function isBackendName(s: unknown): s is BackendName {
  return s === 'js' || s === 'wasm';
}

/** `FOCALGRAD_BACKEND`, or `undefined` where it is unset or there is no `process`. */
function fromEnvironment(): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return typeof proc === 'object' && proc !== null ? proc.env?.FOCALGRAD_BACKEND : undefined;
}

/** The backend to start with, given whether the WebAssembly tier can run here. */
export function initialBackend(wasmAvailable: boolean): BackendName {
  const requested = fromEnvironment();
  if (requested !== undefined && requested !== '' && !isBackendName(requested)) {
    throw new ValueError('FOCALGRAD_BACKEND', '', `expected 'js' or 'wasm', got ${JSON.stringify(requested)}`);
  }
  if (requested === 'js') return 'js';
  return wasmAvailable ? 'wasm' : 'js';
}
