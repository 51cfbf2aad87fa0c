import { describe, expect, it } from 'vitest';
import { checkAccess, isLoopback, presented, secretOf } from './auth';

describe('access policy', () => {
  it('without a secret, lets loopback clients in and refuses the others with 403', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])
      expect(checkAccess('tts', undefined, undefined, a)).toEqual({ ok: true });
    for (const a of ['10.0.0.1', '192.168.1.5', '::ffff:10.0.0.1', '2001:db8::1', '128.0.0.1', undefined]) {
      const access = checkAccess('tts', undefined, undefined, a);
      expect(access).toMatchObject({ ok: false, status: 403 });
      expect(!access.ok && access.message).toContain('only loopback clients');
    }
  });

  it('with a secret, wants it from every client, loopback included (401 otherwise)', () => {
    const secret = secretOf('s3cret-s3cret-s3cret');
    expect(checkAccess('tts', secret, 'Bearer s3cret-s3cret-s3cret', '10.0.0.1')).toEqual({ ok: true });
    expect(checkAccess('tts', secret, 'bearer   s3cret-s3cret-s3cret', '10.0.0.1')).toEqual({ ok: true });
    for (const given of [
      undefined,
      '',
      'Bearer wrong',
      's3cret-s3cret-s3cret',
      'Bearer s3cret-s3cret-s3cre',
      ['Bearer x'],
    ])
      expect(checkAccess('tts', secret, given, '127.0.0.1')).toMatchObject({ ok: false, status: 401 });
  });

  it('reads a secret from the header the config names, as it is', () => {
    const secret = secretOf('0123456789abcdef', 'X-Murmur-Secret');
    expect(secret.header).toBe('x-murmur-secret');
    expect(checkAccess('chirpstack', secret, '0123456789abcdef', '10.0.0.1')).toEqual({ ok: true });
    expect(checkAccess('chirpstack', secret, 'Bearer 0123456789abcdef', '10.0.0.1')).toMatchObject({
      status: 401,
    });
    expect(presented('authorization', 'Basic abc')).toBeUndefined();
  });

  it('knows loopback addresses', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('localhost')).toBe(false);
    expect(isLoopback('127.0.0.1.evil')).toBe(false);
  });
});
