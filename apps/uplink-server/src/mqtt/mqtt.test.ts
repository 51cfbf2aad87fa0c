import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkConfig, type ServerConfig } from '../config';
import { startServer, type RunningServer } from '../server';
import type { Store } from '../store';
import { encodeDownlink } from '@murmur/payload';
import { predictiveMaintenance } from '@murmur/payload/fixtures';
import {
  chirpstackUp,
  examplePayload,
  PORTS,
  rows,
  tempPgliteStore,
  testCatalog,
  testConfig,
  ttsMessage,
  until,
} from '../testing';
import { mosquittoUnavailable, startMosquitto, type Broker } from '../testing-services';
import { defaultTopic, resolveMqttConfig, subscriptionOf, type MqttConfig } from './config';
import { topicKind } from './subscriber';

describe('MQTT config', () => {
  const resolve = (c: Parameters<typeof resolveMqttConfig>[0], url?: string, env: NodeJS.ProcessEnv = {}) =>
    resolveMqttConfig(c, url, env, { fileDir: '/', port: 8080 });

  it('subscribes to the uplink topic of the network, in a shared group when one is named', () => {
    expect(resolve(undefined)).toBeUndefined();
    const tts = resolve(
      { username: 'murmur@ttn', password: 'NNSXS.key' },
      'mqtts://eu1.cloud.thethings.network:8883',
    );
    expect(tts).toMatchObject({
      network: 'tts',
      topic: 'v3/murmur@ttn/devices/+/up',
      username: 'murmur@ttn',
      password: 'NNSXS.key',
      sessions: 1,
      protocolVersion: 5,
    });
    expect(tts!.clientId).toMatch(/^murmur-.+-8080$/);
    const cs = resolve({ url: 'mqtt://localhost', sharedGroup: 'murmur', clientId: 'a' });
    expect(cs).toMatchObject({
      network: 'chirpstack',
      topic: 'application/+/device/+/event/up',
      sessions: 8,
    });
    expect(subscriptionOf(cs!)).toBe('$share/murmur/application/+/device/+/event/up');
    expect(defaultTopic('tts', undefined)).toBe('v3/+/devices/+/up');
    expect(resolve({ url: 'mqtt://h', topic: 'v3/a@b/devices/+/up' })!.network).toBe('tts');
  });

  it('takes the password from the file, the variable it names, MURMUR_MQTT_PASSWORD or the URL', () => {
    expect(resolve({ url: 'mqtt://u:from-url@h' })).toMatchObject({ username: 'u', password: 'from-url' });
    expect(resolve({ url: 'mqtt://u:x@h' }, undefined, { MURMUR_MQTT_PASSWORD: 'env' })!.password).toBe(
      'env',
    );
    expect(resolve({ url: 'mqtt://h', passwordEnv: 'P' }, undefined, { P: 'named' })!.password).toBe('named');
    expect(() => resolve({ url: 'mqtt://h', passwordEnv: 'P' })).toThrow("field 'mqtt.passwordEnv'");
  });

  it('names the field of a mistake', () => {
    expect(() => resolve({ url: 'http://h' })).toThrow("field 'mqtt.url'");
    expect(() => resolve({ topic: 'a/b' })).toThrow("field 'mqtt.url'");
    expect(() => resolve({ url: 'mqtt://h', sessions: 2 })).toThrow("field 'mqtt.sessions'");
    const file = (mqtt: unknown) => () => checkConfig({ mqtt }, 'server.json');
    expect(file({ url: 'mqtt://h', topic: 'a/#/b' })).toThrow("field 'mqtt.topic'");
    expect(file({ url: 'mqtt://h', topic: '$share/g/a' })).toThrow("field 'mqtt.topic'");
    expect(file({ url: 'mqtt://h', sharedGroup: 'a/b' })).toThrow("field 'mqtt.sharedGroup'");
    expect(file({ url: 'mqtt://h', protocolVersion: 3 })).toThrow("field 'mqtt.protocolVersion'");
  });

  it('tells uplinks from the other events by their topic', () => {
    expect(topicKind('tts', 'v3/murmur@ttn/devices/ppg-1/up')).toEqual({ uplink: true, event: 'up' });
    expect(topicKind('tts', 'v3/murmur@ttn/devices/ppg-1/join').uplink).toBe(false);
    expect(topicKind('chirpstack', 'application/a/device/0004a30b001c0001/event/up').uplink).toBe(true);
    expect(topicKind('chirpstack', 'application/a/device/0004a30b001c0001/event/status')).toEqual({
      uplink: false,
      event: 'status',
    });
  });
});

const skip = mosquittoUnavailable();
const title = (t: string): string => (skip ? `${t} [skipped: ${skip}]` : t);

describe.skipIf(skip !== undefined)(title('MQTT ingestion (Mosquitto)'), () => {
  let broker: Broker;
  let db: Awaited<ReturnType<typeof tempPgliteStore>>;
  let publisher: MqttClient;
  beforeAll(async () => {
    broker = await startMosquitto({ users: { murmur: 'mqtt-password-1', publisher: 'mqtt-password-2' } });
    db = await tempPgliteStore();
    publisher = await mqtt.connectAsync(broker.url, {
      clientId: 'test-publisher',
      protocolVersion: 5,
      username: 'publisher',
      password: 'mqtt-password-2',
    });
  });
  afterAll(async () => {
    await publisher?.endAsync();
    await db?.close();
    await broker?.stop();
  });
  beforeEach(() =>
    db.store.db.exec('TRUNCATE uplinks, devices, downlinks, downlink_routes RESTART IDENTITY'),
  );

  let clientIds = 0;
  function config(o: Partial<MqttConfig> = {}): ServerConfig {
    const c = testConfig(db.dir, { queue: { delayMs: 2 } });
    c.mqtt = {
      url: broker.url,
      network: 'tts',
      topic: 'v3/murmur@ttn/devices/+/up',
      clientId: `murmur-test-${++clientIds}`,
      sessions: 1,
      username: 'murmur',
      password: 'mqtt-password-1',
      protocolVersion: 5,
      sessionExpirySeconds: 3600,
      ...o,
    };
    return c;
  }

  async function start(c: ServerConfig, store: Store = db.store): Promise<RunningServer> {
    const server = await startServer({ config: c, store, catalog: await testCatalog(), logger: false });
    await server.transports.mqtt!.ready;
    return server;
  }

  const publish = (topic: string, body: unknown): Promise<unknown> =>
    publisher.publishAsync(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 });

  const stored = async (): Promise<{ network: string; dedup_key: string; app: string | null }[]> =>
    (await rows(db.store, 'SELECT network, dedup_key, app FROM uplinks ORDER BY id')) as never;

  const acked = (server: RunningServer, result: string): number =>
    Number(
      new RegExp(`^murmur_mqtt_messages_total\\{result="${result}"\\} (\\d+)$`, 'm').exec(
        server.context.metrics.render(),
      )?.[1] ?? 0,
    );

  it('stores TTS uplinks once each, refuses a malformed message, and ignores the other topics', async () => {
    const server = await start(config());
    const topic = 'v3/murmur@ttn/devices/ppg-1/up';
    await publish(topic, ttsMessage({ fCnt: 1 }));
    await publish(topic, ttsMessage({ fCnt: 2 }));
    await publish(topic, ttsMessage({ fCnt: 1 })); // a second delivery
    await publish(topic, '{"uplink_message": 7}');
    await publish('v3/murmur@ttn/devices/ppg-1/join', '{}');
    await until(() => acked(server, 'acked') === 3 && acked(server, 'refused') === 1);
    expect(await stored()).toEqual([
      { network: 'tts', dedup_key: '70b3d57ed0000001:AXBSH1Pk6Z0G166/u/KXvA==:1', app: 'ppg-triage' },
      { network: 'tts', dedup_key: '70b3d57ed0000001:AXBSH1Pk6Z0G166/u/KXvA==:2', app: 'ppg-triage' },
    ]);
    expect(server.context.metrics.duplicates.get({ network: 'tts' })).toBe(1);
    await server.close();
  });

  it('stores ChirpStack up events, over MQTT 3.1.1 too', async () => {
    const server = await start(
      config({ network: 'chirpstack', topic: 'application/+/device/+/event/+', protocolVersion: 4 }),
    );
    const topic = (event: string) => `application/a/device/0004a30b001c0001/event/${event}`;
    await publish(topic('up'), chirpstackUp({ dedup: 'd-1' }));
    await publish(topic('up'), chirpstackUp({ dedup: 'd-1' }));
    await publish(topic('status'), { margin: 7 });
    await publish(topic('up'), chirpstackUp({ dedup: 'd-2', fCnt: 8 }));
    await until(() => acked(server, 'acked') === 3 && acked(server, 'event') === 1);
    expect((await stored()).map((r) => r.dedup_key)).toEqual(['d-1', 'd-2']);
    expect(server.context.metrics.events.get({ event: 'status' })).toBe(1);
    await server.close();
  });

  it('sends the PUBACK only after the commit; one not sent is delivered again to the session and stored once', async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((r) => (open = r));
    let committed = 0;
    const store = Object.create(db.store) as Store;
    store.commit = async (uplinks) => {
      await gate;
      const r = await db.store.commit(uplinks);
      committed += uplinks.length;
      return r;
    };
    const c = config();
    const first = await start(c, store);
    const pubacks: { messageId: number; committedBefore: number }[] = [];
    first.transports.mqtt!.clients[0]!.on('packetsend', (p) => {
      if (p.cmd === 'puback') pubacks.push({ messageId: p.messageId!, committedBefore: committed });
    });
    await publish('v3/murmur@ttn/devices/ppg-1/up', ttsMessage({ fCnt: 5 }));
    await until(() => first.context.ingestor.queue.depth === 1);
    // Waiting for the commit: no PUBACK yet.
    await new Promise((r) => setTimeout(r, 100));
    expect(pubacks).toEqual([]);
    open();
    await until(() => pubacks.length === 1);
    expect(pubacks[0]!.committedBefore).toBe(1);

    // A second uplink is committed, but the process "dies" before its PUBACK leaves: the client is cut off.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const client = first.transports.mqtt!.clients[0]!;
    store.commit = async (uplinks) => {
      const r = await db.store.commit(uplinks);
      committed += uplinks.length;
      await held;
      return r;
    };
    await publish('v3/murmur@ttn/devices/ppg-1/up', ttsMessage({ fCnt: 6 }));
    await until(() => committed === 2);
    await client.endAsync(true);
    release();
    await first.close();
    expect(pubacks).toHaveLength(1);

    // The same client id again: the broker delivers the message again; it is a duplicate, acknowledged.
    const second = await start({ ...c }, db.store);
    await until(() => acked(second, 'acked') === 1);
    expect(second.context.metrics.duplicates.get({ network: 'tts' })).toBe(1);
    expect((await stored()).map((r) => r.dedup_key.split(':')[2])).toEqual(['5', '6']);
    await second.close();
  });

  it('is refused by the broker without the right credentials', async () => {
    const server = await startServer({
      config: config({ password: 'wrong-password' }),
      store: db.store,
      catalog: await testCatalog(),
      logger: false,
    });
    const client = server.transports.mqtt!.clients[0]!;
    const refusal = await new Promise<Error>((resolve) => client.once('error', resolve));
    expect(refusal.message).toMatch(/Not authorized|Bad User Name or Password/i);
    await server.close();
  });
  /** Subscribes the test's client to `filter`; returns the messages received on it. */
  async function listen(filter: string): Promise<{ topic: string; body: any }[]> {
    const got: { topic: string; body: any }[] = [];
    publisher.on('message', (topic, payload) => {
      if (topic.includes('/down/') || topic.includes('/command/'))
        got.push({ topic, body: JSON.parse(payload.toString()) });
    });
    await publisher.subscribeAsync(filter, { qos: 1 });
    return got;
  }

  const postDownlink = (server: RunningServer, id: string, query = '') =>
    fetch(`${server.url}/v1/devices/${id}/downlinks${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ restart_baseline: true, uplink_period_min: 0 }),
    });
  const commission = Buffer.from(
    encodeDownlink(predictiveMaintenance, { restart_baseline: true, uplink_period_min: 0 }),
  ).toString('base64');

  it('publishes the downlink of a device whose latest uplink came over TTS MQTT to its down/push topic', async () => {
    const got = await listen('v3/murmur@ttn/devices/+/down/#');
    const server = await start(config());
    const eui = '70b3d57ed00000b1';
    await publish(
      'v3/murmur@ttn/devices/pump-2/up',
      ttsMessage({
        devEui: eui,
        deviceId: 'pump-2',
        fPort: PORTS.pm,
        payload: examplePayload.pm(0),
        fCnt: 1,
      }),
    );
    await until(() => acked(server, 'acked') === 1);
    const res = await postDownlink(server, 'pump-2');
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      network: 'tts',
      status: 'sent',
      fPort: 11,
      target: `${broker.url}/v3/murmur@ttn/devices/pump-2/down/push`,
      responseCode: null,
    });
    await until(() => got.length === 1);
    expect(got[0]).toEqual({
      topic: 'v3/murmur@ttn/devices/pump-2/down/push',
      body: { downlinks: [{ f_port: 11, frm_payload: commission, priority: 'NORMAL' }] },
    });
    expect((await postDownlink(server, eui, '?mode=replace')).status).toBe(201);
    await until(() => got.length === 2);
    expect(got[1]!.topic).toBe('v3/murmur@ttn/devices/pump-2/down/replace');
    // A later uplink over the webhook (without downlink headers) makes the webhook the route: no URL, 409.
    const webhook = await fetch(`${server.url}/v1/ingest/tts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        ttsMessage({
          devEui: eui,
          deviceId: 'pump-2',
          fPort: PORTS.pm,
          payload: examplePayload.pm(0),
          fCnt: 2,
        }),
      ),
    });
    expect(webhook.status).toBe(200);
    expect(await (await postDownlink(server, eui)).json()).toMatchObject({ error: 'no_route' });
    await server.close();
  });

  it("publishes ChirpStack's downlink command to command/down, and keeps its id", async () => {
    const got = await listen('application/+/device/+/command/#');
    const server = await start(config({ network: 'chirpstack', topic: 'application/+/device/+/event/up' }));
    const eui = '0004a30b001c00b2';
    await publish(
      `application/8a1b/device/${eui}/event/up`,
      chirpstackUp({ devEui: eui, dedup: 'mqtt-dl-1' }),
    );
    await until(() => acked(server, 'acked') === 1);
    const res = await postDownlink(server, eui, '?confirmed=true');
    expect(res.status).toBe(201);
    const record = (await res.json()) as Record<string, any>;
    expect(record).toMatchObject({ network: 'chirpstack', status: 'sent', confirmed: true });
    expect(record.networkRef).toMatch(/^[0-9a-f-]{36}$/);
    await until(() => got.length === 1);
    expect(got[0]).toEqual({
      topic: `application/8a1b/device/${eui}/command/down`,
      body: { id: record.networkRef, devEui: eui, confirmed: true, fPort: 11, data: commission },
    });
    // MQTT cannot flush ChirpStack's queue: replace needs the REST API.
    expect(await (await postDownlink(server, eui, '?mode=replace')).json()).toMatchObject({
      error: 'unsupported',
    });
    const list = (await (await fetch(`${server.url}/v1/devices/${eui}/downlinks`)).json()) as any;
    expect(list.items.map((d: any) => [d.status, d.target])).toEqual([
      ['sent', `${broker.url}/application/8a1b/device/${eui}/command/down`],
    ]);
    await server.close();
  });
});
