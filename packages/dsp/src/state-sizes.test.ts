import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGraph, type CompiledGraph } from './graph';
import { runtimeDir } from './host';
import { BLOCK_OPS, STREAM_OPS, streamOp, type StreamStep } from './ops';
import { opsBlockGraph, opsStreamGraph } from './testing';

/** Prints each C constant expression's value as compiled against murmur_dsp.h. */
function evaluateInC(expressions: string[]): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'murmur-dsp-sizes-'));
  const lines = expressions.map((e) => `  printf("%lu\\n", (unsigned long)(${e}));`);
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
  return execFileSync(exe, { encoding: 'utf8' }).trim().split('\n').map(Number);
}

const stream = compileGraph(opsStreamGraph);
const block = compileGraph(opsBlockGraph);
const opsIn = (g: CompiledGraph, phase: 'stream' | 'block'): Set<string> =>
  new Set(g.steps.filter((s) => s.phase === phase).map((s) => s.step.op));

describe('ops', () => {
  it('every op runs in the parity graphs (so TS and C are compared bit for bit)', () => {
    expect([...opsIn(stream, 'stream')].sort()).toEqual(Object.keys(STREAM_OPS).sort());
    const blockOps = new Set([...opsIn(block, 'block'), ...opsIn(stream, 'block')]);
    expect([...blockOps].sort()).toEqual(Object.keys(BLOCK_OPS).sort());
  });

  it('plan the state each stream op keeps as murmur_dsp.h declares it', () => {
    const steps = stream.steps.filter((s) => s.phase === 'stream');
    const c = evaluateInC(
      steps.map((p) => streamOp(p.step as StreamStep)!.cState(p.step as StreamStep, p, stream.graph)),
    );
    expect(steps.map((p, i) => `${p.step.op}#${p.index}: ${c[i]}`)).toEqual(
      steps.map((p) => `${p.step.op}#${p.index}: ${p.stateFloats}`),
    );
  });
});
