/**
 * The build report: report.json (the figures) and report.html (the same as plots and tables, static, no
 * scripts). Every accuracy carries its windows, its subjects and a 95 % Wilson interval; every cost its
 * unit (instructions from QEMU, cycles from simavr) and its time at the board's clock; the battery
 * estimate states its assumptions (./battery).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Board } from '@murmur/boards';
import { generateModelCode } from '@murmur/codegen';
import {
  classifyInt8,
  compressedShapes,
  isQuantizedWeightLayer,
  weightTensorBytes,
  type CompressedModel,
} from '@murmur/kernels';
import { classificationReport, predictClasses, type ClassificationReport } from '@murmur/nn';
import { uplinkBudget } from '@murmur/lpwan';
import {
  bitLayout,
  confusionMatrix,
  groupedBars,
  bars,
  pairedDifferenceInterval,
  renderReport,
  scatter,
  stackedBars,
  wilsonInterval,
  type Section,
} from '@murmur/report';
import { appWindowsPerUplink, type MurmurApp } from '@murmur/app';
import type { LibraryCheckResult } from '@murmur/verify';
import type { BuildResult } from './build';
import { batteryEstimate } from './battery';

export {
  BATTERY_MAH,
  batteryEstimate,
  sensorCurrent,
  SELF_DISCHARGE_PER_YEAR,
  type BatteryEstimate,
} from './battery';

const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;
const int = (v: number): string => Math.round(v).toLocaleString('en');
const signedPp = (v: number): string => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(100 * v).toFixed(1)}`;
/** A share in per cent, to two significant figures below 10 %. */
const share = (v: number): string =>
  `${100 * v >= 10 ? (100 * v).toFixed(1) : Number((100 * v).toPrecision(2)).toString()} %`;
const ms = (v: number): string => (v >= 100 ? int(v) : Number(v.toPrecision(3)).toString());

/** An accuracy with what it was measured on. */
export interface AccuracyFigure {
  accuracy: number;
  correct: number;
  windows: number;
  subjects: number;
  /** 95 % interval of the accuracy: a subject bootstrap where one is given, else Wilson's. */
  ci95: [number, number];
  /** How the interval was computed. */
  interval?: string;
}

function accuracyFigure(
  confusion: readonly (readonly number[])[],
  subjects: number,
  bootstrap?: { accuracyCi?: [number, number]; method?: string },
): AccuracyFigure {
  const windows = confusion.reduce((n, row) => n + row.reduce((a, b) => a + b, 0), 0);
  const correct = confusion.reduce((n, row, i) => n + (row[i] ?? 0), 0);
  const accuracy = windows ? correct / windows : 0;
  if (bootstrap?.accuracyCi && bootstrap.method)
    return { accuracy, correct, windows, subjects, ci95: bootstrap.accuracyCi, interval: bootstrap.method };
  const ci = wilsonInterval(correct, windows);
  return { accuracy, correct, windows, subjects, ci95: [ci.lo, ci.hi], interval: 'Wilson' };
}

/** "88.9 % (95 % CI 81.6–93.5 %) on 108 windows of 3 subjects" */
export function describeAccuracy(a: AccuracyFigure): string {
  return `${pct(a.accuracy)} (95 % CI ${(100 * a.ci95[0]).toFixed(1)}–${pct(a.ci95[1])}) on ${int(a.windows)} windows of ${a.subjects} subject${a.subjects === 1 ? '' : 's'}`;
}

/** A compressed model against the float model on the same windows. */
export interface VersusFloat {
  /** Accuracy difference, compressed minus float, in percentage points. */
  pp: number;
  /** 95 % interval of the difference (Newcombe, paired), in percentage points. */
  ci95Pp: [number, number];
  /** Windows only the float model got right, and only the compressed model. */
  onlyFloatRight: number;
  onlyCompressedRight: number;
  windows: number;
}

export function versusFloat(
  truth: readonly number[],
  float: readonly number[],
  compressed: readonly number[],
): VersusFloat {
  const counts = { both: 0, onlyFirst: 0, onlySecond: 0, neither: 0 };
  truth.forEach((t, i) => {
    const f = float[i] === t;
    const c = compressed[i] === t;
    if (f && c) counts.both++;
    else if (f) counts.onlyFirst++;
    else if (c) counts.onlySecond++;
    else counts.neither++;
  });
  const d = pairedDifferenceInterval(counts);
  return {
    pp: 100 * d.difference,
    ci95Pp: [100 * d.lo, 100 * d.hi],
    onlyFloatRight: counts.onlyFirst,
    onlyCompressedRight: counts.onlySecond,
    windows: truth.length,
  };
}

/** "+1.9 pp (95 % CI −1.2 to +5.0 pp)" */
export function describeVersusFloat(v: VersusFloat): string {
  return `${signedPp(v.pp / 100)} pp (95 % CI ${signedPp(v.ci95Pp[0] / 100)} to ${signedPp(v.ci95Pp[1] / 100)} pp)`;
}

/** One layer of the compressed model as the generated C runs it. */
export interface LayerRow {
  index: number;
  op: string;
  /** Weight format of a layer with weights (int8, int4-packed, sparse, clustered, binary). */
  format?: string;
  input: number[];
  output: number[];
  macs: number;
  /** Flash of its constant arrays: weights, int32 or int16 bias, int32 multiplier and int8 shift per row or per layer. */
  weightBytes: number;
  /** Arena bytes live while it runs: its input, its output and its scratch. */
  arenaBytes: number;
}

/** The per-layer table of a compressed model: shapes, MACs, weight bytes and the arena the plan gives it. */
export function modelLayers(model: CompressedModel): LayerRow[] {
  const shapes = compressedShapes(model);
  const plan = generateModelCode(model, { name: 'report' }).plan;
  return model.layers.map((layer, i) => {
    const output = shapes[i + 1]!;
    const step = i + 1;
    const arenaBytes = plan.buffers
      .filter((b) => b.first <= step && step <= b.last)
      .reduce((n, b) => n + b.size, 0);
    if (!isQuantizedWeightLayer(layer))
      return { index: i, op: layer.op, input: shapes[i]!, output, macs: 0, weightBytes: 0, arenaBytes };
    const w = layer.weights;
    return {
      index: i,
      op: layer.op,
      format: w.format,
      input: shapes[i]!,
      output,
      macs: (layer.op === 'dense' ? 1 : output[0]!) * w.rows * w.cols,
      weightBytes:
        weightTensorBytes(w) + layer.bias.byteLength + 4 * layer.multiplier.length + layer.shift.length,
      arenaBytes,
    };
  });
}

/** One measured part of an inference: per window, in the run's unit and in ms at the board's clock. */
export interface PartCost {
  mean: number;
  max: number;
  ms: number;
  /** Of the whole inference's mean on the same windows. */
  shareOfModel: number;
}

/** The model's cost part by part, as the verification run measured it (null where nothing counts). */
export interface ModelCostBreakdown {
  unit: string;
  /** Windows the model ran on (a faulty window is not classified); every mean is over these. */
  windows: number;
  /** The whole inference (infer), the probes' reads included. */
  model: { mean: number; max: number; ms: number };
  /** Standardizing and quantizing the features into the int8 input. */
  input: PartCost;
  /** Each layer, in order. */
  layers: PartCost[];
  /** The rest of infer: argmax, the uplink policy's window update, the calls (model minus the parts above). */
  rest: Omit<PartCost, 'max'>;
}

/** The per-layer costs of a verification run in the board's time (absent on the host: nothing counts). */
export function modelCostBreakdown(board: Board, v: LibraryCheckResult): ModelCostBreakdown | null {
  const p = v.perLayer;
  if (!p || v.unit === 'none') return null;
  const toMs = (count: number): number => (1000 * count) / board.mcu.clockHz;
  const part = (c: { mean: number; max: number }): PartCost => ({
    mean: c.mean,
    max: c.max,
    ms: toMs(c.mean),
    shareOfModel: p.model.mean ? c.mean / p.model.mean : 0,
  });
  const rest = Math.max(0, p.model.mean - p.input.mean - p.layers.reduce((n, l) => n + l.mean, 0));
  return {
    unit: v.unit,
    windows: p.windows,
    model: { ...p.model, ms: toMs(p.model.mean) },
    input: part(p.input),
    layers: p.layers.map(part),
    rest: { mean: rest, ms: toMs(rest), shareOfModel: p.model.mean ? rest / p.model.mean : 0 },
  };
}

/** How the per-layer costs were measured, or why they were not. */
export function layerCostNote(board: Board, unit: string, breakdown: ModelCostBreakdown | null): string {
  if (breakdown)
    return (
      `Mean ${unit} per window over the ${int(breakdown.windows)} windows the model ran on in the verification run, ` +
      "from cost probes that read the emulator's counter before the input is prepared, before the first layer and after each one " +
      '(only the verification build has them: the library in lib/ has none). Each figure includes one read of the counter ' +
      '(what a layer that runs no code shows), and the whole inference includes them all.'
    );
  if (unit === 'none') return `Not measured per layer: ${costTiming(board, unit).note}.`;
  return 'Not measured per layer: the verification run had no per-layer probes.';
}

/** What the emulator counted and how it becomes time at the board's clock. */
export function costTiming(
  board: Board,
  unit: string,
): { timing: 'exact' | 'estimate' | 'none'; note: string } {
  const mhz = `${board.mcu.clockHz / 1e6} MHz`;
  if (unit === 'cycles')
    return {
      timing: 'exact',
      note: `simavr counts the core's clock cycles, so ms = cycles / ${mhz} is exact for the emulated core (flash and peripherals cost what simavr models)`,
    };
  if (unit === 'instructions')
    return {
      timing: 'estimate',
      note: `QEMU counts executed instructions (-icount), not cycles: ms = instructions / ${mhz} is an estimate assuming one instruction per cycle (loads, multiplies, branches and flash wait states take more on a real core, so the device is likely slower)`,
    };
  return {
    timing: 'none',
    note: 'the host build measures no cost: build for a board to measure it in its emulator',
  };
}

/** One frame of the worst-case stack path. */
export interface StackFrame {
  function: string;
  /** Frame bytes from gcc's -fstack-usage (.su); undefined for library code without compiler data. */
  bytes?: number;
}

export interface StackFigure {
  worstCaseBytes: number;
  /** The deepest call chain from the entry and the deepest interrupt handler's chain (empty when only a total is known). */
  path: StackFrame[];
  interruptPath: StackFrame[];
  /** Whether the figure may be too small (null: not known, only a total was recorded). */
  lowerBound: boolean | null;
  caveats: string[];
  /** Where the figure comes from. */
  source: string;
}

/** Frame bytes per function from the `.su` files (gcc -fstack-usage) beside a firmware's objects. */
function stackFrames(objDir: string): Map<string, number | undefined> {
  const frames = new Map<string, number | undefined>();
  if (!existsSync(objDir)) return frames;
  for (const f of readdirSync(objDir).filter((n) => n.endsWith('.su'))) {
    for (const line of readFileSync(join(objDir, f), 'utf8').split('\n')) {
      const m = /^(?:.*?:\d+:\d+:)?([^\t]+)\t(\d+)\t\S+$/.exec(line);
      if (!m) continue;
      const bytes = Number(m[2]);
      // A static function defined in two files with different frames has no single figure.
      frames.set(m[1]!, frames.has(m[1]!) && frames.get(m[1]!) !== bytes ? undefined : bytes);
    }
  }
  return frames;
}

export function stackFigure(r: BuildResult): StackFigure | undefined {
  const fw = r.firmware?.memory;
  if (fw) {
    const frames = stackFrames(join(dirname(r.firmware!.elf), 'obj'));
    const frame = (name: string): StackFrame => ({ function: name, bytes: frames.get(name) });
    return {
      worstCaseBytes: fw.stack.worstCaseBytes,
      path: fw.stack.path.map(frame),
      interruptPath: fw.stack.interruptPath.map(frame),
      lowerBound: fw.stack.lowerBound,
      caveats: fw.stack.caveats,
      source: "the firmware's call graph with gcc -fstack-usage frames (firmware/memory.json)",
    };
  }
  if (r.verify.memory)
    return {
      worstCaseBytes: r.verify.memory.stack,
      path: [],
      interruptPath: [],
      lowerBound: null,
      caveats: [],
      source: 'the verification image (only its total is recorded: no call path)',
    };
  return undefined;
}

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

/** The model's part of the report: its accuracy, compression and layers (null for an app without a model). */
function modelReport(r: BuildResult, breakdown: ReturnType<typeof modelCostBreakdown>) {
  if (!r.trained || !r.compression) return null;
  const v = r.verify;
  const chosen = r.compression.choice.chosen;
  const validation = r.trained.validation;
  const subjects = r.trained.validationSubjects.length;
  const nClasses = r.trained.rows.classes.length;
  const floatPred = predictClasses(r.trained.model, validation.x);
  const predictions = new Map(
    r.compression.results.map((x) => [
      x.recipe,
      validation.x.map((row) => classifyInt8(x.compressed, row).index),
    ]),
  );
  const compressedPred = predictions.get(chosen.recipe)!;
  const compressedReport: ClassificationReport = classificationReport(validation.y, compressedPred, nClasses);
  const evaluation = r.evaluation;
  return {
    classes: r.trained.rows.classes,
    split: { by: 'subject', validationSubjects: r.trained.validationSubjects },
    accuracy: {
      float: {
        ...r.trained.report,
        ...accuracyFigure(r.trained.report.confusion, subjects, r.compression.heldOut.float),
      },
      compressed: {
        ...compressedReport,
        ...accuracyFigure(compressedReport.confusion, subjects, r.compression.heldOut.chosen),
        recipe: chosen.recipe,
        vsFloat: versusFloat(validation.y, floatPred, compressedPred),
      },
      firmwareEqualsCompressed: {
        windows: v.windows,
        windowsEqual: v.windowsEqual,
        uplinks: v.uplinks,
        uplinksEqual: v.uplinksEqual,
      },
      /** The firmware's own classes on labelled windows of the validation subjects, in the emulator. */
      firmware: evaluation
        ? {
            ...evaluation,
            subjectIds: evaluation.subjects,
            ...accuracyFigure(evaluation.confusion, evaluation.subjects.length, evaluation),
          }
        : null,
    },
    compression: {
      chosen: chosen.recipe,
      /** Why: the smallest recipe that fits within `maxDropPp` of float, cross-validated (`selection`). */
      reason: r.compression.choice.reason,
      maxDropPp: r.compression.choice.maxDropPp,
      withinTolerance: r.compression.choice.withinTolerance,
      selection: r.compression.selection,
      budget: r.compression.budget,
      float: r.compression.float,
      recipes: r.compression.results.map(({ compressed: _c, ...rest }) => ({
        ...rest,
        vsFloat: versusFloat(validation.y, floatPred, predictions.get(rest.recipe)!),
      })),
    },
    /** With `cost`: the layer's cost per inference (see `cost.perLayer`), null where it was not measured. */
    layers: modelLayers(chosen.compressed).map((l, i) => ({ ...l, cost: breakdown?.layers[i] ?? null })),
  };
}

export function buildReportJson(app: MurmurApp, board: Board, r: BuildResult) {
  const v = r.verify;
  const cost = v.cost.features.mean + v.cost.model.mean;
  const breakdown = modelCostBreakdown(board, v);
  const clockHz = board.mcu.clockHz;
  const toMs = (count: number): number | null => (v.unit === 'none' ? null : (1000 * count) / clockHz);
  const timing = costTiming(board, v.unit);
  // The app's uplink period in windows (the verification run may use a shorter one to fit the board).
  const period = appWindowsPerUplink(app);
  // Null for an app that ships no model (model: null): its class comes from the policy's class rule.
  const model = modelReport(r, breakdown);
  return {
    app: app.id,
    board: board.id,
    classes: model?.classes ?? [...app.classes],
    split: model?.split ?? null,
    accuracy: model?.accuracy ?? null,
    compression: model?.compression ?? null,
    library: r.library,
    layers: model?.layers ?? [],
    memory: imageMemory(r) ?? null,
    stack: stackFigure(r) ?? null,
    cost: {
      unit: v.unit,
      perWindow: cost,
      ...v.cost,
      clockHz,
      /** Milliseconds at the board's clock (null on the host); see `timing` and `timingNote`. */
      ms: {
        perWindow: toMs(cost),
        features: toMs(v.cost.features.mean),
        model: toMs(v.cost.model.mean),
        payload: toMs(v.cost.payload.mean),
      },
      timing: timing.timing,
      timingNote: timing.note,
      /** Windows per uplink: the payload's cost is per uplink, the others per window. */
      windowsPerUplink: period,
      /** The model's cost by part (input, each layer as in `layers[].cost`, the rest of infer); null on the host. */
      perLayer: breakdown && {
        windows: breakdown.windows,
        model: breakdown.model,
        input: breakdown.input,
        rest: breakdown.rest,
      },
      perLayerNote: layerCostNote(board, v.unit, breakdown),
    },
    payload: { bytes: app.payload.size, bits: app.payload.bits, fPort: app.payload.fPort },
    airtime: [7, 8, 9, 10, 11, 12].map((sf) => ({
      sf,
      ...uplinkBudget(app.payload.size, { spreadingFactor: sf }),
    })),
    battery: batteryEstimate(app, board, cost, app.payload.size, 7, v.cost.payload.mean) ?? null,
    stages: r.stages,
  };
}

export type ReportJson = ReturnType<typeof buildReportJson>;

/** Only for a build with a model (as the next two sections). */
function accuracySection(board: Board, r: BuildResult, json: ReportJson): Section {
  const classes = r.trained!.rows.classes;
  const a = json.accuracy!;
  const fw = a.firmware;
  const where = board.emulator.kind === 'host' ? 'the host' : `the emulator of the ${board.mcu.core}`;
  const rows: (string | number)[][] = [
    [
      'float model',
      int(a.float.windows),
      a.float.subjects,
      pct(a.float.accuracy),
      ci(a.float),
      pct(a.float.macroF1),
    ],
    [
      `compressed (${a.compressed.recipe})`,
      int(a.compressed.windows),
      a.compressed.subjects,
      pct(a.compressed.accuracy),
      ci(a.compressed),
      pct(a.compressed.macroF1),
    ],
    ...(fw
      ? [
          [
            `firmware on ${fw.emulator}`,
            int(fw.windows),
            fw.subjects,
            pct(fw.accuracy),
            ci(fw),
            pct(fw.macroF1),
          ],
        ]
      : []),
  ];
  return {
    title: 'Accuracy on subjects the model never saw',
    blocks: [
      {
        kind: 'table',
        headers: ['model', 'windows', 'subjects', 'accuracy', '95 % CI', 'macro-F1'],
        rows,
        caption: `Windows of the validation subjects (split by subject; nothing is chosen on them). The interval is a subject-level bootstrap (${a.float.interval ?? 'Wilson'}): windows of one subject are not independent, so the subjects are resampled, not the windows; over a single subject it is Wilson's score interval, which takes the windows as independent and is too narrow.`,
      },
      {
        kind: 'plot',
        svg: confusionMatrix({
          title: `float model: ${describeAccuracy(a.float)}`,
          labels: classes,
          matrix: a.float.confusion,
        }),
      },
      {
        kind: 'plot',
        svg: confusionMatrix({
          title: `compressed (${a.compressed.recipe}): ${describeAccuracy(a.compressed)}`,
          labels: classes,
          matrix: a.compressed.confusion,
        }),
      },
      ...(fw
        ? [
            {
              kind: 'plot' as const,
              svg: confusionMatrix({
                title: `firmware on ${fw.emulator}: ${describeAccuracy(fw)}`,
                labels: classes,
                matrix: fw.confusion,
              }),
            },
          ]
        : []),
      {
        kind: 'text',
        text:
          `The firmware computes exactly what the compressed model's TS reference computes: ${r.verify.windowsEqual} of ${r.verify.windows} windows streamed through the generated library on ${where} gave the same class and margin, and ${r.verify.uplinksEqual} of ${r.verify.uplinks} uplinks the same bytes.` +
          (fw
            ? ` The firmware's own confusion matrix comes from ${int(fw.windows)} labelled windows of ${fw.subjects} subjects run in ${fw.emulator}${fw.note ? ` (${fw.note})` : ''}; on ${fw.agreesWithCompressed} of them its class equals the compressed model's.` +
              (fw.windows < a.compressed.windows
                ? ` On ${int(fw.windows)} windows rather than ${int(a.compressed.windows)} its interval is wider, so its accuracy is no measure of a difference from the compressed model's: the byte-equality above is.`
                : '')
            : ''),
      },
    ],
  };
}

function ci(a: AccuracyFigure): string {
  return `${(100 * a.ci95[0]).toFixed(1)}–${pct(a.ci95[1])}`;
}

function costSection(board: Board, json: ReportJson): Section {
  const c = json.cost;
  if (c.unit === 'none')
    return { title: 'Cost', blocks: [{ kind: 'text', text: `Not measured: ${c.timingNote}.` }] };
  const mhz = `${board.mcu.clockHz / 1e6} MHz`;
  const stages = [
    {
      name: 'DSP',
      what: 'sensor check and feature graph (push_samples)',
      per: 'window',
      count: c.features.mean,
    },
    { name: 'model', what: 'inference (infer)', per: 'window', count: c.model.mean },
    {
      name: 'policy + payload',
      what: 'uplink policy and payload encoding (encode_uplink)',
      per: `uplink (every ${c.windowsPerUplink} windows)`,
      count: c.payload.mean,
    },
  ];
  const perWindow = c.features.mean + c.model.mean + c.payload.mean / c.windowsPerUplink;
  const time = (n: number): string => `${ms((1000 * n) / board.mcu.clockHz)} ms`;
  return {
    title: 'Cost',
    blocks: [
      {
        kind: 'table',
        headers: [
          'stage',
          'what it runs',
          'per',
          c.unit,
          `ms at ${mhz}${c.timing === 'estimate' ? ' (estimate)' : ''}`,
          'share per window',
        ],
        rows: stages.map((s, i) => [
          s.name,
          s.what,
          s.per,
          int(s.count),
          time(s.count),
          share((i === 2 ? s.count / c.windowsPerUplink : s.count) / perWindow),
        ]),
        caption: `Mean ${c.unit} measured in the emulator on recorded windows of the validation subjects. ${c.timingNote[0]!.toUpperCase()}${c.timingNote.slice(1)}. The payload's share is its cost spread over the windows of one uplink.${c.perLayer ? " The model's figure includes the reads of its per-layer cost probes (see Model layers), which only the verification build has." : ''}`,
      },
      {
        kind: 'plot',
        svg: stackedBars({
          title: `${c.unit} by stage: DSP vs model vs policy + payload (per uplink)`,
          sharedScale: true,
          format: (v) => `${int(v)} ${c.unit}`,
          bars: stages.map((s) => ({
            label: s.name,
            segments: [{ name: s.name, value: s.count }],
            note: `${int(s.count)} ${c.unit} · ${time(s.count)}${s.name === 'policy + payload' ? ' per uplink' : ''}`,
          })),
        }),
      },
    ],
  };
}

function memorySection(board: Board, r: BuildResult, json: ReportJson): Section {
  const mem = imageMemory(r);
  if (!mem)
    return { title: 'Memory', blocks: [{ kind: 'text', text: 'The host build has no memory budget.' }] };
  const fw = r.firmware?.memory;
  const stack = json.stack;
  const ramSegments = fw
    ? [
        { name: 'model arena', value: r.library.arenaBytes },
        { name: 'other static', value: Math.max(0, fw.ram.static - r.library.arenaBytes) },
        { name: 'stack (worst case)', value: fw.ram.stack },
        ...(fw.ram.stackReserve > fw.ram.stack
          ? [{ name: 'stack reserve', value: fw.ram.stackReserve - fw.ram.stack }]
          : []),
      ]
    : [
        { name: 'model arena', value: r.library.arenaBytes },
        { name: 'other static', value: Math.max(0, mem.ram - mem.stack - r.library.arenaBytes) },
        { name: 'stack (worst case)', value: mem.stack },
      ];
  const blocks: Section['blocks'] = [
    {
      kind: 'plot',
      svg: stackedBars({
        title: `${mem.image === 'firmware' ? 'firmware' : 'verification image'} memory vs ${board.id}`,
        bars: [
          {
            label: 'flash',
            budget: board.memory.flash.size,
            segments: [
              { name: 'weights', value: r.library.weightBytes },
              { name: 'code + tables', value: Math.max(0, mem.flash - r.library.weightBytes) },
            ],
          },
          { label: 'RAM', budget: board.memory.ram.size, segments: ramSegments },
        ],
      }),
    },
  ];
  if (stack) {
    const frames = [...stack.path, ...stack.interruptPath];
    if (frames.length) {
      blocks.push({
        kind: 'table',
        headers: ['', 'function', 'frame bytes'],
        rows: [
          ...stack.path.map((f, i) => [
            i === 0 ? 'entry' : `${i}`,
            f.function,
            f.bytes ?? '– (no compiler data)',
          ]),
          ...stack.interruptPath.map((f, i) => [
            i === 0 ? 'interrupt' : '',
            f.function,
            f.bytes ?? '– (no compiler data)',
          ]),
          ['', 'worst case', stack.worstCaseBytes],
        ],
        caption: `Worst-case stack path from ${stack.source}: the deepest call chain from the entry plus the deepest interrupt handler's.${stack.lowerBound ? ` A lower bound: ${stack.caveats.join('; ')}.` : ''}`,
      });
    } else
      blocks.push({
        kind: 'text',
        text: `Worst-case stack: ${stack.worstCaseBytes} B, from ${stack.source}.`,
      });
  }
  return { title: 'Memory', blocks };
}

function layersSection(board: Board, json: ReportJson, chosen: string): Section {
  const layers = json.layers;
  const totalMacs = layers.reduce((n, l) => n + l.macs, 0);
  const shape = (s: number[]): string => `[${s.join(', ')}]`;
  const c = json.cost;
  const p = c.perLayer;
  const mhz = `${board.mcu.clockHz / 1e6} MHz`;
  // The cost columns: the unit, ms at the clock and the share of the whole inference (only where measured).
  const costCells = (
    part: { mean: number; ms: number; shareOfModel: number } | null | undefined,
  ): string[] => (!p ? [] : part ? [int(part.mean), ms(part.ms), share(part.shareOfModel)] : ['–', '–', '–']);
  // The six columns between the op and the cost, empty on the rows that are not a layer.
  const blank = ['', '', '', '', '', ''];
  const inputs = layers[0]?.input ?? [];
  return {
    title: 'Model layers',
    blocks: [
      {
        kind: 'table',
        headers: [
          '#',
          'op',
          'input',
          'output',
          'MACs',
          'share of MACs',
          'weight bytes (flash)',
          'arena bytes live',
          ...(p
            ? [c.unit, `ms at ${mhz}${c.timing === 'estimate' ? ' (estimate)' : ''}`, 'share of model']
            : []),
        ],
        rows: [
          ...(p
            ? [
                [
                  '',
                  `input: standardize and quantize ${elementsOf(inputs)} features`,
                  ...blank,
                  ...costCells(p.input),
                ],
              ]
            : []),
          ...layers.map((l) => [
            l.index,
            l.format ? `${l.op} (${l.format})` : l.op,
            shape(l.input),
            shape(l.output),
            int(l.macs),
            totalMacs ? share(l.macs / totalMacs) : '–',
            int(l.weightBytes),
            int(l.arenaBytes),
            ...costCells(l.cost),
          ]),
          ...(p ? [['', 'rest of infer: argmax, uplink policy, calls', ...blank, ...costCells(p.rest)]] : []),
          [
            '',
            'total',
            '',
            '',
            int(totalMacs),
            '',
            int(layers.reduce((n, l) => n + l.weightBytes, 0)),
            `${int(json.library.arenaBytes)} (arena)`,
            ...costCells(p && { ...p.model, shareOfModel: 1 }),
          ],
        ],
        caption:
          `The compressed model (${chosen}) as the generated C runs it. Weight bytes are its constant arrays (weights; bias, int32 or int16; multiplier and shift, per output channel or one for the layer); arena bytes are the buffers the memory plan keeps live while the layer runs (input, output, scratch). ` +
          (p
            ? `${c.perLayerNote} ${c.timingNote[0]!.toUpperCase()}${c.timingNote.slice(1)}. The total is infer() as a whole (${int(p.model.mean)} ${c.unit}); the share is of it.`
            : c.perLayerNote),
      },
    ],
  };
}

const elementsOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function compressionSection(r: BuildResult, json: ReportJson): Section {
  const compression = r.compression!;
  const chosen = compression.choice.chosen;
  const budget = compression.budget;
  const a = json.accuracy!.float;
  const recipes = json.compression!.recipes;
  return {
    title: 'Compression recipes',
    blocks: [
      {
        kind: 'plot',
        svg: scatter({
          title: `accuracy vs weight bytes (${int(a.windows)} windows of ${a.subjects} subjects)`,
          xLabel: 'weight bytes',
          yLabel: 'accuracy (%)',
          logX: true,
          formatX: (x) => int(x),
          formatY: (y) => String(Number((100 * y).toFixed(1))),
          formatPoint: (x, y) => `${int(x)} B, ${pct(y)}`,
          points: [
            { x: compression.float.bytes, y: compression.float.accuracy, label: 'float32' },
            ...compression.results.map((x) => ({
              x: x.weightBytes,
              y: x.accuracy,
              label: x.recipe,
              highlight: x.recipe === chosen.recipe,
              labelled: compression.choice.pareto.some((q) => q.recipe === x.recipe),
            })),
          ],
          xMarkers: budget.flash > 0 ? [{ x: budget.flash, label: 'flash budget' }] : [],
        }),
      },
      {
        kind: 'table',
        headers: [
          'recipe',
          'formats',
          'weight bytes',
          'ratio',
          'activation RAM',
          'CV accuracy (95 % CI)',
          'CV vs float, pp (95 % CI)',
          'validation accuracy',
          'validation vs float (95 % CI)',
        ],
        rows: recipes.map((x) => [
          x.recipe === chosen.recipe ? `${x.recipe} (chosen)` : x.recipe,
          x.formats.split(',').join(', '),
          int(x.weightBytes),
          `${x.ratio.toFixed(1)}×`,
          x.activationBytes,
          x.cv
            ? `${pct(x.cv.accuracy)} (${(100 * x.cv.accuracyCi[0]).toFixed(1)}–${pct(x.cv.accuracyCi[1])})`
            : '–',
          x.cv
            ? `${signedPp(-x.cv.dropPp / 100)} (${signedPp(-x.cv.dropCi[1] / 100)} to ${signedPp(-x.cv.dropCi[0] / 100)})`
            : '–',
          pct(x.accuracy),
          describeVersusFloat(x.vsFloat).replace(' (95 % CI ', ' (').replace(' pp)', ')'),
        ]),
        caption:
          `Chosen: ${compression.choice.reason}. ` +
          `The choice is made by cross-validation on the training subjects only (the '${compression.selection.scheme}' scheme, ${compression.selection.folds} folds${compression.selection.note ? `: ${compression.selection.note}` : ''}${compression.selection.float ? `; float ${pct(compression.selection.float.accuracy)}, 95 % CI ${(100 * compression.selection.float.accuracyCi[0]).toFixed(1)}–${pct(compression.selection.float.accuracyCi[1])}, ${compression.selection.float.method}` : ''}): each fold's compressed model is made from that fold's float model, and recipes are cross-validated from the smallest that fits up until one is within ${compression.choice.maxDropPp} pp of float ('–': not needed). ` +
          `The validation columns are the same ${int(a.windows)} windows of ${a.subjects} validation subjects as the float model (${pct(a.accuracy)}): a held-out check that nothing is chosen by. Their difference's interval is Newcombe's for paired proportions: an interval that holds 0 means the recipe cannot be told from the float model on these windows.`,
      },
    ],
  };
}

export function buildReportHtml(app: MurmurApp, board: Board, r: BuildResult, json: ReportJson): string {
  const chosen = r.compression?.choice.chosen;
  const a = json.accuracy;
  const c = json.cost;
  const b = json.battery;
  const verified: [string, string] = [
    'firmware vs TS reference',
    `${r.verify.windowsEqual}/${r.verify.windows} windows, ${r.verify.uplinksEqual}/${r.verify.uplinks} uplinks byte-equal`,
  ];
  const modelItems: [string, string][] =
    a && chosen
      ? [
          [
            'validation',
            `${int(a.float.windows)} windows of ${a.float.subjects} subjects never used for training (split by subject)`,
          ],
          ['float accuracy', `${describeAccuracy(a.float)}; macro-F1 ${pct(a.float.macroF1)}`],
          [
            'compressed accuracy',
            `${describeAccuracy(a.compressed)}; macro-F1 ${pct(a.compressed.macroF1)} (${chosen.recipe})`,
          ],
          [
            'compressed vs float',
            `${describeVersusFloat(a.compressed.vsFloat)} on the same windows: ${a.compressed.vsFloat.ci95Pp[0] > 0 ? 'above' : a.compressed.vsFloat.ci95Pp[1] < 0 ? 'below' : 'not distinguishable from'} the float model`,
          ],
          verified,
          ...(a.firmware
            ? ([
                [
                  'firmware accuracy',
                  `${describeAccuracy(a.firmware)} in ${a.firmware.emulator}; macro-F1 ${pct(a.firmware.macroF1)}`,
                ],
              ] as [string, string][])
            : []),
          ['weights', `${chosen.weightBytes} B (${chosen.ratio.toFixed(1)}× smaller than float32)`],
        ]
      : [
          [
            'model',
            `none: ${app.id} ships no model; each window's class comes from the uplink policy's class rule${app.uplink.classRule ? ` on ${app.uplink.classRule.feature}` : ''} (see the app's README for its accuracy)`,
          ],
          verified,
        ];
  const sections: Section[] = [
    {
      title: 'Summary',
      blocks: [
        { kind: 'text', text: app.summary },
        {
          kind: 'keyValues',
          items: [
            ['board', `${board.name} (${board.mcu.part}, ${board.mcu.core}, ${board.mcu.clockHz / 1e6} MHz)`],
            ...modelItems,
            [
              'cost per window',
              c.unit === 'none'
                ? 'not measured on the host'
                : `${int(c.perWindow)} ${c.unit} = ${ms(c.ms.perWindow!)} ms at ${board.mcu.clockHz / 1e6} MHz (${c.timing === 'exact' ? 'exact: simavr counts cycles' : 'estimate: QEMU counts instructions, taken as 1 per cycle'})`,
            ],
            ['uplink', `${app.payload.size} B on fPort ${app.payload.fPort}`],
            ...(b
              ? ([
                  [
                    'battery life (estimate)',
                    `about ${describeLife(b.days)} with ${(100 * b.selfDischargePerYear).toFixed(0)} %/year self-discharge and a ${b.sensorCurrentUa} µA sensor (assumed; see Battery life)`,
                  ],
                ] as [string, string][])
              : []),
          ],
        },
      ],
    },
    ...(chosen
      ? [
          accuracySection(board, r, json),
          compressionSection(r, json),
          layersSection(board, json, chosen.recipe),
        ]
      : []),
    costSection(board, json),
    memorySection(board, r, json),
    {
      title: 'Uplink',
      blocks: [
        {
          kind: 'plot',
          svg: bitLayout({ title: `${app.payload.name} v${app.payload.version}`, fields: payloadBits(app) }),
        },
        {
          kind: 'plot',
          svg: bars({
            title: 'airtime per uplink (EU868, 125 kHz)',
            yLabel: 'ms',
            logY: true,
            bars: json.airtime.map((x) => ({ label: `SF${x.sf}`, value: x.airtimeMs })),
          }),
        },
        {
          kind: 'plot',
          svg: groupedBars({
            title: 'uplinks per day allowed',
            yLabel: 'uplinks/day',
            logY: true,
            series: ['EU868 1 % duty cycle', 'TTN fair use (30 s airtime/day)'],
            groups: json.airtime.map((x) => ({
              label: `SF${x.sf}`,
              values: [x.maxPerDayDutyCycle, x.maxPerDayTtnFairUse],
            })),
          }),
          caption: `The app sends ${int(86400 / app.uplink.periodS)} uplinks a day (one every ${app.uplink.periodS} s).`,
        },
      ],
    },
  ];
  if (b) {
    sections.push({
      title: 'Battery life (estimate)',
      blocks: [
        {
          kind: 'plot',
          svg: bars({
            title: 'charge per day',
            yLabel: 'mAh/day',
            bars: b.parts.map((x) => ({ label: x.part, value: x.mahPerDay })),
          }),
        },
        {
          kind: 'text',
          text: `About ${describeLife(b.days)} on one ${b.batteryMah} mAh lithium primary cell (Li-SOCl2, AA size): an estimate, from the charge per day below. Every current is taken as drawn from the cell directly: regulators, LEDs and the other parts of a development board are not included, nor are temperature, pulse loads or the cell ageing over many years.`,
        },
        {
          kind: 'table',
          headers: ['part', 'mAh/day', 'share', 'estimated from'],
          rows: b.parts.map((x) => {
            const total = b.parts.reduce((n, y) => n + y.mahPerDay, 0);
            return [x.part, Number(x.mahPerDay.toPrecision(3)), share(x.mahPerDay / total), x.basis];
          }),
        },
      ],
    });
  }
  return renderReport({
    title: `${app.title} on ${board.name}`,
    subtitle: `${app.id} · ${board.id} · ${chosen ? `recipe ${chosen.recipe}` : 'no model'}`,
    generator: 'Generated by @murmur/pipeline (murmur build).',
    sections,
  });
}

/** "4.9 years (1,790 days)" or "182 days". */
export function describeLife(days: number): string {
  return days >= 365.25 ? `${(days / 365.25).toFixed(1)} years (${int(days)} days)` : `${int(days)} days`;
}

function payloadBits(app: MurmurApp): { name: string; bits: number }[] {
  const fields: { name: string; bits: number }[] = [{ name: 'version', bits: app.payload.versionBits }];
  for (const [name, f] of Object.entries(app.payload.fields)) {
    if (f.kind === 'array')
      for (let i = 0; i < f.length; i++) fields.push({ name: `${name}[${i}]`, bits: f.of.bits });
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
