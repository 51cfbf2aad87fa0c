/**
 * Where a device's downlinks go, as its uplinks tell. Over a webhook, The Things Stack sends with every call
 * the URLs that push to and replace the device's downlink queue (`X-Downlink-Push`, `X-Downlink-Replace`)
 * and, when the webhook has a downlink API key, that key (`X-Downlink-Apikey`); ChirpStack's up event names
 * the application (`deviceInfo.applicationId`), and its queue is addressed by DevEUI. Over MQTT, the topic
 * of the uplink names the device, and the downlink goes to the matching command topic of the same broker.
 * A header or topic that is not a plausible URL, key or uplink topic is left out, never an error: the
 * uplink is stored all the same.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Network } from '../store';
import { cleanText } from '../values';

/** The transport an uplink came over: a webhook (HTTP), the network's MQTT integration, or UDP (NB-IoT). */
export type Transport = 'http' | 'mqtt' | 'udp';

export interface DownlinkRoute {
  devEui: string;
  network: Network;
  /** The transport of the device's latest uplink through this network; null: unchanged (a redelivery). */
  transport: Transport | null;
  pushUrl: string | null;
  replaceUrl: string | null;
  apiKey: string | null;
  applicationId: string | null;
  /** The MQTT topic of the latest uplink that came over MQTT. */
  mqttTopic: string | null;
}

/** How an uplink arrived: the webhook's headers, or the MQTT topic. */
export type Arrival =
  | { transport: 'http'; headers?: IncomingHttpHeaders }
  | { transport: 'mqtt'; topic: string }
  | { transport: 'udp' };

const URL_TEXT = /^https?:\/\/[\x21-\x7e]{1,2040}$/;
const KEY_TEXT = /^[\x21-\x7e]{1,4096}$/;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** An http(s) URL without credentials, or null. */
export function routeUrl(v: string | undefined): string | null {
  if (v === undefined || !URL_TEXT.test(v)) return null;
  try {
    const u = new URL(v);
    return u.username === '' && u.password === '' ? u.href : null;
  } catch {
    return null;
  }
}

const TTS_UP_TOPIC = /^v3\/[^/+#\s]{1,200}\/devices\/[^/+#\s]{1,128}\/up$/;
const CHIRPSTACK_UP_TOPIC = /^application\/[^/+#\s]{1,128}\/device\/[0-9a-fA-F]{16}\/event\/up$/;

/** The uplink topic when it is one a downlink topic can be made from, else null. */
export function routeTopic(network: Network, topic: string): string | null {
  if (network === 'tts') return TTS_UP_TOPIC.test(topic) ? topic : null;
  if (network === 'chirpstack') return CHIRPSTACK_UP_TOPIC.test(topic) ? topic : null;
  return null;
}

/**
 * The downlink topic of an uplink topic: TTS `v3/{app}@{tenant}/devices/{id}/up` → `.../down/push` (or
 * `down/replace`); ChirpStack `application/{app}/device/{eui}/event/up` → `.../command/down`.
 */
export function downlinkTopic(network: Network, upTopic: string, mode: 'push' | 'replace'): string {
  if (network === 'tts') return `${upTopic.slice(0, -'up'.length)}down/${mode}`;
  return `${upTopic.slice(0, -'event/up'.length)}command/down`;
}

/**
 * The route of a device's uplink. `stored` is false for a redelivery of an uplink already stored: it may
 * add what the first delivery lacked (a webhook's key), but does not change the transport.
 */
export function routeOf(
  network: Network,
  devEui: string,
  applicationId: string | undefined,
  arrival: Arrival | undefined,
  stored = true,
): DownlinkRoute {
  const headers = arrival?.transport === 'http' ? arrival.headers : undefined;
  const tts = network === 'tts' && headers !== undefined;
  const key = tts ? header(headers, 'x-downlink-apikey') : undefined;
  return {
    devEui,
    network,
    transport: stored && arrival ? arrival.transport : null,
    pushUrl: tts ? routeUrl(header(headers, 'x-downlink-push')) : null,
    replaceUrl: tts ? routeUrl(header(headers, 'x-downlink-replace')) : null,
    apiKey: key !== undefined && KEY_TEXT.test(key) ? key : null,
    applicationId: applicationId === undefined ? null : cleanText(applicationId),
    mqttTopic: arrival?.transport === 'mqtt' ? routeTopic(network, arrival.topic) : null,
  };
}

/**
 * The route kept after `next`: each field `next` has replaces the kept one, the others stay (as the
 * store's upsert does).
 */
export function mergeRoute(kept: DownlinkRoute | undefined, next: DownlinkRoute): DownlinkRoute {
  if (!kept) return next;
  return {
    devEui: next.devEui,
    network: next.network,
    transport: next.transport ?? kept.transport,
    pushUrl: next.pushUrl ?? kept.pushUrl,
    replaceUrl: next.replaceUrl ?? kept.replaceUrl,
    apiKey: next.apiKey ?? kept.apiKey,
    applicationId: next.applicationId ?? kept.applicationId,
    mqttTopic: next.mqttTopic ?? kept.mqttTopic,
  };
}

/** True when two routes say the same. */
export function sameRoute(a: DownlinkRoute, b: DownlinkRoute): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `url` with no query or fragment, for the record of where a downlink went. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url.slice(0, 200);
  }
}
