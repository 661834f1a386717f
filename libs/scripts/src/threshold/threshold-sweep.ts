/** A labelled pair: the text a model might produce and the script it should match (null: none). */
export interface LabelledPair {
  text: string;
  expected: string | null;
}

/** The best match found for a pair. */
export interface ScoredPair {
  expected: string | null;
  best?: { scriptId: string; similarity: number };
}

export interface SweepPoint {
  threshold: number;
  /** Accepted matches that are the expected script / all accepted matches (1 when none accepted). */
  precision: number;
  /** Accepted correct matches / pairs that expect a script. */
  recall: number;
  /** Pairs answered with a fallback / all pairs. */
  fallbackRate: number;
  accepted: number;
  correct: number;
}

export interface SweepResult {
  targetPrecision: number;
  /** Smallest threshold from which precision stays at or above the target; null when none does. */
  proposedThreshold: number | null;
  /** The curve point at the proposed threshold. */
  atProposed?: SweepPoint;
  pairs: number;
  positives: number;
  points: SweepPoint[];
}

const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Sweep the match threshold from 0 to 1 (step 0.01) over scored pairs and propose the campaign
 * threshold for a target precision: the lowest threshold (most answers from scripts, fewest
 * fallbacks) at and above which precision never drops below the target.
 */
export function sweepThreshold(scored: ScoredPair[], targetPrecision: number, step = 0.01): SweepResult {
  const positives = scored.filter((p) => p.expected !== null).length;
  const points: SweepPoint[] = [];
  for (let i = 0; i <= Math.round(1 / step); i++) {
    const t = round(i * step, 6);
    let accepted = 0;
    let correct = 0;
    for (const p of scored) {
      if (!p.best || p.best.similarity < t) continue;
      accepted++;
      if (p.best.scriptId === p.expected) correct++;
    }
    points.push({
      threshold: t,
      precision: round(accepted === 0 ? 1 : correct / accepted),
      recall: round(positives === 0 ? 0 : correct / positives),
      fallbackRate: round(scored.length === 0 ? 0 : (scored.length - accepted) / scored.length),
      accepted,
      correct,
    });
  }
  let proposed: number | null = null;
  for (let i = points.length - 1; i >= 0; i--) {
    if (points[i].precision < targetPrecision) break;
    proposed = points[i].threshold;
  }
  const atProposed = proposed === null ? undefined : points.find((p) => p.threshold === proposed);
  return {
    targetPrecision,
    proposedThreshold: proposed,
    ...(atProposed ? { atProposed } : {}),
    pairs: scored.length,
    positives,
    points,
  };
}

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** A self-contained HTML report: precision, recall and fallback-rate curves as inline SVG. */
export function renderSweepHtml(result: SweepResult, title: string): string {
  const W = 720;
  const H = 360;
  const pad = { l: 50, r: 20, t: 20, b: 40 };
  const x = (t: number) => pad.l + t * (W - pad.l - pad.r);
  const y = (v: number) => H - pad.b - v * (H - pad.t - pad.b);
  const line = (key: 'precision' | 'recall' | 'fallbackRate') =>
    result.points.map((p, i) => `${i ? 'L' : 'M'}${x(p.threshold).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ');
  const series = [
    { key: 'precision', color: '#1f77b4', label: 'precision' },
    { key: 'recall', color: '#2ca02c', label: 'recall' },
    { key: 'fallbackRate', color: '#d62728', label: 'fallback rate' },
  ] as const;
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const grid = ticks
    .map(
      (t) =>
        `<line x1="${x(t)}" y1="${y(0)}" x2="${x(t)}" y2="${y(1)}" stroke="#eee"/>` +
        `<line x1="${x(0)}" y1="${y(t)}" x2="${x(1)}" y2="${y(t)}" stroke="#eee"/>` +
        `<text x="${x(t)}" y="${H - pad.b + 16}" font-size="11" text-anchor="middle">${t}</text>` +
        `<text x="${pad.l - 6}" y="${y(t) + 4}" font-size="11" text-anchor="end">${t}</text>`,
    )
    .join('');
  const proposed =
    result.proposedThreshold === null
      ? ''
      : `<line x1="${x(result.proposedThreshold)}" y1="${y(0)}" x2="${x(result.proposedThreshold)}" y2="${y(1)}" stroke="#000" stroke-dasharray="4 3"/>` +
        `<text x="${x(result.proposedThreshold) + 4}" y="${pad.t + 12}" font-size="12">proposed ${result.proposedThreshold}</text>`;
  const target = `<line x1="${x(0)}" y1="${y(result.targetPrecision)}" x2="${x(1)}" y2="${y(result.targetPrecision)}" stroke="#1f77b4" stroke-dasharray="2 4"/>`;
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${pad.l + 10 + i * 130}" y="${H - 14}" width="12" height="3" fill="${s.color}"/>` +
        `<text x="${pad.l + 26 + i * 130}" y="${H - 10}" font-size="12">${s.label}</text>`,
    )
    .join('');
  const paths = series
    .map((s) => `<path d="${line(s.key)}" fill="none" stroke="${s.color}" stroke-width="2"/>`)
    .join('');
  const a = result.atProposed;
  const rows = result.points
    .filter((_, i) => i % 5 === 0)
    .map(
      (p) =>
        `<tr><td>${p.threshold.toFixed(2)}</td><td>${p.precision.toFixed(3)}</td><td>${p.recall.toFixed(3)}</td><td>${p.fallbackRate.toFixed(3)}</td><td>${p.accepted}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:800px}table{border-collapse:collapse}td,th{padding:2px 10px;text-align:right;border-bottom:1px solid #eee}</style>
</head><body>
<h1>${esc(title)}</h1>
<p>${result.pairs} labelled pairs (${result.positives} expect a script). Target precision ${result.targetPrecision}.
Proposed threshold: <b>${result.proposedThreshold ?? 'none reaches the target'}</b>${
    a ? ` — precision ${a.precision}, recall ${a.recall}, fallback rate ${a.fallbackRate}` : ''
  }.</p>
<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="precision, recall and fallback rate by threshold">
${grid}${target}${paths}${proposed}${legend}
<text x="${(W + pad.l) / 2}" y="${H - pad.b + 30}" font-size="12" text-anchor="middle">threshold</text>
</svg>
<table><thead><tr><th>threshold</th><th>precision</th><th>recall</th><th>fallback rate</th><th>accepted</th></tr></thead><tbody>${rows}</tbody></table>
</body></html>
`;
}
