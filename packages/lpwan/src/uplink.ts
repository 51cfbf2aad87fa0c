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
  /** EUI-64 in lower-case hex (an NB-IoT device may be named by its 15-digit IMEI instead). */
  devEui: string;
  /** 32-bit frame counter. */
  fCnt: number;
  /** Application port 1..223 (an NB-IoT uplink has its schema's, or 0 without a schema). */
  fPort: number;
  /** RFC 3339 time of reception, as the source wrote it. */
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

/** A plausible interval of a measurement and its unit. */
export interface Range {
  min: number;
  max: number;
  unit: string;
}

/** LoRaWAN's largest application payload (FRMPayload at the fastest data rates): the default payload limit. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 242;
/** The default limit of a JSON message (64 KiB); a real uplink message has a few KiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 65_536;
/** The default limit of gateway receptions (`rx_metadata`, `rxInfo`) in one message. */
export const DEFAULT_MAX_GATEWAYS = 64;
/** The longest gateway id read (TTS ids have at most 36 characters, ChirpStack's are 16 hex digits). */
export const MAX_GATEWAY_ID_LENGTH = 128;
/** Plausible received signal strength, in dBm. */
export const RSSI_RANGE: Range = { min: -200, max: 30, unit: 'dBm' };
/** Plausible signal-to-noise ratio, in dB. */
export const SNR_RANGE: Range = { min: -50, max: 50, unit: 'dB' };
/** Largest 32-bit frame counter. */
export const MAX_FCNT = 0xffff_ffff;

/** The application payload limit of the LoRaWAN ingestions (TTS, ChirpStack, raw frames). */
export interface PayloadLimit {
  /** Largest application payload in bytes, refused before it is decoded (default 242). */
  maxPayloadBytes?: number;
}

/** Options of the JSON adapters (The Things Stack, ChirpStack): the file for messages and the size limits. */
export interface JsonIngestOptions extends Source, PayloadLimit {
  /** Largest JSON message (text or UTF-8 bytes) in bytes, refused before it is parsed (default 65,536). */
  maxMessageBytes?: number;
  /** Most gateway receptions in one message (default 64). */
  maxGateways?: number;
}

/** The size limits of a JSON adapter, defaults filled in. */
export interface JsonLimits {
  maxPayloadBytes: number;
  maxMessageBytes: number;
  maxGateways: number;
}

/** Property `key` of `obj` when it is an object, else undefined. */
export function get(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
}

/** The file of `src` as the location of an error (none when it has no file). */
function fileOf(src: Source): { file?: string } {
  return src.file === undefined ? {} : { file: src.file };
}

function fail(src: Source, field: string, message: string): never {
  throw new MurmurError(message, { ...fileOf(src), field });
}

/** A short description of a value for a message: a long string is cut, an object is not written out. */
export function describe(v: unknown): string {
  if (typeof v === 'string')
    return v.length > 40 ? `'${v.slice(0, 24)}…' (${v.length} characters)` : `'${v}'`;
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || typeof v !== 'object') return String(v);
  return Array.isArray(v) ? `an array of ${v.length}` : 'an object';
}

/** A size limit from the options: `fallback` when not given, else a non-negative integer. */
export function limitOf(v: unknown, fallback: number, option: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new MurmurError(`a size limit is a non-negative integer, got ${describe(v)}`, { field: option });
  return v;
}

/** The limits of a JSON adapter's options, each checked and defaulted. */
export function jsonLimits(opts: JsonIngestOptions): JsonLimits {
  return {
    maxPayloadBytes: limitOf(opts.maxPayloadBytes, DEFAULT_MAX_PAYLOAD_BYTES, 'maxPayloadBytes'),
    maxMessageBytes: limitOf(opts.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES, 'maxMessageBytes'),
    maxGateways: limitOf(opts.maxGateways, DEFAULT_MAX_GATEWAYS, 'maxGateways'),
  };
}

/** A required string (non-empty, at most `maxLength` characters) found at `path`. */
export function requireString(v: unknown, path: string, src: Source, maxLength: number): string {
  if (v === undefined || v === null || v === '') fail(src, path, 'missing');
  if (typeof v !== 'string') fail(src, path, `expected a string, got ${describe(v)}`);
  if (v.length > maxLength) fail(src, path, `expected at most ${maxLength} characters, got ${v.length}`);
  return v;
}

/** A required object found at `path`. */
export function requireObject(v: unknown, path: string, src: Source): Record<string, unknown> {
  if (v === undefined || v === null) fail(src, path, 'missing');
  if (typeof v !== 'object' || Array.isArray(v)) fail(src, path, `expected an object, got ${describe(v)}`);
  return v as Record<string, unknown>;
}

/** A 32-bit unsigned integer (a frame counter) found at `path`. */
export function requireUint32(v: unknown, path: string, src: Source): number {
  if (v === undefined) fail(src, path, 'missing');
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_FCNT)
    fail(src, path, `expected an integer 0..${MAX_FCNT}, got ${describe(v)}`);
  return v;
}

/** A 32-bit counter that the wire format omits when zero (protobuf JSON): missing → 0. */
export function optionalUint32(v: unknown, path: string, src: Source): number {
  return v === undefined || v === null ? 0 : requireUint32(v, path, src);
}

/** True for the ports of application data: 0 carries MAC commands, 224 the test protocol, 225..255 are RFU. */
export function isApplicationPort(fPort: number): boolean {
  return fPort >= 1 && fPort <= 223;
}

/** A required application FPort, 1..223 (port 0 would be omitted on the wire, so missing is an error). */
export function requireApplicationPort(v: unknown, path: string, src: Source): number {
  if (v === undefined || v === null) fail(src, path, 'missing');
  if (typeof v !== 'number' || !Number.isInteger(v) || !isApplicationPort(v))
    fail(src, path, `expected an application port 1..223, got ${describe(v)}`);
  return v;
}

/** A measurement that the wire format omits when zero (missing → 0), finite and within `range`. */
export function optionalMeasurement(v: unknown, path: string, src: Source, range: Range): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < range.min || v > range.max)
    fail(src, path, `expected ${range.min}..${range.max} ${range.unit}, got ${describe(v)}`);
  return v;
}

/** An optional LoRa spreading factor: an integer 5..12, undefined when absent (FSK, or not reported). */
export function optionalSpreadingFactor(v: unknown, path: string, src: Source): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 5 || v > 12)
    fail(src, path, `expected a spreading factor 5..12, got ${describe(v)}`);
  return v;
}

/** The gateway receptions array at `path` (missing → none), at most `maxGateways` long. */
export function gatewayList(v: unknown, path: string, src: Source, maxGateways: number): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(src, path, `expected an array, got ${describe(v)}`);
  if (v.length > maxGateways) fail(src, path, `${v.length} gateways exceed the limit of ${maxGateways}`);
  return v;
}

/** A gateway id: a non-empty string of at most 128 characters. */
export function gatewayIdOf(v: unknown, path: string, src: Source): string {
  return requireString(v, path, src, MAX_GATEWAY_ID_LENGTH);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
/** The longest timestamp read: nanosecond fractions and an offset take 35 characters. */
const MAX_TIMESTAMP_LENGTH = 64;

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/**
 * True for an RFC 3339 date-time naming a real instant: month 1..12, a day of that month, hour ≤ 23,
 * minute ≤ 59, second ≤ 60 (leap second), any fraction of a second, `Z` or an offset of at most 23:59.
 */
export function isRfc3339(s: string): boolean {
  const m = s.length <= MAX_TIMESTAMP_LENGTH ? RFC3339.exec(s) : null;
  if (m === null) return false;
  const n = (group: number): number => Number(m[group]);
  const [month, day] = [n(2), n(3)];
  const dateValid = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(n(1), month);
  const timeValid = n(4) <= 23 && n(5) <= 59 && n(6) <= 60;
  const offsetValid = m[7] === undefined || (n(7) <= 23 && n(8) <= 59);
  return dateValid && timeValid && offsetValid;
}

/** A required RFC 3339 timestamp found at `path`, returned as given. */
export function requireTimestamp(v: unknown, path: string, src: Source): string {
  const s = requireString(v, path, src, MAX_TIMESTAMP_LENGTH);
  if (!isRfc3339(s))
    fail(src, path, `${describe(s)} is not an RFC 3339 timestamp (2026-05-01T10:00:00.123Z)`);
  return s;
}

const EUI = /^[0-9a-fA-F]{16}$/;
const IMEI = /^\d{15}$/;
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
  const s = requireString(v, path, src, 16);
  if (!EUI.test(s)) fail(src, path, `${describe(s)} is not an EUI-64 (16 hex digits)`);
  return s.toLowerCase();
}

/** True when the last of 15 digits is the Luhn check digit of the other 14 (an IMEI's). */
function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    sum += i % 2 === 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
  }
  return sum % 10 === 0;
}

/** An NB-IoT device id: an EUI-64 (16 hex digits → lower case) or an IMEI (15 digits, valid check digit). */
export function deviceIdOf(v: unknown, path: string, src: Source): string {
  const s = requireString(v, path, src, 16);
  if (EUI.test(s)) return s.toLowerCase();
  if (!IMEI.test(s) || !luhnValid(s))
    fail(
      src,
      path,
      `${describe(s)} is neither an EUI-64 (16 hex digits) nor an IMEI (15 digits, Luhn check)`,
    );
  return s;
}

/** Characters of padded base64 text for `bytes` bytes. */
function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

/** A base64 payload that is omitted when empty, of at most `maxBytes` bytes (longer text is refused unread). */
export function base64Bytes(v: unknown, path: string, src: Source, maxBytes: number): Uint8Array {
  if (v === undefined || v === null || v === '') return new Uint8Array(0);
  if (typeof v !== 'string') fail(src, path, `expected base64, got ${describe(v)}`);
  if (v.length > base64Length(maxBytes))
    fail(src, path, `${v.length} characters of base64 exceed the payload limit of ${maxBytes} bytes`);
  const bytes = fromBase64(v);
  if (bytes === undefined) fail(src, path, 'expected base64');
  if (bytes.length > maxBytes)
    fail(src, path, `a payload of ${bytes.length} bytes exceeds the limit of ${maxBytes} bytes`);
  return bytes;
}

function messageTooLarge(size: string, maxBytes: number, src: Source): never {
  throw new MurmurError(
    `the message has ${size}, more than the limit of ${maxBytes} bytes (maxMessageBytes)`,
    fileOf(src),
  );
}

/**
 * A JSON message given as text, as UTF-8 bytes or already parsed. Text and bytes larger than `maxBytes` are
 * refused before they are decoded or parsed; a parsed value is returned as it is.
 */
export function readJsonMessage(message: unknown, maxBytes: number, src: Source): unknown {
  if (typeof message === 'string') {
    if (message.length > maxBytes) messageTooLarge(`${message.length} characters`, maxBytes, src);
    const size = Buffer.byteLength(message, 'utf8');
    if (size > maxBytes) messageTooLarge(`${size} bytes`, maxBytes, src);
    return parseJson(message, src);
  }
  if (message instanceof Uint8Array) {
    if (message.length > maxBytes) messageTooLarge(`${message.length} bytes`, maxBytes, src);
    return parseJson(utf8Text(message, src), src);
  }
  return message;
}

/** UTF-8 bytes as text; malformed UTF-8 is a MurmurError. */
function utf8Text(bytes: Uint8Array, src: Source): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MurmurError('not valid UTF-8', fileOf(src));
  }
}

/** Parses JSON text, naming the file and line of a syntax error. */
export function parseJson(text: string, src: Source): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const pos = /position (\d+)/.exec(String(err))?.[1];
    const line = pos === undefined ? undefined : text.slice(0, Number(pos)).split('\n').length;
    throw new MurmurError(`not valid JSON (${err instanceof Error ? err.message : String(err)})`, {
      ...fileOf(src),
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
