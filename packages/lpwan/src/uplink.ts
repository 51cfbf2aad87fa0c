/**
 * The normalised uplink record every ingestion adapter produces (The Things Stack, ChirpStack, raw
 * PHYPayload, NB-IoT), and the helpers the adapters share to read JSON with errors that name the field.
 */
import { MurmurError } from '@murmur/core';
import {
  decode,
  decodeCborCompact,
  decodeSenml,
  toHex,
  type DecodeResult,
  type PayloadSchema,
} from '@murmur/payload';

export interface GatewayReception {
  id: string;
  rssi?: number;
  snr?: number;
}

export interface Uplink {
  /** EUI-64 in lower-case hex. */
  devEui: string;
  /** 32-bit frame counter. */
  fCnt: number;
  fPort: number;
  /** ISO 8601 time of reception. */
  receivedAt: string;
  /** Best reception over all gateways. */
  rssi?: number;
  snr?: number;
  spreadingFactor?: number;
  gateways: GatewayReception[];
  /** Application payload in lower-case hex. */
  bytes: string;
  /** Decoded payload (when a schema was given and decoding succeeded). */
  data?: Record<string, unknown>;
  warnings: string[];
  errors: string[];
}

/** Reading context for messages: the file of a JSON document. */
export interface Source {
  file?: string;
}

/** Property `key` of `obj` when it is an object, else undefined. */
export function get(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
}

function fail(src: Source, field: string, message: string): never {
  throw new MurmurError(message, { ...(src.file === undefined ? {} : { file: src.file }), field });
}

/** A required string (non-empty) found at `path`. */
export function requireString(v: unknown, path: string, src: Source): string {
  if (v === undefined || v === null || v === '') fail(src, path, 'missing');
  if (typeof v !== 'string') fail(src, path, `expected a string, got ${typeof v}`);
  return v;
}

/** A required object found at `path`. */
export function requireObject(v: unknown, path: string, src: Source): Record<string, unknown> {
  if (v === undefined || v === null) fail(src, path, 'missing');
  if (typeof v !== 'object' || Array.isArray(v))
    fail(src, path, `expected an object, got ${JSON.stringify(v)}`);
  return v as Record<string, unknown>;
}

/** A number that the wire format omits when zero (protobuf JSON): missing → 0. */
export function optionalNumber(v: unknown, path: string, src: Source): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v))
    fail(src, path, `expected a number, got ${JSON.stringify(v)}`);
  return v;
}

/** A required positive integer (a zero would be omitted on the wire, so missing is an error). */
export function requirePositiveInt(v: unknown, path: string, src: Source): number {
  if (v === undefined || v === null) fail(src, path, 'missing');
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    fail(src, path, `expected a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

const EUI = /^[0-9a-fA-F]{16}$/;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/** Bytes of standard base64 text (padding optional), or undefined when it is not base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */ && text.length - end < 2) end--;
  if (end % 4 === 1 || (text.length !== end && text.length % 4 !== 0)) return undefined;
  const out = new Uint8Array((end * 3) >> 2);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? B64_VALUE[c]! : -1;
    if (v < 0) return undefined;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** A DevEUI as 16 hex digits (any case) → lower case. */
export function devEuiOf(v: unknown, path: string, src: Source): string {
  const s = requireString(v, path, src);
  if (!EUI.test(s)) fail(src, path, `'${s}' is not an EUI-64 (16 hex digits)`);
  return s.toLowerCase();
}

/** A base64 payload that is omitted when empty. */
export function base64Bytes(v: unknown, path: string, src: Source): Uint8Array {
  if (v === undefined || v === null || v === '') return new Uint8Array(0);
  const bytes = typeof v === 'string' ? fromBase64(v) : undefined;
  if (bytes === undefined) fail(src, path, 'expected base64');
  return bytes;
}

/** Parses JSON text, naming the file and line of a syntax error. */
export function parseJson(text: string, src: Source): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const pos = /position (\d+)/.exec(String(err))?.[1];
    const line = pos === undefined ? undefined : text.slice(0, Number(pos)).split('\n').length;
    throw new MurmurError(`not valid JSON (${err instanceof Error ? err.message : String(err)})`, {
      ...(src.file === undefined ? {} : { file: src.file }),
      ...(line === undefined ? {} : { line }),
    });
  }
}

/** The best (strongest) reception: highest RSSI, ties broken by SNR; undefined without gateways. */
export function best(gateways: GatewayReception[]): GatewayReception | undefined {
  let top: GatewayReception | undefined;
  for (const g of gateways) {
    const rssi = g.rssi ?? -Infinity;
    const topRssi = top?.rssi ?? -Infinity;
    if (!top || rssi > topRssi || (rssi === topRssi && (g.snr ?? -Infinity) > (top.snr ?? -Infinity)))
      top = g;
  }
  return top;
}

/** An Uplink record with every key present (absent optional values are undefined, which JSON leaves out). */
export function makeUplink(
  head: Pick<Uplink, 'devEui' | 'fCnt' | 'fPort' | 'receivedAt'> & { spreadingFactor?: number },
  gateways: GatewayReception[],
  payload: Pick<Uplink, 'bytes' | 'data' | 'warnings' | 'errors'>,
): Uplink {
  const top = best(gateways);
  return {
    devEui: head.devEui,
    fCnt: head.fCnt,
    fPort: head.fPort,
    receivedAt: head.receivedAt,
    rssi: top?.rssi,
    snr: top?.snr,
    spreadingFactor: head.spreadingFactor,
    gateways,
    bytes: payload.bytes,
    data: payload.data,
    warnings: payload.warnings,
    errors: payload.errors,
  };
}

/** Decodes the application payload with a schema (if any) into the Uplink's data/warnings/errors. */
export function decodeWith(
  schema: PayloadSchema | undefined,
  bytes: Uint8Array,
  fPort: number,
): Pick<Uplink, 'bytes' | 'data' | 'warnings' | 'errors'> {
  const hex = toHex(bytes);
  if (!schema) return { bytes: hex, warnings: [], errors: [] };
  return withResult(hex, decode(schema, bytes, fPort));
}

function withResult(hex: string, r: DecodeResult): Pick<Uplink, 'bytes' | 'data' | 'warnings' | 'errors'> {
  return {
    bytes: hex,
    ...(r.data === undefined ? {} : { data: r.data }),
    warnings: r.warnings,
    errors: r.errors,
  };
}

/** Decodes a CBOR body (SenML pack or compact array, told apart by the first item) with a schema. */
export function decodeCborWith(
  schema: PayloadSchema | undefined,
  body: Uint8Array,
): Pick<Uplink, 'bytes' | 'data' | 'warnings' | 'errors'> {
  const hex = toHex(body);
  if (!schema) return { bytes: hex, warnings: [], errors: [] };
  return withResult(hex, firstItemIsMap(body) ? decodeSenml(schema, body) : decodeCborCompact(schema, body));
}

/** True when `body` is a CBOR array (major type 4) whose first item is a map (major type 5): a SenML pack. */
function firstItemIsMap(body: Uint8Array): boolean {
  if (body.length < 2 || body[0]! >> 5 !== 4) return false;
  const info = body[0]! & 0x1f;
  const first = info < 24 ? 1 : info <= 27 ? 1 + 2 ** (info - 24) : body.length;
  return first < body.length && body[first]! >> 5 === 5;
}
