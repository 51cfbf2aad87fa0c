/** Minimal SVG building blocks shared by the plots. */
export function esc(text: string | number): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export type Attrs = Record<string, string | number | undefined>;

export function el(tag: string, attrs: Attrs, children = ''): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(v!)}"`)
    .join('');
  return children ? `<${tag}${a}>${children}</${tag}>` : `<${tag}${a}/>`;
}

export function text(x: number, y: number, content: string | number, attrs: Attrs = {}): string {
  return el('text', { x: round(x), y: round(y), ...attrs }, esc(content));
}

/** A hover tooltip: an SVG <title> child. */
export function tip(content: string): string {
  return `<title>${esc(content)}</title>`;
}

export function svg(width: number, height: number, body: string, label: string): string {
  return el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${round(width)} ${round(height)}`,
      width: round(width),
      height: round(height),
      role: 'img',
      'aria-label': label,
      class: 'plot',
    },
    body,
  );
}

export const round = (v: number): number => Math.round(v * 10) / 10;

/** A categorical palette readable on white and by most colour-blind readers (Okabe–Ito). */
export const palette = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
];

/** Font sizes of the plot text classes (the report's CSS: 11 px text, 10 px small and point labels, 13 px bold titles). */
export const fontSize = { text: 11, small: 10, title: 13 } as const;

/**
 * Advance widths of printable ASCII in DejaVu Sans, in hundredths of an em (space to tilde). DejaVu Sans is
 * what `system-ui` resolves to on Debian and one of the widest common sans-serif faces, so the estimates
 * below are on the safe side for the faces other systems pick.
 */
const asciiWidths = [
  32, 40, 46, 84, 64, 95, 78, 27, 39, 39, 50, 84, 32, 36, 32, 34, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 34,
  34, 84, 84, 84, 53, 100, 71, 69, 70, 77, 63, 58, 77, 75, 29, 29, 66, 56, 86, 75, 79, 60, 79, 69, 63, 60, 73,
  68, 99, 69, 61, 69, 39, 34, 39, 84, 50, 50, 61, 63, 55, 63, 62, 34, 63, 63, 28, 28, 58, 28, 97, 63, 61, 63,
  63, 40, 52, 39, 63, 59, 82, 59, 59, 52, 64, 34, 64, 84,
];

/** Estimated width in px of `content` set in the plots' font (bold: the titles' weight). */
export function textWidth(content: string | number, size: number = fontSize.text, bold = false): number {
  let em = 0;
  for (const ch of String(content)) {
    const code = ch.codePointAt(0)!;
    em += code >= 32 && code < 127 ? asciiWidths[code - 32]! / 100 : ch === '—' || ch === '…' ? 1 : 0.84;
  }
  return em * size * (bold ? 1.12 : 1);
}

/** Height of a text line's box in px (ascent + descent of the font). */
export const lineHeight = (size: number = fontSize.text): number => Math.ceil(size * 1.17);

/** Splits `content` into lines no wider than `maxWidth` at spaces (a word longer than the line gets its own). */
export function wrapText(
  content: string,
  maxWidth: number,
  size: number = fontSize.text,
  bold = false,
): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of content.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && textWidth(candidate, size, bold) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/** `content` cut to fit `maxWidth`, with an ellipsis when it was cut. */
export function fitText(content: string, maxWidth: number, size: number = fontSize.small): string {
  if (textWidth(content, size) <= maxWidth) return content;
  let cut = content;
  while (cut.length > 1 && textWidth(`${cut}…`, size) > maxWidth) cut = cut.slice(0, -1);
  return cut.length > 1 ? `${cut}…` : '';
}

/**
 * A plot title at (x, 18), wrapped to `maxWidth`; returns the SVG and the y below its last line (where the
 * plot may start).
 */
export function plotTitle(content: string, x: number, maxWidth: number): { svg: string; bottom: number } {
  const lines = wrapText(content, maxWidth, fontSize.title, true);
  const step = lineHeight(fontSize.title) + 1;
  const body = lines.map((l, i) => text(x, 18 + i * step, l, { class: 'title' })).join('');
  return { svg: body, bottom: 18 + (lines.length - 1) * step + 8 };
}

/** "Nice" tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * Ticks of a log axis over [10^lo, 10^hi] (lo, hi in decades): the powers of ten, and 2 and 5 times them
 * when the axis spans less than two decades.
 */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  const steps = hi - lo < 2 ? [1, 2, 5] : [1];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (const m of steps) {
      const v = Number((m * 10 ** e).toPrecision(12));
      const l = Math.log10(v);
      if (l >= lo - 1e-9 && l <= hi + 1e-9) out.push(v);
    }
  }
  return out;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** An axis-aligned box, used to keep labels apart. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const boxesOverlap = (a: Box, b: Box, gap = 1): boolean =>
  a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap;

/** The box of a one-line text at (x, y) (baseline) with the given anchor. */
export function textBox(
  x: number,
  y: number,
  content: string,
  size: number = fontSize.text,
  anchor: 'start' | 'middle' | 'end' = 'start',
): Box {
  const w = textWidth(content, size);
  const left = anchor === 'start' ? x : anchor === 'middle' ? x - w / 2 : x - w;
  return { x: left, y: y - size * 0.93, w, h: size * 1.17 };
}
