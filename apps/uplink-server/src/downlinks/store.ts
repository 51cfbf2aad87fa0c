/**
 * The downlink tables (migrations/0002_downlinks.sql): each device's route per network, every downlink
 * asked for with what the network answered, and the redeliveries of uplinks already stored.
 */
import type { SqlQueries } from '../store/driver';
import type { Network } from '../store';
import { iso, num, numOrNull } from '../values';
import type { DownlinkRoute, Transport } from './route';

export type DownlinkStatus = 'pending' | 'sent' | 'failed';
export type DownlinkMode = 'push' | 'replace';

/** A downlink as it is stored and served. */
export interface DownlinkRecord {
  id: number;
  devEui: string;
  app: string;
  fPort: number;
  /** The encoded payload, lower-case hex. */
  payload: string;
  /** The value it encodes. */
  value: Record<string, unknown>;
  confirmed: boolean;
  mode: DownlinkMode;
  network: Network;
  /** The URL the network was asked at (no credentials, no query). */
  target: string | null;
  status: DownlinkStatus;
  /** The network's HTTP status, when it answered. */
  responseCode: number | null;
  /** Why it failed: the network's answer or the connection's error. */
  error: string | null;
  /** The network's id of the queued downlink, where it gives one (ChirpStack). */
  networkRef: string | null;
  createdAt: string;
  completedAt: string | null;
}

export type NewDownlink = Pick<
  DownlinkRecord,
  'devEui' | 'app' | 'fPort' | 'payload' | 'value' | 'confirmed' | 'mode' | 'network' | 'target'
>;

export type DownlinkOutcome = Pick<DownlinkRecord, 'status' | 'responseCode' | 'error' | 'networkRef'>;

type Row = Record<string, unknown>;

const COLUMNS = `id, dev_eui, app, f_port, encode(payload, 'hex') AS payload, value, confirmed, mode, network,
  target, status, response_code, error, network_ref, created_at, completed_at`;

function recordOf(r: Row): DownlinkRecord {
  return {
    id: num(r.id),
    devEui: r.dev_eui as string,
    app: r.app as string,
    fPort: num(r.f_port),
    payload: r.payload as string,
    value: r.value as Record<string, unknown>,
    confirmed: r.confirmed as boolean,
    mode: r.mode as DownlinkMode,
    network: r.network as Network,
    target: (r.target as string | null) ?? null,
    status: r.status as DownlinkStatus,
    responseCode: numOrNull(r.response_code),
    error: (r.error as string | null) ?? null,
    networkRef: (r.network_ref as string | null) ?? null,
    createdAt: iso(r.created_at),
    completedAt: r.completed_at === null || r.completed_at === undefined ? null : iso(r.completed_at),
  };
}

/** A route as the table keeps it: the API key sealed (or absent). */
export type StoredRoute = Omit<DownlinkRoute, 'apiKey'> & { apiKeySealed: string | null };

function routeOfRow(r: Row): StoredRoute {
  return {
    devEui: r.dev_eui as string,
    network: r.network as Network,
    transport: (r.transport as Transport | null) ?? null,
    pushUrl: (r.push_url as string | null) ?? null,
    replaceUrl: (r.replace_url as string | null) ?? null,
    apiKeySealed: (r.api_key_sealed as string | null) ?? null,
    applicationId: (r.application_id as string | null) ?? null,
    mqttTopic: (r.mqtt_topic as string | null) ?? null,
  };
}

export class DownlinkStore {
  constructor(private readonly db: SqlQueries) {}

  async route(devEui: string, network: Network): Promise<StoredRoute | undefined> {
    const [row] = await this.db.query<Row>(
      `SELECT dev_eui, network, transport, push_url, replace_url, api_key_sealed, application_id, mqtt_topic
       FROM downlink_routes WHERE dev_eui = $1 AND network = $2`,
      [devEui, network],
    );
    return row ? routeOfRow(row) : undefined;
  }

  /** Keeps a route; a field the new one lacks (null) keeps its stored value. */
  async saveRoute(r: StoredRoute): Promise<void> {
    await this.db.query(
      `INSERT INTO downlink_routes (dev_eui, network, transport, push_url, replace_url, api_key_sealed,
         application_id, mqtt_topic)
       VALUES ($1, $2, COALESCE($3, 'http'), $4, $5, $6, $7, $8)
       ON CONFLICT (dev_eui, network) DO UPDATE SET
         transport = COALESCE($3, downlink_routes.transport),
         push_url = COALESCE(EXCLUDED.push_url, downlink_routes.push_url),
         replace_url = COALESCE(EXCLUDED.replace_url, downlink_routes.replace_url),
         api_key_sealed = COALESCE(EXCLUDED.api_key_sealed, downlink_routes.api_key_sealed),
         application_id = COALESCE(EXCLUDED.application_id, downlink_routes.application_id),
         mqtt_topic = COALESCE(EXCLUDED.mqtt_topic, downlink_routes.mqtt_topic),
         updated_at = now()`,
      [
        r.devEui,
        r.network,
        r.transport,
        r.pushUrl,
        r.replaceUrl,
        r.apiKeySealed,
        r.applicationId,
        r.mqttTopic,
      ],
    );
  }

  async countRedelivery(devEui: string): Promise<void> {
    await this.db.query(
      `INSERT INTO device_redeliveries (dev_eui, count, last_at) VALUES ($1, 1, now())
       ON CONFLICT (dev_eui) DO UPDATE SET count = device_redeliveries.count + 1, last_at = now()`,
      [devEui],
    );
  }

  /** Records a downlink about to be sent (status pending). */
  async insert(d: NewDownlink): Promise<DownlinkRecord> {
    const [row] = await this.db.query<Row>(
      `INSERT INTO downlinks (dev_eui, app, f_port, payload, value, confirmed, mode, network, target, status)
       VALUES ($1, $2, $3, decode($4, 'hex'), $5::jsonb, $6, $7, $8, $9, 'pending')
       RETURNING ${COLUMNS}`,
      [
        d.devEui,
        d.app,
        d.fPort,
        d.payload,
        JSON.stringify(d.value),
        d.confirmed,
        d.mode,
        d.network,
        d.target,
      ],
    );
    return recordOf(row!);
  }

  /** Records what the network answered. */
  async complete(id: number, o: DownlinkOutcome): Promise<DownlinkRecord> {
    const [row] = await this.db.query<Row>(
      `UPDATE downlinks SET status = $2, response_code = $3, error = $4, network_ref = $5, completed_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, o.status, o.responseCode, o.error, o.networkRef],
    );
    return recordOf(row!);
  }

  /** A device's downlinks, newest first, before the id `before`. */
  async list(devEui: string, limit: number, before?: number): Promise<DownlinkRecord[]> {
    const rows = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM downlinks WHERE dev_eui = $1 AND ($2::bigint IS NULL OR id < $2::bigint)
       ORDER BY id DESC LIMIT $3`,
      [devEui, before ?? null, limit],
    );
    return rows.map(recordOf);
  }
}
