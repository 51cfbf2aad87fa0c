import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Debian's Chromium, installed by tools/setup.sh. */
export const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

export interface PlotCheck {
  label: string;
  /** How many shapes it drew. */
  shapes: number;
  width: number;
  height: number;
  /** How many text elements it holds. */
  texts: number;
}

export interface RenderCheck {
  /** Console errors and uncaught page errors, in order. */
  errors: string[];
  /** Per inline SVG plot: its aria-label, what it drew and its size on the page. */
  plots: PlotCheck[];
  /**
   * Text laid out wrongly, one line each: a text element of a plot that reaches outside its SVG, or two
   * text elements of one plot whose glyph boxes overlap (both measured as the page draws them, rotation
   * included).
   */
  layoutProblems: string[];
  screenshot?: Buffer;
}

/**
 * Runs in the page (a string, so that no helper the TypeScript transform adds reaches the browser): every
 * `svg.plot`'s text elements as drawn (their getBBox corners through getScreenCTM, so rotated labels are
 * quadrilaterals), checked against the SVG's box and each other. Overlap is the separating-axis test on
 * the two quadrilaterals: no edge normal separates them by more than -tolerance, so boxes that merely
 * touch do not count.
 */
const checkPlotsScript = (tolerance: number): string => `(() => {
  const tolerance = ${tolerance};
  const quadOf = (t) => {
    const b = t.getBBox();
    const m = t.getScreenCTM();
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
      .map(([x, y]) => ({ x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f }));
  };
  const overlap = (a, b) => {
    for (const poly of [a, b]) {
      for (let i = 0; i < poly.length; i++) {
        const p1 = poly[i];
        const p2 = poly[(i + 1) % poly.length];
        const len = Math.hypot(p2.x - p1.x, p2.y - p1.y);
        if (len === 0) continue;
        const nx = -(p2.y - p1.y) / len;
        const ny = (p2.x - p1.x) / len;
        const da = a.map((v) => v.x * nx + v.y * ny);
        const db = b.map((v) => v.x * nx + v.y * ny);
        if (Math.max(...da) - tolerance <= Math.min(...db) || Math.max(...db) - tolerance <= Math.min(...da)) return false;
      }
    }
    return true;
  };
  const plots = [];
  const problems = [];
  for (const svg of Array.from(document.querySelectorAll('svg.plot'))) {
    const label = svg.getAttribute('aria-label') || '';
    const box = svg.getBoundingClientRect();
    const texts = Array.from(svg.querySelectorAll('text')).filter((t) => (t.textContent || '').trim() !== '');
    const quads = texts.map(quadOf);
    texts.forEach((t, i) => {
      const xs = quads[i].map((v) => v.x);
      const ys = quads[i].map((v) => v.y);
      if (Math.min(...xs) < box.left - tolerance || Math.max(...xs) > box.right + tolerance ||
          Math.min(...ys) < box.top - tolerance || Math.max(...ys) > box.bottom + tolerance)
        problems.push(label + ': "' + t.textContent + '" reaches outside the plot');
    });
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++)
        if (overlap(quads[i], quads[j]))
          problems.push(label + ': "' + texts[i].textContent + '" overlaps "' + texts[j].textContent + '"');
    plots.push({
      label,
      shapes: svg.querySelectorAll('rect,circle,line,path,polyline').length,
      width: box.width,
      height: box.height,
      texts: texts.length,
    });
  }
  return { plots, problems };
})()`;

/**
 * Opens an HTML file from disk in headless Chromium and reports what was drawn and what went wrong:
 * console and page errors, failed requests, and text that leaves its plot or overlaps other text.
 * Chromium runs without network access of its own (no background networking, updates or sync).
 */
export async function renderInChromium(
  htmlFile: string,
  opts: { screenshot?: boolean; width?: number } = {},
): Promise<RenderCheck> {
  if (!chromiumPath)
    throw new Error('chromium not found: install the Debian package chromium (tools/setup.sh does)');
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: opts.width ?? 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load' });
    const { plots, problems } = (await page.evaluate(checkPlotsScript(0.5))) as {
      plots: PlotCheck[];
      problems: string[];
    };
    const screenshot = opts.screenshot ? await page.screenshot({ fullPage: true }) : undefined;
    return { errors, plots, layoutProblems: problems, screenshot };
  } finally {
    await browser.close();
  }
}
