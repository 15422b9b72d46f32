// `serve` flags for day-to-day operation: start suspended, repair while suspended, write-back.
import type { DaemonConfig } from '../../daemon/config.js';
import { str, UsageError, type OptionTable, type Values } from '../options.js';

export const OPS_OPTIONS = {
  suspended: { type: 'boolean', description: 'start suspended: read the head but apply no new commit until POST /resume (mcp-gitops resume)' },
  'suspend-repair': {
    type: 'string',
    description: 'true | false: while suspended, still restart crashed or missing servers of the applied commit (default true)',
  },
  'write-back': { type: 'string', description: 'off | revert: an automatic revert also pushes a revert commit to the followed branch (default off)' },
  'write-back-author': { type: 'string', description: 'author of write-back commits, "Name <email>" (default mcp-gitops <mcp-gitops@localhost>)' },
  'otel-endpoint': {
    type: 'string',
    description: 'export OpenTelemetry traces over OTLP/HTTP to this collector base URL (default: OTEL_EXPORTER_OTLP_ENDPOINT; unset = off)',
  },
} satisfies OptionTable;

function bool(v: Values, flag: string): boolean | undefined {
  const raw = str(v, flag);
  if (raw === undefined) return undefined;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new UsageError(`--${flag} must be true or false, got "${raw}"`);
}

function author(raw: string): { name: string; email: string } {
  const m = /^([^<>]+?)\s*<([^<>\s]+)>$/.exec(raw.trim());
  if (!m) throw new UsageError(`--write-back-author must look like "Name <email>", got "${raw}"`);
  return { name: m[1], email: m[2] };
}

export function opsConfig(v: Values): Pick<DaemonConfig, 'suspended' | 'suspendRepair' | 'writeBack' | 'writeBackAuthor' | 'otelEndpoint'> {
  const writeBack = str(v, 'write-back') ?? 'off';
  if (writeBack !== 'off' && writeBack !== 'revert') throw new UsageError(`--write-back must be off or revert, got "${writeBack}"`);
  const who = str(v, 'write-back-author');
  const otel = str(v, 'otel-endpoint');
  return {
    ...(v.suspended === true && { suspended: true }),
    suspendRepair: bool(v, 'suspend-repair') ?? true,
    ...(writeBack === 'revert' && { writeBack }),
    ...(who !== undefined && { writeBackAuthor: author(who) }),
    ...(otel !== undefined && otel !== '' && { otelEndpoint: otel }),
  };
}
