/**
 * Ingestion, the one path every transport takes (HTTP webhooks today; MQTT, NB-IoT datagrams later): a
 * received uplink is given its device's app, decoded with that app's schema, queued for the group commit,
 * and answered once it is committed — `stored`, or `duplicate` when the network's deduplication key is
 * already in the store. A transport acknowledges to the network only after `ingest` resolves (HTTP 2xx,
 * MQTT PUBACK), so an acknowledged uplink is never lost, and a retried one is never stored twice.
 */
import type { Uplink } from '@murmur/lpwan';
import { decode, fromHex, type PayloadSchema } from '@murmur/payload';
import type { UplinkHub } from './hub';
import type { ServerMetrics } from './metrics';
import { DEFAULT_QUEUE, GroupCommitQueue, type GroupCommitOptions } from './queue';
import type { DeviceRegistry } from './registry';
import type { AppCatalog } from './catalog';
import type { CommitResult, Network, NewUplink, Store, UplinkRecord } from './store';
import { cleanText, requireInstant } from './values';

/** An uplink as a transport received it, read but not decoded. */
export interface ReceivedUplink {
  network: Network;
  /** The normalised uplink of @murmur/lpwan (`fromTtsUplink`, `fromChirpstackUp`, ...), read without a schema. */
  uplink: Uplink;
  /** The network's id of the device. */
  deviceId?: string;
  /** The network's id of the device's application (TTS application_id, ChirpStack applicationId). */
  applicationId?: string;
  frequencyHz?: number;
  airtimeMs?: number;
  /** Metadata of the message that was ignored, and why. */
  warnings?: string[];
  /** Field path of the reception time, for the message when it cannot be stored. */
  receivedAtField?: string;
  /**
   * Decodes the payload with the device's schema when it is not the bit-packed form (NB-IoT's CBOR body),
   * with the schema version the payload carries (null when it carries none).
   */
  decode?: (schema: PayloadSchema) => PayloadDecoding;
}

/** A payload decoded by a transport's own `decode`. */
export interface PayloadDecoding {
  data?: Record<string, unknown>;
  errors: string[];
  warnings: string[];
  version: number | null;
}

export type IngestOutcome =
  { status: 'stored'; uplink: UplinkRecord } | { status: 'duplicate'; uplink: NewUplink };

/** Why an uplink is an alert: `alert`, `sensor_fault`, or a fault state (`state:outer_race`). */
export function alertReasons(data: Record<string, unknown> | null): string[] {
  if (!data) return [];
  const reasons: string[] = [];
  if (data.alert === true) reasons.push('alert');
  if (data.sensor_fault === true) reasons.push('sensor_fault');
  if (typeof data.state === 'string' && data.state !== 'normal' && data.state !== 'unknown')
    reasons.push(`state:${data.state}`);
  return reasons;
}

/** The version in the payload header (the top `versionBits` of the first byte), null for an empty payload. */
function headerVersion(schema: PayloadSchema, bytes: Uint8Array): number | null {
  return bytes.length === 0 ? null : bytes[0]! >> (8 - schema.versionBits);
}

/**
 * Batches committing at once by default: PostgreSQL commits several on separate pool connections, so a
 * slow commit (an fsync that stalls) does not hold up the next; PGlite runs one transaction at a time.
 */
export function defaultInFlight(kind: Store['kind']): number {
  return kind === 'postgres' ? 3 : 1;
}

export interface IngestorOptions {
  store: Store;
  catalog: AppCatalog;
  registry: DeviceRegistry;
  metrics: ServerMetrics;
  hub: UplinkHub;
  queue?: Partial<GroupCommitOptions>;
  /** Told about a batch or an uplink that could not be committed. */
  onCommitError?: (err: unknown, uplinks: number) => void;
}

export class Ingestor {
  readonly queue: GroupCommitQueue<NewUplink, CommitResult>;

  constructor(private readonly o: IngestorOptions) {
    this.queue = new GroupCommitQueue((batch) => this.commit(batch), {
      ...DEFAULT_QUEUE,
      ...o.queue,
      maxInFlight: o.queue?.maxInFlight ?? defaultInFlight(o.store.kind),
    });
  }

  /** The uplink decoded and ready to store (throws MurmurError for a reception time it cannot store). */
  prepare(received: ReceivedUplink, key: string): NewUplink {
    const u = received.uplink;
    const receivedAt = requireInstant(u.receivedAt, received.receivedAtField ?? 'receivedAt').toISOString();
    const { app, registeredBy } = this.o.registry.resolve(u.devEui, u.fPort);
    const schema = app === null ? undefined : this.o.catalog.schema(app, u.fPort);
    const bytes = fromHex(u.bytes);
    const warnings = [...(received.warnings ?? [])];
    let data: Record<string, unknown> | null = null;
    let errors: string[];
    let version: number | null = null;
    if (schema) {
      const result = received.decode?.(schema) ?? {
        ...decode(schema, bytes, u.fPort),
        version: headerVersion(schema, bytes),
      };
      version = result.version;
      data = result.data ?? null;
      errors = result.errors;
      warnings.push(...result.warnings);
    } else if (app !== null) {
      errors = [`app ${app} has no uplink on fPort ${u.fPort}`];
    } else {
      errors = [this.o.registry.noAppReason(u.fPort)];
    }
    return {
      network: received.network,
      dedupKey: cleanText(key),
      devEui: u.devEui,
      deviceId: received.deviceId === undefined ? null : cleanText(received.deviceId),
      app,
      registeredBy,
      fPort: u.fPort,
      fCnt: u.fCnt,
      receivedAt,
      payload: u.bytes,
      schemaName: schema?.name ?? null,
      schemaVersion: version,
      data,
      errors,
      warnings,
      rssi: u.rssi ?? null,
      snr: u.snr ?? null,
      spreadingFactor: u.spreadingFactor ?? null,
      frequencyHz: received.frequencyHz ?? null,
      airtimeMs: received.airtimeMs ?? null,
      gateways: u.gateways.map((g) => ({ ...g, id: cleanText(g.id) })),
      alertReasons: alertReasons(data),
    };
  }

  /**
   * Ingests one uplink under the network's deduplication `key`; resolves once it is committed. Rejects with
   * MurmurError for an uplink it cannot store (the transport answers 4xx), QueueFullError or
   * QueueClosedError when it cannot take it now (503), or the store's error when the commit failed.
   */
  async ingest(received: ReceivedUplink, key: string): Promise<IngestOutcome> {
    const row = this.prepare(received, key);
    const result = await this.queue.submit(row);
    const m = this.o.metrics;
    if (result.status === 'duplicate') {
      m.duplicates.inc({ network: row.network });
      return { status: 'duplicate', uplink: row };
    }
    m.ingested.inc({ network: row.network });
    if (row.errors.length > 0) m.decodeErrors.inc({ app: row.app ?? 'none' });
    const { registeredBy: _, ...fields } = row;
    const record: UplinkRecord = {
      ...fields,
      id: result.id,
      ingestedAt: result.ingestedAt,
      alert: row.alertReasons.length > 0,
    };
    this.o.hub.publish(record);
    return { status: 'stored', uplink: record };
  }

  /**
   * Commits a batch in one transaction. When that fails, each uplink is tried on its own, so that one the
   * database refuses fails alone and the others are still stored.
   */
  private async commit(batch: NewUplink[]): Promise<(CommitResult | Error)[]> {
    const m = this.o.metrics;
    const timed = async (rows: NewUplink[]): Promise<CommitResult[]> => {
      const t0 = process.hrtime.bigint();
      const results = await this.o.store.commit(rows);
      m.commitSeconds.observe(Number(process.hrtime.bigint() - t0) / 1e9);
      m.batchSize.observe(rows.length);
      return results;
    };
    try {
      return await timed(batch);
    } catch (err) {
      this.o.onCommitError?.(err, batch.length);
      if (batch.length === 1) throw err;
    }
    const out: (CommitResult | Error)[] = [];
    for (const row of batch) {
      try {
        out.push((await timed([row]))[0]!);
      } catch (err) {
        this.o.onCommitError?.(err, 1);
        out.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
    return out;
  }
}
