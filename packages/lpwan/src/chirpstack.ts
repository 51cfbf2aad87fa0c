/**
 * ChirpStack v4 `up` integration event (MQTT `application/.../event/up` or HTTP `?event=up`), protobuf JSON:
 * camelCase, base64 `data`, zero-valued fields omitted.
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
  requireTimestamp,
  RSSI_RANGE,
  SNR_RANGE,
  type GatewayReception,
  type JsonIngestOptions,
  type Source,
  type Uplink,
} from './uplink';

function gateways(rx: unknown, src: Source, maxGateways: number): GatewayReception[] {
  const list = gatewayList(rx, 'rxInfo', src, maxGateways);
  const out: GatewayReception[] = [];
  for (let i = 0; i < list.length; i++) {
    const r = list[i];
    out.push({
      id: gatewayIdOf(get(r, 'gatewayId'), `rxInfo[${i}].gatewayId`, src),
      rssi: optionalMeasurement(get(r, 'rssi'), `rxInfo[${i}].rssi`, src, RSSI_RANGE),
      snr: optionalMeasurement(get(r, 'snr'), `rxInfo[${i}].snr`, src, SNR_RANGE),
    });
  }
  return out;
}

/**
 * Normalises a ChirpStack v4 up event (JSON text, UTF-8 bytes or a parsed object); throws MurmurError naming
 * a missing or out-of-range field, or an event or payload over the limits of `opts`.
 */
export function fromChirpstackUp(
  event: unknown,
  schema?: PayloadSchema,
  opts: JsonIngestOptions = {},
): Uplink {
  const limits = jsonLimits(opts);
  const ev = readJsonMessage(event, limits.maxMessageBytes, opts);
  const devEui = devEuiOf(get(get(ev, 'deviceInfo'), 'devEui'), 'deviceInfo.devEui', opts);
  const fPort = requireApplicationPort(get(ev, 'fPort'), 'fPort', opts);
  const fCnt = optionalUint32(get(ev, 'fCnt'), 'fCnt', opts);
  const receivedAt = requireTimestamp(get(ev, 'time'), 'time', opts);
  const bytes = base64Bytes(get(ev, 'data'), 'data', opts, limits.maxPayloadBytes);
  const gws = gateways(get(ev, 'rxInfo'), opts, limits.maxGateways);
  const spreadingFactor = optionalSpreadingFactor(
    get(get(get(get(ev, 'txInfo'), 'modulation'), 'lora'), 'spreadingFactor'),
    'txInfo.modulation.lora.spreadingFactor',
    opts,
  );
  return makeUplink(
    { devEui, fCnt, fPort, receivedAt, spreadingFactor },
    gws,
    decodeWith(schema, bytes, fPort),
  );
}
