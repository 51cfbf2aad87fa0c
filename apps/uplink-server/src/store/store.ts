/**
 * The Store: what the server keeps (devices and uplinks) and the few ways it reads them. One implementation
 * (`SqlStore`) over two SQL drivers, PGlite (embedded, a data directory on disk) and PostgreSQL (`pg`),
 * with one schema in `migrations/*.sql`.
 */
import type { Uplink } from '@murmur/lpwan';

/** One gateway's reception of an uplink: its id, RSSI and SNR. */
export type GatewayReception = Uplink['gateways'][number];

/** The networks uplinks come from; each has its own deduplication key. */
export type Network = 'tts' | 'chirpstack' | 'nbiot';

/** How a device's app was chosen (see migrations/0001_init.sql). */
export type RegisteredBy = 'config' | 'fport' | 'none';

/** An uplink as it is stored and served (the body of the query API and of the live stream). */
export interface UplinkRecord {
  id: number;
  network: Network;
  /** The network's deduplication key: the uplink is stored once per (network, dedupKey). */
  dedupKey: string;
  devEui: string;
  /** The network's id of the device (TTS device_id, ChirpStack deviceName), when it sent one. */
  deviceId: string | null;
  /** The app whose schema decoded the payload; null when the device has none. */
  app: string | null;
  fPort: number;
  fCnt: number;
  /** When the network received it (RFC 3339, milliseconds, UTC). */
  receivedAt: string;
  /** When it was committed here. */
  ingestedAt: string;
  /** The application payload in lower-case hex, as received. */
  payload: string;
  schemaName: string | null;
  /** The version in the payload header (null for an empty payload). */
  schemaVersion: number | null;
  /** The decoded payload; null without an app or when decoding failed. */
  data: Record<string, unknown> | null;
  errors: string[];
  warnings: string[];
  rssi: number | null;
  snr: number | null;
  spreadingFactor: number | null;
  frequencyHz: number | null;
  airtimeMs: number | null;
  gateways: GatewayReception[];
  alert: boolean;
  alertReasons: string[];
}

/** An uplink to store: the record without what the store assigns, and how its device got its app. */
export type NewUplink = Omit<UplinkRecord, 'id' | 'ingestedAt' | 'alert'> & { registeredBy: RegisteredBy };

/** What committing one uplink came to. */
export type CommitResult = { status: 'stored'; id: number; ingestedAt: string } | { status: 'duplicate' };

export interface DeviceRecord {
  devEui: string;
  deviceId: string | null;
  app: string | null;
  registeredBy: RegisteredBy;
  network: Network;
  firstSeen: string | null;
  lastSeen: string | null;
  lastFCnt: number | null;
  uplinks: number;
}

/** A device the config file names. */
export interface ConfiguredDevice {
  devEui: string;
  app: string;
  deviceId?: string;
  network?: Network;
}

/** A device's app as the registry caches it. */
export interface DeviceApp {
  devEui: string;
  app: string | null;
  registeredBy: RegisteredBy;
}

/** A position in a newest-first listing: the last item of the previous page. */
export interface Position {
  receivedAt: string;
  id: number;
}

export interface UplinkQuery {
  /** One device's uplinks; all devices' when absent. */
  devEui?: string;
  /** Only uplinks that are alerts. */
  alertsOnly?: boolean;
  /** Received at or after. */
  from?: string;
  /** Received before. */
  to?: string;
  /** After this position (the next page). */
  after?: Position;
  limit: number;
}

export interface Store {
  readonly kind: 'pglite' | 'postgres';
  /** Where the data is: the PGlite directory, or the PostgreSQL URL without its password. */
  readonly location: string;
  /** Applies the migrations not applied yet; returns their names. */
  migrate(): Promise<string[]>;
  /**
   * Commits uplinks in one transaction (INSERT ... ON CONFLICT DO NOTHING) and updates their devices. One
   * result per uplink, in order: stored (with its id) or a duplicate of one already stored (or earlier in
   * the same batch). Throws when the transaction fails; then nothing of the batch is stored.
   */
  commit(uplinks: NewUplink[]): Promise<CommitResult[]>;
  /** Registers the config file's devices; their app replaces the one stored. */
  registerDevices(devices: ConfiguredDevice[]): Promise<void>;
  /** Every device's app, for the registry. */
  deviceApps(): Promise<DeviceApp[]>;
  /** Devices by DevEUI, after the DevEUI `after`. */
  devices(page: { limit: number; after?: string }): Promise<DeviceRecord[]>;
  /** The devices whose DevEUI or network device id is `id`. */
  findDevices(id: string): Promise<DeviceRecord[]>;
  /** Uplinks newest first (received time, then id). */
  uplinks(query: UplinkQuery): Promise<UplinkRecord[]>;
  /** Uplinks with an id above `id`, oldest first (a live stream catching up). */
  uplinksAfter(id: number, limit: number): Promise<UplinkRecord[]>;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
