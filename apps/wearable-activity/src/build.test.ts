import { describe, it } from 'vitest';
import { expectVerifiedBuild } from '@murmur/pipeline/testing';
import { app } from './index';
import { testData } from '@murmur/datasets/testing';

const data = testData('wearable-activity');

describe.skipIf(data.skip)(data.title('build for an emulated board'), () => {
  it('verifies recorded windows of held-out subjects byte-equal on simavr-atmega328p and writes the report', async () => {
    await expectVerifiedBuild(app, 'simavr-atmega328p', data.dataDir);
  }, 600_000);
});
