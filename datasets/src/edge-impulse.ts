import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { decode as cborDecode, encode as cborEncode } from 'cbor-x';
import { z } from 'zod';
import { fieldPath, MurmurError } from '@murmur/core';
import { float32Number } from './float-text';
import type { Recording } from './recording';

/**
 * The Edge Impulse data acquisition format (https://docs.edgeimpulse.com/reference/data-ingestion/data-acquisition-format)
 * as JSON or CBOR: `{ protected: { ver, alg, iat }, signature, payload: { device_name, device_type,
 * interval_ms, sensors: [{ name, units }], values: [[...], ...] } }`.
 *
 * Signing works the way Edge Impulse's SDKs do it: the message is encoded with `signature` set to 64
 * zeros, HMAC-SHA256 (hex) is computed over exactly those bytes, and the zeros are replaced by the
 * signature in place. Verification puts the zeros back and recomputes.
 */

export type EiFormat = 'json' | 'cbor';

/** The 64 zeros that stand in for the signature while it is computed. */
export const EI_EMPTY_SIGNATURE = '0'.repeat(64);

const messageSchema = z.object({
  protected: z.object({
    ver: z.literal('v1'),
    alg: z.enum(['HS256', 'none']),
    iat: z.number().optional(),
  }),
  signature: z.string(),
  payload: z.object({
    device_name: z.string().optional(),
    device_type: z.string(),
    interval_ms: z.number().positive(),
    sensors: z.array(z.object({ name: z.string().min(1), units: z.string() })).min(1),
    values: z.array(z.unknown()),
  }),
});

export type EiMessage = z.infer<typeof messageSchema> & { payload: { values: (number | number[])[] } };

export interface EiEncodeOptions {
  /** Default 'json'. */
  format?: EiFormat;
  /** Sign with HMAC-SHA256 (alg HS256) using this key; without it the message is unsigned (alg none). */
  hmacKey?: string;
  /** Issued-at time, seconds since 1970 (default: now). */
  iat?: number;
  /** Default: the recording's subject. */
  deviceName?: string;
  /** Default: `meta.device_type`, else 'murmur'. */
  deviceType?: string;
}

export interface EiDecodeOptions {
  /** File name for error messages. */
  file?: string;
  /** Verify the HMAC-SHA256 signature with this key; a bad or missing signature is then an error. */
  hmacKey?: string;
  id?: string;
  subject?: string;
  label?: string;
}

const hmacHex = (key: string, bytes: Uint8Array): string =>
  createHmac('sha256', key).update(bytes).digest('hex');

function encodeMessage(message: EiMessage, format: EiFormat): Buffer {
  return format === 'cbor' ? Buffer.from(cborEncode(message)) : Buffer.from(JSON.stringify(message));
}

/** Byte offset of the 64 signature characters inside an encoded message. */
function signatureOffset(bytes: Buffer, format: EiFormat, file?: string): number {
  if (format === 'cbor') {
    // Text string key "signature" (0x69) followed by a 64-byte text string header (0x78 0x40).
    const key = Buffer.concat([Buffer.from([0x69]), Buffer.from('signature'), Buffer.from([0x78, 0x40])]);
    const at = bytes.indexOf(key);
    if (at >= 0 && at + key.length + 64 <= bytes.length) return at + key.length;
  } else {
    const key = Buffer.from('"signature"');
    let at = bytes.indexOf(key);
    if (at >= 0) {
      at += key.length;
      const ws = (c: number | undefined): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
      while (ws(bytes[at])) at++;
      if (bytes[at] === 0x3a) at++;
      while (ws(bytes[at])) at++;
      if (bytes[at] === 0x22 && bytes[at + 65] === 0x22) return at + 1;
    }
  }
  throw new MurmurError('expected a signature of 64 hex digits', { file, field: 'signature' });
}

/** The HMAC-SHA256 signature of an encoded message: computed with the signature field set to 64 zeros. */
export function eiSignature(bytes: Uint8Array, hmacKey: string, format: EiFormat, file?: string): string {
  const copy = Buffer.from(bytes);
  copy.write(EI_EMPTY_SIGNATURE, signatureOffset(copy, format, file), 'latin1');
  return hmacHex(hmacKey, copy);
}

/** Converts a Recording into an encoded Edge Impulse message (signed when `hmacKey` is given). */
export function toEdgeImpulse(rec: Recording, opts: EiEncodeOptions = {}): Buffer {
  const format = opts.format ?? 'json';
  const n = rec.channels[0]?.length ?? 0;
  const values: number[][] = new Array(n);
  for (let i = 0; i < n; i++) values[i] = rec.channels.map((c) => float32Number(c[i]!));
  const deviceType =
    opts.deviceType ?? (typeof rec.meta['device_type'] === 'string' ? rec.meta['device_type'] : 'murmur');
  const message: EiMessage = {
    protected: {
      ver: 'v1',
      alg: opts.hmacKey ? 'HS256' : 'none',
      iat: opts.iat ?? Math.floor(Date.now() / 1000),
    },
    signature: EI_EMPTY_SIGNATURE,
    payload: {
      device_name: opts.deviceName ?? rec.subject,
      device_type: deviceType,
      interval_ms: 1000 / rec.rateHz,
      sensors: rec.channelNames.map((name, c) => ({ name, units: rec.units[c] ?? '' })),
      values,
    },
  };
  const bytes = encodeMessage(message, format);
  if (opts.hmacKey) bytes.write(hmacHex(opts.hmacKey, bytes), signatureOffset(bytes, format), 'latin1');
  return bytes;
}

/** JSON when the first non-blank byte is `{`, CBOR otherwise. */
export function detectEiFormat(bytes: Uint8Array): EiFormat {
  for (const c of bytes) {
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xef || c === 0xbb || c === 0xbf)
      continue;
    return c === 0x7b ? 'json' : 'cbor';
  }
  return 'json';
}

/** Rate from the interval, snapped to a round number when it is one to 1 ppm (60 Hz from 16.6667 ms). */
function rateFromInterval(intervalMs: number): number {
  const rate = 1000 / intervalMs;
  const rounded = Math.round(rate * 1000) / 1000;
  return Math.abs(rate - rounded) <= rate * 1e-6 ? rounded : rate;
}

function checkValues(values: unknown[], nSensors: number, file?: string): Float32Array[] {
  const channels = Array.from({ length: nSensors }, () => new Float32Array(values.length));
  for (let i = 0; i < values.length; i++) {
    const row = values[i];
    const cells = Array.isArray(row) ? row : [row];
    if (cells.length !== nSensors) {
      throw new MurmurError(`expected ${nSensors} values (one per sensor), found ${cells.length}`, {
        file,
        field: `payload.values[${i}]`,
      });
    }
    for (let c = 0; c < nSensors; c++) {
      const v = cells[c];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new MurmurError(`expected a finite number, got ${JSON.stringify(v)}`, {
          file,
          field: Array.isArray(row) ? `payload.values[${i}][${c}]` : `payload.values[${i}]`,
        });
      }
      channels[c]![i] = v;
    }
  }
  return channels;
}

/** Parses an Edge Impulse message (JSON or CBOR), verifies its signature when a key is given, and returns a Recording. */
export function fromEdgeImpulse(bytes: Uint8Array, opts: EiDecodeOptions = {}): Recording {
  const { file } = opts;
  const format = detectEiFormat(bytes);
  let raw: unknown;
  try {
    raw = format === 'json' ? JSON.parse(Buffer.from(bytes).toString('utf8')) : cborDecode(bytes);
  } catch (err) {
    throw new MurmurError(
      `not a valid Edge Impulse ${format.toUpperCase()} message (${(err as Error).message})`,
      {
        file,
      },
    );
  }
  const parsed = messageSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MurmurError(issue.message, { file, field: fieldPath(issue.path) || '(root)' });
  }
  const msg = parsed.data;
  let verified = false;
  if (opts.hmacKey) {
    if (msg.protected.alg !== 'HS256') {
      throw new MurmurError(`message is not signed (alg '${msg.protected.alg}') but a HMAC key was given`, {
        file,
        field: 'protected.alg',
      });
    }
    const expected = eiSignature(bytes, opts.hmacKey, format, file);
    const carried = msg.signature.toLowerCase();
    if (carried.length !== 64 || !timingSafeEqual(Buffer.from(expected), Buffer.from(carried))) {
      throw new MurmurError(
        `bad signature: the message carries ${msg.signature}, the HMAC key gives ${expected}`,
        {
          file,
          field: 'signature',
        },
      );
    }
    verified = true;
  }
  const { payload } = msg;
  const channels = checkValues(payload.values, payload.sensors.length, file);
  const id = opts.id ?? payload.device_name ?? 'edge-impulse';
  return {
    id,
    subject: opts.subject ?? payload.device_name ?? id,
    label: opts.label,
    rateHz: rateFromInterval(payload.interval_ms),
    channels,
    channelNames: payload.sensors.map((s) => s.name),
    units: payload.sensors.map((s) => s.units),
    meta: {
      source: 'edge-impulse',
      device_name: payload.device_name ?? null,
      device_type: payload.device_type,
      iat: msg.protected.iat ?? null,
      alg: msg.protected.alg,
      signatureVerified: verified,
    },
  };
}

/** Edge Impulse file names are `<label>.<anything>.<json|cbor>`: the label is the part before the first dot. */
function labelFromFileName(file: string): string | undefined {
  const parts = basename(file).split('.');
  return parts.length >= 3 ? parts[0] : undefined;
}

/** Reads an Edge Impulse `.json` / `.cbor` file (label from the file name unless given). */
export async function readEdgeImpulseFile(
  file: string,
  opts: Omit<EiDecodeOptions, 'file'> = {},
): Promise<Recording> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new MurmurError('cannot read file', { file }, { cause: err });
  }
  const stem = basename(file, extname(file));
  return fromEdgeImpulse(bytes, { id: stem, label: labelFromFileName(file), ...opts, file });
}

/** Writes a Recording as an Edge Impulse file; `.cbor` files are CBOR, anything else JSON. */
export async function writeEdgeImpulseFile(
  file: string,
  rec: Recording,
  opts: Omit<EiEncodeOptions, 'format'> = {},
): Promise<void> {
  await writeFile(
    file,
    toEdgeImpulse(rec, { ...opts, format: extname(file).toLowerCase() === '.cbor' ? 'cbor' : 'json' }),
  );
}
