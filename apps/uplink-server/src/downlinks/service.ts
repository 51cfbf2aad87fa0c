/**
 * Downlinks: a value of the app's downlink schema, encoded with the same encoder the firmware's decoder was
 * generated from, pushed through the network that carried the device's latest uplink, and recorded with
 * what the network answered. Ingestion tells this module each uplink's route (`observe`), which it keeps
 * when it changes, and counts the redeliveries of uplinks already stored.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { encodeDownlink, toHex, type PayloadSchema } from '@murmur/payload';
import type { AppCatalog } from '../catalog';
import type { IngestOutcome, ReceivedUplink } from '../ingest';
import type { DeviceRecord, Store } from '../store';
import { sqlOf } from '../store/sql-of';
import { cleanText } from '../values';
import { DEFAULT_DOWNLINK_TIMEOUT_MS, type DownlinkConfig } from './config';
import {
  chirpstackEnqueue,
  chirpstackFlush,
  chirpstackQueueUrl,
  send,
  ttsRequest,
  type NetworkRequest,
} from './push';
import { emptyRoute, routeOf, shownUrl, type DownlinkRoute } from './route';
import { DownlinkStore, type DownlinkMode, type DownlinkRecord } from './store';

/** A downlink the server will not try: the HTTP status, a code and the reason. */
export class DownlinkRefused extends Error {
  constructor(
    readonly status: 404 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface DownlinkRequest {
  /** The downlink value, checked against the app's downlink schema. */
  value: unknown;
  confirmed?: boolean;
  mode?: DownlinkMode;
}

export interface DownlinksOptions {
  store: Store;
  catalog: AppCatalog;
  config?: DownlinkConfig;
  /** Told about a route or redelivery that could not be recorded (the uplink is stored all the same). */
  onError?: (err: unknown) => void;
}

/** The app's uplink schema that has a downlink, if any. */
export function downlinkSchemaOf(catalog: AppCatalog, app: string): PayloadSchema | undefined {
  const a = catalog.apps.get(app);
  return a ? [...a.uplinks.values()].find((s) => s.downlink !== undefined) : undefined;
}

export class Downlinks {
  readonly db: DownlinkStore;
  /** The last route kept per device and network, so an unchanged one is not written again. */
  private readonly kept = new Map<string, string>();

  constructor(private readonly o: DownlinksOptions) {
    this.db = new DownlinkStore(sqlOf(o.store));
  }

  private get timeoutMs(): number {
    return this.o.config?.timeoutMs ?? DEFAULT_DOWNLINK_TIMEOUT_MS;
  }

  /**
   * Notes what an ingested uplink says about its device's downlinks: the route (TTS webhook headers, the
   * application id) when it changed, and a redelivery when it was a duplicate. Never throws.
   */
  async observe(
    received: ReceivedUplink,
    outcome: IngestOutcome,
    headers?: IncomingHttpHeaders,
  ): Promise<void> {
    const devEui = outcome.uplink.devEui;
    try {
      if (outcome.status === 'duplicate') await this.db.countRedelivery(devEui);
      const route = routeOf(received.network, devEui, received.applicationId, headers);
      if (emptyRoute(route)) return;
      const key = `${devEui} ${route.network}`;
      const text = JSON.stringify(route);
      if (this.kept.get(key) === text) return;
      await this.db.saveRoute(route);
      this.kept.set(key, text);
    } catch (err) {
      this.o.onError?.(err);
    }
  }

  /** The app schema that has the downlink of `device`, or a refusal. */
  schemaFor(device: DeviceRecord): { app: string; schema: PayloadSchema & { downlink: PayloadSchema } } {
    const app = device.app;
    if (app === null)
      throw new DownlinkRefused(
        409,
        'no_app',
        `device ${device.devEui} has no app yet, so no downlink schema`,
      );
    const schema = downlinkSchemaOf(this.o.catalog, app);
    if (!schema) {
      const withDownlink = this.o.catalog.ids().filter((id) => downlinkSchemaOf(this.o.catalog, id));
      throw new DownlinkRefused(
        409,
        'no_downlink',
        `app ${app} has no downlink (apps with one: ${withDownlink.join(', ') || 'none'})`,
      );
    }
    return { app, schema: schema as PayloadSchema & { downlink: PayloadSchema } };
  }

  /** The request to the network of the device's latest uplink, and where it goes; or a refusal. */
  private async requestsFor(
    device: DeviceRecord,
    d: { fPort: number; bytes: Uint8Array; confirmed: boolean; mode: DownlinkMode },
  ): Promise<{ network: DownlinkRecord['network']; target: string; requests: NetworkRequest[] }> {
    const [latest] = await this.o.store.uplinks({ devEui: device.devEui, limit: 1 });
    if (!latest)
      throw new DownlinkRefused(
        409,
        'no_uplink',
        `device ${device.devEui} has sent no uplink yet: the network to send through is not known`,
      );
    const network = latest.network;
    if (network === 'tts') {
      const route: DownlinkRoute | undefined = await this.db.route(device.devEui, 'tts');
      const url = d.mode === 'replace' ? route?.replaceUrl : route?.pushUrl;
      if (!url)
        throw new DownlinkRefused(
          409,
          'no_route',
          `The Things Stack sent no X-Downlink-${d.mode === 'replace' ? 'Replace' : 'Push'} header with this device's uplinks`,
        );
      const apiKey = route?.apiKey ?? this.o.config?.tts?.apiKey;
      if (!apiKey)
        throw new DownlinkRefused(
          409,
          'no_api_key',
          "no API key for The Things Stack: give the webhook a downlink API key (sent as X-Downlink-Apikey) or set the config file's downlinks.tts.apiKey",
        );
      return { network, target: shownUrl(url), requests: [ttsRequest(url, apiKey, d)] };
    }
    if (network === 'chirpstack') {
      const cs = this.o.config?.chirpstack;
      if (!cs)
        throw new DownlinkRefused(
          409,
          'not_configured',
          "ChirpStack's REST API is not configured: set the config file's downlinks.chirpstack.apiUrl and token",
        );
      const requests = [chirpstackEnqueue(cs.apiUrl, cs.token, device.devEui, d)];
      if (d.mode === 'replace') requests.unshift(chirpstackFlush(cs.apiUrl, cs.token, device.devEui));
      return { network, target: shownUrl(chirpstackQueueUrl(cs.apiUrl, device.devEui)), requests };
    }
    throw new DownlinkRefused(409, 'unsupported', `downlinks through ${network} are not supported`);
  }

  /**
   * Encodes `req.value` with the device's app's downlink schema (MurmurError naming the field when it does
   * not fit), asks the network, and returns the record: sent, or failed with the reason.
   */
  async send(device: DeviceRecord, req: DownlinkRequest): Promise<DownlinkRecord> {
    const { app, schema } = this.schemaFor(device);
    const downlink = schema.downlink;
    const bytes = encodeDownlink(schema, req.value as never);
    const d = { fPort: downlink.fPort, bytes, confirmed: req.confirmed ?? false, mode: req.mode ?? 'push' };
    const { network, target, requests } = await this.requestsFor(device, d);
    const pending = await this.db.insert({
      devEui: device.devEui,
      app,
      fPort: d.fPort,
      payload: toHex(bytes),
      value: req.value as Record<string, unknown>,
      confirmed: d.confirmed,
      mode: d.mode,
      network,
      target,
    });
    let outcome = await send(requests[0]!, this.timeoutMs);
    for (const r of requests.slice(1)) {
      if (outcome.status !== 'sent') break;
      outcome = await send(r, this.timeoutMs);
    }
    return this.db.complete(pending.id, {
      ...outcome,
      error: outcome.error === null ? null : cleanText(outcome.error),
    });
  }

  list(devEui: string, limit: number, before?: number): Promise<DownlinkRecord[]> {
    return this.db.list(devEui, limit, before);
  }
}
