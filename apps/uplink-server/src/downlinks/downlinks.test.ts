import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MurmurError } from '@murmur/core';
import { encodeDownlink } from '@murmur/payload';
import { predictiveMaintenance } from '@murmur/payload/fixtures';
import type { ServerConfig } from '../config';
import type { DownlinkConfig } from './config';
import { resolveDownlinkConfig } from './config';
import { downlinkTopic, routeOf } from './route';
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
} from '../testing';

/** What a network server received: one request. */
interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP server standing in for a network server's API: it records each request and answers. */
async function fakeNetwork(): Promise<{
  url: string;
  received: Received[];
  answer: (status: number, body: string) => void;
  close: () => Promise<void>;
}> {
  const received: Received[] = [];
  let reply = { status: 200, body: '{}' };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer: (status, body) => (reply = { status, body }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on: a server's, closed again. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const PM_EUI = '70b3d57ed00000a1';
const CS_EUI = '0004a30b001c00a2';
const COMMISSION = { restart_baseline: true, uplink_period_min: 0 };
const commissionBase64 = Buffer.from(encodeDownlink(predictiveMaintenance, COMMISSION)).toString('base64');

let db: Awaited<ReturnType<typeof tempPgliteStore>>;
let net: Awaited<ReturnType<typeof fakeNetwork>>;
let t: TestServer;

beforeAll(async () => {
  db = await tempPgliteStore();
  net = await fakeNetwork();
});
afterAll(async () => {
  await net.close();
  await db.close();
});
afterEach(() => t?.server.close());

async function start(
  downlinks: Partial<DownlinkConfig> = {},
  extra: Partial<ServerConfig> = {},
): Promise<TestServer> {
  await db.store.db.exec(
    'TRUNCATE uplinks, devices, downlinks, downlink_routes, device_redeliveries RESTART IDENTITY',
  );
  net.received.length = 0;
  net.answer(200, '{}');
  const config = { ...testConfig(db.dir), ...extra };
  config.downlinks = { timeoutMs: 10_000, ...downlinks };
  t = await startTestServer(db.store, config);
  return t;
}

const json = async (res: Response): Promise<any> => JSON.parse(await res.text());

/** The TTS webhook headers of the fake network's downlink queue for device `device`. */
function ttsHeaders(device: string, apiKey?: string): Record<string, string> {
  const base = `${net.url}/api/v3/as/applications/murmur/webhooks/murmur-wh/devices/${device}/down`;
  return {
    'X-Downlink-Push': `${base}/push`,
    'X-Downlink-Replace': `${base}/replace`,
    'X-Tts-Domain': 'eu1.cloud.thethings.network',
    ...(apiKey === undefined ? {} : { 'X-Downlink-Apikey': apiKey }),
  };
}

async function pmUplinkViaTts(headers: Record<string, string>, fCnt = 1): Promise<void> {
  const res = await t.post(
    '/v1/ingest/tts',
    ttsMessage({ devEui: PM_EUI, deviceId: 'pump-1', fPort: PORTS.pm, payload: examplePayload.pm(0), fCnt }),
    headers,
  );
  expect((await json(res)).status).toMatch(/stored|duplicate/);
}

async function pmUplinkViaChirpstack(): Promise<void> {
  const res = await t.post('/v1/ingest/chirpstack?event=up', chirpstackUp({ devEui: CS_EUI }));
  expect((await json(res)).status).toBe('stored');
}

const downlinkCount = async (): Promise<number> =>
  Number((await rows(db.store, 'SELECT count(*) AS n FROM downlinks'))[0]!.n);

describe('downlinks through The Things Stack', () => {
  beforeEach(() => start());

  it("encodes the value and POSTs it to the webhook's X-Downlink-Push URL with its API key; records and lists it", async () => {
    await pmUplinkViaTts(ttsHeaders('pump-1', 'NNSXS.TESTKEY'));
    const res = await t.post(`/v1/devices/${PM_EUI}/downlinks`, COMMISSION);
    expect(res.status).toBe(201);
    const record = await json(res);
    expect(record).toMatchObject({
      id: 1,
      devEui: PM_EUI,
      app: 'predictive-maintenance',
      fPort: 11,
      payload: Buffer.from(commissionBase64, 'base64').toString('hex'),
      value: COMMISSION,
      confirmed: false,
      mode: 'push',
      network: 'tts',
      target: `${net.url}/api/v3/as/applications/murmur/webhooks/murmur-wh/devices/pump-1/down/push`,
      status: 'sent',
      responseCode: 200,
      error: null,
    });
    expect(record.completedAt).not.toBeNull();

    expect(net.received).toHaveLength(1);
    const [got] = net.received;
    expect(got!.method).toBe('POST');
    expect(got!.url).toBe('/api/v3/as/applications/murmur/webhooks/murmur-wh/devices/pump-1/down/push');
    expect(got!.headers.authorization).toBe('Bearer NNSXS.TESTKEY');
    expect(got!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(got!.body)).toEqual({
      downlinks: [{ f_port: 11, frm_payload: commissionBase64, priority: 'NORMAL' }],
    });

    // By the network's device id too; newest first.
    const second = await t.post('/v1/devices/pump-1/downlinks?confirmed=true', {
      restart_baseline: false,
      uplink_period_min: 30,
    });
    expect(second.status).toBe(201);
    expect(JSON.parse(net.received[1]!.body).downlinks[0]).toMatchObject({ f_port: 11, confirmed: true });
    const list = await json(await t.get(`/v1/devices/${PM_EUI}/downlinks`));
    expect(list.items.map((d: any) => [d.id, d.status, d.confirmed])).toEqual([
      [2, 'sent', true],
      [1, 'sent', false],
    ]);
    expect(list.next).toBeNull();
    const page = await json(await t.get(`/v1/devices/${PM_EUI}/downlinks?limit=1`));
    expect(page.items.map((d: any) => d.id)).toEqual([2]);
    const rest = await json(await t.get(`/v1/devices/${PM_EUI}/downlinks?limit=1&cursor=${page.next}`));
    expect(rest.items.map((d: any) => d.id)).toEqual([1]);
    // The API key is kept to send with, never served.
    expect(JSON.stringify(list)).not.toContain('NNSXS');
  });

  it('replaces the queue through X-Downlink-Replace, and uses the config key when the webhook sends none', async () => {
    await t.server.close();
    await start({ tts: { apiKey: 'NNSXS.FROMCONFIG' } });
    await pmUplinkViaTts(ttsHeaders('pump-1'));
    const res = await t.post(`/v1/devices/${PM_EUI}/downlinks?mode=replace`, COMMISSION);
    expect(res.status).toBe(201);
    expect((await json(res)).mode).toBe('replace');
    expect(net.received[0]!.url).toMatch(/\/devices\/pump-1\/down\/replace$/);
    expect(net.received[0]!.headers.authorization).toBe('Bearer NNSXS.FROMCONFIG');
  });

  it('keeps the latest route: a new push URL or key replaces the stored one; the key sealed, it survives a restart', async () => {
    const storeKey = Buffer.alloc(32, 7);
    await t.server.close();
    await start({}, { storeKey });
    await pmUplinkViaTts(ttsHeaders('pump-1', 'NNSXS.OLD'), 1);
    await pmUplinkViaTts(ttsHeaders('pump-1b', 'NNSXS.NEW'), 2);
    // Sealed at rest (AES-256-GCM), never in plain text.
    const [route] = await rows(db.store, 'SELECT api_key_sealed FROM downlink_routes');
    expect(route!.api_key_sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    const dump = JSON.stringify(await rows(db.store, 'SELECT * FROM downlink_routes'));
    expect(dump).not.toContain('NNSXS');
    await t.server.close();
    t = await startTestServer(db.store, { ...testConfig(db.dir), storeKey });
    expect((await t.post(`/v1/devices/${PM_EUI}/downlinks`, COMMISSION)).status).toBe(201);
    expect(net.received[0]!.url).toMatch(/\/devices\/pump-1b\/down\/push$/);
    expect(net.received[0]!.headers.authorization).toBe('Bearer NNSXS.NEW');
    // Another key does not open it: the route is there, the key is not.
    await t.server.close();
    t = await startTestServer(db.store, { ...testConfig(db.dir), storeKey: Buffer.alloc(32, 8) });
    expect(await json(await t.post(`/v1/devices/${PM_EUI}/downlinks`, COMMISSION))).toMatchObject({
      error: 'no_api_key',
    });
  });

  it('without a store key keeps the API key in memory only: not in the database, not after a restart', async () => {
    await pmUplinkViaTts(ttsHeaders('pump-1', 'NNSXS.MEMORY'), 1);
    expect(JSON.stringify(await rows(db.store, 'SELECT * FROM downlink_routes'))).not.toContain('NNSXS');
    expect((await t.post(`/v1/devices/${PM_EUI}/downlinks`, COMMISSION)).status).toBe(201);
    expect(net.received[0]!.headers.authorization).toBe('Bearer NNSXS.MEMORY');
    await t.server.close();
    t = await startTestServer(db.store, testConfig(db.dir));
    const refused = await json(await t.post(`/v1/devices/${PM_EUI}/downlinks`, COMMISSION));
    expect(refused).toMatchObject({ error: 'no_api_key' });
    expect(refused.message).toContain('in memory only');
    // The next uplink brings it again.
    await pmUplinkViaTts(ttsHeaders('pump-1', 'NNSXS.MEMORY'), 2);
    expect((await t.post(`/v1/devices/${PM_EUI}/downlinks`, COMMISSION)).status).toBe(201);
  });

  it('records a failure when the network answers 500 and answers 502', async () => {
    await pmUplinkViaTts(ttsHeaders('pump-1', 'NNSXS.TESTKEY'));
    net.answer(500, '{"code":13,"message":"internal"}');
    const res = await t.post(`/v1/devices/${PM_EUI}/downlinks`, COMMISSION);
    expect(res.status).toBe(502);
    const body = await json(res);
    expect(body).toMatchObject({ error: 'network_failed' });
    expect(body.message).toContain('answered 500');
    expect(body.downlink).toMatchObject({ id: 1, status: 'failed', responseCode: 500, network: 'tts' });
    expect(body.downlink.error).toContain('"message":"internal"');
    const [row] = await rows(db.store, 'SELECT status, response_code, error FROM downlinks');
    expect(row).toMatchObject({ status: 'failed', response_code: 500 });
  });

  it('records a failure when the network is unreachable and answers 502', async () => {
    const port = await closedPort();
    const base = `http://127.0.0.1:${port}/api/v3/as/applications/murmur/webhooks/w/devices/pump-1/down`;
    await pmUplinkViaTts({
      'X-Downlink-Push': `${base}/push`,
      'X-Downlink-Replace': `${base}/replace`,
      'X-Downlink-Apikey': 'NNSXS.TESTKEY',
    });
    const res = await t.post(`/v1/devices/${PM_EUI}/downlinks`, COMMISSION);
    expect(res.status).toBe(502);
    const body = await json(res);
    expect(body.downlink).toMatchObject({ status: 'failed', responseCode: null });
    expect(body.downlink.error).toMatch(/cannot reach 127\.0\.0\.1:\d+: ECONNREFUSED/);
    expect((await json(await t.get(`/v1/devices/${PM_EUI}/downlinks`))).items[0].status).toBe('failed');
  });

  it('refuses a value that does not fit the schema with 400 naming the field, and sends nothing', async () => {
    await pmUplinkViaTts(ttsHeaders('pump-1', 'NNSXS.TESTKEY'));
    const cases: [unknown, string][] = [
      [{ restart_baseline: 'yes', uplink_period_min: 0 }, 'restart_baseline'],
      [{ restart_baseline: true }, 'uplink_period_min'],
      [{ restart_baseline: true, uplink_period_min: 4096 }, 'uplink_period_min'],
      [{ restart_baseline: true, uplink_period_min: 1.5 }, 'uplink_period_min'],
      [{ ...COMMISSION, reboot: true }, 'reboot'],
      [[1, 2], 'body'],
    ];
    for (const [value, field] of cases) {
      const res = await t.post(`/v1/devices/${PM_EUI}/downlinks`, value);
      const body = await json(res);
      expect(res.status, JSON.stringify(value)).toBe(400);
      expect(body.error).toBe('bad_request');
      expect(body.field, body.message).toBe(field);
    }
    const notJson = await t.post(`/v1/devices/${PM_EUI}/downlinks`, 'restart', {
      'content-type': 'text/plain',
    });
    expect(notJson.status).toBe(400);
    expect((await json(notJson)).field).toBe('body');
    const badQuery = await t.post(`/v1/devices/${PM_EUI}/downlinks?mode=later`, COMMISSION);
    expect(badQuery.status).toBe(400);
    expect((await json(badQuery)).field).toBe('mode');
    expect(net.received).toHaveLength(0);
    expect(await downlinkCount()).toBe(0);
  });

  it('answers 404 for an unknown device and 409 when there is no way to send', async () => {
    expect((await t.post('/v1/devices/70b3d57ed00000ff/downlinks', COMMISSION)).status).toBe(404);
    // An app without a downlink.
    await t.post(
      '/v1/ingest/tts',
      ttsMessage({ devEui: '70b3d57ed00000b1', fPort: PORTS.wearable, payload: examplePayload.wearable() }),
      ttsHeaders('w'),
    );
    const noDownlink = await t.post('/v1/devices/70b3d57ed00000b1/downlinks', COMMISSION);
    expect(noDownlink.status).toBe(409);
    const refused = await json(noDownlink);
    expect(refused).toMatchObject({ error: 'no_downlink' });
    expect(refused.message).toContain('predictive-maintenance');
    // TTS without the downlink headers.
    await pmUplinkViaTts({});
    expect(await json(await t.post(`/v1/devices/${PM_EUI}/downlinks`, COMMISSION))).toMatchObject({
      error: 'no_route',
    });
    // A push URL but no key, from the webhook or the config.
    await pmUplinkViaTts(ttsHeaders('pump-1'), 2);
    expect(await json(await t.post(`/v1/devices/${PM_EUI}/downlinks`, COMMISSION))).toMatchObject({
      error: 'no_api_key',
    });
    // ChirpStack without its API in the config.
    await pmUplinkViaChirpstack();
    expect(await json(await t.post(`/v1/devices/${CS_EUI}/downlinks`, COMMISSION))).toMatchObject({
      error: 'not_configured',
    });
    expect(net.received).toHaveLength(0);
    expect(await downlinkCount()).toBe(0);
  });
});

describe('downlinks through ChirpStack', () => {
  beforeEach(() => start({ chirpstack: { apiUrl: net.url, token: 'cs-api-token' } }));

  it('POSTs the queue item to the REST API with the token, and keeps the id ChirpStack gives', async () => {
    await pmUplinkViaChirpstack();
    net.answer(200, '{"id":"7f0c2e7a-4a53-4c5e-9f1e-2b2f0d3c4a5b"}');
    const res = await t.post(`/v1/devices/${CS_EUI}/downlinks`, COMMISSION);
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({
      network: 'chirpstack',
      status: 'sent',
      target: `${net.url}/api/devices/${CS_EUI}/queue`,
      networkRef: '7f0c2e7a-4a53-4c5e-9f1e-2b2f0d3c4a5b',
    });
    expect(net.received).toHaveLength(1);
    const [got] = net.received;
    expect(got!.method).toBe('POST');
    expect(got!.url).toBe(`/api/devices/${CS_EUI}/queue`);
    expect(got!.headers['grpc-metadata-authorization']).toBe('Bearer cs-api-token');
    expect(got!.headers.authorization).toBe('Bearer cs-api-token');
    expect(JSON.parse(got!.body)).toEqual({
      queueItem: { confirmed: false, fPort: 11, data: commissionBase64 },
    });
    // The application id the up event named is kept with the route.
    const [route] = await rows(db.store, `SELECT * FROM downlink_routes WHERE dev_eui = '${CS_EUI}'`);
    expect(route).toMatchObject({ network: 'chirpstack', application_id: 'a', push_url: null });
  });

  it('replaces the queue: flushes it (DELETE), then enqueues', async () => {
    await pmUplinkViaChirpstack();
    expect((await t.post(`/v1/devices/${CS_EUI}/downlinks?mode=replace`, COMMISSION)).status).toBe(201);
    expect(net.received.map((r) => `${r.method} ${r.url}`)).toEqual([
      `DELETE /api/devices/${CS_EUI}/queue`,
      `POST /api/devices/${CS_EUI}/queue`,
    ]);
  });

  it('goes through the network of the latest uplink', async () => {
    // The device's latest uplink came through TTS: the downlink goes there, not to ChirpStack.
    await t.post(
      '/v1/ingest/chirpstack?event=up',
      chirpstackUp({ devEui: PM_EUI, time: '2026-05-01T09:00:00Z' }),
    );
    await pmUplinkViaTts(ttsHeaders('pump-1', 'NNSXS.TESTKEY'));
    expect((await t.post(`/v1/devices/${PM_EUI}/downlinks`, COMMISSION)).status).toBe(201);
    expect(net.received[0]!.url).toMatch(/\/down\/push$/);
  });

  it('records a failure when ChirpStack answers 500 or is unreachable, and answers 502', async () => {
    await pmUplinkViaChirpstack();
    net.answer(500, 'boom');
    const failed = await t.post(`/v1/devices/${CS_EUI}/downlinks`, COMMISSION);
    expect(failed.status).toBe(502);
    expect((await json(failed)).downlink).toMatchObject({ status: 'failed', responseCode: 500 });
    await t.server.close();
    await start({ chirpstack: { apiUrl: `http://127.0.0.1:${await closedPort()}`, token: 't' } });
    await pmUplinkViaChirpstack();
    const unreachable = await t.post(`/v1/devices/${CS_EUI}/downlinks`, COMMISSION);
    expect(unreachable.status).toBe(502);
    expect((await json(unreachable)).downlink.error).toContain('ECONNREFUSED');
    const [row] = await rows(db.store, 'SELECT status, response_code FROM downlinks');
    expect(row).toMatchObject({ status: 'failed', response_code: null });
  });
});

describe('downlink routes and configuration', () => {
  it('reads the TTS webhook headers, leaving out what is not a URL or a key', () => {
    const http = (headers: Record<string, string>) => ({ transport: 'http' as const, headers });
    expect(
      routeOf(
        'tts',
        'ab',
        'app1',
        http({
          'x-downlink-push':
            'https://eu1.cloud.thethings.network/api/v3/as/applications/a/webhooks/w/devices/d/down/push',
          'x-downlink-replace': 'javascript:alert(1)',
          'x-downlink-apikey': 'NNSXS.ABC',
        }),
      ),
    ).toEqual({
      devEui: 'ab',
      network: 'tts',
      transport: 'http',
      pushUrl: 'https://eu1.cloud.thethings.network/api/v3/as/applications/a/webhooks/w/devices/d/down/push',
      replaceUrl: null,
      apiKey: 'NNSXS.ABC',
      applicationId: 'app1',
      mqttTopic: null,
    });
    expect(
      routeOf('tts', 'ab', undefined, http({ 'x-downlink-push': 'https://user:pw@host/x' })).pushUrl,
    ).toBeNull();
    expect(routeOf('tts', 'ab', undefined, http({ 'x-downlink-apikey': 'a b' })).apiKey).toBeNull();
    // Headers of a ChirpStack request are not TTS routes.
    expect(routeOf('chirpstack', 'ab', 'app', http({ 'x-downlink-push': 'https://h/p' })).pushUrl).toBeNull();
    // A redelivery adds what it has, but does not change the transport.
    expect(routeOf('tts', 'ab', undefined, http({}), false).transport).toBeNull();
  });

  it('makes the downlink topic from the uplink topic, and keeps no topic it cannot', () => {
    const mqttRoute = (network: 'tts' | 'chirpstack', topic: string) =>
      routeOf(network, 'ab', undefined, { transport: 'mqtt', topic }).mqttTopic;
    expect(mqttRoute('tts', 'v3/murmur@ttn/devices/pump-1/up')).toBe('v3/murmur@ttn/devices/pump-1/up');
    expect(downlinkTopic('tts', 'v3/murmur@ttn/devices/pump-1/up', 'push')).toBe(
      'v3/murmur@ttn/devices/pump-1/down/push',
    );
    expect(downlinkTopic('tts', 'v3/murmur@ttn/devices/pump-1/up', 'replace')).toBe(
      'v3/murmur@ttn/devices/pump-1/down/replace',
    );
    const cs = 'application/8a1b/device/0004a30b001c00a2/event/up';
    expect(mqttRoute('chirpstack', cs)).toBe(cs);
    expect(downlinkTopic('chirpstack', cs, 'push')).toBe(
      'application/8a1b/device/0004a30b001c00a2/command/down',
    );
    expect(mqttRoute('tts', 'v3/murmur@ttn/devices/+/up')).toBeNull();
    expect(mqttRoute('chirpstack', 'application/a/device/not-an-eui/event/up')).toBeNull();
  });

  it('reads the config: ChirpStack URL and token from the file or the environment, TTS key, timeout', () => {
    expect(resolveDownlinkConfig(undefined, {})).toEqual({ timeoutMs: 10_000 });
    expect(
      resolveDownlinkConfig(
        { chirpstack: { apiUrl: 'http://cs:8090/', tokenEnv: 'CS_TOKEN' }, timeoutMs: 2000 },
        { CS_TOKEN: 'tok' },
      ),
    ).toEqual({ chirpstack: { apiUrl: 'http://cs:8090', token: 'tok' }, timeoutMs: 2000 });
    expect(
      resolveDownlinkConfig(undefined, {
        MURMUR_CHIRPSTACK_API_URL: 'https://cs.example',
        MURMUR_CHIRPSTACK_API_TOKEN: 't',
        MURMUR_TTS_API_KEY: 'NNSXS.K',
      }),
    ).toEqual({
      chirpstack: { apiUrl: 'https://cs.example', token: 't' },
      tts: { apiKey: 'NNSXS.K' },
      timeoutMs: 10_000,
    });
    const fieldOf = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (err) {
        if (err instanceof MurmurError) return err.location.field;
        throw err;
      }
      return undefined;
    };
    expect(fieldOf(() => resolveDownlinkConfig({ chirpstack: { token: 't' } }, {}, 'server.json'))).toBe(
      'downlinks.chirpstack.apiUrl',
    );
    expect(fieldOf(() => resolveDownlinkConfig({ tts: { apiKeyEnv: 'NOT_SET' } }, {}))).toBe(
      'downlinks.tts.apiKeyEnv',
    );
  });
});
