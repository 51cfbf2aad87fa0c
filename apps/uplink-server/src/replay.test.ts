import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '@murmur/core';
import { decode, fromHex } from '@murmur/payload';
import { wearableActivity, wearableActivityExamples } from '@murmur/payload/fixtures';
import { replay, replayDevice, replayMessages, replaySource } from './replay';
import { serve } from './serve';
import { startServer } from './server';
import { rows, startTestServer, tempDir, tempPgliteStore, testCatalog, testConfig, until } from './testing';
import { readTtsUplink } from './networks/tts';

const RECORDED = ['46842664a320', '4642666c9b20'];

let db: Awaited<ReturnType<typeof tempPgliteStore>>;
const dist = tempDir('murmur-dist-');
/** A build folder dist/apps/wearable-activity/<board>, with the verification's uplinks when given. */
function build(board: string, uplinkHex?: string[]): string {
  const dir = join(dist.dir, 'apps', 'wearable-activity', board);
  mkdirSync(dir, { recursive: true });
  if (uplinkHex)
    writeFileSync(join(dir, 'verify.json'), JSON.stringify({ board, uplinks: uplinkHex.length, uplinkHex }));
  return dir;
}

beforeAll(async () => {
  db = await tempPgliteStore();
});
afterAll(async () => {
  await db.close();
  dist.remove();
});
beforeEach(() => db.reset());

describe('replay source', () => {
  it("reads the uplinks the verification recorded, else the app's payload examples", async () => {
    const recorded = await replaySource(build('native', RECORDED));
    expect(recorded).toMatchObject({
      app: 'wearable-activity',
      board: 'native',
      from: 'verify',
      fPort: wearableActivity.fPort,
    });
    expect(recorded.uplinks.map((u) => u.hex)).toEqual(RECORDED);
    const examples = await replaySource(build('bare'));
    expect(examples.from).toBe('examples');
    expect(examples.uplinks.map((u) => u.description)).toEqual(
      wearableActivityExamples.map((e) => e.description),
    );
    // A verify.json whose uplinks are not usable falls back to the examples too.
    expect((await replaySource(build('odd', ['zz']))).from).toBe('examples');
  });

  it('refuses a folder that is not a build of an app, and says how to make a missing one', async () => {
    await expect(replaySource(join(dist.dir, 'apps', 'no-such-app', 'native'))).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(replaySource(join(dist.dir, 'apps', 'wearable-activity', 'rak4631'))).rejects.toThrow(
      'npx murmur build --app wearable-activity --board rak4631',
    );
  });

  it('wraps each uplink as a TTS message that the server reads back as it was recorded', async () => {
    const src = await replaySource(build('native', RECORDED));
    const messages = replayMessages(src, Date.UTC(2026, 4, 1, 12));
    const device = replayDevice(src);
    messages.forEach((m, i) => {
      const { received, key } = readTtsUplink(Buffer.from(JSON.stringify(m)));
      expect(received.uplink).toMatchObject({
        devEui: device.devEui,
        fCnt: i,
        fPort: 12,
        bytes: RECORDED[i],
      });
      expect(key).toBe(`${device.devEui}:${device.sessionKeyId}:${i}`);
      expect(received.airtimeMs).toBeGreaterThan(40);
    });
    expect((messages[1] as any).received_at).toBe('2026-05-01T12:00:00.000Z');
    expect((messages[0] as any).received_at).toBe('2026-05-01T11:45:00.000Z');
  });
});

describe('replay to a server', () => {
  it('stores the recorded uplinks decoded, once: a second replay is all duplicates', async () => {
    const t = await startTestServer(db.store, testConfig(db.dir));
    const src = await replaySource(build('native', RECORDED));
    const first = await replay(src, { url: t.url });
    expect(first.map((r) => [r.status, r.body.status])).toEqual([
      [200, 'stored'],
      [200, 'stored'],
    ]);
    first.forEach((r, i) =>
      expect(r.body.data).toEqual(
        decode(wearableActivity, fromHex(RECORDED[i]!), wearableActivity.fPort).data,
      ),
    );
    const second = await replay(src, { url: t.url });
    expect(second.map((r) => r.body.status)).toEqual(['duplicate', 'duplicate']);
    const stored = await rows(
      db.store,
      "SELECT app, encode(payload, 'hex') AS hex FROM uplinks ORDER BY f_cnt",
    );
    expect(stored).toEqual(RECORDED.map((hex) => ({ app: 'wearable-activity', hex })));
    await t.server.close();
  });

  it('sends the secret the config gives', async () => {
    const secret = 'replay-secret-0123456789';
    const server = await startTestServer(db.store, testConfig(db.dir, { secrets: { tts: secret } }));
    const src = await replaySource(build('native', RECORDED));
    expect((await replay(src, { url: server.url }))[0]!.status).toBe(401);
    expect((await replay(src, { url: server.url, secret }))[0]!.body.status).toBe('stored');
    await server.server.close();
  });
});

describe('murmur serve --replay', () => {
  it('posts to the server at --url and returns', async () => {
    const t = await startTestServer(db.store, testConfig(db.dir));
    const lines: string[] = [];
    await serve({ replay: build('native', RECORDED), url: t.url, db: db.dir }, { say: (l) => lines.push(l) });
    expect(lines[0]).toMatch(
      /^replay: 2 uplinks recorded by the verification of wearable-activity on native/,
    );
    expect(lines.at(-1)).toBe('replay: 2 stored, 0 duplicates (already stored), 0 refused');
    await t.server.close();
  });

  it('starts the server in this process when none answers, replays, and serves until SIGTERM', async () => {
    const lines: string[] = [];
    const catalog = await testCatalog();
    const served = serve(
      { replay: build('native', RECORDED), port: 0, db: db.dir, logLevel: false },
      { say: (l) => lines.push(l) },
      (o) => startServer({ ...o, store: db.store, catalog, logger: false }),
    );
    await until(() => lines.some((l) => l.startsWith('serving until')));
    expect(lines[0]).toBe('no server answers at http://127.0.0.1:0: starting one in this process');
    expect(lines).toContain('replay: 2 stored, 0 duplicates (already stored), 0 refused');
    process.emit('SIGTERM');
    await served;
    expect(await rows(db.store, 'SELECT count(*)::int AS n FROM uplinks')).toEqual([{ n: 2 }]);
  });
});
