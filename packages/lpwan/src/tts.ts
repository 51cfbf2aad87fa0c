/**
 * The Things Stack v3 uplink message (webhook body or MQTT `.../up` message), snake_case, with zero-valued
 * fields omitted on the wire (no `f_cnt` when the counter is 0, no `snr` when it is 0).
 */
import type { PayloadSchema } from '@murmur/payload';
import {
  base64Bytes,
  decodeWith,
  devEuiOf,
  gatewayIdOf,
  gatewayList,
  get,
  jsonLimits,
  makeUplink,
  optionalMeasurement,
  optionalSpreadingFactor,
  optionalUint32,
  readJsonMessage,
  requireApplicationPort,
  requireObject,
  requireTimestamp,
  RSSI_RANGE,
  SNR_RANGE,
  type GatewayReception,
  type JsonIngestOptions,
  type Source,
  type Uplink,
} from './uplink';

function gateways(meta: unknown, src: Source, maxGateways: number): GatewayReception[] {
  const list = gatewayList(meta, 'uplink_message.rx_metadata', src, maxGateways);
  const out: GatewayReception[] = [];
  for (let i = 0; i < list.length; i++) {
    const m = list[i];
    const at = `uplink_message.rx_metadata[${i}]`;
    out.push({
      id: gatewayIdOf(get(get(m, 'gateway_ids'), 'gateway_id'), `${at}.gateway_ids.gateway_id`, src),
      rssi: optionalMeasurement(get(m, 'rssi'), `${at}.rssi`, src, RSSI_RANGE),
      snr: optionalMeasurement(get(m, 'snr'), `${at}.snr`, src, SNR_RANGE),
    });
  }
  return out;
}

/** The message's `received_at`, else its `uplink_message.received_at`. */
function receivedAtOf(msg: unknown, up: Record<string, unknown>, src: Source): string {
  const top = get(msg, 'received_at');
  if (top !== undefined && top !== null) return requireTimestamp(top, 'received_at', src);
  return requireTimestamp(up.received_at, 'uplink_message.received_at', src);
}

/**
 * Normalises a TTS uplink message (JSON text, UTF-8 bytes or a parsed object); throws MurmurError naming a
 * missing or out-of-range field, or a message or payload over the limits of `opts`.
 */
export function fromTtsUplink(
  message: unknown,
  schema?: PayloadSchema,
  opts: JsonIngestOptions = {},
): Uplink {
  const limits = jsonLimits(opts);
  const msg = readJsonMessage(message, limits.maxMessageBytes, opts);
  const devEui = devEuiOf(get(get(msg, 'end_device_ids'), 'dev_eui'), 'end_device_ids.dev_eui', opts);
  const up = requireObject(get(msg, 'uplink_message'), 'uplink_message', opts);
  const fPort = requireApplicationPort(up.f_port, 'uplink_message.f_port', opts);
  const fCnt = optionalUint32(up.f_cnt, 'uplink_message.f_cnt', opts);
  const receivedAt = receivedAtOf(msg, up, opts);
  const bytes = base64Bytes(up.frm_payload, 'uplink_message.frm_payload', opts, limits.maxPayloadBytes);
  const gws = gateways(up.rx_metadata, opts, limits.maxGateways);
  const spreadingFactor = optionalSpreadingFactor(
    get(get(get(up.settings, 'data_rate'), 'lora'), 'spreading_factor'),
    'uplink_message.settings.data_rate.lora.spreading_factor',
    opts,
  );
  return makeUplink(
    { devEui, fCnt, fPort, receivedAt, spreadingFactor },
    gws,
    decodeWith(schema, bytes, fPort),
  );
}
