/** State dicts: the JSON encoding. The file helpers are on the Node-only subpath (`node.ts`). */
export { stateDictToJSON, stateDictFromJSON } from './state-dict.js';
export type { StateDict, StateDictJSON, TensorJSON, LoadStateDictOptions, LoadStateDictResult } from './state-dict.js';
