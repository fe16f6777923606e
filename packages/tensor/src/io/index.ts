/** State dicts: the JSON and safetensors encodings. The file helpers are on the Node-only subpath (`node.ts`). */
export { stateDictToJSON, stateDictFromJSON } from './state-dict.js';
export type { StateDict, StateDictJSON, TensorJSON, LoadStateDictOptions, LoadStateDictResult } from './state-dict.js';
export { toSafetensors, fromSafetensors } from './safetensors.js';
export type { Safetensors } from './safetensors.js';
