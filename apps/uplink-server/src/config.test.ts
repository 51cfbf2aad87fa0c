import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MurmurError } from '@murmur/core';
import { resolveConfig } from './config';
import { Sealer } from './downlinks/seal';
import { tempDir } from './testing';

const tmp = tempDir();
afterAll(() => tmp.remove());

function file(name: string, json: unknown): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
}

function error(fn: () => unknown): MurmurError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MurmurError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('config', () => {
  it('defaults: port 8080 on every address, PGlite in ./data, loopback-only access, 64 KiB bodies', () => {
    const c = resolveConfig({ env: {}, cwd: '/srv' });
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      store: { kind: 'pglite', dir: '/srv/data' },
      bodyLimit: 65536,
      secrets: {},
      devices: [],
      queue: { maxDepth: 10000, maxBatch: 500, delayMs: 5, retryAfterSeconds: 1 },
    });
  });

  it('reads the file: paths relative to it, secrets from it or the environment, devices, queue', () => {
    const path = file('server.json', {
      port: 9000,
      db: 'state',
      integrations: {
        tts: { secret: 'tts-secret-of-16+chars' },
        chirpstack: { secretEnv: 'CS_SECRET', header: 'X-Murmur-Secret' },
      },
      queue: { maxDepth: 50 },
      devices: [{ devEui: '70B3D57ED0000001', app: 'ppg-triage', deviceId: 'bed-3' }],
    });
    const c = resolveConfig({
      file: path,
      env: { CS_SECRET: 'chirpstack-secret-123', MURMUR_API_SECRET: 'api-secret-0123456' },
    });
    expect(c.port).toBe(9000);
    expect(c.store).toEqual({ kind: 'pglite', dir: join(tmp.dir, 'state') });
    expect(c.secrets.tts?.text).toBe('tts-secret-of-16+chars');
    expect(c.secrets.chirpstack).toMatchObject({ text: 'chirpstack-secret-123', header: 'x-murmur-secret' });
    expect(c.secrets.api?.text).toBe('api-secret-0123456');
    expect(c.queue.maxDepth).toBe(50);
    expect(c.devices).toEqual([{ devEui: '70b3d57ed0000001', app: 'ppg-triage', deviceId: 'bed-3' }]);
    // The command line wins over the file.
    const o = resolveConfig({
      file: path,
      env: { CS_SECRET: 'chirpstack-secret-123' },
      overrides: { port: 1, postgres: 'postgres://u@h/db' },
    });
    expect(o.port).toBe(1);
    expect(o.store).toEqual({ kind: 'postgres', url: 'postgres://u@h/db' });
  });

  it('names the file and field of a mistake', () => {
    const cases: [unknown, string][] = [
      [{ prot: 1 }, '(root)'],
      [{ port: 70000 }, 'port'],
      [{ devices: [{ devEui: 'xyz', app: 'a' }] }, 'devices[0].devEui'],
      [{ integrations: { tts: { secret: 'short' } } }, 'integrations.tts.secret'],
      [{ integrations: { tts: { secretEnv: 'UNSET_VARIABLE' } } }, 'integrations.tts.secretEnv'],
      [{ queue: { maxBatch: 0 } }, 'queue.maxBatch'],
      [{ db: 'a', postgres: 'postgres://x/y' }, 'postgres'],
      [{ storeKey: { key: 'too-short' } }, 'storeKey.key'],
      [{ storeKey: { keyEnv: 'UNSET_VARIABLE' } }, 'storeKey.keyEnv'],
      [{ queue: { maxInFlight: 0 } }, 'queue.maxInFlight'],
    ];
    for (const [json, field] of cases) {
      const path = file('bad.json', json);
      const err = error(() => resolveConfig({ file: path, env: {} }));
      expect(err.location, JSON.stringify(json)).toMatchObject({ file: path, field });
    }
    expect(error(() => resolveConfig({ file: file('broken.json', '{'), env: {} })).message).toContain(
      'not valid JSON',
    );
    expect(error(() => resolveConfig({ file: join(tmp.dir, 'missing.json'), env: {} })).message).toContain(
      'cannot read',
    );
  });

  it('reads the store key (hex or base64, file or environment) and seals with it, bound to the row', () => {
    const hex = 'a1'.repeat(32);
    expect(resolveConfig({ env: {} }).storeKey).toBeUndefined();
    expect(resolveConfig({ env: { MURMUR_STORE_KEY: hex } }).storeKey).toEqual(Buffer.from(hex, 'hex'));
    const b64 = Buffer.alloc(32, 9).toString('base64');
    const path = file('key.json', { storeKey: { keyEnv: 'MY_KEY' } });
    expect(resolveConfig({ file: path, env: { MY_KEY: b64 } }).storeKey).toEqual(Buffer.alloc(32, 9));
    const sealer = new Sealer(Buffer.from(hex, 'hex'));
    const sealed = sealer.seal('NNSXS.SECRET', 'row 1');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('NNSXS');
    expect(sealer.seal('NNSXS.SECRET', 'row 1')).not.toBe(sealed); // a fresh IV each time
    expect(sealer.open(sealed, 'row 1')).toBe('NNSXS.SECRET');
    expect(sealer.open(sealed, 'row 2')).toBeUndefined();
    expect(new Sealer(Buffer.alloc(32)).open(sealed, 'row 1')).toBeUndefined();
    expect(sealer.open(`${sealed.slice(0, -2)}AA`, 'row 1')).toBeUndefined();
    expect(sealer.open('NNSXS.PLAIN', 'row 1')).toBeUndefined();
  });
});
