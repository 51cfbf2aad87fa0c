import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApp } from '@murmur/app';
import { getBoard } from '@murmur/boards';
import { generateAppLibrary, type AppLibrary, type AppLibraryOptions } from '@murmur/codegen';
import { cFloatSemantics, workspaceRoot } from '@murmur/core';
import { cleanChannels, compileGraph, computeAll } from '@murmur/dsp';
import { buildFirmware } from '@murmur/firmware';
import { appLibraryOptions } from './app-parts';
import { buildAndRun } from './harness';
import { checkFrames, libraryCheckProgram, referenceRun, type LibraryCheckOptions } from './library-check';

// A library compiled the way Arduino, PlatformIO or Zephyr compile one: GNU C (GCC 12's default dialect) and
// GCC's default contraction there (-ffp-contract=fast), after the harness's own -std=c99 -ffp-contract=off.
// The generated and runtime sources themselves must keep the float32 arithmetic of the TS reference.
const GCC_DEFAULTS = ['-std=gnu17', '-ffp-contract=fast'];
const FUSED = /\bv(fma|fms|fnma|fnms)\.f(32|64)\b/;
const APP = 'predictive-maintenance';
const CHECK: LibraryCheckOptions = { windows: 60, period: 10 };

const builds: [board: string, optimization: string][] = [
  ['qemu-mps2-an386', '-O2'], // Cortex-M4F
  ['qemu-mps2-an386', '-Os'],
  ['qemu-mps2-an505', '-O2'], // Cortex-M33 with FPU
  ['qemu-mps2-an505', '-Os'],
];

let dir: string;
let options: AppLibraryOptions;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'murmur-default-flags-'));
  options = appLibraryOptions(await loadApp(APP));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The library check program that also prints every window's features as float32 bit patterns
 * (`f <hex> <hex> ...`), so a last-bit difference shows even where it changes no class and no uplink byte.
 */
function featureCheckProgram(lib: AppLibrary): string {
  const prefix = `murmur_${lib.id}`;
  const anchor = '    murmur_console_printf("w %u';
  const program = libraryCheckProgram(options, lib, CHECK);
  expect(program).toContain(anchor);
  const print = [
    '    {',
    `      const float *features = ${prefix}_features();`,
    '      murmur_console_write("f");',
    `      for (uint16_t i = 0; i < ${prefix.toUpperCase()}_FEATURES; i++) {`,
    '        union { float f; uint32_t u; } v;',
    '        v.f = features[i];',
    '        murmur_console_printf(" %08lx", (unsigned long)v.u);',
    '      }',
    '      murmur_console_write("\\n");',
    '    }',
  ];
  return program.replace(anchor, `${print.join('\n')}\n${anchor}`);
}

/** The TS reference's features of every window of the check stream, as float32 bit patterns. */
function referenceFeatures(lib: AppLibrary): string[] {
  const graph = compileGraph({ ...options.featureGraph, name: `${lib.id}_dsp` });
  const frames = lib.window + (CHECK.windows - 1) * lib.hop;
  const channels = checkFrames(frames, lib.channels, CHECK.seed ?? 1);
  return computeAll(graph, cleanChannels(channels, options.sensor))
    .slice(0, CHECK.windows)
    .map((row) =>
      Array.from(new Uint32Array(Float32Array.from(row.features).buffer), (u) =>
        u.toString(16).padStart(8, '0'),
      ).join(' '),
    );
}

/** Writes the library's files (each through `edit`) and the check program under `root`; the C sources. */
function writeLibrary(root: string, lib: AppLibrary, edit: (text: string) => string = (t) => t): string[] {
  for (const f of lib.files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.path.endsWith('.c') ? edit(f.text) : f.text);
  }
  writeFileSync(join(root, 'check.c'), featureCheckProgram(lib));
  return [...lib.sources.map((s) => join(root, s)), join(root, 'check.c')];
}

/** Fused multiply-add instructions per object of the library's own sources (the harness's are left out). */
function fusedPerObject(outDir: string, lib: AppLibrary): Record<string, number> {
  const ours = new Set(lib.sources.map((s) => basename(s, '.c')));
  const counts: Record<string, number> = {};
  for (const o of readdirSync(join(outDir, 'obj')).filter((f) => f.endsWith('.o'))) {
    const name = o.replace(/^\d+-/, '').replace(/\.o$/, '');
    if (!ours.has(name)) continue;
    const text = execFileSync('arm-none-eabi-objdump', ['-d', join(outDir, 'obj', o)], { encoding: 'utf8' });
    counts[name] = text.split('\n').filter((l) => FUSED.test(l)).length;
  }
  expect(Object.keys(counts).sort()).toEqual([...ours].sort());
  return counts;
}

const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

describe('the C sources keep float32 semantics under GCC default flags (no -ffp-contract=off)', () => {
  it('every runtime C source holds the float-semantics lines before any directive', () => {
    const block = cFloatSemantics();
    const files = ['dsp', 'kernels', 'payload', 'modem'].flatMap((pkg) => {
      const c = join(workspaceRoot(), 'packages', pkg, 'c');
      return readdirSync(c, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.c'))
        .map((f) => join(c, f));
    });
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const at = text.indexOf(`${block}\n`);
      expect(at, file).toBeGreaterThan(0);
      expect(text.slice(0, at), file).not.toMatch(/^\s*#/m);
    }
  });

  it('every generated and shipped C source of a library holds them, no header does', () => {
    const lib = generateAppLibrary(options);
    const block = cFloatSemantics();
    for (const f of lib.files.filter((f) => f.path.endsWith('.c'))) {
      const at = f.text.indexOf(`${block}\n`);
      expect(at, f.path).toBeGreaterThan(0);
      expect(f.text.slice(0, at), f.path).not.toMatch(/^\s*#/m);
    }
    for (const f of lib.files.filter((f) => f.path.endsWith('.h')))
      expect(f.text, f.path).not.toContain('#pragma');
  });

  for (const [boardId, optimization] of builds) {
    it(
      `${APP} on ${boardId} at ${optimization}: no fused multiply-add; features, classes and uplinks bit-equal to the TS reference`,
      {
        timeout: 300_000,
      },
      async () => {
        const board = getBoard(boardId);
        const lib = generateAppLibrary({ ...options, board });
        const cflags = [...GCC_DEFAULTS, optimization];
        const root = join(dir, `${boardId}${optimization}`);

        // The control: the same sources without the float-semantics lines do get fused instructions with these
        // flags, so the count below would see them.
        const plainRoot = join(root, 'plain');
        const plain = await buildFirmware({
          board,
          sources: writeLibrary(plainRoot, lib, (t) => t.replace(`${cFloatSemantics()}\n`, '')),
          includeDirs: [join(plainRoot, 'src')],
          cflags,
          outDir: join(plainRoot, 'build'),
        });
        expect(total(fusedPerObject(dirname(plain.elf), lib))).toBeGreaterThan(0);

        const libRoot = join(root, 'lib');
        const outDir = join(libRoot, 'build');
        const run = await buildAndRun({
          board,
          sources: writeLibrary(libRoot, lib),
          includeDirs: [join(libRoot, 'src')],
          cflags,
          outDir,
          timeoutMs: 300_000,
        });
        const fused = fusedPerObject(outDir, lib);
        expect(Object.entries(fused).filter(([, n]) => n > 0)).toEqual([]);

        expect(run.exitCode, run.lines.slice(-3).join(' | ') + run.stderr.slice(-500)).toBe(0);
        const features = run.lines.filter((l) => l.startsWith('f ')).map((l) => l.slice(2));
        expect(features).toEqual(referenceFeatures(lib));
        const reference = referenceRun(options, lib, CHECK);
        const windows = run.lines.filter((l) => l.startsWith('w ')).map((l) => l.slice(2));
        const uplinks = run.lines.filter((l) => l.startsWith('uplink ')).map((l) => l.slice(7));
        expect(windows).toEqual(reference.windows);
        expect(uplinks).toEqual(reference.uplinks);
        expect(features).toHaveLength(CHECK.windows);
        expect(windows).toHaveLength(CHECK.windows);
        expect(uplinks).toHaveLength(CHECK.windows / CHECK.period);
      },
    );
  }
});
