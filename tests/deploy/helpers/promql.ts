// PromQL as the deploy files hold it: Grafana's variables replaced by values Prometheus parses, the
// metric names an expression reads, and `promtool check rules` over a list of expressions.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** Grafana's built-in interval variables and the dashboard's own ($job, ${instance}) as PromQL parses them. */
export function expandGrafana(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$\{__rate_interval\}|\$\{__interval\}/g, '5m')
    .replace(/\$__range|\$\{__range\}/g, '1h')
    .replace(/\$\{?(\w+)\}?/g, '.*');
}

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
  'Inf',
  'NaN',
  'start',
  'end',
]);

/**
 * The metric names a (valid) PromQL expression selects: what is left once strings, label matchers,
 * ranges, label lists of by/without/on/ignoring/group_*, numbers and durations, function and
 * aggregation names (an identifier before "(") and keywords are taken out.
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/(?<![\w:])(0x[0-9a-f]+|\d[\w.]*(?:[eE][+-]?\d+)?)/gi, ' ');
  const names = new Set<string>();
  for (const m of bare.matchAll(/[a-zA-Z_:][\w:]*/g)) {
    if (KEYWORDS.has(m[0])) continue;
    if (
      bare
        .slice(m.index + m[0].length)
        .trimStart()
        .startsWith('(')
    )
      continue;
    names.add(m[0]);
  }
  return [...names].sort();
}

/** `promtool check rules` on one recording rule per expression: status 0 when every one parses. */
export function checkExpressions(promtool: string, exprs: string[]): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-gitops-promql-'));
  try {
    const file = join(dir, 'exprs.yaml');
    writeFileSync(file, stringify({ groups: [{ name: 'exprs', rules: exprs.map((expr, i) => ({ record: `check:expr_${i}`, expr })) }] }));
    return runPromtool(promtool, ['check', 'rules', file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function runPromtool(promtool: string, args: string[]): { status: number | null; output: string } {
  const r = spawnSync(promtool, args, { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}
