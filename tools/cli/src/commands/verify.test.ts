import { describe, expect, it, vi } from 'vitest';
import { loadApp } from '@murmur/app';
import { testData } from '@murmur/datasets/testing';
import { capture, restoreAfterEach, run } from '../testing';

restoreAfterEach();

const wisdm = testData('wearable-activity');

const verify = (...args: string[]): Promise<number> => run('verify', ...args);

describe('murmur verify', () => {
  it('exits 2 on usage mistakes', async () => {
    const io = capture();
    expect(await verify('--board', 'native')).toBe(2);
    expect(io.err()).toContain('--app is required');
    expect(await verify('--app', 'wearable-activity', '--board', 'native', '--windows', 'x')).toBe(2);
    expect(
      await verify('--app', 'wearable-activity', '--board', 'native', '--windows', '7', '--period', '2'),
    ).toBe(2);
    expect(await verify('--app', 'no-such-app', '--board', 'native', '--windows', '2', '--period', '1')).toBe(
      2,
    );
  });

  it('runs the library on the host and prints the checks', { timeout: 120_000 }, async () => {
    const io = capture();
    expect(
      await verify('--app', 'wearable-activity', '--board', 'native', '--windows', '6', '--period', '3'),
    ).toBe(0);
    expect(io.out()).toMatch(/windows byte-equal\s+6 \/ 6/);
    expect(io.out()).toMatch(/uplinks byte-equal\s+2 \/ 2/);
    expect(io.out()).toContain('verify: OK');
  });

  it(
    'runs a hardware board on the emulator of its core and reports instructions as JSON',
    { timeout: 120_000 },
    async () => {
      const io = capture();
      expect(
        await verify(
          '--app',
          'wearable-activity',
          '--board',
          'rak4631',
          '--windows',
          '4',
          '--period',
          '2',
          '--json',
        ),
      ).toBe(0);
      const result = JSON.parse(io.out()) as {
        ok: boolean;
        unit: string;
        windowsEqual: number;
        emulator: { machine: string };
      };
      expect(result).toMatchObject({ ok: true, unit: 'instructions', windowsEqual: 4 });
      expect(result.emulator.machine).toBe('mps2-an386');
    },
  );
});

/**
 * The coverage matrix: every app on every emulated core (Cortex-M3, M4, M33 and M0/M0+ under QEMU, the
 * ATmega328P and ATmega1284P under simavr) and on the host, with a calibrated stand-in model of the app's shapes (--stand-in,
 * so a model a local build left in dist/ does not change the test). Recorded windows (held-out subjects first) stream in from a
 * host file (the dataset as found: MURMUR_DATA_DIR, datasets/cache or the shipped sample; the generated check stream
 * where there is none), except on AVR, where they sit in flash.
 * predictive-maintenance and ppg-triage stream their features (4.3 KB and 12.8 KB of RAM) and run on the
 * micro:bit itself; neither fits the ATmega328P's 2 KB (a 512-point spectrum alone is 2 KB), so their AVR
 * run is on the ATmega1284P (16 KB, the same 8-bit core with 128 KB of flash): as many recorded windows as
 * one flash array holds, and more windows of the generated stream, which costs no flash. Their features cost 15-60 M instructions or cycles per window in soft float on the
 * M0 and the AVR (about 1 M with the M4F's and M33's FPU), so they run fewer windows on the Cortex-M3 and M0
 * to keep `npm test` fast.
 */
const matrix: [app: string, board: string, windows: number, stream: 'recorded' | 'generated'][] = [
  ['wearable-activity', 'native', 300, 'recorded'],
  ['wearable-activity', 'qemu-mps2-an385', 300, 'recorded'],
  ['wearable-activity', 'qemu-mps2-an386', 300, 'recorded'],
  ['wearable-activity', 'qemu-mps2-an505', 300, 'recorded'],
  ['wearable-activity', 'qemu-microbit', 300, 'recorded'],
  ['wearable-activity', 'simavr-atmega328p', 300, 'recorded'],
  // Flash holds few recorded windows on the ATmega328P; the generated stream costs no flash.
  ['wearable-activity', 'simavr-atmega328p', 20, 'generated'],
  ['wearable-activity', 'simavr-atmega1284p', 300, 'recorded'],
  ['predictive-maintenance', 'native', 300, 'recorded'],
  ['predictive-maintenance', 'qemu-mps2-an385', 50, 'recorded'],
  ['predictive-maintenance', 'qemu-mps2-an386', 300, 'recorded'],
  ['predictive-maintenance', 'qemu-mps2-an505', 300, 'recorded'],
  ['predictive-maintenance', 'qemu-microbit', 40, 'recorded'],
  ['predictive-maintenance', 'simavr-atmega1284p', 300, 'recorded'],
  ['predictive-maintenance', 'simavr-atmega1284p', 8, 'generated'],
  // 90 windows of 32 s: every window of the shipped sample's six patients.
  ['ppg-triage', 'native', 90, 'recorded'],
  ['ppg-triage', 'qemu-mps2-an385', 90, 'recorded'],
  ['ppg-triage', 'qemu-mps2-an386', 90, 'recorded'],
  ['ppg-triage', 'qemu-mps2-an505', 90, 'recorded'],
  ['ppg-triage', 'qemu-microbit', 90, 'recorded'],
  ['ppg-triage', 'simavr-atmega1284p', 300, 'recorded'],
  ['ppg-triage', 'simavr-atmega1284p', 8, 'generated'],
];

interface VerifyJson {
  ok: boolean;
  windows: number;
  windowsEqual: number;
  uplinks: number;
  uplinksEqual: number;
  input: string;
  unit: string;
}

/** A recorded row whose dataset is not here runs the generated stream (on AVR, as few windows as its generated row). */
const datasetOf = new Map(
  await Promise.all(
    [...new Set(matrix.map(([app]) => app))].map(
      async (id) => [id, (await loadApp(id)).features.dataset] as const,
    ),
  ),
);
const rows = matrix.map(([app, board, windows, stream]) => {
  const data = testData(datasetOf.get(app)!);
  if (stream === 'generated' || !data.skip) return [app, board, windows, stream, data.dataDir] as const;
  const generated = board.startsWith('simavr') ? Math.min(windows, 8) : windows;
  return [app, board, generated, `generated: no ${app} data here`, ''] as const;
});

describe('murmur verify: every app on every emulated core and the host', () => {
  it.each(rows)(
    '%s on %s (%i windows, %s)',
    { timeout: 900_000 },
    async (app, board, windows, stream, dataDir) => {
      const recorded = stream === 'recorded';
      const io = capture();
      const code = await verify(
        '--app',
        app,
        '--board',
        board,
        '--windows',
        String(windows),
        '--period',
        '2',
        '--stand-in',
        ...(recorded ? ['--data-dir', dataDir] : ['--synthetic']),
        '--json',
      );
      expect(code, io.err()).toBe(0);
      const r = JSON.parse(io.out()) as VerifyJson;
      expect(r.ok).toBe(true);
      expect(r.windowsEqual).toBe(r.windows);
      expect(r.uplinksEqual).toBe(r.uplinks);
      expect(r.unit).toBe(
        board === 'native' ? 'none' : board.startsWith('simavr') ? 'cycles' : 'instructions',
      );
      const inFlash = recorded && board.startsWith('simavr');
      // Recorded frames sit in flash on AVR: as many windows as fit beside the library.
      if (inFlash) expect(r.windows).toBeGreaterThanOrEqual(2);
      else expect(r.windows).toBe(windows);
      if (recorded) expect(r.input).toMatch(inFlash ? /^recorded \(in flash\)/ : /^recorded \(streamed/);
      else expect(r.input).toMatch(/^deterministic check stream/);
    },
  );

  it.skipIf(wisdm.skip)(
    wisdm.title(
      'without --period, one uplink period covers the recorded windows that fit the ATmega328P flash',
    ),
    { timeout: 120_000 },
    async () => {
      const io = capture();
      expect(
        await verify(
          '--app',
          'wearable-activity',
          '--board',
          'simavr-atmega328p',
          '--stand-in',
          '--data-dir',
          wisdm.dataDir,
          '--json',
        ),
      ).toBe(0);
      const r = JSON.parse(io.out()) as VerifyJson;
      expect(r.ok).toBe(true);
      expect(r.windows).toBeGreaterThanOrEqual(2);
      expect(r.windows).toBeLessThan(10);
      expect(r.uplinks).toBe(1);
      expect(r.uplinksEqual).toBe(1);
    },
  );

  it("what does not fit: predictive-maintenance and ppg-triage in the ATmega328P's 2 KB", async () => {
    for (const [app, board, ram] of [
      ['ppg-triage', 'simavr-atmega328p', 2048],
      ['ppg-triage', 'arduino-uno-rn2483', 2048],
      ['predictive-maintenance', 'simavr-atmega328p', 2048],
      ['predictive-maintenance', 'arduino-uno-rn2483', 2048],
    ] as const) {
      const io = capture();
      expect(
        await verify('--app', app, '--board', board, '--synthetic', '--windows', '2', '--period', '1'),
      ).toBe(1);
      expect(io.err()).toMatch(new RegExp(`needs \\d+ B of RAM .*board '${board}' has ${ram} B`));
      vi.restoreAllMocks();
    }
  });
});
