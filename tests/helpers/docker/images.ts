// The test images built by scripts/docker-test-engine.sh (docker import of node + libraries +
// the MCP servers' packages + tests/fixtures/servers): what is where inside them.
export const TEST_IMAGE = 'mcp-gitops-test/everything:1';
/** The same image under a second tag, for "new version" rollouts. */
export const TEST_IMAGE_V2 = 'mcp-gitops-test/everything:2';
/** Never built, and no registry can have it. */
export const MISSING_IMAGE = 'mcp-gitops-test/missing:1';

export const IN_IMAGE = {
  node: '/usr/local/bin/node',
  everything: '/app/node_modules/@modelcontextprotocol/server-everything/dist/index.js',
  memory: '/app/node_modules/@modelcontextprotocol/server-memory/dist/index.js',
  fixture: (name: string): string => `/app/fixtures/${name}`,
};
