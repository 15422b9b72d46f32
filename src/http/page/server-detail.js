// One server's detail view (#/servers/<name>): facts, canary progress, the sparkline of its gateway
// calls and errors, its tool surface and what the last rollout changed of it.
import { badge, copyButton, h, short, time } from './dom.js';
import { sparkline } from './sparkline.js';

/** The newest history entry whose rollout changed this server's tools, and the change. */
function lastToolChange(history, name) {
  const e = history.find((x) => x.toolChanges && x.toolChanges[name]);
  return e ? { entry: e, diff: e.toolChanges[name] } : undefined;
}

function fact(term, ...value) {
  return h('div', {}, h('dt', {}, term), h('dd', {}, ...value));
}

function canary(c) {
  const p99 = c.p99Ms === null ? 'no tools/call yet' : `${c.p99Ms} ms`;
  return h(
    'section',
    { class: 'card canary', 'aria-labelledby': 'canary-h' },
    h('h3', { id: 'canary-h' }, `Canary ${c.canaryVersion} beside ${c.stableVersion ?? 'stable'}`),
    h('progress', { max: c.steps.length, value: c.step, 'aria-label': `step ${c.step} of ${c.steps.length}` }),
    h('p', { class: 'canary-summary' }, `step ${c.step} of ${c.steps.length}, ${c.weight} % of new sessions (steps ${c.steps.join(' → ')} %)`),
    h(
      'dl',
      { class: 'facts' },
      fact('canary', `${c.calls} calls, ${c.errors} errors (rate ${c.errorRate.toFixed(2)}), p99 ${p99}`),
      fact('stable', `${c.stable.calls} calls, ${c.stable.errors} errors (rate ${c.stable.errorRate.toFixed(2)})`),
      fact('step started', time(c.stepStartedAt)),
    ),
  );
}

function toolDiff(change) {
  if (!change) return h('p', { class: 'muted' }, 'No rollout in the history changed its tools.');
  const { entry, diff } = change;
  const items = [
    ...diff.added.map((n) => h('li', { class: 'added' }, h('span', { class: 'mark', 'aria-label': 'added' }, '+'), h('code', {}, n))),
    ...diff.removed.map((n) => h('li', { class: 'removed' }, h('span', { class: 'mark', 'aria-label': 'removed' }, '−'), h('code', {}, n))),
    ...diff.changed.map((c) =>
      h('li', { class: 'changed' }, h('span', { class: 'mark', 'aria-label': 'changed' }, '~'), h('code', {}, c.name), ` (${c.parts.join(', ')})`),
    ),
  ];
  return h(
    'div',
    { class: 'tool-diff' },
    h('p', { class: 'muted' }, 'Last rollout that changed them: ', h('code', {}, short(entry.commit)), ` (${entry.result}) `, time(entry.finishedAt)),
    h('ul', { class: 'diff' }, items),
  );
}

function drift(d) {
  if (!d) return undefined;
  const parts = [...d.added.map((n) => `+${n}`), ...d.removed.map((n) => `-${n}`), ...d.changed.map((c) => `~${c.name}`)];
  return h('p', { class: 'banner warn' }, h('strong', {}, 'Tool drift'), ` (pin ${d.pin}) since `, time(d.at), `: ${parts.join(' ')}`);
}

export function serverDetail(st, name, series) {
  const s = st.servers.find((x) => x.name === name);
  if (!s)
    return [
      h('p', {}, h('a', { href: '#/' }, '← All servers')),
      h('h2', { id: 'detail-h', tabindex: '-1' }, name),
      h('p', {}, 'No server of this name is deployed.'),
    ];
  const change = lastToolChange(st.history, name);
  const changed = new Set(change ? [...change.diff.added, ...change.diff.changed.map((c) => c.name)] : []);
  return [
    h('p', {}, h('a', { href: '#/', dataset: { key: 'back' } }, '← All servers')),
    h('h2', { id: 'detail-h', tabindex: '-1' }, s.name, ' ', badge(s.health), ' ', badge(s.phase)),
    s.message ? h('p', { class: 'muted' }, s.message) : undefined,
    s.canary ? canary(s.canary) : undefined,
    drift(s.toolDrift),
    h(
      'dl',
      { class: 'facts card' },
      fact('reason', s.reason),
      fact('version', s.version),
      fact('commit', h('code', {}, short(s.commit))),
      fact('deployed', time(s.deployedAt)),
      fact('restarts', String(s.restarts)),
      s.replicas ? fact('replicas', `${s.replicas.ready} ready of ${s.replicas.desired}`) : undefined,
      s.sessions !== undefined ? fact('sessions', String(s.sessions)) : undefined,
      fact('instance', h('code', {}, s.instanceId ?? '-')),
      s.endpoint ? fact('endpoint', h('code', {}, s.endpoint), ' ', copyButton(s.endpoint, `endpoint of ${s.name}`)) : undefined,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'traffic-h' },
      h('h3', { id: 'traffic-h' }, 'Gateway calls, last 15 minutes'),
      series ? sparkline(series) : h('p', { class: 'muted' }, 'loading…'),
      h('p', { class: 'legend muted' }, h('span', { class: 'key calls' }, 'calls'), ' ', h('span', { class: 'key errors' }, 'errors'), ' per 10 s'),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'tools-h' },
      h('h3', { id: 'tools-h' }, `Tools (${s.tools.length})`),
      h(
        'ul',
        { class: 'tools' },
        s.tools.map((t) => h('li', { class: changed.has(t) ? 'new' : undefined }, h('code', {}, t))),
      ),
      h('h4', {}, 'Diff of the last rollout'),
      toolDiff(change),
    ),
  ];
}
