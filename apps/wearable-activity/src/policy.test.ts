import { describe, it } from 'vitest';
import { expectPolicyParity } from '@murmur/pipeline/testing';
import { app } from './index';

describe('uplink policy', () => {
  it('fills every payload field; its generated C agrees with the TS reference byte for byte', () => {
    expectPolicyParity(app, 20);
  });
});
