/**
 * The NB-IoT datagram framing: what a device sends over UDP and what the server answers.
 *
 * An uplink datagram is a 14-byte header followed by the CBOR body (a SenML pack or the compact array of
 * `@murmur/payload`, at most 1,460 bytes):
 *
 * | bytes | field                                                                                          |
 * | ----- | ---------------------------------------------------------------------------------------------- |
 * | 0     | `0x01`: the device id is an EUI-64; `0x02`: it is an IMEI                                       |
 * | 1–8   | device id: the EUI-64, or the 15-digit IMEI as an unsigned 64-bit integer, big-endian          |
 * | 9–12  | sequence number, unsigned 32-bit big-endian: one per uplink, the same in every retry of it     |
 * | 13    | fPort 1..223: the fPort of the payload schema, which names the app of a device seen first       |
 * | 14–   | CBOR body                                                                                      |
 *
 * The uplink is stored once per (device id, sequence). Once it is committed the server answers with an ack
 * datagram: the uplink's first 13 bytes (kind, id, sequence) and a status byte, `0x00` stored, `0x01` a
 * duplicate of one already stored, `0x02` refused (the datagram will never be stored: do not send it
 * again). When the server cannot store it now (queue full, store unavailable, shutting down) it answers
 * nothing, and the device sends the same datagram again. The ack is never larger than the datagram.
 *
 * A downlink datagram (server to device) has the uplink's layout with the top bit of byte 0 set (`0x81`
 * EUI-64, `0x82` IMEI): the device id, a downlink sequence number (the server's downlink id, modulo 2^32),
 * the fPort of the app's downlink schema, and the downlink payload as the app's encoder writes it (the
 * bytes a LoRaWAN device gets in FRMPayload). It goes to the address and port the device's latest datagram
 * came from, so it passes the carrier's NAT while that binding lasts; the device does not answer it.
 */
import { MurmurError } from '@murmur/core';

export const NBIOT_ID_EUI = 0x01;
export const NBIOT_ID_IMEI = 0x02;
export const NBIOT_HEADER_BYTES = 14;
export const NBIOT_ACK_BYTES = 14;

export const NBIOT_ACK = { stored: 0x00, duplicate: 0x01, refused: 0x02 } as const;
export type NbiotAckStatus = keyof typeof NBIOT_ACK;

export interface NbiotFrame {
  /** The device id as the store keeps it: 16 lower-case hex digits (EUI-64) or the 15 IMEI digits. */
  devEui: string;
  sequence: number;
  fPort: number;
  /** The CBOR body (a view into the datagram). */
  body: Uint8Array;
}

/** The largest IMEI: 15 decimal digits. */
const MAX_IMEI = 999_999_999_999_999n;

/** Reads an uplink datagram's header; throws MurmurError naming the field of a malformed one. */
export function readNbiotDatagram(datagram: Uint8Array): NbiotFrame {
  if (datagram.length < NBIOT_HEADER_BYTES)
    throw new MurmurError(
      `a datagram of ${datagram.length} bytes is shorter than its ${NBIOT_HEADER_BYTES}-byte header`,
      { field: 'header', offset: datagram.length },
    );
  const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const kind = datagram[0]!;
  const id = view.getBigUint64(1, false);
  let devEui: string;
  if (kind === NBIOT_ID_EUI) devEui = id.toString(16).padStart(16, '0');
  else if (kind === NBIOT_ID_IMEI) {
    if (id > MAX_IMEI)
      throw new MurmurError(`${id} has more than the 15 digits of an IMEI`, { field: 'id', offset: 1 });
    devEui = id.toString().padStart(15, '0');
  } else
    throw new MurmurError(
      `id kind 0x${kind.toString(16).padStart(2, '0')}: expected 0x01 (EUI-64) or 0x02 (IMEI)`,
      { field: 'kind', offset: 0 },
    );
  return {
    devEui,
    sequence: view.getUint32(9, false),
    fPort: datagram[13]!,
    body: datagram.subarray(NBIOT_HEADER_BYTES),
  };
}

/** An uplink datagram (what a device sends): the header of `devEui` and `sequence`, then `body`. */
export function nbiotDatagram(o: {
  devEui: string;
  sequence: number;
  fPort: number;
  body: Uint8Array;
}): Uint8Array {
  const out = new Uint8Array(NBIOT_HEADER_BYTES + o.body.length);
  const view = new DataView(out.buffer);
  if (/^[0-9a-fA-F]{16}$/.test(o.devEui)) {
    out[0] = NBIOT_ID_EUI;
    view.setBigUint64(1, BigInt(`0x${o.devEui}`), false);
  } else if (/^\d{15}$/.test(o.devEui)) {
    out[0] = NBIOT_ID_IMEI;
    view.setBigUint64(1, BigInt(o.devEui), false);
  } else throw new MurmurError(`'${o.devEui}' is neither an EUI-64 nor an IMEI`, { field: 'devEui' });
  view.setUint32(9, o.sequence >>> 0, false);
  out[13] = o.fPort;
  out.set(o.body, NBIOT_HEADER_BYTES);
  return out;
}

/** Byte 0's flag of a downlink datagram (server to device). */
export const NBIOT_DOWNLINK_FLAG = 0x80;

/** A downlink datagram: the header of `devEui`, downlink `sequence` and `fPort` (byte 0 flagged), then the payload. */
export function nbiotDownlink(o: {
  devEui: string;
  sequence: number;
  fPort: number;
  body: Uint8Array;
}): Uint8Array {
  const out = nbiotDatagram(o);
  out[0] = out[0]! | NBIOT_DOWNLINK_FLAG;
  return out;
}

/** Reads a downlink datagram (what a device does); undefined when it is not one. */
export function readNbiotDownlink(datagram: Uint8Array): NbiotFrame | undefined {
  if (datagram.length < NBIOT_HEADER_BYTES || (datagram[0]! & NBIOT_DOWNLINK_FLAG) === 0) return undefined;
  const copy = Uint8Array.from(datagram);
  copy[0] = copy[0]! & ~NBIOT_DOWNLINK_FLAG;
  try {
    return readNbiotDatagram(copy);
  } catch {
    return undefined;
  }
}

/** The ack of an uplink datagram: its first 13 bytes and the status. */
export function nbiotAck(datagram: Uint8Array, status: NbiotAckStatus): Uint8Array {
  const out = new Uint8Array(NBIOT_ACK_BYTES);
  out.set(datagram.subarray(0, NBIOT_ACK_BYTES - 1));
  out[NBIOT_ACK_BYTES - 1] = NBIOT_ACK[status];
  return out;
}

/** Reads an ack datagram (what a device does with the answer): its id, sequence and status. */
export function readNbiotAck(
  ack: Uint8Array,
): { devEui: string; sequence: number; status: NbiotAckStatus } | undefined {
  if (ack.length !== NBIOT_ACK_BYTES) return undefined;
  const status = (Object.keys(NBIOT_ACK) as NbiotAckStatus[]).find((s) => NBIOT_ACK[s] === ack[13]);
  if (status === undefined) return undefined;
  try {
    const { devEui, sequence } = readNbiotDatagram(ack);
    return { devEui, sequence, status };
  } catch {
    return undefined;
  }
}

/** The deduplication key of an NB-IoT uplink: `<imei or EUI>:<sequence>`. */
export const nbiotKey = (frame: Pick<NbiotFrame, 'devEui' | 'sequence'>): string =>
  `${frame.devEui}:${frame.sequence}`;
