/** Helpers every command uses to print data: JSON for machines, aligned tables for people. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function formatTable(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

export function printTable(headers: string[], rows: (string | number)[][]): void {
  process.stdout.write(`${formatTable(headers, rows)}\n`);
}

/** The `--data-dir` help every command that reads a dataset shows. */
export const DATA_DIR_HELP =
  'dataset directory (default: $MURMUR_DATA_DIR, then datasets/cache, then the shipped sample in datasets/samples)';
