import { describe, expect, it } from 'vitest';
import { capture, restoreAfterEach, run } from '../testing';

const dataDir = process.env.MURMUR_DATA_DIR;

restoreAfterEach();

const verify = (...args: string[]): Promise<number> => run('verify', ...args);

describe('murmur verify', () => {
  it('exits 2 on usage mistakes', { timeout: 60_000 }, async () => {
    const io = capture();
    expect(await verify('--board', 'native')).toBe(2);
    expect(io.err()).toContain('--app is required');
    expect(await verify('--app', 'wearable-activity', '--board', 'native', '--windows', 'x')).toBe(2);
    expect(
      await verify('--app', 'wearable-activity', '--board', 'native', '--windows', '7', '--period', '2'),
    ).toBe(2);
    expect(await verify('--app', 'no-such-app', '--board', 'native', '--windows', '2', '--period', '1')).toBe(2);
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

  it.skipIf(!dataDir)(
    'verifies recorded windows of held-out subjects on the ATmega328P',
    { timeout: 180_000 },
    async () => {
      const io = capture();
      expect(
        await verify('--app', 'wearable-activity', '--board', 'simavr-atmega328p', '--period', '2', '--json'),
      ).toBe(0);
      const result = JSON.parse(io.out()) as { ok: boolean; unit: string; windows: number; input: string };
      expect(result).toMatchObject({ ok: true, unit: 'cycles' });
      expect(result.windows).toBeGreaterThanOrEqual(2);
      expect(result.input).toMatch(/^recorded/);
    },
  );
});
