# syntax=docker/dockerfile:1
# mcp-gitops: the daemon and CLI, also the base of stdio MCP server pods (`mcp-gitops bridge`).
#   docker build -t mcp-gitops .
#   docker run --rm -p 8080:8080 -v "$PWD/specs:/specs:ro" mcp-gitops serve --repo /specs

# 1. build: compile TypeScript with the dev dependencies
FROM node:20.19-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY schemas ./schemas
COPY src ./src
COPY scripts/copy-page.mjs ./scripts/
RUN npm run build

# 2. deps: production dependencies only (no install scripts: `prepare` would build again)
FROM node:20.19-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. runtime: compiled code + production node_modules, as the unprivileged `node` user (uid 1000)
FROM node:20.19-bookworm-slim
ENV NODE_ENV=production \
    MCP_GITOPS_HOST=0.0.0.0 \
    MCP_GITOPS_PORT=8080 \
    MCP_GITOPS_STATE_DIR=/var/lib/mcp-gitops
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY schemas ./schemas
RUN chmod 0755 dist/src/cli.js \
 && ln -s /app/dist/src/cli.js /usr/local/bin/mcp-gitops \
 && mkdir -p /var/lib/mcp-gitops \
 && chown node:node /var/lib/mcp-gitops
USER node
VOLUME ["/var/lib/mcp-gitops"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.MCP_GITOPS_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["mcp-gitops"]
CMD ["--help"]
