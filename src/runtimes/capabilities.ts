// What each runtime can do, declared by the runtime (`runtime.capabilities`) so that no caller
// switches on which runtime it is. The values live here, in a module that loads nothing, because a
// command that only has the runtime's name (`plan --runtime kubernetes`) needs them without loading
// dockerode or the kubernetes client.

export interface RuntimeCapabilities {
  /**
   * Instances of one server share the host's ports: a new instance cannot listen beside an old one
   * on the same port, so an unchanged port means recreate, not blue-green.
   */
  readonly sharedHostPorts: boolean;
  /**
   * The daemon reaches an instance's HTTP endpoint at its URL (the gateway may pass requests
   * straight through); when false, only through `connect()` (kubernetes: in-cluster addresses).
   */
  readonly endpointsReachable: boolean;
  /** What one instance is called in messages: `process exited with code 1`, `pod ...`. */
  readonly instanceNoun: string;
}

export const PROCESS_CAPABILITIES: RuntimeCapabilities = { sharedHostPorts: true, endpointsReachable: true, instanceNoun: 'process' };
export const DOCKER_CAPABILITIES: RuntimeCapabilities = { sharedHostPorts: true, endpointsReachable: true, instanceNoun: 'container' };
export const KUBERNETES_CAPABILITIES: RuntimeCapabilities = { sharedHostPorts: false, endpointsReachable: false, instanceNoun: 'pod' };

export type RuntimeName = 'process' | 'docker' | 'kubernetes';

const BY_NAME: Record<RuntimeName, RuntimeCapabilities> = {
  process: PROCESS_CAPABILITIES,
  docker: DOCKER_CAPABILITIES,
  kubernetes: KUBERNETES_CAPABILITIES,
};

/** The capabilities of the runtime `--runtime <name>` would build. */
export function capabilitiesOf(name: RuntimeName): RuntimeCapabilities {
  return BY_NAME[name];
}
