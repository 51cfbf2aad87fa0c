/**
 * Raw LoRaWAN 1.0.x uplink PHYPayloads with ABP session keys, through lora-packet: MIC verification,
 * FRMPayload decryption and the 32-bit frame counter rebuilt from the 16 bits on the wire and the last
 * accepted counter (whose upper 16 bits lora-packet needs for the MIC and the keystream).
 */
import loraPacket from 'lora-packet';
import { MurmurError } from '@murmur/core';
import { fromHex, type PayloadSchema } from '@murmur/payload';
import { decodeWith, makeUplink, type Uplink } from './uplink';

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

function key(k: string | Uint8Array, field: string): Buffer {
  const b = typeof k === 'string' ? fromHex(k, field) : k;
  if (b.length !== 16) throw new MurmurError(`a session key has 16 bytes, got ${b.length}`, { field });
  return Buffer.from(b);
}

/**
 * The 32-bit counter of a frame whose wire counter is `wire16`, given the last accepted counter (undefined for
 * the first frame of a session). Throws MurmurError for a replay (same or older counter) or a gap > 16,384.
 */
export function reconstructFCnt(wire16: number, lastAccepted?: number): number {
  if (lastAccepted === undefined) return wire16;
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

export interface PhyOptions {
  /** Last accepted 32-bit FCnt of the session (undefined: first frame). */
  lastFCnt?: number;
  schema?: PayloadSchema;
  /** Reception time (default: the Unix epoch, so that results do not depend on the clock). */
  receivedAt?: string;
}

/** Verifies, decrypts and decodes an uplink PHYPayload; throws MurmurError on a bad frame, MIC, device or counter. */
export function fromPhyPayload(phy: Uint8Array, session: AbpSession, opts: PhyOptions = {}): Uplink {
  if (phy.length < 12)
    throw new MurmurError(`a data frame has at least 12 bytes, got ${phy.length}`, {
      field: 'PHYPayload',
      offset: phy.length,
    });
  let packet: ReturnType<typeof loraPacket.fromWire>;
  try {
    packet = loraPacket.fromWire(Buffer.from(phy));
  } catch (err) {
    throw new MurmurError(`not a LoRaWAN frame (${err instanceof Error ? err.message : String(err)})`, {
      field: 'PHYPayload',
      offset: 0,
    });
  }
  const mtype = packet.getMType();
  if (mtype !== 'Unconfirmed Data Up' && mtype !== 'Confirmed Data Up') {
    throw new MurmurError(`expected a data uplink, got '${mtype}'`, { field: 'MHDR', offset: 0 });
  }
  const devAddr = packet.DevAddr?.toString('hex') ?? '';
  if (session.devAddr !== undefined && devAddr !== session.devAddr.toLowerCase()) {
    throw new MurmurError(`DevAddr ${devAddr} is not the session's ${session.devAddr}`, {
      field: 'DevAddr',
      offset: 1,
    });
  }
  const fPort = packet.getFPort();
  if (fPort === null || fPort === 0)
    throw new MurmurError('no application payload (FPort missing or 0)', {
      field: 'FPort',
      offset: 8 + (packet.FOpts?.length ?? 0),
    });
  const fCnt = reconstructFCnt(packet.getFCnt() ?? 0, opts.lastFCnt);
  const nwkSKey = key(session.nwkSKey, 'nwkSKey');
  const ms = msBytes(fCnt);
  if (!loraPacket.verifyMIC(packet, nwkSKey, undefined, ms)) {
    throw new MurmurError('MIC check failed (wrong NwkSKey, corrupted frame or wrong FCnt)', {
      field: 'MIC',
      offset: phy.length - 4,
    });
  }
  const bytes = new Uint8Array(loraPacket.decrypt(packet, key(session.appSKey, 'appSKey'), nwkSKey, ms));
  const devEui = session.devEui?.toLowerCase() ?? '';
  const receivedAt = opts.receivedAt ?? new Date(0).toISOString();
  return makeUplink({ devEui, fCnt, fPort, receivedAt }, [], decodeWith(opts.schema, bytes, fPort));
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
