/// <reference types="node" />
/**
 * Saving and loading state dicts as JSON files, exported only from the Node-only subpath
 * `@focalgrad/tensor/node` so that the main entry stays free of Node built-ins.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { ValueError } from '../errors.js';
import { type StateDict, stateDictFromJSON, stateDictToJSON } from './state-dict.js';

/**
 * Writes a state dict (or a module's, via its `stateDict()`) to a JSON file in the
 * {@link stateDictToJSON} format. The text goes to a temporary file next to `path` that is then
 * renamed over it, so a crash never leaves a half-written checkpoint. Node only.
 *
 * @param path - the file to write.
 * @param source - the named tensors, or anything with a `stateDict()` method (a module).
 * @returns a promise that resolves once the file is in place.
 * @example
 * ```ts
 * await saveStateDict('model.json', model);
 * model.loadStateDict(await loadStateDictFile('model.json'));
 * ```
 */
export async function saveStateDict(path: string, source: StateDict | { stateDict(): StateDict }): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new ValueError('saveStateDict', 'path', `expected a non-empty string, got ${JSON.stringify(path)}`);
  }
  const dict = typeof (source as { stateDict?: unknown }).stateDict === 'function' ? (source as { stateDict(): StateDict }).stateDict() : (source as StateDict);
  const text = stateDictToJSON(dict);
  const tmp = `${path}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Reads a state dict written by {@link saveStateDict}. Node only.
 *
 * @param path - the file to read.
 * @returns the named tensors, ready for `module.loadStateDict`.
 * @example
 * ```ts
 * const sd = await loadStateDictFile('model.json');
 * model.loadStateDict(sd);
 * ```
 */
export async function loadStateDictFile(path: string): Promise<StateDict> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new ValueError('loadStateDictFile', 'path', `expected a non-empty string, got ${JSON.stringify(path)}`);
  }
  return stateDictFromJSON(await readFile(path, 'utf8'));
}
