import {
  boxesOverlap,
  el,
  fitText,
  fontSize,
  formatBytes,
  lineHeight,
  logTicks,
  palette,
  plotTitle,
  round,
  svg,
  text,
  textBox,
  textWidth,
  ticks,
  tip,
  wrapText,
  type Box,
} from './svg';

/** Widest plot: what fits the report's content column (1180 px page less its padding). */
export const MAX_PLOT_WIDTH = 1060;

const SIN40 = Math.sin((40 * Math.PI) / 180);
const COS40 = Math.cos((40 * Math.PI) / 180);

/** A y-axis label rotated to read upwards at x = 14 (its glyphs take x from about 4 to 17). */
function yAxisLabel(label: string, top: number, bottom: number): string {
  const cy = round((top + bottom) / 2);
  return text(14, cy, label, {
    'text-anchor': 'middle',
    transform: `rotate(-90 14 ${cy})`,
    class: 'axis-label',
  });
}

/** Left margin that holds the rotated y-axis label and tick labels as wide as `tickWidth`. */
const leftMargin = (tickWidth: number, min = 44): number => Math.max(min, Math.ceil(28 + tickWidth + 8));

export interface ConfusionMatrixPlot {
  title: string;
  labels: string[];
  /** matrix[true][predicted] counts. */
  matrix: number[][];
}

/**
 * Heat map of a confusion matrix; cells shaded by the share of their true class, with counts. Rows are the
 * true class, columns the predicted class, and both axes say so.
 */
export function confusionMatrix(p: ConfusionMatrixPlot): string {
  const n = p.labels.length;
  const cell = Math.max(28, Math.min(56, Math.floor(336 / Math.max(1, n))));
  const labelW = Math.max(0, ...p.labels.map((l) => textWidth(l)));
  const left = Math.ceil(26 + labelW + 6);
  // The last column's rotated label reaches cos 40° of its width to the right of the column's centre.
  const width = Math.ceil(
    Math.max(left + n * cell + 12, left + (n - 0.5) * cell + labelW * COS40 + fontSize.text * SIN40 + 8, 240),
  );
  const title = plotTitle(p.title, 8, width - 16);
  const top = title.bottom + 8;
  const labelsY = top + n * cell + 10;
  const axisY = Math.ceil(labelsY + labelW * SIN40 + fontSize.text * 0.3 + 16);
  const height = axisY + 6;
  let body = title.svg;
  for (let t = 0; t < n; t++) {
    const row = p.matrix[t] ?? [];
    const total = row.reduce((a, b) => a + b, 0);
    body += text(left - 6, top + t * cell + cell / 2 + 4, p.labels[t]!, { 'text-anchor': 'end' });
    for (let q = 0; q < n; q++) {
      const count = row[q] ?? 0;
      const share = total > 0 ? count / total : 0;
      const fill =
        t === q
          ? `rgba(0,114,178,${round(0.1 + 0.9 * share)})`
          : `rgba(213,94,0,${round(share === 0 ? 0 : 0.1 + 0.9 * share)})`;
      body += el(
        'rect',
        {
          x: left + q * cell,
          y: top + t * cell,
          width: cell,
          height: cell,
          fill,
          stroke: '#ccc',
          class: 'cell',
        },
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
    body += text(x, labelsY, p.labels[q]!, {
      transform: `rotate(40 ${round(x)} ${round(labelsY)})`,
      'text-anchor': 'start',
    });
  }
  body += text(left + (n * cell) / 2, axisY, 'predicted class', {
    'text-anchor': 'middle',
    class: 'axis-label',
  });
  body += yAxisLabel('true class', top, top + n * cell);
  return svg(width, height, body, p.title);
}

export interface ScatterPoint {
  x: number;
  y: number;
  label: string;
  /** Drawn larger and marked, e.g. the chosen recipe. */
  highlight?: boolean;
  /**
   * false: label the point only where room is left once the others are labelled (default true). A label
   * that finds no room is listed under the plot with the point's values.
   */
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
  formatY?: (v: number) => string;
  /** A point's values in its tooltip and in the list of labels that found no room (default "x, y"). */
  formatPoint?: (x: number, y: number) => string;
}

/** Keeps the labels of an axis that do not collide with the one kept before them (left to right). */
function spacedLabels<T extends { box: Box }>(labels: T[], bounds: { lo: number; hi: number }): T[] {
  const kept: T[] = [];
  for (const l of labels) {
    if (l.box.x < bounds.lo || l.box.x + l.box.w > bounds.hi) continue;
    const last = kept[kept.length - 1];
    if (last && last.box.x + last.box.w + 6 > l.box.x) continue;
    kept.push(l);
  }
  return kept;
}

/**
 * Scatter plot (e.g. accuracy vs weight bytes per compression recipe, the chosen one marked). Labels are
 * placed where they overlap no other label, point or marker label, with a leader line when they sit away
 * from their point; points at the same place share one label; a label that finds no place is listed
 * under the plot, with the point's values, beside its point's colour.
 */
export function scatter(p: ScatterPlot): string {
  const W = 560;
  const fx = p.logX ? Math.log10 : (v: number) => v;
  const fmtX = p.formatX ?? ((v: number) => String(v));
  const fmtY = p.formatY ?? ((v: number) => String(Number(v.toFixed(3))));
  const fmtPoint = p.formatPoint ?? ((x: number, y: number) => `${fmtX(x)}, ${fmtY(y)}`);
  const xs = [...p.points.map((q) => q.x), ...(p.xMarkers ?? []).map((q) => q.x)].filter(
    (v) => !p.logX || v > 0,
  );
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
  // More room above the points than below: labels sit above their points more often than below.
  const padY = (y1 - y0) * 0.1;
  y0 -= padY;
  y1 += 1.5 * padY;
  const yTicks = ticks(y0, y1);
  const m = { l: leftMargin(Math.max(0, ...yTicks.map((v) => textWidth(fmtY(v))))), r: 20, t: 0, b: 46 };
  const title = plotTitle(p.title, m.l, W - m.l - 8);
  m.t = title.bottom + 8;
  const plotH = 250;
  const axisBottom = m.t + plotH;
  const sx = (v: number): number => m.l + ((fx(v) - x0) / (x1 - x0)) * (W - m.l - m.r);
  const sy = (v: number): number => axisBottom - ((v - y0) / (y1 - y0)) * plotH;
  let body = title.svg;
  body += el('line', { x1: m.l, y1: axisBottom, x2: W - m.r, y2: axisBottom, class: 'axis' });
  body += el('line', { x1: m.l, y1: m.t, x2: m.l, y2: axisBottom, class: 'axis' });
  const xt = (p.logX ? logTicks(x0, x1) : ticks(x0, x1)).filter((v) => fx(v) >= x0 && fx(v) <= x1);
  for (const v of xt)
    body += el('line', {
      x1: round(sx(v)),
      y1: axisBottom,
      x2: round(sx(v)),
      y2: axisBottom + 4,
      class: 'axis',
    });
  const xLabels = spacedLabels(
    xt.map((v) => ({ v, box: textBox(sx(v), axisBottom + 16, fmtX(v), fontSize.text, 'middle') })),
    { lo: 0, hi: W },
  );
  for (const { v } of xLabels) body += text(sx(v), axisBottom + 16, fmtX(v), { 'text-anchor': 'middle' });
  for (const v of yTicks) {
    body += el('line', { x1: m.l, y1: round(sy(v)), x2: W - m.r, y2: round(sy(v)), class: 'grid' });
    body += text(m.l - 6, sy(v) + 4, fmtY(v), { 'text-anchor': 'end' });
  }
  // Labels stay inside the plot area, clear of the points, the marker labels and each other.
  const area: Box = { x: m.l + 3, y: m.t, w: W - m.r - m.l - 3, h: plotH - 2 };
  const inside = (b: Box): boolean =>
    b.x >= area.x && b.y >= area.y && b.x + b.w <= area.x + area.w && b.y + b.h <= area.y + area.h;
  const taken: Box[] = [];
  for (const mk of p.xMarkers ?? []) {
    const x = sx(mk.x);
    body += el('line', { x1: round(x), y1: m.t, x2: round(x), y2: axisBottom, class: 'marker' });
    const right = textBox(x + 4, m.t + 11, mk.label, fontSize.text, 'start');
    const useRight = inside(right);
    const box = useRight ? right : textBox(x - 4, m.t + 11, mk.label, fontSize.text, 'end');
    body += text(useRight ? x + 4 : x - 4, m.t + 11, mk.label, {
      class: 'marker-label',
      'text-anchor': useRight ? 'start' : 'end',
    });
    taken.push(box);
  }
  const drawn = p.points.map((q, i) => ({ q, i, px: sx(q.x), py: sy(q.y), r: q.highlight ? 7 : 4.5 }));
  for (const d of drawn) {
    taken.push({ x: d.px - d.r - 1, y: d.py - d.r - 1, w: 2 * d.r + 2, h: 2 * d.r + 2 });
    body += el(
      'circle',
      {
        cx: round(d.px),
        cy: round(d.py),
        r: d.r,
        fill: palette[d.i % palette.length],
        class: d.q.highlight ? 'point chosen' : 'point',
      },
      tip(`${d.q.label}: ${fmtPoint(d.q.x, d.q.y)}`),
    );
  }
  // Points closer than 3 px share one label; the chosen point is placed first, then the labelled ones.
  const rank = (d: (typeof drawn)[number]): number => (d.q.highlight ? 0 : d.q.labelled === false ? 2 : 1);
  const groups: { members: typeof drawn; label: string }[] = [];
  for (const d of [...drawn].sort((a, b) => rank(a) - rank(b))) {
    const g = groups.find((g) => Math.hypot(g.members[0]!.px - d.px, g.members[0]!.py - d.py) < 3);
    if (g) g.members.push(d);
    else groups.push({ members: [d], label: '' });
  }
  for (const g of groups)
    g.label = g.members.map((d) => (d.q.highlight ? `${d.q.label} (chosen)` : d.q.label)).join(', ');
  const unplaced: { label: string; colour: string }[] = [];
  const s = fontSize.small;
  for (const g of groups) {
    const { px, py } = g.members[0]!;
    const r = Math.max(...g.members.map((d) => d.r));
    let placed:
      { x: number; y: number; anchor: 'start' | 'middle' | 'end'; box: Box; far: boolean } | undefined;
    for (const dist of [0, 10, 22, 36]) {
      const candidates: [number, number, 'start' | 'middle' | 'end'][] = [
        [px + r + 3 + dist, py + 4, 'start'],
        [px - r - 3 - dist, py + 4, 'end'],
        [px, py - r - 4 - dist, 'middle'],
        [px, py + r + 11 + dist, 'middle'],
        [px + r + 2 + dist, py - r - 2 - dist / 2, 'start'],
        [px + r + 2 + dist, py + r + 9 + dist / 2, 'start'],
        [px - r - 2 - dist, py - r - 2 - dist / 2, 'end'],
        [px - r - 2 - dist, py + r + 9 + dist / 2, 'end'],
      ];
      for (const [x, y, anchor] of candidates) {
        const box = textBox(x, y, g.label, s, anchor);
        if (inside(box) && !taken.some((t) => boxesOverlap(t, box, 2))) {
          placed = { x, y, anchor, box, far: dist > 0 };
          break;
        }
      }
      if (placed) break;
    }
    if (!placed) {
      // The colour of the member drawn last, on top of the others.
      const top = g.members.reduce((a, b) => (b.i > a.i ? b : a));
      unplaced.push({
        label: `${g.label}: ${fmtPoint(top.q.x, top.q.y)}`,
        colour: palette[top.i % palette.length]!,
      });
      continue;
    }
    taken.push(placed.box);
    if (placed.far) {
      // A leader line from the point's edge to the nearest point of the label's box.
      const b = placed.box;
      const tx = Math.min(Math.max(px, b.x), b.x + b.w);
      const ty = Math.min(Math.max(py, b.y), b.y + b.h);
      const len = Math.hypot(tx - px, ty - py) || 1;
      body += el('line', {
        x1: round(px + ((tx - px) * (r + 1)) / len),
        y1: round(py + ((ty - py) * (r + 1)) / len),
        x2: round(tx),
        y2: round(ty),
        class: 'leader',
      });
    }
    body += text(placed.x, placed.y, g.label, { class: 'point-label', 'text-anchor': placed.anchor });
  }
  body += text((m.l + W - m.r) / 2, axisBottom + 34, p.xLabel, {
    'text-anchor': 'middle',
    class: 'axis-label',
  });
  body += yAxisLabel(p.yLabel, m.t, axisBottom);
  // Labels that found no place: one line each under the plot, beside a dot of their point's colour.
  let H = axisBottom + m.b;
  for (const u of unplaced) {
    const lines = wrapText(u.label, W - m.l - 24, s);
    body += el('circle', { cx: m.l + 4, cy: H - 4, r: 4, fill: u.colour });
    lines.forEach((l, k) => {
      body += text(m.l + 14, H + k * (lineHeight(s) + 1), l, { class: 'point-label' });
    });
    H += lines.length * (lineHeight(s) + 1) + 3;
  }
  return svg(W, H, body, p.title);
}

export interface StackedBar {
  label: string;
  segments: { name: string; value: number }[];
  /** The budget this bar is measured against (drawn as a tick and used for the scale). */
  budget?: number;
  /** Text right of the bar (default: the used total against the budget). */
  note?: string;
}

export interface StackedBarsPlot {
  title: string;
  bars: StackedBar[];
  format?: (v: number) => string;
  /** One scale for all bars (default: each bar to its own budget). */
  sharedScale?: boolean;
}

/** Horizontal stacked bars against a budget (e.g. flash and RAM: weights / code / arena / stack). */
export function stackedBars(p: StackedBarsPlot): string {
  const rowH = 34;
  const fmt = p.format ?? formatBytes;
  const names = [...new Set(p.bars.flatMap((b) => b.segments.map((s) => s.name)))];
  const notes = p.bars.map((bar) => {
    const used = bar.segments.reduce((a, s) => a + s.value, 0);
    if (bar.note !== undefined) return { used, note: bar.note, over: false };
    if (bar.budget === undefined) return { used, note: fmt(used), over: false };
    const pct = (100 * used) / bar.budget;
    return {
      used,
      note: `${fmt(used)} / ${fmt(bar.budget)} (${pct.toFixed(pct < 10 ? 1 : 0)} %)`,
      over: used > bar.budget,
    };
  });
  const left = Math.ceil(Math.max(70, 14 + Math.max(0, ...p.bars.map((b) => textWidth(b.label)))));
  const right = Math.ceil(12 + Math.max(0, ...notes.map((n) => textWidth(n.note, fontSize.text, true))));
  const W = Math.min(MAX_PLOT_WIDTH, Math.max(600, left + 300 + right));
  const title = plotTitle(p.title, left, W - left - 8);
  const top = title.bottom + 8;
  const sharedMax = Math.max(0, ...p.bars.map((b, i) => Math.max(notes[i]!.used, b.budget ?? 0))) || 1;
  let body = title.svg;
  p.bars.forEach((bar, i) => {
    const { used, note, over } = notes[i]!;
    const scaleMax = p.sharedScale ? sharedMax : Math.max(used, bar.budget ?? 0) || 1;
    const scale = (W - left - right) / scaleMax;
    const y = top + i * rowH;
    body += text(left - 6, y + 17, bar.label, { 'text-anchor': 'end' });
    let x = left;
    for (const s of bar.segments) {
      const w = s.value * scale;
      body += el(
        'rect',
        {
          x: round(x),
          y,
          width: round(Math.max(w, 0)),
          height: 24,
          fill: palette[names.indexOf(s.name) % palette.length],
          class: 'bar',
        },
        tip(`${bar.label} ${s.name}: ${fmt(s.value)}`),
      );
      x += w;
    }
    if (bar.budget !== undefined) {
      const bx = left + bar.budget * scale;
      body += el('line', { x1: round(bx), y1: y - 3, x2: round(bx), y2: y + 27, class: 'budget' });
    }
    body += text(W - right + 6, y + 17, note, { class: over ? 'over' : undefined });
  });
  // The legend, wrapped to the plot's width.
  let lx = left;
  let ly = top + p.bars.length * rowH + 14;
  names.forEach((name, i) => {
    const w = 14 + textWidth(name) + 14;
    if (lx > left && lx + w > W - 8) {
      lx = left;
      ly += 18;
    }
    body += el('rect', { x: round(lx), y: ly - 9, width: 10, height: 10, fill: palette[i % palette.length] });
    body += text(lx + 14, ly, name);
    lx += w;
  });
  return svg(W, ly + 10, body, p.title);
}

export interface BarsPlot {
  title: string;
  yLabel: string;
  bars: { label: string; value: number; note?: string }[];
  logY?: boolean;
  format?: (v: number) => string;
}

export interface GroupedBarsPlot {
  title: string;
  yLabel: string;
  /** The bars of every group, in order (shown in a legend). */
  series: string[];
  groups: { label: string; values: number[]; notes?: (string | undefined)[] }[];
  logY?: boolean;
  format?: (v: number) => string;
}

/** Vertical bars (e.g. airtime per spreading factor, charge per day). */
export function bars(p: BarsPlot): string {
  return groupedBars({
    title: p.title,
    yLabel: p.yLabel,
    series: [''],
    groups: p.bars.map((b) => ({ label: b.label, values: [b.value], notes: [b.note] })),
    logY: p.logY,
    format: p.format,
  });
}

/**
 * Vertical bars in groups, one bar per series in each (e.g. uplinks per day by spreading factor under two
 * limits). The plot widens until every group's label and every bar's value fit; past the widest plot the
 * group labels turn by 35° and values that do not fit their bar are left to the tooltip.
 */
export function groupedBars(p: GroupedBarsPlot): string {
  const fmt = p.format ?? ((v: number) => String(Number(v.toPrecision(3))));
  const f = p.logY ? (v: number) => Math.log10(Math.max(v, 1e-9)) : (v: number) => v;
  const values = p.groups.flatMap((g) => g.values);
  const shown = p.logY ? values.filter((v) => v > 0) : values;
  const vals = shown.map(f);
  const lo = p.logY ? Math.floor(Math.min(...vals, 0)) : 0;
  const hi = Math.max(
    lo + 1e-9,
    p.logY ? Math.max(lo + 1, Math.ceil(Math.max(...vals))) : Math.max(...vals, 0) * 1.05,
  );
  const yt = p.logY ? ticks(lo, hi, Math.max(1, hi - lo)).map((e) => 10 ** e) : ticks(0, hi);
  const legend = p.series.length > 1;
  const m = { l: leftMargin(Math.max(0, ...yt.map((v) => textWidth(fmt(v))))), r: 16, t: 0, b: 0 };
  const nSeries = Math.max(1, p.series.length);
  const valueW = Math.max(0, ...values.map((v) => textWidth(fmt(v), fontSize.small)));
  const labelW = Math.max(0, ...p.groups.map((g) => textWidth(g.label)));
  const barW = Math.max(16, Math.ceil(valueW + 4));
  const gap = nSeries > 1 ? 14 : Math.max(8, barW * 0.4);
  let groupW = Math.max(nSeries * barW + gap, labelW + 8);
  let W = Math.max(560, m.l + m.r + p.groups.length * groupW);
  if (W > MAX_PLOT_WIDTH) {
    W = MAX_PLOT_WIDTH;
    groupW = (W - m.l - m.r) / Math.max(1, p.groups.length);
  } else groupW = (W - m.l - m.r) / Math.max(1, p.groups.length);
  const bw = Math.min((groupW * 0.8) / nSeries, 60 * nSeries);
  const rotate = labelW + 6 > groupW;
  m.b = rotate ? Math.ceil(12 + labelW * Math.sin((35 * Math.PI) / 180) + 8) : 26;
  const title = plotTitle(p.title, m.l, W - m.l - 8);
  let top = title.bottom + 4;
  let body = title.svg;
  if (legend) {
    let lx = m.l;
    p.series.forEach((name, i) => {
      const w = 14 + textWidth(name) + 16;
      if (lx > m.l && lx + w > W - 8) {
        lx = m.l;
        top += 16;
      }
      body += el('rect', {
        x: round(lx),
        y: top + 2,
        width: 10,
        height: 10,
        fill: palette[i % palette.length],
      });
      body += text(lx + 14, top + 11, name);
      lx += w;
    });
    top += 18;
  }
  // Room above the highest bar for its value.
  const plotTop = top + lineHeight(fontSize.small) + 4;
  const plotH = 190;
  const axisY = plotTop + plotH;
  const H = axisY + m.b + 4;
  const sy = (v: number): number => axisY - ((f(v) - lo) / (hi - lo)) * plotH;
  body += el('line', { x1: m.l, y1: axisY, x2: W - m.r, y2: axisY, class: 'axis' });
  for (const v of yt) {
    body += el('line', { x1: m.l, y1: round(sy(v)), x2: W - m.r, y2: round(sy(v)), class: 'grid' });
    body += text(m.l - 6, sy(v) + 4, fmt(v), { 'text-anchor': 'end' });
  }
  p.groups.forEach((g, gi) => {
    const gx = m.l + gi * groupW;
    const first = gx + (groupW - nSeries * bw) / 2;
    g.values.forEach((value, si) => {
      if (p.logY && !(value > 0)) return;
      const x = first + si * bw;
      const y = Math.min(axisY, sy(value));
      const series = p.series[si] ? `${p.series[si]}: ` : '';
      const note = g.notes?.[si];
      body += el(
        'rect',
        {
          x: round(x + 1),
          y: round(y),
          width: round(bw - 2),
          height: round(axisY - y),
          fill: palette[si % palette.length],
          class: 'bar',
        },
        tip(`${g.label} ${series}${fmt(value)}${note ? ` — ${note}` : ''}`),
      );
      if (textWidth(fmt(value), fontSize.small) <= bw)
        body += text(x + bw / 2, y - 4, fmt(value), { 'text-anchor': 'middle', class: 'value small' });
    });
    const cx = gx + groupW / 2;
    if (rotate)
      body += text(cx, axisY + 14, g.label, {
        'text-anchor': 'end',
        transform: `rotate(-35 ${round(cx)} ${round(axisY + 14)})`,
      });
    else body += text(cx, axisY + 16, g.label, { 'text-anchor': 'middle' });
  });
  body += yAxisLabel(p.yLabel, plotTop, axisY);
  return svg(W, H, body, p.title);
}

export interface BitLayoutPlot {
  title: string;
  /** Fields in transmission order with their widths in bits (MSB first). */
  fields: { name: string; bits: number }[];
}

/**
 * The payload's bit layout: one row per byte, fields drawn across their bits; a name longer than its
 * field is cut with an ellipsis (the tooltip has it whole).
 */
export function bitLayout(p: BitLayoutPlot): string {
  const totalBits = p.fields.reduce((a, f) => a + f.bits, 0);
  const bytes = Math.ceil(totalBits / 8);
  const bitW = 58;
  const rowH = 30;
  const left = 64;
  const W = left + 8 * bitW + 10;
  const title = plotTitle(`${p.title} — ${totalBits} bits in ${bytes} bytes`, left, W - left - 8);
  const top = title.bottom + 18;
  const H = top + bytes * rowH + 16;
  let body = title.svg;
  for (let b = 0; b < 8; b++)
    body += text(left + b * bitW + bitW / 2, top - 8, `bit ${7 - b}`, {
      'text-anchor': 'middle',
      class: 'small',
    });
  for (let r = 0; r < bytes; r++)
    body += text(left - 8, top + r * rowH + 17, `byte ${r}`, { 'text-anchor': 'end' });
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
        {
          x: left + col * bitW,
          y: top + row * rowH,
          width: n * bitW,
          height: rowH - 4,
          fill: palette[i % palette.length],
          'fill-opacity': 0.35,
          stroke: '#555',
          class: 'field',
        },
        tip(`${f.name}: ${f.bits} bits, from bit ${pos}`),
      );
      const name = fitText(f.name, n * bitW - 6, fontSize.small);
      if (name && (first || n >= 3))
        body += text(left + col * bitW + (n * bitW) / 2, top + row * rowH + 17, name, {
          'text-anchor': 'middle',
          class: 'small',
        });
      first = false;
      pos += n;
      remaining -= n;
    }
  });
  if (pos % 8) {
    const row = Math.floor(pos / 8);
    const col = pos % 8;
    body += el(
      'rect',
      {
        x: left + col * bitW,
        y: top + row * rowH,
        width: (8 - col) * bitW,
        height: rowH - 4,
        fill: '#eee',
        stroke: '#bbb',
      },
      tip('padding'),
    );
  }
  return svg(W, H, body, p.title);
}
