/// <reference types="node" />
/**
 * Saving and loading state dicts as files (JSON and safetensors), exported only from the
 * Node-only subpath `@focalgrad/tensor/node` so that the main entry stays free of Node built-ins.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { ValueError } from '../errors.js';
import { type Safetensors, fromSafetensors, toSafetensors } from './safetensors.js';
import { type StateDict, stateDictFromJSON, stateDictToJSON } from './state-dict.js';

/**
 * Writes a state dict (or a module's, via its `stateDict()`) to a JSON file in the
 * {@link stateDictToJSON} format. The text goes to a temporary file next to `path` that is then
 * renamed over it, so a crash never leaves a half-written checkpoint. Node only.
 *
 * @param path - the file to write.
 * @param source - the named tensors, or anything with a `stateDict()` method (a module).
 * @returns a promise that resolves once the file is in place.
 * @throws ValueError for an empty path or a missing directory.
 * @example
 * ```ts
 * await saveStateDict('model.json', model);
 * model.loadStateDict(await loadStateDictFile('model.json'));
 * ```
 */
export async function saveStateDict(path: string, source: StateDict | { stateDict(): StateDict }): Promise<void> {
  await writeAtomically('saveStateDict', path, stateDictToJSON(dictOf(source)));
}

/**
 * Reads a state dict written by {@link saveStateDict}. Node only.
 *
 * @param path - the file to read.
 * @returns the named tensors, ready for `module.loadStateDict`.
 * @throws ValueError when the file does not exist or is malformed.
 * @example
 * ```ts
 * const sd = await loadStateDictFile('model.json');
 * model.loadStateDict(sd);
 * ```
 */
export async function loadStateDictFile(path: string): Promise<StateDict> {
  return stateDictFromJSON(await read('loadStateDictFile', path, 'utf8'));
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
  await writeAtomically('saveSafetensors', path, toSafetensors(dictOf(source), metadata));
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
  return fromSafetensors(await read('loadSafetensorsFile', path));
}

function dictOf(source: StateDict | { stateDict(): StateDict }): StateDict {
  const s = source as { stateDict?: unknown } | null;
  return typeof s?.stateDict === 'function' ? (source as { stateDict(): StateDict }).stateDict() : (source as StateDict);
}

function checkPath(op: string, path: unknown): void {
  if (typeof path !== 'string' || path.length === 0) {
    throw new ValueError(op, 'path', `expected a non-empty string, got ${JSON.stringify(path)}`);
  }
}

const errorCode = (e: unknown): unknown => (e as { code?: unknown } | null)?.code;

/** Writes next to `path`, then renames over it, so a crash never leaves a half-written file. */
async function writeAtomically(op: string, path: string, data: string | Uint8Array): Promise<void> {
  checkPath(op, path);
  const tmp = `${path}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    if (errorCode(e) === 'ENOENT') throw new ValueError(op, 'path', `cannot write '${path}': its directory does not exist`);
    throw e;
  }
}

async function read(op: string, path: string): Promise<Uint8Array>;
async function read(op: string, path: string, encoding: 'utf8'): Promise<string>;
async function read(op: string, path: string, encoding?: 'utf8'): Promise<Uint8Array | string> {
  checkPath(op, path);
  try {
    return encoding === undefined ? await readFile(path) : await readFile(path, encoding);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') throw new ValueError(op, 'path', `no such file '${path}'`);
    if (errorCode(e) === 'EISDIR') throw new ValueError(op, 'path', `'${path}' is a directory, not a file`);
    throw e;
  }
}
