import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encode } from '@murmur/payload';
import { ppgTriage } from '@murmur/payload/fixtures';
import type { ConfigOverrides } from './config';
import {
  chirpstackUp,
  examplePayload,
  PORTS,
  rows,
  startTestServer,
  tempPgliteStore,
  testConfig,
  ttsMessage,
  type TestServer,
} from './testing';

let db: Awaited<ReturnType<typeof tempPgliteStore>>;
let t: TestServer;

beforeAll(async () => {
  db = await tempPgliteStore();
});
afterAll(() => db.close());

async function start(overrides: ConfigOverrides = {}, file?: string): Promise<TestServer> {
  await db.reset();
  t = await startTestServer(db.store, testConfig(db.dir, overrides, file));
  return t;
}
afterEach(() => t?.server.close());

const json = async (res: Response): Promise<any> => JSON.parse(await res.text());
const count = async (where = 'true'): Promise<number> =>
  Number((await rows(db.store, `SELECT count(*) AS n FROM uplinks WHERE ${where}`))[0]!.n);

/** Sends raw HTTP text on a socket and returns what comes back until the server closes the connection. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write(text);
  });
}

describe('ingestion over HTTP', () => {
  beforeEach(() => start());

  it('stores a TTS uplink decoded with the app its fPort names, with the network metadata', async () => {
    const res = await t.post('/v1/ingest/tts', ttsMessage());
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({
      status: 'stored',
      id: 1,
      devEui: '70b3d57ed0000001',
      app: 'ppg-triage',
      fPort: 14,
    });
    expect(body.data).toMatchObject({ breathing: 'normal', hr_bpm: 72, alert: false });
    const [row] = await rows(db.store, `SELECT *, encode(payload, 'hex') AS hex FROM uplinks`);
    expect(row).toMatchObject({
      network: 'tts',
      dedup_key: '70b3d57ed0000001:AXBSH1Pk6Z0G166/u/KXvA==:42',
      device_id: 'ppg-1',
      app: 'ppg-triage',
      f_cnt: 42,
      hex: Buffer.from(examplePayload.ppg(), 'base64').toString('hex'),
      schema_name: 'ppg_triage',
      schema_version: ppgTriage.version,
      errors: [],
      rssi: -88,
      spreading_factor: 9,
      frequency_hz: 868100000,
      airtime_ms: 164.864,
      alert: false,
    });
    expect(row!.gateways).toEqual([
      { id: 'gw-a', rssi: -97, snr: 4.5 },
      { id: 'gw-b', rssi: -88, snr: 0 },
    ]);
    expect((row!.received_at as Date).toISOString()).toBe('2026-05-01T10:00:00.123Z');
    const [device] = await rows(db.store, 'SELECT * FROM devices');
    expect(device).toMatchObject({
      dev_eui: '70b3d57ed0000001',
      app: 'ppg-triage',
      registered_by: 'fport',
      uplinks: 1,
    });
  });

  it('acknowledges a retried uplink as a duplicate and stores it once, also when the copies race', async () => {
    expect((await json(await t.post('/v1/ingest/tts', ttsMessage()))).status).toBe('stored');
    const again = await json(await t.post('/v1/ingest/tts', ttsMessage()));
    expect(again).toMatchObject({ status: 'duplicate', devEui: '70b3d57ed0000001' });
    expect(again.id).toBeUndefined();
    const racing = await Promise.all(
      Array.from({ length: 8 }, () => t.post('/v1/ingest/tts', ttsMessage({ fCnt: 43 })).then(json)),
    );
    expect(racing.filter((r) => r.status === 'stored')).toHaveLength(1);
    expect(racing.filter((r) => r.status === 'duplicate')).toHaveLength(7);
    // A new session (after a rejoin) restarts the frame counter: not a duplicate.
    expect(
      (await json(await t.post('/v1/ingest/tts', ttsMessage({ session: 'bmV3LXNlc3Npb24=' })))).status,
    ).toBe('stored');
    expect(await count()).toBe(3);
    expect(t.server.context.metrics.duplicates.get({ network: 'tts' })).toBe(8);
    expect((await rows(db.store, 'SELECT uplinks FROM devices'))[0]!.uplinks).toBe(3);
  });

  it('stores a ChirpStack up event once per deduplicationId and acknowledges the other events', async () => {
    const up = await t.post('/v1/ingest/chirpstack?event=up', chirpstackUp());
    expect(up.status).toBe(200);
    expect(await json(up)).toMatchObject({
      status: 'stored',
      app: 'predictive-maintenance',
      data: { state: 'outer_race' },
    });
    expect((await json(await t.post('/v1/ingest/chirpstack?event=up', chirpstackUp()))).status).toBe(
      'duplicate',
    );
    for (const event of ['join', 'status', 'log', 'txack', 'something-new']) {
      const res = await t.post(`/v1/ingest/chirpstack?event=${event}`, {
        deviceInfo: { devEui: '0004a30b001c0001' },
      });
      expect(res.status, event).toBe(204);
    }
    expect(await count()).toBe(1);
    const [row] = await rows(db.store, 'SELECT * FROM uplinks');
    expect(row).toMatchObject({
      network: 'chirpstack',
      dedup_key: '3b1b9f2a-6f0d-4c3e-9d0a-2d3c4b5a6e7f',
      device_id: 'pump-7',
      spreading_factor: 10,
      frequency_hz: 868300000,
      airtime_ms: null,
      alert: true,
      alert_reasons: ['alert', 'state:outer_race'],
    });
    expect(t.server.context.metrics.events.get({ event: 'join' })).toBe(1);
    expect(t.server.context.metrics.events.get({ event: 'other' })).toBe(1);
  });

  it('refuses bad input with 400 naming the field, and stores nothing', async () => {
    const tts = ttsMessage();
    delete tts.uplink_message.f_port;
    const cases: [string, unknown, string | undefined][] = [
      ['/v1/ingest/tts', tts, 'uplink_message.f_port'],
      ['/v1/ingest/tts', ttsMessage({ devEui: 'not-an-eui' }), 'end_device_ids.dev_eui'],
      ['/v1/ingest/tts', ttsMessage({ fPort: 0 }), 'uplink_message.f_port'],
      ['/v1/ingest/tts', ttsMessage({ payload: '!!!' }), 'uplink_message.frm_payload'],
      ['/v1/ingest/tts', ttsMessage({ session: 'a b' }), 'uplink_message.session_key_id'],
      ['/v1/ingest/tts', { ...ttsMessage(), received_at: '0001-01-01T00:00:00Z' }, 'received_at'],
      ['/v1/ingest/tts', '{"end_device_ids": {', undefined],
      ['/v1/ingest/tts', '', undefined],
      ['/v1/ingest/tts', [1, 2], 'end_device_ids.dev_eui'],
      [
        '/v1/ingest/chirpstack?event=up',
        { ...chirpstackUp(), deduplicationId: undefined },
        'deduplicationId',
      ],
      ['/v1/ingest/chirpstack?event=up', { ...chirpstackUp(), time: 'yesterday' }, 'time'],
      ['/v1/ingest/chirpstack?event=up', { ...chirpstackUp(), fCnt: -1 }, 'fCnt'],
      ['/v1/ingest/chirpstack', chirpstackUp(), 'event'],
      ['/v1/ingest/chirpstack?event=join', 'not json', undefined],
    ];
    for (const [path, body, field] of cases) {
      const res = await t.post(path, body);
      const answer = await json(res);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(answer.error).toBe('bad_request');
      expect(typeof answer.message).toBe('string');
      expect(answer.field, answer.message).toBe(field);
    }
    const bytes = await t.post('/v1/ingest/tts', new Uint8Array([0xff, 0xfe, 0x7b]));
    expect(await json(bytes)).toMatchObject({ error: 'bad_request', message: 'not valid UTF-8' });
    const protobuf = await t.post('/v1/ingest/chirpstack?event=up', new Uint8Array([8, 1]), {
      'content-type': 'application/octet-stream',
    });
    expect(protobuf.status).toBe(415);
    expect(await count()).toBe(0);
    expect(t.server.context.metrics.rejected.get({ network: 'tts', status: '400' })).toBe(10);
  });

  it('refuses a 200 MiB body from its Content-Length, before reading it', async () => {
    const headers = (extra = ''): string =>
      `POST /v1/ingest/tts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${200 << 20}\r\n${extra}\r\n`;
    for (const answer of [
      await rawRequest(t.server.port, headers()),
      await rawRequest(t.server.port, headers('Expect: 100-continue\r\n')),
    ]) {
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer).not.toContain('100 Continue');
      expect(answer).toContain('"error":"payload_too_large"');
      expect(answer).toContain(`${200 << 20} bytes`);
    }
    // A small body after Expect: 100-continue is let in and read.
    const small = await rawRequest(
      t.server.port,
      'POST /v1/ingest/tts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 7\r\n' +
        'Expect: 100-continue\r\nConnection: close\r\n\r\n{"a":1}',
    );
    expect(small).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 400 /);
    expect(small).toContain('"field":"end_device_ids.dev_eui"');
    // A chunked body (no Content-Length) is cut at the limit.
    const res = await fetch(`${t.url}/v1/ingest/tts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 10; i++) c.enqueue(new Uint8Array(10_000).fill(32));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await count()).toBe(0);
  });

  it('stores text a device or gateway sends that PostgreSQL would refuse, cleaned', async () => {
    const m = ttsMessage({ deviceId: 'dev\u0000ice' });
    m.uplink_message.rx_metadata[0].gateway_ids.gateway_id = 'gw\ud800';
    expect((await t.post('/v1/ingest/tts', m)).status).toBe(200);
    const [row] = await rows(db.store, 'SELECT device_id, gateways FROM uplinks');
    expect(row!.device_id).toBe('dev\ufffdice');
    expect((row!.gateways as { id: string }[])[0]!.id).toBe('gw\ufffd');
  });
});

describe('device registry and decoding', () => {
  it('registers a new device with the app of its fPort; without one, stores the uplink undecoded until one is known', async () => {
    await start();
    const odd = await json(
      await t.post('/v1/ingest/tts', ttsMessage({ devEui: '70b3d57ed0000009', fPort: 99, fCnt: 1 })),
    );
    expect(odd).toMatchObject({ status: 'stored', app: null, data: null });
    expect(odd.errors[0]).toContain('no app sends uplinks on fPort 99');
    expect((await rows(db.store, 'SELECT registered_by FROM devices'))[0]!.registered_by).toBe('none');
    const known = await json(
      await t.post('/v1/ingest/tts', ttsMessage({ devEui: '70b3d57ed0000009', fCnt: 2 })),
    );
    expect(known).toMatchObject({ app: 'ppg-triage', errors: [] });
    expect((await rows(db.store, 'SELECT app, registered_by, uplinks FROM devices'))[0]).toEqual({
      app: 'ppg-triage',
      registered_by: 'fport',
      uplinks: 2,
    });
    expect(t.server.context.metrics.decodeErrors.get({ app: 'none' })).toBe(1);
  });

  it("lets the config file's entry win over the fPort", async () => {
    await start({}, undefined);
    await t.server.close();
    await db.reset();
    const { writeFileSync } = await import('node:fs');
    const file = `${db.dir}/server.json`;
    writeFileSync(
      file,
      JSON.stringify({ devices: [{ devEui: '70B3D57ED0000001', app: 'predictive-maintenance' }] }),
    );
    t = await startTestServer(db.store, testConfig(db.dir, {}, file));
    const body = await json(await t.post('/v1/ingest/tts', ttsMessage()));
    expect(body).toMatchObject({ app: 'predictive-maintenance', data: null });
    expect(body.errors).toEqual(['app predictive-maintenance has no uplink on fPort 14']);
    const pm = await json(
      await t.post(
        '/v1/ingest/tts',
        ttsMessage({ fPort: PORTS.pm, payload: examplePayload.pm(0), fCnt: 43 }),
      ),
    );
    expect(pm).toMatchObject({ app: 'predictive-maintenance', data: { state: 'normal' }, errors: [] });
  });

  it('keeps decode errors and the header version of a payload of another schema version', async () => {
    await start();
    const bytes = encode(ppgTriage, {
      ...(ppgTriage && (await import('@murmur/payload/fixtures')).ppgTriageExamples[0]!.value),
    });
    bytes[0] = (bytes[0]! & 0b0001_1111) | (5 << 5);
    const body = await json(
      await t.post('/v1/ingest/tts', ttsMessage({ payload: Buffer.from(bytes).toString('base64') })),
    );
    expect(body.status).toBe('stored');
    expect(body.errors.join(' ')).toMatch(/version/);
    expect((await rows(db.store, 'SELECT schema_version, data FROM uplinks'))[0]).toEqual({
      schema_version: 5,
      data: null,
    });
  });
});

describe('authentication', () => {
  const secrets = {
    tts: 'tts-secret-0123456789',
    chirpstack: 'cs-secret-0123456789',
    api: 'api-secret-0123456789',
  };

  it('wants each integration its own secret: none or a wrong one is 401, nothing stored', async () => {
    await start({ secrets });
    const bearer = (s: string) => ({ authorization: `Bearer ${s}` });
    expect((await t.post('/v1/ingest/tts', ttsMessage())).status).toBe(401);
    expect((await t.post('/v1/ingest/tts', ttsMessage(), bearer(secrets.chirpstack))).status).toBe(401);
    const wrong = await t.post('/v1/ingest/chirpstack?event=up', chirpstackUp(), bearer('nope'));
    expect(wrong.status).toBe(401);
    expect((await json(wrong)).message).toContain('Authorization: Bearer');
    expect(await count()).toBe(0);
    expect((await t.post('/v1/ingest/tts', ttsMessage(), bearer(secrets.tts))).status).toBe(200);
    expect(
      (await t.post('/v1/ingest/chirpstack?event=up', chirpstackUp(), bearer(secrets.chirpstack))).status,
    ).toBe(200);
    expect((await t.get('/v1/devices')).status).toBe(401);
    expect((await t.get('/metrics')).status).toBe(401);
    expect((await t.get('/v1/devices', bearer(secrets.api))).status).toBe(200);
    // The query and downlink API has its own token: an ingestion secret does not open it, nor it ingestion.
    const downlink = (headers: Record<string, string>) =>
      t.post('/v1/devices/70b3d57ed0000001/downlinks', { restart_baseline: true }, headers);
    expect((await downlink({})).status).toBe(401);
    expect((await downlink(bearer(secrets.tts))).status).toBe(401);
    expect((await t.get('/v1/devices/70b3d57ed0000001/downlinks', bearer(secrets.tts))).status).toBe(401);
    expect((await downlink(bearer(secrets.api))).status).toBe(409); // authorised; ppg-triage has no downlink
    expect((await t.post('/v1/ingest/tts', ttsMessage(), bearer(secrets.api))).status).toBe(401);
    expect((await t.get('/healthz')).status).toBe(200);
    expect(t.server.context.metrics.rejected.get({ network: 'tts', status: '401' })).toBe(3);
  });

  it('without secrets takes loopback clients only, and says so when it starts', async () => {
    await start();
    expect(t.server.notices.join('\n')).toMatch(
      /no secret for tts, chirpstack: ingestion is accepted from loopback clients only/,
    );
    expect(t.server.notices.join('\n')).toMatch(
      /no API secret: the query API, downlinks \(POST \/v1\/devices\/:id\/downlinks\), the stream and \/metrics answer loopback clients only/,
    );
    expect(t.server.notices.join('\n')).toMatch(/no store key: TTS downlink API keys .* kept in memory only/);
    // The tests run on loopback: accepted (the policy for other addresses is tested in auth.test.ts).
    expect((await t.post('/v1/ingest/tts', ttsMessage())).status).toBe(200);
  });
});

describe('query API, stream, OpenAPI and metrics', () => {
  beforeEach(() => start());

  async function postSeries(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const m = ttsMessage({ fCnt: i, payload: examplePayload.ppg(i % 4) });
      m.received_at = new Date(Date.UTC(2026, 4, 1, 10, 15 * i)).toISOString();
      expect((await t.post('/v1/ingest/tts', m)).status).toBe(200);
    }
  }

  it('lists devices, finds one by DevEUI or device id, and pages its uplinks newest first', async () => {
    await postSeries(7);
    await t.post('/v1/ingest/chirpstack?event=up', chirpstackUp());
    const devices = await json(await t.get('/v1/devices'));
    expect(devices.items.map((d: any) => d.devEui)).toEqual(['0004a30b001c0001', '70b3d57ed0000001']);
    expect(devices.next).toBeNull();
    const firstPage = await json(await t.get('/v1/devices?limit=1'));
    expect((await json(await t.get(`/v1/devices?limit=1&cursor=${firstPage.next}`))).items[0].devEui).toBe(
      '70b3d57ed0000001',
    );
    for (const id of ['70B3D57ED0000001', 'ppg-1']) {
      const one = await json(await t.get(`/v1/devices/${id}`));
      expect(one.device).toMatchObject({
        devEui: '70b3d57ed0000001',
        deviceId: 'ppg-1',
        app: 'ppg-triage',
        uplinks: 7,
        lastFCnt: 6,
      });
      expect(one.latest).toMatchObject({ fCnt: 6, receivedAt: '2026-05-01T11:30:00.000Z' });
    }
    const fCnts: number[] = [];
    let next: string | null = null;
    do {
      const page: any = await json(
        await t.get(`/v1/devices/ppg-1/uplinks?limit=3${next ? `&cursor=${next}` : ''}`),
      );
      fCnts.push(...page.items.map((u: any) => u.fCnt));
      next = page.next;
    } while (next);
    expect(fCnts).toEqual([6, 5, 4, 3, 2, 1, 0]);
    const window = await json(
      await t.get('/v1/devices/ppg-1/uplinks?from=2026-05-01T10:30:00Z&to=2026-05-01T11:00:00%2B00:00'),
    );
    expect(window.items.map((u: any) => u.fCnt)).toEqual([3, 2]);
    expect(window.items[0]).toMatchObject({
      app: 'ppg-triage',
      schemaName: 'ppg_triage',
      gateways: [{ id: 'gw-a' }, { id: 'gw-b' }],
    });
    const bad = [
      ['/v1/devices/ppg-1/uplinks?cursor=zzz', 'cursor'],
      ['/v1/devices/ppg-1/uplinks?from=yesterday', 'from'],
      ['/v1/devices/ppg-1/uplinks?limit=0', 'limit'],
      ['/v1/devices?cursor=bm9wZQ', 'cursor'],
    ];
    for (const [path, field] of bad) {
      const res = await t.get(path!);
      expect(res.status, path).toBe(400);
      expect((await json(res)).field, path).toBe(field);
    }
    expect((await t.get('/v1/devices/70b3d57ed00000ff')).status).toBe(404);
    expect((await t.get('/v1/devices/nobody/uplinks')).status).toBe(404);
    expect((await t.get('/v1/nothing-here')).status).toBe(404);
  });

  it('lists alerts: alert, sensor_fault and fault states', async () => {
    await postSeries(4); // ppg examples: normal, fast-breathing alert, rejected, sensor stuck
    await t.post('/v1/ingest/chirpstack?event=up', chirpstackUp()); // outer-race fault
    await t.post(
      '/v1/ingest/chirpstack?event=up',
      chirpstackUp({ dedup: 'healthy', payload: examplePayload.pm(0) }),
    );
    const alerts = await json(await t.get('/v1/alerts'));
    expect(alerts.items.map((u: any) => [u.fCnt, u.alertReasons])).toEqual([
      [3, ['sensor_fault']],
      [1, ['alert']],
      [7, ['alert', 'state:outer_race']],
    ]);
  });

  it('streams each committed uplink as a Server-Sent Event, and replays what a reconnecting client missed', async () => {
    const open = async (path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${t.url}${path}`, { headers });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const reader = res.body!.getReader();
      let text = '';
      /** Reads until `n` events have come; the events. */
      const events = async (n: number): Promise<{ id: number; data: any }[]> => {
        for (;;) {
          const list = text.split('\n\n').filter((e) => e.startsWith('id: '));
          if (list.length >= n)
            return list.map((e) => ({
              id: Number(/^id: (\d+)/.exec(e)![1]),
              data: JSON.parse(e.split('data: ')[1]!),
            }));
          const chunk = await reader.read();
          if (chunk.done) throw new Error(`the stream ended after: ${text}`);
          text += new TextDecoder().decode(chunk.value);
        }
      };
      await events(0);
      return { events, text: () => text, close: () => reader.cancel() };
    };
    const live = await open('/v1/stream');
    await t.post('/v1/ingest/tts', ttsMessage({ fCnt: 1 }));
    await t.post('/v1/ingest/tts', ttsMessage({ fCnt: 1 })); // a duplicate is no event
    await t.post('/v1/ingest/tts', ttsMessage({ fCnt: 2 }));
    await t.post('/v1/ingest/chirpstack?event=up', chirpstackUp());
    const [first, second, third] = await live.events(3);
    expect(first!.data).toMatchObject({
      id: first!.id,
      fCnt: 1,
      app: 'ppg-triage',
      data: { breathing: 'normal' },
    });
    expect(second!.data).toMatchObject({ fCnt: 2 });
    expect(third!.data).toMatchObject({ network: 'chirpstack', alert: true });
    expect(t.server.context.metrics.render()).toMatch(/^murmur_stream_clients 1$/m);
    await live.close();

    // Reconnecting after the first event, for one device: the second comes, the other device's does not.
    const again = await open('/v1/stream?devEui=70B3D57ED0000001', { 'last-event-id': String(first!.id) });
    const [missed] = await again.events(1);
    expect(missed!.id).toBe(second!.id);
    await t.post('/v1/ingest/tts', ttsMessage({ fCnt: 3 }));
    const [, next] = await again.events(2);
    expect(next!.data).toMatchObject({ fCnt: 3 });
    expect(again.text()).not.toContain('chirpstack');
    await again.close();
  });

  it('describes every route in its OpenAPI document', async () => {
    const doc = await json(await t.get('/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    const routes = t.server.routes
      .filter((r) => r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    expect(routes.length).toBeGreaterThanOrEqual(10);
    expect([...documented].sort()).toEqual([...new Set(routes)].sort());
    for (const path of [
      '/v1/ingest/tts',
      '/v1/ingest/chirpstack',
      '/v1/devices',
      '/v1/devices/{id}',
      '/v1/devices/{id}/uplinks',
      '/v1/alerts',
      '/v1/stream',
      '/healthz',
      '/metrics',
      '/openapi.json',
    ])
      expect(doc.paths[path], path).toBeDefined();
    // Every $ref resolves.
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const ref of refs) expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
  });

  it('counts in /metrics: ingested, duplicates, decode errors, rejections, queue depth, commit latency', async () => {
    await t.post('/v1/ingest/tts', ttsMessage());
    await t.post('/v1/ingest/tts', ttsMessage());
    await t.post('/v1/ingest/tts', ttsMessage({ devEui: '70b3d57ed00000aa', fPort: 99 }));
    await t.post('/v1/ingest/tts', '{');
    const res = await t.get('/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    const value = (line: string): number =>
      Number(new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('murmur_uplinks_ingested_total{network="tts"}')).toBe(2);
    expect(value('murmur_uplinks_duplicate_total{network="tts"}')).toBe(1);
    expect(value('murmur_uplinks_decode_errors_total{app="none"}')).toBe(1);
    expect(value('murmur_ingest_rejected_total{network="tts",status="400"}')).toBe(1);
    expect(value('murmur_ingest_queue_depth')).toBe(0);
    expect(value('murmur_ingest_queue_capacity')).toBe(10000);
    expect(value('murmur_commit_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value('murmur_commit_duration_seconds_bucket{le="+Inf"}')).toBe(
      value('murmur_commit_duration_seconds_count'),
    );
    expect(text).toMatch(/^# TYPE murmur_commit_duration_seconds histogram$/m);
    expect((await json(await t.get('/healthz'))).status).toBe('ok');
  });
});
