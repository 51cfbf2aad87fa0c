/**
 * Downlinks: a value of the app's downlink schema, encoded with the same encoder the firmware's decoder was
 * generated from, sent through the network and the transport that carried the device's latest uplink, and
 * recorded with what the network answered. Ingestion tells this module each uplink's route (`observe`),
 * which it keeps when it changes, and counts the redeliveries of uplinks already stored.
 *
 * - The Things Stack: over its MQTT server (`v3/{app}@{tenant}/devices/{id}/down/push|replace`) when the
 *   latest uplink came over MQTT and this server is connected to that broker; else the webhook's push or
 *   replace URL with its API key.
 * - ChirpStack: over its MQTT integration (`application/{app}/device/{eui}/command/down`) likewise; else its
 *   REST API (and always for `mode=replace`, which MQTT cannot do).
 * - NB-IoT: a downlink datagram to where the device's latest datagram came from, when this server received
 *   it within `udp.downlinkWindowSeconds`; else 409 (the device cannot be reached now).
 *
 * TTS API keys learned from webhooks are sealed (AES-256-GCM) in the database under the store key, or,
 * without one, kept in this process's memory only.
 */
import { randomUUID } from 'node:crypto';
import { encodeDownlink, toHex, type PayloadSchema } from '@murmur/payload';
import type { AppCatalog } from '../catalog';
import type { IngestOutcome, ReceivedUplink } from '../ingest';
import type { MqttSubscriber } from '../mqtt/subscriber';
import type { NbiotReceiver } from '../nbiot/udp';
import type { DeviceRecord, Store } from '../store';
import { sqlOf } from '../store/sql-of';
import { cleanText } from '../values';
import { DEFAULT_DOWNLINK_TIMEOUT_MS, type DownlinkConfig } from './config';
import {
  chirpstackCommand,
  chirpstackEnqueue,
  chirpstackFlush,
  chirpstackQueueUrl,
  send,
  ttsDownlinkBody,
  ttsRequest,
} from './push';
import {
  downlinkTopic,
  mergeRoute,
  routeOf,
  sameRoute,
  shownUrl,
  type Arrival,
  type DownlinkRoute,
} from './route';
import type { Sealer } from './seal';
import {
  DownlinkStore,
  type DownlinkMode,
  type DownlinkOutcome,
  type DownlinkRecord,
  type StoredRoute,
} from './store';

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
  /** Seals the API keys kept in the database; without it they are kept in memory only. */
  sealer?: Sealer;
  /** Told about a route or redelivery that could not be recorded (the uplink is stored all the same). */
  onError?: (err: unknown) => void;
}

/** The transports a downlink can go out through besides HTTP: the server's MQTT sessions and UDP socket. */
export interface DownlinkTransports {
  mqtt?: MqttSubscriber;
  udp?: NbiotReceiver;
}

/** The app's uplink schema that has a downlink, if any. */
export function downlinkSchemaOf(catalog: AppCatalog, app: string): PayloadSchema | undefined {
  const a = catalog.apps.get(app);
  return a ? [...a.uplinks.values()].find((s) => s.downlink !== undefined) : undefined;
}

/** What the sealed key of a route is bound to: its row. */
const keyContext = (devEui: string, network: string): string => `downlink_routes ${devEui} ${network}`;

interface Plan {
  network: DownlinkRecord['network'];
  target: string;
  /** Sends the downlink (the record's id given); resolves with the outcome, never rejects. */
  send: (id: number) => Promise<DownlinkOutcome>;
}

type Encoded = { fPort: number; bytes: Uint8Array; confirmed: boolean; mode: DownlinkMode };

export class Downlinks {
  readonly db: DownlinkStore;
  /** The route kept per device and network (what the table holds), so an unchanged one is not written again. */
  private readonly kept = new Map<string, DownlinkRoute>();
  /** Without a store key: the TTS API keys learned from webhooks, per device. */
  private readonly memoryKeys = new Map<string, string>();
  private transports: DownlinkTransports = {};

  constructor(private readonly o: DownlinksOptions) {
    this.db = new DownlinkStore(sqlOf(o.store));
  }

  private get timeoutMs(): number {
    return this.o.config?.timeoutMs ?? DEFAULT_DOWNLINK_TIMEOUT_MS;
  }

  /** True when API keys are sealed in the database (a store key is configured). */
  get sealsKeys(): boolean {
    return this.o.sealer !== undefined;
  }

  /** The MQTT and UDP transports, once they have started. */
  attach(transports: DownlinkTransports): void {
    this.transports = transports;
  }

  /**
   * Notes what an ingested uplink says about its device's downlinks: the route (the transport, the TTS
   * webhook headers, the MQTT topic, the application id) when it changed, and a redelivery when it was a
   * duplicate. Never throws.
   */
  async observe(received: ReceivedUplink, outcome: IngestOutcome, arrival?: Arrival): Promise<void> {
    const devEui = outcome.uplink.devEui;
    try {
      if (outcome.status === 'duplicate') await this.db.countRedelivery(devEui);
      const route = routeOf(
        received.network,
        devEui,
        received.applicationId,
        arrival,
        outcome.status === 'stored',
      );
      const cacheKey = `${devEui} ${route.network}`;
      const before = this.kept.get(cacheKey);
      const after = mergeRoute(before, route);
      if (before && sameRoute(before, after)) return;
      if (route.apiKey !== null && !this.o.sealer) this.memoryKeys.set(devEui, route.apiKey);
      const { apiKey, ...rest } = route;
      await this.db.saveRoute({
        ...rest,
        apiKeySealed:
          apiKey !== null && this.o.sealer
            ? this.o.sealer.seal(apiKey, keyContext(devEui, route.network))
            : null,
      });
      this.kept.set(cacheKey, after);
    } catch (err) {
      this.o.onError?.(err);
    }
  }

  /** The stored route with its API key opened (or from memory). */
  private async route(devEui: string, network: DownlinkRoute['network']): Promise<DownlinkRoute | undefined> {
    const stored: StoredRoute | undefined = await this.db.route(devEui, network);
    if (!stored) return undefined;
    const { apiKeySealed, ...rest } = stored;
    const apiKey =
      apiKeySealed !== null && this.o.sealer
        ? (this.o.sealer.open(apiKeySealed, keyContext(devEui, network)) ?? null)
        : (this.memoryKeys.get(devEui) ?? null);
    return { ...rest, apiKey };
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

  /** How to send through the network and transport of the device's latest uplink; or a refusal. */
  private async planFor(device: DeviceRecord, d: Encoded): Promise<Plan> {
    const [latest] = await this.o.store.uplinks({ devEui: device.devEui, limit: 1 });
    if (!latest)
      throw new DownlinkRefused(
        409,
        'no_uplink',
        `device ${device.devEui} has sent no uplink yet: the network to send through is not known`,
      );
    const network = latest.network;
    if (network === 'nbiot') return this.udpPlan(device.devEui, d);
    const route = await this.route(device.devEui, network);
    const mqtt = this.transports.mqtt;
    const overMqtt =
      route?.transport === 'mqtt' &&
      route.mqttTopic !== null &&
      mqtt?.config.network === network &&
      !(network === 'chirpstack' && d.mode === 'replace' && this.o.config?.chirpstack);
    if (overMqtt) {
      if (network === 'chirpstack' && d.mode === 'replace')
        throw new DownlinkRefused(
          409,
          'unsupported',
          "ChirpStack's MQTT integration cannot replace a device's queue: configure its REST API (downlinks.chirpstack) for mode=replace",
        );
      const topic = downlinkTopic(network, route.mqttTopic!, d.mode);
      return {
        network,
        target: mqtt.target(topic),
        send: () => {
          const ref = network === 'chirpstack' ? randomUUID() : null;
          const body = network === 'tts' ? ttsDownlinkBody(d) : chirpstackCommand(ref!, device.devEui, d);
          return mqtt
            .publishDownlink(topic, body, this.timeoutMs)
            .then((o) => (o.status === 'sent' ? { ...o, networkRef: ref } : o));
        },
      };
    }
    if (network === 'tts') {
      const url = d.mode === 'replace' ? route?.replaceUrl : route?.pushUrl;
      if (!url)
        throw new DownlinkRefused(
          409,
          'no_route',
          route?.transport === 'mqtt'
            ? "this device's latest uplink came over The Things Stack's MQTT server, and this server is not connected to it (mqtt), nor has a webhook's downlink URL"
            : `The Things Stack sent no X-Downlink-${d.mode === 'replace' ? 'Replace' : 'Push'} header with this device's uplinks`,
        );
      const apiKey = route?.apiKey ?? this.o.config?.tts?.apiKey;
      if (!apiKey)
        throw new DownlinkRefused(
          409,
          'no_api_key',
          `no API key for The Things Stack: give the webhook a downlink API key (sent as X-Downlink-Apikey) or set the config file's downlinks.tts.apiKey${
            this.o.sealer
              ? ''
              : " (without a store key, MURMUR_STORE_KEY, a webhook's key is kept in memory only: after a restart it comes back with the device's next uplink)"
          }`,
        );
      const request = ttsRequest(url, apiKey, d);
      return { network, target: shownUrl(url), send: () => send(request, this.timeoutMs) };
    }
    const cs = this.o.config?.chirpstack;
    if (!cs)
      throw new DownlinkRefused(
        409,
        'not_configured',
        route?.transport === 'mqtt'
          ? "this device's latest uplink came over ChirpStack's MQTT integration, and this server is not connected to it (mqtt), nor is ChirpStack's REST API configured (downlinks.chirpstack)"
          : "ChirpStack's REST API is not configured: set the config file's downlinks.chirpstack.apiUrl and token",
      );
    const requests = [chirpstackEnqueue(cs.apiUrl, cs.token, device.devEui, d)];
    if (d.mode === 'replace') requests.unshift(chirpstackFlush(cs.apiUrl, cs.token, device.devEui));
    return {
      network,
      target: shownUrl(chirpstackQueueUrl(cs.apiUrl, device.devEui)),
      send: async () => {
        let outcome = await send(requests[0]!, this.timeoutMs);
        for (const r of requests.slice(1)) {
          if (outcome.status !== 'sent') break;
          outcome = await send(r, this.timeoutMs);
        }
        return outcome;
      },
    };
  }

  /** A downlink datagram to where the device's latest datagram came from, while that is recent. */
  private udpPlan(devEui: string, d: Encoded): Plan {
    const udp = this.transports.udp;
    if (!udp)
      throw new DownlinkRefused(
        409,
        'not_reachable',
        `device ${devEui} sends NB-IoT datagrams, and this server does not receive them (udp): a downlink can only go back through the socket the device sends to`,
      );
    const from = udp.sender(devEui);
    const window = udp.downlinkWindowMs;
    const age = from ? Date.now() - from.at : undefined;
    if (!from || age === undefined || age > window)
      throw new DownlinkRefused(
        409,
        'not_reachable',
        `device ${devEui} is not reachable for a downlink now: ${
          from
            ? `its latest datagram came ${Math.round(age! / 1000)} s ago`
            : 'this server has received no datagram from it since it started'
        }, and a downlink goes back to a datagram's address only within ${window / 1000} s of it (udp.downlinkWindowSeconds), while the carrier's NAT binding lasts and the device listens; ask again right after its next uplink`,
      );
    if (d.mode === 'replace')
      throw new DownlinkRefused(
        409,
        'unsupported',
        'NB-IoT downlinks have no queue to replace: use mode=push',
      );
    return {
      network: 'nbiot',
      target: `udp://${from.address.includes(':') ? `[${from.address}]` : from.address}:${from.port}`,
      send: (id) => udp.sendDownlink(from, { devEui, sequence: id, fPort: d.fPort, bytes: d.bytes }),
    };
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
    const plan = await this.planFor(device, d);
    const pending = await this.db.insert({
      devEui: device.devEui,
      app,
      fPort: d.fPort,
      payload: toHex(bytes),
      value: req.value as Record<string, unknown>,
      confirmed: d.confirmed,
      mode: d.mode,
      network: plan.network,
      target: plan.target,
    });
    const outcome = await plan.send(pending.id);
    return this.db.complete(pending.id, {
      ...outcome,
      error: outcome.error === null ? null : cleanText(outcome.error),
    });
  }

  list(devEui: string, limit: number, before?: number): Promise<DownlinkRecord[]> {
    return this.db.list(devEui, limit, before);
  }
}
