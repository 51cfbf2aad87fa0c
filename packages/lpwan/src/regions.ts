/**
 * Uplink data rates and maximum application payload sizes (N: FRMPayload without FOpts) per region, from the
 * LoRaWAN Regional Parameters RP002-1.0.3. AU915 and AS923 list the values without uplink dwell-time limit
 * and, separately, with the 400 ms limit (where DR0/DR1 cannot be used).
 */
import { UsageError } from '@murmur/core';

export type Region = 'EU868' | 'US915' | 'AU915' | 'AS923' | 'IN865' | 'KR920';
export const REGIONS: readonly Region[] = ['EU868', 'US915', 'AU915', 'AS923', 'IN865', 'KR920'];

export interface DataRate {
  dr: number;
  /** LoRa spreading factor, or undefined for FSK. */
  spreadingFactor?: number;
  bandwidthKhz?: number;
  /** FSK bit rate in kbit/s. */
  fskKbps?: number;
  /** Maximum application payload (N) in bytes. */
  maxPayload: number;
  /** Maximum application payload with the 400 ms uplink dwell-time limit; 0 when the rate is not allowed. */
  maxPayloadDwell?: number;
}

const lora = (
  dr: number,
  sf: number,
  bw: number,
  maxPayload: number,
  maxPayloadDwell?: number,
): DataRate => ({
  dr,
  spreadingFactor: sf,
  bandwidthKhz: bw,
  maxPayload,
  ...(maxPayloadDwell === undefined ? {} : { maxPayloadDwell }),
});
const fsk = (dr: number, maxPayload: number, maxPayloadDwell?: number): DataRate => ({
  dr,
  fskKbps: 50,
  maxPayload,
  ...(maxPayloadDwell === undefined ? {} : { maxPayloadDwell }),
});

/** Uplink data rates per region. */
export const UPLINK_DATA_RATES: Record<Region, DataRate[]> = {
  EU868: [
    lora(0, 12, 125, 51),
    lora(1, 11, 125, 51),
    lora(2, 10, 125, 51),
    lora(3, 9, 125, 115),
    lora(4, 8, 125, 222),
    lora(5, 7, 125, 222),
    lora(6, 7, 250, 222),
    fsk(7, 222),
  ],
  US915: [
    lora(0, 10, 125, 11),
    lora(1, 9, 125, 53),
    lora(2, 8, 125, 125),
    lora(3, 7, 125, 242),
    lora(4, 8, 500, 242),
  ],
  AU915: [
    lora(0, 12, 125, 51, 0),
    lora(1, 11, 125, 51, 0),
    lora(2, 10, 125, 51, 11),
    lora(3, 9, 125, 115, 53),
    lora(4, 8, 125, 222, 125),
    lora(5, 7, 125, 222, 242),
    lora(6, 8, 500, 222, 242),
  ],
  AS923: [
    lora(0, 12, 125, 51, 0),
    lora(1, 11, 125, 51, 0),
    lora(2, 10, 125, 51, 11),
    lora(3, 9, 125, 115, 53),
    lora(4, 8, 125, 222, 125),
    lora(5, 7, 125, 222, 242),
    lora(6, 7, 250, 222, 242),
    fsk(7, 222, 242),
  ],
  IN865: [
    lora(0, 12, 125, 51),
    lora(1, 11, 125, 51),
    lora(2, 10, 125, 51),
    lora(3, 9, 125, 115),
    lora(4, 8, 125, 222),
    lora(5, 7, 125, 222),
    fsk(7, 222),
  ],
  KR920: [
    lora(0, 12, 125, 51),
    lora(1, 11, 125, 51),
    lora(2, 10, 125, 51),
    lora(3, 9, 125, 115),
    lora(4, 8, 125, 222),
    lora(5, 7, 125, 222),
  ],
};

/** The region named (case-insensitive); UsageError listing the known regions otherwise. */
export function regionOf(name: string): Region {
  const r = REGIONS.find((x) => x === name.toUpperCase());
  if (!r) throw new UsageError(`unknown region '${name}' (known: ${REGIONS.join(', ')})`);
  return r;
}

/** Maximum application payload of a data rate, with or without the uplink dwell-time limit. */
export function maxPayload(rate: DataRate, dwellTime = false): number {
  return dwellTime && rate.maxPayloadDwell !== undefined ? rate.maxPayloadDwell : rate.maxPayload;
}

/** The uplink data rates of a region that carry `appBytes` of application payload. */
export function dataRatesFitting(region: Region, appBytes: number, dwellTime = false): DataRate[] {
  return UPLINK_DATA_RATES[region].filter(
    (r) => maxPayload(r, dwellTime) >= appBytes && maxPayload(r, dwellTime) > 0,
  );
}

/** The smallest maximum payload over every LoRa uplink data rate of every region (the size that goes anywhere). */
export function smallestMaxPayload(dwellTime = false): number {
  return Math.min(
    ...REGIONS.flatMap((r) => UPLINK_DATA_RATES[r].map((d) => maxPayload(d, dwellTime)).filter((n) => n > 0)),
  );
}
