import type { BenchSuite } from '../suite';

/** Every benchmark suite, by name (`npm run bench -- <name>`). */
export const suites: BenchSuite[] = [];
