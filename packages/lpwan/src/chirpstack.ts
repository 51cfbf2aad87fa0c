/**
 * ChirpStack v4 `up` integration event (MQTT `application/.../event/up` or HTTP `?event=up`), protobuf JSON:
 * camelCase, base64 `data`, zero-valued fields omitted.
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
  requirePositiveInt,
  requireString,
  type GatewayReception,
  type Source,
  type Uplink,
} from './uplink';

function gateways(rx: unknown, src: Source): GatewayReception[] {
  if (!Array.isArray(rx)) return [];
  const out: GatewayReception[] = [];
  for (let i = 0; i < rx.length; i++) {
    const r = rx[i];
    out.push({
      id: requireString(get(r, 'gatewayId'), `rxInfo[${i}].gatewayId`, src),
      rssi: optionalNumber(get(r, 'rssi'), `rxInfo[${i}].rssi`, src),
      snr: optionalNumber(get(r, 'snr'), `rxInfo[${i}].snr`, src),
    });
  }
  return out;
}

/** Normalises a ChirpStack v4 up event (JSON text or parsed object); throws MurmurError naming a missing field. */
export function fromChirpstackUp(event: unknown, schema?: PayloadSchema, src: Source = {}): Uplink {
  const ev = typeof event === 'string' ? parseJson(event, src) : event;
  const devEui = devEuiOf(get(get(ev, 'deviceInfo'), 'devEui'), 'deviceInfo.devEui', src);
  const fPort = requirePositiveInt(get(ev, 'fPort'), 'fPort', src);
  const fCnt = optionalNumber(get(ev, 'fCnt'), 'fCnt', src);
  const receivedAt = requireString(get(ev, 'time'), 'time', src);
  const bytes = base64Bytes(get(ev, 'data'), 'data', src);
  const gws = gateways(get(ev, 'rxInfo'), src);
  const sf = get(get(get(get(ev, 'txInfo'), 'modulation'), 'lora'), 'spreadingFactor');
  const spreadingFactor = typeof sf === 'number' ? sf : undefined;
  return makeUplink(
    { devEui, fCnt, fPort, receivedAt, spreadingFactor },
    gws,
    decodeWith(schema, bytes, fPort),
  );
}
