import { renderSweepHtml, sweepThreshold, type ScoredPair } from './threshold-sweep.js';

const pair = (expected: string | null, scriptId: string, similarity: number): ScoredPair => ({
  expected,
  best: { scriptId, similarity },
});

describe('sweepThreshold', () => {
  // Hand-checked: correct matches at 0.9, 0.8, 0.6; a wrong one at 0.7; a negative at 0.5.
  const scored = [
    pair('a', 'a', 0.9),
    pair('b', 'b', 0.8),
    pair('c', 'x', 0.7),
    pair('d', 'd', 0.6),
    pair(null, 'a', 0.5),
  ];

  it('computes precision, recall and fallback rate per threshold', () => {
    const r = sweepThreshold(scored, 0.9);
    const at = (t: number) => r.points.find((p) => p.threshold === t);
    expect(r.points).toHaveLength(101);
    expect(at(0.5)).toMatchObject({ accepted: 5, correct: 3, precision: 0.6, recall: 0.75, fallbackRate: 0 });
    expect(at(0.65)).toMatchObject({ accepted: 3, correct: 2, precision: 0.6667, recall: 0.5, fallbackRate: 0.4 });
    expect(at(0.75)).toMatchObject({ accepted: 2, correct: 2, precision: 1, recall: 0.5, fallbackRate: 0.6 });
    expect(at(0.95)).toMatchObject({ accepted: 0, precision: 1, recall: 0, fallbackRate: 1 });
  });

  it('proposes the lowest threshold from which precision stays at the target', () => {
    expect(sweepThreshold(scored, 0.9).proposedThreshold).toBe(0.71);
    expect(sweepThreshold(scored, 0.6).proposedThreshold).toBe(0);
    expect(sweepThreshold([pair('a', 'b', 1)], 0.9).proposedThreshold).toBe(null);
  });

  it('renders a self-contained HTML report with the three curves, escaping the title', () => {
    const html = renderSweepHtml(sweepThreshold(scored, 0.9), 'Sweep <campaign>');
    expect(html).toContain('Sweep &lt;campaign&gt;');
    expect(html.match(/<path /g)).toHaveLength(3);
    expect(html).toContain('proposed 0.71');
  });
});
