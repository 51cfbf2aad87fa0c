import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateRawSync, deflateSync } from 'node:zlib';

/** Test fixtures: a MAT v5 writer, a ZIP writer and a local HTTP server with Range support. */

export const sha256 = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

const MI = { INT8: 1, UINT16: 4, INT32: 5, UINT32: 6, DOUBLE: 9, MATRIX: 14, COMPRESSED: 15 } as const;

export interface MatWriterOptions {
  bigEndian?: boolean;
}

/** Writes MAT v5 files with the element layouts MATLAB uses (including small data elements). */
export class MatWriter {
  private readonly parts: Buffer[] = [];
  constructor(private readonly opts: MatWriterOptions = {}) {
    const header = Buffer.alloc(128, 0x20);
    header.write('MATLAB 5.0 MAT-file, written by the murmur test suite', 0, 'latin1');
    header.fill(0, 116, 124);
    this.u16(header, 0x0100, 124);
    header.write(opts.bigEndian ? 'MI' : 'IM', 126, 'latin1');
    this.parts.push(header);
  }

  private u16(b: Buffer, v: number, at: number): void {
    if (this.opts.bigEndian) b.writeUInt16BE(v, at);
    else b.writeUInt16LE(v, at);
  }

  private u32(b: Buffer, v: number, at: number): void {
    if (this.opts.bigEndian) b.writeUInt32BE(v, at);
    else b.writeUInt32LE(v, at);
  }

  element(type: number, data: Buffer, pad = true): Buffer {
    if (data.length <= 4 && type !== MI.MATRIX && type !== MI.COMPRESSED) {
      const b = Buffer.alloc(8);
      this.u32(b, (data.length << 16) | type, 0);
      data.copy(b, 4);
      return b;
    }
    const padded = pad ? Math.ceil(data.length / 8) * 8 : data.length;
    const b = Buffer.alloc(8 + padded);
    this.u32(b, type, 0);
    this.u32(b, data.length, 4);
    data.copy(b, 8);
    return b;
  }

  private ints(type: number, values: number[]): Buffer {
    const size = type === MI.UINT16 ? 2 : 4;
    const b = Buffer.alloc(values.length * size);
    values.forEach((v, i) => (size === 2 ? this.u16(b, v, i * 2) : this.u32(b, v >>> 0, i * 4)));
    return this.element(type, b);
  }

  /** A numeric matrix; `storeAs: 'uint16'` saves integer doubles in a narrower type, as MATLAB does. */
  matrix(
    name: string,
    dims: number[],
    values: number[],
    opts: { mxClass?: number; storeAs?: 'double' | 'uint16' } = {},
  ): Buffer {
    const flags = this.ints(MI.UINT32, [opts.mxClass ?? 6, 0]);
    const dimsEl = this.ints(MI.INT32, dims);
    const nameEl = this.element(MI.INT8, Buffer.from(name, 'latin1'));
    let real: Buffer;
    if (opts.storeAs === 'uint16') real = this.ints(MI.UINT16, values);
    else {
      const b = Buffer.alloc(values.length * 8);
      values.forEach((v, i) => (this.opts.bigEndian ? b.writeDoubleBE(v, i * 8) : b.writeDoubleLE(v, i * 8)));
      real = this.element(MI.DOUBLE, b);
    }
    return this.element(MI.MATRIX, Buffer.concat([flags, dimsEl, nameEl, real]));
  }

  /** A char array (class 4), which readers of numeric data skip. */
  chars(name: string, text: string): Buffer {
    const data = Buffer.alloc(text.length * 2);
    [...text].forEach((c, i) => this.u16(data, c.charCodeAt(0), i * 2));
    return this.element(
      MI.MATRIX,
      Buffer.concat([
        this.ints(MI.UINT32, [4, 0]),
        this.ints(MI.INT32, [1, text.length]),
        this.element(MI.INT8, Buffer.from(name)),
        this.element(MI.UINT16, data),
      ]),
    );
  }

  add(element: Buffer, compress = false): this {
    this.parts.push(compress ? this.element(MI.COMPRESSED, deflateSync(element), false) : element);
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** A ZIP archive of the given entries (deflated unless `store`). */
export function makeZip(entries: Record<string, Buffer | string>, store = false): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.from(content);
    const packed = store ? data : deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(store ? 0 : 8, 8);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(store ? 0 : 8, 10);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

export interface FixtureServer {
  baseUrl: string;
  files: Map<string, Buffer>;
  /** Requests seen: path and Range header. */
  requests: { path: string; range?: string }[];
  /** Paths whose next full response is cut after this many bytes (then removed). */
  cutAfter: Map<string, number>;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 serving `files` with Range support, able to drop a response midway. */
export async function startFixtureServer(files: Record<string, Buffer | string>): Promise<FixtureServer> {
  const state = {
    files: new Map(Object.entries(files).map(([k, v]) => [k, Buffer.from(v)])),
    requests: [] as { path: string; range?: string }[],
    cutAfter: new Map<string, number>(),
  };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    state.requests.push({ path, range: req.headers.range });
    const body = state.files.get(path);
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
      });
    } else res.writeHead(200, { 'content-length': body.length });
    const cut = state.cutAfter.get(path);
    if (cut !== undefined && !m) {
      state.cutAfter.delete(path);
      res.write(body.subarray(0, cut), () => setTimeout(() => res.destroy(), 20));
      return;
    }
    res.end(body.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    ...state,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
