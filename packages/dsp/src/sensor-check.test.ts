import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { C_FLAGS, runtimeDir } from './host';
import {
  SENSOR_FAULT,
  SensorCheck,
  checkSensorLimits,
  cleanSample,
  sensorFaultNames,
  windowFaults,
  type SensorLimits,
} from './sensor-check';

const limits: SensorLimits = { min: -4, max: 4, stuckSamples: 6 };

/** Channel-major frames from a seeded generator with faults of every kind at known places. */
function faultyStream(channels: number, frames: number, seed: number): Float32Array[] {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let t = 0; t < frames; t++) {
    for (let c = 0; c < channels; c++) {
      const r = next();
      const special = r % 1999;
      out[c]![t] =
        special === 0
          ? NaN
          : special === 1
            ? r & 256
              ? Infinity
              : -Infinity
            : special === 2
              ? 3.4028234663852886e38
              : special === 3
                ? 4
                : ((r >>> 8) % 1000) / 200 - 2.5;
    }
  }
  // A stuck stretch on channel 0.
  for (let t = 40; t < 60 && t < frames; t++) out[0]![t] = 0.25;
  return out;
}

describe('sensor check', () => {
  it('names the faults of a window and checks its limits', () => {
    expect(sensorFaultNames(SENSOR_FAULT.nonFinite | SENSOR_FAULT.stuck)).toEqual(['non-finite', 'stuck']);
    expect(() => checkSensorLimits({ min: 1, max: 1, stuckSamples: 5 }, 'sensor')).toThrow(/sensor\.range/);
    expect(() => checkSensorLimits({ min: 0, max: 1, stuckSamples: 1.5 }, 'sensor')).toThrow(/stuckSamples/);
  });

  it('finds each kind of fault in the window that holds it and in no other', () => {
    const sound = (t: number): number => Math.sin(t * 0.7);
    const base = (): Float32Array => Float32Array.from({ length: 40 }, (_, t) => sound(t));
    const faults = (x: Float32Array): number[] => windowFaults([x], limits, 10, 10);
    expect(faults(base())).toEqual([0, 0, 0, 0]);
    const nan = base();
    nan[13] = NaN;
    expect(faults(nan)).toEqual([0, SENSOR_FAULT.nonFinite, 0, 0]);
    const clipped = base();
    clipped[25] = 4;
    clipped[26] = -5;
    expect(faults(clipped)).toEqual([0, 0, SENSOR_FAULT.clipped, 0]);
    const inf = base();
    inf[39] = -Infinity;
    // -Infinity is both non-finite and beyond the range.
    expect(faults(inf)).toEqual([0, 0, 0, SENSOR_FAULT.nonFinite | SENSOR_FAULT.clipped]);
    const stuck = base().fill(1.5, 12, 18);
    expect(faults(stuck)).toEqual([0, SENSOR_FAULT.stuck, 0, 0]);
    // Overlapping windows: the fault is in every window that holds the sample.
    expect(windowFaults([nan], limits, 10, 5)).toEqual([
      0,
      SENSOR_FAULT.nonFinite,
      SENSOR_FAULT.nonFinite,
      0,
      0,
      0,
      0,
    ]);
  });

  it('cleans samples into the range, NaN to the value nearest 0', () => {
    expect([NaN, Infinity, -Infinity, 9, -9, 1.5].map((v) => cleanSample(v, limits))).toEqual([
      0, 4, -4, 4, -4, 1.5,
    ]);
    expect(cleanSample(NaN, { min: 2, max: 3, stuckSamples: 2 })).toBe(2);
    expect(cleanSample(NaN, { min: -3, max: -2, stuckSamples: 2 })).toBe(-2);
  });

  it('saturates its counters instead of wrapping', () => {
    const check = new SensorCheck(1, limits);
    check.push(0, NaN);
    for (let i = 0; i < 12; i++) check.push(0, i / 8);
    expect(check.fault(12)).toBe(0);
    expect(check.fault(13)).toBe(SENSOR_FAULT.nonFinite);
  });

  describe('C twin (host gcc, ASan/UBSan)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'murmur-sensor-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const driver = `#include <stdio.h>
#include <stdlib.h>
#include "murmur_sensor.h"
/* argv: frames-file channels frames window hop stuck lo hi seed. Prints the fault of every window and
   writes the cleaned frames after the input file's name + ".clean". */
int main(int argc, char **argv) {
  size_t channels, frames, t = 0, done = 0;
  unsigned window, hop, stuck, seed;
  float lo, hi;
  float *x, *y;
  char name[512];
  murmur_sensor_channel_t state[8];
  FILE *in, *out;
  if (argc != 10) return 2;
  channels = (size_t)atoi(argv[2]); frames = (size_t)atoi(argv[3]);
  window = (unsigned)atoi(argv[4]); hop = (unsigned)atoi(argv[5]); stuck = (unsigned)atoi(argv[6]);
  lo = strtof(argv[7], NULL); hi = strtof(argv[8], NULL); seed = (unsigned)atoi(argv[9]);
  x = malloc(channels * frames * sizeof(float)); y = malloc(channels * frames * sizeof(float));
  in = fopen(argv[1], "rb");
  if (!in || !x || !y || fread(x, sizeof(float), channels * frames, in) != channels * frames) return 3;
  fclose(in);
  murmur_sensor_init(state, channels);
  while (t < frames) {
    size_t chunk, i;
    seed = seed * 1664525u + 1013904223u;
    chunk = 1 + (seed >> 8) % 7u;
    if (chunk > frames - t) chunk = frames - t;
    for (i = 0; i < chunk; i++) {
      size_t end = t + i + 1;
      murmur_sensor_push(state, channels, x + (t + i) * channels, 1, lo, hi, stuck);
      if (end >= window && (end - window) % hop == 0) printf("%u\\n", murmur_sensor_fault(state, channels, window));
    }
    t += chunk;
    done++;
  }
  murmur_sensor_clean(x, y, channels * frames, lo, hi);
  snprintf(name, sizeof name, "%s.clean", argv[1]);
  out = fopen(name, "wb");
  if (!out || fwrite(y, sizeof(float), channels * frames, out) != channels * frames) return 4;
  fclose(out);
  free(x); free(y);
  return done > 0 ? 0 : 5;
}
`;
    const exe = join(dir, 'sensor');
    writeFileSync(join(dir, 'driver.c'), driver);
    execFileSync('gcc', [
      ...C_FLAGS,
      '-O2',
      '-g',
      '-fsanitize=address,undefined',
      '-fno-sanitize-recover=all',
      `-I${runtimeDir}`,
      join(dir, 'driver.c'),
      join(runtimeDir, 'murmur_sensor.c'),
      '-o',
      exe,
    ]);

    it.each([
      [1, 300, 30, 30, 1],
      [3, 400, 32, 8, 2],
      [2, 257, 50, 17, 3],
    ])(
      '%i channels, %i frames, window %i hop %i: same faults and clean samples as TS',
      (channels, frames, window, hop, seed) => {
        const stream = faultyStream(channels, frames, seed);
        const interleaved = new Float32Array(channels * frames);
        for (let t = 0; t < frames; t++)
          for (let c = 0; c < channels; c++) interleaved[t * channels + c] = stream[c]![t]!;
        const file = join(dir, `frames-${seed}.f32`);
        writeFileSync(file, interleaved);
        const args = [
          file,
          channels,
          frames,
          window,
          hop,
          limits.stuckSamples,
          limits.min,
          limits.max,
          seed,
        ].map(String);
        const printed = execFileSync(exe, args, { encoding: 'utf8' }).trim().split('\n').map(Number);
        const expected = windowFaults(stream, limits, window, hop);
        expect(printed).toEqual(expected);
        expect(expected.some((x) => x !== 0) && expected.some((x) => x === 0)).toBe(true);
        const cleanBytes = readFileSync(`${file}.clean`);
        const clean = new Float32Array(new Uint8Array(cleanBytes).buffer);
        expect(Array.from(clean)).toEqual(Array.from(interleaved, (v) => cleanSample(v, limits)));
      },
    );
  });
});
