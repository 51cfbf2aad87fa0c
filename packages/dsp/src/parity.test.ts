import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, MurmurError } from '@murmur/core';
import { loadDataset } from '@murmur/datasets';
import { testData } from '@murmur/datasets/testing';
import { floatBits } from './f32';
import { compileGraph, type CompiledGraph, type FeatureGraph } from './graph';
import { buildHost, interleave, type HostProgram } from './host';
import { computeAll } from './run';
import { opsBlockGraph, opsStreamGraph } from './testing';

const wisdmData = testData('wearable-activity');
const ppgData = testData('ppg-triage');
const realData = wisdmData.skip ? wisdmData : ppgData;

/** Every feature of every window, bit for bit; returns the number of values compared. */
export function expectBitEqual(
  g: CompiledGraph,
  ts: { features: Float32Array }[],
  c: Float32Array[],
): number {
  expect(c.length).toBe(ts.length);
  let compared = 0;
  ts.forEach((w, wi) => {
    for (let i = 0; i < g.features.length; i++) {
      const a = floatBits(w.features[i]);
      const b = floatBits(c[wi][i]);
      if (a !== b) {
        throw new Error(
          `window ${wi}, feature ${g.features[i].name}: TS ${w.features[i]} (0x${a.toString(16)}) vs C ${c[wi][i]} (0x${b.toString(16)})`,
        );
      }
      compared++;
    }
  });
  return compared;
}

describe('C twin parity: every op, host gcc -O2 -ffp-contract=off with ASan/UBSan', () => {
  const block = compileGraph(opsBlockGraph);
  const stream = compileGraph(opsStreamGraph);
  let host: HostProgram;
  beforeAll(() => {
    host = buildHost([block, stream]);
  });
  afterAll(() => host?.dispose());

  const check = (g: CompiledGraph, channels: Float32Array[], seed: number): number => {
    const ts = computeAll(g, channels);
    expect(ts.length).toBeGreaterThan(0);
    return expectBitEqual(g, ts, host.run(g.graph.name, interleave(channels), seed));
  };

  it('agrees to the bit on random signals (chunked pushes of random sizes)', () => {
    const rng = createRng('dsp-parity');
    for (let trial = 0; trial < 4; trial++) {
      const n = 1500 + trial * 333;
      const scale = [1e-3, 1, 30, 1e4][trial];
      for (const g of [block, stream]) {
        const channels = g.graph.channels.map((_, c) =>
          Float32Array.from(
            { length: n },
            (_, i) => scale * (rng.normal() + Math.sin(0.05 * i * (c + 1 + trial)) + (c === 2 ? 3 : 0)),
          ),
        );
        expect(check(g, channels, rng.uint32())).toBeGreaterThan(0);
      }
    }
  });

  it('agrees on degenerate input: constants and zeros', () => {
    for (const g of [block, stream]) {
      const n = 700;
      const zeros = g.graph.channels.map(() => new Float32Array(n));
      const consts = g.graph.channels.map((_, c) => new Float32Array(n).fill(c + 0.5));
      check(g, zeros, 11);
      check(g, consts, 12);
    }
  });

  describe.skipIf(realData.skip)(realData.title('on real recordings'), () => {
    it('agrees to the bit on wrist accelerometer and PPG signals', async () => {
      const wisdm = (await loadDataset('wearable-activity', { dataDir: wisdmData.dataDir })).slice(0, 3);
      const ppg = (await loadDataset('ppg-triage', { dataDir: ppgData.dataDir })).slice(0, 2);
      for (const rec of wisdm) {
        const n = 2400;
        const axes = rec.channels.map((c) => c.subarray(0, n));
        check(block, axes, 21);
        check(stream, axes, 22);
      }
      for (const rec of ppg) {
        const pleth = rec.channels[0].subarray(0, 6000);
        const resp = rec.channels[1].subarray(0, 6000);
        check(block, [resp, pleth.map((v) => v * 3), pleth], 31);
        check(stream, [pleth, resp, pleth], 32);
      }
    });
  });
});

describe('graph checks', () => {
  const base: FeatureGraph = {
    name: 'g',
    rateHz: 100,
    channels: ['a'],
    window: 64,
    hop: 64,
    steps: [{ op: 'stats', in: ['a'], name: 'a', emit: ['rms'] }],
  };
  const error = (graph: FeatureGraph): MurmurError => {
    try {
      compileGraph(graph);
    } catch (e) {
      expect(e).toBeInstanceOf(MurmurError);
      return e as MurmurError;
    }
    throw new Error('expected a MurmurError');
  };
  it('names the field at fault', () => {
    expect(
      error({ ...base, steps: [{ op: 'stats', in: ['b'], name: 'a', emit: ['rms'] }] }).location.field,
    ).toBe('steps[0].in[0]');
    expect(
      error({ ...base, window: 48, hop: 48, steps: [{ op: 'powerSpectrum', in: ['a'], out: 'p' }] }).message,
    ).toMatch(/power-of-two/);
    expect(error({ ...base, hop: 0 }).location.field).toBe('hop');
    expect(error({ ...base, name: 'Bad-Name' }).location.field).toBe('name');
    expect(
      error({ ...base, hop: 32, stream: [{ op: 'moments', in: ['a'], name: 'm', emit: ['mean'] }] }).location
        .field,
    ).toBe('hop');
    expect(
      error({
        ...base,
        steps: [
          { op: 'stats', in: ['a'], name: 'a', emit: ['rms'] },
          { op: 'stats', in: ['a'], name: 'a', emit: ['rms'] },
        ],
      }).message,
    ).toMatch(/twice/);
    expect(error({ ...base, steps: [{ op: 'demean', in: ['a'], out: 'x' }] }).message).toMatch(/no features/);
  });
  it('survives a JSON round trip', () => {
    const g = compileGraph(JSON.parse(JSON.stringify(opsBlockGraph)) as FeatureGraph);
    expect(g.features.map((x) => x.name)).toEqual(compileGraph(opsBlockGraph).features.map((x) => x.name));
  });
  it('plans scratch by liveness, runs element-wise ops in place when their input dies, reads channels from the ring', () => {
    const chain = compileGraph({
      ...base,
      steps: [
        { op: 'demean', in: ['a'], out: 'x' },
        { op: 'rectify', in: ['x'], out: 'y' },
        { op: 'rectify', in: ['y'], out: 'z' },
        { op: 'stats', in: ['z'], name: 'z', emit: ['mean'] },
      ],
    });
    expect(chain.memory.scratchFloats).toBe(64 + 12);
    expect(new Set(['x', 'y', 'z'].map((n) => chain.memory.offsets[n])).size).toBe(1);
    // Channels are read from the ring buffer, not copied into scratch.
    expect(chain.memory.offsets.a).toBeUndefined();
    expect(chain.memory.ringFloats).toBe(64);
    expect(chain.memory.stateBytes).toBe(4 * 64 + 8);
    const kept = compileGraph({
      ...base,
      steps: [
        { op: 'demean', in: ['a'], out: 'x' },
        { op: 'rectify', in: ['x'], out: 'y' },
        { op: 'stats', in: ['y'], name: 'y', emit: ['mean'] },
        { op: 'stats', in: ['x'], name: 'x', emit: ['mean'] },
      ],
    });
    expect(kept.memory.offsets.y).not.toBe(kept.memory.offsets.x);
    expect(kept.memory.scratchFloats).toBe(2 * 64 + 12);
  });
  it('keeps a vector the stream fills in the stream state, and in-place ops on it there; no ring', () => {
    const g = compileGraph({
      ...base,
      stream: [
        { op: 'moments', in: ['a'], name: 'a', emit: ['std'] },
        { op: 'decimate', in: ['a'], out: 'd', factor: 4 },
      ],
      steps: [
        { op: 'demean', in: ['d'], out: 'x' },
        { op: 'window', in: ['x'], out: 'w', shape: 'hann' },
        { op: 'powerSpectrum', in: ['w'], out: 'p' },
        { op: 'spectralShape', in: ['p'], name: 'p', rangeHz: [1, 12], emit: ['peak'] },
      ],
    });
    expect(g.memory.ringFloats).toBe(0);
    expect(g.memory.stateFloats).toBe(5 + 16);
    expect(g.memory.stateOffsets).toEqual({ d: 5, x: 5, w: 5, p: 5 });
    // Only the work buffers of the spectrum (16 floats) and of the shape (3) are scratch.
    expect(g.memory.scratchFloats).toBe(16);
    expect(g.vectors.d.type).toMatchObject({ kind: 'signal', rateHz: 25 });
    expect(
      error({ ...base, stream: [{ op: 'decimate', in: ['a'], out: 'd', factor: 0 }] }).location.field,
    ).toBe('stream[0].factor');
    expect(
      error({
        ...base,
        stream: [{ op: 'bandEnergy', in: ['a'], name: 'b', bandsHz: [[10, 50]], relative: false, log: true }],
      }).location.field,
    ).toBe('stream[0].bandsHz[0]');
  });
});
