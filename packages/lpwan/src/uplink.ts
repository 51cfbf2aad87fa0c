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

/** Reading context for messages: the file of a JSON document and the path of the object being read. */
export interface Source {
  file?: string;
  /** Path of the object being read inside the document, e.g. `rx_metadata[2]`. */
  prefix?: string;
}

/** A value at `path` of a JSON object, or undefined; `path` is dot-separated. */
export function at(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const key of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function fail(src: Source, field: string, message: string): never {
  const path = src.prefix === undefined ? field : `${src.prefix}.${field}`;
  throw new MurmurError(message, { ...(src.file === undefined ? {} : { file: src.file }), field: path });
}

/** A required string (non-empty). */
export function requireString(obj: unknown, path: string, src: Source): string {
  const v = at(obj, path);
  if (v === undefined || v === null || v === '') fail(src, path, 'missing');
  if (typeof v !== 'string') fail(src, path, `expected a string, got ${typeof v}`);
  return v;
}

/** A number that the wire format omits when zero (protobuf JSON): missing → 0. */
export function optionalNumber(obj: unknown, path: string, src: Source, zero = 0): number {
  const v = at(obj, path);
  if (v === undefined || v === null) return zero;
  if (typeof v !== 'number' || !Number.isFinite(v))
    fail(src, path, `expected a number, got ${JSON.stringify(v)}`);
  return v;
}

/** A required positive integer (a zero would be omitted on the wire, so missing is an error). */
export function requirePositiveInt(obj: unknown, path: string, src: Source): number {
  const v = at(obj, path);
  if (v === undefined || v === null) fail(src, path, 'missing');
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    fail(src, path, `expected a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

/** A DevEUI as 16 hex digits (any case) → lower case. */
export function devEuiOf(obj: unknown, path: string, src: Source): string {
  const v = requireString(obj, path, src);
  if (!/^[0-9a-fA-F]{16}$/.test(v)) fail(src, path, `'${v}' is not an EUI-64 (16 hex digits)`);
  return v.toLowerCase();
}

/** A base64 payload that is omitted when empty. */
export function base64Bytes(obj: unknown, path: string, src: Source): Uint8Array {
  const v = at(obj, path);
  if (v === undefined || v === null || v === '') return new Uint8Array(0);
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) fail(src, path, 'expected base64');
  return new Uint8Array(Buffer.from(v, 'base64'));
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

/** The best (strongest) reception: highest RSSI, ties broken by SNR. */
export function best(gateways: GatewayReception[]): { rssi?: number; snr?: number } {
  let top: GatewayReception | undefined;
  for (const g of gateways) {
    if (
      !top ||
      (g.rssi ?? -Infinity) > (top.rssi ?? -Infinity) ||
      (g.rssi === top.rssi && (g.snr ?? -Infinity) > (top.snr ?? -Infinity))
    )
      top = g;
  }
  return top
    ? {
        ...(top.rssi === undefined ? {} : { rssi: top.rssi }),
        ...(top.snr === undefined ? {} : { snr: top.snr }),
      }
    : {};
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
