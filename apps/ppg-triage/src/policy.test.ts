import { describe, expect, it } from 'vitest';
import { compileGraph } from '@murmur/dsp';
import { compilePolicy } from '@murmur/policy';
import { buildHostPolicy, randomPolicyOps, referenceLines, runHostPolicy } from '@murmur/policy/testing';
import { featureGraph, payloadSchema, uplinkPolicy, BREATHING_CLASSES } from './index';

const graph = compileGraph(featureGraph);
const policy = compilePolicy(uplinkPolicy, {
  payload: payloadSchema,
  classes: [...BREATHING_CLASSES],
  featureNames: graph.features.map((f) => f.name),
  hopSamples: featureGraph.hop,
  rateHz: featureGraph.rateHz,
});

describe('uplink policy', () => {
  it('fills every payload field from the feature graph and classes', () => {
    expect(policy.slots.map((s) => s.field)).toEqual(Object.keys(payloadSchema.fields));
  });

  it('generated C agrees with the TS reference byte for byte (host gcc, ASan/UBSan)', () => {
    const exe = buildHostPolicy(policy);
    const ops = randomPolicyOps(policy, 7, 6000, 15);
    const expected = referenceLines(policy, ops);
    expect(expected.filter((l) => l.startsWith('S ')).length).toBeGreaterThan(50);
    expect(runHostPolicy(exe, policy, ops)).toEqual(expected);
  }, 60_000);
});
