import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bars, bitLayout, confusionMatrix, groupedBars, scatter, stackedBars } from './plots';
import { renderReport, type ReportDocument } from './html';
import { chromiumPath, renderInChromium } from './chromium';
import { logTicks, textWidth, ticks, wrapText } from './svg';

const doc: ReportDocument = {
  title: 'wearable-activity on arduino-uno-rn2483',
  subtitle: 'test report <with> "escapes"',
  generator: 'murmur test',
  sections: [
    {
      title: 'Accuracy',
      blocks: [
        {
          kind: 'keyValues',
          items: [
            ['accuracy', '88.1 %'],
            ['macro-F1', 0.87],
          ],
        },
        {
          kind: 'plot',
          svg: confusionMatrix({
            title: 'firmware',
            labels: ['walk', 'jog', 'sit'],
            matrix: [
              [50, 2, 0],
              [1, 40, 0],
              [0, 0, 30],
            ],
          }),
        },
        {
          kind: 'plot',
          svg: scatter({
            title: 'accuracy vs weight bytes',
            xLabel: 'weight bytes',
            yLabel: 'accuracy',
            logX: true,
            points: [
              { x: 11000, y: 0.9, label: 'float32' },
              { x: 2800, y: 0.895, label: 'int8' },
              { x: 700, y: 0.88, label: 'int4+pruned', highlight: true },
            ],
            xMarkers: [{ x: 1500, label: 'budget' }],
          }),
        },
      ],
    },
    {
      title: 'Memory',
      blocks: [
        {
          kind: 'plot',
          svg: stackedBars({
            title: 'memory vs budget',
            bars: [
              {
                label: 'flash',
                budget: 32768,
                segments: [
                  { name: 'weights', value: 700 },
                  { name: 'code', value: 3000 },
                ],
              },
              {
                label: 'RAM',
                budget: 2048,
                segments: [
                  { name: 'arena', value: 300 },
                  { name: 'stack', value: 2000 },
                ],
              },
            ],
          }),
        },
        {
          kind: 'plot',
          svg: bitLayout({
            title: 'uplink',
            fields: [
              { name: 'ver', bits: 2 },
              { name: 'walking', bits: 4 },
              { name: 'battery', bits: 7 },
            ],
          }),
        },
        {
          kind: 'plot',
          svg: bars({
            title: 'airtime',
            yLabel: 'ms',
            logY: true,
            bars: [
              { label: 'SF7', value: 41.2 },
              { label: 'SF12', value: 1155 },
            ],
          }),
        },
        { kind: 'table', headers: ['SF', 'ms'], rows: [['SF7', 41.2]], caption: 'airtime' },
      ],
    },
  ],
};

describe('report HTML', () => {
  it('is self-contained: no scripts, no external resources, text escaped', () => {
    const html = renderReport(doc);
    expect(html).not.toMatch(/<script|src=|href=/i);
    expect(html).toContain('test report &lt;with&gt; &quot;escapes&quot;');
    expect(html.match(/<svg /g)).toHaveLength(5);
  });

  it('marks memory over budget and the chosen recipe', () => {
    const html = renderReport(doc);
    expect(html).toContain('class="over"');
    expect(html).toContain('int4+pruned (chosen)');
  });

  it('lays out payload bits across bytes', () => {
    const s = bitLayout({
      title: 'x',
      fields: [
        { name: 'a', bits: 12 },
        { name: 'b', bits: 5 },
      ],
    });
    expect(s).toContain('17 bits in 3 bytes');
    expect(s).toContain('padding');
  });

  it('picks round tick values', () => {
    expect(ticks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks(0, 97, 5)).toEqual([0, 20, 40, 60, 80]);
    expect(logTicks(2.7, 3.9)).toEqual([1000, 2000, 5000]);
    expect(logTicks(1, 4)).toEqual([10, 100, 1000, 10000]);
  });

  it('wraps long titles instead of cutting them', () => {
    const title = 'firmware on simavr atmega328p (360 windows, 9 subjects, 88.1 %, 95 % CI 84.4–91.1 %)';
    const lines = wrapText(title, 300, 13, true);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join(' ')).toBe(title);
    for (const l of lines) expect(textWidth(l, 13, true)).toBeLessThanOrEqual(300);
    expect(
      confusionMatrix({
        title,
        labels: ['a', 'b'],
        matrix: [
          [1, 0],
          [0, 1],
        ],
      }),
    ).toContain('9 subjects');
  });

  it('labels both axes of a confusion matrix', () => {
    const s = confusionMatrix({
      title: 't',
      labels: ['a', 'b'],
      matrix: [
        [1, 0],
        [0, 1],
      ],
    });
    expect(s).toContain('>true class<');
    expect(s).toContain('>predicted class<');
  });

  it('gives points at the same place one label', () => {
    const s = scatter({
      title: 's',
      xLabel: 'x',
      yLabel: 'y',
      points: [
        { x: 10, y: 0.5, label: 'a' },
        { x: 10, y: 0.5, label: 'b' },
        { x: 100, y: 0.9, label: 'c' },
      ],
    });
    expect(s).toContain('>a, b<');
  });
});

/** Plots built to crowd their text: long titles and names, points on top of each other, many bars. */
const classes = [
  'walking',
  'jogging',
  'walking upstairs',
  'walking downstairs',
  'sitting',
  'standing',
  'lying down',
];
const crowded: ReportDocument = {
  title: 'crowded plots',
  generator: 'murmur test',
  sections: [
    {
      title: 'Crowded',
      blocks: [
        {
          kind: 'plot',
          svg: confusionMatrix({
            title: 'firmware on simavr atmega328p (360 windows of 9 subjects, 88.1 %, 95 % CI 84.4–91.1 %)',
            labels: classes,
            matrix: classes.map((_, i) => classes.map((_, j) => (i === j ? 40 + i : (i + j) % 3))),
          }),
        },
        {
          kind: 'plot',
          svg: scatter({
            title: 'accuracy vs weight bytes (108 windows of 3 subjects; the chosen recipe marked)',
            xLabel: 'weight bytes',
            yLabel: 'accuracy (%)',
            logX: true,
            formatY: (v) => `${Math.round(v * 100)}`,
            points: [
              { x: 6488, y: 0.889, label: 'float32' },
              { x: 2054, y: 0.889, label: 'int8' },
              { x: 2054, y: 0.898, label: 'int8-qat' },
              { x: 2054, y: 0.898, label: 'mixed-int4/int8' },
              { x: 1270, y: 0.898, label: 'int4-qat' },
              { x: 1384, y: 0.639, label: 'prune75' },
              { x: 926, y: 0.824, label: 'structured50' },
              { x: 1318, y: 0.907, label: 'cluster16', highlight: true },
              { x: 766, y: 0.759, label: 'binary' },
              { x: 1318, y: 0.898, label: 'prune50+cluster16' },
              { x: 540, y: 0.731, label: 'structured50+prune50+cluster8' },
            ],
            xMarkers: [{ x: 20654, label: 'flash budget' }],
          }),
        },
        {
          kind: 'plot',
          svg: groupedBars({
            title: 'uplinks per day allowed',
            yLabel: 'uplinks/day',
            logY: true,
            series: ['EU868 1 % duty cycle', 'TTN fair use (30 s/day)'],
            groups: [7, 8, 9, 10, 11, 12].map((sf) => ({
              label: `SF${sf}`,
              values: [Math.round(16791 / 2 ** (sf - 7)), Math.round(583 / 2 ** (sf - 7))],
            })),
          }),
        },
        {
          kind: 'plot',
          svg: bars({
            title: 'many long labels',
            yLabel: 'count',
            bars: Array.from({ length: 24 }, (_, i) => ({
              label: `label number ${i}`,
              value: 1000 + 997 * i,
            })),
          }),
        },
        {
          kind: 'plot',
          svg: stackedBars({
            title: 'firmware memory vs arduino-uno-rn2483 with a title long enough to need a second line',
            bars: [
              {
                label: 'flash memory',
                budget: 32256,
                segments: [
                  { name: 'weights', value: 1318 },
                  { name: 'code + tables', value: 18278 },
                ],
              },
              {
                label: 'RAM',
                budget: 2048,
                segments: [
                  { name: 'model arena', value: 126 },
                  { name: 'static (DSP state, buffers)', value: 1502 },
                  { name: 'stack (worst case)', value: 264 },
                ],
              },
            ],
          }),
        },
        {
          kind: 'plot',
          svg: bitLayout({
            title: 'wearable_activity v2',
            fields: [
              { name: 'version', bits: 2 },
              { name: 'dominant', bits: 3 },
              { name: 'sensor_fault', bits: 1 },
              { name: 'battery_pct', bits: 7 },
              { name: 'confidence', bits: 4 },
            ],
          }),
        },
      ],
    },
  ],
};

describe.skipIf(!chromiumPath)('report in headless Chromium', () => {
  it('draws every plot and logs no errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderReport(doc));
    const result = await renderInChromium(file, { screenshot: true });
    expect(result.errors).toEqual([]);
    expect(result.layoutProblems).toEqual([]);
    expect(result.plots).toHaveLength(5);
    for (const p of result.plots) {
      expect(p.shapes, p.label).toBeGreaterThan(2);
      expect(p.width, p.label).toBeGreaterThan(100);
    }
    writeFileSync(join(dir, 'report.png'), result.screenshot!);
    const shot = process.env['MURMUR_REPORT_SCREENSHOT'];
    if (shot) writeFileSync(shot, result.screenshot!);
  });

  it('keeps every label of crowded plots inside its plot and clear of the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-crowded-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderReport(crowded));
    const result = await renderInChromium(file, { screenshot: true });
    writeFileSync(join(dir, 'report.png'), result.screenshot!);
    expect(result.errors).toEqual([]);
    expect(result.layoutProblems, `screenshot: ${join(dir, 'report.png')}`).toEqual([]);
    expect(result.plots).toHaveLength(6);
    for (const p of result.plots) expect(p.texts, p.label).toBeGreaterThan(5);
  });

  it('finds text that leaves its plot or overlaps other text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-broken-'));
    const file = join(dir, 'report.html');
    const broken =
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60" class="plot" aria-label="broken">' +
      '<text x="150" y="20">far too long for the plot</text><text x="10" y="40">first</text>' +
      '<text x="20" y="42">second</text><text x="190" y="58" transform="rotate(-90 190 58)">up</text></svg>';
    writeFileSync(file, `<!doctype html><html><body>${broken}</body></html>`);
    const result = await renderInChromium(file);
    expect(result.layoutProblems).toEqual([
      'broken: "far too long for the plot" reaches outside the plot',
      'broken: "first" overlaps "second"',
    ]);
  });
});
