#!/usr/bin/env bash
# `npm test` after the set-up: every project's lint, typecheck and tests through Nx (cached), then the
# closing lines: which tests were skipped, why and how to run them, and the totals.
set -uo pipefail
cd "$(dirname "$0")/.."
npx nx run-many -t lint typecheck test --outputStyle=stream "$@"
rc=$?
node tools/test-summary.mjs
exit $rc
