import { describe, it } from 'vitest';
import { expectVerifiedBuild } from '@murmur/pipeline/testing';
import { app } from './index';
import { testData } from '@murmur/datasets/testing';

const data = testData('predictive-maintenance');

describe.skipIf(data.skip)(data.title('build for an emulated board'), () => {
  it('verifies recorded windows of held-out subjects byte-equal on qemu-mps2-an505 and writes the report', async () => {
    await expectVerifiedBuild(app, 'qemu-mps2-an505', data.dataDir);
  }, 600_000);
});
