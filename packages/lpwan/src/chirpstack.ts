/**
 * ChirpStack v4 `up` integration event (MQTT `application/.../event/up` or HTTP `?event=up`), protobuf JSON:
 * camelCase, base64 `data`, zero-valued fields omitted.
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

/** Normalises a ChirpStack v4 up event (JSON text or parsed object); throws MurmurError naming a missing field. */
export function fromChirpstackUp(event: unknown, schema?: PayloadSchema, src: Source = {}): Uplink {
  const ev = typeof event === 'string' ? parseJson(event, src) : event;
  const devEui = devEuiOf(ev, 'deviceInfo.devEui', src);
  const fPort = requirePositiveInt(ev, 'fPort', src);
  const fCnt = optionalNumber(ev, 'fCnt', src);
  const receivedAt = requireString(ev, 'time', src);
  const bytes = base64Bytes(ev, 'data', src);
  const rx = at(ev, 'rxInfo');
  const gateways: GatewayReception[] = Array.isArray(rx)
    ? rx.map((r, i) => {
        const where = { ...src, prefix: `rxInfo[${i}]` };
        return {
          id: requireString(r, 'gatewayId', where),
          rssi: optionalNumber(r, 'rssi', where),
          snr: optionalNumber(r, 'snr', where),
        };
      })
    : [];
  const sf = at(ev, 'txInfo.modulation.lora.spreadingFactor');
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
