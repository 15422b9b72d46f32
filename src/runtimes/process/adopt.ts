// Re-adoption after a daemon restart. For every record left in the state dir:
// - the process is gone (or its pid now belongs to another program): drop the record, touch nothing;
// - it is a live stdio server: its pipes died with the old daemon, nobody can talk to it: stop it;
// - it is a live http server: adopt it (it keeps serving; the reconciler sees it in observe()).
// A log file or pipe without a record is a launch the old daemon did not get to record: whatever
// process still writes its stderr there is stopped, since no record will ever name it.
import { mkdir, readdir, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMP_MARKER } from './atomic-write.js';
import { isSameProcess } from './identity.js';
import { deleteRecord, instancesDir, loadRecords, recordLabels, type InstanceRecord } from './instance-record.js';
import { deleteLog, logPath, logsDir, pipePath } from './log-file.js';
import { LogPump } from './log-pump.js';
import type { Logger } from '../logger.js';
import { newManaged, type ManagedInstance } from './managed-instance.js';
import { processesWritingTo, readBootId } from './proc.js';
import { stopGroup } from './signals.js';

export interface AdoptOptions {
  stateDir: string;
  logger: Logger;
  graceMs: number;
}

export async function adoptRecords(o: AdoptOptions): Promise<ManagedInstance[]> {
  await mkdir(instancesDir(o.stateDir), { recursive: true, mode: 0o700 });
  await mkdir(logsDir(o.stateDir), { recursive: true, mode: 0o700 });
  await removeTempFiles(instancesDir(o.stateDir));
  const bootId = readBootId();
  const adopted: ManagedInstance[] = [];
  const kept = new Set<string>();
  const stops: Promise<void>[] = [];
  for (const loaded of await loadRecords(o.stateDir)) {
    if (!loaded.record) {
      o.logger.warn({ file: loaded.file, error: loaded.error }, 'ignoring unreadable instance record');
      kept.add(loaded.id);
      continue;
    }
    const record = loaded.record;
    const labels = recordLabels(record);
    if (!labels || !isSameProcess(record, bootId)) {
      o.logger.info({ id: record.id, pid: record.pid }, 'dropping record of a process that is gone');
      await forget(o.stateDir, record.id);
    } else if (record.endpoint.kind === 'stdio') {
      o.logger.warn({ id: record.id, pid: record.pid, server: labels.server }, 'stopping stdio server left by a previous daemon (its pipes are gone)');
      stops.push(stopStranded(o, record));
    } else {
      o.logger.info({ id: record.id, pid: record.pid, server: labels.server }, 'adopting running http server');
      // its output waited in its pipe while no daemon read it: read on (an older instance logging to a file has none)
      const pump = LogPump.attach({ pipe: pipePath(o.stateDir, record.id), log: logPath(o.stateDir, record.id), id: record.id, logger: o.logger });
      adopted.push(newManaged({ record, labels, secretValues: [], adopted: true, ...(pump && { pump }) }));
      kept.add(record.id);
    }
  }
  await Promise.all(stops);
  await removeOrphanLogs(o, kept);
  return adopted;
}

async function stopStranded(o: AdoptOptions, record: InstanceRecord): Promise<void> {
  try {
    const outcome = await stopGroup({ pgid: record.pid, leaderStartTime: record.startTime }, { graceMs: o.graceMs });
    if (outcome === 'stuck') o.logger.error({ id: record.id, pid: record.pid }, 'process group survived SIGKILL');
  } catch (err) {
    o.logger.error({ err, id: record.id, pid: record.pid }, 'could not stop process group');
  }
  await forget(o.stateDir, record.id);
}

async function forget(stateDir: string, id: string): Promise<void> {
  await deleteRecord(stateDir, id);
  await deleteLog(stateDir, id);
}

async function removeTempFiles(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name.includes(TEMP_MARKER)) await rm(join(dir, name), { force: true });
  }
}

async function removeOrphanLogs(o: AdoptOptions, kept: Set<string>): Promise<void> {
  const dir = await realpath(logsDir(o.stateDir));
  const orphans = (await readdir(dir)).filter((n) => /\.(log|pipe)$/.test(n) && !kept.has(n.replace(/\.(log|pipe)$/, ''))).map((n) => join(dir, n));
  const writers = processesWritingTo(orphans);
  await Promise.all(
    [...writers].map(async ([file, procs]) => {
      for (const pgid of new Set(procs.map((p) => p.pgrp))) {
        o.logger.warn({ log: file, pgid }, 'stopping a process a previous daemon started but died before recording');
        const leaderStartTime = procs.find((p) => p.pid === pgid)?.startTime ?? null;
        const outcome = await stopGroup({ pgid, leaderStartTime }, { graceMs: o.graceMs }).catch(() => 'stuck' as const);
        if (outcome === 'stuck') o.logger.error({ log: file, pgid }, 'process group survived SIGKILL');
      }
    }),
  );
  for (const file of orphans) await rm(file, { force: true });
}
