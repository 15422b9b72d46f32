// deploy/prometheus/rules.yaml and deploy/grafana/mcp-gitops.json: they parse (promtool), their alerts
// fire when they should (promtool test rules), and they read only metrics a real daemon exports.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requireTool } from '../http/tools.js';
import { exportedMetricNames } from './helpers/exported-metrics.js';
import { checkExpressions, expandGrafana, metricNames, runPromtool } from './helpers/promql.js';

const root = (p: string): string => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const RULES = root('deploy/prometheus/rules.yaml');
const DASHBOARD = root('deploy/grafana/mcp-gitops.json');
const promtool = requireTool('promtool', 'prometheus');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
}
interface Target {
  expr?: string;
  datasource?: { uid?: string };
}
interface Panel {
  type: string;
  title: string;
  targets?: Target[];
  panels?: Panel[];
  datasource?: { uid?: string };
}
interface Variable {
  name: string;
  type: string;
  query: string | { query: string };
}
interface Dashboard {
  schemaVersion: number;
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

const rules = (parse(readFileSync(RULES, 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
const allPanels = (ps: Panel[]): Panel[] => ps.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const panels = allPanels(dashboard.panels).filter((p) => p.type !== 'row');
const panelExprs = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr ?? '' })));
/** label_values(<selector>, <label>) of the query variables: the selector is PromQL too. */
const variableExprs = dashboard.templating.list
  .filter((v) => v.type === 'query')
  .map((v) => {
    const q = typeof v.query === 'string' ? v.query : v.query.query;
    const m = /^label_values\((.+),\s*\w+\)$/.exec(q);
    return { panel: `$${v.name}`, expr: m ? m[1] : q };
  });

describe.skipIf(promtool.skip)(`monitoring files${promtool.skip ? ` (skipped: ${promtool.skip})` : ''}`, () => {
  let exported: Set<string>;
  beforeAll(async () => {
    exported = await exportedMetricNames();
  }, 60_000);

  it('a real daemon exports the metrics the files are about', () => {
    for (const n of [
      'mcp_gitops_sync_total',
      'mcp_gitops_rollbacks_total',
      'mcp_gitops_server_health',
      'mcp_gitops_gateway_requests_total',
      'mcp_gitops_gate_duration_seconds_bucket',
    ]) {
      expect(exported, n).toContain(n);
    }
    expect(
      metricNames('sum by (server, le) (rate(a_b{x="y", z=~"1|2"}[5m])) / ignoring (q) group_left (r) c:d offset 1h > bool 0.5 and on() vector(1) unless e'),
    ).toEqual(['a_b', 'c:d', 'e']);
  });

  it('rules.yaml passes promtool check rules and its unit tests, and reads only exported metrics', () => {
    expect(runPromtool(promtool.path!, ['check', 'rules', RULES])).toMatchObject({ status: 0 });
    const tested = runPromtool(promtool.path!, ['test', 'rules', root('tests/deploy/rules.promtool.yaml')]);
    expect(tested.output).toMatch(/SUCCESS/);
    expect(tested.status).toBe(0);
    expect(rules.map((r) => r.alert)).toEqual([
      'MCPGitOpsSyncReverted',
      'MCPGitOpsSyncInvalid',
      'MCPGitOpsServerUnhealthy',
      'MCPGitOpsNoSuccessfulSync',
      'MCPGitOpsGitSourceFailing',
      'MCPGitOpsGatewayErrors',
      'MCPGitOpsToolDrift',
    ]);
    expect(rules.find((r) => r.alert === 'MCPGitOpsServerUnhealthy')?.for).toBe('5m');
    expect(rules.find((r) => r.alert === 'MCPGitOpsNoSuccessfulSync')?.for).toBe('1h');
    for (const r of rules) {
      expect(r.labels?.severity, r.alert).toMatch(/^(warning|critical)$/);
      const names = metricNames(r.expr);
      expect(names.length, r.alert).toBeGreaterThan(0);
      for (const n of names) expect(exported, `${r.alert} reads ${n}`).toContain(n);
    }
  });

  it('the dashboard: a Prometheus data source variable, and every query parses and reads only exported metrics', () => {
    expect(dashboard).toMatchObject({ uid: 'mcp-gitops', title: 'mcp-gitops' });
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.templating.list[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
    for (const p of panels) {
      expect(p.datasource?.uid, p.title).toBe('${datasource}');
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) expect(t.datasource?.uid, p.title).toBe('${datasource}');
    }
    const all = [...panelExprs, ...variableExprs].map((q) => ({ ...q, expr: expandGrafana(q.expr) }));
    const checked = checkExpressions(
      promtool.path!,
      all.map((q) => q.expr),
    );
    expect(checked.output).toContain(`SUCCESS: ${all.length} rules found`);
    expect(checked.status).toBe(0);
    const read = new Set<string>();
    for (const q of all) {
      const names = metricNames(q.expr);
      expect(names.length, q.panel).toBeGreaterThan(0);
      for (const n of names) {
        expect(exported, `${q.panel} reads ${n}`).toContain(n);
        read.add(n);
      }
    }
    // what the dashboard is for: syncs, rollbacks, server health and phase, gates, gateway traffic and errors
    for (const n of [
      'mcp_gitops_sync_total',
      'mcp_gitops_rollbacks_total',
      'mcp_gitops_server_health',
      'mcp_gitops_servers',
      'mcp_gitops_gate_duration_seconds_bucket',
      'mcp_gitops_gateway_requests_total',
      'mcp_gitops_gateway_errors_total',
      'mcp_gitops_gateway_request_duration_seconds_bucket',
    ]) {
      expect(read, n).toContain(n);
    }
  });

  it('a query that is not PromQL or reads an unknown metric is caught', () => {
    expect(checkExpressions(promtool.path!, ['sum by (server (rate(x[5m]))']).status).not.toBe(0);
    expect(metricNames(expandGrafana('rate(mcp_gitops_no_such_total{job=~"$job"}[$__rate_interval])')).filter((n) => !exported.has(n))).toEqual([
      'mcp_gitops_no_such_total',
    ]);
  });
});
