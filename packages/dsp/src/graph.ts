/**
 * The feature graph: an ordered, JSON-serialisable list of ops from the raw channels of a window to a
 * named feature vector. `compileGraph` checks it, infers every vector's length and meaning, and has
 * each op (./ops) resolve its parameters given in Hz or seconds into integer bins/samples and float32
 * tables; ./memory-plan then places every vector. Both the TypeScript reference (./run) and the C code
 * generator (./codegen) work from that plan.
 */
import { MurmurError } from '@murmur/core';
import { planMemory, type MemoryPlan } from './memory-plan';
import type { FeatureInfo, PlannedStep, Table, VectorInfo } from './plan';
import { blockOp, streamOp, type BlockStep, type StreamStep } from './ops';
import type { BlockPlanContext, PlanContext, StreamPlanContext } from './ops/op';

export type { FeatureInfo, PlannedStep, Table, VectorInfo, VectorKind } from './plan';

export interface FeatureGraph {
  /** C identifier stem, e.g. `wearable_activity`. */
  name: string;
  rateHz: number;
  /** Input channel names, in the order samples are interleaved in a frame. */
  channels: string[];
  /** Samples per window. */
  window: number;
  /** Samples between window starts. */
  hop: number;
  /** Unit of each input channel (for feature units). */
  units?: string[];
  stream?: StreamStep[];
  steps: BlockStep[];
}

export interface CompiledGraph {
  graph: FeatureGraph;
  steps: PlannedStep[];
  vectors: Record<string, VectorInfo>;
  features: FeatureInfo[];
  tables: Table[];
  memory: MemoryPlan;
}

const IDENT = /^[a-z][a-z0-9_]*$/;

function fail(message: string, field: string): never {
  throw new MurmurError(message, { field });
}

function checkGraph(graph: FeatureGraph): void {
  if (!IDENT.test(graph.name)) fail(`graph name '${graph.name}' must match ${IDENT}`, 'name');
  if (!(graph.rateHz > 0)) fail('rateHz must be > 0', 'rateHz');
  if (!Number.isInteger(graph.window) || graph.window < 2) fail('window must be an integer ≥ 2', 'window');
  if (!Number.isInteger(graph.hop) || graph.hop < 1 || graph.hop > graph.window) {
    fail('hop must be an integer in [1, window]', 'hop');
  }
  if (!graph.channels.length) fail('at least one channel is needed', 'channels');
  graph.channels.forEach((c, i) => {
    if (!IDENT.test(c)) fail(`channel name '${c}' must match ${IDENT}`, `channels[${i}]`);
  });
  if ((graph.stream ?? []).length > 0 && graph.hop !== graph.window)
    fail('stream ops need hop = window (no overlap)', 'hop');
}

/** Checks a graph and compiles it into the plan shared by the TS reference and the C generator. */
export function compileGraph(graph: FeatureGraph): CompiledGraph {
  checkGraph(graph);
  const c = new GraphCompiler(graph);
  (graph.stream ?? []).forEach((step, index) => c.planStream(step, index));
  graph.steps.forEach((step, index) => c.planBlock(step, index));
  if (!c.features.length) fail('the graph emits no features', 'steps');
  const tables = [...c.tables.values()];
  const ringFloats = c.needsRing ? graph.channels.length * graph.window : 0;
  const memory = planMemory(
    c.steps,
    graph.channels,
    c.vectors,
    ringFloats,
    c.stateFloats,
    c.features.length,
    tables,
  );
  return { graph, steps: c.steps, vectors: c.vectors, features: c.features, tables, memory };
}

/** The state of one compilation: what the steps planned so far have defined. */
class GraphCompiler {
  readonly vectors: Record<string, VectorInfo> = {};
  /** Per-sample values (channels and stream op outputs) and their units. */
  readonly streamValues = new Map<string, string>();
  readonly features: FeatureInfo[] = [];
  readonly tables = new Map<string, Table>();
  readonly steps: PlannedStep[] = [];
  stateFloats = 0;
  needsRing = false;

  constructor(readonly graph: FeatureGraph) {
    graph.channels.forEach((c, i) => this.streamValues.set(c, graph.units?.[i] ?? ''));
  }

  private context(p: PlannedStep, field: string): PlanContext {
    return {
      graph: this.graph,
      field,
      p,
      table: (name, make) => {
        let t = this.tables.get(name);
        if (!t) this.tables.set(name, (t = { name, data: make() }));
        return t;
      },
      features: (prefix, list) => this.addFeatures(p, prefix, list),
      define: (name, length, type, f) => this.define({ name, length, type }, f),
    };
  }

  private define(v: VectorInfo, field: string): VectorInfo {
    if (!IDENT.test(v.name)) fail(`name '${v.name}' must match ${IDENT}`, field);
    if (this.vectors[v.name] || this.streamValues.has(v.name)) fail(`'${v.name}' is already defined`, field);
    this.vectors[v.name] = v;
    return v;
  }

  private addFeatures(p: PlannedStep, prefix: string, list: [string, string][]): void {
    if (!IDENT.test(prefix))
      fail(
        `feature name '${prefix}' must match ${IDENT}`,
        `${p.phase === 'stream' ? 'stream' : 'steps'}[${p.index}].name`,
      );
    p.featureOffset = this.features.length;
    for (const [suffix, unit] of list) {
      const name = suffix ? `${prefix}_${suffix}` : prefix;
      if (this.features.some((x) => x.name === name))
        fail(`feature '${name}' is defined twice`, `steps[${p.index}].name`);
      const info = { name, unit };
      p.features.push(info);
      this.features.push(info);
    }
  }

  private planned(
    index: number,
    phase: PlannedStep['phase'],
    step: StreamStep | BlockStep,
    inputs: VectorInfo[],
  ): PlannedStep {
    return {
      index,
      phase,
      step,
      inputs,
      features: [],
      featureOffset: this.features.length,
      ints: {},
      floats: {},
      tables: {},
      stateFloats: 0,
      stateOffset: phase === 'stream' ? this.stateFloats : 0,
      workFloats: 0,
    };
  }

  planStream(step: StreamStep, index: number): void {
    const field = `stream[${index}]`;
    step.in.forEach((name, i) => {
      if (!this.streamValues.has(name)) fail(`unknown per-sample input '${name}'`, `${field}.in[${i}]`);
    });
    const op = streamOp(step) ?? fail(`unknown stream op '${step.op}'`, `${field}.op`);
    const p = this.planned(index, 'stream', step, []);
    const ctx: StreamPlanContext = {
      ...this.context(p, field),
      unit: this.streamValues.get(step.in[0]) ?? '',
      value: (name, unit) => {
        if (!IDENT.test(name)) fail(`name '${name}' must match ${IDENT}`, `${field}.out`);
        if (this.streamValues.has(name) || this.vectors[name])
          fail(`'${name}' is already defined`, `${field}.out`);
        this.streamValues.set(name, unit);
      },
    };
    op.plan(step, ctx);
    this.stateFloats += p.stateFloats;
    this.steps.push(p);
  }

  planBlock(step: BlockStep, index: number): void {
    const field = `steps[${index}]`;
    const inputs = step.in.map((name, i) => this.blockInput(name, `${field}.in[${i}]`));
    const op = blockOp(step) ?? fail(`unknown op '${step.op}'`, `${field}.op`);
    const p = this.planned(index, 'block', step, inputs);
    const x = inputs[0];
    const spectrum = x?.type.kind === 'spectrum' ? x.type : undefined;
    const ctx: BlockPlanContext = {
      ...this.context(p, field),
      inputs,
      x,
      signal: x?.type.kind === 'signal' ? x.type : undefined,
      spectrum,
      arity: (n) => {
        if (step.in.length !== n) fail(`${step.op} takes ${n} input(s)`, `${field}.in`);
      },
      need: (kind, i = 0) => {
        if (inputs[i]?.type.kind !== kind)
          fail(`input '${step.in[i]}' must be a ${kind}, got ${inputs[i]?.type.kind}`, `${field}.in[${i}]`);
      },
      sameLength: () =>
        inputs.forEach((v, i) => {
          if (v.length !== x.length)
            fail(`input '${v.name}' has length ${v.length}, expected ${x.length}`, `${field}.in[${i}]`);
        }),
      out: (length, type) => {
        p.output = this.define({ name: (step as { out: string }).out, length, type }, `${field}.out`);
      },
      binOf: (hz, f) => {
        if (!spectrum) return fail('needs a spectrum', `${field}.in[0]`);
        const k = Math.round(hz / spectrum.binHz) - spectrum.firstBin;
        if (!(hz >= 0) || k < 0 || k > x.length)
          fail(
            `${hz} Hz is outside the spectrum (bins ${spectrum.firstBin}..${spectrum.firstBin + x.length - 1})`,
            f,
          );
        return k;
      },
    };
    op.plan(step, ctx);
    this.steps.push(p);
  }

  /** A block op's input: a vector defined before, or a channel (read from the ring of raw samples). */
  private blockInput(name: string, field: string): VectorInfo {
    if (this.vectors[name]) return this.vectors[name];
    const c = this.graph.channels.indexOf(name);
    if (c < 0) return fail(`unknown input '${name}'`, field);
    this.needsRing = true;
    return (this.vectors[name] = {
      name,
      length: this.graph.window,
      type: { kind: 'signal', rateHz: this.graph.rateHz, unit: this.graph.units?.[c] ?? '' },
    });
  }
}
