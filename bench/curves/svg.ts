// One curve as a small SVG chart: measured points joined, the fitted straight line dashed, axes with
// the measured x values and a rounded y scale. Plain text, no dependencies, readable on GitHub.

export interface Chart {
  title: string;
  subtitle: string;
  xLabel: string;
  yLabel: string;
  points: { x: number; y: number }[];
  fit: { slope: number; intercept: number };
}

const W = 640;
const H = 360;
const M = { left: 64, right: 24, top: 56, bottom: 52 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v) ?? 10 * p;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function label(v: number): string {
  return Math.abs(v) >= 1000 ? `${+(v / 1000).toFixed(1)}k` : `${+v.toPrecision(3)}`;
}

export function renderChart(c: Chart): string {
  const xMax = Math.max(...c.points.map((p) => p.x));
  const yMax = niceMax(Math.max(...c.points.map((p) => p.y), c.fit.intercept + c.fit.slope * xMax));
  const px = (x: number): number => M.left + (x / xMax) * (W - M.left - M.right);
  const py = (y: number): number => H - M.bottom - (Math.max(0, Math.min(y, yMax)) / yMax) * (H - M.top - M.bottom);
  const f = (n: number): string => n.toFixed(1);
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((t) => t * yMax);
  const line = c.points.map((p) => `${f(px(p.x))},${f(py(p.y))}`).join(' ');
  const fitY = (x: number): number => c.fit.intercept + c.fit.slope * x;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(c.title)}" font-family="sans-serif" font-size="12">
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="${M.left}" y="22" font-size="15" font-weight="bold" fill="#111">${esc(c.title)}</text>
<text x="${M.left}" y="40" fill="#444">${esc(c.subtitle)}</text>
${yTicks.map((t) => `<line x1="${M.left}" x2="${W - M.right}" y1="${f(py(t))}" y2="${f(py(t))}" stroke="#e5e5e5"/><text x="${M.left - 6}" y="${f(py(t) + 4)}" text-anchor="end" fill="#333">${label(t)}</text>`).join('\n')}
${c.points.map((p) => `<text x="${f(px(p.x))}" y="${H - M.bottom + 16}" text-anchor="middle" fill="#333">${label(p.x)}</text>`).join('\n')}
<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#333"/>
<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#333"/>
<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle" fill="#111">${esc(c.xLabel)}</text>
<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#111">${esc(c.yLabel)}</text>
<line x1="${f(px(0))}" y1="${f(py(fitY(0)))}" x2="${f(px(xMax))}" y2="${f(py(fitY(xMax)))}" stroke="#888" stroke-dasharray="6 4"/>
<polyline points="${line}" fill="none" stroke="#1f6feb" stroke-width="2"/>
${c.points.map((p) => `<circle cx="${f(px(p.x))}" cy="${f(py(p.y))}" r="4" fill="#1f6feb"><title>${label(p.x)}: ${+p.y.toPrecision(4)}</title></circle>`).join('\n')}
</svg>
`;
}
