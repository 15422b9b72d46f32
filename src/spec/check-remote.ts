// Remote servers (spec.url) run elsewhere: the daemon never starts them, so the fields that say how
// to start a server do not apply, and `headers` only mean something with a url. Each error names
// the line of the url (or of the field) it conflicts with, so both places are found from one message.
import type { ServerFields } from './generated.js';
import type { PathSegment } from './positions.js';

export interface RemoteProblem {
  /** The field the error is about. */
  path: PathSegment[];
  /** The field it conflicts with (its line goes into the message). */
  other: PathSegment[];
  message: (otherLine: number) => string;
}

/** Fields a server the daemon starts uses, which a remote server cannot have. */
const LAUNCH_FIELDS = ['args', 'cwd', 'port', 'path', 'env'] as const;

export function remoteProblems(f: ServerFields): RemoteProblem[] {
  const out: RemoteProblem[] = [];
  if (f.url === undefined) {
    if (f.headers !== undefined)
      out.push({
        path: ['headers'],
        other: ['headers'],
        message: () => 'headers are sent to a remote server: they need spec.url (servers the daemon starts take env)',
      });
    return out;
  }
  for (const field of ['command', 'image'] as const) {
    if (f[field] === undefined) continue;
    out.push({
      path: [field],
      other: ['url'],
      message: (line) => `${field} and url (line ${line}) are mutually exclusive: url is a remote server the daemon never starts; remove one of them`,
    });
  }
  for (const field of LAUNCH_FIELDS) {
    if (f[field] === undefined) continue;
    out.push({ path: [field], other: ['url'], message: (line) => `applies only to servers the daemon starts; this one is remote (url, line ${line})` });
  }
  if (f.replicas !== undefined && f.replicas > 1)
    out.push({
      path: ['replicas'],
      other: ['url'],
      message: (line) => `a remote server (url, line ${line}) runs elsewhere: the daemon starts no replicas of it; remove replicas (or set it to 1)`,
    });
  if (f.transport === 'stdio')
    out.push({
      path: ['transport'],
      other: ['url'],
      message: (line) => `a remote server (url, line ${line}) speaks streamable-http (default) or sse, not stdio`,
    });
  if (f.gateway?.sessions === 'isolated')
    out.push({
      path: ['gateway', 'sessions'],
      other: ['url'],
      message: (line) => `isolated sessions start one instance per session; a remote server (url, line ${line}) is never started`,
    });
  return out;
}
