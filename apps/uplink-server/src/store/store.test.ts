import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPglite, openPostgres, SqlStore, migrationFiles, type NewUplink } from './index';
import { postgresUnavailable, seedPgliteDir, startTempPostgres, tempDir } from '../testing';

function uplink(o: Partial<NewUplink> = {}): NewUplink {
  return {
    network: 'tts',
    dedupKey: 'k1',
    devEui: '70b3d57ed0000001',
    deviceId: 'dev-1',
    app: 'ppg-triage',
    registeredBy: 'fport',
    fPort: 14,
    fCnt: 1,
    receivedAt: '2026-05-01T10:00:00.000Z',
    payload: '0a0b',
    schemaName: 'ppg_triage',
    schemaVersion: 3,
    data: { alert: false },
    errors: [],
    warnings: [],
    rssi: -90,
    snr: 5,
    spreadingFactor: 9,
    frequencyHz: 868100000,
    airtimeMs: 164.864,
    gateways: [{ id: 'gw-a', rssi: -90, snr: 5 }],
    alertReasons: [],
    ...o,
  };
}

const pgSkip = postgresUnavailable();

/** The Store's contract, run on PGlite and on PostgreSQL. */
const drivers: {
  name: string;
  skip?: string;
  open: () => Promise<{ store: SqlStore; done: () => Promise<void> }>;
}[] = [
  {
    name: 'PGlite',
    open: async () => {
      const tmp = tempDir();
      const store = new SqlStore(await openPglite(tmp.dir));
      return { store, done: async () => (await store.close(), tmp.remove()) };
    },
  },
  {
    name: 'PostgreSQL',
    ...(pgSkip ? { skip: pgSkip } : {}),
    open: async () => {
      const pg = await startTempPostgres();
      const store = new SqlStore(await openPostgres(pg.url));
      return { store, done: async () => (await store.close(), await pg.stop()) };
    },
  },
];

describe('PGlite data directory', () => {
  it('belongs to one store at a time', async () => {
    const tmp = tempDir();
    seedPgliteDir(tmp.dir);
    const first = await openPglite(tmp.dir);
    await expect(openPglite(tmp.dir)).rejects.toThrow(
      `the data directory is in use by process ${process.pid}`,
    );
    await first.close();
    const again = await openPglite(tmp.dir);
    await again.close();
    tmp.remove();
  });
});

for (const driver of drivers) {
  const title = driver.skip ? `store on ${driver.name} [skipped: ${driver.skip}]` : `store on ${driver.name}`;
  describe.skipIf(driver.skip !== undefined)(title, () => {
    let store: SqlStore;
    let done: () => Promise<void>;
    beforeAll(async () => {
      ({ store, done } = await driver.open());
      expect(await store.migrate()).toEqual(migrationFiles());
    });
    afterAll(() => done?.());
    beforeEach(() => store.db.exec('TRUNCATE uplinks, devices RESTART IDENTITY'));

    it('applies each migration once', async () => {
      expect(await store.migrate()).toEqual([]);
      const applied = await store.db.query<{ name: string }>(
        'SELECT name FROM schema_migrations ORDER BY name',
      );
      expect(applied.map((r) => r.name)).toEqual(migrationFiles());
    });

    it('commits batches at once that share keys in opposite orders: each uplink stored once, no batch fails', async () => {
      const keys = Array.from({ length: 3000 }, (_, i) => `overlap-${String(i).padStart(4, '0')}`);
      const batch = (ks: string[]) =>
        ks.map((k) => uplink({ dedupKey: k, devEui: `70b3d57ed00001${k.slice(-2)}` }));
      // Connections open beforehand, so the three transactions start together.
      await Promise.all([1, 2, 3].map(() => store.db.transaction((tx) => tx.query('SELECT 1'))));
      const results = await Promise.all([
        store.commit(batch(keys)),
        store.commit(batch([...keys].reverse())),
        store.commit(batch(keys.filter((_, i) => i % 2 === 1))),
      ]);
      const stored = results.flat().filter((r) => r.status === 'stored');
      expect(stored).toHaveLength(keys.length);
      const [n] = await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM uplinks');
      expect(n!.n).toBe(keys.length);
      const [u] = await store.db.query<{ n: number }>('SELECT sum(uplinks)::int AS n FROM devices');
      expect(u!.n).toBe(keys.length);
    });

    it('stores an uplink once per (network, key), also within one batch, and round-trips every field', async () => {
      const a = uplink({ gateways: [{ id: 'gw-x', rssi: -1 }] });
      const results = await store.commit([a, uplink(), uplink({ network: 'chirpstack' })]);
      expect(results.map((r) => r.status)).toEqual(['stored', 'duplicate', 'stored']);
      expect((await store.commit([uplink()]))[0]).toEqual({ status: 'duplicate' });
      const [first] = await store.uplinksAfter(0, 1);
      const { id: _, ingestedAt, alert, ...fields } = first!;
      expect(fields).toEqual((({ registeredBy: _r, ...f }) => f)(a));
      expect(alert).toBe(false);
      expect(Date.parse(ingestedAt)).toBeGreaterThan(0);
      expect(await store.uplinks({ limit: 10 })).toHaveLength(2);
      expect((await store.findDevices('70b3d57ed0000001'))[0]!.uplinks).toBe(2);
    });

    it('counts uplinks per device, keeps the latest frame counter, and lets the config file name the app', async () => {
      await store.commit([
        uplink({ dedupKey: 'a', fCnt: 5, receivedAt: '2026-05-01T10:05:00.000Z' }),
        uplink({ dedupKey: 'b', fCnt: 4, receivedAt: '2026-05-01T10:04:00.000Z' }),
        uplink({
          dedupKey: 'c',
          devEui: '70b3d57ed0000002',
          app: null,
          registeredBy: 'none',
          deviceId: null,
        }),
      ]);
      let [d1] = await store.findDevices('70B3D57ED0000001');
      expect(d1).toMatchObject({ uplinks: 2, lastFCnt: 5, app: 'ppg-triage', registeredBy: 'fport' });
      expect(d1!.firstSeen).toBe('2026-05-01T10:04:00.000Z');
      expect(d1!.lastSeen).toBe('2026-05-01T10:05:00.000Z');
      // A device without an app gets one from a later uplink; one with an app keeps it.
      await store.commit([
        uplink({
          dedupKey: 'd',
          devEui: '70b3d57ed0000002',
          app: 'wearable-activity',
          registeredBy: 'fport',
        }),
        uplink({ dedupKey: 'e', app: 'wearable-activity' }),
      ]);
      expect((await store.findDevices('70b3d57ed0000002'))[0]).toMatchObject({
        app: 'wearable-activity',
        uplinks: 2,
      });
      [d1] = await store.findDevices('dev-1');
      expect(d1).toMatchObject({ app: 'ppg-triage', uplinks: 3 });
      // The config file wins, now and later.
      await store.registerDevices([{ devEui: '70b3d57ed0000001', app: 'predictive-maintenance' }]);
      await store.commit([uplink({ dedupKey: 'f', app: 'ppg-triage' })]);
      expect((await store.findDevices('70b3d57ed0000001'))[0]).toMatchObject({
        app: 'predictive-maintenance',
        registeredBy: 'config',
        uplinks: 4,
      });
      expect(await store.deviceApps()).toEqual(
        expect.arrayContaining([
          { devEui: '70b3d57ed0000001', app: 'predictive-maintenance', registeredBy: 'config' },
        ]),
      );
    });

    it('pages uplinks newest first with a position, filters by time, device and alert', async () => {
      const batch = Array.from({ length: 25 }, (_, i) =>
        uplink({
          dedupKey: `p${i}`,
          fCnt: i,
          // two uplinks share each received time, so the id breaks ties
          receivedAt: new Date(Date.UTC(2026, 4, 1, 10, Math.floor(i / 2))).toISOString(),
          alertReasons: i % 5 === 0 ? ['alert'] : [],
        }),
      );
      await store.commit(batch);
      const seen: number[] = [];
      let after: { receivedAt: string; id: number } | undefined;
      for (;;) {
        const page = await store.uplinks({
          devEui: '70b3d57ed0000001',
          limit: 7,
          ...(after ? { after } : {}),
        });
        seen.push(...page.map((u) => u.fCnt));
        if (page.length < 7) break;
        after = { receivedAt: page.at(-1)!.receivedAt, id: page.at(-1)!.id };
      }
      expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 24 - i));
      const window = await store.uplinks({
        from: '2026-05-01T10:02:00.000Z',
        to: '2026-05-01T10:04:00.000Z',
        limit: 100,
      });
      expect(window.map((u) => u.fCnt)).toEqual([7, 6, 5, 4]);
      const alerts = await store.uplinks({ alertsOnly: true, limit: 100 });
      expect(alerts.map((u) => u.fCnt)).toEqual([20, 15, 10, 5, 0]);
      expect(alerts.every((u) => u.alert && u.alertReasons[0] === 'alert')).toBe(true);
      expect((await store.uplinksAfter(20, 100)).map((u) => u.id)).toEqual([21, 22, 23, 24, 25]);
      expect(await store.devices({ limit: 10 })).toHaveLength(1);
      expect(await store.devices({ limit: 10, after: '70b3d57ed0000001' })).toHaveLength(0);
    });

    it('rolls a failed batch back whole', async () => {
      const bad = uplink({ dedupKey: 'bad', receivedAt: 'not a time' });
      await expect(store.commit([uplink({ dedupKey: 'good' }), bad])).rejects.toThrow();
      expect(await store.uplinks({ limit: 10 })).toEqual([]);
      expect(await store.devices({ limit: 10 })).toEqual([]);
    });
  });
}
