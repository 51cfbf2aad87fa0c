import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getBoard } from '@murmur/boards';
import { loadApp, type MurmurApp } from '@murmur/app';
import { generateModelCode } from '@murmur/codegen';
import { modelWeightBytes } from '@murmur/kernels';
import { chromiumPath, renderInChromium } from '@murmur/report';
import { testData } from '@murmur/datasets/testing';
import { buildApp, type BuildResult } from './build';
import {
  costTiming,
  describeAccuracy,
  describeVersusFloat,
  versusFloat,
  writeReport,
  type ReportJson,
} from './report';

describe('report figures', () => {
  it('states an accuracy with its windows, subjects and interval', () => {
    const text = describeAccuracy({
      accuracy: 5 / 6,
      correct: 5,
      windows: 6,
      subjects: 3,
      ci95: [0.4365, 0.9699],
    });
    expect(text).toBe('83.3 % (95 % CI 43.6–97.0 %) on 6 windows of 3 subjects');
  });

  it('compares a compressed model with the float model on the same windows', () => {
    // 59 windows both right, 6 only float, 16 only compressed, 80 neither (Newcombe's paired interval).
    const truth = Array.from({ length: 161 }, () => 0);
    const float = [...Array(59).fill(0), ...Array(6).fill(0), ...Array(16).fill(1), ...Array(80).fill(1)];
    const compressed = [
      ...Array(59).fill(0),
      ...Array(6).fill(1),
      ...Array(16).fill(0),
      ...Array(80).fill(1),
    ];
    const v = versusFloat(truth, float, compressed);
    expect(v.onlyFloatRight).toBe(6);
    expect(v.onlyCompressedRight).toBe(16);
    expect(v.pp).toBeCloseTo(6.21, 2);
    expect(v.ci95Pp[0]).toBeCloseTo(0.46, 2);
    expect(v.ci95Pp[1]).toBeCloseTo(11.86, 2);
    expect(describeVersusFloat(v)).toBe('+6.2 pp (95 % CI +0.5 to +11.9 pp)');
  });

  it('says how a count becomes milliseconds', () => {
    expect(costTiming(getBoard('arduino-uno-rn2483'), 'cycles')).toMatchObject({ timing: 'exact' });
    const arm = costTiming(getBoard('rak4631'), 'instructions');
    expect(arm.timing).toBe('estimate');
    expect(arm.note).toMatch(/one instruction per cycle/);
    expect(costTiming(getBoard('native'), 'none').timing).toBe('none');
  });
});

const data = testData('wearable-activity');

/**
 * Real builds of wearable-activity (all recipes, so the accuracy plot is as crowded as it gets) whose
 * report is opened in Chromium: no console error, no text outside its plot, no two labels overlapping.
 */
describe.skipIf(data.skip || !chromiumPath)(data.title('the build report in Chromium'), () => {
  const dir = mkdtempSync(join(tmpdir(), 'murmur-report-'));
  let app: MurmurApp;
  const builds = new Map<string, { result: BuildResult; json: ReportJson; html: string; file: string }>();

  beforeAll(async () => {
    app = await loadApp('wearable-activity');
    for (const boardId of ['arduino-uno-rn2483', 'native']) {
      const board = getBoard(boardId);
      const result = await buildApp({
        app,
        board,
        dataDir: data.dataDir,
        outDir: join(dir, boardId),
        modelDir: join(dir, 'model'),
        quiet: true,
      });
      const paths = writeReport(app, board, result);
      builds.set(boardId, {
        result,
        json: JSON.parse(readFileSync(paths.json, 'utf8')) as ReportJson,
        html: readFileSync(paths.html, 'utf8'),
        file: paths.html,
      });
    }
  }, 600_000);

  it.each(['arduino-uno-rn2483', 'native'])(
    '%s: draws every plot with its text inside and apart',
    async (boardId) => {
      const { file } = builds.get(boardId)!;
      const check = await renderInChromium(file, { screenshot: true });
      writeFileSync(join(dir, `${boardId}.png`), check.screenshot!);
      expect(check.errors).toEqual([]);
      expect(check.layoutProblems, `screenshot: ${join(dir, `${boardId}.png`)}`).toEqual([]);
      expect(check.plots.length).toBeGreaterThanOrEqual(boardId === 'native' ? 6 : 9);
      for (const p of check.plots) {
        expect(p.shapes, p.label).toBeGreaterThan(2);
        expect(p.texts, p.label).toBeGreaterThan(2);
      }
    },
    120_000,
  );

  it('gives every accuracy its windows, subjects and 95 % interval', () => {
    const { json, html } = builds.get('arduino-uno-rn2483')!;
    const a = json.accuracy!;
    for (const fig of [a.float, a.compressed, a.firmware!]) {
      expect(fig.ci95[0]).toBeLessThanOrEqual(fig.accuracy);
      expect(fig.ci95[1]).toBeGreaterThanOrEqual(fig.accuracy);
      expect(fig.subjects).toBeGreaterThan(0);
      expect(html).toContain(describeAccuracy(fig));
    }
    expect(a.float.windows).toBe(a.float.samples);
    expect(a.firmware!.windows).toBe(a.firmware!.confusion.flat().reduce((x, y) => x + y, 0));
    expect(a.firmware!.subjects).toBe(a.firmware!.subjectIds.length);
    // The compressed model against the float model, with its paired interval.
    const vs = a.compressed.vsFloat;
    expect(vs.pp).toBeCloseTo(100 * (a.compressed.accuracy - a.float.accuracy), 9);
    expect(vs.ci95Pp[0]).toBeLessThanOrEqual(vs.pp);
    expect(vs.ci95Pp[1]).toBeGreaterThanOrEqual(vs.pp);
    expect(html).toContain(describeVersusFloat(vs));
    for (const r of json.compression!.recipes) expect(r.vsFloat.windows).toBe(a.float.windows);
    expect(html).toContain('true class');
    expect(html).toContain('predicted class');
  });

  it('gives the cost in its unit and in milliseconds at the clock, split by stage', () => {
    const { json, html } = builds.get('arduino-uno-rn2483')!;
    const c = json.cost;
    expect(c.unit).toBe('cycles');
    expect(c.timing).toBe('exact');
    expect(c.ms.perWindow!).toBeCloseTo((1000 * c.perWindow) / 16e6, 9);
    expect(c.ms.features! + c.ms.model!).toBeCloseTo(c.ms.perWindow!, 9);
    expect(c.windowsPerUplink).toBe(
      Math.round((app.uplink.periodS * app.featureGraph.rateHz) / app.featureGraph.hop),
    );
    expect(html).toContain('ms at 16 MHz');
    expect(html).toContain('DSP vs model vs policy + payload');
    const native = builds.get('native')!.json.cost;
    expect(native.timing).toBe('none');
    expect(native.ms.perWindow).toBeNull();
  });

  it('lists the layers with their shapes, MACs and bytes, and the worst-case stack path', () => {
    const { json, result } = builds.get('arduino-uno-rn2483')!;
    const model = result.compression!.choice.chosen.compressed;
    expect(json.layers).toHaveLength(model.layers.length);
    expect(json.layers.reduce((n, l) => n + l.weightBytes, 0)).toBe(modelWeightBytes(model));
    expect(json.layers.reduce((n, l) => n + l.macs, 0)).toBe(result.library.macs);
    for (const l of json.layers) expect(l.arenaBytes).toBeLessThanOrEqual(result.library.arenaBytes);
    const stack = json.stack!;
    expect(stack.worstCaseBytes).toBe(result.firmware!.memory!.stack.worstCaseBytes);
    expect(stack.path.map((f) => f.function)).toEqual(result.firmware!.memory!.stack.path);
    // The frames gcc reported add up to at most the worst case (library functions have none).
    const known = [...stack.path, ...stack.interruptPath].reduce((n, f) => n + (f.bytes ?? 0), 0);
    expect(known).toBeGreaterThan(0);
    expect(known).toBeLessThanOrEqual(stack.worstCaseBytes);
  });

  it('gives each layer its measured cost, in its unit, in ms and as a share of the model', () => {
    const { json, html, result } = builds.get('arduino-uno-rn2483')!;
    const c = json.cost;
    const p = c.perLayer!;
    expect(p.windows).toBe(result.verify.perLayer!.windows);
    expect(p.windows).toBeGreaterThan(0);
    const layers = json.layers.map((l) => l.cost!);
    for (const l of layers) {
      expect(l.mean).toBeGreaterThan(0);
      expect(l.ms).toBeCloseTo((1000 * l.mean) / 16e6, 9);
      expect(l.shareOfModel).toBeCloseTo(l.mean / p.model.mean, 9);
    }
    // The input, the layers and the rest of infer make up the whole; the layers most of it.
    const parts = p.input.mean + layers.reduce((n, l) => n + l.mean, 0);
    expect(parts + p.rest.mean).toBeCloseTo(p.model.mean, 6);
    expect(parts).toBeGreaterThan(0.95 * p.model.mean);
    expect(c.perLayerNote).toMatch(/^Mean cycles per window over the \d+ windows the model ran on/);
    expect(html).toContain('share of model');
    expect(html).toContain('input: standardize and quantize');
    const native = builds.get('native')!;
    expect(native.json.cost.perLayer).toBeNull();
    for (const l of native.json.layers) expect(l.cost).toBeNull();
    expect(native.json.cost.perLayerNote).toMatch(/^Not measured per layer: the host build measures no cost/);
    expect(native.html).toContain('Not measured per layer');
    expect(native.html).not.toContain('share of model');
  });

  it("ships the library without the verification build's cost probes", () => {
    for (const boardId of ['arduino-uno-rn2483', 'native']) {
      const { result } = builds.get(boardId)!;
      const model = generateModelCode(result.compression!.choice.chosen.compressed, {
        name: 'wearable_activity',
        app: 'wearable-activity',
      });
      const lib = join(result.outDir, 'lib', 'src');
      expect(readFileSync(join(lib, model.sourceName), 'utf8')).toBe(model.source);
      expect(readFileSync(join(lib, model.headerName), 'utf8')).toBe(model.header);
      for (const f of readdirSync(lib))
        expect(readFileSync(join(lib, f), 'utf8'), f).not.toMatch(/murmur_cost|_layer_cost|_input_cost/);
    }
  });

  it('counts self-discharge and the sensor in the battery estimate', () => {
    const { json, html } = builds.get('arduino-uno-rn2483')!;
    const b = json.battery!;
    expect(b.selfDischargeMahPerDay).toBeGreaterThan(0);
    expect(b.sensorMahPerDay).toBeGreaterThan(0);
    expect(b.sensorCurrentSource).toMatch(/^the app's sensor description \(3-axis wrist accelerometer/);
    expect(html).toContain('self-discharge');
    expect(html).toContain('an estimate');
    expect(builds.get('native')!.json.battery).toBeNull();
  });
});
