/**
 * LoRa time on air (Semtech AN1200.13, "LoRa Modem Designer's Guide") and the daily uplink budget it
 * allows under the EU868 1 % duty cycle and The Things Network fair-use policy (30 s of uplink airtime a day).
 */
import { MurmurError } from '@murmur/core';

/** Bytes LoRaWAN adds to the application payload: MHDR 1 + FHDR 7 (no FOpts) + FPort 1 + MIC 4. */
export const LORAWAN_OVERHEAD_BYTES = 13;
/** EU868 sub-band duty cycle (g1: 1 %). */
export const EU868_DUTY_CYCLE = 0.01;
/** TTN fair-use policy: uplink airtime per device per day, in milliseconds. */
export const TTN_FAIR_USE_MS_PER_DAY = 30_000;
const DAY_MS = 86_400_000;

export interface LoraParams {
  spreadingFactor: number;
  /** Bandwidth in kHz (125, 250, 500). */
  bandwidthKhz?: number;
  /** Coding rate 4/(4+cr), cr 1..4 (LoRaWAN: 1). */
  codingRate?: number;
  /** Preamble symbols (LoRaWAN: 8). */
  preambleSymbols?: number;
  /** Explicit header (LoRaWAN: true). */
  explicitHeader?: boolean;
  /** Payload CRC (LoRaWAN uplinks: true). */
  crc?: boolean;
  /** Low data rate optimisation; default on when a symbol lasts 16 ms or more (SF11/SF12 at 125 kHz). */
  lowDataRateOptimize?: boolean;
}

export interface Airtime {
  /** Bytes on air (PHYPayload). */
  phyPayloadBytes: number;
  symbolMs: number;
  preambleMs: number;
  payloadSymbols: number;
  payloadMs: number;
  totalMs: number;
}

/** Time on air of a PHY payload of `phyBytes` bytes (AN1200.13 section 4). */
export function loraAirtime(phyBytes: number, params: LoraParams): Airtime {
  const sf = params.spreadingFactor;
  const bw = params.bandwidthKhz ?? 125;
  if (!Number.isInteger(sf) || sf < 6 || sf > 12)
    throw new MurmurError(`spreading factor must be 6..12, got ${sf}`, { field: 'sf' });
  if (![125, 250, 500].includes(bw))
    throw new MurmurError(`bandwidth must be 125, 250 or 500 kHz, got ${bw}`, { field: 'bw' });
  if (!Number.isInteger(phyBytes) || phyBytes < 0 || phyBytes > 255) {
    throw new MurmurError(`PHY payload must be 0..255 bytes, got ${phyBytes}`, { field: 'bytes' });
  }
  const cr = params.codingRate ?? 1;
  const symbolMs = 2 ** sf / bw;
  const de = (params.lowDataRateOptimize ?? symbolMs >= 16) ? 1 : 0;
  const ih = params.explicitHeader === false ? 1 : 0;
  const crc = params.crc === false ? 0 : 1;
  const preambleMs = ((params.preambleSymbols ?? 8) + 4.25) * symbolMs;
  const num = 8 * phyBytes - 4 * sf + 28 + 16 * crc - 20 * ih;
  const payloadSymbols = 8 + Math.max(Math.ceil(num / (4 * (sf - 2 * de))) * (cr + 4), 0);
  const payloadMs = payloadSymbols * symbolMs;
  return {
    phyPayloadBytes: phyBytes,
    symbolMs,
    preambleMs,
    payloadSymbols,
    payloadMs,
    totalMs: preambleMs + payloadMs,
  };
}

/** Time on air of a LoRaWAN uplink carrying `appBytes` of application payload (no FOpts). */
export function uplinkAirtimeMs(appBytes: number, params: LoraParams): number {
  return loraAirtime(appBytes + LORAWAN_OVERHEAD_BYTES, params).totalMs;
}

export interface UplinkBudget {
  airtimeMs: number;
  /** Uplinks a day that the 1 % duty cycle allows (EU868). */
  maxPerDayDutyCycle: number;
  /** Uplinks a day that TTN's 30 s fair-use airtime allows. */
  maxPerDayTtnFairUse: number;
  /** Shortest interval between uplinks under each limit, in seconds. */
  minIntervalDutyCycleS: number;
  minIntervalTtnFairUseS: number;
}

/** Daily uplink budget of an application payload size at one spreading factor / bandwidth. */
export function uplinkBudget(
  appBytes: number,
  params: LoraParams,
  dutyCycle = EU868_DUTY_CYCLE,
): UplinkBudget {
  const airtimeMs = uplinkAirtimeMs(appBytes, params);
  const maxPerDayDutyCycle = Math.floor((DAY_MS * dutyCycle) / airtimeMs);
  const maxPerDayTtnFairUse = Math.floor(TTN_FAIR_USE_MS_PER_DAY / airtimeMs);
  return {
    airtimeMs,
    maxPerDayDutyCycle,
    maxPerDayTtnFairUse,
    minIntervalDutyCycleS: airtimeMs / dutyCycle / 1000,
    minIntervalTtnFairUseS: DAY_MS / 1000 / maxPerDayTtnFairUse,
  };
}
