// spec.tools.allow / deny: which tools the gateway exposes and accepts. Patterns are names or globs
// where `*` matches any run of characters and `?` one character; nothing else is special.
import type { ToolSettings } from '../spec/desired.js';

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

export type ToolNameFilter = (name: string) => boolean;

/** True for the tools a client may see and call. No allow list = all; deny wins over allow. */
export function toolNameFilter(settings: Pick<ToolSettings, 'allow' | 'deny'> | undefined): ToolNameFilter {
  const allow = settings?.allow?.map(globToRegExp);
  const deny = settings?.deny?.map(globToRegExp) ?? [];
  return (name) => (allow === undefined || allow.some((r) => r.test(name))) && !deny.some((r) => r.test(name));
}
