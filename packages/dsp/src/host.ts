/**
 * Builds generated feature graphs with the host C compiler into a driver program and runs it on
 * frames: how the tests check C/TS parity and how the benchmark times the C twin.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MurmurError } from '@murmur/core';
import { generateC } from './codegen';
import type { CompiledGraph } from './graph';

/** packages/dsp/c: the hand-written runtime (murmur_dsp.h/.c). */
export const runtimeDir = resolve(dirname(fileURLToPath(import.meta.url)), '../c');

export interface HostBuildOptions {
  /** Address and undefined-behaviour sanitizers (default true). */
  sanitize?: boolean;
  /** Optimisation flag (default -O2). */
  optimize?: string;
}

export interface HostProgram {
  dir: string;
  /**
   * Pushes interleaved frames into graph `name` in chunks of pseudo-random sizes (seeded) and returns
   * the features of every completed window.
   */
  run(name: string, frames: Float32Array, seed?: number): Float32Array[];
  /** Seconds per window when pushing the frames `repeats` times (state reset each time). */
  time(name: string, frames: Float32Array, repeats: number): number;
  dispose(): void;
}

/** The C flags every build uses: strict warnings and no floating-point contraction. */
export const C_FLAGS = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-ffp-contract=off'];

function driverSource(graphs: CompiledGraph[]): string {
  const cases = graphs
    .map((g) => {
      const id = `murmur_${g.graph.name}`;
      const ID = id.toUpperCase();
      return `static int run_${g.graph.name}(const float *frames, size_t n, uint32_t seed, long repeats, FILE *out) {
  static ${id}_state_t state;
  static float scratch[${ID}_SCRATCH_FLOATS];
  float features[${ID}_FEATURES];
  long r;
  size_t windows = 0;
  for (r = 0; r < repeats; r++) {
    size_t at = 0;
    ${id}_init(&state);
    while (at < n) {
      int ready;
      size_t chunk;
      seed = seed * 1664525u + 1013904223u;
      chunk = 1 + (seed >> 8) % 997u;
      if (chunk > n - at) chunk = n - at;
      at += ${id}_push(&state, frames + at * ${ID}_CHANNELS, chunk, scratch, features, &ready);
      if (ready) {
        windows++;
        if (out && fwrite(features, sizeof(float), ${ID}_FEATURES, out) != ${ID}_FEATURES) return 3;
      }
    }
  }
  return windows > 0 ? 0 : 4;
}
`;
    })
    .join('\n');
  return `/* Host driver for feature-graph parity tests and benchmarks. */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
${graphs.map((g) => `#include "murmur_${g.graph.name}_features.h"`).join('\n')}

${cases}
/* usage: driver <graph> <frames.f32> <features.f32 | -> <seed> <repeats> */
int main(int argc, char **argv) {
  FILE *in, *out = NULL;
  long size, repeats;
  float *frames;
  int rc = 2;
  struct timespec t0, t1;
  if (argc != 6) return 2;
  in = fopen(argv[2], "rb");
  if (!in) return 2;
  fseek(in, 0, SEEK_END);
  size = ftell(in);
  fseek(in, 0, SEEK_SET);
  frames = (float *)malloc((size_t)size + 4);
  if (!frames || fread(frames, 1, (size_t)size, in) != (size_t)size) return 2;
  fclose(in);
  if (strcmp(argv[3], "-") != 0) out = fopen(argv[3], "wb");
  repeats = atol(argv[5]);
  clock_gettime(CLOCK_MONOTONIC, &t0);
${graphs
  .map(
    (g) =>
      `  if (strcmp(argv[1], "${g.graph.name}") == 0) rc = run_${g.graph.name}(frames, (size_t)size / sizeof(float) / MURMUR_${g.graph.name.toUpperCase()}_CHANNELS, (uint32_t)atol(argv[4]), repeats, out);`,
  )
  .join('\n')}
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (!out) printf("%.9f\\n", (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
  if (out) fclose(out);
  free(frames);
  return rc;
}
`;
}

/** Generates every graph's C, compiles it with the runtime and a driver into a temporary directory. */
export function buildHost(graphs: CompiledGraph[], opts: HostBuildOptions = {}): HostProgram {
  const dir = mkdtempSync(join(tmpdir(), 'murmur-dsp-'));
  const sources = [join(runtimeDir, 'murmur_dsp.c'), join(dir, 'driver.c')];
  for (const g of graphs) {
    const c = generateC(g);
    writeFileSync(join(dir, c.headerName), c.header);
    writeFileSync(join(dir, c.sourceName), c.source);
    sources.push(join(dir, c.sourceName));
  }
  writeFileSync(join(dir, 'driver.c'), driverSource(graphs));
  const exe = join(dir, 'driver');
  const sanitize = opts.sanitize ?? true;
  const flags = [
    ...C_FLAGS,
    opts.optimize ?? '-O2',
    ...(sanitize
      ? ['-g', '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer']
      : []),
  ];
  try {
    execFileSync('gcc', [...flags, `-I${runtimeDir}`, `-I${dir}`, ...sources, '-lm', '-o', exe], {
      stdio: 'pipe',
    });
  } catch (e) {
    const err = e as { stderr?: Buffer };
    throw new MurmurError(`host C build failed:\n${err.stderr?.toString() ?? String(e)}`, { file: dir });
  }
  const byName = new Map(graphs.map((g) => [g.graph.name, g]));
  let calls = 0;
  const invoke = (
    name: string,
    frames: Float32Array,
    outFile: string,
    seed: number,
    repeats: number,
  ): string => {
    if (!byName.has(name)) throw new MurmurError(`graph '${name}' is not in this build`);
    const inFile = join(dir, `in_${calls++}.f32`);
    writeFileSync(inFile, new Uint8Array(frames.buffer, frames.byteOffset, frames.byteLength));
    try {
      return execFileSync(exe, [name, inFile, outFile, String(seed >>> 0), String(repeats)], {
        stdio: 'pipe',
        maxBuffer: 1 << 26,
      }).toString();
    } catch (e) {
      const err = e as { stderr?: Buffer; status?: number };
      throw new MurmurError(
        `driver for '${name}' failed (exit ${err.status}):\n${err.stderr?.toString() ?? ''}`,
      );
    } finally {
      rmSync(inFile, { force: true });
    }
  };
  return {
    dir,
    run(name, frames, seed = 1) {
      const g = byName.get(name)!;
      const outFile = join(dir, `out_${calls}.f32`);
      invoke(name, frames, outFile, seed, 1);
      const bytes = readFileSync(outFile);
      rmSync(outFile, { force: true });
      const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      const n = g.features.length;
      return Array.from({ length: all.length / n }, (_, w) => all.slice(w * n, (w + 1) * n));
    },
    time(name, frames, repeats) {
      const g = byName.get(name)!;
      const seconds = Number(invoke(name, frames, '-', 1, repeats).trim());
      const windows =
        Math.floor((frames.length / g.graph.channels.length - g.graph.window) / g.graph.hop) + 1;
      return seconds / (windows * repeats);
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Interleaves channels into frames (c0[0], c1[0], ..., c0[1], ...). */
export function interleave(channels: Float32Array[]): Float32Array {
  const n = channels[0]?.length ?? 0;
  const frames = new Float32Array(n * channels.length);
  channels.forEach((c, ci) => {
    for (let i = 0; i < n; i++) frames[i * channels.length + ci] = c[i];
  });
  return frames;
}
