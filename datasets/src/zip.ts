import { inflateRawSync } from 'node:zlib';
import { MurmurError } from '@murmur/core';

/**
 * A small reader for ZIP archives (the WISDM original is a zip inside a zip): the central directory
 * is read once, and entries (stored or deflated) are extracted on demand with node:zlib.
 * ZIP64 archives and encrypted entries are reported as errors.
 */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  headerOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export class ZipArchive {
  readonly entries: ZipEntry[] = [];

  constructor(
    private readonly bytes: Buffer,
    readonly file: string,
  ) {
    let eocd = -1;
    for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
      if (bytes.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new MurmurError('not a ZIP archive (no end-of-central-directory record)', { file });
    const count = bytes.readUInt16LE(eocd + 10);
    let at = bytes.readUInt32LE(eocd + 16);
    if (at === 0xffffffff || count === 0xffff)
      throw new MurmurError('ZIP64 archives are not supported', { file });
    for (let k = 0; k < count; k++) {
      if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL) {
        throw new MurmurError('corrupt ZIP central directory', { file, offset: at });
      }
      const flags = bytes.readUInt16LE(at + 8);
      const nameLength = bytes.readUInt16LE(at + 28);
      const extraLength = bytes.readUInt16LE(at + 30);
      const commentLength = bytes.readUInt16LE(at + 32);
      const name = bytes.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength);
      if (flags & 1)
        throw new MurmurError(`encrypted ZIP entry '${name}' is not supported`, { file, offset: at });
      this.entries.push({
        name,
        method: bytes.readUInt16LE(at + 10),
        compressedSize: bytes.readUInt32LE(at + 20),
        size: bytes.readUInt32LE(at + 24),
        headerOffset: bytes.readUInt32LE(at + 42),
      });
      at += 46 + nameLength + extraLength + commentLength;
    }
  }

  /** The entries whose name matches. */
  find(pattern: RegExp): ZipEntry[] {
    return this.entries.filter((e) => pattern.test(e.name));
  }

  /** The uncompressed bytes of an entry. */
  read(entry: ZipEntry): Buffer {
    const at = entry.headerOffset;
    if (at + 30 > this.bytes.length || this.bytes.readUInt32LE(at) !== LOCAL) {
      throw new MurmurError(`corrupt ZIP local header of '${entry.name}'`, { file: this.file, offset: at });
    }
    const start = at + 30 + this.bytes.readUInt16LE(at + 26) + this.bytes.readUInt16LE(at + 28);
    const raw = this.bytes.subarray(start, start + entry.compressedSize);
    let out: Buffer;
    if (entry.method === 0) out = Buffer.from(raw);
    else if (entry.method === 8) {
      try {
        out = inflateRawSync(raw);
      } catch (err) {
        throw new MurmurError(`cannot inflate ZIP entry '${entry.name}' (${(err as Error).message})`, {
          file: this.file,
        });
      }
    } else {
      throw new MurmurError(`ZIP entry '${entry.name}' uses unsupported compression method ${entry.method}`, {
        file: this.file,
      });
    }
    if (out.length !== entry.size) {
      throw new MurmurError(
        `ZIP entry '${entry.name}' has ${out.length} bytes, the directory says ${entry.size}`,
        {
          file: this.file,
        },
      );
    }
    return out;
  }
}
