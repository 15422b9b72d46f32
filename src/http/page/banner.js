// The banners above everything: suspended, head quarantined, and a fault of the machine.
import { h, short, time } from './dom.js';

export function banners(st) {
  const out = [];
  const s = st.suspended;
  if (s)
    out.push(
      h(
        'div',
        { class: 'banner warn', id: 'banner-suspended' },
        h('strong', {}, 'Suspended'),
        ` by ${s.by} `,
        time(s.at),
        s.reason ? `: ${s.reason}` : '',
        '. New commits are not applied until POST /resume; what runs keeps serving.',
      ),
    );
  const f = st.failedRevision;
  if (f && f.commit === st.revision.head)
    out.push(
      h(
        'div',
        { class: 'banner bad', id: 'banner-quarantined' },
        h('strong', {}, 'Head quarantined'),
        ': ',
        h('code', {}, short(f.commit)),
        ` ${f.reason}. Serving `,
        h('code', {}, short(st.revision.applied)),
        '; a new commit (or a forced sync) tries again.',
      ),
    );
  const e = st.lastError;
  if (e) out.push(h('div', { class: 'banner warn', id: 'banner-fault' }, h('strong', {}, e.reason), `: ${e.message} (retrying by itself)`));
  return out;
}
