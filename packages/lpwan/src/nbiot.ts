/**
 * NB-IoT uplinks: the body of a UDP datagram carrying the payload as CBOR (a SenML pack or the compact array),
 * with the device identity and reception time supplied by the receiving server.
 */
import type { PayloadSchema } from '@murmur/payload';
import { decodeCborWith, makeUplink, type Uplink } from './uplink';

export interface DatagramMeta {
  /** Device identifier (EUI-64 / IMEI-derived) in hex. */
  devEui: string;
  /** Sequence number if the transport carries one (default 0). */
  fCnt?: number;
  receivedAt: string;
}

/** Normalises a CBOR datagram body; the fPort is the schema's (NB-IoT has none). */
export function fromNbiotDatagram(body: Uint8Array, meta: DatagramMeta, schema?: PayloadSchema): Uplink {
  const head = {
    devEui: meta.devEui.toLowerCase(),
    fCnt: meta.fCnt ?? 0,
    fPort: schema?.fPort ?? 0,
    receivedAt: meta.receivedAt,
  };
  return makeUplink(head, [], decodeCborWith(schema, body));
}
