/** Checks every app runs in its tests: uplink-policy parity and one full build on an emulated board. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { getBoard } from '@murmur/boards';
import { buildHostPolicy, randomPolicyOps, referenceLines, runHostPolicy } from '@murmur/policy/testing';
import type { MurmurApp } from '@murmur/app';
import { compileAppPolicy } from './app';
import { buildApp } from './build';
import { evaluateApp } from './evaluate';
import { recordedWindowCapacity } from './recorded';
import { writeReport } from './report';

/** The app's policy fills every payload field, and its generated C matches the TS reference on the host. */
export function expectPolicyParity(app: MurmurApp, featureScale: number): void {
  const policy = compileAppPolicy(app);
  expect(policy.slots.map((s) => s.field)).toEqual(Object.keys(app.payload.fields));
  const exe = buildHostPolicy(policy);
  const ops = randomPolicyOps(policy, 7, 6000, featureScale);
  const expected = referenceLines(policy, ops);
  expect(expected.filter((l) => l.startsWith('S ')).length).toBeGreaterThan(50);
  expect(runHostPolicy(exe, policy, ops)).toEqual(expected);
}

/**
 * Builds the app for an emulated board in a temporary folder (int8 recipe only, to stay quick) and checks
 * that recorded windows of held-out subjects ran byte-equal to the TS reference and the outputs exist.
 */
export async function expectVerifiedBuild(app: MurmurApp, boardId: string, dataDir: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `${app.id}-`));
  const board = getBoard(boardId);
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
  // At least 5 windows, or as many as the image holds where the recorded frames sit in flash (AVR).
  expect(v.windows).toBeGreaterThanOrEqual(Math.min(5, await recordedWindowCapacity(app, board)));
  expect(v.windowsEqual).toBe(v.windows);
  expect(v.uplinks).toBeGreaterThanOrEqual(1);
  expect(v.uplinksEqual).toBe(v.uplinks);
  if (result.trained)
    for (const s of result.recorded.sources) expect(result.trained.validationSubjects).toContain(s.subject);
  else expect(result.compression).toBeUndefined(); // an app that ships no model: nothing trained
  expect(v.memory!.ram).toBeLessThanOrEqual(board.memory.ram.size);
  const paths = writeReport(app, board, result);
  expect(existsSync(paths.html)).toBe(true);
  expect(existsSync(join(result.outDir, 'lib', 'library.properties'))).toBe(true);
  expect(result.codecFiles.some((f) => f.endsWith('.js'))).toBe(true);

  // murmur eval on the same build: the firmware classifies held-out windows exactly as the TS reference.
  const evaluation = await evaluateApp(app, board, {
    dataDir,
    buildDir: result.outDir,
    modelDir: join(dir, 'model'),
    firmwareWindows: 24,
    quiet: true,
  });
  if (!result.trained) {
    // No model: murmur eval gives the app's task figures on every recording.
    expect(evaluation.float).toBeUndefined();
    expect(evaluation.task).toBeDefined();
    return;
  }
  expect(evaluation.trainingSubjectsExcluded).toEqual([...new Set(result.trained.train.groups)].sort());
  expect(evaluation.float!.windows).toBe(evaluation.windows.labelled);
  const fw = evaluation.firmware!;
  expect(fw.windows).toBe(Math.min(24, evaluation.windows.labelled));
  expect(fw.windowsEqual).toBe(fw.windowsRun);
  expect(fw.agreesWithCompressed).toBe(fw.windows);
}
