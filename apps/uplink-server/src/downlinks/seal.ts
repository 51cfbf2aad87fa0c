/**
 * Sealing the credentials the server learns and keeps in the database (today the TTS downlink API keys of
 * webhooks, `X-Downlink-Apikey`): AES-256-GCM under the store key (32 bytes from the config file's
 * `storeKey` or `MURMUR_STORE_KEY`), a random 96-bit IV per value, and the row the value belongs to (device
 * and network) as additional data, so a sealed key copied to another row does not open. The text stored
 * is `v1.` and the base64url of IV, ciphertext and tag. Without a store key nothing is sealed: the caller
 * keeps such credentials in memory only.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { MurmurError } from '@murmur/core';

const PREFIX = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The environment variable read when the config file gives no store key. */
export const STORE_KEY_ENV = 'MURMUR_STORE_KEY';

/** A 32-byte key from 64 hex digits or the base64 (or base64url) of 32 bytes; MurmurError otherwise. */
export function parseStoreKey(text: string, where: { file?: string; field: string }): Buffer {
  const t = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(t)) key = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t))
    key = Buffer.from(t, t.includes('-') || t.includes('_') ? 'base64url' : 'base64');
  if (key?.length !== 32)
    throw new MurmurError(
      'a store key is 32 bytes: 64 hex digits or their base64 (e.g. `openssl rand -hex 32`)',
      { ...(where.file === undefined ? {} : { file: where.file }), field: where.field },
    );
  return key;
}

export class Sealer {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
  }

  /** `text` sealed and bound to `context` (the row it is stored in). */
  seal(text: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The text sealed under this key for `context`; undefined when it was not (another key, another row, altered). */
  open(sealed: string, context: string): string | undefined {
    if (!sealed.startsWith(PREFIX)) return undefined;
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const body = raw.subarray(IV_BYTES, raw.length - TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
