import type { EvaluationReport } from './train-and-evaluate.js';

// A self-contained HTML report (inline SVG, no scripts, no external assets) so it opens anywhere
// and can be attached to an issue. Hand-written: a charting library would add a bundle for three
// simple plots.

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const f3 = (x: number): string => x.toFixed(3);

export interface ReportSection {
  title: string;
  note?: string;
  report: EvaluationReport;
}

export function renderHtmlReport(title: string, sections: ReportSection[], meta: Record<string, string>): string {
  const body = sections.map(renderSection).join('\n');
  const metaRows = Object.entries(meta)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:40px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:8px 0}td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:right}
th:first-child,td:first-child{text-align:left}.plots{display:flex;flex-wrap:wrap;gap:24px}
.note{color:#555}svg text{font:11px system-ui,sans-serif}
</style></head><body>
<h1>${esc(title)}</h1>
<table>${metaRows}</table>
${body}
</body></html>
`;
}

function renderSection(s: ReportSection): string {
  const r = s.report;
  const t = r.test;
  const summary: [string, string][] = [
    [
      r.crossFitFolds
        ? `examples (trained on / ${r.crossFitFolds}-fold out-of-fold for temperature and threshold / test)`
        : 'examples (train / validation / test)',
      `${r.examples.train} / ${r.examples.validation} / ${r.examples.test}`,
    ],
    ['intents in the model', String(r.labels.length)],
    ['held-out intents (out-of-scope protocol)', r.heldOutLabels.length ? String(r.heldOutLabels.length) : '—'],
    ['closed-set accuracy (argmax, in-scope test)', pct(t.closedSetAccuracy)],
    ['in-scope accuracy at threshold', pct(t.inScopeAccuracy)],
    ['out-of-scope recall', pct(t.oosRecall)],
    ['out-of-scope precision', pct(t.oosPrecision)],
    ['accuracy (out_of_scope as a class)', pct(t.accuracy)],
    ['macro F1', f3(t.macroF1)],
    ['temperature', f3(r.temperature)],
    ['ECE before → after calibration', `${f3(r.calibration.eceBefore)} → ${f3(r.calibration.eceAfter)}`],
    [
      'threshold (objective)',
      `${r.threshold.value} (${r.threshold.objective.kind}${r.threshold.met ? '' : ', target not met'})`,
    ],
    ['training time', `${r.trainSeconds.toFixed(1)} s`],
  ];
  if (t.perLanguage) {
    for (const [lang, v] of Object.entries(t.perLanguage))
      summary.push([`accuracy ${lang} (${v.examples})`, pct(v.accuracy)]);
  }
  const perIntent = t.perIntent
    .map(
      (c) =>
        `<tr><td>${esc(c.name)}</td><td>${f3(c.precision)}</td><td>${f3(c.recall)}</td><td>${f3(c.f1)}</td><td>${c.support}</td></tr>`,
    )
    .join('');
  return `<h2>${esc(s.title)}</h2>
${s.note ? `<p class="note">${esc(s.note)}</p>` : ''}
<table>${summary.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<div class="plots">${reliabilitySvg(r)}${sweepSvg(r)}</div>
<h3>Confusion matrix (rows: gold, columns: predicted; shade = share of the row)</h3>
${confusionSvg(r)}
<h3>Per intent</h3>
<table><tr><th>intent</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>${perIntent}</table>`;
}

function axes(w: number, h: number, pad: number, xLabel: string, yLabel: string): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((v) => {
      const x = pad + v * (w - 2 * pad);
      const y = h - pad - v * (h - 2 * pad);
      return `<text x="${x}" y="${h - pad + 14}" text-anchor="middle">${v}</text><text x="${pad - 6}" y="${y + 4}" text-anchor="end">${v}</text><line x1="${pad}" x2="${w - pad}" y1="${y}" y2="${y}" stroke="#eee"/>`;
    })
    .join('');
  return `<rect x="${pad}" y="${pad}" width="${w - 2 * pad}" height="${h - 2 * pad}" fill="none" stroke="#999"/>${ticks}
<text x="${w / 2}" y="${h - 4}" text-anchor="middle">${esc(xLabel)}</text>
<text x="12" y="${h / 2}" text-anchor="middle" transform="rotate(-90 12 ${h / 2})">${esc(yLabel)}</text>`;
}

function reliabilitySvg(r: EvaluationReport): string {
  const w = 420;
  const h = 320;
  const pad = 40;
  const sx = (v: number) => pad + v * (w - 2 * pad);
  const sy = (v: number) => h - pad - v * (h - 2 * pad);
  const bars = (bins: EvaluationReport['calibration']['binsAfter'], color: string, offset: number) =>
    bins
      .filter((b) => b.count > 0)
      .map((b) => {
        const bw = (sx(b.to) - sx(b.from)) / 2;
        return `<rect x="${sx(b.from) + offset * bw}" y="${sy(b.accuracy)}" width="${bw - 1}" height="${sy(0) - sy(b.accuracy)}" fill="${color}"><title>${b.from.toFixed(2)}-${b.to.toFixed(2)}: accuracy ${b.accuracy.toFixed(3)}, confidence ${b.meanConfidence.toFixed(3)}, n=${b.count}</title></rect>`;
      })
      .join('');
  return `<svg width="${w}" height="${h}" role="img" aria-label="reliability diagram">
<text x="${w / 2}" y="16" text-anchor="middle" font-weight="bold">Reliability (ECE ${f3(r.calibration.eceBefore)} → ${f3(r.calibration.eceAfter)})</text>
${axes(w, h, pad, 'confidence', 'accuracy')}
${bars(r.calibration.binsBefore, '#f4a582', 0)}${bars(r.calibration.binsAfter, '#4393c3', 1)}
<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" stroke="#333" stroke-dasharray="4 3"/>
<rect x="${pad + 8}" y="${pad + 6}" width="10" height="10" fill="#f4a582"/><text x="${pad + 22}" y="${pad + 15}">before (T=1)</text>
<rect x="${pad + 8}" y="${pad + 22}" width="10" height="10" fill="#4393c3"/><text x="${pad + 22}" y="${pad + 31}">after (T=${f3(r.temperature)})</text>
</svg>`;
}

function sweepSvg(r: EvaluationReport): string {
  const w = 420;
  const h = 320;
  const pad = 40;
  const sx = (v: number) => pad + v * (w - 2 * pad);
  const sy = (v: number) => h - pad - v * (h - 2 * pad);
  const line = (key: 'inScopeAccuracy' | 'oosRecall' | 'oosPrecision' | 'balanced', color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${r.sweep.map((p) => `${sx(p.threshold).toFixed(1)},${sy(p[key]).toFixed(1)}`).join(' ')}"/>`;
  const legend = [
    ['in-scope accuracy', '#1b7837'],
    ['OOS recall', '#c51b7d'],
    ['OOS precision', '#e08214'],
    ['mean (objective)', '#2166ac'],
  ]
    .map(
      ([n, c], i) =>
        `<rect x="${pad + 8}" y="${pad + 6 + i * 15}" width="10" height="3" fill="${c}"/><text x="${pad + 22}" y="${pad + 11 + i * 15}">${n}</text>`,
    )
    .join('');
  const tx = sx(r.threshold.value);
  return `<svg width="${w}" height="${h}" role="img" aria-label="threshold sweep">
<text x="${w / 2}" y="16" text-anchor="middle" font-weight="bold">Threshold sweep (test)</text>
${axes(w, h, pad, 'threshold', 'rate')}
${line('inScopeAccuracy', '#1b7837')}${line('oosRecall', '#c51b7d')}${line('oosPrecision', '#e08214')}${line('balanced', '#2166ac')}
<line x1="${tx}" x2="${tx}" y1="${pad}" y2="${h - pad}" stroke="#333" stroke-dasharray="3 3"/><text x="${tx + 3}" y="${h - pad - 4}">chosen ${r.threshold.value}</text>
${legend}</svg>`;
}

function confusionSvg(r: EvaluationReport): string {
  const { labels, matrix } = r.test.confusion;
  const n = labels.length;
  const cell = n > 30 ? 9 : 22;
  const left = 170;
  const top = 150;
  const w = left + n * cell + 10;
  const h = top + n * cell + 10;
  const cells: string[] = [];
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((v, j) => {
      if (v === 0) return;
      const share = v / total;
      const color = i === j ? `rgba(33,102,172,${0.15 + 0.85 * share})` : `rgba(214,96,77,${0.15 + 0.85 * share})`;
      cells.push(
        `<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell - 1}" height="${cell - 1}" fill="${color}"><title>${esc(labels[i])} → ${esc(labels[j])}: ${v}</title></rect>`,
      );
      if (cell >= 20)
        cells.push(
          `<text x="${left + j * cell + cell / 2}" y="${top + i * cell + cell / 2 + 4}" text-anchor="middle">${v}</text>`,
        );
    });
  });
  const rowLabels = labels
    .map(
      (l, i) =>
        `<text x="${left - 4}" y="${top + i * cell + cell * 0.75}" text-anchor="end"${cell < 20 ? ' font-size="7"' : ''}>${esc(l)}</text>`,
    )
    .join('');
  const colLabels = labels
    .map(
      (l, j) =>
        `<text transform="translate(${left + j * cell + cell * 0.7},${top - 4}) rotate(-60)"${cell < 20 ? ' font-size="7"' : ''}>${esc(l)}</text>`,
    )
    .join('');
  return `<svg width="${w}" height="${h}" role="img" aria-label="confusion matrix">${rowLabels}${colLabels}${cells.join('')}
<rect x="${left}" y="${top}" width="${n * cell}" height="${n * cell}" fill="none" stroke="#999"/></svg>`;
}
