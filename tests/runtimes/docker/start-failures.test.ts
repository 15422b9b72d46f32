// Starts that cannot work fail at once with a typed, readable error and leave nothing behind.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRuntimeError } from '../../../src/runtimes/errors.js';
import { probeEngine } from '../../helpers/docker/engine.js';
import { createDockerHarness, type DockerHarness } from '../../helpers/docker/harness.js';
import { MISSING_IMAGE } from '../../helpers/docker/images.js';
import { dockerServer, everythingStdio } from '../../helpers/docker/servers.js';
import { rejection, waitFor } from '../../helpers/docker/wait.js';
import type { ExitInfo } from '../../../src/runtimes/runtime.js';

const probe = await probeEngine();

describe.skipIf(!probe.ok)(`docker runtime: start failures${probe.ok ? '' : ` (skipped: ${probe.reason})`}`, () => {
  let h: DockerHarness;
  beforeEach(() => {
    h = createDockerHarness(probe.engine!);
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('a missing image that cannot be pulled fails the start with a clear, non-transient reason', async () => {
    const rt = h.runtime({ pullTimeoutMs: 600_000 }); // past the test's timeout: a pull that hangs fails the test
    const err = await rejection(rt.start(everythingStdio('ghost', { image: MISSING_IMAGE }), h.ctx));
    expect(isRuntimeError(err, 'RUNTIME_IMAGE_UNAVAILABLE')).toBe(true);
    expect(err).toMatchObject({ transient: false, data: { image: MISSING_IMAGE } });
    expect((err as Error).message).toMatch(new RegExp(`^image ${MISSING_IMAGE} is not present on the engine and could not be pulled: .+`));
    expect(await rt.observe()).toEqual([]);
  });

  it('an entrypoint missing from the image, without init: the engine refuses the start (RUNTIME_START_FAILED), nothing left', async () => {
    const rt = h.runtime({ init: false });
    const err = await rejection(rt.start(dockerServer({ name: 'typo', command: '/usr/local/bin/nodee' }), h.ctx));
    expect(isRuntimeError(err, 'RUNTIME_START_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(/^server typo: the engine could not start the container: .*nodee/);
    expect(await rt.observe()).toEqual([]);
  });

  it('an entrypoint missing from the image, with docker-init as PID 1: the container exits at once, the message names the file', async () => {
    const rt = h.runtime();
    const exits: ExitInfo[] = [];
    rt.onExit((e) => exits.push(e));
    const inst = await rt.start(dockerServer({ name: 'typo', command: '/usr/local/bin/nodee' }), h.ctx);
    const exit = await waitFor('the exit of the container', () => exits.find((e) => e.id === inst.id));
    expect(exit.message).toMatch(/^exited with code 127: .*exec \/usr\/local\/bin\/nodee failed: No such file or directory/);
  });

  it('a spec without an image is RUNTIME_INVALID_SPEC before anything is created', async () => {
    const rt = h.runtime();
    const err = await rejection(rt.start(dockerServer({ name: 'noimage', image: undefined }), h.ctx));
    expect(isRuntimeError(err, 'RUNTIME_INVALID_SPEC')).toBe(true);
    expect((err as Error).message).toBe('server noimage: spec.image is required by the docker runtime');
  });
});
