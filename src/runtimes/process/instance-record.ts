// The durable record of one launched process: `<stateDir>/instances/<id>.json`.
// It is what lets a restarted daemon find (and prove it owns) what the previous one started.
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fromLabelMap, type InstanceEndpoint, type InstanceLabels } from '../runtime.js';
import { writeFileAtomic } from './atomic-write.js';

export interface InstanceRecord {
  version: 1;
  id: string;
  /** Label map of docs/reference/labels.md (managed-by, server, commit, spec-hash). */
  labels: Record<string, string>;
  /** Also the process group id: children are spawned detached, so they lead their group. */
  pid: number;
  /** /proc/<pid>/stat field 22; null when it could not be read (then the record is never acted on). */
  startTime: string | null;
  /** /proc/sys/kernel/random/boot_id at launch: start times only compare within one boot. */
  bootId: string | null;
  endpoint: InstanceEndpoint;
  startedAt: string;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,80}$/;

export function isValidInstanceId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export function instancesDir(stateDir: string): string {
  return join(stateDir, 'instances');
}

export function recordPath(stateDir: string, id: string): string {
  if (!isValidInstanceId(id)) throw new Error(`invalid instance id ${JSON.stringify(id)}`);
  return join(instancesDir(stateDir), `${id}.json`);
}

export async function writeRecord(stateDir: string, record: InstanceRecord): Promise<void> {
  await writeFileAtomic(recordPath(stateDir, record.id), `${JSON.stringify(record, null, 2)}\n`);
}

export async function deleteRecord(stateDir: string, id: string): Promise<void> {
  if (isValidInstanceId(id)) await rm(recordPath(stateDir, id), { force: true });
}

export function recordLabels(record: InstanceRecord): InstanceLabels | null {
  return fromLabelMap(record.labels);
}

/** Validates parsed JSON; null for anything that is not a record we wrote. */
export function parseRecord(value: unknown): InstanceRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Partial<InstanceRecord>;
  if (r.version !== 1 || typeof r.id !== 'string' || !isValidInstanceId(r.id)) return null;
  if (typeof r.pid !== 'number' || !Number.isInteger(r.pid) || r.pid <= 1) return null;
  if (r.startTime !== null && typeof r.startTime !== 'string') return null;
  if (r.bootId !== null && typeof r.bootId !== 'string') return null;
  if (typeof r.startedAt !== 'string' || !isEndpoint(r.endpoint)) return null;
  if (typeof r.labels !== 'object' || r.labels === null || !fromLabelMap(r.labels)) return null;
  return r as InstanceRecord;
}

function isEndpoint(e: unknown): e is InstanceEndpoint {
  if (typeof e !== 'object' || e === null) return false;
  const x = e as Record<string, unknown>;
  if (x.kind === 'stdio') return true;
  return x.kind === 'http' && (x.transport === 'streamable-http' || x.transport === 'sse') && typeof x.url === 'string';
}

export type LoadedRecord = { file: string; id: string; record: InstanceRecord } | { file: string; id: string; record: null; error: string };

/** Every `*.json` in the instances dir, parsed; unreadable ones carry an error instead. */
export async function loadRecords(stateDir: string): Promise<LoadedRecord[]> {
  const dir = instancesDir(stateDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: LoadedRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const file = join(dir, name);
    const id = name.slice(0, -'.json'.length);
    try {
      const record = parseRecord(JSON.parse(await readFile(file, 'utf8')));
      if (record && record.id === id) out.push({ file, id, record });
      else out.push({ file, id, record: null, error: 'not a valid instance record' });
    } catch (err) {
      out.push({ file, id, record: null, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
