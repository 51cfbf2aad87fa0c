/**
 * The Things Stack v3 uplink message (webhook body, or MQTT `v3/{app}@{tenant}/devices/+/up`): the Uplink
 * record of `fromTtsUplink` and the metadata kept beside it. An uplink is stored once per
 * (dev_eui, session_key_id, f_cnt): a webhook retry or a second delivery has the same three.
 */
import { fromTtsUplink, type JsonIngestOptions } from '@murmur/lpwan';
import type { ReceivedUplink } from '../ingest';
import { at, keyText, optionalDurationMs, optionalHz, optionalText, parseMessage } from './message';

export interface ReadMessage {
  received: ReceivedUplink;
  /** The network's deduplication key. */
  key: string;
}

/** Reads a TTS uplink message; throws MurmurError naming the field that is missing or out of range. */
export function readTtsUplink(body: Uint8Array, opts: JsonIngestOptions = {}): ReadMessage {
  const msg = parseMessage(body, (raw) => fromTtsUplink(raw, undefined, opts), opts.maxMessageBytes);
  const uplink = fromTtsUplink(msg, undefined, opts);
  const up = at(msg, 'uplink_message');
  const sessionKeyId = at(up, 'session_key_id');
  const session =
    sessionKeyId === undefined || sessionKeyId === null
      ? ''
      : keyText(sessionKeyId, 'uplink_message.session_key_id');
  const warnings: string[] = [];
  const received: ReceivedUplink = {
    network: 'tts',
    uplink,
    deviceId: optionalText(at(msg, 'end_device_ids', 'device_id'), 'end_device_ids.device_id', warnings),
    applicationId: optionalText(
      at(msg, 'end_device_ids', 'application_ids', 'application_id'),
      'end_device_ids.application_ids.application_id',
      warnings,
    ),
    frequencyHz: optionalHz(at(up, 'settings', 'frequency'), 'uplink_message.settings.frequency', warnings),
    airtimeMs: optionalDurationMs(at(up, 'consumed_airtime'), 'uplink_message.consumed_airtime', warnings),
    warnings,
    receivedAtField: at(msg, 'received_at') == null ? 'uplink_message.received_at' : 'received_at',
  };
  return { received, key: `${uplink.devEui}:${session}:${uplink.fCnt}` };
}
