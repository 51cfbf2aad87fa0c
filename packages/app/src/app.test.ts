import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultModelSettings } from '@murmur/compress';
import { appModelSpec, listApps, loadApp } from './load';

describe('the one app loader', () => {
  it('lists the folders of apps/ that have an app.config.ts', () => {
    const root = mkdtempSync(join(tmpdir(), 'apps-'));
    for (const [name, config] of [
      ['b-app', true],
      ['a-app', true],
      ['not-an-app', false],
    ] as const) {
      mkdirSync(join(root, 'apps', name), { recursive: true });
      if (config) writeFileSync(join(root, 'apps', name, 'app.config.ts'), '');
    }
    expect(listApps(root)).toEqual(['a-app', 'b-app']);
  });

  it('refuses a missing or unknown app with a usage error naming the apps', async () => {
    await expect(loadApp(undefined)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/missing --app \(apps: .*wearable-activity/),
    });
    await expect(loadApp('no-such-app')).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/unknown app 'no-such-app'/),
    });
  });

  it.each(listApps())(
    'loads %s: identity, data source, payload and its examples from its app.config.ts',
    async (id) => {
      const app = await loadApp(id);
      expect(app.id).toBe(id);
      expect(app.features.dataset).toMatch(/^(wearable-activity|ppg-triage|predictive-maintenance)$/);
      expect(app.payload.fPort).toBeGreaterThan(0);
      expect(app.payloadExamples?.length).toBeGreaterThan(0);
      if (!app.model) {
        // An app that ships no model: its classes come from its policy's class rule.
        expect(app.uplink.classRule).toBeDefined();
        expect(() => appModelSpec(app)).toThrow(/ships no model/);
        return;
      }
      const spec = appModelSpec(app);
      expect(spec).toEqual({
        name: id,
        settings: { ...defaultModelSettings, classes: [...app.classes], ...app.model },
      });
    },
  );
});
