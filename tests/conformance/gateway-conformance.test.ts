// The official MCP conformance suite (server side, every scenario) against server-everything
// directly and through the real daemon's /mcp/<name>, for each kind of upstream: stdio shared, stdio
// isolated (a server instance per client session) and streamable HTTP. Whatever passes directly
// must pass through the gateway, and the gateway must refuse DNS rebinding. The scenario list is
// the suite's own, so a new suite version's scenarios are compared without editing this file.
// Without the suite installed (`npm run conformance:install`) the test skips and says why;
// MCP_GITOPS_REQUIRE_CONFORMANCE=1 (set by .ci/run) makes that a failure instead.
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { answersWith } from '../e2e/helpers/mcp-probe.js';
import { freePort } from '../e2e/helpers/procs.js';
import { EVERYTHING, everythingStdio, mcpServer, type Spec } from '../e2e/helpers/servers.js';
import { waitFor } from '../e2e/helpers/wait-for.js';
import { World } from '../e2e/helpers/world.js';
import type { Daemon } from '../e2e/helpers/daemon.js';
import { failures, listScenarios, locateSuite, regressions, runSuite, summary, type Suite, type SuiteRun } from './helpers/suite.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
const located = await locateSuite();
const missing = 'missing' in located ? located.missing : undefined;
if (missing && process.env.MCP_GITOPS_REQUIRE_CONFORMANCE === '1') throw new Error(`MCP_GITOPS_REQUIRE_CONFORMANCE=1 but ${missing}`);
if (missing) console.warn(`conformance tests skipped: ${missing}`);

/** The upstream kinds compared, by the server name each one has in the spec repository. */
const UPSTREAMS: { kind: string; name: string }[] = [
  { kind: 'stdio (shared)', name: 'everything-shared' },
  { kind: 'stdio (isolated)', name: 'everything-isolated' },
  { kind: 'streamable-http', name: 'everything-http' },
];

/** One MCPServer document with `spec.gateway` set (a field the common spec helper does not know). */
function withGateway(doc: string, gateway: Record<string, unknown>): string {
  const parsed = parseDocument(doc);
  parsed.setIn(['spec', 'gateway'], gateway);
  return parsed.toString();
}

/** server-everything over streamable HTTP on `port`: its own entry point, the way its README runs it. */
const everythingHttp = (port: number): Spec => ({ args: [EVERYTHING, 'streamableHttp'], transport: 'streamable-http', port, env: { PORT: String(port) }, expectTools: ['echo'] });

describe.skipIf(missing !== undefined)('the official MCP conformance suite: server-everything directly and through /mcp/<name>', () => {
  const suite = located as Suite;
  let w: World;
  let scenarios: string[];
  let direct: SuiteRun;
  let daemon: Daemon;
  /** Why the isolated upstream is not served (the spec schema refused `gateway.sessions`), if so. */
  let isolatedRefused: string | undefined;
  const report: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    w = new World();
    scenarios = await listScenarios(suite);
    expect(scenarios).toContain('dns-rebinding-protection');

    // the direct reference: server-everything on a port of its own, the suite talking to it
    const directPort = await freePort();
    spawn(process.execPath, [EVERYTHING, 'streamableHttp'], { env: { ...process.env, PORT: String(directPort), E2E_RUN: w.marker }, stdio: 'ignore', detached: true }).unref();
    const directUrl = `http://127.0.0.1:${directPort}/mcp`;
    await waitFor(() => answersWith(directUrl), { what: `server-everything answering at ${directUrl}`, timeoutMs: 30_000 });
    direct = await runSuite(suite, directUrl);
    report.direct = summary(scenarios, direct.result);
    // the suite ran every scenario it lists, and the reference passes some of them: the comparison
    // below is not vacuous
    expect(scenarios.filter((s) => !direct.result.has(s))).toEqual([]);
    expect(direct.result.get('server-initialize')?.some((c) => c.status === 'SUCCESS'), direct.output).toBe(true);

    const httpPort = await freePort();
    const files = {
      ...w.server('everything-shared', everythingStdio()),
      ...w.server('everything-http', everythingHttp(httpPort)),
      'servers/everything-isolated.yaml': withGateway(mcpServer(w.marker, 'everything-isolated', everythingStdio()), { sessions: 'isolated' }),
    };
    w.repo.commit(files);
    const validate = await promisify(execFile)(process.execPath, [CLI, 'validate', '--repo', w.repo.dir], { encoding: 'utf8' }).then(() => undefined, (e: { code?: number; stdout?: string; stderr?: string }) => {
      if (e.code !== 1) throw new Error(`mcp-gitops validate failed: ${e.stderr ?? ''}`);
      return `${e.stdout ?? ''}${e.stderr ?? ''}`;
    });
    if (validate !== undefined) {
      if (!/gateway/.test(validate)) throw new Error(`the spec repository is invalid for another reason than spec.gateway:\n${validate}`);
      isolatedRefused = `this build's spec schema refuses spec.gateway.sessions: isolated:\n${validate.trim()}`;
      w.repo.commit({ 'servers/everything-isolated.yaml': null });
    }
    daemon = await w.start();
    const served = UPSTREAMS.filter((u) => !(isolatedRefused && u.name === 'everything-isolated')).map((u) => u.name);
    await w.converged(daemon, w.repo.head(), served);
  }, 180_000);

  afterAll(async () => {
    if (process.env.MCP_GITOPS_CONFORMANCE_REPORT) writeFileSync(process.env.MCP_GITOPS_CONFORMANCE_REPORT, `${JSON.stringify({ suite: suite.version, isolatedRefused, report }, null, 2)}\n`);
    await w?.cleanup();
  }, 60_000);

  it.for(UPSTREAMS)('$kind upstream: every check that passes directly passes through the gateway, and DNS rebinding is refused', { timeout: 180_000 }, async ({ kind, name }, ctx) => {
    if (name === 'everything-isolated' && isolatedRefused) ctx.skip(isolatedRefused);
    const through = await runSuite(suite, `${daemon.url}/mcp/${name}`);
    report[kind] = summary(scenarios, through.result);
    const found = { lostThroughGateway: regressions(scenarios, direct.result, through.result), rebinding: failures(through.result, 'dns-rebinding-protection') };
    expect(found, `through the gateway:\n${through.output}`).toEqual({ lostThroughGateway: [], rebinding: [] });
  });
});
