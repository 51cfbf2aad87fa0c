import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appsPayloadFixtures, payloadFixturesPath } from './payload-fixtures';

describe('@murmur/payload/fixtures', () => {
  it("is the apps' own payload schemas and examples", async () => {
    expect(
      readFileSync(payloadFixturesPath(), 'utf8'),
      `${payloadFixturesPath()} is not what the apps hold: run 'npx tsx packages/app/src/payload-fixtures.ts'`,
    ).toBe(await appsPayloadFixtures());
  });
});
