/**
 * Where a device's downlinks go, as its uplinks tell: The Things Stack sends, with every webhook call, the
 * URLs that push to and replace the device's downlink queue (`X-Downlink-Push`, `X-Downlink-Replace`) and,
 * when the webhook has a downlink API key, that key (`X-Downlink-Apikey`); ChirpStack's up event names the
 * application (`deviceInfo.applicationId`), and its queue is addressed by DevEUI. A header that is not a
 * plausible URL or key is left out, never an error: the uplink is stored all the same.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Network } from '../store';
import { cleanText } from '../values';

export interface DownlinkRoute {
  devEui: string;
  network: Network;
  pushUrl: string | null;
  replaceUrl: string | null;
  apiKey: string | null;
  applicationId: string | null;
}

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

/** The route of a device's uplink: from the TTS webhook's headers, or the network's application id. */
export function routeOf(
  network: Network,
  devEui: string,
  applicationId: string | undefined,
  headers: IncomingHttpHeaders | undefined,
): DownlinkRoute {
  const tts = network === 'tts' && headers !== undefined;
  const key = tts ? header(headers, 'x-downlink-apikey') : undefined;
  return {
    devEui,
    network,
    pushUrl: tts ? routeUrl(header(headers, 'x-downlink-push')) : null,
    replaceUrl: tts ? routeUrl(header(headers, 'x-downlink-replace')) : null,
    apiKey: key !== undefined && KEY_TEXT.test(key) ? key : null,
    applicationId: applicationId === undefined ? null : cleanText(applicationId),
  };
}

/** True when a route says nothing (no URL, key or application id). */
export function emptyRoute(r: DownlinkRoute): boolean {
  return r.pushUrl === null && r.replaceUrl === null && r.apiKey === null && r.applicationId === null;
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
