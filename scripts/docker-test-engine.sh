#!/usr/bin/env bash
# A private Docker engine for the tests: its own data-root, exec-root and unix socket in a temp dir,
# no bridge network and no iptables (containers use --network host or none), plus the test images,
# built with `docker import` from a rootfs tarball (no registry is reachable here).
#
#   eval "$(scripts/docker-test-engine.sh start)"  # docker.io if missing, dockerd, test images; prints exports
#   scripts/docker-test-engine.sh images           # (re)builds the test images on $DOCKER_HOST
#   scripts/docker-test-engine.sh stop [dir]       # stops that engine and deletes its temp dir
#
# stdout carries only the `export ...` line of `start`; progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE_REPO="mcp-gitops-test/everything"
say() { echo "docker-test-engine: $*" >&2; }

install_engine() {
  command -v dockerd >/dev/null && return
  [ "$(id -u)" = 0 ] || { say "dockerd is missing and we are not root: install docker.io"; exit 1; }
  say "installing docker.io"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >&2
}

start() {
  local t0=$SECONDS
  install_engine
  local dir
  dir="$(mktemp -d /tmp/mcpg-docker.XXXXXX)" # short: the socket path must stay under 108 bytes
  export DOCKER_HOST="unix://$dir/docker.sock"
  dockerd --bridge=none --iptables=false --ip6tables=false \
    --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/docker.pid" \
    -H "$DOCKER_HOST" >"$dir/dockerd.log" 2>&1 &
  local deadline=$((SECONDS + 60))
  until docker version >/dev/null 2>&1; do
    if ! kill -0 $! 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      say "dockerd did not come up; its log:"; tail -n 30 "$dir/dockerd.log" >&2; exit 1
    fi
    sleep 0.2
  done
  say "engine $(docker version --format '{{.Server.Version}}') up at $DOCKER_HOST in $((SECONDS - t0))s"
  images
  say "ready in $((SECONDS - t0))s"
  echo "export DOCKER_HOST='$DOCKER_HOST' MCP_GITOPS_TEST_DOCKER_DIR='$dir'"
}

# Test image: node + the libraries ldd lists + the MCP servers' package closure + the test fixtures.
images() {
  local t0=$SECONDS root node_bin
  root="$(mktemp -d)"
  trap 'rm -rf "${root:-}"; trap - RETURN' RETURN
  node_bin="$(readlink -f "$(command -v node)")"
  mkdir -p "$root/usr/local/bin" "$root/tmp" "$root/etc" "$root/app/fixtures"
  chmod 1777 "$root/tmp"
  cp "$node_bin" "$root/usr/local/bin/node"
  for lib in $(ldd "$node_bin" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  printf 'root:x:0:0:root:/root:/nonexistent\nnobody:x:65534:65534:nobody:/nonexistent:/nonexistent\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  local pkgs
  pkgs="$(node scripts/docker-test-image-files.mjs @modelcontextprotocol/server-everything @modelcontextprotocol/server-memory)"
  # shellcheck disable=SC2086
  tar -c $pkgs | tar -x -C "$root/app"
  cp tests/fixtures/servers/*.mjs "$root/app/fixtures/"
  tar -C "$root" -c . | docker import \
    --change 'ENTRYPOINT ["/usr/local/bin/node", "/app/node_modules/@modelcontextprotocol/server-everything/dist/index.js"]' \
    --change 'CMD ["stdio"]' \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    --change 'WORKDIR /app' \
    - "$IMAGE_REPO:1" >/dev/null
  docker tag "$IMAGE_REPO:1" "$IMAGE_REPO:2"
  say "built $IMAGE_REPO:1 and :2 ($(docker image inspect --format '{{.Size}}' "$IMAGE_REPO:1" | awk '{printf "%d MB", $1/1e6}')) in $((SECONDS - t0))s"
}

stop() {
  local dir="${1:-${MCP_GITOPS_TEST_DOCKER_DIR:-}}"
  [ -n "$dir" ] && [ -d "$dir" ] || { say "no engine dir to stop"; return 0; }
  export DOCKER_HOST="unix://$dir/docker.sock"
  local ids
  ids="$(docker ps -aq 2>/dev/null || true)"
  # shellcheck disable=SC2086
  [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
  if [ -f "$dir/docker.pid" ]; then
    local pid deadline=$((SECONDS + 30))
    pid="$(cat "$dir/docker.pid")"
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  # Whatever the engine left mounted under its dirs (overlay, netns, shm) must go before rm.
  awk -v d="$dir" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m" || true; done
  rm -rf "$dir"
  say "engine stopped, $dir removed"
}

case "${1:-}" in
  start) start ;;
  images) images ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start | images | stop [dir]" >&2; exit 2 ;;
esac
