import { readFileSync } from 'node:fs';
import { MurmurError } from '@murmur/core';

/** One function of the call graph as gcc's `-fcallgraph-info=su,da` describes it. */
export interface CallGraphNode {
  name: string;
  /** Frame size in bytes; undefined when the compiler had no figure (library code, built-ins). */
  bytes?: number;
  /** `static`, `dynamic` or `dynamic,bounded` as in `-fstack-usage`. */
  qualifier?: string;
  /** `file:line:column` of the definition. */
  location?: string;
}

export interface CallGraph {
  nodes: Map<string, CallGraphNode>;
  edges: Map<string, Set<string>>;
}

/** The placeholder node gcc adds for a call through a pointer. */
const indirectCall = '__indirect_call';

const nodePattern = /^node: \{ title: "([^"]+)" label: "([^"]*)"/;
const edgePattern = /^edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"/;
const framePattern = /\\n(\d+) bytes \(([a-z,]+)\)/;
const locationPattern = /^[^\\]+\\n([^\\]+:\d+:\d+)\\n/;

/** gcc names static functions `/full/path/file.c:name`; keep `file.c:name`. */
const shortName = (title: string): string => title.replace(/^.*\//, '');

/** Adds the nodes and edges of one VCG `.ci` file (written by gcc's -fcallgraph-info=su,da) to `graph`. */
export function addCallGraphFile(graph: CallGraph, text: string, file: string): void {
  text.split('\n').forEach((line, index) => {
    const node = nodePattern.exec(line);
    if (node) {
      const [, title, label] = node as unknown as [string, string, string];
      const name = shortName(title);
      const frame = framePattern.exec(label);
      const known = graph.nodes.get(name);
      if (frame) {
        graph.nodes.set(name, {
          name,
          bytes: Number(frame[1]),
          qualifier: frame[2],
          location: locationPattern.exec(label)?.[1],
        });
      } else if (!known) graph.nodes.set(name, { name });
      return;
    }
    const edge = edgePattern.exec(line);
    if (edge) {
      const from = shortName(edge[1]!);
      const to = shortName(edge[2]!);
      if (!graph.edges.has(from)) graph.edges.set(from, new Set());
      graph.edges.get(from)!.add(to);
      return;
    }
    if (line.startsWith('node:') || line.startsWith('edge:')) {
      throw new MurmurError('unrecognised call-graph entry', { file, line: index + 1 });
    }
  });
}

/** Reads `.ci` call-graph files (gcc -fcallgraph-info=su,da) and `.su` stack-usage files into one graph. */
export function readCallGraph(files: readonly string[]): CallGraph {
  const graph: CallGraph = { nodes: new Map(), edges: new Map() };
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.su')) addStackUsageFile(graph, text, file);
    else addCallGraphFile(graph, text, file);
  }
  return graph;
}

const stackUsagePattern = /^(?:(.*?):\d+:\d+:)?([^\t]+)\t(\d+)\t(\S+)$/;

/** Adds the frames of one `-fstack-usage` `.su` file (`file:line:col:name<TAB>bytes<TAB>qualifier`) as nodes. */
export function addStackUsageFile(graph: CallGraph, text: string, file: string): void {
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const m = stackUsagePattern.exec(line);
    if (!m) throw new MurmurError('unrecognised stack-usage line', { file, line: index + 1 });
    const name = m[2]!;
    graph.nodes.set(name, { name, bytes: Number(m[3]), qualifier: m[4], location: m[1] });
  });
}

const functionHeaderPattern = /^[0-9a-f]+ <([^>]+)>:$/;
/** The assembler names clones `deep.constprop.0` where `.su` files say `deep.constprop`. */
const symbolToFunction = (symbol: string): string => symbol.replace(/\.\d+$/, '');
const branchPattern = /\t(r?call|r?jmp)\t.*; 0x[0-9a-f]+ <([^>+]+)>$/;
const indirectPattern = /\t(e?icall|e?ijmp)\b/;

/**
 * Adds the call edges found in a disassembly (`objdump -d`): calls, and jumps to the start of another
 * function (tail calls); `icall`/`ijmp` become indirect calls. Used where the compiler cannot write
 * `-fcallgraph-info` (avr-gcc 5.4), together with the frames from `.su` files.
 */
export function addDisassemblyCalls(graph: CallGraph, disassembly: string): void {
  const functions = new Set<string>();
  for (const line of disassembly.split('\n')) {
    const header = functionHeaderPattern.exec(line);
    if (header) functions.add(symbolToFunction(header[1]!));
  }
  let current: string | undefined;
  const addEdge = (from: string, to: string): void => {
    if (!graph.edges.has(from)) graph.edges.set(from, new Set());
    graph.edges.get(from)!.add(to);
    if (!graph.nodes.has(to) && to !== indirectCall) graph.nodes.set(to, { name: to });
  };
  for (const line of disassembly.split('\n')) {
    const header = functionHeaderPattern.exec(line);
    if (header) {
      current = symbolToFunction(header[1]!);
      if (!graph.nodes.has(current)) graph.nodes.set(current, { name: current });
      continue;
    }
    if (current === undefined) continue;
    const branch = branchPattern.exec(line);
    const target = branch ? symbolToFunction(branch[2]!) : undefined;
    if (target !== undefined && target !== current && functions.has(target)) addEdge(current, target);
    else if (indirectPattern.test(line)) addEdge(current, indirectCall);
  }
}

export interface StackReport {
  /** Deepest path from the entry plus the deepest interrupt handler path, in bytes. */
  worstCaseBytes: number;
  /** The entry's deepest call chain (function names, outermost first). */
  path: string[];
  /** The deepest interrupt handler's call chain (empty when there is none). */
  interruptPath: string[];
  /** True when the figure may be too small: see `caveats`. */
  lowerBound: boolean;
  /** Why the figure is a lower bound: indirect calls, functions without a stack figure, dynamic frames, recursion. */
  caveats: string[];
}

export interface StackAnalysisOptions {
  /** Entry points tried in order (the first one present is used), e.g. Reset_Handler, main. */
  entries: readonly string[];
  /** Names of interrupt handlers, which can preempt the entry's deepest point. */
  isInterrupt: (name: string) => boolean;
  /** Bytes each call adds outside the callee's frame (0 with gcc's figures: they include LR on Arm and the return address on AVR). */
  bytesPerCall: number;
}

/**
 * Worst-case stack depth from the call graph: the longest path (by frame bytes) from the entry, plus
 * the longest path from any interrupt handler. Indirect calls are not followed and library functions
 * have no figure, so the result says when it is a lower bound and why.
 */
export function analyzeStack(graph: CallGraph, options: StackAnalysisOptions): StackReport {
  const caveats = new Set<string>();
  const unknown = new Set<string>();
  const memo = new Map<string, { bytes: number; path: string[] }>();
  const active = new Set<string>();

  const deepest = (name: string): { bytes: number; path: string[] } => {
    const done = memo.get(name);
    if (done) return done;
    if (active.has(name)) {
      caveats.add(`recursion through ${name}`);
      return { bytes: 0, path: [] };
    }
    active.add(name);
    const node = graph.nodes.get(name);
    if (node?.bytes === undefined) unknown.add(name);
    else if (node.qualifier === 'dynamic') caveats.add(`dynamic (unbounded) frame in ${name}`);
    let best = { bytes: 0, path: [] as string[] };
    for (const callee of graph.edges.get(name) ?? []) {
      if (callee === indirectCall) {
        caveats.add(`indirect call in ${name}`);
        continue;
      }
      const below = deepest(callee);
      if (below.bytes > best.bytes || best.path.length === 0) best = below;
    }
    active.delete(name);
    const result = {
      bytes: (node?.bytes ?? 0) + options.bytesPerCall + best.bytes,
      path: [name, ...best.path],
    };
    memo.set(name, result);
    return result;
  };

  const entry = options.entries.find((name) => graph.nodes.has(name));
  if (entry === undefined) {
    throw new MurmurError(`no entry point in the call graph (looked for ${options.entries.join(', ')})`);
  }
  const main = deepest(entry);
  let interrupt = { bytes: 0, path: [] as string[] };
  for (const name of graph.nodes.keys()) {
    if (!options.isInterrupt(name)) continue;
    const handler = deepest(name);
    if (handler.bytes > interrupt.bytes) interrupt = handler;
  }
  if (unknown.size > 0) {
    caveats.add(
      `no stack figure for ${unknown.size} function(s) without compiler data (library code): ${[...unknown].sort().join(', ')}`,
    );
  }
  return {
    worstCaseBytes: main.bytes + interrupt.bytes,
    path: main.path,
    interruptPath: interrupt.path,
    lowerBound: caveats.size > 0,
    caveats: [...caveats].sort(),
  };
}
