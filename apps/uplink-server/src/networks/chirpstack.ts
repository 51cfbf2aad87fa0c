/**
 * ChirpStack v4 integration events (HTTP integration `POST ?event=<name>`, or MQTT
 * `application/+/device/+/event/<name>`), JSON encoding. `up` is an uplink, stored once per
 * `deduplicationId` (the id ChirpStack gives the uplink after merging the copies of all its gateways); the
 * other events are acknowledged and counted, as ChirpStack expects every event to be.
 */
import { MurmurError } from '@murmur/core';
import { fromChirpstackUp, type JsonIngestOptions } from '@murmur/lpwan';
import { at, keyText, optionalHz, optionalText, parseMessage } from './message';
import type { ReadMessage } from './tts';

/** The events of ChirpStack v4's integrations; another name is acknowledged and counted as `other`. */
export const CHIRPSTACK_EVENTS = ['up', 'join', 'status', 'ack', 'txack', 'log', 'location', 'integration'];

/** The event of `?event=`: a known name, `other` for an unknown one; MurmurError when it is missing. */
export function chirpstackEvent(v: unknown): string {
  if (typeof v !== 'string' || v === '')
    throw new MurmurError(`missing (one of ${CHIRPSTACK_EVENTS.join(', ')})`, { field: 'event' });
  return CHIRPSTACK_EVENTS.includes(v) ? v : 'other';
}

/** Reads a ChirpStack up event; throws MurmurError naming the field that is missing or out of range. */
export function readChirpstackUp(body: Uint8Array, opts: JsonIngestOptions = {}): ReadMessage {
  const event = parseMessage(body, (raw) => fromChirpstackUp(raw, undefined, opts), opts.maxMessageBytes);
  const uplink = fromChirpstackUp(event, undefined, opts);
  const key = keyText(at(event, 'deduplicationId'), 'deduplicationId');
  const warnings: string[] = [];
  return {
    received: {
      network: 'chirpstack',
      uplink,
      deviceId: optionalText(at(event, 'deviceInfo', 'deviceName'), 'deviceInfo.deviceName', warnings),
      applicationId: optionalText(
        at(event, 'deviceInfo', 'applicationId'),
        'deviceInfo.applicationId',
        warnings,
      ),
      frequencyHz: optionalHz(at(event, 'txInfo', 'frequency'), 'txInfo.frequency', warnings),
      warnings,
      receivedAtField: 'time',
    },
    key,
  };
}

/** Checks that another event's body is a JSON message (it is not stored). */
export function readChirpstackOther(body: Uint8Array, opts: JsonIngestOptions = {}): void {
  parseMessage(body, (raw) => fromChirpstackUp(raw, undefined, opts), opts.maxMessageBytes);
}
