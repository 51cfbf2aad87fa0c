/**
 * Reading a network's JSON message once: parsed here, then handed as an object to the @murmur/lpwan reader
 * (which validates and bounds every field it uses) and to the readers below for the metadata the server
 * keeps beside the Uplink record (network device id, frequency, airtime, the deduplication key). Metadata
 * that does not parse is left out with a warning; a deduplication key that does not parse is an error.
 */
import { MurmurError } from '@murmur/core';
import { DEFAULT_MAX_MESSAGE_BYTES } from '@murmur/lpwan';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The parsed JSON of `body`. When it is too large, not UTF-8 or not JSON, `read(body)` (the lpwan reader of
 * the network) is called on the raw bytes so that its MurmurError says why, exactly as for a message file.
 */
export function parseMessage(
  body: Uint8Array,
  read: (raw: Uint8Array) => unknown,
  maxBytes = DEFAULT_MAX_MESSAGE_BYTES,
): unknown {
  if (body.length <= maxBytes) {
    try {
      return JSON.parse(utf8.decode(body)) as unknown;
    } catch {
      // read(body) below names the line of the syntax error
    }
  }
  read(body);
  throw new MurmurError('not a valid message');
}

/** Property `key` of `obj` when it is a plain object. */
export function prop(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null && !Array.isArray(obj)
    ? (obj as Record<string, unknown>)[key]
    : undefined;
}

/** Property path `keys` of `obj`. */
export function at(obj: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>((o, k) => prop(o, k), obj);
}

const KEY_TEXT = /^[\x21-\x7e]{1,128}$/;

/** A deduplication key part: 1..128 printable ASCII characters, else MurmurError naming `field`. */
export function keyText(v: unknown, field: string): string {
  if (typeof v !== 'string' || !KEY_TEXT.test(v))
    throw new MurmurError(
      v === undefined || v === null || v === ''
        ? 'missing (the deduplication key needs it)'
        : 'expected 1..128 printable ASCII characters',
      { field },
    );
  return v;
}

/** Optional metadata text of 1..128 characters; anything else is left out with a warning. */
export function optionalText(v: unknown, field: string, warnings: string[]): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' && v.length >= 1 && v.length <= 128) return v;
  warnings.push(`${field}: ignored, expected a string of 1..128 characters`);
  return undefined;
}

/** An optional frequency in Hz (a number, or decimal digits as TTS writes it); else left out with a warning. */
export function optionalHz(v: unknown, field: string, warnings: string[]): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^\d{1,11}$/.test(v) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 1e11) return n;
  warnings.push(`${field}: ignored, expected a frequency in Hz`);
  return undefined;
}

/** An optional protobuf JSON duration (`"0.164864s"`) in milliseconds; else left out with a warning. */
export function optionalDurationMs(v: unknown, field: string, warnings: string[]): number | undefined {
  if (v === undefined || v === null) return undefined;
  const m = typeof v === 'string' ? /^(\d{1,6})(\.\d{1,9})?s$/.exec(v) : null;
  if (m) return Number(`${m[1]}${m[2] ?? ''}`) * 1000;
  warnings.push(`${field}: ignored, expected a duration such as "0.164864s"`);
  return undefined;
}
