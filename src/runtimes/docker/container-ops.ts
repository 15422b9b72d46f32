// The engine calls the runtime makes on containers, each bounded in time and mapped to typed
// errors. Everything here looks at our labels first: a container without them (or of another
// scope) is reported as absent and never stopped, removed or attached to.
import type Dockerode from 'dockerode';
import type { InstanceLabels } from '../runtime.js';
import type { Logger } from '../logger.js';
import { withAnswerTimeout } from './answer-timeout.js';
import { engineError, engineStatus } from './engine-error.js';
import { describeExit } from './exit-message.js';
import { labelFilters, ownLabels, secretValuesFromEnv } from './labels.js';
import { frameLines, type StreamType } from './log-frames.js';

export interface EngineDeps {
  docker: Dockerode;
  where: string;
  scope: string | undefined;
  requestTimeoutMs: number;
  logger: Logger;
}

export interface OwnContainer<T> {
  info: T;
  labels: InstanceLabels;
}

export async function listOurs(d: EngineDeps): Promise<OwnContainer<Dockerode.ContainerInfo>[]> {
  let infos: Dockerode.ContainerInfo[];
  try {
    infos = await withAnswerTimeout(d.requestTimeoutMs, (abortSignal) =>
      d.docker.listContainers({ all: true, filters: { label: labelFilters(d.scope) }, abortSignal }),
    );
  } catch (err) {
    throw engineError(err, { what: 'list containers', where: d.where });
  }
  return infos.flatMap((info) => {
    const labels = ownLabels(info.Labels, d.scope);
    return labels ? [{ info, labels }] : [];
  });
}

/** The container if it exists and is ours; null otherwise. */
export async function inspectOurs(d: EngineDeps, id: string): Promise<OwnContainer<Dockerode.ContainerInspectInfo> | null> {
  let info: Dockerode.ContainerInspectInfo;
  try {
    info = await withAnswerTimeout(d.requestTimeoutMs, (abortSignal) => d.docker.getContainer(id).inspect({ abortSignal }));
  } catch (err) {
    if (engineStatus(err) === 404) return null;
    throw engineError(err, { what: `inspect container ${id}`, where: d.where });
  }
  const labels = ownLabels(info.Config.Labels, d.scope);
  return labels ? { info, labels } : null;
}

/** SIGTERM, `graceSeconds`, SIGKILL (the engine's stop), then remove with its anonymous volumes. */
export async function stopAndRemove(d: EngineDeps, id: string, graceSeconds: number): Promise<void> {
  const container = d.docker.getContainer(id);
  try {
    await withAnswerTimeout(d.requestTimeoutMs + graceSeconds * 1000, (abortSignal) => container.stop({ t: graceSeconds, abortSignal }));
  } catch (err) {
    const status = engineStatus(err);
    // 304: not running; 404: gone already; 409: being removed by someone else (remove below copes)
    if (status !== 304 && status !== 404 && status !== 409) throw engineError(err, { what: `stop container ${id}`, where: d.where });
  }
  try {
    await withAnswerTimeout(d.requestTimeoutMs, (abortSignal) => container.remove({ force: true, v: true, abortSignal }));
  } catch (err) {
    const status = engineStatus(err);
    if (status === 404) return;
    if (status === 409) return waitRemoved(d, id); // "removal already in progress"
    throw engineError(err, { what: `remove container ${id}`, where: d.where });
  }
}

async function waitRemoved(d: EngineDeps, id: string): Promise<void> {
  try {
    await withAnswerTimeout(d.requestTimeoutMs, (abortSignal) => d.docker.getContainer(id).wait({ condition: 'removed', abortSignal }));
  } catch (err) {
    if (engineStatus(err) === 404) return;
    throw engineError(err, { what: `wait for removal of container ${id}`, where: d.where });
  }
}

/** Resolves with the exit code once the container is not running; rejects after `ms` if it still runs. */
export async function waitStopped(d: EngineDeps, id: string, ms: number): Promise<number | null> {
  const r = (await withAnswerTimeout(ms, (abortSignal) => d.docker.getContainer(id).wait({ condition: 'not-running', abortSignal }))) as {
    StatusCode?: unknown;
  };
  return typeof r.StatusCode === 'number' ? r.StatusCode : null;
}

const STDERR = new Set<StreamType>([2]);
const BOTH = new Set<StreamType>([1, 2]);
const TAIL_LINES = 50;

export interface EndReport {
  message: string;
  /** Secret values learned from the container's env (for containers we did not start). */
  secretValues: string[];
}

/**
 * Why a container ended, from its state and the tail of its log (stderr only for stdio servers:
 * their stdout is the JSON-RPC conversation). Best effort: a container already gone still gets a line.
 */
export async function describeEnd(
  d: EngineDeps,
  id: string,
  o: { exitCode: number | null; stdio: boolean; secretValues: readonly string[] },
): Promise<EndReport> {
  let state: Dockerode.ContainerInspectInfo['State'] | undefined;
  let secretValues = [...o.secretValues];
  try {
    const own = await inspectOurs(d, id);
    state = own?.info.State;
    if (own && secretValues.length === 0) secretValues = secretValuesFromEnv(own.info.Config.Labels, own.info.Config.Env);
  } catch (err) {
    d.logger.debug({ id, err }, 'could not inspect an ended container');
  }
  let tail: string[] = [];
  try {
    const buf = await withAnswerTimeout(d.requestTimeoutMs, (abortSignal) =>
      d.docker.getContainer(id).logs({ stdout: !o.stdio, stderr: true, tail: TAIL_LINES, follow: false, abortSignal }),
    );
    tail = frameLines(buf, o.stdio ? STDERR : BOTH);
  } catch (err) {
    d.logger.debug({ id, err }, 'could not read the log of an ended container');
  }
  const exitCode = state && !state.Running ? state.ExitCode : o.exitCode;
  const end = { exitCode, oomKilled: state?.OOMKilled === true, ...(state?.Error ? { error: state.Error } : {}) };
  return { message: describeExit(end, tail, secretValues), secretValues };
}
