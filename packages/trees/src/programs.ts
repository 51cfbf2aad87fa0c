/**
 * Test and measurement programs around a generated tree model (generation only: packages/verify and the
 * benchmark build and run them through the firmware harness, which provides murmur_console.h and
 * murmur_cost.h).
 *
 *   check  runs every given row through quantize + classify and prints the class, the int32 scores and the
 *          quantized features, which must equal `expectedCheckLines` (the TS reference) byte for byte;
 *   cost   measures predict (and quantize, classify alone) on every row between murmur_cost_begin/end and
 *          reports the mean and the maximum (instructions under QEMU -icount, cycles under simavr).
 * The rows sit in flash (`const __flash` on AVR) and are copied one at a time into a RAM buffer.
 */
import { cBanner, cFloat, cFloatSemantics } from '@murmur/core';
import type { GeneratedTreeCode } from './codegen';
import { predictQuantized } from './predict';
import type { QuantizedTreeModel } from './types';

function rowsTable(rows: readonly ArrayLike<number>[], features: number): string[] {
  return [
    `static MURMUR_ROM float rows[${rows.length}][${features}] = {`,
    ...rows.map((r) => `  {${Array.from(r, (v) => cFloat(v)).join(', ')}},`),
    '};',
  ];
}

const prologue = (code: GeneratedTreeCode, what: string): string[] => [
  cBanner([what], '@murmur/trees', `the ${code.prefix} model and recorded feature rows`),
  cFloatSemantics(),
  '',
  '#include <stdint.h>',
  '#include "murmur_console.h"',
  '#include "murmur_cost.h"',
  `#include "${code.headerName}"`,
  '',
  '#ifndef MURMUR_ROM',
  '#if defined(__AVR__)',
  '#define MURMUR_ROM const __flash',
  '#else',
  '#define MURMUR_ROM const',
  '#endif',
  '#endif',
  '',
];

/** Quantized features per `q` line (simavr breaks UART lines of more than 255 characters). */
const Q_PER_LINE = 16;

/**
 * The check program: per row a line `r <row> <class> <scores…>`, then `q <row> <first> <q…>` lines of at most
 * 16 quantized features.
 */
export function treeCheckProgram(code: GeneratedTreeCode, rows: readonly ArrayLike<number>[]): string {
  const p = code.prefix;
  const P = p.toUpperCase();
  return [
    ...prologue(code, `Prints ${p}'s class, scores and quantized features for ${rows.length} rows.`),
    ...rowsTable(rows, rows[0]?.length ?? 0),
    '',
    'int main(void) {',
    `  float x[${P}_FEATURES];`,
    `  ${p}_feature_t q[${P}_FEATURES];`,
    `  int32_t scores[${P}_CLASSES];`,
    '  uint16_t r;',
    '  uint16_t i;',
    `  for (r = 0; r < ${rows.length}; r++) {`,
    '    uint8_t c;',
    `    for (i = 0; i < ${P}_FEATURES; i++) x[i] = rows[r][i];`,
    `    ${p}_quantize(x, q);`,
    `    c = ${p}_classify(q, scores);`,
    '    murmur_console_printf("r %u %u", (unsigned)r, (unsigned)c);',
    `    for (i = 0; i < ${P}_CLASSES; i++) murmur_console_printf(" %ld", (long)scores[i]);`,
    `    for (i = 0; i < ${P}_FEATURES; i++) {`,
    `      if (i % ${Q_PER_LINE} == 0) murmur_console_printf("\\nq %u %u", (unsigned)r, (unsigned)i);`,
    '      murmur_console_printf(" %d", (int)q[i]);',
    '    }',
    '    murmur_console_printf("\\n");',
    `    if (c != ${p}_predict(x)) return 1;`,
    '  }',
    '  return 0;',
    '}',
    '',
  ].join('\n');
}

/** What the check program prints for these rows, from the TS reference. */
export function expectedCheckLines(model: QuantizedTreeModel, rows: readonly ArrayLike<number>[]): string[] {
  return rows.flatMap((x, r) => {
    const p = predictQuantized(model, x);
    const lines = [[`r ${r} ${p.index}`, ...Array.from(p.scores, String)].join(' ')];
    for (let i = 0; i < p.q.length; i += Q_PER_LINE)
      lines.push([`q ${r} ${i}`, ...Array.from(p.q.subarray(i, i + Q_PER_LINE), String)].join(' '));
    return lines;
  });
}

/** Cost labels the cost program reports. */
export const TREE_COST_LABELS = [
  'predict_mean',
  'predict_max',
  'quantize_mean',
  'classify_mean',
  'classify_max',
] as const;

/** The cost program: mean and maximum cost of predict, quantize and classify over the rows. */
export function treeCostProgram(code: GeneratedTreeCode, rows: readonly ArrayLike<number>[]): string {
  const p = code.prefix;
  const P = p.toUpperCase();
  const n = rows.length;
  return [
    ...prologue(code, `Measures ${p}'s quantize, classify and predict on ${n} rows.`),
    ...rowsTable(rows, rows[0]?.length ?? 0),
    '',
    'static volatile uint8_t sink;',
    '',
    'int main(void) {',
    `  float x[${P}_FEATURES];`,
    `  ${p}_feature_t q[${P}_FEATURES];`,
    `  int32_t scores[${P}_CLASSES];`,
    '  uint32_t predict_sum = 0, predict_max = 0, quantize_sum = 0, classify_sum = 0, classify_max = 0;',
    '  uint16_t r;',
    '  uint16_t i;',
    `  for (r = 0; r < ${n}; r++) {`,
    '    uint32_t c;',
    `    for (i = 0; i < ${P}_FEATURES; i++) x[i] = rows[r][i];`,
    '    murmur_cost_begin();',
    `    sink = ${p}_predict(x);`,
    '    c = murmur_cost_end();',
    '    predict_sum += c;',
    '    if (c > predict_max) predict_max = c;',
    '    murmur_cost_begin();',
    `    ${p}_quantize(x, q);`,
    '    quantize_sum += murmur_cost_end();',
    '    murmur_cost_begin();',
    `    sink = ${p}_classify(q, scores);`,
    '    c = murmur_cost_end();',
    '    classify_sum += c;',
    '    if (c > classify_max) classify_max = c;',
    '  }',
    `  murmur_cost_report("predict_mean", predict_sum / ${n}u);`,
    '  murmur_cost_report("predict_max", predict_max);',
    `  murmur_cost_report("quantize_mean", quantize_sum / ${n}u);`,
    `  murmur_cost_report("classify_mean", classify_sum / ${n}u);`,
    '  murmur_cost_report("classify_max", classify_max);',
    '  return 0;',
    '}',
    '',
  ].join('\n');
}
