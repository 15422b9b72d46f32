// GET /: a small status page, no build step: renders /status and refreshes on every /events message.
export const STATUS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>mcp-gitops</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1f24; }
  h1 { font-size: 1.3rem; margin: 0 0 .5rem; }
  .phase { display: inline-block; padding: .1rem .5rem; border-radius: 1rem; font-weight: 600; background: #e6e8eb; }
  .Synced, .Running, .Healthy, .succeeded { background: #d3f5dc; }
  .Progressing, .Pending { background: #fff1c2; }
  .Degraded, .Failed, .Unhealthy, .reverted, .invalid, .failed { background: #ffd7d5; }
  table { border-collapse: collapse; margin: .5rem 0 1.5rem; width: 100%; }
  th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #e6e8eb; vertical-align: top; }
  th { font-weight: 600; color: #57606a; }
  code { font: 12px ui-monospace, monospace; }
  .muted { color: #57606a; }
  .tools { max-width: 28rem; }
</style>
</head>
<body>
<h1>mcp-gitops <span id="phase" class="phase">…</span> <code id="reason" class="muted"></code></h1>
<p id="message" class="muted"></p>
<p>head <code id="head">-</code> · applied <code id="applied">-</code> · last good <code id="lastGood">-</code></p>
<p id="failed" class="muted"></p>
<h2>Servers</h2>
<table><thead><tr><th>name</th><th>version</th><th>commit</th><th>phase</th><th>health</th><th>endpoint</th><th>tools</th><th>message</th><th>reason</th></tr></thead>
<tbody id="servers"></tbody></table>
<h2>History</h2>
<table><thead><tr><th>commit</th><th>result</th><th>reason</th><th>finished</th><th>message</th></tr></thead>
<tbody id="history"></tbody></table>
<script>
  const short = (s) => (s ? s.slice(0, 7) : '-');
  const cell = (text, cls) => { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; return td; };
  const badge = (text) => { const td = document.createElement('td'); const s = document.createElement('span'); s.className = 'phase ' + text; s.textContent = text; td.append(s); return td; };
  // a server in canary: its progress and this step's figures above the message
  function message(s) {
    const td = cell(s.message || '', 'muted');
    const c = s.canary;
    if (!c) return td;
    const div = document.createElement('div'); div.className = 'canary';
    const p99 = c.p99Ms === null ? 'no tools/call yet' : 'p99 ' + c.p99Ms + ' ms';
    div.textContent = 'canary ' + c.canaryVersion + ' beside ' + (c.stableVersion || 'stable') + ': step ' + c.step + ' of ' + c.steps.length + ', ' + c.weight + ' % of new sessions; ' + c.calls + ' calls, ' + c.errors + ' errors (rate ' + c.errorRate.toFixed(2) + '), ' + p99;
    td.prepend(div);
    return td;
  }
  function row(cells) { const tr = document.createElement('tr'); tr.append(...cells); return tr; }
  async function refresh() {
    const res = await fetch('status', { headers: { accept: 'application/json' } });
    const st = await res.json();
    const phase = document.getElementById('phase');
    phase.textContent = st.phase; phase.className = 'phase ' + st.phase;
    document.getElementById('reason').textContent = st.reason || '';
    document.getElementById('message').textContent = st.message || '';
    for (const k of ['head', 'applied', 'lastGood']) document.getElementById(k).textContent = short(st.revision[k]);
    document.getElementById('failed').textContent = st.failedRevision ? 'failed ' + short(st.failedRevision.commit) + ': ' + st.failedRevision.reason : '';
    const servers = document.getElementById('servers');
    servers.replaceChildren(...st.servers.map((s) => { const tr = row([cell(s.name), cell(s.version), cell(short(s.commit)), badge(s.phase), badge(s.health), cell(s.endpoint || '-'), cell((s.tools || []).join(', '), 'tools'), message(s), cell(s.reason || '')]); tr.dataset.server = s.name; return tr; }));
    const history = document.getElementById('history');
    history.replaceChildren(...st.history.slice(0, 20).map((h) => row([cell(short(h.commit)), badge(h.result), cell(h.reason || ''), cell(h.finishedAt), cell(h.message, 'muted')])));
  }
  let pending;
  const soon = () => { clearTimeout(pending); pending = setTimeout(() => refresh().catch(() => {}), 150); };
  refresh().catch(() => {});
  const es = new EventSource('events');
  es.onmessage = soon;
  for (const t of ['sync.started', 'sync.finished', 'wave.started', 'server.starting', 'server.waiting', 'server.verifying', 'gate.passed', 'gate.failed', 'server.removed', 'revert.started', 'drift.repaired', 'server.crashed', 'source.error', 'sync.retrying', 'sync.suspended', 'sync.resumed', 'writeback.pushed', 'writeback.failed', 'canary.step', 'canary.judged', 'canary.promoted', 'canary.reverted']) es.addEventListener(t, soon);
  // a slow poll besides the events, in case the stream is cut by a proxy; ?refresh=<seconds>, 0 = off
  const every = Number(new URLSearchParams(location.search).get('refresh') ?? '10');
  if (every > 0) setInterval(() => refresh().catch(() => {}), every * 1000);
</script>
</body>
</html>
`;
