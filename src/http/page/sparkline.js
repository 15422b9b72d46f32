// A sparkline of one server's gateway calls (and errors, red) per 10 s bucket: an inline SVG.
const NS = 'http://www.w3.org/2000/svg';
const W = 270;
const H = 48;

function svg(tag, attrs) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function line(values, max, cls) {
  const step = values.length > 1 ? W / (values.length - 1) : 0;
  const pts = values.map((v, i) => `${(i * step).toFixed(1)},${(H - 2 - (v / max) * (H - 4)).toFixed(1)}`).join(' ');
  return svg('polyline', { points: pts, class: cls, fill: 'none', 'vector-effect': 'non-scaling-stroke' });
}

/** `series`: GET /servers/<name>/series. */
export function sparkline(series) {
  const calls = series.points.map((p) => p.calls);
  const errors = series.points.map((p) => p.errors);
  const total = calls.reduce((a, b) => a + b, 0);
  const failed = errors.reduce((a, b) => a + b, 0);
  const max = Math.max(1, ...calls);
  const minutes = Math.round((series.points.length * series.bucketSeconds) / 60);
  const label = `${total} gateway calls and ${failed} errors in the last ${minutes} minutes; at most ${Math.max(...calls, 0)} in ${series.bucketSeconds} s`;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', class: 'spark', role: 'img', 'aria-label': label });
  root.dataset.calls = String(total);
  root.dataset.errors = String(failed);
  root.dataset.points = String(calls.filter((c) => c > 0).length);
  root.append(svg('title', {}), line(calls, max, 'calls'), line(errors, max, 'errors'));
  root.firstChild.textContent = label;
  return root;
}
