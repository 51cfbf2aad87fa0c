import { esc } from './svg';

/** A block of the report: prose, a table, or a plot (an inline SVG string from ./plots). */
export type Block =
  | { kind: 'text'; text: string }
  | { kind: 'table'; headers: string[]; rows: (string | number)[][]; caption?: string }
  | { kind: 'plot'; svg: string; caption?: string }
  | { kind: 'keyValues'; items: [string, string | number][] };

export interface Section {
  title: string;
  blocks: Block[];
}

export interface ReportDocument {
  title: string;
  subtitle?: string;
  sections: Section[];
  /** Shown in the footer: what produced the report. */
  generator: string;
}

const css = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#123;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.8}
main{max-width:1180px;margin:0 auto;padding:8px 28px 40px}
section{background:#fff;border:1px solid #e3e3e3;border-radius:6px;margin:18px 0;padding:10px 20px 16px}
h2{font-size:17px;margin:8px 0 12px}
.grid-plots{display:flex;flex-wrap:wrap;gap:18px}figure{margin:0}figcaption{font-size:12px;color:#666;max-width:560px}
table{border-collapse:collapse;margin:6px 0 10px}td,th{border-bottom:1px solid #e6e6e6;padding:3px 10px;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.num,th.num{text-align:right;white-space:nowrap}caption{caption-side:bottom;font-size:12px;color:#666;text-align:left}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}dt{color:#555}dd{margin:0;font-weight:600}
svg.plot{background:#fff;font-size:11px}svg .title{font-size:13px;font-weight:600}svg .axis{stroke:#444}svg .grid{stroke:#eee}
svg .axis-label{fill:#444}svg .marker,svg .budget{stroke:#D55E00;stroke-width:2;stroke-dasharray:4 3}svg .marker-label{fill:#D55E00}
svg .over{fill:#D55E00;font-weight:700}svg .small{font-size:10px}svg .chosen{stroke:#000;stroke-width:2}svg .point-label{font-size:10px;fill:#333}svg .leader{stroke:#888;stroke-width:1}
footer{color:#777;font-size:12px;text-align:center;padding:10px}
`;

/** A cell that starts with a figure: a number, a signed or bracketed one, or a dash for none. */
const figure = /^[-−+±[(]?\d|^–/;

function block(b: Block): string {
  switch (b.kind) {
    case 'text':
      return `<p>${esc(b.text)}</p>`;
    case 'keyValues':
      return `<dl>${b.items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
    case 'table': {
      // Columns of figures are right-aligned and kept on one line; columns of words are left-aligned and wrap.
      const numeric = b.headers.map((_, i) =>
        b.rows.every((r) => {
          const c = String(r[i] ?? '');
          return c === '' || figure.test(c);
        }),
      );
      const cls = (i: number): string => (numeric[i] ? ' class="num"' : '');
      const head = `<tr>${b.headers.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('')}</tr>`;
      const rows = b.rows
        .map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${esc(c)}</td>`).join('')}</tr>`)
        .join('');
      return `<table>${b.caption ? `<caption>${esc(b.caption)}</caption>` : ''}<thead>${head}</thead><tbody>${rows}</tbody></table>`;
    }
    case 'plot':
      return `<figure>${b.svg}${b.caption ? `<figcaption>${esc(b.caption)}</figcaption>` : ''}</figure>`;
  }
}

/** A self-contained HTML page: inline CSS and SVG, no scripts, no external resources — it opens from disk. */
export function renderReport(doc: ReportDocument): string {
  const sections = doc.sections
    .map((s) => {
      const plots = s.blocks.filter((b) => b.kind === 'plot');
      const others = s.blocks.filter((b) => b.kind !== 'plot');
      const plotHtml = plots.length ? `<div class="grid-plots">${plots.map(block).join('')}</div>` : '';
      return `<section><h2>${esc(s.title)}</h2>${others.map(block).join('')}${plotHtml}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(doc.title)}</title><style>${css}</style></head>
<body><header><h1>${esc(doc.title)}</h1>${doc.subtitle ? `<p>${esc(doc.subtitle)}</p>` : ''}</header>
<main>
${sections}
</main>
<footer>${esc(doc.generator)}</footer>
</body></html>
`;
}
