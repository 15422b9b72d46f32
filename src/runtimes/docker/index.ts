// Public surface of the docker runtime.
export { createDockerRuntime, type DockerRuntime, type DockerRuntimeOptions } from './docker-runtime.js';
export { DEFAULT_DOCKER_HOST, parseDockerHost } from './engine.js';
