import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Debian's Chromium, installed by tools/setup.sh. */
export const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

export interface RenderCheck {
  /** Console errors and uncaught page errors, in order. */
  errors: string[];
  /** Per inline SVG plot: its aria-label and how many shapes it drew. */
  plots: { label: string; shapes: number; width: number; height: number }[];
  screenshot?: Buffer;
}

/**
 * Opens an HTML file from disk in headless Chromium and reports what was drawn and what went wrong.
 * Chromium runs without network access of its own (no background networking, updates or sync).
 */
export async function renderInChromium(htmlFile: string, opts: { screenshot?: boolean } = {}): Promise<RenderCheck> {
  if (!chromiumPath) throw new Error('chromium not found: install the Debian package chromium (tools/setup.sh does)');
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load' });
    const plots = await page.$$eval('svg.plot', (nodes) =>
      nodes.map((n) => {
        const box = n.getBoundingClientRect();
        return {
          label: n.getAttribute('aria-label') ?? '',
          shapes: n.querySelectorAll('rect,circle,line,path,polyline').length,
          width: box.width,
          height: box.height,
        };
      }),
    );
    const screenshot = opts.screenshot ? await page.screenshot({ fullPage: true }) : undefined;
    return { errors, plots, screenshot };
  } finally {
    await browser.close();
  }
}
