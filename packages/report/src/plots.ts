import { el, esc, formatBytes, palette, round, svg, text, ticks, tip } from './svg';

export interface ConfusionMatrixPlot {
  title: string;
  labels: string[];
  /** matrix[true][predicted] counts. */
  matrix: number[][];
}

/** Heat map of a confusion matrix; cells shaded by the share of their true class, with counts. */
export function confusionMatrix(p: ConfusionMatrixPlot): string {
  const n = p.labels.length;
  const cell = Math.max(28, Math.min(56, Math.floor(336 / Math.max(1, n))));
  const left = 96;
  const top = 40;
  const width = left + n * cell + 20;
  const height = top + n * cell + 70;
  let body = text(left, 18, p.title, { class: 'title' });
  for (let t = 0; t < n; t++) {
    const row = p.matrix[t] ?? [];
    const total = row.reduce((a, b) => a + b, 0);
    body += text(left - 6, top + t * cell + cell / 2 + 4, p.labels[t]!, { 'text-anchor': 'end' });
    for (let q = 0; q < n; q++) {
      const count = row[q] ?? 0;
      const share = total > 0 ? count / total : 0;
      const fill = t === q ? `rgba(0,114,178,${round(0.1 + 0.9 * share)})` : `rgba(213,94,0,${round(share === 0 ? 0 : 0.1 + 0.9 * share)})`;
      body += el(
        'rect',
        { x: left + q * cell, y: top + t * cell, width: cell, height: cell, fill, stroke: '#ccc', class: 'cell' },
        tip(`true ${p.labels[t]}, predicted ${p.labels[q]}: ${count} (${(share * 100).toFixed(1)} %)`),
      );
      body += text(left + q * cell + cell / 2, top + t * cell + cell / 2 + 4, count, {
        'text-anchor': 'middle',
        fill: share > 0.6 ? '#fff' : '#222',
      });
    }
  }
  for (let q = 0; q < n; q++) {
    const x = left + q * cell + cell / 2;
    const y = top + n * cell + 10;
    body += text(x, y, p.labels[q]!, { transform: `rotate(40 ${round(x)} ${round(y)})`, 'text-anchor': 'start' });
  }
  body += text(left + (n * cell) / 2, height - 4, 'predicted', { 'text-anchor': 'middle', class: 'axis-label' });
  return svg(width, height, body, p.title);
}

export interface ScatterPoint {
  x: number;
  y: number;
  label: string;
  /** Drawn larger and marked, e.g. the chosen recipe. */
  highlight?: boolean;
  /** Draw the label beside the point (default true; others show it on hover). */
  labelled?: boolean;
}

export interface ScatterPlot {
  title: string;
  xLabel: string;
  yLabel: string;
  points: ScatterPoint[];
  logX?: boolean;
  /** Vertical lines, e.g. a budget. */
  xMarkers?: { x: number; label: string }[];
  formatX?: (v: number) => string;
}

/** Scatter plot (e.g. accuracy vs weight bytes per compression recipe, the chosen one marked). */
export function scatter(p: ScatterPlot): string {
  const W = 560;
  const H = 320;
  const m = { l: 56, r: 20, t: 30, b: 46 };
  const fx = p.logX ? Math.log10 : (v: number) => v;
  const xs = [...p.points.map((q) => q.x), ...(p.xMarkers ?? []).map((q) => q.x)].filter((v) => !p.logX || v > 0);
  const ys = p.points.map((q) => q.y);
  let x0 = fx(Math.min(...xs));
  let x1 = fx(Math.max(...xs));
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  const padX = (x1 - x0) * 0.06;
  x0 -= padX;
  x1 += padX;
  let y0 = Math.min(...ys);
  let y1 = Math.max(...ys);
  if (y0 === y1) [y0, y1] = [y0 - 0.05, y1 + 0.05];
  const padY = (y1 - y0) * 0.1;
  y0 -= padY;
  y1 += padY;
  const sx = (v: number): number => m.l + ((fx(v) - x0) / (x1 - x0)) * (W - m.l - m.r);
  const sy = (v: number): number => H - m.b - ((v - y0) / (y1 - y0)) * (H - m.t - m.b);
  const fmtX = p.formatX ?? ((v: number) => String(v));
  let body = text(m.l, 18, p.title, { class: 'title' });
  body += el('line', { x1: m.l, y1: H - m.b, x2: W - m.r, y2: H - m.b, class: 'axis' });
  body += el('line', { x1: m.l, y1: m.t, x2: m.l, y2: H - m.b, class: 'axis' });
  const xt = p.logX
    ? ticks(Math.floor(x0), Math.ceil(x1), Math.max(1, Math.ceil(x1) - Math.floor(x0))).map((e) => 10 ** e)
    : ticks(x0, x1);
  for (const v of xt) {
    if (fx(v) < x0 || fx(v) > x1) continue;
    body += el('line', { x1: round(sx(v)), y1: H - m.b, x2: round(sx(v)), y2: H - m.b + 4, class: 'axis' });
    body += text(sx(v), H - m.b + 16, fmtX(v), { 'text-anchor': 'middle' });
  }
  for (const v of ticks(y0, y1)) {
    body += el('line', { x1: m.l, y1: round(sy(v)), x2: W - m.r, y2: round(sy(v)), class: 'grid' });
    body += text(m.l - 6, sy(v) + 4, Number(v.toFixed(3)), { 'text-anchor': 'end' });
  }
  for (const mk of p.xMarkers ?? []) {
    body += el('line', { x1: round(sx(mk.x)), y1: m.t, x2: round(sx(mk.x)), y2: H - m.b, class: 'marker' });
    body += text(sx(mk.x) + 4, m.t + 10, mk.label, { class: 'marker-label' });
  }
  p.points.forEach((q, i) => {
    const r = q.highlight ? 7 : 4.5;
    body += el(
      'circle',
      { cx: round(sx(q.x)), cy: round(sy(q.y)), r, fill: palette[i % palette.length], class: q.highlight ? 'point chosen' : 'point' },
      tip(`${q.label}: ${fmtX(q.x)}, ${q.y}`),
    );
    if (q.labelled !== false || q.highlight) {
      body += text(sx(q.x) + r + 2, sy(q.y) - r, q.highlight ? `${q.label} (chosen)` : q.label, { class: 'point-label' });
    }
  });
  body += text((m.l + W - m.r) / 2, H - 6, p.xLabel, { 'text-anchor': 'middle', class: 'axis-label' });
  body += text(14, (m.t + H - m.b) / 2, p.yLabel, {
    'text-anchor': 'middle',
    transform: `rotate(-90 14 ${round((m.t + H - m.b) / 2)})`,
    class: 'axis-label',
  });
  return svg(W, H, body, p.title);
}

export interface StackedBar {
  label: string;
  segments: { name: string; value: number }[];
  /** The budget this bar is measured against (drawn as a tick and used for the scale). */
  budget?: number;
}

export interface StackedBarsPlot {
  title: string;
  bars: StackedBar[];
  format?: (v: number) => string;
}

/** Horizontal stacked bars against a budget (e.g. flash and RAM: weights / code / arena / stack). */
export function stackedBars(p: StackedBarsPlot): string {
  const W = 600;
  const rowH = 34;
  const left = 70;
  const right = 170;
  const top = 30;
  const names = [...new Set(p.bars.flatMap((b) => b.segments.map((s) => s.name)))];
  const H = top + p.bars.length * rowH + 34;
  const fmt = p.format ?? formatBytes;
  let body = text(left, 18, p.title, { class: 'title' });
  p.bars.forEach((bar, i) => {
    const used = bar.segments.reduce((a, s) => a + s.value, 0);
    const scaleMax = Math.max(used, bar.budget ?? 0) || 1;
    const scale = (W - left - right) / scaleMax;
    const y = top + i * rowH;
    body += text(left - 6, y + 17, bar.label, { 'text-anchor': 'end' });
    let x = left;
    for (const s of bar.segments) {
      const w = s.value * scale;
      body += el(
        'rect',
        { x: round(x), y, width: round(Math.max(w, 0)), height: 24, fill: palette[names.indexOf(s.name) % palette.length], class: 'bar' },
        tip(`${bar.label} ${s.name}: ${fmt(s.value)}`),
      );
      x += w;
    }
    if (bar.budget !== undefined) {
      const bx = left + bar.budget * scale;
      body += el('line', { x1: round(bx), y1: y - 3, x2: round(bx), y2: y + 27, class: 'budget' });
      const pct = (100 * used) / bar.budget;
      body += text(W - right + 6, y + 17, `${fmt(used)} / ${fmt(bar.budget)} (${pct.toFixed(pct < 10 ? 1 : 0)} %)`, {
        class: used > bar.budget ? 'over' : '',
      });
    } else {
      body += text(W - right + 6, y + 17, fmt(used));
    }
  });
  let lx = left;
  const ly = H - 12;
  names.forEach((name, i) => {
    body += el('rect', { x: lx, y: ly - 9, width: 10, height: 10, fill: palette[i % palette.length] });
    body += text(lx + 14, ly, name);
    lx += 24 + name.length * 7;
  });
  return svg(W, H, body, p.title);
}

export interface BarsPlot {
  title: string;
  yLabel: string;
  bars: { label: string; value: number; note?: string }[];
  logY?: boolean;
  format?: (v: number) => string;
}

/** Vertical bars (e.g. airtime per spreading factor, uplinks per day). */
export function bars(p: BarsPlot): string {
  const W = Math.max(560, 60 + 46 * p.bars.length);
  const H = 260;
  const m = { l: 60, r: 16, t: 30, b: 40 };
  const fmt = p.format ?? ((v: number) => String(Number(v.toPrecision(3))));
  const f = p.logY ? (v: number) => Math.log10(Math.max(v, 1e-9)) : (v: number) => v;
  const vals = p.bars.map((b) => f(b.value));
  const lo = p.logY ? Math.floor(Math.min(...vals)) : 0;
  const hi = Math.max(lo + 1e-9, p.logY ? Math.ceil(Math.max(...vals)) : Math.max(...vals) * 1.1);
  const sy = (v: number): number => H - m.b - ((f(v) - lo) / (hi - lo)) * (H - m.t - m.b);
  const bw = (W - m.l - m.r) / Math.max(1, p.bars.length);
  let body = text(m.l, 18, p.title, { class: 'title' });
  body += el('line', { x1: m.l, y1: H - m.b, x2: W - m.r, y2: H - m.b, class: 'axis' });
  const yt = p.logY ? ticks(lo, hi, Math.max(1, hi - lo)).map((e) => 10 ** e) : ticks(0, hi);
  for (const v of yt) {
    body += el('line', { x1: m.l, y1: round(sy(v)), x2: W - m.r, y2: round(sy(v)), class: 'grid' });
    body += text(m.l - 6, sy(v) + 4, fmt(v), { 'text-anchor': 'end' });
  }
  p.bars.forEach((b, i) => {
    const x = m.l + i * bw + bw * 0.15;
    const y = sy(b.value);
    body += el(
      'rect',
      { x: round(x), y: round(y), width: round(bw * 0.7), height: round(H - m.b - y), fill: palette[0], class: 'bar' },
      tip(`${b.label}: ${fmt(b.value)}${b.note ? ` — ${b.note}` : ''}`),
    );
    body += text(x + bw * 0.35, y - 4, fmt(b.value), { 'text-anchor': 'middle', class: 'value' });
    body += text(x + bw * 0.35, H - m.b + 16, b.label, { 'text-anchor': 'middle' });
  });
  body += text(14, (m.t + H - m.b) / 2, p.yLabel, {
    'text-anchor': 'middle',
    transform: `rotate(-90 14 ${round((m.t + H - m.b) / 2)})`,
    class: 'axis-label',
  });
  return svg(W, H, body, p.title);
}

export interface BitLayoutPlot {
  title: string;
  /** Fields in transmission order with their widths in bits (MSB first). */
  fields: { name: string; bits: number }[];
}

/** The payload's bit layout: one row per byte, fields drawn across their bits. */
export function bitLayout(p: BitLayoutPlot): string {
  const totalBits = p.fields.reduce((a, f) => a + f.bits, 0);
  const bytes = Math.ceil(totalBits / 8);
  const bitW = 58;
  const rowH = 30;
  const left = 64;
  const top = 44;
  const W = left + 8 * bitW + 10;
  const H = top + bytes * rowH + 16;
  let body = text(left, 18, `${p.title} — ${totalBits} bits in ${bytes} bytes`, { class: 'title' });
  for (let b = 0; b < 8; b++) body += text(left + b * bitW + bitW / 2, top - 8, `bit ${7 - b}`, { 'text-anchor': 'middle', class: 'small' });
  for (let r = 0; r < bytes; r++) body += text(left - 8, top + r * rowH + 19, `byte ${r}`, { 'text-anchor': 'end' });
  let pos = 0;
  p.fields.forEach((f, i) => {
    let remaining = f.bits;
    let first = true;
    while (remaining > 0) {
      const row = Math.floor(pos / 8);
      const col = pos % 8;
      const n = Math.min(remaining, 8 - col);
      body += el(
        'rect',
        { x: left + col * bitW, y: top + row * rowH, width: n * bitW, height: rowH - 4, fill: palette[i % palette.length], 'fill-opacity': 0.35, stroke: '#555', class: 'field' },
        tip(`${f.name}: ${f.bits} bits, from bit ${pos}`),
      );
      if (first || n >= 3) body += text(left + col * bitW + (n * bitW) / 2, top + row * rowH + 17, f.name, { 'text-anchor': 'middle', class: 'small' });
      first = false;
      pos += n;
      remaining -= n;
    }
  });
  if (pos % 8) {
    const row = Math.floor(pos / 8);
    const col = pos % 8;
    body += el('rect', { x: left + col * bitW, y: top + row * rowH, width: (8 - col) * bitW, height: rowH - 4, fill: '#eee', stroke: '#bbb' }, tip('padding'));
  }
  return svg(W, H, body, esc(p.title));
}
