/**
 * The Things Stack v3 uplink message (webhook body or MQTT `.../up` message), snake_case, with zero-valued
 * fields omitted on the wire (no `f_cnt` when the counter is 0, no `snr` when it is 0).
 */
import type { PayloadSchema } from '@murmur/payload';
import {
  at,
  base64Bytes,
  best,
  decodeWith,
  devEuiOf,
  optionalNumber,
  parseJson,
  requirePositiveInt,
  requireString,
  type GatewayReception,
  type Source,
  type Uplink,
} from './uplink';

/** Normalises a TTS uplink message (JSON text or parsed object); throws MurmurError naming a missing field. */
export function fromTtsUplink(message: unknown, schema?: PayloadSchema, src: Source = {}): Uplink {
  const msg = typeof message === 'string' ? parseJson(message, src) : message;
  const devEui = devEuiOf(msg, 'end_device_ids.dev_eui', src);
  const up = at(msg, 'uplink_message');
  if (typeof up !== 'object' || up === null) requireString(msg, 'uplink_message', src);
  const fPort = requirePositiveInt(msg, 'uplink_message.f_port', src);
  const fCnt = optionalNumber(msg, 'uplink_message.f_cnt', src);
  const receivedAt =
    typeof at(msg, 'received_at') === 'string'
      ? (at(msg, 'received_at') as string)
      : requireString(msg, 'uplink_message.received_at', src);
  const bytes = base64Bytes(msg, 'uplink_message.frm_payload', src);
  const meta = at(msg, 'uplink_message.rx_metadata');
  const gateways: GatewayReception[] = Array.isArray(meta)
    ? meta.map((m, i) => ({
        id: requireString(m, 'gateway_ids.gateway_id', {
          ...src,
          prefix: `uplink_message.rx_metadata[${i}]`,
        }),
        rssi: optionalNumber(m, 'rssi', { ...src, prefix: `uplink_message.rx_metadata[${i}]` }),
        snr: optionalNumber(m, 'snr', { ...src, prefix: `uplink_message.rx_metadata[${i}]` }),
      }))
    : [];
  const sf = at(msg, 'uplink_message.settings.data_rate.lora.spreading_factor');
  return {
    devEui,
    fCnt,
    fPort,
    receivedAt,
    ...best(gateways),
    ...(typeof sf === 'number' ? { spreadingFactor: sf } : {}),
    gateways,
    ...decodeWith(schema, bytes, fPort),
  };
}
