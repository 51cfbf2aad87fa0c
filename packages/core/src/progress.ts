/**
 * A progress bar for long work (training epochs, downloads, builds). Draws in place on a TTY,
 * prints a line at most every 10 % otherwise (CI logs), and stays silent when `quiet`.
 */
export interface ProgressOptions {
  total: number;
  label: string;
  /** Unit shown after the counts, e.g. 'windows', 'B'. */
  unit?: string;
  quiet?: boolean;
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export interface Progress {
  tick(n?: number, note?: string): void;
  update(done: number, note?: string): void;
  done(note?: string): void;
}

export function createProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  const total = Math.max(0, opts.total);
  let done = 0;
  let lastDecile = -1;
  let finished = false;

  const render = (note?: string): string => {
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    const unit = opts.unit ? ` ${opts.unit}` : '';
    const pct = (frac * 100).toFixed(0).padStart(3);
    return `${opts.label} [${bar}] ${pct}% ${done}/${total}${unit}${note ? `  ${note}` : ''}`;
  };

  const draw = (note?: string): void => {
    if (opts.quiet || finished) return;
    if (tty) {
      stream.write(`\r${render(note)}\x1b[K`);
    } else {
      const decile = total > 0 ? Math.floor((10 * done) / total) : 10;
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${render(note)}\n`);
      }
    }
  };

  return {
    tick(n = 1, note) {
      done += n;
      draw(note);
    },
    update(value, note) {
      done = value;
      draw(note);
    },
    done(note) {
      if (finished) return;
      done = total;
      if (!opts.quiet) {
        if (tty) stream.write(`\r${render(note)}\x1b[K\n`);
        else if (lastDecile !== 10 || note) stream.write(`${render(note)}\n`);
      }
      finished = true;
    },
  };
}
