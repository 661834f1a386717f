import { thresholdSweep, type ScoredPair } from './similarity-metrics.js';

/** One evaluated set in the HTML report. */
export interface ReportSection {
  title: string;
  /** Figures shown as a table (already formatted or numbers). */
  figures: Record<string, string | number>;
  pairs: ScoredPair[];
}

const W = 420;
const H = 280;
const PAD = 40;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A line chart in inline SVG; x and y in [xMin, xMax] × [0, 1]. */
function lineChart(
  title: string,
  series: { name: string; points: [number, number][] }[],
  xLabel: string,
  xRange: [number, number],
  diagonal = false,
): string {
  const [x0, x1] = xRange;
  const sx = (x: number): number => PAD + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * PAD);
  const sy = (y: number): number => H - PAD - y * (H - 2 * PAD);
  const paths = series
    .map((s, i) => {
      const d = s.points.map(([x, y], k) => `${k ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
      return `<path d="${d}" fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="1.6"/>`;
    })
    .join('');
  const legend = series
    .map(
      (s, i) =>
        `<text x="${W - PAD - 110}" y="${PAD + 14 * i}" font-size="11" fill="${COLOURS[i % COLOURS.length]}">${esc(s.name)}</text>`,
    )
    .join('');
  return svgFrame(
    title,
    xLabel,
    xRange,
    `${diagonal ? `<path d="M${sx(x0)},${sy(0)}L${sx(x1)},${sy(1)}" stroke="#bbb" stroke-dasharray="4"/>` : ''}${paths}${legend}`,
  );
}

function svgFrame(title: string, xLabel: string, [x0, x1]: [number, number], body: string): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const sx = (t: number): number => PAD + t * (W - 2 * PAD);
  const sy = (y: number): number => H - PAD - y * (H - 2 * PAD);
  const grid = ticks
    .map(
      (t) =>
        `<line x1="${PAD}" x2="${W - PAD}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/>` +
        `<text x="${PAD - 6}" y="${sy(t) + 4}" font-size="10" text-anchor="end">${t}</text>` +
        `<text x="${sx(t)}" y="${H - PAD + 14}" font-size="10" text-anchor="middle">${(x0 + t * (x1 - x0)).toFixed(2)}</text>`,
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">` +
    `<text x="${W / 2}" y="16" font-size="13" text-anchor="middle">${esc(title)}</text>${grid}` +
    `<rect x="${PAD}" y="${PAD}" width="${W - 2 * PAD}" height="${H - 2 * PAD}" fill="none" stroke="#999"/>` +
    `<text x="${W / 2}" y="${H - 6}" font-size="11" text-anchor="middle">${esc(xLabel)}</text>${body}</svg>`
  );
}

/** Histograms (share of each class per bin) of the cosine for positives and negatives. */
function histogram(title: string, pairs: ScoredPair[], bins = 40): string {
  const scores = pairs.map((p) => p.score);
  const lo = Math.min(...scores);
  const hi = Math.max(...scores);
  const count = (positive: boolean): [number, number][] => {
    const xs = pairs.filter((p) => p.positive === positive);
    const h = new Array<number>(bins).fill(0);
    for (const p of xs) h[Math.min(bins - 1, Math.floor(((p.score - lo) / (hi - lo || 1)) * bins))]++;
    const max = Math.max(1, ...h);
    return h.map((c, i) => [lo + ((i + 0.5) * (hi - lo)) / bins, c / max]);
  };
  return lineChart(
    title,
    [
      { name: 'same meaning', points: count(true) },
      { name: 'different', points: count(false) },
    ],
    'cosine similarity (bars scaled to each class maximum)',
    [lo, hi],
  );
}

/** A self-contained HTML page: figures, ROC curve, score histograms and accuracy/F1 by threshold. */
export function renderEmbeddingReport(title: string, intro: string, sections: ReportSection[]): string {
  const body = sections
    .map((s) => {
      const sweep = thresholdSweep(s.pairs);
      const step = Math.max(1, Math.floor(sweep.length / 400));
      const thin = sweep.filter((_, i) => i % step === 0 || i === sweep.length - 1);
      const roc: [number, number][] = [[0, 0], ...thin.map((p): [number, number] => [p.fpr, p.recall]), [1, 1]];
      const byThreshold = [...thin].sort((a, b) => a.threshold - b.threshold);
      const lo = byThreshold[0]?.threshold ?? 0;
      const hi = byThreshold[byThreshold.length - 1]?.threshold ?? 1;
      const rows = Object.entries(s.figures)
        .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(typeof v === 'number' ? v.toFixed(4) : v)}</td></tr>`)
        .join('');
      return (
        `<section><h2>${esc(s.title)}</h2><table>${rows}</table><div class="plots">` +
        lineChart('ROC curve', [{ name: 'encoder', points: roc }], 'false-positive rate', [0, 1], true) +
        histogram('cosine by class', s.pairs) +
        lineChart(
          'accuracy and F1 by threshold',
          [
            { name: 'accuracy', points: byThreshold.map((p): [number, number] => [p.threshold, p.accuracy]) },
            { name: 'F1', points: byThreshold.map((p): [number, number] => [p.threshold, p.f1]) },
          ],
          'threshold (cosine ≥ threshold → same meaning)',
          [lo, hi],
        ) +
        `</div></section>`
      );
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font-family:system-ui,sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;font-size:13px}.plots{display:flex;flex-wrap:wrap;gap:12px}
</style></head><body><h1>${esc(title)}</h1><p>${esc(intro)}</p>${body}</body></html>\n`;
}
