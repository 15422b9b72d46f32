import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time even on 2 cores (vitest's default there is one): most of a file's time is
    // spent waiting for child processes (daemons, MCP servers, git, dockerd), so a second fork roughly
    // halves the run. Tests wait for conditions with deadlines, never for durations, so sharing the
    // CPU makes them slower, not wrong. MCP_GITOPS_TEST_WORKERS overrides it.
    maxWorkers: Number(process.env.MCP_GITOPS_TEST_WORKERS ?? 2),
  },
});
