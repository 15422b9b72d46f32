// The status page: fetches /status (and a server's /servers/<name>/series in its detail view),
// renders the list or the detail view from the hash route, and follows /events.
import { banners } from './banner.js';
import { badge, short } from './dom.js';
import { historyList } from './history.js';
import { follow } from './live.js';
import { serverDetail } from './server-detail.js';
import { serverList } from './server-list.js';

const $ = (id) => document.getElementById(id);
const every = Number(new URLSearchParams(location.search).get('refresh') ?? '10');
let status;
let series;
let seriesFor;

function route() {
  const m = /^#\/servers\/([^/]+)$/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : undefined;
}

/** Re-rendering keeps the keyboard focus on the same control (by its data-key). */
function keepingFocus(render) {
  const key = document.activeElement?.dataset?.key;
  render();
  if (key) document.querySelector(`section:not([hidden]) [data-key="${CSS.escape(key)}"]`)?.focus();
}

function render() {
  if (!status) return;
  const st = status;
  const phase = $('phase');
  phase.replaceWith(Object.assign(badge(st.phase), { id: 'phase' }));
  $('reason').textContent = st.reason || '';
  $('message').textContent = st.message || '';
  for (const k of ['head', 'applied', 'lastGood']) $(k).textContent = short(st.revision[k]);
  $('banner').replaceChildren(...banners(st));
  const name = route();
  $('overview').hidden = name !== undefined;
  $('detail').hidden = name === undefined;
  keepingFocus(() => {
    if (name === undefined) {
      $('servers').replaceChildren(...serverList(st));
      $('history').replaceChildren(...historyList(st.history));
    } else {
      $('detail').replaceChildren(...serverDetail(st, name, seriesFor === name ? series : undefined).filter(Boolean));
    }
  });
  document.title = name ? `${name} · mcp-gitops` : `${st.phase} · mcp-gitops`;
}

async function load() {
  const name = route();
  const res = await fetch('status', { headers: { accept: 'application/json' } });
  status = await res.json();
  if (name !== undefined && status.servers.some((s) => s.name === name)) {
    const r = await fetch(`servers/${encodeURIComponent(name)}/series`);
    if (r.ok) {
      series = await r.json();
      seriesFor = name;
    }
  }
  render();
}

const refresh = () => load().catch(() => ($('live').textContent = 'cannot reach the daemon'));

// after a route change the focus goes to the detail's heading, or back to the server's link
let shown;
window.addEventListener('hashchange', () => {
  const from = shown;
  shown = route();
  render();
  void refresh().then(() => {
    const target = shown !== undefined ? $('detail-h') : document.querySelector(`[data-key="${CSS.escape(`server:${from ?? ''}`)}"]`);
    (target ?? $('main')).focus();
  });
});
shown = route();
follow(refresh, (s) => ($('live').textContent = s), every);
void refresh();
