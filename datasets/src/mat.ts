import { inflateSync } from 'node:zlib';
import { MurmurError } from '@murmur/core';

/**
 * A reader for the numeric matrices of MATLAB level-5 MAT-files (the format of the CWRU originals):
 * a 128-byte header, then data elements, each a tag (type, byte count) and data padded to 8 bytes,
 * or a "small data element" packed into the tag. miMATRIX elements hold array flags, dimensions, a
 * name and the real part, which may be stored in a narrower type than its class (an integer-valued
 * double saved as miUINT16). Compressed elements (miCOMPRESSED, v7 files) are inflated. Arrays of
 * other classes (char, cell, struct, sparse) are skipped; complex arrays keep their real part.
 */
export interface MatVariable {
  name: string;
  /** MATLAB dimensions, e.g. [243938, 1]. */
  dims: number[];
  /** mxClass name: 'double', 'single', 'int16', ... */
  className: string;
  /** The real part in column-major order, as doubles. */
  data: Float64Array;
}

const MI_INT8 = 1;
const MI_UINT8 = 2;
const MI_INT16 = 3;
const MI_UINT16 = 4;
const MI_INT32 = 5;
const MI_UINT32 = 6;
const MI_SINGLE = 7;
const MI_DOUBLE = 9;
const MI_INT64 = 12;
const MI_UINT64 = 13;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;

const elementSize: Record<number, number> = {
  [MI_INT8]: 1,
  [MI_UINT8]: 1,
  [MI_INT16]: 2,
  [MI_UINT16]: 2,
  [MI_INT32]: 4,
  [MI_UINT32]: 4,
  [MI_SINGLE]: 4,
  [MI_DOUBLE]: 8,
  [MI_INT64]: 8,
  [MI_UINT64]: 8,
};

const numericClasses: Record<number, string> = {
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
};

interface Element {
  type: number;
  /** Absolute offset of the data in the buffer being read. */
  start: number;
  length: number;
  /** Offset of the next element. */
  next: number;
}

class MatReader {
  constructor(
    readonly buf: Buffer,
    readonly little: boolean,
    readonly file: string,
    /** Offset of `buf` within the file, for error messages (0 inside inflated data). */
    readonly base: number,
  ) {}

  u32(at: number): number {
    return this.little ? this.buf.readUInt32LE(at) : this.buf.readUInt32BE(at);
  }

  fail(message: string, at: number): never {
    throw new MurmurError(message, { file: this.file, offset: this.base + at });
  }

  element(at: number, end: number): Element {
    if (at + 8 > end) this.fail('truncated data element tag', at);
    const word = this.u32(at);
    const small = word >>> 16;
    if (small !== 0) {
      // Small data element: type in the low 16 bits, 1..4 bytes of data in the second word.
      if (small > 4) this.fail(`bad small data element (${small} bytes)`, at);
      return { type: word & 0xffff, start: at + 4, length: small, next: at + 8 };
    }
    const length = this.u32(at + 4);
    const start = at + 8;
    if (start + length > end) this.fail(`data element of ${length} bytes runs past the end`, at);
    const next = word === MI_COMPRESSED ? start + length : start + Math.ceil(length / 8) * 8;
    return { type: word, start, length, next: Math.min(next, end) };
  }

  numbers(el: Element): Float64Array {
    const size = elementSize[el.type];
    if (size === undefined) this.fail(`unsupported numeric data type ${el.type}`, el.start - 8);
    const n = Math.floor(el.length / size);
    const out = new Float64Array(n);
    const b = this.buf;
    const le = this.little;
    for (let i = 0, p = el.start; i < n; i++, p += size) {
      switch (el.type) {
        case MI_INT8:
          out[i] = b.readInt8(p);
          break;
        case MI_UINT8:
          out[i] = b[p]!;
          break;
        case MI_INT16:
          out[i] = le ? b.readInt16LE(p) : b.readInt16BE(p);
          break;
        case MI_UINT16:
          out[i] = le ? b.readUInt16LE(p) : b.readUInt16BE(p);
          break;
        case MI_INT32:
          out[i] = le ? b.readInt32LE(p) : b.readInt32BE(p);
          break;
        case MI_UINT32:
          out[i] = le ? b.readUInt32LE(p) : b.readUInt32BE(p);
          break;
        case MI_SINGLE:
          out[i] = le ? b.readFloatLE(p) : b.readFloatBE(p);
          break;
        case MI_DOUBLE:
          out[i] = le ? b.readDoubleLE(p) : b.readDoubleBE(p);
          break;
        case MI_INT64:
          out[i] = Number(le ? b.readBigInt64LE(p) : b.readBigInt64BE(p));
          break;
        default:
          out[i] = Number(le ? b.readBigUInt64LE(p) : b.readBigUInt64BE(p));
      }
    }
    return out;
  }

  /** Reads the elements in [at, end), appending numeric matrices to `out`. */
  readElements(at: number, end: number, out: MatVariable[]): void {
    while (at + 8 <= end) {
      const el = this.element(at, end);
      if (el.type === MI_COMPRESSED) {
        let inner: Buffer;
        try {
          inner = inflateSync(this.buf.subarray(el.start, el.start + el.length));
        } catch (err) {
          this.fail(`cannot inflate compressed element (${(err as Error).message})`, at);
        }
        const reader = new MatReader(inner, this.little, this.file, this.base + el.start);
        reader.readElements(0, inner.length, out);
      } else if (el.type === MI_MATRIX) {
        const v = this.matrix(el);
        if (v) out.push(v);
      }
      at = el.next;
    }
  }

  matrix(el: Element): MatVariable | undefined {
    const end = el.start + el.length;
    if (el.length === 0) return undefined;
    const flags = this.element(el.start, end);
    const mxClass = this.u32(flags.start) & 0xff;
    const className = numericClasses[mxClass];
    const dimsEl = this.element(flags.next, end);
    const dims = Array.from(this.numbers(dimsEl));
    const nameEl = this.element(dimsEl.next, end);
    const name = this.buf.toString('latin1', nameEl.start, nameEl.start + nameEl.length);
    if (className === undefined) return undefined;
    const real = this.element(nameEl.next, end);
    const data = this.numbers(real);
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) {
      this.fail(
        `variable '${name}' has ${data.length} values for dimensions ${dims.join('x')}`,
        el.start - 8,
      );
    }
    return { name, dims, className, data };
  }
}

/** Reads every numeric matrix of a MAT v5 file. Anything not MAT v5 is an error naming the file. */
export function readMat(bytes: Uint8Array, file: string): MatVariable[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 128) throw new MurmurError('too short for a MAT-file (no 128-byte header)', { file });
  const endian = buf.toString('latin1', 126, 128);
  if (endian !== 'IM' && endian !== 'MI') {
    throw new MurmurError(`not a MATLAB level-5 MAT-file (endian indicator '${endian}')`, {
      file,
      offset: 126,
    });
  }
  const reader = new MatReader(buf, endian === 'IM', file, 0);
  const version = endian === 'IM' ? buf.readUInt16LE(124) : buf.readUInt16BE(124);
  if (version !== 0x0100)
    throw new MurmurError(`unsupported MAT-file version 0x${version.toString(16)}`, { file, offset: 124 });
  const out: MatVariable[] = [];
  reader.readElements(128, buf.length, out);
  return out;
}
