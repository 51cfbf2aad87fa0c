/**
 * The contract of a feature-graph op. Each op is one file in this folder holding its step type and, for
 * each phase it runs in, its plan (checks, resolved parameters, tables, memory), its TS reference run
 * and its C emit; both call the op's kernels (TS in ../kernels.ts, C in ../../c/murmur_dsp.c).
 *
 * - A stream op runs once per sample while the window fills (state in `state->stream`, no window
 *   buffer), and may finish when the window is full by writing features or a vector.
 * - A block op runs once on whole vectors when the window is full.
 */
import { MurmurError } from '@murmur/core';
import type { GraphTiming, PlannedStep, Table, VectorInfo, VectorKind } from '../plan';

/** What a plan may ask of the graph compiler. */
export interface PlanContext {
  graph: GraphTiming;
  /** The step's place in the graph, e.g. `steps[3]`: the prefix of every error field. */
  field: string;
  p: PlannedStep;
  /** A constant table, shared by every step that asks for the same name. */
  table(name: string, make: () => Float32Array | Uint16Array): Table;
  /** Appends the step's features `prefix_suffix` (just `prefix` for an empty suffix) with their units. */
  features(prefix: string, list: [suffix: string, unit: string][]): void;
  /** Declares a vector the step writes. */
  define(name: string, length: number, type: VectorKind, field: string): VectorInfo;
}

export interface StreamPlanContext extends PlanContext {
  /** Unit of the step's first per-sample input. */
  unit: string;
  /** Declares a per-sample value that later stream ops may read. */
  value(name: string, unit: string): void;
}

export interface BlockPlanContext extends PlanContext {
  inputs: VectorInfo[];
  /** The first input. */
  x: VectorInfo;
  /** Its kind when it is a signal or a spectrum (check with `need` first). */
  signal?: Extract<VectorKind, { kind: 'signal' }>;
  spectrum?: Extract<VectorKind, { kind: 'spectrum' }>;
  arity(n: number): void;
  need(kind: VectorKind['kind'], input?: number): void;
  sameLength(): void;
  /** Declares the step's output vector (`step.out`). */
  out(length: number, type: VectorKind): void;
  /** The first input's bin (index from its first bin) nearest `hz`; fails at `field` outside the spectrum. */
  binOf(hz: number, field: string): number;
}

/** The TS reference of a stream op for one window, set up before its first sample. */
export interface StreamRun {
  update(sample: number): void;
  finish?(): void;
}

export interface StreamRunEnv {
  state: Float32Array;
  /** Per-sample values by slot: the channels, then each value a stream op produces. */
  values: Float64Array;
  /** Slots of the step's inputs, and of its output value (-1 when it has none). */
  inputs: number[];
  output: number;
  window: number;
  features: Float32Array;
  vectors: Map<string, Float32Array>;
}

/** C of a stream op: a per-sample value expression (`value` ops), per-sample statements, window-end statements. */
export interface StreamC {
  value?: string;
  perSample?: string[];
  finish?: string[];
}

interface CEnv {
  /** The C expression of a vector's first element pointer. */
  at(name: string): string;
  /** The C name of one of the step's tables. */
  table(key: string): string;
  /** Statements copying `from[pick[i]]` to the step's features. */
  copyFeatures(from: string, pick: number[]): string[];
}

export interface StreamCEnv extends CEnv {
  /** `state->stream + offset`: the step's state. */
  state: string;
  /** The C expression of the step's i-th per-sample input. */
  input(i: number): string;
  window: number;
}

export interface BlockRunEnv {
  x: Float32Array;
  input(i: number): Float32Array;
  /** The output vector (empty when the step has none). */
  y: Float32Array;
  /** Writes `values` (or `values[pick[i]]`) to the step's features. */
  emit(values: ArrayLike<number>, pick?: number[]): void;
}

export interface BlockCEnv extends CEnv {
  x: string;
  /** Length of the first input, and of the output. */
  n: number;
  y: string;
  m: number;
  input(i: number): string;
  /** The step's work buffer. */
  work(): string;
}

export interface StreamOp<S> {
  /** The op produces a per-sample value (`step.out`) that later stream ops read. */
  value?: boolean;
  /** Its output vector is its state, filled sample by sample (not scratch). */
  outputInState?: boolean;
  plan(step: S, ctx: StreamPlanContext): void;
  /** Its state floats as murmur_dsp.h declares them (a C constant expression); a test checks it against the plan. */
  cState(step: S, p: PlannedStep, graph: GraphTiming): string;
  run(step: S, p: PlannedStep, env: StreamRunEnv): StreamRun;
  c(step: S, p: PlannedStep, env: StreamCEnv): StreamC;
}

export interface BlockOp<S> {
  /**
   * The C kernel may write its output over its first input: element i only reads inputs at ≥ i, or the
   * whole input is copied into the step's work buffer before any output is written.
   */
  inPlace?: boolean;
  plan(step: S, ctx: BlockPlanContext): void;
  run(step: S, p: PlannedStep, env: BlockRunEnv): void;
  c(step: S, p: PlannedStep, env: BlockCEnv): string[];
}

export function fail(message: string, field: string): never {
  throw new MurmurError(message, { field });
}

/** A frequency as a feature-name part: 0.5 → `0p5`. */
export function fmtHz(hz: number): string {
  return String(hz).replace('.', 'p');
}

export function floatTable(p: PlannedStep, key: string): Float32Array {
  return p.tables[key]!.data as Float32Array;
}

export function binTable(p: PlannedStep, key: string): Uint16Array {
  return p.tables[key]!.data as Uint16Array;
}

/**
 * The bins of a spectrum within ±halfWidthHz of a line at `hz`, as [lo, hi) clipped to its `length` bins:
 * what defectEnergy and defectProminence sum or compare around each bearing defect harmonic.
 */
export function harmonicBins(
  spectrum: { binHz: number; firstBin: number },
  length: number,
  hz: number,
): (halfWidthHz: number) => [number, number] {
  const centre = hz / spectrum.binHz - spectrum.firstBin;
  return (halfWidthHz) => {
    const half = halfWidthHz / spectrum.binHz;
    return [Math.max(0, Math.round(centre - half)), Math.min(length, Math.round(centre + half) + 1)];
  };
}

/** A bearing defect order: its name and its frequency as a multiple of the shaft's. */
export interface DefectOrder {
  name: string;
  multiple: number;
}
