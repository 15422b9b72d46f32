// Images are pulled only when the engine does not have them. An image that is neither present nor
// pullable fails the start with RUNTIME_IMAGE_UNAVAILABLE (not transient: the commit names it), so
// the rollout fails at once instead of waiting for a health timeout.
import type Dockerode from 'dockerode';
import { withAnswerTimeout } from './answer-timeout.js';
import { engineError, engineMessage, engineStatus } from './engine-error.js';
import { RuntimeError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface ImageDeps {
  docker: Dockerode;
  where: string;
  logger: Logger;
  requestTimeoutMs: number;
  pullTimeoutMs: number;
}

export async function isImagePresent(d: ImageDeps, image: string): Promise<boolean> {
  try {
    await withAnswerTimeout(d.requestTimeoutMs, () => d.docker.getImage(image).inspect());
    return true;
  } catch (err) {
    if (engineStatus(err) === 404) return false;
    throw engineError(err, { what: `inspect image ${image}`, where: d.where });
  }
}

/** Resolves once `image` is on the engine; pulls it when missing. */
export async function ensureImage(d: ImageDeps, image: string): Promise<void> {
  if (await isImagePresent(d, image)) return;
  d.logger.info({ image }, 'image not present: pulling it');
  await pull(d, image);
  if (!(await isImagePresent(d, image))) throw unavailable(image, 'the pull finished but the image is still not there');
  d.logger.info({ image }, 'image pulled');
}

async function pull(d: ImageDeps, image: string): Promise<void> {
  const signal = AbortSignal.timeout(d.pullTimeoutMs);
  let progress: unknown[];
  try {
    const stream = await d.docker.pull(image, { abortSignal: signal });
    progress = await new Promise<unknown[]>((resolvePull, reject) => {
      d.docker.modem.followProgress(stream, (err: Error | null, output: unknown[]) => (err ? reject(err) : resolvePull(output)));
    });
  } catch (err) {
    if (signal.aborted) throw unavailable(image, `the pull did not finish within ${Math.round(d.pullTimeoutMs / 1000)}s`, err);
    const mapped = engineError(err, { what: `pull image ${image}`, where: d.where });
    // No engine is no reason to blame the image: that stays transient.
    if (mapped.code === 'RUNTIME_ENGINE_UNAVAILABLE' || mapped.code === 'RUNTIME_ENGINE_PERMISSION') throw mapped;
    throw unavailable(image, engineMessage(err), err);
  }
  // A pull that fails half-way (manifest unknown, denied) ends the stream normally with an `error` line.
  const failed = progress.find((p): p is { error: string } => typeof (p as { error?: unknown } | null)?.error === 'string');
  if (failed) throw unavailable(image, failed.error);
}

function unavailable(image: string, why: string, cause?: unknown): RuntimeError {
  return new RuntimeError('RUNTIME_IMAGE_UNAVAILABLE', `image ${image} is not present on the engine and could not be pulled: ${why}`, { image }, { cause });
}
