// Small DOM helpers: elements from a tag, attributes and children; short SHAs; times and durations.

/** h('a', { href: '#/' }, 'text', child): an element with attributes (class, dataset) and children. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export const short = (sha) => (sha ? sha.slice(0, 7) : '-');

/** A status word as a coloured badge (the colour comes from the word's class). */
export const badge = (word) => h('span', { class: `badge ${word}` }, word);

export function duration(from, to) {
  const s = Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
  if (!Number.isFinite(s)) return '-';
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function ago(iso, now = Date.now()) {
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(s)) return '';
  if (s < 60) return `${Math.max(0, s)} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(iso).toISOString().slice(0, 10);
}

/** A <time> element: relative text, the exact time as its tooltip. */
export const time = (iso) => (iso ? h('time', { datetime: iso, title: iso }, ago(iso)) : '-');

/** A button that copies `text` (an endpoint) and says so. */
export function copyButton(text, label) {
  const btn = h('button', { type: 'button', class: 'copy', 'aria-label': `Copy ${label}`, dataset: { key: `copy:${label}` } }, 'Copy');
  btn.addEventListener('click', async () => {
    const ok = await copy(text);
    btn.textContent = ok ? 'Copied' : 'Copy failed';
    setTimeout(() => (btn.textContent = 'Copy'), 2000);
  });
  return btn;
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // no clipboard API (a plain-http address other than localhost): the old way
    const area = h('textarea', { class: 'offscreen', readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}
