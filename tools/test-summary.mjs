// The closing lines of `npm test`: what was skipped and how to run it, then the totals of every project's
// tests, read from the JSON each project's vitest writes to <project>/.murmur/vitest.json (an Nx output
// of the test target, so a cached run restores it).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const TAG = /\[skipped: (.*?)\]/;

const projects = ['packages', 'apps', 'tools']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
  .concat(join(root, 'datasets'));
const totals = { passed: 0, failed: 0, skipped: 0 };
/** reason → tests skipped for it */
const reasons = new Map();
for (const project of projects) {
  const file = join(project, '.murmur', 'vitest.json');
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  for (const suite of report.testResults)
    for (const test of suite.assertionResults) {
      if (test.status !== 'skipped' && test.status !== 'pending') continue;
      totals.skipped++;
      const reason = TAG.exec(test.fullName)?.[1] ?? `skipped in ${suite.name.slice(root.length + 1)}`;
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
}
const list = [...reasons].map(([reason, n]) => `${n} ${reason}`).join('; ');
console.log(totals.skipped ? `skipped: ${list}` : 'skipped: none');
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
