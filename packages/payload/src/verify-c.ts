/**
 * Host verification of a generated C encoder against the TS encoders (step 2 of the verification ladder):
 * compiles the `.c` with a harness under ASan/UBSan, feeds it seeded random messages (valid values, rounding
 * ties, out-of-range values, NaN, infinities, invalid enum indices) and compares the bit-packed, compact CBOR
 * and SenML-CBOR bytes with `encode`, `encodeCborCompact` and `encodeSenml` (or refusal with a thrown error).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, MurmurError, type Rng } from '@murmur/core';
import { encodeCborCompact, encodeSenml } from './cbor';
import { encode, toHex } from './codec';
import { payloadRuntimeDir, payloadRuntimeSource } from './c-runtime';
import { generateC } from './codegen-c';
import { planOf, type Slot } from './plan';
import type { PayloadSchema } from './schema';

/** gcc flags of the host check. */
export const HOST_CHECK_FLAGS = [
  '-std=c99',
  '-O1',
  '-g',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-pedantic',
  '-ffp-contract=off',
  '-fsanitize=address,undefined',
  '-fno-sanitize-recover=all',
  '-fno-omit-frame-pointer',
];

export interface CVerification {
  messages: number;
  /** Messages whose C output differs from the TS output. */
  mismatches: number;
  /** Messages both sides refused (invalid values). */
  refused: number;
  /** The first differing line, `<packed> <cbor> <senml>` hex (ERR for a refusal) from C and from TS. */
  firstMismatch?: { c: string; ts: string };
  /** Every C output line. */
  lines: string[];
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const bitsOf = (x: number): number => ((f32[0] = x), u32[0]!);

/** A random element value: mostly valid, with rounding ties, out-of-range values, NaN and infinities. */
function randomElement(slot: Slot, rng: Rng): { ts: unknown; c: number } {
  const f = slot.field;
  const r = rng.next();
  switch (f.kind) {
    case 'enum': {
      const i = r < 0.03 ? slot.rawMax + 1 : rng.int(0, slot.rawMax);
      return { ts: i > slot.rawMax ? 'bogus' : f.values[i], c: i };
    }
    case 'bool': {
      const b = r < 0.5;
      return { ts: b, c: b ? 1 : 0 };
    }
    case 'uint': {
      const v = r < 0.1 ? rng.uint32() : r < 0.2 ? slot.rawMax + rng.int(0, 3) : rng.int(0, slot.rawMax);
      const c = Math.min(v, 0xffffffff);
      return { ts: c, c };
    }
    case 'int': {
      const half = 2 ** (f.bits - 1);
      const v = r < 0.1 ? rng.uint32() | 0 : r < 0.2 ? half + rng.int(-2, 2) : rng.int(-half, half - 1);
      return { ts: v, c: v >>> 0 };
    }
    default: {
      const scale = f.kind === 'fixed' ? slot.scale32 : 1 / slot.rawMax;
      const offset = f.kind === 'fixed' ? slot.offset32 : 0;
      const k = rng.int(-3, slot.rawMax + 3);
      let v: number;
      if (r < 0.01) v = Number.NaN;
      else if (r < 0.02) v = r < 0.015 ? Infinity : -Infinity;
      else if (r < 0.3)
        v = offset + (k + 0.5) * scale; // rounding ties
      else if (r < 0.4) v = offset + k * scale + (rng.next() - 0.5) * 1e-6;
      else v = offset + (rng.next() * (slot.rawMax + 2) - 1) * scale;
      v = Math.fround(v);
      return { ts: v, c: bitsOf(v) };
    }
  }
}

function harnessSource(schema: PayloadSchema, base: string): string {
  const reads = planOf(schema).slots.flatMap((s) => {
    const target = (i: number): string => (s.length ? `m.${s.name}[${i}]` : `m.${s.name}`);
    return Array.from({ length: Math.max(1, s.length) }, (_, i) => {
      switch (s.field.kind) {
        case 'enum':
          return `  ${target(i)} = (uint8_t)next_u32();`;
        case 'bool':
          return `  ${target(i)} = next_u32() != 0u;`;
        case 'uint':
          return `  ${target(i)} = next_u32();`;
        case 'int':
          return `  { uint32_t b = next_u32(); memcpy(&${target(i)}, &b, 4); }`;
        default:
          return `  { uint32_t b = next_u32(); memcpy(&${target(i)}, &b, 4); }`;
      }
    });
  });
  return `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "${base}.h"

static uint32_t next_u32(void) {
  unsigned long v;
  if (scanf("%lu", &v) != 1) exit(3);
  return (uint32_t)v;
}

static void print(const uint8_t *b, size_t n) {
  size_t i;
  if (n == 0) fputs("ERR", stdout);
  for (i = 0; i < n; i++) printf("%02x", b[i]);
}

int main(void) {
  unsigned long count;
  uint8_t out[${schema.size}];
  uint8_t cbor[${base.toUpperCase()}_CBOR_MAX_SIZE];
  uint8_t senml[${base.toUpperCase()}_SENML_MAX_SIZE];
  if (scanf("%lu", &count) != 1) return 3;
  while (count-- > 0) {
    struct ${base} m;
    memset(&m, 0, sizeof m);
${reads.join('\n')}
    print(out, ${base}_encode(&m, out, sizeof out));
    putchar(' ');
    print(cbor, ${base}_encode_cbor(&m, cbor, sizeof cbor));
    putchar(' ');
    print(senml, ${base}_encode_senml(&m, senml, sizeof senml));
    putchar('\\n');
    if (${base}_encode(&m, out, sizeof out - 1) != 0 || ${base}_encode_cbor(&m, cbor, sizeof cbor - 1) != 0) return 4;
    if (${base}_encode_senml(&m, senml, sizeof senml - 1) != 0) return 4;
  }
  return 0;
}
`;
}

/** Compiles the schema's C encoder with host gcc under sanitizers and compares `messages` random messages. */
export function verifyCEncoder(
  schema: PayloadSchema,
  opts: { messages?: number; seed?: string } = {},
): CVerification {
  const messages = opts.messages ?? 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'murmur-payload-c-'));
  try {
    const { baseName, header, source } = generateC(schema);
    writeFileSync(join(dir, `${baseName}.h`), header);
    writeFileSync(join(dir, `${baseName}.c`), source);
    writeFileSync(join(dir, `${baseName}_main.c`), harnessSource(schema, baseName));
    const exe = join(dir, `${baseName}_check`);
    try {
      execFileSync(
        'gcc',
        [
          ...HOST_CHECK_FLAGS,
          `-I${payloadRuntimeDir}`,
          join(dir, `${baseName}.c`),
          join(dir, `${baseName}_main.c`),
          payloadRuntimeSource,
          '-o',
          exe,
        ],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
    } catch (err) {
      const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
      throw new MurmurError(`generated C does not compile with host gcc:\n${stderr}`, {
        file: `${baseName}.c`,
      });
    }
    const rng = createRng(opts.seed ?? `payload-c-${schema.name}`);
    const slots = planOf(schema).slots;
    const inputs: string[] = [String(messages)];
    const expected: string[] = [];
    for (let m = 0; m < messages; m++) {
      const value: Record<string, unknown> = {};
      const cTokens: number[] = [];
      for (const s of slots) {
        const els = Array.from({ length: Math.max(1, s.length) }, () => randomElement(s, rng));
        value[s.name] = s.length ? els.map((e) => e.ts) : els[0]!.ts;
        cTokens.push(...els.map((e) => e.c));
      }
      inputs.push(cTokens.join(' '));
      let line = 'ERR ERR ERR';
      try {
        line = [encode, encodeCborCompact, encodeSenml]
          .map((f) => toHex(f(schema, value as never)))
          .join(' ');
      } catch {
        // an invalid value: the C encoder must refuse it too
      }
      expected.push(line);
    }
    const lines = execFileSync(exe, { input: inputs.join('\n'), maxBuffer: 64 << 20 })
      .toString()
      .trim()
      .split('\n');
    let mismatches = 0;
    let firstMismatch: CVerification['firstMismatch'];
    for (let m = 0; m < messages; m++) {
      if (lines[m] === expected[m]) continue;
      mismatches++;
      firstMismatch ??= { c: lines[m] ?? '(missing)', ts: expected[m]! };
    }
    const refused = expected.filter((e) => e.startsWith('ERR')).length;
    return { messages, mismatches, refused, ...(firstMismatch ? { firstMismatch } : {}), lines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
