/// <reference types="node" />
/**
 * Saving and loading safetensors files, exported only from the Node-only subpath
 * `@focalgrad/tensor/node` so that the main entry stays free of Node built-ins.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { ValueError } from '../errors.js';
import { type Safetensors, fromSafetensors, toSafetensors } from './safetensors.js';
import type { StateDict } from './state-dict.js';

const code = (e: unknown): unknown => (e as { code?: unknown } | null)?.code;

function checkPath(op: string, path: unknown): void {
  if (typeof path !== 'string' || path.length === 0) {
    throw new ValueError(op, 'path', `expected a non-empty string, got ${JSON.stringify(path)}`);
  }
}

/**
 * Writes a state dict (or a module's, via its `stateDict()`) to a safetensors file, in the layout
 * of {@link toSafetensors}, readable by PyTorch, Hugging Face and jax-js. The bytes go to a
 * temporary file next to `path` that is then renamed over it, so a crash never leaves a
 * half-written checkpoint. Node only.
 *
 * @param path - the file to write (conventionally `*.safetensors`).
 * @param source - the named tensors, or anything with a `stateDict()` method (a module).
 * @param metadata - optional free-form strings stored under `__metadata__`.
 * @returns a promise that resolves once the file is in place.
 * @throws ValueError for an empty path, a missing directory, or what {@link toSafetensors} rejects.
 * @example
 * ```ts
 * await saveSafetensors('model.safetensors', model, { format: 'pt' });
 * model.loadStateDict((await loadSafetensorsFile('model.safetensors')).tensors);
 * ```
 */
export async function saveSafetensors(path: string, source: StateDict | { stateDict(): StateDict }, metadata?: Record<string, string>): Promise<void> {
  const op = 'saveSafetensors';
  checkPath(op, path);
  const dict = typeof (source as { stateDict?: unknown } | null)?.stateDict === 'function' ? (source as { stateDict(): StateDict }).stateDict() : (source as StateDict);
  const bytes = toSafetensors(dict, metadata);
  const tmp = `${path}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    if (code(e) === 'ENOENT') throw new ValueError(op, 'path', `cannot write '${path}': its directory does not exist`);
    throw e;
  }
}

/**
 * Reads a safetensors file with {@link fromSafetensors}: one written by {@link saveSafetensors},
 * or by PyTorch / Hugging Face `safetensors` as long as its tensors are F32, F64 or I32. Node only.
 *
 * @param path - the file to read.
 * @returns the tensors, ready for `module.loadStateDict`, and the `__metadata__` strings.
 * @throws ValueError when the file does not exist or is malformed.
 * @example
 * ```ts
 * const { tensors, metadata } = await loadSafetensorsFile('model.safetensors');
 * model.loadStateDict(tensors);
 * ```
 */
export async function loadSafetensorsFile(path: string): Promise<Safetensors> {
  const op = 'loadSafetensorsFile';
  checkPath(op, path);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if (code(e) === 'ENOENT') throw new ValueError(op, 'path', `no such file '${path}'`);
    if (code(e) === 'EISDIR') throw new ValueError(op, 'path', `'${path}' is a directory, not a file`);
    throw e;
  }
  return fromSafetensors(bytes);
}
