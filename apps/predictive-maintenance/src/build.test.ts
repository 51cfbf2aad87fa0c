import { describe, it } from 'vitest';
import { expectVerifiedBuild } from '@murmur/pipeline/testing';
import { app } from './index';

const dataDir = process.env['MURMUR_DATA_DIR'];

describe.skipIf(!dataDir)('build for an emulated board', () => {
  it('verifies recorded windows of held-out subjects byte-equal on qemu-mps2-an505 and writes the report', async () => {
    await expectVerifiedBuild(app, 'qemu-mps2-an505', dataDir!);
  }, 600_000);
});
