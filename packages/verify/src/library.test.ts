import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getBoard } from '@murmur/boards';
import { loadApp } from '@murmur/app';
import { appLibraryOptions } from './app-parts';
import { runLibraryCheck } from './library-check';
import { generateAppLibrary } from '@murmur/codegen';

// Whole generated libraries (features + model + uplink policy + payload encoder) against the TS reference.
// The bearing and PPG feature graphs need 38-50 KB of RAM, so they run on the MPS2 machines only.
const matrix: [app: string, board: string, windows: number, period: number][] = [
  ['wearable-activity', 'native', 30, 10],
  ['wearable-activity', 'qemu-mps2-an385', 60, 10],
  ['wearable-activity', 'qemu-mps2-an386', 120, 20],
  ['wearable-activity', 'qemu-mps2-an505', 60, 10],
  ['wearable-activity', 'qemu-microbit', 100, 20],
  ['wearable-activity', 'simavr-atmega328p', 12, 6],
  ['predictive-maintenance', 'qemu-mps2-an386', 60, 10],
  ['ppg-triage', 'qemu-mps2-an386', 60, 10],
];

describe('generated app libraries are byte-equal with the TS reference', () => {
  for (const [app, boardId, windows, period] of matrix) {
    it(`${app} on ${boardId}: ${windows} windows`, { timeout: 180_000 }, async () => {
      const result = await runLibraryCheck(
        getBoard(boardId),
        appLibraryOptions(await loadApp(app)),
        { windows, period },
        {
          sanitize: boardId === 'native',
        },
      );
      expect(result.mismatches).toEqual([]);
      expect(result.windowsEqual).toBe(windows);
      expect(result.uplinksEqual).toBe(windows / period);
      if (boardId === 'simavr-atmega328p') expect(result.memory!.ram).toBeLessThanOrEqual(2048);
    });
  }

  it('refuses a feature graph that needs more RAM than the board has', async () => {
    const options = appLibraryOptions(await loadApp('ppg-triage'));
    expect(() => generateAppLibrary({ ...options, board: getBoard('simavr-atmega328p') })).toThrow(
      /needs \d+ B of RAM .* board 'simavr-atmega328p' has 2048 B/,
    );
  });

  it('generates no model for an app that ships none (ppg-triage: the class rule gives the class)', async () => {
    const options = appLibraryOptions(await loadApp('ppg-triage'));
    expect(options.model).toBeUndefined();
    const lib = generateAppLibrary(options);
    expect(lib.model).toBeUndefined();
    expect(lib.files.map((f) => f.path).filter((p) => /murmur_(nn|model)/.test(p))).toEqual([]);
    const header = lib.files.find((f) => f.path === 'src/murmur_ppg_triage.h')!.text;
    expect(header).toMatch(/This library has no model: class_index is always MURMUR_PPG_TRIAGE_CLASSES/);
    const wearable = appLibraryOptions(await loadApp('wearable-activity'));
    expect(() => generateAppLibrary({ ...wearable, model: undefined })).toThrow(/needs a class rule/);
  });

  it('lays the library out for Arduino, Make and CMake', async () => {
    const lib = generateAppLibrary(appLibraryOptions(await loadApp('wearable-activity')));
    const paths = lib.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'library.properties',
        'Makefile',
        'CMakeLists.txt',
        'src/murmur_wearable_activity.h',
      ]),
    );
    expect(paths.filter((p) => !p.startsWith('src/')).sort()).toEqual([
      'CMakeLists.txt',
      'LICENSE',
      'Makefile',
      'README.md',
      'cmake/murmur_wearable_activityConfig.cmake',
      'examples/PrintUplink/PrintUplink.ino',
      'library.json',
      'library.properties',
      'zephyr/CMakeLists.txt',
      'zephyr/Kconfig',
      'zephyr/module.yml',
    ]);
    const header = lib.files.find((f) => f.path === 'src/murmur_wearable_activity.h')!.text;
    for (const fn of ['_init(', '_push_samples(', '_ready(', '_infer(', '_encode_uplink(']) {
      expect(header).toContain(`murmur_wearable_activity${fn}`);
    }
    expect(lib.files.find((f) => f.path === 'library.properties')!.text).toContain(
      'includes=murmur_wearable_activity.h',
    );
  });

  it(
    'builds with its own Makefile for the ATmega328P (constants in __flash)',
    { timeout: 120_000 },
    async () => {
      const lib = generateAppLibrary({
        ...appLibraryOptions(await loadApp('wearable-activity')),
        board: getBoard('simavr-atmega328p'),
      });
      const dir = mkdtempSync(join(tmpdir(), 'murmur-make-'));
      try {
        for (const f of lib.files) {
          mkdirSync(dirname(join(dir, f.path)), { recursive: true });
          writeFileSync(join(dir, f.path), f.text);
        }
        execFileSync('make', ['-s', 'CFLAGS=-mmcu=atmega328p -Os -Werror'], { cwd: dir, stdio: 'pipe' });
        const symbols = execFileSync('avr-nm', [join(dir, 'libmurmur_wearable_activity.a')], {
          encoding: 'utf8',
        });
        expect(symbols).toContain('T murmur_wearable_activity_encode_uplink');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
