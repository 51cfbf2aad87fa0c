/**
 * NB-IoT uplinks: the body of a UDP datagram carrying the payload as CBOR (a SenML pack or the compact array),
 * with the device identity and reception time supplied by the receiving server.
 */
import { MurmurError } from '@murmur/core';
import type { PayloadSchema } from '@murmur/payload';
import {
  decodeCborWith,
  describe,
  deviceIdOf,
  limitOf,
  makeUplink,
  optionalUint32,
  requireObject,
  requireTimestamp,
  type Uplink,
} from './uplink';

/**
 * The default limit of a datagram body: the most a BG96 sends in one `AT+QISEND` (SenML names every field, so a
 * body is several times the LoRaWAN payload of the same values).
 */
export const DEFAULT_MAX_DATAGRAM_BYTES = 1460;

export interface DatagramMeta {
  /** Device identifier: an EUI-64 (16 hex digits) or the 15-digit IMEI. */
  devEui: string;
  /** Sequence number if the transport carries one, an integer 0..2³²−1 (default 0). */
  fCnt?: number;
  /** RFC 3339 reception time. */
  receivedAt: string;
}

export interface NbiotOptions {
  /** Largest CBOR body in bytes, refused before it is decoded (default 1,460). */
  maxBodyBytes?: number;
}

/** The body as bytes of at most `maxBytes`; anything else is a MurmurError. */
function checkedBody(body: unknown, maxBytes: number): Uint8Array {
  if (!(body instanceof Uint8Array))
    throw new MurmurError(`expected the datagram body as bytes, got ${describe(body)}`, { field: 'body' });
  if (body.length > maxBytes)
    throw new MurmurError(`a body of ${body.length} bytes exceeds the limit of ${maxBytes} bytes`, {
      field: 'body',
      offset: maxBytes,
    });
  return body;
}

/**
 * Normalises a CBOR datagram body; the fPort is the schema's (NB-IoT has none). Throws MurmurError for a body
 * that is not bytes or is over `maxBodyBytes`, and for a device id, counter or time in `meta` out of format.
 */
export function fromNbiotDatagram(
  body: Uint8Array,
  meta: DatagramMeta,
  schema?: PayloadSchema,
  opts: NbiotOptions = {},
): Uplink {
  const checked = checkedBody(body, limitOf(opts.maxBodyBytes, DEFAULT_MAX_DATAGRAM_BYTES, 'maxBodyBytes'));
  const m = requireObject(meta, 'meta', {});
  const head = {
    devEui: deviceIdOf(m.devEui, 'devEui', {}),
    fCnt: optionalUint32(m.fCnt, 'fCnt', {}),
    fPort: schema?.fPort ?? 0,
    receivedAt: requireTimestamp(m.receivedAt, 'receivedAt', {}),
  };
  return makeUplink(head, [], decodeCborWith(schema, checked));
}
