import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runtimeDir } from './host';
import {
  autocorrSums,
  COMOMENT_STATE,
  DIFFERENCE_STATE,
  FILTER_BANK_SECTIONS,
  MOMENTS4_STATE,
  MOMENTS_STATE,
} from './kernels';

/** The running ops' state sizes in floats, as the TS reference plans them and as murmur_dsp.h declares them. */
const LAGS: [number, number][] = [
  [5, 40],
  [1, 2],
  [13, 100],
];
const ts: Record<string, number> = {
  MURMUR_MOMENTS_STATE: MOMENTS_STATE,
  MURMUR_MOMENTS4_STATE: MOMENTS4_STATE,
  MURMUR_FILTER_BANK_SECTIONS: FILTER_BANK_SECTIONS,
  MURMUR_DIFFERENCE_STATE: DIFFERENCE_STATE,
  MURMUR_COMOMENT_STATE: COMOMENT_STATE,
  // The running autocorrelation keeps its sums and a ring of the last max_lag samples.
  ...Object.fromEntries(
    LAGS.map(([lo, hi]) => [`MURMUR_AUTOCORR_STATE(${lo}, ${hi})`, autocorrSums(lo, hi) + hi]),
  ),
};

describe('running-op state sizes', () => {
  it('are the same in the TS reference and in murmur_dsp.h', () => {
    const dir = mkdtempSync(join(tmpdir(), 'murmur-dsp-sizes-'));
    const lines = Object.keys(ts).map((m) => `  printf("%s=%lu\\n", "${m}", (unsigned long)(${m}));`);
    writeFileSync(
      join(dir, 'sizes.c'),
      `#include <stdio.h>\n#include "murmur_dsp.h"\nint main(void) {\n${lines.join('\n')}\n  return 0;\n}\n`,
    );
    const exe = join(dir, 'sizes');
    execFileSync('gcc', [
      '-std=c99',
      '-Wall',
      '-Wextra',
      '-Werror',
      `-I${runtimeDir}`,
      join(dir, 'sizes.c'),
      '-o',
      exe,
    ]);
    const c = Object.fromEntries(
      execFileSync(exe, { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map((l) => {
          const at = l.lastIndexOf('=');
          return [l.slice(0, at), Number(l.slice(at + 1))];
        }),
    );
    expect(c).toEqual(ts);
  });
});
