/**
 * Portable C99 for a quantized tree model: one header with a stable API and one source holding the model.
 *
 *   void    <p>_quantize(const float *features, <p>_feature_t *q);   float32 features -> int16 / int8
 *   uint8_t <p>_classify(const <p>_feature_t *q, int32_t *scores);   votes or fixed-point scores, argmax
 *   uint8_t <p>_predict(const float *features);                      both, with buffers on the stack
 *
 * Two layouts of the trees, the same arithmetic:
 *   table   emlearn's shape: one constant struct per model (`<p>_model`: quantizer, tree roots, a flat node
 *           table {left, right, threshold, feature}, leaf scores, base scores) in flash (`const __flash` on
 *           AVR, so nothing is copied to its 2 KB of SRAM), walked by one loop;
 *   ifelse  every tree as nested if/else with the thresholds and leaves as immediates; the struct keeps
 *           only the quantizer (and boosting's base scores).
 * No heap, no recursion, no libm; the only float arithmetic is the quantizer's subtract and multiply, which
 * the TS reference does in float32 in the same order (no fused multiply-add: `cFloatSemantics`).
 */
import { cBanner, cExternC, cFloat, cFloatSemantics, cIncludeGuard, MurmurError } from '@murmur/core';
import { checkTreeModel } from './files';
import type { QuantizedTreeModel } from './types';

export type TreeLayout = 'table' | 'ifelse';

export interface TreeCodeOptions {
  /** C identifier prefix of every symbol (default `murmur_trees`). */
  prefix?: string;
  layout?: TreeLayout;
  /** What the model was made from, for the banner (e.g. `wearable-activity: forest of 10 trees`). */
  from?: string;
}

export interface GeneratedTreeCode {
  prefix: string;
  layout: TreeLayout;
  headerName: string;
  sourceName: string;
  header: string;
  source: string;
  /** C type of one quantized feature. */
  featureType: 'int16_t' | 'int8_t';
}

const GENERATOR = '@murmur/trees';

/** An integer as a C literal of a type at least as wide as int16 (INT16_MIN has no literal of its own). */
function cInt(v: number): string {
  if (v === -32768) return '(-32767 - 1)';
  if (v === -2147483648) return '(-2147483647L - 1)';
  return Math.abs(v) > 32767 ? `${v}L` : String(v);
}

const list = (values: ArrayLike<number>, format: (v: number) => string = cInt, perLine = 12): string => {
  const items = Array.from(values, format);
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine)
    lines.push(`    ${items.slice(i, i + perLine).join(', ')},`);
  return lines.join('\n');
};

function checkPrefix(prefix: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix))
    throw new MurmurError(`'${prefix}' is not a C identifier prefix`);
}

/** Generates the header and the source of a quantized tree model in one layout. */
export function generateTreeCode(
  model: QuantizedTreeModel,
  options: TreeCodeOptions = {},
): GeneratedTreeCode {
  const prefix = options.prefix ?? 'murmur_trees';
  const layout = options.layout ?? 'table';
  checkPrefix(prefix);
  checkTreeModel(model);
  const P = prefix.toUpperCase();
  const bits = model.quantizer.bits;
  const featureType = bits === 16 ? 'int16_t' : 'int8_t';
  const boosted = model.kind === 'boosted';
  const F = model.features;
  const K = model.classes;
  const T = model.trees.length;
  const N = model.nodes.feature.length;
  const from = options.from ?? `a ${model.kind} model (${T} trees, ${N} nodes, ${K} classes, ${F} features)`;
  const headerName = `${prefix}.h`;
  const sourceName = `${prefix}.c`;

  const header = [
    cBanner(
      [
        `${model.kind === 'tree' ? 'Decision tree' : model.kind === 'forest' ? 'Random forest' : 'Gradient-boosted trees'}: ${T} tree${T === 1 ? '' : 's'}, ${N} split nodes, ${bits}-bit features, ${layout} layout.`,
        'quantize: float32 features to integers; classify: integer compares and int32 sums, argmax (ties to',
        'the lowest class); predict: both. No heap, no recursion; every table is constant (flash).',
      ],
      GENERATOR,
      from,
    ),
    cIncludeGuard(
      `${P}_H`,
      [
        '',
        '#include <stdint.h>',
        '',
        ...cExternC([
          `#define ${P}_FEATURES ${F}`,
          `#define ${P}_CLASSES ${K}`,
          `#define ${P}_TREES ${T}`,
          `#define ${P}_FEATURE_BITS ${bits}`,
          '',
          `/** One quantized feature. */`,
          `typedef ${featureType} ${prefix}_feature_t;`,
          '',
          `/** Quantizes ${P}_FEATURES float32 features into q (NaN and values below the range give the lowest level). */`,
          `void ${prefix}_quantize(const float *features, ${prefix}_feature_t *q);`,
          '',
          `/**`,
          ` * Runs the trees on quantized features; writes ${P}_CLASSES scores (${boosted ? `fixed-point, 2^-${model.scoreShift}` : 'votes'}) and`,
          ` * returns the class with the highest score (ties: the lowest class index).`,
          ` */`,
          `uint8_t ${prefix}_classify(const ${prefix}_feature_t *q, int32_t *scores);`,
          '',
          `/** quantize then classify, with the buffers on the stack (${F * (bits / 8) + 4 * K} bytes). */`,
          `uint8_t ${prefix}_predict(const float *features);`,
        ]),
        '',
      ].join('\n'),
    ),
  ].join('\n');

  const levels = bits === 16 ? '65535' : '255';
  const bias = bits === 16 ? '32768L' : '128';
  const nodeType = `${prefix}_node`;
  const members: string[] = [`  float offset[${F}];`, `  float scale[${F}];`];
  const init: string[] = [
    `  .offset = {\n${list(model.quantizer.offset, cFloat, 4)}\n  },`,
    `  .scale = {\n${list(model.quantizer.scale, cFloat, 4)}\n  },`,
  ];
  if (boosted) {
    members.push(`  int32_t base[${K}];`);
    init.push(`  .base = {\n${list(model.base!)}\n  },`);
  }
  if (layout === 'table') {
    members.push(`  int16_t roots[${T}];`);
    init.push(`  .roots = {\n${list(model.trees.map((t) => t.root))}\n  },`);
    if (N > 0) {
      members.push(`  ${nodeType} nodes[${N}];`);
      const nodes = Array.from(
        model.nodes.feature,
        (f, i) =>
          `    {${cInt(model.nodes.left[i]!)}, ${cInt(model.nodes.right[i]!)}, ${cInt(model.nodes.threshold[i]!)}, ${f}},`,
      );
      init.push(`  .nodes = {\n${nodes.join('\n')}\n  },`);
    }
    if (boosted && model.leafScores!.length > 0) {
      members.push(`  int16_t leaf_scores[${model.leafScores!.length}];`);
      init.push(`  .leaf_scores = {\n${list(model.leafScores!)}\n  },`);
    }
  }

  const source: string[] = [
    cBanner([`The model of ${headerName}: constants and inference (${layout} layout).`], GENERATOR, from),
    cFloatSemantics(),
    '',
    '#include <stdint.h>',
    `#include "${headerName}"`,
    '',
    '#ifndef MURMUR_ROM',
    '#if defined(__AVR__) && !defined(__cplusplus)',
    '#define MURMUR_ROM const __flash',
    '#else',
    '#define MURMUR_ROM const',
    '#endif',
    '#endif',
    '',
  ];
  if (layout === 'table' && N > 0) {
    source.push(
      '/** A split: go to left when q[feature] <= threshold, else to right; a child < 0 is the leaf ~child. */',
      'typedef struct {',
      '  int16_t left;',
      '  int16_t right;',
      `  ${featureType} threshold;`,
      '  uint8_t feature;',
      `} ${nodeType};`,
      '',
    );
  }
  source.push(
    '/** Everything the model holds, in one constant struct. */',
    'typedef struct {',
    ...members,
    `} ${prefix}_model_t;`,
    '',
    `static MURMUR_ROM ${prefix}_model_t ${prefix}_model = {`,
    ...init,
    '};',
    '',
    `void ${prefix}_quantize(const float *features, ${prefix}_feature_t *q) {`,
    '  uint16_t i;',
    `  for (i = 0; i < ${P}_FEATURES; i++) {`,
    `    float t = (features[i] - ${prefix}_model.offset[i]) * ${prefix}_model.scale[i];`,
    '    int32_t level;',
    '    if (!(t > 0.0f)) {',
    '      level = 0;',
    `    } else if (t >= ${levels}.0f) {`,
    `      level = ${levels};`,
    '    } else {',
    '      level = (int32_t)t;',
    '    }',
    `    q[i] = (${prefix}_feature_t)(level - ${bias});`,
    '  }',
    '}',
    '',
  );

  // Per-tree code: what adding tree t to the scores is.
  const add = (t: number, leafExpr: string): string =>
    boosted ? `  scores[${t % K}] += ${leafExpr};` : `  scores[${leafExpr}] += 1;`;
  if (layout === 'table') {
    if (N > 0) {
      source.push(
        `/** The leaf (~child) a row reaches from node n (n < 0: the tree is that leaf). */`,
        `static int16_t ${prefix}_walk(int16_t n, const ${prefix}_feature_t *q) {`,
        '  while (n >= 0) {',
        `    MURMUR_ROM ${nodeType} *node = &${prefix}_model.nodes[n];`,
        '    n = q[node->feature] <= node->threshold ? node->left : node->right;',
        '  }',
        '  return (int16_t)~n;',
        '}',
        '',
      );
    }
    const walk = (root: string): string => (N > 0 ? `${prefix}_walk(${root}, q)` : `(int16_t)~(${root})`);
    source.push(
      `uint8_t ${prefix}_classify(const ${prefix}_feature_t *q, int32_t *scores) {`,
      '  uint16_t t;',
      '  uint8_t k;',
      '  uint8_t best = 0;',
      ...(boosted ? ['  uint8_t c = 0;'] : []),
      N === 0 ? '  (void)q;' : '',
      `  for (k = 0; k < ${P}_CLASSES; k++) scores[k] = ${boosted ? `${prefix}_model.base[k]` : '0'};`,
      `  for (t = 0; t < ${P}_TREES; t++) {`,
      `    int16_t leaf = ${walk(`${prefix}_model.roots[t]`)};`,
      ...(boosted
        ? [`    scores[c] += ${prefix}_model.leaf_scores[leaf];`, `    if (++c == ${P}_CLASSES) c = 0;`]
        : ['    scores[leaf] += 1;']),
      '  }',
      `  for (k = 1; k < ${P}_CLASSES; k++)`,
      '    if (scores[k] > scores[best]) best = k;',
      '  return best;',
      '}',
      '',
    );
  } else {
    const leafLiteral = (code: number): string => (boosted ? cInt(model.leafScores![~code]!) : String(~code));
    model.trees.forEach((tree, t) => {
      const body: string[] = [];
      // Nested if/else in preorder, from an explicit stack (no recursion here either).
      const emit = (node: number, indent: string): void => {
        const stack: { node: number; indent: string; phase: 0 | 1 | 2 }[] = [{ node, indent, phase: 0 }];
        while (stack.length) {
          const top = stack[stack.length - 1]!;
          if (top.node < 0) {
            body.push(`${top.indent}return ${leafLiteral(top.node)};`);
            stack.pop();
            continue;
          }
          const n = top.node;
          if (top.phase === 0) {
            body.push(
              `${top.indent}if (q[${model.nodes.feature[n]}] <= ${cInt(model.nodes.threshold[n]!)}) {`,
            );
            top.phase = 1;
            stack.push({ node: model.nodes.left[n]!, indent: `${top.indent}  `, phase: 0 });
          } else if (top.phase === 1) {
            body.push(`${top.indent}} else {`);
            top.phase = 2;
            stack.push({ node: model.nodes.right[n]!, indent: `${top.indent}  `, phase: 0 });
          } else {
            body.push(`${top.indent}}`);
            stack.pop();
          }
        }
      };
      emit(tree.root, '  ');
      source.push(
        `static ${boosted ? 'int16_t' : 'uint8_t'} ${prefix}_tree${t}(const ${prefix}_feature_t *q) {`,
        ...(tree.root < 0 ? ['  (void)q;'] : []),
        ...body,
        '}',
        '',
      );
    });
    source.push(
      `uint8_t ${prefix}_classify(const ${prefix}_feature_t *q, int32_t *scores) {`,
      '  uint8_t k;',
      '  uint8_t best = 0;',
      `  for (k = 0; k < ${P}_CLASSES; k++) scores[k] = ${boosted ? `${prefix}_model.base[k]` : '0'};`,
      ...model.trees.map((_, t) => add(t, `${prefix}_tree${t}(q)`)),
      `  for (k = 1; k < ${P}_CLASSES; k++)`,
      '    if (scores[k] > scores[best]) best = k;',
      '  return best;',
      '}',
      '',
    );
  }
  source.push(
    `uint8_t ${prefix}_predict(const float *features) {`,
    `  ${prefix}_feature_t q[${P}_FEATURES];`,
    `  int32_t scores[${P}_CLASSES];`,
    `  ${prefix}_quantize(features, q);`,
    `  return ${prefix}_classify(q, scores);`,
    '}',
    '',
  );
  return {
    prefix,
    layout,
    headerName,
    sourceName,
    header,
    source: source.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n'),
    featureType,
  };
}
