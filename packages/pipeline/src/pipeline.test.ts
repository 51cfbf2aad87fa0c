import { describe, expect, it } from 'vitest';
import { getBoard } from '@murmur/boards';
import type { MurmurApp } from '@murmur/app';
import { batteryEstimate, BATTERY_MAH, SELF_DISCHARGE_PER_YEAR, sensorCurrent } from './battery';
import { firmwareFootprint } from './build';

const app = {
  id: 'x',
  featureGraph: { rateHz: 20, hop: 128, window: 128 },
  uplink: { periodS: 900 },
  payload: { size: 6 },
  sensor: { description: 'an accelerometer', currentUa: 100 },
} as unknown as MurmurApp;

describe('budget footprint', () => {
  it('reserves less code and stack on AVR than on Cortex-M', () => {
    const avr = firmwareFootprint(getBoard('simavr-atmega328p'), 500, 100);
    const arm = firmwareFootprint(getBoard('rak4631'), 500, 100);
    expect(avr).toEqual({ flash: 8 * 1024 + 100, ram: 500 + 128 + 256 });
    expect(arm.ram).toBeGreaterThan(avr.ram);
  });
});

describe('battery estimate', () => {
  it('adds compute, radio, sleep, sensor and self-discharge charge per day', () => {
    const board = getBoard('arduino-uno-rn2483');
    const b = batteryEstimate(app, board, 4_000_000, 6, 7, 20_000)!;
    const windowsPerDay = 86400 / (128 / 20);
    expect(b.windowsPerDay).toBeCloseTo(windowsPerDay, 6);
    expect(b.uplinksPerDay).toBe(96);
    expect(b.computeMahPerDay).toBeCloseTo(
      (((windowsPerDay * 4_000_000 + 96 * 20_000) / 16e6) * board.power.runCurrentMa) / 3600,
      9,
    );
    expect(b.sleepMahPerDay).toBeCloseTo((board.power.sleepCurrentUa / 1000) * 24, 9);
    expect(b.sensorCurrentUa).toBe(100);
    expect(b.sensorMahPerDay).toBeCloseTo(2.4, 9);
    expect(b.sensorCurrentSource).toBe("the app's sensor description (an accelerometer)");
    expect(b.selfDischargeMahPerDay).toBeCloseTo((BATTERY_MAH * SELF_DISCHARGE_PER_YEAR) / 365.25, 9);
    const total =
      b.computeMahPerDay + b.radioMahPerDay + b.sleepMahPerDay + b.sensorMahPerDay + b.selfDischargeMahPerDay;
    expect(b.days).toBeCloseTo(BATTERY_MAH / total, 9);
    expect(b.years).toBeCloseTo(b.days / 365.25, 9);
    expect(b.parts.map((p) => p.part)).toEqual(['inference', 'radio', 'sleep', 'sensor', 'self-discharge']);
    expect(b.parts.reduce((n, p) => n + p.mahPerDay, 0)).toBeCloseTo(total, 9);
    expect(b.assumptions).toContain('2 % of 2400 mAh a year');
  });

  it('is bounded by self-discharge however little the device draws', () => {
    const board = getBoard('rak4631');
    const b = batteryEstimate(app, board, 1, 6)!;
    expect(b.days).toBeLessThan(365.25 / SELF_DISCHARGE_PER_YEAR);
  });

  it("takes the sensor's current from the app's sensor description", () => {
    const withSensor = (sensor: object): MurmurApp => ({ ...app, sensor }) as unknown as MurmurApp;
    expect(sensorCurrent(withSensor({ description: 'x', currentUa: 42 }))).toEqual({
      ua: 42,
      source: "the app's sensor description (x)",
    });
  });

  it('gives no estimate for the host or a board without a radio', () => {
    expect(batteryEstimate(app, getBoard('native'), 1000, 6)).toBeUndefined();
    expect(batteryEstimate(app, getBoard('qemu-mps2-an386'), 1000, 6)).toBeUndefined();
  });
});
