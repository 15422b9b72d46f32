// The history timeline: per sync its result, commit, commit message and author, reason and duration.
import { badge, duration, h, short, time } from './dom.js';

function historyItem(e) {
  const title = e.commitMessage || e.message;
  return h(
    'li',
    { class: `sync ${e.result}`, dataset: { sync: e.id } },
    h('div', { class: 'sync-head' }, badge(e.result), h('code', { class: 'commit' }, short(e.commit)), h('span', { class: 'subject' }, title)),
    h(
      'p',
      { class: 'sync-facts muted' },
      e.author ? h('span', { class: 'author' }, e.author) : undefined,
      e.author ? ' · ' : undefined,
      h('span', { class: 'reason' }, e.reason),
      ' · ',
      h('span', { class: 'duration' }, duration(e.startedAt, e.finishedAt)),
      ' · ',
      time(e.finishedAt),
    ),
    e.commitMessage && e.message !== e.commitMessage ? h('p', { class: 'sync-message' }, e.message) : undefined,
  );
}

export function historyList(history, limit = 30) {
  return history.length > 0 ? history.slice(0, limit).map(historyItem) : [h('li', { class: 'muted' }, 'No sync finished yet.')];
}
