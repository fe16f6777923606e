/**
 * The safetensors format (https://github.com/huggingface/safetensors), read and written from bytes
 * with no platform dependency: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data.
 *
 * The writer follows the reference implementation (`prepare` and `Metadata::serialize` in
 * `safetensors/src/tensor.rs`) byte for byte; the reader applies its checks (`read_metadata` and
 * `Metadata::validate`) and a few more (duplicate keys, the leading `{`).
 */
import { type DType, allocate } from '../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor.js';
import type { StateDict } from './state-dict.js';

// Every browser, Node, Deno and Bun has these, but the package compiles against lib ES2022 alone
// (no DOM, no Node types), so declare the little used here.
declare const TextEncoder: new () => { encode(text: string): Uint8Array<ArrayBuffer> };
declare const TextDecoder: new (label: 'utf-8', options: { fatal: boolean; ignoreBOM: boolean }) => { decode(bytes: Uint8Array): string };

/**
 * A safetensors file's contents: the named tensors and the free-form `__metadata__` strings.
 * Both are null-prototype objects, so any name (`__proto__`, `constructor`) is an ordinary key.
 *
 * @example
 * ```ts
 * const file: Safetensors = fromSafetensors(bytes);
 * model.loadStateDict(file.tensors);
 * file.metadata['format']; // 'pt'
 * ```
 */
export interface Safetensors {
  /** The tensors, in the order of their data in the file (fresh copies, not requiring grad). */
  tensors: StateDict;
  /** The `__metadata__` map, or an empty object when the file has none. */
  metadata: Record<string, string>;
}

/** The safetensors code of each focalgrad dtype. */
const CODE = { float32: 'F32', float64: 'F64', int32: 'I32' } as const satisfies Record<DType, string>;
const BY_CODE = new Map<string, DType>([
  ['F32', 'float32'],
  ['F64', 'float64'],
  ['I32', 'int32'],
]);
const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };
/** Position in the reference's `Dtype` enum (I32 < F32 < F64); the writer sorts by it, descending. */
const RANK: Record<DType, number> = { int32: 0, float32: 1, float64: 2 };
/** The reference's other dtypes, named in the error for a valid file focalgrad cannot hold. */
const OTHER_CODES = new Set(['BOOL', 'F4', 'F6_E2M3', 'F6_E3M2', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F8_E4M3FNUZ', 'F8_E5M2FNUZ', 'I16', 'U16', 'F16', 'BF16', 'U32', 'C64', 'I64', 'U64']);
const SUPPORTED = 'F32 (float32), F64 (float64) and I32 (int32)';
/** The reference's `MAX_HEADER_SIZE`. */
const MAX_HEADER = 100_000_000;
const METADATA_KEY = '__metadata__';
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Reverses the bytes of each `size`-byte element in place (only on big-endian hosts). */
function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i < b.length; i += size) {
    for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
      const x = b[lo]!;
      b[lo] = b[hi]!;
      b[hi] = x;
    }
  }
}

/** Orders strings by code point, i.e. by their UTF-8 bytes, as Rust's `str::cmp` does. */
function compareCodePoints(a: string, b: string): number {
  for (let i = 0; ; ) {
    if (i >= a.length) return i >= b.length ? 0 : -1;
    if (i >= b.length) return 1;
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Encodes a state dict in the safetensors format, exactly as the reference implementation
 * (`safetensors.numpy.save`, `safetensors.torch.save`) writes it: tensors ordered by dtype
 * (F64, then F32, then I32) and then by name, the header JSON with `__metadata__` first and the
 * tensors in data order, padded with spaces to a multiple of 8 bytes. float32, float64 and int32
 * tensors are written as `F32`, `F64` and `I32`, bit for bit (NaN payloads, -0).
 *
 * The reference writes metadata keys in hash-map order; here they are sorted by code point, so the
 * output is deterministic (and identical to the reference's whenever there is one key). An empty
 * `metadata` object writes no `__metadata__`, so a file without one round-trips through
 * {@link fromSafetensors}.
 *
 * @param dict - the named tensors, e.g. from `module.stateDict()`. Names must be non-empty,
 *   well-formed strings other than `__metadata__`.
 * @param metadata - optional free-form strings stored under `__metadata__` (PyTorch writes
 *   `{ format: 'pt' }`).
 * @returns the file's bytes.
 * @throws ValueError for a bad name, a non-tensor value or a non-string metadata value.
 * @example
 * ```ts
 * const bytes = toSafetensors(model.stateDict(), { format: 'pt' });
 * model.loadStateDict(fromSafetensors(bytes).tensors);
 * ```
 */
export function toSafetensors(dict: StateDict, metadata?: Record<string, string>): Uint8Array<ArrayBuffer> {
  const op = 'toSafetensors';
  if (!isObject(dict)) throw new ValueError(op, 'dict', `expected an object of named tensors, got ${describe(dict)}`);
  const entries: Array<[string, Tensor]> = [];
  for (const [name, t] of Object.entries(dict)) {
    if (name === '') throw new ValueError(op, 'dict', 'has an empty tensor name; safetensors names must be non-empty');
    if (name === METADATA_KEY) throw new ValueError(op, 'dict', `uses the name '${METADATA_KEY}', which safetensors reserves for the metadata`);
    if (LONE_SURROGATE.test(name)) throw new ValueError(op, 'dict', `has the name ${JSON.stringify(name)} with a lone surrogate, which UTF-8 cannot encode`);
    if (!(t instanceof Tensor)) throw new ValueError(op, 'dict', `expected a Tensor under '${name}', got ${describe(t)}`);
    entries.push([name, t]);
  }
  const parts: string[] = [];
  if (metadata !== undefined) {
    if (!isObject(metadata)) throw new ValueError(op, 'metadata', `expected an object of strings, got ${describe(metadata)}`);
    const keys = Object.keys(metadata).sort(compareCodePoints);
    for (const k of keys) {
      const v = metadata[k];
      if (typeof v !== 'string') throw new ValueError(op, 'metadata', `expected a string under '${k}', got ${describe(v)}`);
      if (LONE_SURROGATE.test(k + v)) throw new ValueError(op, 'metadata', `has a lone surrogate under '${k}', which UTF-8 cannot encode`);
    }
    if (keys.length > 0) parts.push(`"${METADATA_KEY}":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  entries.sort(([na, a], [nb, b]) => RANK[b.dtype] - RANK[a.dtype] || compareCodePoints(na, nb));
  let offset = 0;
  for (const [name, t] of entries) {
    const end = offset + t.data.byteLength;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${CODE[t.dtype]}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const header = new TextEncoder().encode(`{${parts.join(',')}}`);
  const padded = Math.ceil(header.length / 8) * 8;
  if (padded > MAX_HEADER) throw new ValueError(op, 'dict', `needs a ${padded}-byte header, over the format's limit of ${MAX_HEADER}`);
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(header, 8);
  out.fill(0x20, 8 + header.length, 8 + padded);
  let pos = 8 + padded;
  for (const [, t] of entries) {
    const src = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(src, pos);
    if (!LITTLE_ENDIAN) swapBytes(out.subarray(pos, pos + src.length), BYTES[t.dtype]);
    pos += src.length;
  }
  return out;
}

/**
 * The first key that appears twice in one JSON object of `text` (which must be valid JSON), with
 * the key that object is under. `JSON.parse` silently keeps the last, and a reviver never sees the
 * first, so the text is scanned: one set of keys per open object.
 */
function duplicateKey(text: string): { key: string; owner: string | undefined } | undefined {
  const stack: Array<{ keys: Set<string>; owner: string | undefined } | null> = []; // null: an array
  let expectKey = false;
  let lastKey: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return { key, owner: top.owner };
        top.keys.add(key);
        lastKey = key;
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b) {
      const parent = stack[stack.length - 1];
      stack.push({ keys: new Set(), owner: parent ? lastKey : undefined });
      expectKey = true;
    } else if (c === 0x5b) {
      stack.push(null);
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    } else if (c === 0x2c) {
      expectKey = stack[stack.length - 1] != null;
    }
  }
  return undefined;
}

function fail(message: string): never {
  throw new ValueError('fromSafetensors', 'bytes', message);
}

/**
 * Decodes a safetensors file. Every tensor gets its own copy of its bytes (so the source buffer
 * can be reused, and any offset alignment works), read bit for bit.
 *
 * Everything the reference checks is checked, plus duplicate keys, and each problem throws a
 * {@link ValueError} naming it (and the tensor): a buffer shorter than 8 bytes; a header length
 * past the end or over 100 MB; a header that is not UTF-8 JSON or not an object (leading spaces
 * are allowed, as the reference allows them); a key repeated in one object; a `__metadata__` value that is not a
 * string; `data_offsets` that are not two integers with begin ≤ end, do not match the byte count
 * of the shape and dtype, run past the data, overlap, or leave a gap or trailing bytes. A shape
 * that is not an array of non-negative integers throws a {@link ShapeError}, and a dtype other
 * than `F32`, `F64` or `I32` (such as `F16`, `BF16`, `I64`, `U8`, `BOOL`) a {@link DTypeError}.
 * Names such as `__proto__` are accepted as ordinary keys of the null-prototype results.
 *
 * @param bytes - the whole file.
 * @returns the tensors (in data order) and the metadata.
 * @example
 * ```ts
 * const { tensors, metadata } = fromSafetensors(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 * tensors['fc.weight']?.shape; // [2, 3]
 * ```
 */
export function fromSafetensors(bytes: Uint8Array | ArrayBuffer): Safetensors {
  const op = 'fromSafetensors';
  const buf = bytes instanceof Uint8Array ? bytes : bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : fail(`expected a Uint8Array or ArrayBuffer, got ${describe(bytes)}`);
  if (buf.length < 8) fail(`has ${buf.length} bytes, fewer than the 8-byte header length that starts a safetensors file`);
  const n = new DataView(buf.buffer, buf.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER)) fail(`declares a ${n}-byte header, over the format's limit of ${MAX_HEADER} bytes`);
  const dataStart = 8 + Number(n);
  if (dataStart > buf.length) fail(`declares a ${n}-byte header, past the end of the ${buf.length}-byte buffer`);
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf.subarray(8, dataStart));
  } catch {
    fail('has a header that is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`has a header that is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(header)) fail(`has a header that is not a JSON object: got ${describe(header)}`);
  const dup = duplicateKey(text);
  if (dup) fail(`has a header that repeats the key ${JSON.stringify(dup.key)} ${dup.owner === undefined ? 'at the top level' : `under ${JSON.stringify(dup.owner)}`}`);

  const metadata: Record<string, string> = Object.create(null);
  const dataLength = buf.length - dataStart;
  const infos: Array<{ name: string; dtype: DType; shape: number[]; begin: number; end: number }> = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      if (info === null) continue; // serde reads a null `Option` as none
      if (!isObject(info)) fail(`has a '${METADATA_KEY}' that is not an object of strings: got ${describe(info)}`);
      for (const [k, v] of Object.entries(info)) {
        if (typeof v !== 'string') fail(`has a '${METADATA_KEY}' value under '${k}' that is not a string: got ${describe(v)}`);
        metadata[k] = v;
      }
      continue;
    }
    const where = `tensor '${name}'`;
    if (!isObject(info)) fail(`${where}: expected an object with dtype, shape and data_offsets, got ${describe(info)}`);
    const { dtype: code, shape, data_offsets: offsets } = info;
    const dtype = typeof code === 'string' ? BY_CODE.get(code) : undefined;
    if (dtype === undefined) {
      const known = typeof code === 'string' && OTHER_CODES.has(code);
      throw new DTypeError(op, 'bytes', `${where} has dtype ${describe(code)}, ${known ? 'a safetensors dtype that focalgrad does not support' : 'which is not a safetensors dtype'}; focalgrad reads only ${SUPPORTED}`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new ShapeError(op, 'bytes', `${where} has shape ${describe(shape)}, expected an array of non-negative integers`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => Number.isSafeInteger(d) && d >= 0) || offsets[0] > offsets[1]) {
      fail(`${where} has data_offsets ${describe(offsets)}, expected [begin, end] with integers 0 ≤ begin ≤ end`);
    }
    const [begin, end] = offsets as [number, number];
    const count = shape.reduce((a: number, d: number) => a * d, 1);
    if (count * BYTES[dtype] !== end - begin) {
      fail(`${where} of shape ${fmtShape(shape)} and dtype ${code} needs ${count * BYTES[dtype]} bytes, but its data_offsets [${begin}, ${end}] span ${end - begin}`);
    }
    if (end > dataLength) fail(`${where} has data_offsets [${begin}, ${end}] past the end of the ${dataLength}-byte data`);
    infos.push({ name, dtype, shape: shape.slice(), begin, end });
  }

  // The data must be covered exactly, tensor after tensor (the reference's `Metadata::validate`).
  infos.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev = '';
  for (const { name, begin, end } of infos) {
    if (begin < pos) fail(`tensor '${name}' has data_offsets [${begin}, ${end}] overlapping tensor '${prev}', which ends at ${pos}`);
    if (begin > pos) fail(`leaves bytes [${pos}, ${begin}) of the data, before tensor '${name}', not covered by any tensor`);
    pos = end;
    prev = name;
  }
  if (pos !== dataLength) fail(`leaves bytes [${pos}, ${dataLength}) at the end of the data not covered by any tensor`);

  const tensors: StateDict = Object.create(null);
  for (const { name, dtype, shape, begin, end } of infos) {
    const data = allocate(dtype, (end - begin) / BYTES[dtype]);
    const view = new Uint8Array(data.buffer);
    view.set(buf.subarray(dataStart + begin, dataStart + end));
    if (!LITTLE_ENDIAN) swapBytes(view, BYTES[dtype]);
    tensors[name] = new Tensor(data, shape);
  }
  return { tensors, metadata };
}
