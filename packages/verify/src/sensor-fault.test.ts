/**
 * Every app's firmware fed a broken sensor — NaN, ±Inf, a sample at float32's maximum (clipped), a stuck
 * channel — on the host (ASan/UBSan) and on the emulated cores: the faulty windows are not classified and
 * raise no alarm, the uplink flags the sensor fault, and the C agrees with the TS reference byte for byte.
 */
import { getBoard } from '@murmur/boards';
import { describe, expect, it } from 'vitest';
import { listApps, loadApp, type MurmurApp } from '@murmur/app';
import { generateAppLibrary } from '@murmur/codegen';
import { SENSOR_FAULT, windowFaults } from '@murmur/dsp';
import { decode, fromHex } from '@murmur/payload';
import { appLibraryOptions } from './app-parts';
import { checkFrames, runLibraryCheck, type SampleOverride } from './library-check';

type Fault = 'none' | 'nonFinite' | 'clip' | 'stuck';

/** Periods of two windows: a sound window and one with NaN and ±Inf; two faulty windows; two sound ones. */
const PERIODS: Fault[][] = [
  ['none', 'nonFinite'],
  ['clip', 'stuck'],
  ['none', 'none'],
];

const FLOAT32_MAX = 3.4028234663852886e38;

/** Each window's fault as samples written over the generated check stream (windows one after the other). */
function faultOverrides(window: number, channels: number, faults: Fault[]): SampleOverride[] {
  const last = channels - 1;
  return faults.flatMap((fault, w): SampleOverride[] => {
    const at = w * window + Math.floor(window / 2);
    const one = (channel: number, t: number, value: number): SampleOverride => ({
      from: t,
      to: t + 1,
      channel,
      value,
    });
    if (fault === 'nonFinite')
      return [one(0, at, NaN), one(0, at + 1, Infinity), one(last, at + 2, -Infinity)];
    if (fault === 'clip') return [one(last, at, FLOAT32_MAX)];
    if (fault === 'stuck') return [{ from: w * window, to: (w + 1) * window, channel: last, value: 0.5 }];
    return [];
  });
}

/** The app's class field: the payload field the policy fills with the dominant class. */
const classField = (app: MurmurApp): string =>
  Object.entries(app.uplink.fields).find(([, a]) => a.of === 'dominantClass')![0];

const BOARDS = ['native', 'qemu-mps2-an386', 'qemu-microbit', 'simavr-atmega1284p'];

describe.each(listApps())('%s with a faulty sensor', (id) => {
  it.each(BOARDS)(
    '%s: no class, no alarm, sensor_fault in the uplink, byte-equal',
    { timeout: 600_000 },
    async (boardId) => {
      const app = await loadApp(id);
      const options = appLibraryOptions(app);
      const lib = generateAppLibrary(options);
      expect(lib.hop).toBe(lib.window);
      const faults = PERIODS.flat();
      const overrides = faultOverrides(lib.window, lib.channels, faults);
      const frames = checkFrames(lib.window * faults.length, lib.channels, 1);
      for (const o of overrides) frames[o.channel]!.fill(o.value, o.from, o.to);
      const expectedFaults = windowFaults(frames, options.sensor, lib.window, lib.hop);
      expect(expectedFaults).toEqual([
        0,
        SENSOR_FAULT.nonFinite | SENSOR_FAULT.clipped,
        SENSOR_FAULT.clipped,
        SENSOR_FAULT.stuck,
        0,
        0,
      ]);
      const result = await runLibraryCheck(
        getBoard(boardId),
        options,
        { windows: faults.length, period: 2, overrides },
        { sanitize: boardId === 'native' },
      );
      expect(result.mismatches).toEqual([]);
      expect(result.windowsEqual).toBe(faults.length);
      expect(result.uplinksEqual).toBe(PERIODS.length);

      result.outputs.forEach((line, w) => {
        const [cls, margin, alert, fault] = line.split(' ').map(Number);
        expect(fault, `window ${w}`).toBe(expectedFaults[w]);
        if (fault) expect([cls, margin, alert], `window ${w}`).toEqual([app.classes.length, 0, 0]);
        else if (app.model) expect(cls, `window ${w}`).toBeLessThan(app.classes.length);
        // Without a model a window has no class of its own: the uplink policy's class rule gives it.
        else expect([cls, margin], `window ${w}`).toEqual([app.classes.length, 0]);
      });
      const uplinks = result.uplinkHex.map((hex) => decode(app.payload, fromHex(hex), app.payload.fPort));
      expect(uplinks.map((u) => u.errors)).toEqual([[], [], []]);
      const values = uplinks.map((u) => u.data as Record<string, unknown>);
      expect(values.map((v) => v['sensor_fault'])).toEqual([true, true, false]);
      expect(values[1]![classField(app)]).toBe('unknown');
      for (const v of values) if ('alert' in v) expect(v['alert']).toBe(false);
    },
  );
});
