import { describe, expect, it } from 'vitest';
import { getBoard } from '@murmur/boards';
import type { MurmurApp } from '@murmur/app';
import { batteryEstimate, BATTERY_MAH } from './report';
import { firmwareFootprint } from './build';

const app = {
  id: 'x',
  featureGraph: { rateHz: 20, hop: 128, window: 128 },
  uplink: { periodS: 900 },
  payload: { size: 6 },
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
  it('adds compute, radio and sleep charge per day', () => {
    const board = getBoard('arduino-uno-rn2483');
    const b = batteryEstimate(app, board, 4_000_000, 6)!;
    const windowsPerDay = 86400 / (128 / 20);
    expect(b.windowsPerDay).toBeCloseTo(windowsPerDay, 6);
    expect(b.uplinksPerDay).toBe(96);
    expect(b.computeMahPerDay).toBeCloseTo(
      (((windowsPerDay * 4_000_000) / 16e6) * board.power.runCurrentMa) / 3600,
      9,
    );
    expect(b.sleepMahPerDay).toBeCloseTo((board.power.sleepCurrentUa / 1000) * 24, 9);
    expect(b.days).toBeCloseTo(BATTERY_MAH / (b.computeMahPerDay + b.radioMahPerDay + b.sleepMahPerDay), 9);
  });
  it('gives no estimate for the host or a board without a radio', () => {
    expect(batteryEstimate(app, getBoard('native'), 1000, 6)).toBeUndefined();
    expect(batteryEstimate(app, getBoard('qemu-mps2-an386'), 1000, 6)).toBeUndefined();
  });
});
