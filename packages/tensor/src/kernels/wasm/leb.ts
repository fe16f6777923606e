/**
 * The scalar encodings of the WebAssembly binary format: LEB128 integers (unsigned for sizes,
 * indices and counts; signed for `i32.const`), little-endian IEEE floats for `f32.const` /
 * `f64.const`, and names. Module building runs once at load, so these return fresh arrays.
 */

/** Unsigned LEB128 of a non-negative integer below 2³². */
export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`uleb: expected a u32, got ${n}`);
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number): number[] {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new RangeError(`sleb: expected an i32, got ${n}`);
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    // Done when the rest is all sign bits and the sign bit of this byte agrees with them.
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** The four little-endian bytes of `v` as a float32. */
export function f32Bytes(v: number): number[] {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return Array.from(b);
}

/** The eight little-endian bytes of `v` as a float64. */
export function f64Bytes(v: number): number[] {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return Array.from(b);
}

/** A name: its byte length, then its bytes (ASCII only, which is all the kernels use). */
export function name(s: string): number[] {
  const out = uleb(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) throw new RangeError(`name: expected ASCII, got ${JSON.stringify(s)}`);
    out.push(c);
  }
  return out;
}
