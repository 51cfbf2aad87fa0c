/**
 * Generates the C twin of a compiled uplink policy: a state struct, `_init`, `_new_period`,
 * `_restart_baseline`, `_push` (one analysed window) and `_summary` (fills the payload struct that the
 * payload encoder packs). C99, no heap, no recursion, float32 arithmetic in the reference's order.
 */
import type { CompiledPolicy } from './policy';
import { BASELINE_VARIANCE_FLOOR, windowsPerPeriod } from './policy';
import { cBanner, cFloat, cFloatSemantics, cIncludeGuard } from '@murmur/core';

export const POLICY_GENERATOR = '@murmur/policy codegen';

export interface GeneratedPolicyC {
  /** File name stem: `murmur_<name>_policy`. */
  baseName: string;
  header: string;
  source: string;
}

export function generatePolicyC(p: CompiledPolicy): GeneratedPolicyC {
  const n = p.name;
  const N = n.toUpperCase();
  const st = `struct murmur_${n}_policy`;
  const baseName = `murmur_${n}_policy`;
  const classes = p.classes.length;
  const baseF = p.baselineFeatures.length;
  const def = p.def;
  const featureSlots = p.slots.map((s, i) => ({ s, i })).filter(({ s }) => s.aggregate.of === 'feature');
  const banner = cBanner(
    [
      `${baseName}: uplink policy of '${n}' (period ${def.periodS} s; ${classes} classes; ${p.featureNames.length} features).`,
    ],
    POLICY_GENERATOR,
    `the app's uplink policy and payload schema '${p.payload.name}' version ${p.payload.version}`,
  );

  const members = [
    `  uint16_t counts[${classes}]; /* windows per class in the period */`,
    '  uint16_t windows; /* windows in the period */',
    '  uint16_t faulty; /* windows in the period the sensor check found faulty */',
    ...(p.classRule ? ['  uint16_t rejected; /* windows in the period the class rule rejected */'] : []),
    '  float conf_sum; /* sum of confidences in the period */',
    `  float class_conf[${classes}]; /* sum of confidences per class */`,
    ...featureSlots.map(
      ({ s, i }) =>
        `  float acc${i}; uint16_t n${i}; /* ${s.field}: ${s.aggregate.of === 'feature' ? `${s.aggregate.reduce} of ${p.featureNames[s.feature!]}` : ''} */`,
    ),
    '  float anomaly_max; /* largest anomaly score in the period */',
    '  bool alert; /* an alert was raised in the period */',
    '  uint16_t consecutive; /* abnormal windows in a row */',
  ];
  if (baseF) {
    members.push(
      '  uint16_t base_n; /* windows learned into the baseline */',
      `  float base_mean[${baseF}];`,
      `  float base_m2[${baseF}];`,
    );
  }

  const header = `${banner}
${cIncludeGuard(
  `MURMUR_${N}_POLICY_H`,
  `
#include <stdbool.h>
#include <stdint.h>
#include "murmur_${n}.h"

/** Windows in one uplink period. */
#define MURMUR_${N}_POLICY_WINDOWS_PER_PERIOD ${windowsPerPeriod(p)}u
#define MURMUR_${N}_POLICY_FEATURES ${p.featureNames.length}

${st} {
${members.join('\n')}
};

/** Clears everything, including the learned baseline. */
void murmur_${n}_policy_init(${st} *s);
/** Starts a new uplink period; the baseline is kept. */
void murmur_${n}_policy_new_period(${st} *s);
/** Forgets the learned baseline; the next windows commission it again. */
void murmur_${n}_policy_restart_baseline(${st} *s);
/** Adds one window. A window with sensor_fault bits set is only counted (no class, no features, no baseline
 *  update; it breaks a run of abnormal windows). Writes its anomaly score to *anomaly (may be NULL); returns
 *  1 when this window raises an alert and an uplink should be sent now, else 0. */
int murmur_${n}_policy_push(${st} *s, uint8_t sensor_fault, uint8_t class_index, float confidence, const float *features,
                            float *anomaly);
/** Fills the payload of the period so far. */
void murmur_${n}_policy_summary(const ${st} *s, uint8_t battery_pct, struct murmur_${n} *out);`,
)}`;

  const push: string[] = [];
  push.push('  (void)features;');
  push.push('  if (anomaly) *anomaly = 0.0f;');
  push.push('  if (sensor_fault) {');
  push.push('    if (s->faulty < UINT16_MAX) s->faulty++;');
  push.push('    s->consecutive = 0;');
  push.push('    return 0;');
  push.push('  }');
  push.push(`  if (class_index >= ${classes}u) return 0;`);
  const rule = p.classRule;
  if (rule) {
    const gate = rule.quality
      ? ` || !(features[${rule.quality.feature}] >= ${cFloat(rule.quality.min)})`
      : '';
    push.push(
      `  float rule_value = features[${rule.feature}]; /* class rule on ${p.featureNames[rule.feature]} */`,
    );
    push.push(`  bool rejected = !isfinite(rule_value)${gate};`);
    push.push('  if (!rejected) {');
    push.push(
      `    class_index = rule_value < ${cFloat(rule.below)} ? ${rule.belowClass}u : rule_value > ${cFloat(rule.above)} ? ${rule.aboveClass}u : ${rule.otherwise}u;`,
    );
    push.push('    if (s->counts[class_index] < UINT16_MAX) s->counts[class_index]++;');
    push.push('  } else if (s->rejected < UINT16_MAX) s->rejected++;');
  } else {
    push.push('  if (s->counts[class_index] < UINT16_MAX) s->counts[class_index]++;');
  }
  push.push('  if (s->windows < UINT16_MAX) s->windows++;');
  push.push('  s->conf_sum = s->conf_sum + confidence;');
  push.push(
    `  ${rule ? 'if (!rejected) ' : ''}s->class_conf[class_index] = s->class_conf[class_index] + confidence;`,
  );
  for (const { s: slot, i } of featureSlots) {
    const a = slot.aggregate as Extract<typeof slot.aggregate, { of: 'feature' }>;
    const v = `features[${slot.feature}]`;
    const update =
      a.reduce === 'mean'
        ? `s->acc${i} = s->acc${i} + ${v};`
        : a.reduce === 'max'
          ? `if (${v} > s->acc${i}) s->acc${i} = ${v};`
          : a.reduce === 'min'
            ? `if (${v} < s->acc${i}) s->acc${i} = ${v};`
            : `s->acc${i} = ${v};`;
    const gate = slot.quality ? `features[${slot.quality.feature}] >= ${cFloat(slot.quality.min)}` : '1';
    push.push(`  if (${gate}) { /* ${slot.field} */`);
    push.push(`    if (isfinite(${v})) {`);
    push.push(`      if (s->n${i} == 0) s->acc${i} = ${v}; else { ${update} }`);
    push.push(`      if (s->n${i} < UINT16_MAX) s->n${i}++;`);
    push.push('    }');
    push.push('  }');
  }
  push.push('  float score = 0.0f;');
  if (baseF) {
    const idx = `static const uint8_t base_index[${baseF}] = { ${p.baselineFeatures.join(', ')} };`;
    push.unshift(`  ${idx}`);
    push.push(`  if (s->base_n < ${def.baseline!.commissioningWindows}u) {`);
    push.push('    s->base_n++;');
    push.push('    float n = (float)s->base_n;');
    push.push(`    for (unsigned i = 0; i < ${baseF}u; i++) {`);
    push.push('      float v = features[base_index[i]];');
    push.push('      float delta = v - s->base_mean[i];');
    push.push('      s->base_mean[i] = s->base_mean[i] + delta / n;');
    push.push('      float delta2 = v - s->base_mean[i];');
    push.push('      s->base_m2[i] = s->base_m2[i] + delta * delta2;');
    push.push('    }');
    push.push('  } else {');
    push.push('    float denom = (float)(s->base_n - 1u);');
    push.push('    float acc = 0.0f;');
    push.push(`    for (unsigned i = 0; i < ${baseF}u; i++) {`);
    push.push('      float variance = s->base_m2[i] / denom;');
    push.push(
      `      if (!(variance > ${cFloat(BASELINE_VARIANCE_FLOOR)})) variance = ${cFloat(BASELINE_VARIANCE_FLOOR)};`,
    );
    push.push('      float d = features[base_index[i]] - s->base_mean[i];');
    push.push('      acc = acc + (d * d) / variance;');
    push.push('    }');
    push.push(`    score = sqrtf(acc / ${cFloat(baseF)});`);
    push.push('  }');
  }
  push.push('  if (score > s->anomaly_max) s->anomaly_max = score;');
  push.push('  if (anomaly) *anomaly = score;');
  if (def.alert) {
    const classConds = p.abnormalClasses.map((c) => `class_index == ${c}u`);
    const conds = rule && classConds.length ? [`(!rejected && (${classConds.join(' || ')}))`] : classConds;
    if (def.alert.anomalyAbove !== undefined) conds.push(`score > ${cFloat(def.alert.anomalyAbove)}`);
    push.push(`  bool abnormal = ${conds.length ? conds.join(' || ') : 'false'};`);
    /* A window the class rule rejected neither extends nor breaks a run (unless its anomaly score is abnormal). */
    if (rule) push.push('  if (rejected && !abnormal) return 0;');
    push.push('  if (!abnormal) s->consecutive = 0;');
    push.push('  else if (s->consecutive < UINT16_MAX) s->consecutive++;');
    push.push(`  if (s->consecutive == ${def.alert.consecutive}u) { s->alert = true; return 1; }`);
    push.push(`  if (s->consecutive > ${def.alert.consecutive}u) s->alert = true;`);
  }
  push.push('  return 0;');

  const summary: string[] = [];
  for (const [i, slot] of p.slots.entries()) {
    const a = slot.aggregate;
    const dst = `out->${slot.field}`;
    const kind = slot.type.kind;
    const conv = (expr: string): string =>
      kind === 'uint' ? `round_u32(${expr})` : kind === 'int' ? `round_i32(${expr})` : expr;
    switch (a.of) {
      case 'classMinutes':
        summary.push(`  for (unsigned c = 0; c < ${classes}u; c++) {`);
        summary.push(
          `    ${dst}[c] = (uint32_t)((2ull * s->counts[c] * ${p.hopSamples}u + ${60 * p.rateHz}u) / ${120 * p.rateHz}u);`,
        );
        summary.push('  }');
        break;
      case 'dominantClass':
        summary.push(`  { static const uint8_t to_enum[${classes}] = { ${slot.classToEnum!.join(', ')} };`);
        if (slot.noneEnum !== undefined) {
          summary.push('    unsigned classified = 0;');
          summary.push(`    for (unsigned c = 0; c < ${classes}u; c++) classified += s->counts[c];`);
          summary.push(`    ${dst} = classified ? to_enum[best] : ${slot.noneEnum}u; }`);
        } else summary.push(`    ${dst} = to_enum[best]; }`);
        break;
      case 'dominantConfidence':
        summary.push(
          `  ${dst} = ${conv('s->counts[best] ? s->class_conf[best] / (float)s->counts[best] : 0.0f')};`,
        );
        break;
      case 'meanConfidence':
        summary.push(`  ${dst} = ${conv('s->windows ? s->conf_sum / (float)s->windows : 0.0f')};`);
        break;
      case 'feature':
        summary.push(
          a.reduce === 'mean'
            ? `  ${dst} = ${conv(`s->n${i} ? s->acc${i} / (float)s->n${i} : 0.0f`)};`
            : `  ${dst} = ${conv(`s->n${i} ? s->acc${i} : 0.0f`)};`,
        );
        break;
      case 'anomalyMax':
        summary.push(`  ${dst} = ${conv('s->anomaly_max')};`);
        break;
      case 'windows':
        summary.push(`  ${dst} = s->windows;`);
        break;
      case 'rejectedWindows':
        summary.push(`  ${dst} = s->rejected;`);
        break;
      case 'alert':
        summary.push(`  ${dst} = s->alert;`);
        break;
      case 'battery':
        summary.push(`  ${dst} = battery_pct;`);
        break;
      case 'sensorFaults':
        summary.push(`  ${dst} = ${kind === 'bool' ? 's->faulty > 0' : 's->faulty'};`);
        break;
    }
  }

  const periodReset = [
    '  for (unsigned c = 0; c < ' + classes + 'u; c++) { s->counts[c] = 0; s->class_conf[c] = 0.0f; }',
    '  s->windows = 0;',
    '  s->faulty = 0;',
    ...(p.classRule ? ['  s->rejected = 0;'] : []),
    '  s->conf_sum = 0.0f;',
    ...featureSlots.map(({ i }) => `  s->acc${i} = 0.0f; s->n${i} = 0;`),
    '  s->anomaly_max = 0.0f;',
    '  s->alert = false;',
  ];
  const baselineReset = baseF
    ? [
        '  s->base_n = 0;',
        `  for (unsigned i = 0; i < ${baseF}u; i++) { s->base_mean[i] = 0.0f; s->base_m2[i] = 0.0f; }`,
      ]
    : ['  (void)s;'];

  const source = `${banner}
${cFloatSemantics()}
#include "${baseName}.h"
#include <math.h>

${roundingHelpers(summary).join('\n')}
void murmur_${n}_policy_new_period(${st} *s) {
${periodReset.join('\n')}
}

void murmur_${n}_policy_restart_baseline(${st} *s) {
${baselineReset.join('\n')}
}

void murmur_${n}_policy_init(${st} *s) {
  murmur_${n}_policy_new_period(s);
  murmur_${n}_policy_restart_baseline(s);
  s->consecutive = 0;
}

int murmur_${n}_policy_push(${st} *s, uint8_t sensor_fault, uint8_t class_index, float confidence, const float *features,
                            float *anomaly) {
${push.join('\n')}
}

void murmur_${n}_policy_summary(const ${st} *s, uint8_t battery_pct, struct murmur_${n} *out) {
  unsigned best = 0; /* the dominant class: most windows, the first on ties */
  for (unsigned c = 1; c < ${classes}u; c++) if (s->counts[c] > s->counts[best]) best = c;
  (void)best;
  (void)battery_pct;
${summary.join('\n')}
}
`;
  return { baseName, header, source };
}

/** The float-to-integer helpers the summary calls (only those: an unused static function is a warning). */
function roundingHelpers(summary: readonly string[]): string[] {
  const uses = (fn: string): boolean => summary.some((line) => line.includes(`${fn}(`));
  const out: string[] = [];
  if (uses('round_u32') || uses('round_i32'))
    out.push(
      "/* Float to integer field: floor(v + 0.5), clamped to the field's 32-bit range (NaN gives 0). */",
    );
  if (uses('round_u32')) {
    out.push(
      'static inline uint32_t round_u32(float v) {',
      '  float r = floorf(v + 0.5f);',
      '  if (!(r >= 0.0f)) return 0u;',
      '  return r > 4294967040.0f ? 4294967040u : (uint32_t)r;',
      '}',
      '',
    );
  }
  if (uses('round_i32')) {
    out.push(
      'static inline int32_t round_i32(float v) {',
      '  float r = floorf(v + 0.5f);',
      '  if (!(r >= -2147483648.0f)) return r < 0.0f ? INT32_MIN : 0;',
      '  return r > 2147483520.0f ? 2147483520 : (int32_t)r;',
      '}',
      '',
    );
  }
  return out;
}
