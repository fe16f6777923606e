/**
 * `@focalgrad/tensor/node`: the helpers that need Node's file system — saving and loading state
 * dicts as JSON and as safetensors files. They live on this subpath so that the main entry stays
 * free of Node built-ins and bundles for the browser with no flags.
 *
 * @example
 * ```ts
 * import { nn } from '@focalgrad/tensor';
 * import { saveStateDict, loadStateDictFile } from '@focalgrad/tensor/node';
 * const model = new nn.Linear(3, 2, { seed: 0 });
 * await saveStateDict('model.json', model);
 * model.loadStateDict(await loadStateDictFile('model.json'));
 * ```
 * @packageDocumentation
 */
export { saveStateDict, loadStateDictFile, saveSafetensors, loadSafetensorsFile } from './io/files.js';
