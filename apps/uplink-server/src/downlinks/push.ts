/**
 * Asking a network server to queue a downlink, over its HTTP API (over MQTT: the same bodies, published by
 * `src/mqtt/subscriber.ts`):
 *
 * - The Things Stack: `POST` to the webhook's push (or replace) URL, `Authorization: Bearer <API key>`,
 *   body `{ "downlinks": [{ "f_port", "frm_payload" (base64), "priority": "NORMAL" }] }`.
 * - ChirpStack v4 REST API: `POST {apiUrl}/api/devices/{devEui}/queue` with the token both as
 *   `Grpc-Metadata-Authorization: Bearer` (the REST proxy's form) and `Authorization: Bearer`, body
 *   `{ "queueItem": { "confirmed", "fPort", "data" (base64) } }`; a replace first empties the queue
 *   (`DELETE` on the same path). Over MQTT, ChirpStack's `DownlinkCommand`
 *   `{ "id", "devEui", "confirmed", "fPort", "data" (base64) }`.
 *
 * Every answer but a 2xx, a connection error or no answer within the timeout is a failure, with the reason.
 */
import { murmurVersion } from '@murmur/core';
import type { DownlinkOutcome } from './store';

export interface NetworkRequest {
  method: 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

const USER_AGENT = `murmur-uplink-server/${murmurVersion()}`;
const MAX_ERROR_TEXT = 500;

/** The downlink of a TTS webhook's push or replace URL. */
export function ttsRequest(
  url: string,
  apiKey: string,
  d: { fPort: number; bytes: Uint8Array; confirmed: boolean },
): NetworkRequest {
  return {
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${apiKey}` },
    body: ttsDownlinkBody(d),
  };
}

/** The body of a TTS downlink, over a webhook's push/replace URL or MQTT `.../down/push|replace`. */
export function ttsDownlinkBody(d: { fPort: number; bytes: Uint8Array; confirmed: boolean }): unknown {
  return {
    downlinks: [
      {
        f_port: d.fPort,
        frm_payload: Buffer.from(d.bytes).toString('base64'),
        priority: 'NORMAL',
        ...(d.confirmed ? { confirmed: true } : {}),
      },
    ],
  };
}

/**
 * ChirpStack v4's downlink command (`integration.DownlinkCommand` in its JSON form), published to
 * `application/{application_id}/device/{dev_eui}/command/down`; `id` becomes the queue item's id.
 */
export function chirpstackCommand(
  id: string,
  devEui: string,
  d: { fPort: number; bytes: Uint8Array; confirmed: boolean },
): unknown {
  return {
    id,
    devEui,
    confirmed: d.confirmed,
    fPort: d.fPort,
    data: Buffer.from(d.bytes).toString('base64'),
  };
}

/** The URL of a device's queue on ChirpStack's REST API. */
export function chirpstackQueueUrl(apiUrl: string, devEui: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/api/devices/${encodeURIComponent(devEui)}/queue`;
}

function chirpstackHeaders(token: string | undefined): Record<string, string> {
  return token === undefined
    ? {}
    : { 'grpc-metadata-authorization': `Bearer ${token}`, authorization: `Bearer ${token}` };
}

/** The enqueue request of ChirpStack's REST API. */
export function chirpstackEnqueue(
  apiUrl: string,
  token: string | undefined,
  devEui: string,
  d: { fPort: number; bytes: Uint8Array; confirmed: boolean },
): NetworkRequest {
  return {
    method: 'POST',
    url: chirpstackQueueUrl(apiUrl, devEui),
    headers: chirpstackHeaders(token),
    body: {
      queueItem: { confirmed: d.confirmed, fPort: d.fPort, data: Buffer.from(d.bytes).toString('base64') },
    },
  };
}

/** The flush request of ChirpStack's REST API (a replace empties the queue first). */
export function chirpstackFlush(apiUrl: string, token: string | undefined, devEui: string): NetworkRequest {
  return { method: 'DELETE', url: chirpstackQueueUrl(apiUrl, devEui), headers: chirpstackHeaders(token) };
}

/** The connection error's code or message (`ECONNREFUSED`, `ENOTFOUND`). */
function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

/**
 * Sends one request; resolves (never rejects) with the outcome: sent for a 2xx, failed otherwise. A JSON
 * answer's `id` becomes the network's reference of the downlink.
 */
export async function send(req: NetworkRequest, timeoutMs: number): Promise<DownlinkOutcome> {
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: req.method,
      headers: {
        'user-agent': USER_AGENT,
        accept: 'application/json',
        ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...req.headers,
      },
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const name = (err as { name?: string }).name;
    const error =
      name === 'TimeoutError' || name === 'AbortError'
        ? `no answer from ${new URL(req.url).host} within ${timeoutMs} ms`
        : `cannot reach ${new URL(req.url).host}: ${causeOf(err)}`;
    return { status: 'failed', responseCode: null, error, networkRef: null };
  }
  let text = '';
  try {
    text = await res.text();
  } catch {
    // The status says enough.
  }
  if (!res.ok)
    return {
      status: 'failed',
      responseCode: res.status,
      error: `${req.method} ${new URL(req.url).host} answered ${res.status}${text ? `: ${text.slice(0, MAX_ERROR_TEXT)}` : ''}`,
      networkRef: null,
    };
  let ref: string | null = null;
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    if (typeof id === 'string' && id.length <= 128) ref = id;
  } catch {
    // TTS answers {} or nothing.
  }
  return { status: 'sent', responseCode: res.status, error: null, networkRef: ref };
}
