import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getBoard } from '@murmur/boards';
import { buildApp, writeReport } from '@murmur/pipeline';
import { app } from './index';

const dataDir = process.env['MURMUR_DATA_DIR'];

describe.skipIf(!dataDir)('build for an emulated board', () => {
  it('verifies recorded windows of held-out subjects byte-equal on qemu-mps2-an386 and writes the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ppg-triage-'));
    const board = getBoard('qemu-mps2-an386');
    const result = await buildApp({
      app,
      board,
      dataDir,
      outDir: join(dir, 'out'),
      modelDir: join(dir, 'model'),
      recipes: ['int8'],
      quiet: true,
    });
    const v = result.verify;
    expect(v.mismatches).toEqual([]);
    expect(v.windows).toBeGreaterThanOrEqual(5);
    expect(v.windowsEqual).toBe(v.windows);
    expect(v.uplinksEqual).toBe(v.uplinks);
    expect(v.uplinks).toBeGreaterThanOrEqual(1);
    expect(new Set(result.recorded.sources.map((s) => s.subject)).size).toBeGreaterThanOrEqual(1);
    for (const s of result.recorded.sources) expect(result.trained.validationSubjects).toContain(s.subject);
    expect(v.memory!.ram).toBeLessThanOrEqual(board.memory.ram.size);
    const paths = writeReport(app, board, result);
    expect(existsSync(paths.html)).toBe(true);
    expect(existsSync(join(result.outDir, 'lib', 'library.properties'))).toBe(true);
    expect(result.codecFiles.some((f) => f.endsWith('.js'))).toBe(true);
  }, 600_000);
});
