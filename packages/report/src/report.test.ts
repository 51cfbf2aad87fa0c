import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bars, bitLayout, confusionMatrix, scatter, stackedBars } from './plots';
import { renderReport, type ReportDocument } from './html';
import { chromiumPath, renderInChromium } from './chromium';
import { ticks } from './svg';

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
  });
});

describe.skipIf(!chromiumPath)('report in headless Chromium', () => {
  it('draws every plot and logs no errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderReport(doc));
    const result = await renderInChromium(file, { screenshot: true });
    expect(result.errors).toEqual([]);
    expect(result.plots).toHaveLength(5);
    for (const p of result.plots) {
      expect(p.shapes, p.label).toBeGreaterThan(2);
      expect(p.width, p.label).toBeGreaterThan(100);
    }
    writeFileSync(join(dir, 'report.png'), result.screenshot!);
    const shot = process.env['MURMUR_REPORT_SCREENSHOT'];
    if (shot) writeFileSync(shot, result.screenshot!);
  });
});
