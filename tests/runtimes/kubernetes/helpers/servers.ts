// RenderedServer values as plain data: `secret` marks env keys / args whose values came from
// secrets, so the masked twin shows `***` there exactly as the renderer would.
import { createHash } from 'node:crypto';
import { MASK, type DesiredServer, type RenderedServer } from '../../../../src/spec/desired.js';
import { desired } from '../../process/helpers/servers.js';

export interface ServerInput extends Partial<DesiredServer> {
  name: string;
  /** env keys whose whole value is a secret */
  secretEnv?: string[];
  /** indexes into args whose whole value is a secret */
  secretArgs?: number[];
}

export function rendered(input: ServerInput): RenderedServer {
  const { secretEnv = [], secretArgs = [], ...overrides } = input;
  const spec: DesiredServer = desired({ image: 'ghcr.io/example/server:1', command: 'node', ...overrides });
  const masked: DesiredServer = {
    ...spec,
    env: Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, secretEnv.includes(k) ? MASK : v])),
    args: spec.args.map((a, i) => (secretArgs.includes(i) ? MASK : a)),
  };
  const secretValues = [...secretEnv.map((k) => spec.env[k]), ...secretArgs.map((i) => spec.args[i])];
  const specHash = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
  return { spec, masked, specHash, secretValues };
}
