// What goes into the container: env vars, command and args, with every value that came from a
// secret or a token variable moved into the instance's Secret and referenced from there
// (env: secretKeyRef; command/args: an env var expanded by the kubelet as `$(NAME)`).
// Literal values are escaped (`$` -> `$$`) so Kubernetes' `$(VAR)` expansion never alters them.
import type { V1EnvVar } from '@kubernetes/client-node';
import { MIN_MASKED_LENGTH } from '../../render/mask.js';
import type { RenderedServer } from '../../spec/desired.js';
import { RuntimeError } from '../errors.js';

export const SECRET_ARG_ENV_PREFIX = 'MCP_GITOPS_SECRET_ARG_';

export interface ContainerInputs {
  env: V1EnvVar[];
  /** The argv: `command` replaces the image entrypoint, `args` its cmd (undefined = the image's). */
  command?: string[];
  args?: string[];
  /** Secret data, key -> value: exactly the values that came from secrets or token variables. */
  secretData: Record<string, string>;
  /** Env vars whose values come from the Secret (the stdio bridge masks them in its messages). */
  secretEnvNames: string[];
}

export interface BridgeSpec {
  /** How the image starts the bridge, e.g. ["mcp-gitops", "bridge"]. */
  command: readonly string[];
  port: number;
  path: string;
}

/** A value counts as secret when masking changed it, it is a secret value, or it contains one. */
export function isSecretValue(real: string, masked: string | undefined, secretValues: readonly string[]): boolean {
  if (masked !== undefined && masked !== real) return true;
  return secretValues.some((s) => s.length > 0 && (s === real || (s.length >= MIN_MASKED_LENGTH && real.includes(s))));
}

/** `$` -> `$$`: Kubernetes expands `$(VAR)` in env values, command and args, and reduces `$$` to `$`. */
export function escapeExpansion(value: string): string {
  return value.replace(/\$/g, '$$$$');
}

function secretRef(secretName: string, key: string): V1EnvVar['valueFrom'] {
  return { secretKeyRef: { name: secretName, key } };
}

function buildEnv(server: RenderedServer, secretName: string, out: ContainerInputs): void {
  const { spec, masked, secretValues } = server;
  for (const [name, value] of Object.entries(spec.env)) {
    if (name.startsWith(SECRET_ARG_ENV_PREFIX)) {
      throw new RuntimeError(
        'RUNTIME_INVALID_SPEC',
        `server ${spec.name}: env ${name}: the prefix ${SECRET_ARG_ENV_PREFIX} is reserved by the kubernetes runtime`,
      );
    }
    if (isSecretValue(value, masked.env[name], secretValues)) {
      out.secretData[name] = value;
      out.secretEnvNames.push(name);
      out.env.push({ name, valueFrom: secretRef(secretName, name) });
    } else {
      out.env.push({ name, value: escapeExpansion(value) });
    }
  }
}

/** One argv entry: literal (escaped) or a `$(VAR)` reference to the Secret. */
function argvEntry(i: number, real: string, masked: string | undefined, server: RenderedServer, secretName: string, out: ContainerInputs): string {
  if (!isSecretValue(real, masked, server.secretValues)) return escapeExpansion(real);
  const envName = `${SECRET_ARG_ENV_PREFIX}${i}`;
  out.secretData[`arg-${i}`] = real;
  out.secretEnvNames.push(envName);
  out.env.push({ name: envName, valueFrom: secretRef(secretName, `arg-${i}`) });
  return `$(${envName})`;
}

export function buildContainerInputs(server: RenderedServer, secretName: string, bridge: BridgeSpec): ContainerInputs {
  const { spec, masked } = server;
  const out: ContainerInputs = { env: [], secretData: {}, secretEnvNames: [] };
  buildEnv(server, secretName, out);
  // argv index 0 is the command, 1.. the args: masked twins line up the same way
  const argv = spec.args.map((a, i) => argvEntry(i + 1, a, masked.args[i], server, secretName, out));
  const command = spec.command === undefined ? undefined : argvEntry(0, spec.command, masked.command, server, secretName, out);
  if (spec.transport === 'stdio') {
    if (command === undefined) {
      throw new RuntimeError(
        'RUNTIME_INVALID_SPEC',
        `server ${spec.name}: stdio servers on kubernetes need spec.command (the bridge in the pod runs it and serves it over HTTP)`,
      );
    }
    const redact = out.secretEnvNames.length > 0 ? ['--redact-env', out.secretEnvNames.join(',')] : [];
    out.command = [
      ...bridge.command,
      '--host',
      '0.0.0.0',
      '--port',
      String(bridge.port),
      '--path',
      escapeExpansion(bridge.path),
      ...redact,
      '--',
      command,
      ...argv,
    ];
  } else {
    if (command !== undefined) out.command = [command];
    if (argv.length > 0) out.args = argv;
  }
  return out;
}
