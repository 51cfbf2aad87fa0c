/**
 * The build report: report.json (the figures) and report.html (the same as plots, static, no scripts).
 * The battery estimate states its assumptions: cost per window from the emulator (cycles on AVR,
 * instructions on Cortex-M taken as cycles), the board's run/sleep/radio currents, SF-dependent airtime,
 * two receive windows of 30 ms per uplink, and a 2,400 mAh battery.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Board } from '@murmur/boards';
import { classifyInt8 } from '@murmur/kernels';
import { classificationReport } from '@murmur/nn';
import { uplinkBudget, uplinkAirtimeMs } from '@murmur/lpwan';
import { bars, bitLayout, confusionMatrix, renderReport, scatter, stackedBars, type Section } from '@murmur/report';
import type { MurmurApp } from '@murmur/app';
import type { BuildResult } from './build';

export const BATTERY_MAH = 2400;
const RX_WINDOWS_MS = 2 * 30;

export interface BatteryEstimate {
  assumptions: string;
  windowsPerDay: number;
  uplinksPerDay: number;
  /** mAh per day spent on each part. */
  computeMahPerDay: number;
  radioMahPerDay: number;
  sleepMahPerDay: number;
  days: number;
}

export function batteryEstimate(app: MurmurApp, board: Board, costPerWindow: number, appBytes: number, sf = 7): BatteryEstimate | undefined {
  const p = board.power;
  if (board.kind === 'host' || p.txCurrentMa === undefined || costPerWindow <= 0) return undefined;
  const hopS = app.featureGraph.hop / app.featureGraph.rateHz;
  const windowsPerDay = 86400 / hopS;
  const uplinksPerDay = 86400 / app.uplink.periodS;
  const computeS = (windowsPerDay * costPerWindow) / board.mcu.clockHz;
  const computeMahPerDay = (computeS * p.runCurrentMa) / 3600;
  const airtimeMs = uplinkAirtimeMs(appBytes, { spreadingFactor: sf });
  const radioMahPerDay = (uplinksPerDay * (airtimeMs * p.txCurrentMa + RX_WINDOWS_MS * (p.rxCurrentMa ?? p.txCurrentMa / 3))) / 3.6e6;
  const sleepMahPerDay = (p.sleepCurrentUa / 1000) * 24;
  const total = computeMahPerDay + radioMahPerDay + sleepMahPerDay;
  return {
    assumptions: `${BATTERY_MAH} mAh battery; SF${sf} uplinks every ${app.uplink.periodS} s with two 30 ms receive windows; compute from the emulator's cost per window at ${board.mcu.clockHz / 1e6} MHz and ${p.runCurrentMa} mA; sleep at ${p.sleepCurrentUa} µA; sensor power not included`,
    windowsPerDay,
    uplinksPerDay,
    computeMahPerDay,
    radioMahPerDay,
    sleepMahPerDay,
    days: BATTERY_MAH / total,
  };
}

const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;

/**
 * Flash, RAM (static + stack) and stack of the build: the board's own firmware image for a hardware board,
 * otherwise the image that verified the library in the emulator (the library with the check program).
 */
export function imageMemory(
  r: BuildResult,
): { image: 'firmware' | 'verification'; flash: number; ram: number; stack: number } | undefined {
  const fw = r.firmware?.memory;
  if (fw) return { image: 'firmware', flash: fw.flash.used, ram: fw.ram.total, stack: fw.ram.stack };
  return r.verify.memory && { image: 'verification', ...r.verify.memory };
}

export function buildReportJson(app: MurmurApp, board: Board, r: BuildResult) {
  const chosen = r.compression.choice.chosen;
  const v = r.verify;
  const cost = v.cost.features.mean + v.cost.model.mean;
  const compressedPred = r.trained.validation.x.map((x) => classifyInt8(chosen.compressed, x).index);
  const compressedReport = classificationReport(r.trained.validation.y, compressedPred, r.trained.rows.classes.length);
  return {
    app: app.id,
    board: board.id,
    classes: r.trained.rows.classes,
    split: { by: 'subject', validationSubjects: r.trained.validationSubjects },
    accuracy: {
      float: r.trained.report,
      compressed: compressedReport,
      firmwareEqualsCompressed: { windows: v.windows, windowsEqual: v.windowsEqual, uplinks: v.uplinks, uplinksEqual: v.uplinksEqual },
      /** The firmware's own classes on labelled windows of the validation subjects, in the emulator. */
      firmware: r.evaluation ?? null,
    },
    compression: {
      chosen: chosen.recipe,
      budget: r.compression.budget,
      float: r.compression.float,
      recipes: r.compression.results.map(({ compressed: _c, ...rest }) => rest),
    },
    library: r.library,
    memory: imageMemory(r) ?? null,
    cost: { unit: v.unit, perWindow: cost, ...v.cost },
    payload: { bytes: app.payload.size, bits: app.payload.bits, fPort: app.payload.fPort },
    airtime: [7, 8, 9, 10, 11, 12].map((sf) => ({ sf, ...uplinkBudget(app.payload.size, { spreadingFactor: sf }) })),
    battery: batteryEstimate(app, board, cost, app.payload.size) ?? null,
    stages: r.stages,
  };
}

export type ReportJson = ReturnType<typeof buildReportJson>;

export function buildReportHtml(app: MurmurApp, board: Board, r: BuildResult, json: ReportJson): string {
  const classes = r.trained.rows.classes;
  const chosen = r.compression.choice.chosen;
  const budget = r.compression.budget;
  const mem = imageMemory(r);
  const sections: Section[] = [
    {
      title: 'Summary',
      blocks: [
        { kind: 'text', text: app.summary },
        {
          kind: 'keyValues',
          items: [
            ['board', `${board.name} (${board.mcu.part}, ${board.mcu.core}, ${board.mcu.clockHz / 1e6} MHz)`],
            ['validation', `${r.trained.validation.x.length} windows of ${r.trained.validationSubjects.length} subjects never used for training`],
            ['float accuracy / macro-F1', `${pct(json.accuracy.float.accuracy)} / ${pct(json.accuracy.float.macroF1)}`],
            ['compressed accuracy / macro-F1', `${pct(json.accuracy.compressed.accuracy)} / ${pct(json.accuracy.compressed.macroF1)} (${chosen.recipe})`],
            ['firmware vs TS reference', `${r.verify.windowsEqual}/${r.verify.windows} windows, ${r.verify.uplinksEqual}/${r.verify.uplinks} uplinks byte-equal`],
            ...(r.evaluation
              ? ([['firmware accuracy / macro-F1', `${pct(r.evaluation.accuracy)} / ${pct(r.evaluation.macroF1)} on ${r.evaluation.windows} windows of the validation subjects`]] as [string, string][])
              : []),
            ['weights', `${chosen.weightBytes} B (${chosen.ratio.toFixed(1)}× smaller than float32)`],
            ['cost per window', `${Math.round(json.cost.perWindow)} ${r.verify.unit}`],
            ['uplink', `${app.payload.size} B on fPort ${app.payload.fPort}`],
            ...(json.battery ? ([['battery life (estimate)', `${Math.round(json.battery.days)} days`]] as [string, string][]) : []),
          ],
        },
      ],
    },
    {
      title: 'Accuracy on subjects the model never saw',
      blocks: [
        { kind: 'plot', svg: confusionMatrix({ title: 'float model', labels: classes, matrix: json.accuracy.float.confusion }) },
        { kind: 'plot', svg: confusionMatrix({ title: `compressed (${chosen.recipe})`, labels: classes, matrix: json.accuracy.compressed.confusion }) },
        ...(r.evaluation
          ? [
              {
                kind: 'plot' as const,
                svg: confusionMatrix({
                  title: `firmware on ${r.evaluation.emulator} (${r.evaluation.windows} windows, ${pct(r.evaluation.accuracy)})`,
                  labels: classes,
                  matrix: r.evaluation.confusion,
                }),
              },
            ]
          : []),
        { kind: 'text', text: `The firmware computes exactly what the compressed model's TS reference computes: ${r.verify.windowsEqual} of ${r.verify.windows} windows streamed through the generated library on ${board.emulator.kind === 'host' ? 'the host' : `the emulator of the ${board.mcu.core}`} gave the same class and margin, and ${r.verify.uplinksEqual} of ${r.verify.uplinks} uplinks the same bytes.` },
      ],
    },
    {
      title: 'Compression recipes',
      blocks: [
        {
          kind: 'plot',
          svg: scatter({
            title: 'accuracy vs weight bytes',
            xLabel: 'weight bytes',
            yLabel: 'accuracy',
            logX: true,
            points: [
              { x: r.compression.float.bytes, y: r.compression.float.accuracy, label: 'float32' },
              ...r.compression.results.map((x) => ({
                x: x.weightBytes,
                y: x.accuracy,
                label: x.recipe,
                highlight: x.recipe === chosen.recipe,
                labelled: r.compression.choice.pareto.some((q) => q.recipe === x.recipe),
              })),
            ],
            xMarkers: budget.flash > 0 ? [{ x: budget.flash, label: 'flash budget' }] : [],
          }),
        },
        {
          kind: 'table',
          headers: ['recipe', 'formats', 'weight bytes', 'ratio', 'activation RAM', 'accuracy', 'vs float'],
          rows: r.compression.results.map((x) => [x.recipe, x.formats, x.weightBytes, `${x.ratio.toFixed(1)}×`, x.activationBytes, pct(x.accuracy), `${(-x.dropPp).toFixed(1)} pp`]),
        },
      ],
    },
    {
      title: 'Memory',
      blocks: mem
        ? [
            {
              kind: 'plot',
              svg: stackedBars({
                title: `${mem.image === 'firmware' ? 'firmware' : 'verification image'} memory vs ${board.id}`,
                bars: [
                  { label: 'flash', budget: board.memory.flash.size, segments: [{ name: 'weights', value: r.library.weightBytes }, { name: 'code + tables', value: Math.max(0, mem.flash - r.library.weightBytes) }] },
                  { label: 'RAM', budget: board.memory.ram.size, segments: [{ name: 'arena', value: r.library.arenaBytes }, { name: 'static', value: Math.max(0, mem.ram - mem.stack - r.library.arenaBytes) }, { name: 'stack', value: mem.stack }] },
                ],
              }),
            },
          ]
        : [{ kind: 'text', text: 'The host build has no memory budget.' }],
    },
    {
      title: 'Uplink',
      blocks: [
        { kind: 'plot', svg: bitLayout({ title: `${app.payload.name} v${app.payload.version}`, fields: payloadBits(app) }) },
        { kind: 'plot', svg: bars({ title: 'airtime per uplink (EU868, 125 kHz)', yLabel: 'ms', logY: true, bars: json.airtime.map((a) => ({ label: `SF${a.sf}`, value: a.airtimeMs })) }) },
        { kind: 'plot', svg: bars({ title: 'uplinks per day allowed', yLabel: 'uplinks/day', logY: true, bars: json.airtime.flatMap((a) => [{ label: `SF${a.sf} 1%`, value: a.maxPerDayDutyCycle, note: 'EU868 1 % duty cycle' }, { label: `SF${a.sf} TTN`, value: a.maxPerDayTtnFairUse, note: 'TTN fair use, 30 s/day' }]) }) },
      ],
    },
  ];
  if (json.battery) {
    const b = json.battery;
    sections.push({
      title: 'Battery life (estimate)',
      blocks: [
        { kind: 'plot', svg: bars({ title: 'charge per day', yLabel: 'mAh/day', bars: [{ label: 'inference', value: b.computeMahPerDay }, { label: 'radio', value: b.radioMahPerDay }, { label: 'sleep', value: b.sleepMahPerDay }] }) },
        { kind: 'text', text: `About ${Math.round(b.days)} days. ${b.assumptions}.` },
      ],
    });
  }
  return renderReport({
    title: `${app.title} on ${board.name}`,
    subtitle: `${app.id} · ${board.id} · recipe ${chosen.recipe}`,
    generator: 'Generated by @murmur/pipeline (murmur build).',
    sections,
  });
}

function payloadBits(app: MurmurApp): { name: string; bits: number }[] {
  const fields: { name: string; bits: number }[] = [{ name: 'version', bits: app.payload.versionBits }];
  for (const [name, f] of Object.entries(app.payload.fields)) {
    if (f.kind === 'array') for (let i = 0; i < f.length; i++) fields.push({ name: `${name}[${i}]`, bits: f.of.bits });
    else fields.push({ name, bits: f.bits });
  }
  return fields;
}

/** Writes report.json and report.html into the build folder; returns their paths. */
export function writeReport(app: MurmurApp, board: Board, r: BuildResult): { json: string; html: string } {
  const json = buildReportJson(app, board, r);
  const paths = { json: join(r.outDir, 'report.json'), html: join(r.outDir, 'report.html') };
  writeFileSync(paths.json, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(paths.html, buildReportHtml(app, board, r, json));
  return paths;
}
