import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode as cborDecode } from 'cbor-x';
import { createRng, type Rng } from '@murmur/core';
import { decode, encode, toHex } from './codec';
import { decodeCborCompact, decodeSenml, encodeCborCompact, encodeSenml } from './cbor';
import { generateC } from './codegen-c';
import { planOf, type Slot } from './plan';
import { definePayload, t, type PayloadSchema } from './schema';
import { pdm, ppg, wear } from './fixtures';

/** Exercises every generator path: ints, offsets, float arrays, bool arrays, 32-bit uints, no saturation. */
const allKinds = definePayload({
  name: 'all_kinds',
  fPort: 30,
  version: 5,
  versionBits: 4,
  fields: {
    temp_c: t.fixed(11, { scale: 0.05, offset: -40, unit: 'Cel' }),
    delta: t.int(7, { saturate: true }),
    raw: t.int(12),
    counter: t.uint(32),
    levels: t.array(t.unorm(5), 3),
    flags: t.array(t.bool(), 3),
    mode: t.enum(['a', 'b', 'c', 'd', 'e']),
    pressure: t.fixed(9, { scale: 2.5, offset: 900, saturate: true }),
  },
});

const schemas = [pdm, wear, ppg, allKinds] as PayloadSchema[];
const MESSAGES = 10_000;
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

function harness(schema: PayloadSchema, base: string): string {
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

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'murmur-payload-c-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generated C encoder', () => {
  it('names its generator and schema and keeps to the device rules', () => {
    const { header, source } = generateC(pdm);
    expect(header).toContain(
      "Generated by @murmur/payload codegen-c from the payload schema 'predictive_maintenance' version 1",
    );
    expect(header).toContain(
      'size_t murmur_predictive_maintenance_encode(const struct murmur_predictive_maintenance *in, uint8_t *out, size_t cap);',
    );
    expect(header).toContain('#define MURMUR_PREDICTIVE_MAINTENANCE_SIZE 9');
    expect(source).not.toMatch(/malloc|free\(/);
    // doubles appear only in the SenML writer, which is compiled only where double is IEEE binary64
    expect(source.slice(0, source.indexOf('#if DBL_MANT_DIG >= 53'))).not.toMatch(/double/);
  });

  const has = (tool: string): boolean => {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  const cross = [
    ['avr-gcc', '-mmcu=atmega328p'],
    ['arm-none-eabi-gcc', '-mcpu=cortex-m4', '-mthumb'],
  ].filter(([tool]) => has(tool!));

  it.skipIf(cross.length === 0)(
    'cross-compiles warning-free for AVR and Cortex-M',
    { timeout: 60_000 },
    () => {
      for (const schema of schemas) {
        const { baseName, header, source } = generateC(schema);
        writeFileSync(join(dir, `${baseName}.h`), header);
        writeFileSync(join(dir, `${baseName}.c`), source);
        for (const [tool, ...flags] of cross) {
          const args = [
            ...flags,
            '-std=c99',
            '-Os',
            '-Wall',
            '-Wextra',
            '-Werror',
            '-pedantic',
            '-ffp-contract=off',
          ];
          execFileSync(tool!, [
            ...args,
            '-c',
            join(dir, `${baseName}.c`),
            '-o',
            join(dir, `${baseName}-${tool}.o`),
          ]);
        }
      }
    },
  );

  for (const schema of schemas) {
    it(
      `is byte-identical to the TS encoder on ${MESSAGES} random '${schema.name}' messages (gcc, ASan/UBSan)`,
      { timeout: 60_000 },
      () => {
        const { baseName, header, source } = generateC(schema);
        writeFileSync(join(dir, `${baseName}.h`), header);
        writeFileSync(join(dir, `${baseName}.c`), source);
        writeFileSync(join(dir, `${baseName}_main.c`), harness(schema, baseName));
        const exe = join(dir, `${baseName}_test`);
        execFileSync('gcc', [
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
          join(dir, `${baseName}.c`),
          join(dir, `${baseName}_main.c`),
          '-o',
          exe,
        ]);
        const rng = createRng(`payload-c-${schema.name}`);
        const slots = planOf(schema).slots;
        const inputs: string[] = [String(MESSAGES)];
        const expected: string[] = [];
        for (let m = 0; m < MESSAGES; m++) {
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
        const out = execFileSync(exe, { input: inputs.join('\n'), maxBuffer: 64 << 20 })
          .toString()
          .trim()
          .split('\n');
        expect(out).toHaveLength(MESSAGES);
        let mismatches = 0;
        for (let m = 0; m < MESSAGES; m++) if (out[m] !== expected[m]) mismatches++;
        const bad = out.findIndex((l, i) => l !== expected[i]);
        expect(mismatches, `first mismatch: C ${out[bad]} TS ${expected[bad]}`).toBe(0);
        expect(expected.filter((e) => e.startsWith('ERR')).length).toBeGreaterThan(0);
        // C CBOR bytes -> cbor-x -> the same values as the TS decoder gives
        for (const line of out.slice(0, 500)) {
          const [packedHex, cborHex, senmlHex] = line.split(' ') as [string, string, string];
          if (cborHex === 'ERR') continue;
          const items = cborDecode(Buffer.from(cborHex, 'hex')) as unknown[];
          expect(items[0]).toBe(schema.version);
          const fromPacked = decode(schema, Buffer.from(packedHex, 'hex'), schema.fPort);
          expect(decodeCborCompact(schema, Buffer.from(cborHex, 'hex'))).toEqual(fromPacked);
          expect(decodeSenml(schema, Buffer.from(senmlHex, 'hex'))).toEqual(fromPacked);
        }
      },
    );
  }
});
