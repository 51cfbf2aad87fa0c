/**
 * Generates the device side of a payload schema: a C99 `.h`/`.c` pair with a struct of physical values and
 * `murmur_<schema>_encode` (bit-packed uplink), `murmur_<schema>_encode_cbor` (compact CBOR array for
 * NB-IoT) and `_encode_senml`. The generated source holds only the schema's tables and calls; the bit
 * packing, quantisation (float32, identical to the TS encoder, see plan.ts) and CBOR writers are the
 * hand-written runtime in c/murmur_payload.{h,c}, compiled with it. No heap, no recursion.
 */
import { cborCompactMaxSize, senmlBaseName, senmlMaxSize, senmlName, senmlUnit } from './cbor';
import { planOf, type Slot } from './plan';
import type { PayloadSchema } from './schema';
import { cBanner, cCommentText, cFloat, cFloatSemantics, cIncludeGuard } from '@murmur/core';

export const C_GENERATOR = '@murmur/payload codegen-c';

export interface GeneratedC {
  /** File name stem: `murmur_<schema>`. */
  baseName: string;
  header: string;
  source: string;
}

/**
 * Text from a schema for the inside of a C comment, on one line: control characters (a newline, which a
 * backslash before it would splice to the next line) become spaces, `??` is written `? ?` (no trigraph), and
 * `cCommentText` keeps a star-slash from ending the comment.
 */
export function cCommentLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return cCommentText(text.replace(/[\x00-\x1f\x7f]+/g, ' ').replace(/\?(?=\?)/g, '? '));
}

/**
 * A C string literal holding the UTF-8 bytes of `text`: printable ASCII as it is (with `\`, `"` and `?`
 * escaped, the last against trigraphs), every other byte as a three-digit octal escape.
 */
export function cStringLiteral(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (c === '\\' || c === '"' || c === '?') out += `\\${c}`;
    else if (byte >= 0x20 && byte < 0x7f) out += c;
    else out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}

function cType(slot: Slot): string {
  switch (slot.field.kind) {
    case 'enum':
      return 'uint8_t';
    case 'bool':
      return 'bool';
    case 'uint':
      return 'uint32_t';
    case 'int':
      return 'int32_t';
    default:
      return 'float';
  }
}

function describe(slot: Slot): string {
  const f = slot.field;
  const unit = 'unit' in f && f.unit ? `${f.unit}, ` : '';
  const sat = 'saturate' in f && f.saturate ? ', saturates' : '';
  switch (f.kind) {
    case 'enum':
      return `${f.values.join(' | ')} (index)`;
    case 'bool':
      return 'flag';
    case 'uint':
      return `${unit}0..${slot.rawMax}${sat}`;
    case 'int':
      return `${unit}${-(2 ** (f.bits - 1))}..${2 ** (f.bits - 1) - 1}${sat}`;
    case 'fixed':
      return `${unit}${f.offset}..${(slot.rawMax * slot.scaleInt + slot.offsetInt) / slot.pow} step ${f.scale}${sat}`;
    case 'unorm':
      return `0..1 in ${slot.rawMax} steps${sat}`;
  }
}

/** C statements that quantise element `expr` of `slot` into `raw[index]`; `return 0;` on a bad value. */
function quantizeStatements(slot: Slot, expr: string, index: string): string[] {
  const f = slot.field;
  const sat = 'saturate' in f && f.saturate ? 1 : 0;
  switch (f.kind) {
    case 'enum':
      // An enum index wider than its last value is invalid (uint8_t cannot exceed 255).
      return slot.rawMax >= 255
        ? [`raw[${index}] = ${expr};`]
        : [`if (${expr} > ${slot.rawMax}u) return 0;`, `raw[${index}] = ${expr};`];
    case 'bool':
      return [`raw[${index}] = ${expr} ? 1u : 0u;`];
    case 'uint':
      return [
        `if (!murmur_payload_quantize_uint(${expr}, ${slot.rawMax}u, ${sat}, &raw[${index}])) return 0;`,
      ];
    case 'int':
      return [`if (!murmur_payload_quantize_int(${expr}, ${f.bits}u, ${sat}, &raw[${index}])) return 0;`];
    case 'fixed':
      return [
        `if (!murmur_payload_quantize_q((${expr} - ${cFloat(slot.offset32)}) / ${cFloat(slot.scale32)}, ${slot.rawMax}u, ${sat}, &raw[${index}])) return 0;`,
      ];
    case 'unorm':
      return [
        `if (!murmur_payload_quantize_q(${expr} * ${cFloat(slot.rawMax)}, ${slot.rawMax}u, ${sat}, &raw[${index}])) return 0;`,
      ];
  }
}

/** The `.h`/`.c` pair of a schema's uplink encoder. */
export function generateC(schema: PayloadSchema): GeneratedC {
  const plan = planOf(schema);
  const base = `murmur_${schema.name}`;
  const up = base.toUpperCase();
  const struct = `struct ${base}`;
  const elements = plan.slots.reduce((n, s) => n + Math.max(1, s.length), 0);
  const banner = cBanner(
    [
      `${base}: uplink encoder for the payload schema '${schema.name}' version ${schema.version}` +
        ` (fPort ${schema.fPort}, ${schema.size} bytes, ${schema.bits} bits).`,
    ],
    C_GENERATOR,
    `the payload schema '${schema.name}' version ${schema.version}`,
  );

  const enums = plan.slots
    .filter((s) => s.field.kind === 'enum')
    .map((s) => {
      const values = (s.field as { values: readonly string[] }).values;
      const items = values.map((v, i) => `  ${up}_${s.name.toUpperCase()}_${v.toUpperCase()} = ${i}`);
      return `/* Values of '${cCommentLine(s.name)}'. */\nenum ${base}_${s.name} {\n${items.join(',\n')}\n};`;
    });
  const members = plan.slots.map((s) => {
    const dims = s.length ? `[${s.length}]` : '';
    return `  ${cType(s)} ${s.name}${dims}; /* ${cCommentLine(`${describe(s)}${s.field.description ? `: ${s.field.description}` : ''}`)} */`;
  });
  const header = `${banner}\n${cIncludeGuard(
    `${up}_H`,
    [
      '',
      '#include <float.h>',
      '#include <stdbool.h>',
      '#include <stddef.h>',
      '#include <stdint.h>',
      '',
      `#define ${up}_FPORT ${schema.fPort}`,
      `#define ${up}_VERSION ${schema.version}`,
      `/** Bytes written by ${base}_encode. */`,
      `#define ${up}_SIZE ${schema.size}`,
      `/** Largest output of ${base}_encode_cbor. */`,
      `#define ${up}_CBOR_MAX_SIZE ${cborCompactMaxSize(schema)}`,
      '',
      ...enums.flatMap((e) => [e, '']),
      `/** One uplink message in physical units; ${base}_encode quantises it. */`,
      `${struct} {`,
      ...members,
      '};',
      '',
      `/** Packs \`in\` MSB-first into out[0..${up}_SIZE); returns ${up}_SIZE, or 0 when cap is too small or a value`,
      ' *  is invalid (NaN, an enum index past the last value, out of range on a field that does not saturate). */',
      `size_t ${base}_encode(const ${struct} *in, uint8_t *out, size_t cap);`,
      '',
      '/** Writes `in` as a compact CBOR array [version, raw codes...] (arrays nested, bools as CBOR booleans, ints',
      ` *  signed); returns the length, or 0 when cap < ${up}_CBOR_MAX_SIZE or a value is invalid. */`,
      `size_t ${base}_encode_cbor(const ${struct} *in, uint8_t *out, size_t cap);`,
      '',
      '#if DBL_MANT_DIG >= 53',
      `/** Largest output of ${base}_encode_senml. */`,
      `#define ${up}_SENML_MAX_SIZE ${senmlMaxSize(schema)}`,
      '',
      `/** Writes \`in\` as a SenML-CBOR pack (RFC 8428 integer labels, base name "${senmlBaseName(schema)}"), values as the`,
      ` *  decoder reports them; returns the length, or 0 when cap < ${up}_SENML_MAX_SIZE or a value is invalid.`,
      ' *  Needs IEEE double (not on AVR). */',
      `size_t ${base}_encode_senml(const ${struct} *in, uint8_t *out, size_t cap);`,
      '#endif',
      '',
    ].join('\n'),
  )}`;

  const quantizeBody: string[] = [];
  const packBody: string[] = [];
  const cborBody: string[] = [];
  let r = 0;
  for (const s of plan.slots) {
    const loc = s.length
      ? `${s.length} x ${s.bits} bits from bit ${s.bitOffset}`
      : `${s.bits} bits at bit ${s.bitOffset}`;
    quantizeBody.push(`  /* ${cCommentLine(s.name)}: ${s.field.kind}, ${loc} */`);
    if (s.length) {
      quantizeBody.push(`  for (i = 0; i < ${s.length}u; i++) {`);
      quantizeBody.push(...quantizeStatements(s, `in->${s.name}[i]`, `${r}u + i`).map((l) => `    ${l}`));
      quantizeBody.push('  }');
      packBody.push(
        `  for (i = 0; i < ${s.length}u; i++) murmur_payload_put_bits(out, ${s.bitOffset}u + i * ${s.bits}u, raw[${r}u + i], ${s.bits}u);`,
      );
      cborBody.push(`  n = murmur_payload_cbor_head(out, n, 4u, ${s.length}u);`);
      cborBody.push(`  for (i = 0; i < ${s.length}u; i++) n = ${cborItem(s, `raw[${r}u + i]`)};`);
    } else {
      quantizeBody.push(...quantizeStatements(s, `in->${s.name}`, `${r}u`).map((l) => `  ${l}`));
      packBody.push(`  murmur_payload_put_bits(out, ${s.bitOffset}u, raw[${r}u], ${s.bits}u);`);
      cborBody.push(`  n = ${cborItem(s, `raw[${r}u]`)};`);
    }
    r += Math.max(1, s.length);
  }
  const usesLoop = plan.slots.some((s) => s.length > 0);

  const source = [
    banner,
    cFloatSemantics(),
    `#include "${base}.h"`,
    '',
    '#include "murmur_payload.h"',
    '',
    `#define ELEMENTS ${elements}u`,
    '',
    '/* Raw codes of every element in field order; 0 when a value is invalid. */',
    `static int quantize(const ${struct} *in, uint32_t raw[ELEMENTS]) {`,
    ...(usesLoop ? ['  uint32_t i;'] : []),
    ...quantizeBody,
    '  return 1;',
    '}',
    '',
    `size_t ${base}_encode(const ${struct} *in, uint8_t *out, size_t cap) {`,
    '  uint32_t raw[ELEMENTS];',
    '  size_t b;',
    ...(usesLoop ? ['  uint32_t i;'] : []),
    `  if (in == NULL || out == NULL || cap < ${up}_SIZE || !quantize(in, raw)) return 0;`,
    `  for (b = 0; b < ${up}_SIZE; b++) out[b] = 0;`,
    `  murmur_payload_put_bits(out, 0u, ${up}_VERSION, ${schema.versionBits}u);`,
    ...packBody,
    `  return ${up}_SIZE;`,
    '}',
    '',
    `size_t ${base}_encode_cbor(const ${struct} *in, uint8_t *out, size_t cap) {`,
    '  uint32_t raw[ELEMENTS];',
    '  size_t n = 0;',
    ...(usesLoop ? ['  uint32_t i;'] : []),
    `  if (in == NULL || out == NULL || cap < ${up}_CBOR_MAX_SIZE || !quantize(in, raw)) return 0;`,
    `  n = murmur_payload_cbor_head(out, n, 4u, ${plan.slots.length + 1}u);`,
    `  n = murmur_payload_cbor_head(out, n, 0u, ${up}_VERSION);`,
    ...cborBody,
    '  return n;',
    '}',
    '',
    ...senmlSource(schema, base, struct),
  ].join('\n');
  return { baseName: base, header, source };
}

function cborItem(slot: Slot, raw: string): string {
  if (slot.field.kind === 'bool') return `murmur_payload_cbor_bool(out, n, ${raw})`;
  if (slot.field.kind === 'int') return `murmur_payload_cbor_signed(out, n, ${raw}, ${slot.bits}u)`;
  return `murmur_payload_cbor_head(out, n, 0u, ${raw})`;
}

const cString = (text: string): string => `${cStringLiteral(text)}, ${Buffer.byteLength(text)}u`;

/** The SenML-CBOR writer: helpers and one unrolled record per element, inside a `DBL_MANT_DIG >= 53` guard. */
function senmlSource(schema: PayloadSchema, base: string, struct: string): string[] {
  const plan = planOf(schema);
  const up = base.toUpperCase();
  const tables: string[] = [];
  const body: string[] = [];
  let r = 0;
  let records = 0;
  for (const s of plan.slots) {
    const f = s.field;
    if (f.kind === 'enum') {
      const labels = `${s.name.toUpperCase()}_LABELS`;
      tables.push(`static const char *const ${labels}[] = {${f.values.map(cStringLiteral).join(', ')}};`);
      tables.push(
        `static const uint32_t ${labels}_LENGTHS[] = {${f.values.map((v) => `${Buffer.byteLength(v)}u`).join(', ')}};`,
      );
    }
    for (let i = 0; i < Math.max(1, s.length); i++) {
      const raw = `raw[${r + i}u]`;
      const unit = senmlUnit(s);
      const first = records++ === 0;
      body.push(`  /* ${cCommentLine(senmlName(s, i))} */`);
      body.push(
        `  n = murmur_payload_cbor_head(out, n, 5u, ${2 + (first ? 1 : 0) + (unit === undefined ? 0 : 1)}u);`,
      );
      if (first)
        body.push(
          `  n = murmur_payload_cbor_head(out, n, 1u, 1u); /* -2: base name */`,
          `  n = murmur_payload_cbor_text(out, n, ${cString(senmlBaseName(schema))});`,
        );
      body.push(
        `  n = murmur_payload_cbor_head(out, n, 0u, 0u); /* 0: name */`,
        `  n = murmur_payload_cbor_text(out, n, ${cString(senmlName(s, i))});`,
      );
      if (unit !== undefined)
        body.push(
          `  n = murmur_payload_cbor_head(out, n, 0u, 1u); /* 1: unit */`,
          `  n = murmur_payload_cbor_text(out, n, ${cString(unit)});`,
        );
      switch (f.kind) {
        case 'enum': {
          const labels = `${s.name.toUpperCase()}_LABELS`;
          body.push(`  n = murmur_payload_cbor_head(out, n, 0u, 3u); /* 3: string value */`);
          body.push(`  n = murmur_payload_cbor_text(out, n, ${labels}[${raw}], ${labels}_LENGTHS[${raw}]);`);
          break;
        }
        case 'bool':
          body.push(
            `  n = murmur_payload_cbor_head(out, n, 0u, 4u); /* 4: boolean value */`,
            `  n = murmur_payload_cbor_bool(out, n, ${raw});`,
          );
          break;
        case 'uint':
          body.push(
            `  n = murmur_payload_cbor_head(out, n, 0u, 2u); /* 2: value */`,
            `  n = murmur_payload_cbor_head(out, n, 0u, ${raw});`,
          );
          break;
        case 'int':
          body.push(
            `  n = murmur_payload_cbor_head(out, n, 0u, 2u); /* 2: value */`,
            `  n = murmur_payload_cbor_signed(out, n, ${raw}, ${s.bits}u);`,
          );
          break;
        case 'fixed':
          body.push(
            `  n = murmur_payload_cbor_head(out, n, 0u, 2u); /* 2: value */`,
            `  n = murmur_payload_cbor_number(out, n, (double)((int64_t)${raw} * ${s.scaleInt} + ${s.offsetInt}) / ${s.pow}.0);`,
          );
          break;
        case 'unorm':
          body.push(
            `  n = murmur_payload_cbor_head(out, n, 0u, 2u); /* 2: value */`,
            `  n = murmur_payload_cbor_number(out, n, (double)${raw} / ${s.rawMax}.0);`,
          );
          break;
      }
    }
    r += Math.max(1, s.length);
  }
  return [
    '#if DBL_MANT_DIG >= 53',
    ...tables,
    ...(tables.length ? [''] : []),
    `size_t ${base}_encode_senml(const ${struct} *in, uint8_t *out, size_t cap) {`,
    '  uint32_t raw[ELEMENTS];',
    '  size_t n = 0;',
    `  if (in == NULL || out == NULL || cap < ${up}_SENML_MAX_SIZE || !quantize(in, raw)) return 0;`,
    `  n = murmur_payload_cbor_head(out, n, 4u, ${records}u);`,
    ...body,
    '  return n;',
    '}',
    '#endif',
    '',
  ];
}
