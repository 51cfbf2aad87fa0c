/**
 * The Things Stack v3 uplink message (webhook body or MQTT `.../up` message), snake_case, with zero-valued
 * fields omitted on the wire (no `f_cnt` when the counter is 0, no `snr` when it is 0).
 */
import type { PayloadSchema } from '@murmur/payload';
import {
  base64Bytes,
  decodeWith,
  devEuiOf,
  get,
  makeUplink,
  optionalNumber,
  parseJson,
  requireObject,
  requirePositiveInt,
  requireString,
  type GatewayReception,
  type Source,
  type Uplink,
} from './uplink';

function gateways(meta: unknown, src: Source): GatewayReception[] {
  if (!Array.isArray(meta)) return [];
  const out: GatewayReception[] = [];
  for (let i = 0; i < meta.length; i++) {
    const m = meta[i];
    const at = `uplink_message.rx_metadata[${i}]`;
    out.push({
      id: requireString(get(get(m, 'gateway_ids'), 'gateway_id'), `${at}.gateway_ids.gateway_id`, src),
      rssi: optionalNumber(get(m, 'rssi'), `${at}.rssi`, src),
      snr: optionalNumber(get(m, 'snr'), `${at}.snr`, src),
    });
  }
  return out;
}

/** Normalises a TTS uplink message (JSON text or parsed object); throws MurmurError naming a missing field. */
export function fromTtsUplink(message: unknown, schema?: PayloadSchema, src: Source = {}): Uplink {
  const msg = typeof message === 'string' ? parseJson(message, src) : message;
  const devEui = devEuiOf(get(get(msg, 'end_device_ids'), 'dev_eui'), 'end_device_ids.dev_eui', src);
  const up = requireObject(get(msg, 'uplink_message'), 'uplink_message', src);
  const fPort = requirePositiveInt(up.f_port, 'uplink_message.f_port', src);
  const fCnt = optionalNumber(up.f_cnt, 'uplink_message.f_cnt', src);
  const top = get(msg, 'received_at');
  const receivedAt =
    typeof top === 'string' ? top : requireString(up.received_at, 'uplink_message.received_at', src);
  const bytes = base64Bytes(up.frm_payload, 'uplink_message.frm_payload', src);
  const gws = gateways(up.rx_metadata, src);
  const sf = get(get(get(up.settings, 'data_rate'), 'lora'), 'spreading_factor');
  const spreadingFactor = typeof sf === 'number' ? sf : undefined;
  return makeUplink(
    { devEui, fCnt, fPort, receivedAt, spreadingFactor },
    gws,
    decodeWith(schema, bytes, fPort),
  );
}
