// The Dockerfile, checked without an engine (no registry here): parsed, linted against what the
// issue asks (multi-stage, npm ci --omit=dev, non-root, HEALTHCHECK on /healthz, ENTRYPOINT
// ["mcp-gitops"]), every COPY source present, and the image's start and health commands run
// directly against a real daemon from dist/.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commit, initRepo, tempDir } from '../../source/helpers/git-fixture.js';
import { waitFor } from '../../helpers/docker/wait.js';
import { paths } from '../process/helpers/servers.js';
import { parseDockerfile, type Instruction } from './helpers/dockerfile.js';
import { freePort } from './helpers/processes.js';

const root = paths.root;
const df = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const final = df.stages.at(-1)!;
const find = (k: string, ins: readonly Instruction[] = final.instructions) => ins.filter((i) => i.keyword === k);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };

/** The final stage's ENV, as the container would see it. */
function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of find('ENV')) for (const m of e.rest.matchAll(/([A-Z_]+)=(\S+)/g)) env[m[1]] = m[2];
  return env;
}

describe('Dockerfile', () => {
  it('is multi-stage with named build stages, pinned bases, and COPY --from only of earlier stages', () => {
    expect(df.directives.syntax).toBe('docker/dockerfile:1');
    expect(df.stages.length).toBeGreaterThanOrEqual(2);
    for (const s of df.stages) expect(s.base).toMatch(/^[a-z0-9./-]+:\d[\w.-]*$/); // a tag, never latest
    const names = df.stages.slice(0, -1).map((s) => s.name);
    for (const c of find(
      'COPY',
      df.stages.flatMap((s) => s.instructions),
    )) {
      if (c.flags.from) expect(names).toContain(c.flags.from);
    }
    expect(
      find('COPY')
        .filter((c) => c.flags.from)
        .map((c) => c.flags.from)
        .sort(),
    ).toEqual(['build', 'deps']);
  });

  it('installs production dependencies with npm ci --omit=dev, and the final stage gets only those', () => {
    const deps = df.stages.find((s) => s.name === 'deps')!;
    const npmCi = find('RUN', deps.instructions)
      .map((r) => r.rest)
      .find((r) => r.includes('npm ci'));
    expect(npmCi).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(find('COPY').find((c) => c.rest.includes('node_modules'))?.flags.from).toBe('deps');
    expect(find('RUN').some((r) => /npm (ci|install)/.test(r.rest))).toBe(false);
  });

  it('runs as a non-root user, with a HEALTHCHECK on /healthz and ENTRYPOINT ["mcp-gitops"]', () => {
    const user = find('USER').at(-1)?.rest;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    const hc = find('HEALTHCHECK');
    expect(hc).toHaveLength(1);
    expect(hc[0].flags).toMatchObject({ interval: '30s', timeout: '5s' });
    expect(hc[0].exec?.join(' ')).toContain('/healthz');
    expect(find('ENTRYPOINT').at(-1)?.exec).toEqual(['mcp-gitops']);
    // the entrypoint is the package's own bin, linked onto PATH
    expect(
      find('RUN')
        .map((r) => r.rest)
        .join(' '),
    ).toContain(`ln -s /app/${pkg.bin['mcp-gitops']} /usr/local/bin/mcp-gitops`);
  });

  it('copies only files that exist, and .dockerignore keeps secrets, state and node_modules out', () => {
    for (const c of find(
      'COPY',
      df.stages.flatMap((s) => s.instructions),
    ).filter((x) => !x.flags.from)) {
      const sources = c.rest.split(/\s+/).slice(0, -1);
      for (const s of sources) expect(existsSync(join(root, s)), `COPY ${s} (line ${c.line})`).toBe(true);
    }
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    expect(ignore).toEqual(expect.arrayContaining(['.git', 'node_modules', 'dist', '.mcp-gitops', 'examples/secrets', '.env']));
  });

  const built = existsSync(join(root, pkg.bin['mcp-gitops']));
  it.skipIf(!built)(`its start command and HEALTHCHECK work against the real daemon${built ? '' : ' (skipped: npm run build first)'}`, async () => {
    const bin = join(root, pkg.bin['mcp-gitops']);
    const cmd = find('CMD').at(-1)!.exec!;
    const help = spawnSync(process.execPath, [bin, ...cmd], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: mcp-gitops <command>/);

    const repo = tempDir('mcp-gitops-image-');
    initRepo(repo.dir);
    commit(repo.dir, { 'README.md': 'no specs yet\n' });
    const port = await freePort();
    const env = {
      PATH: process.env.PATH,
      ...imageEnv(),
      MCP_GITOPS_HOST: '127.0.0.1',
      MCP_GITOPS_PORT: String(port),
      MCP_GITOPS_STATE_DIR: join(repo.dir, '.state'),
    };
    const [prog, ...args] = find('HEALTHCHECK')[0].exec!;
    const healthcheck = (): number | null => spawnSync(prog === 'node' ? process.execPath : prog, args, { env, timeout: 5000 }).status;
    expect(healthcheck()).toBe(1); // nothing listens yet
    const daemon = spawn(process.execPath, [bin, 'serve', '--repo', repo.dir], { env, stdio: 'ignore' });
    try {
      await waitFor('HEALTHCHECK to pass', () => healthcheck() === 0, 20_000);
    } finally {
      daemon.kill('SIGTERM');
      await once(daemon, 'exit');
      repo.cleanup();
    }
    expect(healthcheck()).toBe(1);
  });
});
