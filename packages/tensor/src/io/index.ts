/** State dicts: JSON encoding and file helpers. */
export { stateDictToJSON, stateDictFromJSON } from './state-dict.js';
export type { StateDict, StateDictJSON, TensorJSON, LoadStateDictOptions, LoadStateDictResult } from './state-dict.js';
export { saveStateDict, loadStateDictFile } from './file.js';
