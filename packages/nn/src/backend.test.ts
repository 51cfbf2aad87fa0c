import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspaceRoot } from '@murmur/core';
import { describeBackend, loadTf } from './backend';

const root = workspaceRoot();
const nativeInstalled = (() => {
  try {
    createRequire(join(root, 'package.json')).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

describe('TensorFlow.js backend', () => {
  it('keeps @tensorflow/tfjs-node optional, so npm ci succeeds where its libtensorflow download fails', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.optionalDependencies['@tensorflow/tfjs-node']).toBeDefined();
    expect(pkg.dependencies['@tensorflow/tfjs-node']).toBeUndefined();
    expect(pkg.dependencies['@tensorflow/tfjs']).toBeDefined();
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/@tensorflow/tfjs-node'].optional).toBe(true);
  });

  it('runs on tfjs-node when it is installed, else on @tensorflow/tfjs, and computes either way', async () => {
    const rt = await loadTf();
    expect(rt.package).toBe(nativeInstalled ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs');
    if (!nativeInstalled) expect(rt.backend).toBe('wasm');
    expect(describeBackend(rt)).toContain(rt.package);
    const sum = rt.tf.tidy(() => rt.tf.add(rt.tf.tensor1d([1, 2]), rt.tf.tensor1d([3, 4])).dataSync());
    expect(Array.from(sum)).toEqual([4, 6]);
    const conv = await loadTf({ needsConvGradients: true });
    if (!nativeInstalled) expect(conv.backend).toBe('cpu');
  });
});
