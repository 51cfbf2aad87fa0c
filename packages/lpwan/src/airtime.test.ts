import { describe, expect, it } from 'vitest';
import { loraAirtime, uplinkAirtimeMs, uplinkBudget } from './airtime';
import { REGIONS, UPLINK_DATA_RATES, dataRatesFitting, regionOf, smallestMaxPayload } from './regions';

describe('LoRa time on air (AN1200.13)', () => {
  it('matches published figures', () => {
    // SF7/125 kHz, 10-byte PHY payload: 41.216 ms (Semtech LoRa calculator, AN1200.13).
    expect(loraAirtime(10, { spreadingFactor: 7 }).totalMs).toBeCloseTo(41.216, 6);
    // SF12/125 kHz, 51-byte application payload (64-byte PHY): 2793.472 ms (TTN airtime calculator: 2793.5 ms).
    expect(uplinkAirtimeMs(51, { spreadingFactor: 12 })).toBeCloseTo(2793.472, 6);
    // 12-byte application payload: SF12 1482.752 ms, SF7 61.696 ms.
    expect(uplinkAirtimeMs(12, { spreadingFactor: 12 })).toBeCloseTo(1482.752, 6);
    expect(uplinkAirtimeMs(12, { spreadingFactor: 7 })).toBeCloseTo(61.696, 6);
    // SF9/125 kHz, 13 bytes of overhead only: 164.864 ms.
    expect(uplinkAirtimeMs(0, { spreadingFactor: 9 })).toBeCloseTo(164.864, 6);
  });

  it('turns on low-data-rate optimisation at SF11/SF12 on 125 kHz only', () => {
    const withDe = loraAirtime(20, { spreadingFactor: 11 });
    const forcedOff = loraAirtime(20, { spreadingFactor: 11, lowDataRateOptimize: false });
    expect(withDe.payloadSymbols).toBeGreaterThan(forcedOff.payloadSymbols);
    expect(loraAirtime(20, { spreadingFactor: 10 }).payloadSymbols).toBe(
      loraAirtime(20, { spreadingFactor: 10, lowDataRateOptimize: false }).payloadSymbols,
    );
    expect(loraAirtime(20, { spreadingFactor: 11, bandwidthKhz: 250 }).payloadSymbols).toBe(
      loraAirtime(20, { spreadingFactor: 11, bandwidthKhz: 250, lowDataRateOptimize: false }).payloadSymbols,
    );
  });

  it('gives the daily uplink budget under the 1 % duty cycle and TTN fair use', () => {
    // TTN fair use (30 s/day): about 20 uplinks of 12 bytes at SF12, about 500 at SF7.
    expect(uplinkBudget(12, { spreadingFactor: 12 }).maxPerDayTtnFairUse).toBe(20);
    expect(uplinkBudget(12, { spreadingFactor: 7 }).maxPerDayTtnFairUse).toBe(486);
    // 1 % of a day is 864 s.
    expect(uplinkBudget(51, { spreadingFactor: 12 }).maxPerDayDutyCycle).toBe(Math.floor(864_000 / 2793.472));
    expect(uplinkBudget(51, { spreadingFactor: 12 }).minIntervalDutyCycleS).toBeCloseTo(279.3472, 6);
  });

  it('rejects impossible radio settings with the field named', () => {
    expect(() => loraAirtime(10, { spreadingFactor: 13 })).toThrow(/field 'sf'/);
    expect(() => loraAirtime(300, { spreadingFactor: 7 })).toThrow(/field 'bytes'/);
    expect(() => loraAirtime(10, { spreadingFactor: 7, bandwidthKhz: 200 })).toThrow(/field 'bw'/);
  });
});

describe('regional payload limits (RP002-1.0.3)', () => {
  it('knows the limits of the six regions', () => {
    expect(UPLINK_DATA_RATES.EU868.map((d) => d.maxPayload)).toEqual([51, 51, 51, 115, 222, 222, 222, 222]);
    expect(UPLINK_DATA_RATES.US915.map((d) => d.maxPayload)).toEqual([11, 53, 125, 242, 242]);
    expect(UPLINK_DATA_RATES.AU915.map((d) => d.maxPayloadDwell)).toEqual([0, 0, 11, 53, 125, 242, 242]);
    expect(UPLINK_DATA_RATES.US915[0]).toMatchObject({ spreadingFactor: 10, bandwidthKhz: 125 });
    expect(REGIONS).toHaveLength(6);
  });

  it('says which data rates a size fits; 11 bytes fit everywhere', () => {
    expect(dataRatesFitting('US915', 12).map((d) => d.dr)).toEqual([1, 2, 3, 4]);
    expect(dataRatesFitting('AS923', 11, true).map((d) => d.dr)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(smallestMaxPayload()).toBe(11);
    expect(smallestMaxPayload(true)).toBe(11);
    expect(regionOf('eu868')).toBe('EU868');
    expect(() => regionOf('XX123')).toThrow(/known: EU868, US915/);
  });
});
