import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './server';
import { openStore, type SqlStore } from './store';
import { chirpstackUp, rows, testCatalog, testConfig, until } from './testing';
import {
  mosquittoUnavailable,
  postgresUnavailable,
  startMosquitto,
  startPostgresOnPort,
  type Broker,
} from './testing-services';

const skip = postgresUnavailable() ?? mosquittoUnavailable();
const title = 'two servers on one PostgreSQL database sharing an MQTT subscription';

describe.skipIf(skip !== undefined)(skip ? `${title} [skipped: ${skip}]` : title, () => {
  let pg: Awaited<ReturnType<typeof startPostgresOnPort>>;
  let broker: Broker;
  const stores: SqlStore[] = [];
  beforeAll(async () => {
    [pg, broker] = await Promise.all([startPostgresOnPort(), startMosquitto()]);
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await Promise.all([pg?.stop(), broker?.stop()]);
  });

  async function instance(name: string): Promise<RunningServer> {
    const store = await openStore({ kind: 'postgres', url: pg.url });
    stores.push(store);
    const config = testConfig('unused', { queue: { delayMs: 2 } });
    config.mqtt = {
      url: broker.url,
      network: 'chirpstack',
      topic: 'application/+/device/+/event/up',
      sharedGroup: 'murmur',
      clientId: `murmur-${name}`,
      sessions: 4,
      protocolVersion: 5,
      sessionExpirySeconds: 3600,
    };
    const server = await startServer({ config, store, catalog: await testCatalog(), logger: false });
    await server.transports.mqtt!.ready;
    return server;
  }

  it('stores every published uplink exactly once, and both servers take a share', async () => {
    const a = await instance('a');
    const b = await instance('b');
    const publisher = await mqtt.connectAsync(broker.url, {
      clientId: 'scale-out-publisher',
      protocolVersion: 5,
    });
    const uplinks = 2000;
    const repeats = 200;
    const dedup = (i: number): string => `scale-out-${i}`;
    const publish = (i: number) =>
      publisher.publishAsync(
        `application/a/device/0004a30b001c00${String(i % 40).padStart(2, '0')}/event/up`,
        JSON.stringify(
          chirpstackUp({
            dedup: dedup(i),
            fCnt: i,
            devEui: `0004a30b001c00${String(i % 40).padStart(2, '0')}`,
          }),
        ),
        { qos: 1 },
      );
    await Promise.all(Array.from({ length: uplinks }, (_, i) => publish(i)));
    await Promise.all(Array.from({ length: repeats }, (_, i) => publish((i * 7) % uplinks)));
    const count = async () =>
      (
        await rows(stores[0]!, 'SELECT count(*)::int AS n, count(DISTINCT dedup_key)::int AS k FROM uplinks')
      )[0]!;
    const counted = (s: RunningServer) =>
      s.context.metrics.ingested.get({ network: 'chirpstack' }) +
      s.context.metrics.duplicates.get({ network: 'chirpstack' });
    await until(async () => counted(a) + counted(b) === uplinks + repeats);
    expect(await count()).toEqual({ n: uplinks, k: uplinks });
    const keys = await rows(stores[0]!, 'SELECT dedup_key FROM uplinks');
    expect(new Set(keys.map((r) => r.dedup_key))).toEqual(
      new Set(Array.from({ length: uplinks }, (_, i) => dedup(i))),
    );
    const stored = [a, b].map((s) => s.context.metrics.ingested.get({ network: 'chirpstack' }));
    expect(stored[0]! + stored[1]!).toBe(uplinks);
    expect(stored[0]).toBeGreaterThan(0);
    expect(stored[1]).toBeGreaterThan(0);
    await publisher.endAsync();
    await Promise.all([a.close(), b.close()]);
  });
});
