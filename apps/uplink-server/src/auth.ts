/**
 * Who may call the server. Each integration (TTS, ChirpStack) and the read API has its own secret, sent in a
 * header (`Authorization: Bearer <secret>` unless the config names another header). Secrets are compared
 * as SHA-256 digests with `timingSafeEqual`, so neither their content nor their length shows in the time
 * an answer takes. Where no secret is configured, only loopback clients are let in.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** A configured secret, kept as its digest, and where it is sent. */
export interface Secret {
  /** The secret itself (for a client of this server, such as the replay, to send). */
  text: string;
  digest: Buffer;
  /** Lower-case header name. */
  header: string;
}

export function digestOf(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** A secret from its text and header (default `authorization`, where a `Bearer ` prefix is expected). */
export function secretOf(text: string, header = 'authorization'): Secret {
  return { text, digest: digestOf(text), header: header.toLowerCase() };
}

/** True for the loopback addresses: 127.0.0.0/8, ::1 and 127.x written as IPv4-mapped IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const a = address.toLowerCase();
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** The secret a request presents in `header`: the value, less a `Bearer ` prefix in `authorization`. */
export function presented(header: string, value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  if (header !== 'authorization') return v;
  const m = /^Bearer\s+(.+)$/i.exec(v);
  return m ? m[1]!.trim() : undefined;
}

export type Access = { ok: true } | { ok: false; status: 401 | 403; message: string };

/**
 * The access policy: with a secret, the request must present it (401 otherwise); without one, the client
 * must be on loopback (403 otherwise). `what` names the integration or API in the message.
 */
export function checkAccess(
  what: string,
  secret: Secret | undefined,
  headerValue: string | string[] | undefined,
  remoteAddress: string | undefined,
): Access {
  if (secret === undefined) {
    return isLoopback(remoteAddress)
      ? { ok: true }
      : {
          ok: false,
          status: 403,
          message: `no secret is configured for ${what}: only loopback clients are accepted`,
        };
  }
  const given = presented(secret.header, headerValue);
  if (given !== undefined && timingSafeEqual(digestOf(given), secret.digest)) return { ok: true };
  return {
    ok: false,
    status: 401,
    message: `${what} needs its secret in the ${secret.header === 'authorization' ? "'Authorization: Bearer <secret>'" : `'${secret.header}'`} header`,
  };
}
