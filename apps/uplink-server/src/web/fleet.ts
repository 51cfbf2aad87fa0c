/**
 * What the fleet page shows, computed from the stored uplinks: per app, its state field (the first enum
 * field of its uplink schema: `dominant`, `state`, `breathing`), its numeric fields and its downlink
 * fields; per device, its latest state and battery, the alert reasons of its latest uplink (its open
 * alerts), and its link quality over the days up to its latest uplink — mean RSSI and SNR, frames lost
 * (gaps in the frame counter), frame-counter resets, frames stored twice (one fCnt and payload under two
 * network keys) and redeliveries the store refused as duplicates.
 */
import type { Field, PayloadSchema } from '@murmur/payload';
import type { AppCatalog } from '../catalog';
import type { SqlQueries } from '../store/driver';
import type { Network } from '../store';
import { iso, num, numOrNull } from '../values';

/** LoRaWAN 1.0's MAX_FCNT_GAP: a larger jump is a new session (or a counter reset), not lost frames. */
export const MAX_FCNT_GAP = 16_384;

export interface FleetField {
  name: string;
  /** Series labels: the field's name, or one per element of an array field. */
  labels: string[];
  unit: string | null;
  description: string | null;
}

export interface FleetDownlinkField {
  name: string;
  kind: 'bool' | 'uint' | 'int' | 'enum' | 'fixed' | 'unorm';
  min?: number;
  max?: number;
  step?: number;
  values?: string[];
  unit: string | null;
  description: string | null;
}

export interface FleetApp {
  id: string;
  title: string;
  stateField: string | null;
  stateValues: string[];
  fields: FleetField[];
  downlink: { fPort: number; fields: FleetDownlinkField[] } | null;
}

export interface FleetDevice {
  devEui: string;
  deviceId: string | null;
  app: string | null;
  network: Network;
  uplinks: number;
  lastSeen: string | null;
  state: string | null;
  batteryPct: number | null;
  openAlerts: string[];
  latest: {
    id: number;
    network: Network;
    receivedAt: string;
    fCnt: number;
    rssi: number | null;
    snr: number | null;
    spreadingFactor: number | null;
    decoded: boolean;
  } | null;
  link: {
    days: number;
    uplinks: number;
    alertUplinks: number;
    lostFrames: number;
    fCntResets: number;
    duplicates: number;
    redeliveries: number;
    rssiMean: number | null;
    snrMean: number | null;
  };
}

export interface Fleet {
  apps: FleetApp[];
  devices: FleetDevice[];
  /** The largest uplink id stored: the live stream from there misses nothing. */
  lastUplinkId: number;
}

/** Element labels of an array field from a description like `minutes per activity: walking, jogging, ...`. */
function elementLabels(name: string, field: Extract<Field, { kind: 'array' }>): string[] {
  const list = /:\s*([^:]+)$/
    .exec(field.description ?? '')?.[1]
    ?.split(',')
    .map((s) => s.trim());
  return Array.from({ length: field.length }, (_, i) =>
    list && list.length === field.length && list.every((s) => /^[\w -]{1,32}$/.test(s))
      ? `${name} ${list[i]}`
      : `${name}[${i}]`,
  );
}

const NUMERIC = new Set(['uint', 'int', 'fixed', 'unorm']);

function numericFields(schema: PayloadSchema): FleetField[] {
  const out: FleetField[] = [];
  for (const [name, f] of Object.entries(schema.fields)) {
    const scalar = f.kind === 'array' ? f.of : f;
    if (!NUMERIC.has(scalar.kind)) continue;
    out.push({
      name,
      labels: f.kind === 'array' ? elementLabels(name, f) : [name],
      unit: 'unit' in scalar && typeof scalar.unit === 'string' ? scalar.unit : null,
      description: f.description ?? null,
    });
  }
  return out;
}

function downlinkFields(schema: PayloadSchema): FleetDownlinkField[] {
  const out: FleetDownlinkField[] = [];
  for (const [name, f] of Object.entries(schema.fields)) {
    if (f.kind === 'array') continue;
    const base = {
      name,
      unit: 'unit' in f && typeof f.unit === 'string' ? f.unit : null,
      description: f.description ?? null,
    };
    if (f.kind === 'bool') out.push({ ...base, kind: 'bool' });
    else if (f.kind === 'enum') out.push({ ...base, kind: 'enum', values: [...f.values] });
    else if (f.kind === 'uint')
      out.push({ ...base, kind: 'uint', min: 0, max: f.max ?? 2 ** f.bits - 1, step: 1 });
    else if (f.kind === 'int')
      out.push({ ...base, kind: 'int', min: -(2 ** (f.bits - 1)), max: 2 ** (f.bits - 1) - 1, step: 1 });
    else if (f.kind === 'fixed')
      out.push({
        ...base,
        kind: 'fixed',
        min: f.offset,
        max: f.offset + (2 ** f.bits - 1) * f.scale,
        step: f.scale,
      });
    else out.push({ ...base, kind: 'unorm', min: 0, max: 1, step: 1 / (2 ** f.bits - 1) });
  }
  return out;
}

/** The page's description of every app of the catalog. */
export function fleetApps(catalog: AppCatalog): FleetApp[] {
  return catalog.ids().map((id) => {
    const app = catalog.apps.get(id)!;
    const schemas = [...app.uplinks.values()];
    const uplink = schemas[0];
    const state = uplink ? Object.entries(uplink.fields).find(([, f]) => f.kind === 'enum') : undefined;
    const withDownlink = schemas.find((s) => s.downlink);
    return {
      id,
      title: app.title,
      stateField: state?.[0] ?? null,
      stateValues: state && state[1].kind === 'enum' ? [...state[1].values] : [],
      fields: uplink ? numericFields(uplink) : [],
      downlink: withDownlink?.downlink
        ? { fPort: withDownlink.downlink.fPort, fields: downlinkFields(withDownlink.downlink) }
        : null,
    };
  });
}

const FLEET_SQL = `
WITH d AS (
  SELECT dev_eui, device_id, app, network, last_seen, uplinks FROM devices
  WHERE ($1::text IS NULL OR dev_eui = $1::text) ORDER BY dev_eui LIMIT $3
),
latest AS (
  SELECT d.dev_eui, l.* FROM d CROSS JOIN LATERAL (
    SELECT u.id AS latest_id, u.network AS latest_network, u.received_at AS latest_at, u.f_cnt AS latest_f_cnt,
      u.data AS latest_data, u.alert_reasons AS latest_alerts, u.rssi AS latest_rssi, u.snr AS latest_snr,
      u.spreading_factor AS latest_sf
    FROM uplinks u WHERE u.dev_eui = d.dev_eui ORDER BY u.received_at DESC, u.id DESC LIMIT 1
  ) l
),
seq AS (
  SELECT u.dev_eui, u.f_cnt, u.payload, u.alert, u.rssi, u.snr,
    lag(u.f_cnt) OVER w AS prev_f_cnt, lag(u.payload) OVER w AS prev_payload
  FROM d JOIN uplinks u ON u.dev_eui = d.dev_eui
  WHERE u.received_at >= d.last_seen - make_interval(days => $2::int)
  WINDOW w AS (PARTITION BY u.dev_eui ORDER BY u.received_at, u.f_cnt, u.id)
),
stats AS (
  SELECT dev_eui,
    count(*) AS n,
    count(*) FILTER (WHERE alert) AS alert_uplinks,
    coalesce(sum(f_cnt - prev_f_cnt - 1) FILTER (WHERE f_cnt - prev_f_cnt > 1 AND f_cnt - prev_f_cnt <= ${MAX_FCNT_GAP}), 0) AS lost,
    count(*) FILTER (WHERE f_cnt < prev_f_cnt OR f_cnt - prev_f_cnt > ${MAX_FCNT_GAP}) AS resets,
    count(*) FILTER (WHERE f_cnt = prev_f_cnt AND payload = prev_payload) AS duplicates,
    avg(rssi) AS rssi_mean,
    avg(snr) AS snr_mean
  FROM seq GROUP BY dev_eui
)
SELECT d.*, latest.latest_id, latest.latest_network, latest.latest_at, latest.latest_f_cnt, latest.latest_data,
  latest.latest_alerts, latest.latest_rssi, latest.latest_snr, latest.latest_sf,
  stats.n, stats.alert_uplinks, stats.lost, stats.resets, stats.duplicates, stats.rssi_mean, stats.snr_mean,
  r.count AS redeliveries
FROM d
LEFT JOIN latest ON latest.dev_eui = d.dev_eui
LEFT JOIN stats ON stats.dev_eui = d.dev_eui
LEFT JOIN device_redeliveries r ON r.dev_eui = d.dev_eui
ORDER BY d.dev_eui`;

export interface FleetQuery {
  devEui?: string;
  /** Days of uplinks, up to each device's latest, the link statistics cover. */
  days: number;
  limit: number;
}

const round = (v: number | null, digits: number): number | null =>
  v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits;

/** The fleet: every app, and the devices (one, with `devEui`) with their state and link quality. */
export async function fleet(db: SqlQueries, catalog: AppCatalog, q: FleetQuery): Promise<Fleet> {
  const apps = fleetApps(catalog);
  const stateField = new Map(apps.map((a) => [a.id, a.stateField]));
  const rows = await db.query<Record<string, unknown>>(FLEET_SQL, [q.devEui ?? null, q.days, q.limit]);
  const [max] = await db.query<{ id: unknown }>('SELECT coalesce(max(id), 0) AS id FROM uplinks');
  const devices = rows.map((r): FleetDevice => {
    const data = (r.latest_data as Record<string, unknown> | null) ?? null;
    const field = r.app === null ? null : (stateField.get(r.app as string) ?? null);
    const state = data && field ? data[field] : undefined;
    const battery = data?.battery_pct;
    const hasLatest = r.latest_id !== null && r.latest_id !== undefined;
    return {
      devEui: r.dev_eui as string,
      deviceId: (r.device_id as string | null) ?? null,
      app: (r.app as string | null) ?? null,
      network: r.network as Network,
      uplinks: num(r.uplinks),
      lastSeen: r.last_seen === null ? null : iso(r.last_seen),
      state: typeof state === 'string' ? state : null,
      batteryPct: typeof battery === 'number' ? battery : null,
      openAlerts: hasLatest ? (r.latest_alerts as string[]) : [],
      latest: hasLatest
        ? {
            id: num(r.latest_id),
            network: r.latest_network as Network,
            receivedAt: iso(r.latest_at),
            fCnt: num(r.latest_f_cnt),
            rssi: numOrNull(r.latest_rssi),
            snr: numOrNull(r.latest_snr),
            spreadingFactor: numOrNull(r.latest_sf),
            decoded: data !== null,
          }
        : null,
      link: {
        days: q.days,
        uplinks: num(r.n ?? 0),
        alertUplinks: num(r.alert_uplinks ?? 0),
        lostFrames: num(r.lost ?? 0),
        fCntResets: num(r.resets ?? 0),
        duplicates: num(r.duplicates ?? 0),
        redeliveries: num(r.redeliveries ?? 0),
        rssiMean: round(numOrNull(r.rssi_mean), 1),
        snrMean: round(numOrNull(r.snr_mean), 1),
      },
    };
  });
  return { apps, devices, lastUplinkId: num(max?.id ?? 0) };
}
