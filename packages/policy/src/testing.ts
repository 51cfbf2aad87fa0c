/**
 * Host parity harness: the generated policy C plus the payload encoder, driven by a byte stream of
 * operations, against the TS reference driven by the same operations.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encode,
  generateC,
  payloadRuntimeDir,
  payloadRuntimeSource,
  type PayloadSchema,
} from '@murmur/payload';
import type { CompiledPolicy } from './policy';
import { PolicyRunner, type WindowOutcome } from './reference';
import { generatePolicyC } from './codegen';

export type PolicyOp =
  | { op: 'window'; outcome: WindowOutcome }
  | { op: 'summary'; battery: number }
  | { op: 'newPeriod' }
  | { op: 'restartBaseline' };

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function floatHex(x: number): string {
  const b = Buffer.alloc(4);
  b.writeFloatLE(x);
  return b.readUInt32LE().toString(16).padStart(8, '0');
}

/** What the reference prints for a stream of operations (one line per window and per summary). */
export function referenceLines(p: CompiledPolicy, ops: PolicyOp[]): string[] {
  const r = new PolicyRunner(p);
  const lines: string[] = [];
  for (const o of ops) {
    if (o.op === 'window') {
      const res = r.push(o.outcome);
      lines.push(`W ${floatHex(res.anomaly)} ${res.alertNow ? 1 : 0}`);
    } else if (o.op === 'summary') {
      lines.push(`S ${hex(encode(p.payload as PayloadSchema, r.summary(o.battery) as never))}`);
    } else if (o.op === 'newPeriod') r.newPeriod();
    else r.restartBaseline();
  }
  return lines;
}

export function encodeOps(p: CompiledPolicy, ops: PolicyOp[]): Buffer {
  const parts: Buffer[] = [];
  for (const o of ops) {
    if (o.op === 'window') {
      const b = Buffer.alloc(3 + 4 + 4 * p.featureNames.length);
      b[0] = 0x57;
      b[1] = o.outcome.sensorFault ?? 0;
      b[2] = o.outcome.classIndex;
      b.writeFloatLE(o.outcome.confidence, 3);
      o.outcome.features.forEach((v, i) => b.writeFloatLE(v, 7 + 4 * i));
      parts.push(b);
    } else if (o.op === 'summary') parts.push(Buffer.from([0x53, o.battery]));
    else parts.push(Buffer.from([o.op === 'newPeriod' ? 0x50 : 0x42]));
  }
  return Buffer.concat(parts);
}

function driver(p: CompiledPolicy): string {
  const n = p.name;
  return `#include <stdio.h>
#include <string.h>
#include "murmur_${n}_policy.h"

static int get(void *dst, size_t len) { return fread(dst, 1, len, stdin) == len; }

int main(void) {
  static struct murmur_${n}_policy st;
  murmur_${n}_policy_init(&st);
  int op;
  while ((op = getchar()) != EOF) {
    if (op == 'W') {
      uint8_t fault; uint8_t cls; float conf; float feat[MURMUR_${n.toUpperCase()}_POLICY_FEATURES + 1];
      if (!get(&fault, 1) || !get(&cls, 1) || !get(&conf, 4) || !get(feat, 4u * MURMUR_${n.toUpperCase()}_POLICY_FEATURES)) return 3;
      float score = -1.0f;
      int now = murmur_${n}_policy_push(&st, fault, cls, conf, feat, &score);
      uint32_t bits; memcpy(&bits, &score, 4);
      printf("W %08lx %d\\n", (unsigned long)bits, now);
    } else if (op == 'S') {
      uint8_t battery; struct murmur_${n} msg; uint8_t out[64];
      if (!get(&battery, 1)) return 3;
      murmur_${n}_policy_summary(&st, battery, &msg);
      size_t len = murmur_${n}_encode(&msg, out, sizeof out);
      printf("S ");
      for (size_t i = 0; i < len; i++) printf("%02x", out[i]);
      printf("\\n");
    } else if (op == 'P') murmur_${n}_policy_new_period(&st);
    else if (op == 'B') murmur_${n}_policy_restart_baseline(&st);
    else return 4;
  }
  return 0;
}
`;
}

/** Compiles the policy C and the payload encoder for the host with sanitizers; returns the executable. */
export function buildHostPolicy(p: CompiledPolicy): string {
  const dir = mkdtempSync(join(tmpdir(), `policy-${p.name}-`));
  const pol = generatePolicyC(p);
  const pay = generateC(p.payload as PayloadSchema);
  writeFileSync(join(dir, `${pol.baseName}.h`), pol.header);
  writeFileSync(join(dir, `${pol.baseName}.c`), pol.source);
  writeFileSync(join(dir, `${pay.baseName}.h`), pay.header);
  writeFileSync(join(dir, `${pay.baseName}.c`), pay.source);
  writeFileSync(join(dir, 'main.c'), driver(p));
  const exe = join(dir, 'policy');
  execFileSync(
    'gcc',
    [
      '-std=c99',
      '-O1',
      '-g',
      '-Wall',
      '-Wextra',
      '-Werror',
      '-ffp-contract=off',
      '-fsanitize=address,undefined',
      '-fno-sanitize-recover=all',
      '-fno-omit-frame-pointer',
      `-I${dir}`,
      `-I${payloadRuntimeDir}`,
      join(dir, 'main.c'),
      join(dir, `${pol.baseName}.c`),
      join(dir, `${pay.baseName}.c`),
      payloadRuntimeSource,
      '-lm',
      '-o',
      exe,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return exe;
}

export function runHostPolicy(exe: string, p: CompiledPolicy, ops: PolicyOp[]): string[] {
  return execFileSync(exe, { input: encodeOps(p, ops), maxBuffer: 64 << 20 })
    .toString()
    .trim()
    .split('\n');
}

/**
 * A seeded stream of windows (random classes, int8-softmax confidences, features around `centre` with
 * occasional NaN and drift, a few windows with a sensor fault), with summaries, new periods and a baseline
 * restart mixed in.
 */
export function randomPolicyOps(p: CompiledPolicy, seed: number, count: number, centre = 1): PolicyOp[] {
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const ops: PolicyOp[] = [];
  let drift = 0;
  for (let i = 0; i < count; i++) {
    const r = next();
    if (r < 0.02) ops.push({ op: 'summary', battery: Math.floor(next() * 101) });
    else if (r < 0.035) ops.push({ op: 'newPeriod' });
    else if (r < 0.037) ops.push({ op: 'restartBaseline' });
    else {
      if (next() < 0.005) drift = next() * 4 * centre;
      const features = Float32Array.from(p.featureNames, () =>
        next() < 0.002 ? Number.NaN : centre * (0.5 + next()) + drift,
      );
      const run = next() < 0.3 && ops.length > 0 && ops.at(-1)!.op === 'window';
      const classIndex = run
        ? (ops.at(-1) as { outcome: WindowOutcome }).outcome.classIndex
        : Math.floor(next() * p.classes.length);
      const sensorFault = next() < 0.03 ? 1 + Math.floor(next() * 7) : 0;
      ops.push({
        op: 'window',
        outcome: { classIndex, confidence: Math.floor(next() * 256) / 256, features, sensorFault },
      });
    }
  }
  ops.push({ op: 'summary', battery: 100 });
  return ops;
}
