// What a kubelet makes of a container spec, for running our pod specs as local processes: env in
// order (literal values with $(VAR) expansion against the vars before them; secretKeyRef from the
// Secret's data), then command and args expanded against the whole env; `$$` is a literal `$`;
// references to undefined vars stay as written.
import type { V1Container, V1Secret } from '@kubernetes/client-node';

export function expand(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && name in env ? env[name] : m;
  });
}

export function containerProcess(c: V1Container, secrets: readonly V1Secret[]): { argv: string[]; env: Record<string, string> } {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) {
      const data = secrets.find((s) => s.metadata?.name === ref.name)?.data?.[ref.key];
      if (data === undefined) throw new Error(`CreateContainerConfigError: secret "${ref.name}" has no key "${ref.key}"`);
      env[e.name] = Buffer.from(data, 'base64').toString('utf8');
    } else {
      env[e.name] = expand(e.value ?? '', env);
    }
  }
  const argv = [...(c.command ?? []), ...(c.args ?? [])].map((a) => expand(a, env));
  return { argv, env };
}
