/**
 * State dicts: named snapshots of a model's parameters and buffers, checked loading into a model,
 * and a JSON encoding that round-trips every value bit for bit.
 */
import { type DType, type TypedArray, allocate, isDType } from '../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { shapesEqual, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { bumpVersion } from '../version.js';
import { checkOptions } from '../options.js';

/**
 * Named tensors: a model's parameters and buffers under their dotted names (`0.weight`,
 * `layers.1.bias`), as returned by `Module.stateDict` and accepted by `Module.loadStateDict`.
 *
 * @example
 * ```ts
 * const model = new nn.Linear(3, 2, { seed: 0 });
 * const sd: StateDict = model.stateDict();
 * Object.keys(sd); // ['weight', 'bias']
 * ```
 */
export type StateDict = Record<string, Tensor>;

/**
 * Options of `Module.loadStateDict`.
 *
 * @example
 * ```ts
 * model.loadStateDict(sd, { strict: false }); // load what matches, report the rest
 * ```
 */
export interface LoadStateDictOptions {
  /**
   * Whether the keys must match exactly (default `true`): a missing or unexpected key throws a
   * {@link ValueError} and nothing is loaded. With `false` they are returned instead. Shapes and
   * dtypes of the keys that are loaded are checked either way.
   */
  strict?: boolean;
}

/**
 * What `Module.loadStateDict` did not load, like PyTorch's `_IncompatibleKeys`.
 *
 * @example
 * ```ts
 * const { missingKeys, unexpectedKeys } = model.loadStateDict(sd, { strict: false });
 * ```
 */
export interface LoadStateDictResult {
  /** Names the module has but the dict lacks (left unchanged). */
  missingKeys: string[];
  /** Names in the dict that the module does not have (ignored). */
  unexpectedKeys: string[];
}

/**
 * @internal An empty state dict with no prototype, so that any name — `__proto__`,
 * `constructor` — is an ordinary key.
 */
export function emptyStateDict(): StateDict {
  return Object.create(null) as StateDict;
}

/** @internal A detached copy of each named tensor. */
export function snapshotStateDict(entries: ReadonlyArray<readonly [string, Tensor]>): StateDict {
  const out = emptyStateDict();
  for (const [name, t] of entries) out[name] = new Tensor(t.data.slice(), t.shape.slice());
  return out;
}

/**
 * @internal Copies `dict` into the named targets in place, after checking every key, shape and
 * dtype first so that a rejected dict leaves the targets untouched.
 */
export function assignStateDict(
  op: string,
  targets: ReadonlyArray<readonly [string, Tensor]>,
  dict: StateDict,
  options: LoadStateDictOptions = {},
): LoadStateDictResult {
  checkOptions(op, options, ['strict']);
  const strict = options.strict ?? true;
  if (dict === null || typeof dict !== 'object') {
    throw new ValueError(op, 'stateDict', `expected an object of named tensors, got ${dict === null ? 'null' : typeof dict}`);
  }
  const known = new Set(targets.map(([name]) => name));
  const missingKeys = targets.map(([name]) => name).filter((name) => !Object.hasOwn(dict, name));
  const unexpectedKeys = Object.keys(dict).filter((name) => !known.has(name));
  if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
    const parts: string[] = [];
    if (missingKeys.length > 0) parts.push(`missing keys ${missingKeys.map((k) => `'${k}'`).join(', ')}`);
    if (unexpectedKeys.length > 0) parts.push(`unexpected keys ${unexpectedKeys.map((k) => `'${k}'`).join(', ')}`);
    throw new ValueError(op, 'stateDict', `does not match the module's keys: ${parts.join('; ')} (pass { strict: false } to load the rest)`);
  }
  const plan: Array<[Tensor, Tensor]> = [];
  for (const [name, target] of targets) {
    if (!Object.hasOwn(dict, name)) continue;
    const src = dict[name];
    if (!(src instanceof Tensor)) {
      throw new ValueError(op, name, `expected a Tensor, got ${src === null ? 'null' : typeof src}`);
    }
    if (!shapesEqual(src.shape, target.shape)) {
      throw new ShapeError(op, name, `expected shape ${fmtShape(target.shape)}, got ${fmtShape(src.shape)}`);
    }
    if (src.dtype !== target.dtype) {
      throw new DTypeError(op, name, `expected dtype ${target.dtype}, got ${src.dtype}`);
    }
    plan.push([target, src]);
  }
  for (const [target, src] of plan) {
    if (target.data === src.data) continue;
    target.data.set(src.data);
    bumpVersion(target.data);
  }
  return { missingKeys, unexpectedKeys };
}

/**
 * One tensor of a {@link StateDictJSON}. Values are JSON numbers (doubles, which hold every float32
 * and int32 exactly); the values JSON cannot hold are strings: `'Infinity'`, `'-Infinity'`, `'-0'`,
 * `'NaN'` for the canonical NaN, and `'NaN:0x…'` (the bits in hex) for any other NaN payload.
 *
 * @example
 * ```ts
 * const t: TensorJSON = { name: 'bias', dtype: 'float32', shape: [2], data: [0.5, '-0'] };
 * ```
 */
export interface TensorJSON {
  /** The tensor's name in the state dict. */
  name: string;
  /** The element type. */
  dtype: DType;
  /** The dimensions. */
  shape: number[];
  /** The elements, row-major. */
  data: Array<number | string>;
}

/**
 * The JSON layout of a state dict written by {@link stateDictToJSON}: a format tag, a version,
 * the tensors in order, and a checksum of their content.
 *
 * @example
 * ```ts
 * const doc: StateDictJSON = JSON.parse(stateDictToJSON(model.stateDict()));
 * doc.tensors[0]?.name; // '0.weight'
 * ```
 */
export interface StateDictJSON {
  /** Always `'focalgrad.stateDict'`. */
  format: 'focalgrad.stateDict';
  /** The layout version: `2` (with a checksum) is written; `1` (without) is still read. */
  version: 1 | 2;
  /** The named tensors, in the state dict's order. */
  tensors: TensorJSON[];
  /**
   * `crc32:` and eight hex digits: the CRC-32 of every tensor's name, dtype, shape and raw
   * little-endian bytes, in order. A document whose values were edited no longer matches it.
   */
  checksum?: string;
}

const FORMAT = 'focalgrad.stateDict';

/** The CRC-32 (IEEE) table. */
const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crc32(crc: number, bytes: Uint8Array): number {
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c;
}

/** The checksum of the named tensors, over the bytes they hold (the same on every platform). */
function checksumOf(entries: ReadonlyArray<readonly [string, Tensor]>): string {
  const enc = new TextEncoder();
  let c = 0;
  for (const [name, t] of entries) {
    c = crc32(c, enc.encode(`${name}\u0000${t.dtype}\u0000${t.shape.join(',')}\u0000`));
    c = crc32(c, littleEndianBytes(t));
  }
  return `crc32:${(c >>> 0).toString(16).padStart(8, '0')}`;
}

function littleEndianBytes(t: Tensor): Uint8Array {
  const d = t.data;
  const out = new Uint8Array(d.length * d.BYTES_PER_ELEMENT);
  const view = new DataView(out.buffer);
  for (let i = 0; i < d.length; i++) {
    if (d instanceof Float64Array) view.setFloat64(i * 8, d[i]!, true);
    else if (d instanceof Float32Array) view.setFloat32(i * 4, d[i]!, true);
    else view.setInt32(i * 4, d[i]!, true);
  }
  return out;
}

/** The bits of a NaN in `data[i]` as hex, or null for the canonical quiet NaN. */
function nanBits(data: TypedArray, i: number): string | null {
  if (data instanceof Float64Array) {
    const b = new BigUint64Array(data.buffer, data.byteOffset + i * 8, 1)[0]!;
    return b === 0x7ff8000000000000n ? null : `0x${b.toString(16)}`;
  }
  const b = new Uint32Array(data.buffer, data.byteOffset + i * 4, 1)[0]!;
  return b === 0x7fc00000 ? null : `0x${b.toString(16)}`;
}

function encodeValue(data: TypedArray, i: number): number | string {
  const v = data[i]!;
  if (Number.isFinite(v)) return v === 0 && 1 / v < 0 ? '-0' : v;
  if (!Number.isNaN(v)) return v > 0 ? 'Infinity' : '-Infinity';
  const bits = nanBits(data, i);
  return bits === null ? 'NaN' : `NaN:${bits}`;
}

/** Writes the JSON value `v` into `out[k]`, bit for bit; false for a value that is not a valid encoding. */
function decodeInto(out: TypedArray, k: number, v: unknown): boolean {
  if (typeof v === 'number') {
    out[k] = v;
    // A value must come back exactly: a float32 that is not a float32 (an edited digit, 1e39) or an
    // int32 that is not an int32 is corruption, not something to round.
    return out[k] === v;
  }
  switch (v) {
    case 'NaN':
      out[k] = NaN;
      return true;
    case 'Infinity':
    case '-Infinity':
      out[k] = Number(v);
      return !(out instanceof Int32Array);
    case '-0':
      out[k] = -0;
      return !(out instanceof Int32Array);
  }
  if (typeof v !== 'string' || !/^NaN:0x[0-9a-f]{1,16}$/.test(v) || out instanceof Int32Array) return false;
  const bits = BigInt(v.slice(4));
  if (out instanceof Float64Array) {
    const view = new BigUint64Array(out.buffer, out.byteOffset + k * 8, 1);
    view[0] = bits;
  } else {
    if (bits > 0xffffffffn) return false;
    new Uint32Array(out.buffer, out.byteOffset + k * 4, 1)[0] = Number(bits);
  }
  return Number.isNaN(out[k]);
}

/**
 * Encodes a state dict as JSON text: each tensor's name, dtype, shape and values. Values are
 * written as doubles, so float32, float64 and int32 tensors all read back bit for bit with
 * {@link stateDictFromJSON} (including ±Infinity, -0 and NaN payloads), and a CRC-32 of the
 * content lets the reader detect an edited or damaged file.
 *
 * @param dict - the named tensors, e.g. from `module.stateDict()`.
 * @param space - indentation passed to `JSON.stringify` (default none).
 * @returns the JSON text.
 * @example
 * ```ts
 * const text = stateDictToJSON(model.stateDict());
 * model.loadStateDict(stateDictFromJSON(text));
 * ```
 */
export function stateDictToJSON(dict: StateDict, space?: number | string): string {
  const op = 'stateDictToJSON';
  if (dict === null || typeof dict !== 'object') {
    throw new ValueError(op, 'dict', `expected an object of named tensors, got ${dict === null ? 'null' : typeof dict}`);
  }
  const tensors: TensorJSON[] = [];
  const entries = Object.entries(dict);
  for (const [name, t] of entries) {
    if (!(t instanceof Tensor)) throw new ValueError(op, name, `expected a Tensor, got ${t === null ? 'null' : typeof t}`);
    const data = new Array<number | string>(t.size);
    for (let i = 0; i < t.size; i++) data[i] = encodeValue(t.data, i);
    tensors.push({ name, dtype: t.dtype, shape: t.shape.slice(), data });
  }
  const doc: StateDictJSON = { format: FORMAT, version: 2, tensors, checksum: checksumOf(entries) };
  return JSON.stringify(doc, null, space);
}

/**
 * Decodes a state dict written by {@link stateDictToJSON}, from the text or the parsed object.
 * Every field is checked: a malformed document throws a {@link ValueError}, an unknown dtype a
 * {@link DTypeError}, and values that do not fill the shape a {@link ShapeError}, each naming the
 * tensor.
 *
 * @param json - the JSON text, or the object it parses to.
 * @returns fresh tensors (not requiring grad) under their names.
 * @example
 * ```ts
 * const sd = stateDictFromJSON(text);
 * sd['0.weight']?.shape; // [16, 2]
 * ```
 */
export function stateDictFromJSON(json: string | StateDictJSON): StateDict {
  const op = 'stateDictFromJSON';
  let doc: unknown = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw new ValueError(op, 'json', `is not valid JSON (${(e as Error).message})`);
    }
  }
  if (doc === null || typeof doc !== 'object' || (doc as StateDictJSON).format !== FORMAT) {
    throw new ValueError(op, 'json', `expected a document with format '${FORMAT}', got ${doc === null || typeof doc !== 'object' ? typeof doc : JSON.stringify((doc as { format?: unknown }).format)}`);
  }
  const { version, tensors, checksum } = doc as StateDictJSON;
  if (version !== 1 && version !== 2) throw new ValueError(op, 'json', `expected version 1 or 2, got ${JSON.stringify(version)}`);
  if (!Array.isArray(tensors)) throw new ValueError(op, 'json', `expected 'tensors' to be an array, got ${typeof tensors}`);
  const out = emptyStateDict();
  tensors.forEach((entry: TensorJSON, i) => {
    if (entry === null || typeof entry !== 'object' || typeof entry.name !== 'string') {
      throw new ValueError(op, `tensors[${i}]`, 'expected an object with a string name');
    }
    const { name, dtype, shape, data } = entry;
    if (Object.hasOwn(out, name)) throw new ValueError(op, name, 'appears more than once');
    if (!isDType(dtype)) throw new DTypeError(op, name, `expected dtype 'float32', 'float64' or 'int32', got ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ShapeError(op, name, `expected a shape of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(data)) throw new ValueError(op, name, `expected 'data' to be an array, got ${typeof data}`);
    const n = sizeOf(shape);
    if (data.length !== n) throw new ShapeError(op, name, `expected ${n} values for shape ${fmtShape(shape)}, got ${data.length}`);
    const arr = allocate(dtype, n);
    for (let k = 0; k < n; k++) {
      if (!decodeInto(arr, k, data[k])) {
        throw new ValueError(op, name, `expected ${dtype} values (numbers exact in ${dtype}, or 'NaN', 'NaN:0x…', 'Infinity', '-Infinity', '-0'), got ${JSON.stringify(data[k])} at data[${k}]`);
      }
    }
    out[name] = new Tensor(arr, shape.slice());
  });
  if (version === 2) {
    const expected = checksumOf(Object.entries(out));
    if (checksum !== expected) {
      throw new ValueError(op, 'json', `has checksum ${JSON.stringify(checksum)} but its content gives ${JSON.stringify(expected)}: the file was edited or damaged`);
    }
  }
  return out;
}
