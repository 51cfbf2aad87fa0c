/**
 * The Store over SQL, the same statements for PGlite and PostgreSQL. A batch of uplinks travels as one JSON
 * parameter (`jsonb_to_recordset`), so a group commit is two statements whatever its size: the uplinks
 * (INSERT ... ON CONFLICT DO NOTHING RETURNING the ones stored) and their devices (an upsert).
 */
import type { SqlDriver } from './driver';
import { migrate } from './migrate';
import type {
  CommitResult,
  ConfiguredDevice,
  DeviceApp,
  DeviceRecord,
  GatewayReception,
  Network,
  NewUplink,
  RegisteredBy,
  Store,
  UplinkQuery,
  UplinkRecord,
} from './store';
import { iso, num, numOrNull } from '../values';

const UPLINK_COLUMNS = `id, network, dedup_key, dev_eui, device_id, app, f_port, f_cnt, received_at, ingested_at,
  encode(payload, 'hex') AS payload, schema_name, schema_version, data, errors, warnings, rssi, snr,
  spreading_factor, frequency_hz, airtime_ms, gateways, alert, alert_reasons`;

const DEVICE_COLUMNS = `dev_eui, device_id, app, registered_by, network, first_seen, last_seen, last_f_cnt, uplinks`;

type Row = Record<string, unknown>;

function uplinkOf(r: Row): UplinkRecord {
  return {
    id: num(r.id),
    network: r.network as Network,
    dedupKey: r.dedup_key as string,
    devEui: r.dev_eui as string,
    deviceId: (r.device_id as string | null) ?? null,
    app: (r.app as string | null) ?? null,
    fPort: num(r.f_port),
    fCnt: num(r.f_cnt),
    receivedAt: iso(r.received_at),
    ingestedAt: iso(r.ingested_at),
    payload: r.payload as string,
    schemaName: (r.schema_name as string | null) ?? null,
    schemaVersion: numOrNull(r.schema_version),
    data: (r.data as Record<string, unknown> | null) ?? null,
    errors: r.errors as string[],
    warnings: r.warnings as string[],
    rssi: numOrNull(r.rssi),
    snr: numOrNull(r.snr),
    spreadingFactor: numOrNull(r.spreading_factor),
    frequencyHz: numOrNull(r.frequency_hz),
    airtimeMs: numOrNull(r.airtime_ms),
    gateways: r.gateways as GatewayReception[],
    alert: r.alert as boolean,
    alertReasons: r.alert_reasons as string[],
  };
}

function deviceOf(r: Row): DeviceRecord {
  return {
    devEui: r.dev_eui as string,
    deviceId: (r.device_id as string | null) ?? null,
    app: (r.app as string | null) ?? null,
    registeredBy: r.registered_by as RegisteredBy,
    network: r.network as Network,
    firstSeen: r.first_seen === null ? null : iso(r.first_seen),
    lastSeen: r.last_seen === null ? null : iso(r.last_seen),
    lastFCnt: numOrNull(r.last_f_cnt),
    uplinks: num(r.uplinks),
  };
}

/** One uplink as a row of the commit's JSON parameter. */
function uplinkParam(u: NewUplink): Row {
  return {
    network: u.network,
    dedup_key: u.dedupKey,
    dev_eui: u.devEui,
    device_id: u.deviceId,
    app: u.app,
    f_port: u.fPort,
    f_cnt: u.fCnt,
    received_at: u.receivedAt,
    payload: u.payload,
    schema_name: u.schemaName,
    schema_version: u.schemaVersion,
    data: u.data,
    errors: u.errors,
    warnings: u.warnings,
    rssi: u.rssi,
    snr: u.snr,
    spreading_factor: u.spreadingFactor,
    frequency_hz: u.frequencyHz,
    airtime_ms: u.airtimeMs,
    gateways: u.gateways,
    alert: u.alertReasons.length > 0,
    alert_reasons: u.alertReasons,
  };
}

/** The uplinks of a batch, inserted in arrival order (PGlite: one transaction at a time). */
const INSERT_UPLINKS_SERIAL = `
INSERT INTO uplinks (network, dedup_key, dev_eui, device_id, app, f_port, f_cnt, received_at, payload,
  schema_name, schema_version, data, errors, warnings, rssi, snr, spreading_factor, frequency_hz, airtime_ms,
  gateways, alert, alert_reasons)
SELECT x.network, x.dedup_key, x.dev_eui, x.device_id, x.app, x.f_port, x.f_cnt, x.received_at::timestamptz,
  decode(x.payload, 'hex'), x.schema_name, x.schema_version, x.data, x.errors, x.warnings, x.rssi, x.snr,
  x.spreading_factor, x.frequency_hz, x.airtime_ms, x.gateways, x.alert, x.alert_reasons
FROM jsonb_to_recordset($1::jsonb) AS x(network text, dedup_key text, dev_eui text, device_id text, app text,
  f_port integer, f_cnt bigint, received_at text, payload text, schema_name text, schema_version integer,
  data jsonb, errors jsonb, warnings jsonb, rssi double precision, snr double precision,
  spreading_factor integer, frequency_hz bigint, airtime_ms double precision, gateways jsonb, alert boolean,
  alert_reasons jsonb)
ON CONFLICT ON CONSTRAINT uplinks_dedup DO NOTHING
RETURNING id, network, dedup_key, ingested_at`;

/**
 * The uplinks of a batch on PostgreSQL, given in arrival order: ids are drawn in that order (so a device's uplinks in one
 * batch keep theirs), and rows are inserted in (network, dedup_key) order, so that transactions committing at
 * once (overlapping batches, several servers) take the unique key's locks in one order and never wait for
 * each other in a cycle.
 */
const INSERT_UPLINKS = `
WITH x AS (
  SELECT nextval(pg_get_serial_sequence('uplinks', 'id')) AS id, r.*
  FROM jsonb_to_recordset($1::jsonb) AS r(network text, dedup_key text, dev_eui text,
    device_id text, app text, f_port integer, f_cnt bigint, received_at text, payload text, schema_name text,
    schema_version integer, data jsonb, errors jsonb, warnings jsonb, rssi double precision,
    snr double precision, spreading_factor integer, frequency_hz bigint, airtime_ms double precision,
    gateways jsonb, alert boolean, alert_reasons jsonb, ord bigint)
  ORDER BY r.ord
)
INSERT INTO uplinks (id, network, dedup_key, dev_eui, device_id, app, f_port, f_cnt, received_at, payload,
  schema_name, schema_version, data, errors, warnings, rssi, snr, spreading_factor, frequency_hz, airtime_ms,
  gateways, alert, alert_reasons)
SELECT x.id, x.network, x.dedup_key, x.dev_eui, x.device_id, x.app, x.f_port, x.f_cnt,
  x.received_at::timestamptz, decode(x.payload, 'hex'), x.schema_name, x.schema_version, x.data, x.errors,
  x.warnings, x.rssi, x.snr, x.spreading_factor, x.frequency_hz, x.airtime_ms, x.gateways, x.alert,
  x.alert_reasons
FROM x ORDER BY x.network, x.dedup_key
ON CONFLICT ON CONSTRAINT uplinks_dedup DO NOTHING
RETURNING id, network, dedup_key, ingested_at`;

/**
 * Devices of a commit: a new one is registered with its app; a known one keeps a config file's app, gets
 * an inferred app when it had none, and adds its uplinks. `last_f_cnt` follows the latest reception.
 */
const UPSERT_DEVICES = `
INSERT INTO devices (dev_eui, device_id, app, registered_by, network, first_seen, last_seen, last_f_cnt, uplinks)
SELECT x.dev_eui, x.device_id, x.app, x.registered_by, x.network, x.first_seen::timestamptz,
  x.last_seen::timestamptz, x.last_f_cnt, x.uplinks
FROM jsonb_to_recordset($1::jsonb) AS x(dev_eui text, device_id text, app text, registered_by text,
  network text, first_seen text, last_seen text, last_f_cnt bigint, uplinks bigint)
ON CONFLICT (dev_eui) DO UPDATE SET
  device_id = COALESCE(EXCLUDED.device_id, devices.device_id),
  app = CASE WHEN devices.registered_by = 'config' OR devices.app IS NOT NULL THEN devices.app
             ELSE EXCLUDED.app END,
  registered_by = CASE WHEN devices.registered_by = 'config' OR devices.app IS NOT NULL
                       THEN devices.registered_by ELSE EXCLUDED.registered_by END,
  first_seen = LEAST(devices.first_seen, EXCLUDED.first_seen),
  last_f_cnt = CASE WHEN devices.last_seen IS NULL OR EXCLUDED.last_seen >= devices.last_seen
                    THEN EXCLUDED.last_f_cnt ELSE devices.last_f_cnt END,
  last_seen = GREATEST(devices.last_seen, EXCLUDED.last_seen),
  uplinks = devices.uplinks + EXCLUDED.uplinks`;

/** What a commit adds to each device: its stored uplinks counted, first and last reception. */
function deviceRows(stored: NewUplink[]): Row[] {
  const byDevice = new Map<string, Row>();
  for (const u of stored) {
    const d = byDevice.get(u.devEui);
    if (!d) {
      byDevice.set(u.devEui, {
        dev_eui: u.devEui,
        device_id: u.deviceId,
        app: u.app,
        registered_by: u.registeredBy,
        network: u.network,
        first_seen: u.receivedAt,
        last_seen: u.receivedAt,
        last_f_cnt: u.fCnt,
        uplinks: 1,
      });
      continue;
    }
    d.uplinks = (d.uplinks as number) + 1;
    if (u.deviceId !== null) d.device_id = u.deviceId;
    if (u.receivedAt < (d.first_seen as string)) d.first_seen = u.receivedAt;
    if (u.receivedAt >= (d.last_seen as string)) {
      d.last_seen = u.receivedAt;
      d.last_f_cnt = u.fCnt;
    }
    if (d.app === null && u.app !== null) {
      d.app = u.app;
      d.registered_by = u.registeredBy;
    }
  }
  // In DevEUI order, so that concurrent commits (several servers on one database) lock devices in one order.
  return [...byDevice.values()].sort((a, b) => ((a.dev_eui as string) < (b.dev_eui as string) ? -1 : 1));
}

export class SqlStore implements Store {
  constructor(readonly db: SqlDriver) {}

  get kind(): 'pglite' | 'postgres' {
    return this.db.kind;
  }

  get location(): string {
    return this.db.location;
  }

  migrate(): Promise<string[]> {
    return migrate(this.db);
  }

  async commit(uplinks: NewUplink[]): Promise<CommitResult[]> {
    if (uplinks.length === 0) return [];
    const inserted = await this.db.transaction(async (tx) => {
      const param = uplinks.map((u, ord) => ({ ...uplinkParam(u), ord }));
      const insert = this.db.kind === 'pglite' ? INSERT_UPLINKS_SERIAL : INSERT_UPLINKS;
      const rows = await tx.query<Row>(insert, [JSON.stringify(param)]);
      const byKey = new Map(rows.map((r) => [`${r.network as string} ${r.dedup_key as string}`, r]));
      // Only the first uplink of an inserted key was stored; a copy later in the batch is a duplicate.
      const seen = new Set<string>();
      const stored = uplinks.filter((u) => {
        const key = `${u.network} ${u.dedupKey}`;
        if (!byKey.has(key) || seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      if (stored.length > 0) await tx.query(UPSERT_DEVICES, [JSON.stringify(deviceRows(stored))]);
      return byKey;
    });
    // The first uplink of a key that was inserted is the stored one; any other with its key is a duplicate.
    return uplinks.map((u): CommitResult => {
      const key = `${u.network} ${u.dedupKey}`;
      const row = inserted.get(key);
      if (!row) return { status: 'duplicate' };
      inserted.delete(key);
      return { status: 'stored', id: num(row.id), ingestedAt: iso(row.ingested_at) };
    });
  }

  async registerDevices(devices: ConfiguredDevice[]): Promise<void> {
    if (devices.length === 0) return;
    const rows = devices.map((d) => ({
      dev_eui: d.devEui,
      device_id: d.deviceId ?? null,
      app: d.app,
      network: d.network ?? 'tts',
    }));
    await this.db.query(
      `INSERT INTO devices (dev_eui, device_id, app, registered_by, network)
       SELECT x.dev_eui, x.device_id, x.app, 'config', x.network
       FROM jsonb_to_recordset($1::jsonb) AS x(dev_eui text, device_id text, app text, network text)
       ON CONFLICT (dev_eui) DO UPDATE SET app = EXCLUDED.app, registered_by = 'config',
         device_id = COALESCE(EXCLUDED.device_id, devices.device_id)`,
      [JSON.stringify(rows)],
    );
  }

  async deviceApps(): Promise<DeviceApp[]> {
    const rows = await this.db.query<Row>('SELECT dev_eui, app, registered_by FROM devices');
    return rows.map((r) => ({
      devEui: r.dev_eui as string,
      app: (r.app as string | null) ?? null,
      registeredBy: r.registered_by as RegisteredBy,
    }));
  }

  async devices(page: { limit: number; after?: string }): Promise<DeviceRecord[]> {
    const rows = await this.db.query<Row>(
      `SELECT ${DEVICE_COLUMNS} FROM devices WHERE ($1::text IS NULL OR dev_eui > $1::text)
       ORDER BY dev_eui LIMIT $2`,
      [page.after ?? null, page.limit],
    );
    return rows.map(deviceOf);
  }

  async findDevices(id: string): Promise<DeviceRecord[]> {
    const rows = await this.db.query<Row>(
      `SELECT ${DEVICE_COLUMNS} FROM devices WHERE dev_eui = lower($1) OR device_id = $1
       ORDER BY (dev_eui = lower($1)) DESC, dev_eui LIMIT 20`,
      [id],
    );
    return rows.map(deviceOf);
  }

  async uplinks(q: UplinkQuery): Promise<UplinkRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown): string => `$${params.push(v)}`;
    if (q.devEui !== undefined) where.push(`dev_eui = ${param(q.devEui)}`);
    if (q.alertsOnly) where.push('alert');
    if (q.from !== undefined) where.push(`received_at >= ${param(q.from)}::timestamptz`);
    if (q.to !== undefined) where.push(`received_at < ${param(q.to)}::timestamptz`);
    if (q.after !== undefined)
      where.push(`(received_at, id) < (${param(q.after.receivedAt)}::timestamptz, ${param(q.after.id)})`);
    const rows = await this.db.query<Row>(
      `SELECT ${UPLINK_COLUMNS} FROM uplinks ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY received_at DESC, id DESC LIMIT ${param(q.limit)}`,
      params,
    );
    return rows.map(uplinkOf);
  }

  async uplinksAfter(id: number, limit: number): Promise<UplinkRecord[]> {
    const rows = await this.db.query<Row>(
      `SELECT ${UPLINK_COLUMNS} FROM uplinks WHERE id > $1 ORDER BY id LIMIT $2`,
      [id, limit],
    );
    return rows.map(uplinkOf);
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
