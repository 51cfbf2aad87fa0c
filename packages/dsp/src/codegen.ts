/**
 * C code generation for a compiled feature graph: a `.h/.c` pair holding the graph's constant tables,
 * its state struct and the op calls (each op's emit is in ./ops) into the hand-written runtime in
 * packages/dsp/c/ (murmur_dsp.h).
 * The generated API is streaming: frames arrive in chunks, a window is processed when it is full.
 */
import { cBanner, cExternC, cFloat, cFloatSemantics, cIncludeGuard } from '@murmur/core';
import type { CompiledGraph, PlannedStep, Table } from './graph';
import { blockOp, MOMENT_NAMES, streamOp, type BlockStep, type StreamStep } from './ops';

export interface GeneratedC {
  /** File names, e.g. `murmur_ppg_triage_features.h`. */
  headerName: string;
  sourceName: string;
  header: string;
  source: string;
}

function tableLiteral(prefix: string, t: Table): string {
  const isFloat = t.data instanceof Float32Array;
  const values = Array.from(t.data, (v) => (isFloat ? cFloat(v) : `${v}u`));
  const rows: string[] = [];
  const perRow = isFloat ? 6 : 12;
  for (let i = 0; i < values.length; i += perRow) rows.push(`  ${values.slice(i, i + perRow).join(', ')},`);
  return `static MURMUR_ROM ${isFloat ? 'float' : 'uint16_t'} ${prefix}_${t.name}[${values.length}] = {\n${rows.join('\n')}\n};`;
}

/** Generates the C twin of a compiled graph (header + source). */
export function generateC(g: CompiledGraph, origin = `feature graph '${g.graph.name}'`): GeneratedC {
  const { graph, memory } = g;
  const id = `murmur_${graph.name}`;
  const ID = id.toUpperCase();
  const headerName = `${id}_features.h`;
  const sourceName = `${id}_features.c`;
  const banner = cBanner(
    [`${id}: the streaming C twin of the TS reference of ${origin}.`],
    '@murmur/dsp',
    origin,
  );
  const channels = graph.channels.length;

  const header = `${banner}
${cIncludeGuard(
  `${ID}_FEATURES_H`,
  `
#include <stddef.h>
#include <stdint.h>

${cExternC([
  `#define ${ID}_CHANNELS ${channels}u
#define ${ID}_RATE_HZ ${graph.rateHz}
#define ${ID}_WINDOW ${graph.window}u
#define ${ID}_HOP ${graph.hop}u
#define ${ID}_FEATURES ${g.features.length}u
/* Floats of caller-provided scratch that murmur_${graph.name}_push needs. */
#define ${ID}_SCRATCH_FLOATS ${Math.max(1, memory.scratchFloats)}u
/* Bytes: state ${memory.stateBytes}, scratch ${memory.scratchBytes}, constant tables ${memory.flashBytes}. */

/* Feature indices. */
${g.features.map((f, i) => `#define ${ID}_F_${f.name.toUpperCase()} ${i}u /* ${f.unit || '-'} */`).join('\n')}

/* Persistent state: initialise with murmur_${graph.name}_init. */
typedef struct {
  uint32_t until_ready; /* frames until the next window is complete */
  uint32_t head;        /* next ring position */${memory.ringFloats ? `\n  float ring[${memory.ringFloats}]; /* ${channels} channels x ${graph.window} frames */` : ''}${memory.stateFloats ? `\n  float stream[${memory.stateFloats}]; /* running op state */` : ''}
} ${id}_state_t;

void ${id}_init(${id}_state_t *state);

/*
 * Consumes interleaved frames (${channels} float${channels > 1 ? 's' : ''} each: ${graph.channels.join(', ')}) until a window
 * completes or the input ends, and returns the number of frames consumed. When a window completed,
 * its ${g.features.length} features were written to features[] and *ready is 1 (otherwise 0); call again with
 * the remaining frames. scratch holds ${ID}_SCRATCH_FLOATS floats.
 */
size_t ${id}_push(${id}_state_t *state, const float *frames, size_t n_frames, float *scratch, float *features,
${' '.repeat(id.length + 13)}int *ready);`,
]).join('\n')}`,
)}`;

  const at = (name: string): string =>
    graph.channels.includes(name)
      ? `(state->ring + ${graph.channels.indexOf(name)}u * ${ID}_WINDOW)`
      : name in memory.stateOffsets
        ? `(state->stream + ${memory.stateOffsets[name]})`
        : `(scratch + ${memory.offsets[name]})`;
  const env = (p: PlannedStep) => ({
    at,
    table: (key: string): string => `${id}_${p.tables[key]!.name}`,
    copyFeatures: (from: string, pick: number[]): string[] => {
      const contiguous = pick.every((src, i) => src === pick[0] + i);
      if (contiguous && pick.length > 4) {
        return [
          `{ uint32_t k; for (k = 0; k < ${pick.length}u; k++) features[${p.featureOffset} + k] = ${from}[${pick[0]} + k]; }`,
        ];
      }
      return pick.map((src, i) => `features[${p.featureOffset + i}] = ${from}[${src}];`);
    },
  });

  const perSample: string[] = [];
  const finish: string[] = [];
  const values = new Map<string, string>(graph.channels.map((c, i) => [c, `frame[${i}]`]));
  for (const p of g.steps.filter((s) => s.phase === 'stream')) {
    const s = p.step as StreamStep & { out?: string };
    const op = streamOp(s)!;
    const c = op.c(s, p, {
      ...env(p),
      state: `state->stream + ${p.stateOffset}`,
      input: (i) => values.get(s.in[i])!,
      window: graph.window,
    });
    if (op.value) {
      perSample.push(`const float v_${s.out} = ${c.value};`);
      values.set(s.out!, `v_${s.out}`);
    }
    perSample.push(...(c.perSample ?? []));
    finish.push(...(c.finish ?? []));
  }

  // Stream ops are only allowed with hop = window, so until_ready counts each window's frames down from
  // WINDOW: the frame's position in its window (TS: the sample index i) is WINDOW - until_ready.
  if (perSample.some((l) => /\bpos\b/.test(l)))
    perSample.unshift(`const uint32_t pos = ${ID}_WINDOW - state->until_ready;`);

  const block: string[] = [];
  for (const p of g.steps.filter((s) => s.phase === 'block')) {
    const s = p.step as BlockStep;
    block.push(`/* ${s.op} ${s.in.join(', ')}${p.output ? ` -> ${p.output.name}` : ''} */`);
    block.push(
      ...blockOp(s)!.c(s, p, {
        ...env(p),
        x: at(s.in[0]),
        n: p.inputs[0].length,
        y: p.output ? at(p.output.name) : '',
        m: p.output?.length ?? 0,
        input: (i) => at(s.in[i]),
        work: () => at(`work_${p.index}`),
      }),
    );
  }

  const rotate = memory.ringFloats
    ? `  for (i = 0; i < ${ID}_CHANNELS; i++) murmur_rotate_f32(state->ring + i * ${ID}_WINDOW, ${ID}_WINDOW, state->head);
  state->head = 0;`
    : '';
  const needsTmp = finish.some((l) => l.includes('tmp'));
  const source = `${banner}
${cFloatSemantics()}
#include "${headerName}"

#include <math.h>
#include <string.h>

#include "murmur_dsp.h"

${g.tables.map((t) => tableLiteral(id, t)).join('\n\n')}

void ${id}_init(${id}_state_t *state) {
  uint32_t i;
  state->until_ready = ${ID}_WINDOW;
  state->head = 0;${memory.ringFloats ? `\n  for (i = 0; i < ${memory.ringFloats}u; i++) state->ring[i] = 0.0f;` : ''}${memory.stateFloats ? `\n  for (i = 0; i < ${memory.stateFloats}u; i++) state->stream[i] = 0.0f;` : ''}${!memory.ringFloats && !memory.stateFloats ? '\n  (void)i;' : ''}
}

/* Runs the window's ops; the ring holds the window's frames, oldest at state->head (rotated to 0 first).
 * The stream state is cleared last: the block ops may read vectors that the stream filled. */
static void ${id}_compute(${id}_state_t *state, float *scratch, float *features) {
${memory.ringFloats || memory.stateFloats ? '  uint32_t i;\n' : ''}${needsTmp ? `  float tmp[${MOMENT_NAMES.length}];\n` : ''}${rotate ? `${rotate}\n` : ''}${finish.map((l) => `  ${l}`).join('\n')}
${block.map((l) => `  ${l}`).join('\n')}${memory.stateFloats ? `\n  for (i = 0; i < ${memory.stateFloats}u; i++) state->stream[i] = 0.0f;` : ''}
${memory.ringFloats || memory.stateFloats ? '' : '  (void)state;\n'}${memory.scratchFloats ? '' : '  (void)scratch;\n'}}

size_t ${id}_push(${id}_state_t *state, const float *frames, size_t n_frames, float *scratch, float *features,
${' '.repeat(id.length + 13)}int *ready) {
  size_t f;
  *ready = 0;
  for (f = 0; f < n_frames; f++) {
    const float *frame = frames + f * ${ID}_CHANNELS;${memory.ringFloats ? graph.channels.map((_, c) => `\n    state->ring[${c}u * ${ID}_WINDOW + state->head] = frame[${c}];`).join('') + `\n    if (++state->head == ${ID}_WINDOW) state->head = 0;` : ''}${perSample.map((l) => `\n    ${l}`).join('')}${!memory.ringFloats && !perSample.some((l) => l.includes('frame')) ? '\n    (void)frame;' : ''}
    if (--state->until_ready == 0) {
      state->until_ready = ${ID}_HOP;
      ${id}_compute(state, scratch, features);
      *ready = 1;
      return f + 1;
    }
  }
  return n_frames;
}
`;
  return { headerName, sourceName, header, source };
}
