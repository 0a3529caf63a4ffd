/**
 * Avro records of primitive and enum fields (the generators' transactions and user events, most
 * event schemas) written by code generated for their schema. avsc's Type.encode goes through a Tap
 * object per value, a virtual _write per field, Buffer.byteLength (a native call) per string and an
 * object lookup per enum; here a record is one function of straight-line field writes: ASCII strings
 * copied by a loop, enums by a switch, doubles through a shared Float64Array.
 *
 * The bytes are avsc's, by construction (its varint, zigzag and string rules, below) and by test
 * (test/generators/avro-flat.test.ts). A value the generated code does not take as it is, say a
 * string of up to 64 characters with one outside ASCII (avsc writes those by its own UTF-8 loop) or
 * a field that does not match the schema, makes it answer -1: the caller then encodes that value
 * with avsc, which writes it or throws what it throws.
 */
import type avro from 'avsc';

/**
 * Writes value at pos; the end of its bytes, which may lie beyond buf.length when they did not fit
 * (nothing is written past the end then, and the caller retries in a larger buffer), or -1 when
 * avsc should write this value.
 */
export type FlatWriter = (value: unknown, buf: Buffer, pos: number) => number;

const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);
const F32 = new Float32Array(1);
const F32_BYTES = new Uint8Array(F32.buffer);
/** Avro numbers are little-endian; the scratch arrays are in the machine's order */
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** avsc's bounds of a long kept as a JS number (isSafeLong) */
const MAX_LONG = 9007199254740990;

/**
 * A zigzag varint, as avsc's Tap.writeLong: integer arithmetic below 2^30; above, the zigzag value
 * z as avsc computes it (a double: 2n, or -2n - 1) split into its low 28 bits and the rest, both
 * exact, so four bytes and then at most four more come from integer arithmetic rather than a
 * floating division a byte. z is at least 2^31 there, so its low four groups all carry the
 * continuation bit, as avsc writes them.
 */
function long(b: Buffer, p: number, n: number): number {
  if (n >= -1073741824 && n < 1073741824) {
    let m = n >= 0 ? n << 1 : (~n << 1) | 1;
    while (m > 0x7f) {
      b[p++] = (m & 0x7f) | 0x80;
      m >>= 7;
    }
    b[p++] = m;
    return p;
  }
  const z = n >= 0 ? n * 2 : -n * 2 - 1;
  let hi = Math.floor(z / 0x10000000);
  const lo = z - hi * 0x10000000;
  b[p] = (lo & 0x7f) | 0x80;
  b[p + 1] = ((lo >> 7) & 0x7f) | 0x80;
  b[p + 2] = ((lo >> 14) & 0x7f) | 0x80;
  b[p + 3] = (lo >> 21) | 0x80;
  p += 4;
  while (hi > 0x7f) {
    b[p++] = (hi & 0x7f) | 0x80;
    hi >>>= 7;
  }
  b[p++] = hi;
  return p;
}

/**
 * A string as avsc writes it: its UTF-8 length, then the bytes. Up to 64 characters, plain ASCII
 * only (else -1): avsc writes short strings by a loop of its own whose bytes differ from
 * Buffer#utf8Write for lone surrogates. Longer ones go through utf8Write, as in avsc.
 */
function string(s: unknown, b: Buffer, p: number): number {
  if (typeof s !== 'string') return -1;
  const n = s.length;
  if (n > 64) {
    const len = Buffer.byteLength(s);
    p = long(b, p, len);
    if (p + len <= b.length) b.write(s, p, len, 'utf8');
    return p + len;
  }
  if (n < 64) b[p++] = n << 1;
  else p = long(b, p, n);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return -1;
    b[p++] = c;
  }
  return p;
}

function double(x: number, b: Buffer, p: number): number {
  F64[0] = x;
  const f = F64_BYTES;
  if (LITTLE) {
    b[p] = f[0]!;
    b[p + 1] = f[1]!;
    b[p + 2] = f[2]!;
    b[p + 3] = f[3]!;
    b[p + 4] = f[4]!;
    b[p + 5] = f[5]!;
    b[p + 6] = f[6]!;
    b[p + 7] = f[7]!;
  } else for (let i = 0; i < 8; i++) b[p + i] = f[7 - i]!;
  return p + 8;
}

function float(x: number, b: Buffer, p: number): number {
  F32[0] = x;
  const f = F32_BYTES;
  for (let i = 0; i < 4; i++) b[p + i] = f[LITTLE ? i : 3 - i]!;
  return p + 4;
}

/** the code writing one field, read as `x`; undefined for a type this module leaves to avsc */
function fieldCode(type: avro.Type): string | undefined {
  switch (type.typeName) {
    case 'string':
      return 'p = string(x, b, p); if (p < 0) return -1;';
    case 'boolean':
      return 'if (x === true) b[p++] = 1; else if (x === false) b[p++] = 0; else return -1;';
    case 'int':
      return 'if (x !== (x | 0)) return -1; p = long(b, p, x);';
    case 'long':
      // avsc refuses x % 1 !== 0; in range the same as floor(x) !== x, which is not a call to fmod
      return `if (typeof x !== 'number' || !(x >= -${MAX_LONG} && x <= ${MAX_LONG}) || Math.floor(x) !== x) return -1;
    p = long(b, p, x);`;
    case 'double':
      return "if (typeof x !== 'number') return -1; p = double(x, b, p);";
    case 'float':
      return "if (typeof x !== 'number') return -1; p = float(x, b, p);";
    case 'null':
      return 'if (x !== null) return -1;';
    case 'enum': {
      const symbols = (type as avro.types.EnumType).symbols;
      // the index's zigzag varint: one byte below 64
      const write = (i: number) => (i < 64 ? `b[p++] = ${2 * i};` : `p = long(b, p, ${i});`);
      const cases = symbols.map((s, i) => `case ${JSON.stringify(s)}: ${write(i)} break;`);
      return `switch (x) { ${cases.join(' ')} default: return -1; }`;
    }
    default:
      return undefined;
  }
}

/** a generated writer for a record of primitive and enum fields, else undefined (avsc writes it) */
export function flatWriter(type: avro.Type): FlatWriter | undefined {
  if (type.typeName !== 'record') return undefined;
  let body = "if (v === null || typeof v !== 'object') return -1;\n  let x;\n";
  for (const f of (type as avro.types.RecordType).fields) {
    const code = fieldCode(f.type);
    if (code === undefined) return undefined;
    body += `  x = v[${JSON.stringify(f.name)}];\n  ${code}\n`;
  }
  body += '  return p;';
  const make = new Function('string', 'long', 'double', 'float', `return function write(v, b, p) {\n  ${body}\n};`);
  return make(string, long, double, float) as FlatWriter;
}
