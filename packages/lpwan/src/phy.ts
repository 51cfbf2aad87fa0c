/**
 * Raw LoRaWAN 1.0.x uplink PHYPayloads with ABP session keys, through lora-packet: MIC verification,
 * FRMPayload decryption and the 32-bit frame counter rebuilt from the 16 bits on the wire and the last
 * accepted counter (whose upper 16 bits lora-packet needs for the MIC and the keystream).
 */
import loraPacket from 'lora-packet';
import { MurmurError } from '@murmur/core';
import { fromHex, type PayloadSchema } from '@murmur/payload';
import {
  DEFAULT_MAX_PAYLOAD_BYTES,
  decodeWith,
  describe,
  devEuiOf,
  isApplicationPort,
  limitOf,
  makeUplink,
  requireTimestamp,
  requireUint32,
  type PayloadLimit,
  type Uplink,
} from './uplink';

/** Largest accepted jump of the frame counter (LoRaWAN 1.0 MAX_FCNT_GAP). */
export const MAX_FCNT_GAP = 16_384;

export interface AbpSession {
  /** 16-byte network session key (hex or bytes). */
  nwkSKey: string | Uint8Array;
  /** 16-byte application session key (hex or bytes). */
  appSKey: string | Uint8Array;
  /** DevAddr the session belongs to (8 hex digits); frames of other devices are rejected when set. */
  devAddr?: string;
  /** DevEUI reported in the Uplink (raw frames carry only the DevAddr). */
  devEui?: string;
}

/** The shortest data frame: MHDR 1 + DevAddr 4 + FCtrl 1 + FCnt 2 + MIC 4 (no FOpts, FPort or FRMPayload). */
const MIN_DATA_FRAME_BYTES = 12;
/** Bytes of a data frame around its FRMPayload at most: MHDR, FHDR with 15 bytes of FOpts, FPort, MIC. */
const MAX_FRAME_OVERHEAD_BYTES = 1 + 7 + 15 + 1 + 4;
/** Longest hex text of a key read (32 digits, with room for separators). */
const MAX_KEY_TEXT_LENGTH = 64;
/** MHDR MType of the two data uplinks (LoRaWAN 1.0.x, 4.2.1). */
const UNCONFIRMED_DATA_UP = 0b010;
const CONFIRMED_DATA_UP = 0b100;
const MTYPE_NAMES = [
  'Join Request',
  'Join Accept',
  'Unconfirmed Data Up',
  'Unconfirmed Data Down',
  'Confirmed Data Up',
  'Confirmed Data Down',
  'RFU',
  'Proprietary',
];

/** A 16-byte session key given as 32 hex digits or as bytes; anything else is a MurmurError naming `field`. */
function key(k: unknown, field: string): Buffer {
  if (typeof k === 'string' && k.length > MAX_KEY_TEXT_LENGTH)
    throw new MurmurError(`a session key has 32 hex digits, got ${k.length} characters`, { field });
  const b = typeof k === 'string' ? fromHex(k, field) : k;
  if (!(b instanceof Uint8Array))
    throw new MurmurError(`expected a session key as hex or bytes, got ${describe(k)}`, { field });
  if (b.length !== 16) throw new MurmurError(`a session key has 16 bytes, got ${b.length}`, { field });
  return Buffer.from(b);
}

/** The keys and identity of an ABP session, each checked. */
interface CheckedSession {
  nwkSKey: Buffer;
  appSKey: Buffer;
  devAddr?: string;
  devEui: string;
}

function checkedSession(session: unknown): CheckedSession {
  if (typeof session !== 'object' || session === null)
    throw new MurmurError(`expected the ABP session {nwkSKey, appSKey}, got ${describe(session)}`, {
      field: 'session',
    });
  const s = session as Record<string, unknown>;
  const devAddr = s.devAddr;
  if (
    devAddr !== undefined &&
    (typeof devAddr !== 'string' || devAddr.length !== 8 || !/^[0-9a-fA-F]{8}$/.test(devAddr))
  )
    throw new MurmurError(`a DevAddr has 8 hex digits, got ${describe(devAddr)}`, { field: 'devAddr' });
  return {
    nwkSKey: key(s.nwkSKey, 'nwkSKey'),
    appSKey: key(s.appSKey, 'appSKey'),
    ...(devAddr === undefined ? {} : { devAddr: devAddr.toLowerCase() }),
    devEui: s.devEui === undefined ? '' : devEuiOf(s.devEui, 'devEui', {}),
  };
}

/** The frame as bytes: a Uint8Array as it is, hex text decoded (at most `maxBytes` bytes of it). */
function frameBytes(phy: unknown, maxBytes: number): Uint8Array {
  if (typeof phy === 'string') {
    if (phy.length > 3 * maxBytes)
      throw new MurmurError(`${phy.length} characters of hex exceed a frame of ${maxBytes} bytes`, {
        field: 'PHYPayload',
      });
    return fromHex(phy, 'PHYPayload');
  }
  if (phy instanceof Uint8Array) return phy;
  throw new MurmurError(`expected the frame as bytes or hex, got ${describe(phy)}`, { field: 'PHYPayload' });
}

/** A frame a network server drops: the reason, the field and the byte offset of the field. */
function dropped(message: string, field: string, offset: number): never {
  throw new MurmurError(message, { field, offset });
}

/** Throws unless MHDR is a LoRaWAN R1 data uplink: MType 010 or 100, RFU bits 0, Major 0. */
function checkMhdr(mhdr: number): void {
  const mtype = mhdr >> 5;
  if (mtype !== UNCONFIRMED_DATA_UP && mtype !== CONFIRMED_DATA_UP)
    dropped(`expected a data uplink, got '${MTYPE_NAMES[mtype]}'`, 'MHDR', 0);
  if ((mhdr & 0x1c) !== 0) dropped(`the RFU bits of MHDR are set (0x${mhdr.toString(16)})`, 'MHDR', 0);
  if ((mhdr & 0x03) !== 0) dropped(`LoRaWAN Major ${mhdr & 0x03} is not LoRaWAN R1 (0)`, 'MHDR', 0);
}

/**
 * The FPort of a data uplink of at least 12 bytes, read where LoRaWAN 1.0.x puts it: MHDR 1, DevAddr 4,
 * FCtrl 1 (FOptsLen in the low 4 bits), FCnt 2, FOpts 0..15, FPort 1, FRMPayload, MIC 4. Throws unless the
 * FOpts end before the MIC and an application port (1..223) follows with at most `maxPayloadBytes` after it.
 */
function applicationPortOf(phy: Uint8Array, maxPayloadBytes: number): number {
  const fOptsLen = phy[5]! & 0x0f;
  const fPortOffset = 8 + fOptsLen;
  const micOffset = phy.length - 4;
  if (fPortOffset > micOffset)
    dropped(
      `FOptsLen ${fOptsLen} runs into the MIC: ${micOffset - 8} bytes lie between FCnt and the MIC`,
      'FCtrl',
      5,
    );
  if (fPortOffset === micOffset)
    dropped('no FPort: the frame carries no application payload', 'FPort', fPortOffset);
  const fPort = phy[fPortOffset]!;
  if (fPort === 0) dropped('FPort 0 carries MAC commands, not application data', 'FPort', fPortOffset);
  if (!isApplicationPort(fPort))
    dropped(`FPort ${fPort} is not an application port (1..223)`, 'FPort', fPortOffset);
  const payloadBytes = micOffset - fPortOffset - 1;
  if (payloadBytes > maxPayloadBytes)
    dropped(
      `a payload of ${payloadBytes} bytes exceeds the limit of ${maxPayloadBytes} bytes`,
      'FRMPayload',
      fPortOffset + 1,
    );
  return fPort;
}

/** The application FPort of a frame a network server accepts as a data uplink (see `applicationPortOf`). */
function dataUplinkPort(frame: Uint8Array, maxPayloadBytes: number): number {
  if (frame.length < MIN_DATA_FRAME_BYTES)
    dropped(`a data frame has at least 12 bytes, got ${frame.length}`, 'PHYPayload', frame.length);
  checkMhdr(frame[0]!);
  return applicationPortOf(frame, maxPayloadBytes);
}

/** The frame read by lora-packet (its layout already checked). */
function parsed(frame: Uint8Array): ReturnType<typeof loraPacket.fromWire> {
  try {
    return loraPacket.fromWire(Buffer.from(frame));
  } catch (err) {
    throw new MurmurError(`not a LoRaWAN frame (${err instanceof Error ? err.message : String(err)})`, {
      field: 'PHYPayload',
      offset: 0,
    });
  }
}

/**
 * The 32-bit counter of a frame whose wire counter is `wire16`, given the last accepted counter (undefined for
 * the first frame of a session). Throws MurmurError for a replay (same or older counter), a gap > 16,384 or a
 * last counter that is not an integer 0..2³²−1.
 */
export function reconstructFCnt(wire16: number, lastAccepted?: number): number {
  if (lastAccepted === undefined) return wire16;
  requireUint32(lastAccepted, 'lastFCnt', {});
  const diff = (wire16 - (lastAccepted & 0xffff) + 0x10000) & 0xffff;
  if (diff === 0)
    throw new MurmurError(`replay: FCnt ${lastAccepted} was already accepted`, { field: 'FCnt', offset: 6 });
  if (diff > MAX_FCNT_GAP) {
    const older = diff > 0x10000 - MAX_FCNT_GAP;
    throw new MurmurError(
      older
        ? `replay: wire FCnt ${wire16} is older than the last accepted counter ${lastAccepted}`
        : `FCnt gap ${diff} after ${lastAccepted} exceeds ${MAX_FCNT_GAP}`,
      { field: 'FCnt', offset: 6 },
    );
  }
  const fCnt = lastAccepted + diff;
  if (fCnt > 0xffffffff)
    throw new MurmurError('the 32-bit frame counter is exhausted; rejoin', { field: 'FCnt', offset: 6 });
  return fCnt;
}

/** The upper 16 bits of a 32-bit counter in the little-endian order of the LoRaWAN B0/Ai blocks. */
function msBytes(fCnt: number): Buffer {
  const hi = Math.floor(fCnt / 0x10000);
  return Buffer.from([hi & 0xff, (hi >> 8) & 0xff]);
}

export interface PhyOptions extends PayloadLimit {
  /** Last accepted 32-bit FCnt of the session, an integer 0..2³²−1 (undefined: first frame). */
  lastFCnt?: number;
  schema?: PayloadSchema;
  /** RFC 3339 reception time (default: the Unix epoch, so that results do not depend on the clock). */
  receivedAt?: string;
}

/**
 * Verifies, decrypts and decodes an uplink PHYPayload (bytes or hex). Throws MurmurError for a frame a network
 * server would drop (not a LoRaWAN R1 data uplink, FOpts past the MIC, no application FPort, a payload over
 * `maxPayloadBytes`), a bad MIC, another device, a counter replay or gap, and bad keys or options.
 */
export function fromPhyPayload(phy: Uint8Array | string, session: AbpSession, opts: PhyOptions = {}): Uplink {
  const maxPayloadBytes = limitOf(opts.maxPayloadBytes, DEFAULT_MAX_PAYLOAD_BYTES, 'maxPayloadBytes');
  const receivedAt =
    opts.receivedAt === undefined
      ? new Date(0).toISOString()
      : requireTimestamp(opts.receivedAt, 'receivedAt', {});
  const keys = checkedSession(session);
  const frame = frameBytes(phy, maxPayloadBytes + MAX_FRAME_OVERHEAD_BYTES);
  const fPort = dataUplinkPort(frame, maxPayloadBytes);
  const packet = parsed(frame);
  const devAddr = packet.DevAddr?.toString('hex') ?? '';
  if (keys.devAddr !== undefined && devAddr !== keys.devAddr) {
    throw new MurmurError(`DevAddr ${devAddr} is not the session's ${keys.devAddr}`, {
      field: 'DevAddr',
      offset: 1,
    });
  }
  const fCnt = reconstructFCnt(packet.getFCnt() ?? 0, opts.lastFCnt);
  const ms = msBytes(fCnt);
  if (!loraPacket.verifyMIC(packet, keys.nwkSKey, undefined, ms)) {
    throw new MurmurError('MIC check failed (wrong NwkSKey, corrupted frame or wrong FCnt)', {
      field: 'MIC',
      offset: frame.length - 4,
    });
  }
  const bytes = new Uint8Array(loraPacket.decrypt(packet, keys.appSKey, keys.nwkSKey, ms));
  return makeUplink(
    { devEui: keys.devEui, fCnt, fPort, receivedAt },
    [],
    decodeWith(opts.schema, bytes, fPort),
  );
}

/** Builds an ABP uplink PHYPayload (for tests, benchmarks and device simulation). */
export function buildPhyPayload(
  frame: { devAddr: string; fCnt: number; fPort: number; payload: Uint8Array; confirmed?: boolean },
  session: AbpSession,
): Uint8Array {
  const ms = msBytes(frame.fCnt);
  const packet = loraPacket.fromFields(
    {
      MType: frame.confirmed ? 'Confirmed Data Up' : 'Unconfirmed Data Up',
      DevAddr: Buffer.from(fromHex(frame.devAddr, 'devAddr')),
      FCtrl: { ADR: false, ACK: false, ADRACKReq: false, FPending: false },
      FCnt: frame.fCnt & 0xffff,
      FPort: frame.fPort,
      payload: Buffer.from(frame.payload),
    },
    key(session.appSKey, 'appSKey'),
    key(session.nwkSKey, 'nwkSKey'),
    undefined,
    ms,
  );
  return new Uint8Array(packet.getPHYPayload() as Buffer);
}
