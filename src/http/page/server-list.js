// The server list: one card per server with health, phase and reason, version, replicas and the
// endpoint with a copy button; the name links to its detail view (#/servers/<name>).
import { badge, copyButton, h } from './dom.js';

const detailHash = (name) => `#/servers/${encodeURIComponent(name)}`;

function replicas(r) {
  if (!r) return undefined;
  return h('span', { class: `replicas${r.ready < r.desired ? ' short' : ''}`, title: 'replicas ready / desired' }, `${r.ready}/${r.desired} ready`);
}

function serverCard(s) {
  return h(
    'li',
    { class: 'server', dataset: { server: s.name } },
    h(
      'div',
      { class: 'server-head' },
      h('a', { href: detailHash(s.name), class: 'name', dataset: { key: `server:${s.name}` } }, s.name),
      badge(s.health),
      badge(s.phase),
      replicas(s.replicas),
    ),
    h(
      'p',
      { class: 'server-facts' },
      h('span', { class: 'version' }, `v${s.version}`),
      s.reason !== s.health ? [' · ', h('span', { class: 'reason' }, s.reason)] : undefined,
      s.canary ? h('span', { class: 'badge Progressing canary-tag' }, `canary ${s.canary.weight} %`) : undefined,
      s.restarts > 0 ? h('span', { class: 'restarts' }, ` · ${s.restarts} restart${s.restarts === 1 ? '' : 's'}`) : undefined,
    ),
    s.message ? h('p', { class: 'muted server-message' }, s.message) : undefined,
    s.endpoint ? h('p', { class: 'endpoint' }, h('code', {}, s.endpoint), copyButton(s.endpoint, `endpoint of ${s.name}`)) : undefined,
  );
}

export function serverList(st) {
  return st.servers.length > 0 ? st.servers.map(serverCard) : [h('li', { class: 'muted' }, 'No server deployed yet.')];
}
