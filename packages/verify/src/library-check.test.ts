import { getBoard } from '@murmur/boards';
import { describe, expect, it } from 'vitest';
import { loadApp } from '@murmur/app';
import { appLibraryOptions } from './app-parts';
import {
  checkFrames,
  layerCosts,
  libraryCheckProgram,
  runLibraryCheck,
  streamsRecordedFrames,
} from './library-check';
import { generateAppLibrary } from '@murmur/codegen';

// Recorded frames reach the program from a host file under QEMU and on the host, from flash on AVR. The
// frames here are the generated check stream handed in as if recorded, so both paths see the same input.
describe('recorded frames in the library check', () => {
  it('streams from a host file on QEMU and the host, and compiles into flash on AVR', async () => {
    expect(streamsRecordedFrames(getBoard('qemu-microbit'))).toBe(true);
    expect(streamsRecordedFrames(getBoard('native'))).toBe(true);
    expect(streamsRecordedFrames(getBoard('simavr-atmega328p'))).toBe(false);
    const options = appLibraryOptions(await loadApp('wearable-activity'));
    const lib = generateAppLibrary(options);
    const check = { windows: 2, period: 1, frames: checkFrames(lib.window + lib.hop, lib.channels, 3) };
    const streamed = libraryCheckProgram(options, lib, check, '/tmp/frames.f32');
    expect(streamed).toContain('murmur_host_file_open("/tmp/frames.f32")');
    expect(streamed).not.toContain('recorded[');
    expect(libraryCheckProgram(options, lib, check)).toContain('static MURMUR_ROM float recorded[');
  });

  it.each([
    ['qemu-mps2-an385', 40],
    ['native', 40],
    ['simavr-atmega328p', 2],
  ])('%s: %i windows of recorded frames byte-equal', { timeout: 120_000 }, async (id, windows) => {
    const options = appLibraryOptions(await loadApp('wearable-activity'));
    const lib = generateAppLibrary(options);
    const frames = checkFrames(lib.window + (windows - 1) * lib.hop, lib.channels, 7);
    const result = await runLibraryCheck(getBoard(id), options, { windows, period: 2, frames });
    expect(result.mismatches).toEqual([]);
    expect(result.windowsEqual).toBe(windows);
    expect(result.uplinksEqual).toBe(windows / 2);
  });
});

// The verification build's per-layer cost probes: the model's parts add up to its whole, the probes cost
// little and change nothing else the check measures.
describe('per-layer cost in the library check', () => {
  const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

  it.each([
    ['qemu-mps2-an386', 20],
    ['simavr-atmega328p', 4],
  ])('%s: the input and the layers add up to the model', { timeout: 180_000 }, async (id, windows) => {
    const options = appLibraryOptions(await loadApp('wearable-activity'));
    const board = getBoard(id);
    const plain = await runLibraryCheck(board, options, { windows, period: 2 });
    const profiled = await runLibraryCheck(board, options, { windows, period: 2, perLayer: true });
    expect(profiled.mismatches).toEqual([]);
    expect(profiled.windowsEqual).toBe(windows);
    expect(profiled.outputs).toEqual(plain.outputs);
    expect(plain.perLayer).toBeUndefined();
    const p = profiled.perLayer!;
    expect(p.windows).toBe(windows);
    // No window of the check stream is faulty: the model ran on every one.
    expect(p.model).toEqual(profiled.cost.model);
    expect(p.layers).toHaveLength(options.model!.layers.length);
    const parts = p.input.mean + sum(p.layers.map((l) => l.mean));
    expect(parts).toBeLessThan(p.model.mean);
    // The rest of infer (argmax, the uplink policy's window update, the probes' reads) is small.
    expect(parts).toBeGreaterThan(0.95 * p.model.mean);
    options.model!.layers.forEach((layer, i) => {
      const cost = p.layers[i]!;
      expect(cost.mean).toBeGreaterThan(0);
      expect(cost.max).toBeGreaterThanOrEqual(cost.mean);
      // A layer that runs no code (the kept logits of softmax) shows one probe's read.
      if (layer.op === 'softmax') expect(cost.mean).toBeLessThan(0.002 * p.model.mean);
    });
    // The probes add a little to the model's figure and nothing to the others.
    const overhead = profiled.cost.model.mean - plain.cost.model.mean;
    expect(overhead).toBeGreaterThan(0);
    expect(overhead).toBeLessThan(0.02 * plain.cost.model.mean);
    // On AVR the count includes Timer1's overflow interrupt (one per 65536 cycles), which falls at other
    // points once the model takes longer: equal to within those few interrupts.
    for (const stage of ['features', 'payload'] as const) {
      const [got, want] = [profiled.cost[stage].mean, plain.cost[stage].mean];
      if (id.startsWith('simavr')) expect(Math.abs(got - want)).toBeLessThan(1e-4 * want + 200);
      else expect(got).toBe(want);
    }
  });

  it(
    'is not measured on the host, and the probes build clean under the sanitizers',
    { timeout: 120_000 },
    async () => {
      const options = appLibraryOptions(await loadApp('wearable-activity'));
      const result = await runLibraryCheck(
        getBoard('native'),
        options,
        { windows: 4, period: 2, perLayer: true },
        { sanitize: true },
      );
      expect(result.mismatches).toEqual([]);
      expect(result.unit).toBe('none');
      expect(result.perLayer).toBeUndefined();
    },
  );

  it('reports the layers of the windows the model ran on', () => {
    const costs = [
      { label: 'features', value: 9 },
      { label: 'model', value: 100 },
      { label: 'input', value: 10 },
      { label: 'layer0', value: 60 },
      { label: 'layer1', value: 20 },
      // A faulty window: the model did not run, nothing of it is reported.
      { label: 'model', value: 5 },
      { label: 'model', value: 120 },
      { label: 'input', value: 12 },
      { label: 'layer0', value: 70 },
      { label: 'layer1', value: 30 },
    ];
    expect(layerCosts(costs, 2)).toEqual({
      windows: 2,
      model: { mean: 110, max: 120 },
      input: { mean: 11, max: 12 },
      layers: [
        { mean: 65, max: 70 },
        { mean: 25, max: 30 },
      ],
    });
    expect(() => layerCosts(costs.slice(0, 4), 2)).toThrow(/layer 1 on 0 of 1 windows/);
  });

  it('leaves the shipped library without probes', async () => {
    const options = appLibraryOptions(await loadApp('wearable-activity'));
    for (const id of ['rak4631', 'arduino-uno-rn2483', 'native']) {
      const lib = generateAppLibrary({ ...options, board: getBoard(id) });
      for (const f of lib.files) expect(f.text, f.path).not.toMatch(/murmur_cost|_layer_cost|_input_cost/);
      expect(lib.model!.options.profile).toBeUndefined();
    }
  });
});
