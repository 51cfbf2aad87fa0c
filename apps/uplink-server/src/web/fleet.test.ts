import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catalogOf } from '../catalog';
import {
  chirpstackUp,
  examplePayload,
  PORTS,
  startTestServer,
  tempPgliteStore,
  testCatalog,
  testConfig,
  ttsMessage,
  type Message,
  type TestServer,
} from '../testing';
import { fleetApps } from './fleet';

let db: Awaited<ReturnType<typeof tempPgliteStore>>;
let t: TestServer;

beforeAll(async () => {
  db = await tempPgliteStore();
});
afterAll(() => db.close());
beforeEach(async () => {
  await db.store.db.exec(
    'TRUNCATE uplinks, devices, downlinks, downlink_routes, device_redeliveries RESTART IDENTITY',
  );
  t = await startTestServer(db.store, testConfig(db.dir));
});
afterEach(() => t.server.close());

const json = async (res: Response): Promise<any> => JSON.parse(await res.text());

/** A message received at `minute` minutes past 10:00 on 2026-05-01. */
function at(m: Message, minute: number): Message {
  const time = new Date(Date.UTC(2026, 4, 1, 10, minute)).toISOString();
  m.received_at = time;
  if (m.uplink_message) m.uplink_message.received_at = time;
  if (m.time) m.time = time;
  return m;
}

const WRIST = '70b3d57ed00000c1';

function wearable(fCnt: number, example: number, minute: number, rssi = -97): Message {
  const m = ttsMessage({
    devEui: WRIST,
    deviceId: 'wrist-1',
    fPort: PORTS.wearable,
    payload: examplePayload.wearable(example),
    fCnt,
  });
  m.uplink_message.rx_metadata = [{ gateway_ids: { gateway_id: 'gw-a' }, rssi, snr: 5 }];
  return at(m, minute);
}

describe('the fleet summary', () => {
  it('describes each app: its state field, numeric fields (array elements named) and downlink fields', async () => {
    const apps = fleetApps(await testCatalog());
    const byId = new Map(apps.map((a) => [a.id, a]));
    expect(byId.get('wearable-activity')).toMatchObject({ stateField: 'dominant', downlink: null });
    expect(byId.get('predictive-maintenance')!.stateField).toBe('state');
    expect(byId.get('ppg-triage')!.stateField).toBe('breathing');
    const minutes = byId.get('wearable-activity')!.fields.find((f) => f.name === 'minutes')!;
    expect(minutes.labels).toEqual([
      'minutes walking',
      'minutes jogging',
      'minutes stairs',
      'minutes sitting',
      'minutes standing',
      'minutes kicking',
    ]);
    expect(byId.get('wearable-activity')!.fields.map((f) => f.name)).toEqual([
      'minutes',
      'confidence',
      'battery_pct',
    ]);
    expect(byId.get('predictive-maintenance')!.downlink).toEqual({
      fPort: 11,
      fields: [
        expect.objectContaining({ name: 'restart_baseline', kind: 'bool' }),
        expect.objectContaining({ name: 'uplink_period_min', kind: 'uint', min: 0, max: 4095, unit: 'min' }),
      ],
    });
    // An array whose description does not list its elements is labelled by index.
    const [plain] = fleetApps(
      catalogOf([
        {
          id: 'x',
          payload: {
            name: 'x',
            fPort: 1,
            version: 1,
            versionBits: 3,
            size: 2,
            bits: 11,
            fields: { v: { kind: 'array', of: { kind: 'uint', bits: 4 }, length: 2 } },
          },
        },
      ]),
    );
    expect(plain!.fields[0]!.labels).toEqual(['v[0]', 'v[1]']);
    expect(plain!.stateField).toBeNull();
  });

  it('gives state, battery, open alerts, and link quality from the stored uplinks', async () => {
    await t.post('/v1/ingest/tts', wearable(1, 0, 0, -100));
    await t.post('/v1/ingest/tts', wearable(2, 1, 15, -90));
    // Frames 3 and 4 never arrived.
    await t.post('/v1/ingest/tts', wearable(5, 2, 45, -80));
    // A webhook retry of frame 5: refused as a duplicate, counted as a redelivery.
    expect((await json(await t.post('/v1/ingest/tts', wearable(5, 2, 45, -80)))).status).toBe('duplicate');

    // A device whose frame 7 reached the store twice, under two ChirpStack deduplication ids.
    const pump = '0004a30b001c00c2';
    await t.post(
      '/v1/ingest/chirpstack?event=up',
      at(chirpstackUp({ devEui: pump, fCnt: 6, dedup: 'd-6' }), 0),
    );
    await t.post(
      '/v1/ingest/chirpstack?event=up',
      at(chirpstackUp({ devEui: pump, fCnt: 7, dedup: 'd-7a' }), 15),
    );
    await t.post(
      '/v1/ingest/chirpstack?event=up',
      at(chirpstackUp({ devEui: pump, fCnt: 7, dedup: 'd-7b' }), 15),
    );
    // After a rejoin the counter starts again: a reset, not 2^32 lost frames.
    await t.post(
      '/v1/ingest/chirpstack?event=up',
      at(chirpstackUp({ devEui: pump, fCnt: 0, dedup: 'd-0' }), 30),
    );

    const fleet = await json(await t.get('/v1/fleet'));
    expect(fleet.apps.map((a: any) => a.id)).toEqual([
      'ppg-triage',
      'predictive-maintenance',
      'wearable-activity',
    ]);
    const [csDevice, wrist] = fleet.devices;
    expect(fleet.lastUplinkId).toBe(csDevice.latest.id);
    expect(wrist).toMatchObject({
      devEui: WRIST,
      deviceId: 'wrist-1',
      app: 'wearable-activity',
      network: 'tts',
      uplinks: 3,
      lastSeen: '2026-05-01T10:45:00.000Z',
      state: 'unknown',
      batteryPct: 73,
      openAlerts: ['sensor_fault'],
      latest: { id: 3, network: 'tts', fCnt: 5, rssi: -80, snr: 5, spreadingFactor: 9, decoded: true },
      link: {
        days: 7,
        uplinks: 3,
        alertUplinks: 1,
        lostFrames: 2,
        fCntResets: 0,
        duplicates: 0,
        redeliveries: 1,
        rssiMean: -90,
        snrMean: 5,
      },
    });
    expect(csDevice).toMatchObject({
      devEui: pump,
      app: 'predictive-maintenance',
      state: 'outer_race',
      batteryPct: 64,
      openAlerts: ['alert', 'state:outer_race'],
      link: { uplinks: 4, lostFrames: 0, fCntResets: 1, duplicates: 1, redeliveries: 0 },
    });

    // One device; and a window that leaves the first uplink out.
    const one = await json(await t.get(`/v1/fleet?devEui=${WRIST.toUpperCase()}`));
    expect(one.devices.map((d: any) => d.devEui)).toEqual([WRIST]);
    expect((await t.get('/v1/fleet?days=0')).status).toBe(400);
  });

  it('lists a device the config file names before it sends anything', async () => {
    await db.store.registerDevices([{ devEui: '70b3d57ed00000c9', app: 'ppg-triage' }]);
    const fleet = await json(await t.get('/v1/fleet'));
    expect(fleet.devices).toEqual([
      expect.objectContaining({
        devEui: '70b3d57ed00000c9',
        app: 'ppg-triage',
        uplinks: 0,
        state: null,
        batteryPct: null,
        openAlerts: [],
        latest: null,
        link: expect.objectContaining({ uplinks: 0, lostFrames: 0 }),
      }),
    ]);
  });
});
