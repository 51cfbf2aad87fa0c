import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chirpstackUp,
  examplePayload,
  PORTS,
  startTestServer,
  tempPgliteStore,
  testConfig,
  ttsMessage,
  type Message,
  type TestServer,
} from '../testing';

/** Debian's Chromium, as tools/setup.sh installs it. */
const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/**
 * Runs in the page: every visible text node's box, checked against the box of the element that holds it
 * (its nearest element that is not inline) and against every ancestor that clips; and the page against
 * the window's width. One line per problem.
 */
const LAYOUT_CHECK = `(() => {
  const tolerance = 1;
  const problems = [];
  const outside = (r, b) => r.left < b.left - tolerance || r.right > b.right + tolerance ||
    r.top < b.top - tolerance || r.bottom > b.bottom + tolerance;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = (n.textContent || '').trim();
    if (!text) continue;
    const parent = n.parentElement;
    if (!parent || parent.closest('[hidden], script, style')) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    let box = parent;
    while (box !== document.body && getComputedStyle(box).display === 'inline') box = box.parentElement;
    const label = text.slice(0, 40) + ' in <' + box.tagName.toLowerCase() + (box.className ? '.' + box.className : '') + '>';
    if (outside(r, box.getBoundingClientRect())) problems.push('"' + label + ' overflows its box');
    for (let a = box.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const o = getComputedStyle(a);
      if ((o.overflowX === 'hidden' || o.overflowX === 'clip' || o.overflowY === 'hidden' || o.overflowY === 'clip') &&
          outside(r, a.getBoundingClientRect())) problems.push('"' + label + ' is clipped by <' + a.tagName.toLowerCase() + '>');
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth + tolerance)
    problems.push('the page is ' + document.documentElement.scrollWidth + ' px wide in a ' + window.innerWidth + ' px window');
  return problems;
})()`;

const WRIST = '70b3d57ed00000d1';

const json = async (res: Response): Promise<any> => JSON.parse(await res.text());

/** A TTS uplink of wearable-activity's payload example `example`, frame `fCnt`, at `minute` past 10:00. */
function wearableUplink(fCnt: number, example: number, minute: number): Message {
  const m = ttsMessage({
    devEui: WRIST,
    deviceId: 'wrist-7',
    fPort: PORTS.wearable,
    payload: examplePayload.wearable(example),
    fCnt,
  });
  const time = new Date(Date.UTC(2026, 4, 1, 10, minute)).toISOString();
  m.received_at = time;
  m.uplink_message.received_at = time;
  m.uplink_message.rx_metadata = [{ gateway_ids: { gateway_id: 'gw-a' }, rssi: -90 - fCnt, snr: 7 - fCnt }];
  return m;
}

describe.skipIf(!chromiumPath)('fleet page in Chromium', () => {
  let db: Awaited<ReturnType<typeof tempPgliteStore>>;
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    db = await tempPgliteStore();
    t = await startTestServer(db.store, testConfig(db.dir));
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: chromiumPath!,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.server.close();
    await db?.close();
  });

  /** A page of the fleet, collecting console errors, page errors and failed requests. */
  async function openFleet(width = 1280): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    // No deadline of its own: the test runner's timeout is the limit.
    page.setDefaultTimeout(0);
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('requestfailed', (r) => {
      // The live stream is cut when the page closes; anything else failing is an error.
      if (!r.url().includes('/v1/stream')) errors.push(`request failed: ${r.url()}`);
    });
    await page.goto(`${t.url}/`, { waitUntil: 'load' });
    await page.waitForSelector('#live[data-state="live"]');
    return { page, errors };
  }

  const cell = (page: Page, col: string): Promise<string> =>
    page.locator(`tr[data-dev-eui="${WRIST}"] td[data-col="${col}"]`).innerText();

  /** Waits until the element `selector` finds has the text (or attribute `attr`) `want`. */
  const waitFor = (page: Page, selector: string, want: string, attr?: string): Promise<unknown> =>
    page.waitForFunction(
      ([sel, text, name]) => {
        const e = (globalThis as any).document.querySelector(sel);
        return !!e && (name === null ? e.textContent : e.getAttribute(name)) === text;
      },
      [selector, want, attr ?? null] as const,
    );

  const waitForCell = (page: Page, col: string, text: string): Promise<unknown> =>
    waitFor(page, `tr[data-dev-eui="${WRIST}"] td[data-col="${col}"]`, text);

  const waitForPoints = (page: Page, chart: string, n: number): Promise<unknown> =>
    waitFor(page, `[data-chart="${chart}"]`, String(n), 'data-points');

  /** The attribute `attr` of every element `selector` finds, in document order. */
  const attributes = (page: Page, selector: string, attr: string): Promise<unknown> =>
    page.evaluate(
      `Array.from(document.querySelectorAll(${JSON.stringify(selector)}), (e) => e.getAttribute(${JSON.stringify(attr)}))`,
    );

  it('shows a device when its first uplink arrives, and updates table and charts live without a reload', async () => {
    const { page, errors } = await openFleet();
    expect(await page.locator('#empty').isVisible()).toBe(true);
    await page.evaluate('window.notReloaded = true');

    const first = await t.post('/v1/ingest/tts', wearableUplink(1, 0, 0));
    expect((await json(first)).status).toBe('stored');
    await page.waitForSelector(`tr[data-dev-eui="${WRIST}"]`);
    await waitForCell(page, 'battery', '88 %');
    expect(await page.locator(`tr[data-dev-eui="${WRIST}"] td[data-col="device"]`).textContent()).toBe(
      `wrist-7 ${WRIST}`,
    );
    expect(await cell(page, 'app')).toBe('Wearable activity');
    expect(await cell(page, 'state')).toBe('walking');
    expect(await cell(page, 'alerts')).toBe('none');
    await waitForPoints(page, 'battery_pct', 1);
    await waitForPoints(page, 'link', 1);
    expect(await page.locator('#detail-title').innerText()).toBe(`wrist-7 (${WRIST})`);
    expect(await attributes(page, '[data-chart]', 'data-chart')).toEqual([
      'minutes',
      'confidence',
      'battery_pct',
      'link',
    ]);

    // The second uplink: the same row and charts change in place.
    await t.post('/v1/ingest/tts', wearableUplink(2, 1, 15));
    await waitForCell(page, 'battery', '41 %');
    expect(await cell(page, 'state')).toBe('sitting');
    await waitForPoints(page, 'battery_pct', 2);
    await waitForPoints(page, 'minutes', 2);
    await waitForPoints(page, 'link', 2);
    await waitForCell(page, 'uplinks', '2');
    expect(await cell(page, 'rssi')).toBe('-92');
    expect(await page.evaluate('window.notReloaded')).toBe(true);

    // A sensor fault after two lost frames: an open alert, and the link statistics from the store.
    await t.post('/v1/ingest/tts', wearableUplink(5, 2, 45));
    await waitForCell(page, 'alerts', 'sensor_fault');
    await waitForCell(page, 'lost', '2');
    await page.waitForSelector(`#alerts li[data-dev-eui="${WRIST}"]`);
    expect(await page.locator(`#alerts li[data-dev-eui="${WRIST}"]`).innerText()).toContain('sensor_fault');
    // A webhook retry of frame 5 is a redelivery, not a point; the device's next uplink brings the count.
    expect((await json(await t.post('/v1/ingest/tts', wearableUplink(5, 2, 45)))).status).toBe('duplicate');
    await t.post('/v1/ingest/tts', wearableUplink(6, 0, 60));
    await waitForCell(page, 'dup', '1');
    await waitForPoints(page, 'battery_pct', 4);
    expect(await cell(page, 'alerts')).toBe('none');
    // Another device, from ChirpStack, joins the table in DevEUI order.
    await t.post('/v1/ingest/chirpstack?event=up', chirpstackUp({ devEui: '0004a30b001c00d2' }));
    await page.waitForSelector('tr[data-dev-eui="0004a30b001c00d2"]');
    expect(await attributes(page, '#devices tbody tr', 'data-dev-eui')).toEqual(['0004a30b001c00d2', WRIST]);

    expect(await page.evaluate(LAYOUT_CHECK)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads what is stored, lets the user pick a device, and lays out without overflow at a narrow width', async () => {
    const { page, errors } = await openFleet(760);
    // The first device (by DevEUI) is shown; picking the other shows its charts.
    await page.waitForSelector('[data-chart="confidence"]');
    await page.locator(`tr[data-dev-eui="${WRIST}"]`).click();
    await waitForPoints(page, 'battery_pct', 4);
    expect(await page.locator('#downlink').isHidden()).toBe(true);
    await page.locator('tr[data-dev-eui="0004a30b001c00d2"]').click();
    await waitForPoints(page, 'anomaly_score', 1);
    // predictive-maintenance has a downlink: its form has the schema's fields.
    expect(await attributes(page, '#downlink-form input', 'name')).toEqual([
      'restart_baseline',
      'uplink_period_min',
    ]);
    expect(await page.evaluate(LAYOUT_CHECK)).toEqual([]);
    expect(errors).toEqual([]);
    // Sending from the form: this server has no ChirpStack API configured, and the page says so (Chromium
    // logs the 409 answer itself as a console error).
    await page.locator('#downlink-form input[name="restart_baseline"]').check();
    await page.locator('#downlink-form button').click();
    await page.waitForFunction(() =>
      (globalThis as any).document.querySelector('#downlink-result').textContent.startsWith('Not sent'),
    );
    expect(await page.locator('#downlink-result').innerText()).toContain('not configured');
    expect(errors).toEqual([expect.stringContaining('status of 409')]);
    await waitFor(page, '#downlinks tbody', 'No downlink sent yet.');
    expect(await page.evaluate(LAYOUT_CHECK)).toEqual([]);
    // The devices table fits the window: no column hidden behind a scroll bar.
    expect(
      await page
        .locator('.table-wrap')
        .first()
        .evaluate((e: { scrollWidth: number; clientWidth: number }) => e.scrollWidth - e.clientWidth),
    ).toBeLessThanOrEqual(1);
    await page.close();
  });

  it('asks for the API secret when the server wants one, then reads and follows with it', async () => {
    const store = await tempPgliteStore();
    const secret = 'fleet-page-api-secret';
    const guarded = await startTestServer(
      store.store,
      testConfig(store.dir, { secrets: { api: secret, tts: 'tts-secret-of-16+chars' } }),
    );
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(0);
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${guarded.url}/`, { waitUntil: 'load' });
      await page.waitForSelector('#secret-form:not([hidden])');
      // Chromium logs the 401 answer itself.
      expect(errors).toEqual([expect.stringContaining('status of 401')]);
      await page.locator('#secret').fill(secret);
      await page.locator('#secret-form button').click();
      await page.waitForSelector('#live[data-state="live"]');
      expect(await page.locator('#secret-form').isHidden()).toBe(true);
      const res = await guarded.post('/v1/ingest/tts', wearableUplink(1, 0, 0), {
        authorization: 'Bearer tts-secret-of-16+chars',
      });
      expect(res.status).toBe(200);
      await waitForCell(page, 'battery', '88 %');
      await waitForPoints(page, 'battery_pct', 1);
      expect(errors).toHaveLength(1);
    } finally {
      await page.close();
      await guarded.server.close();
      await store.close();
    }
  });
});
