// Each e2e file works in a namespace of its own, created before and deleted after it, so a file
// runs alone on an empty cluster and two files never see each other's objects.
// MCP_GITOPS_E2E_NAMESPACE is the prefix (default mcp-gitops-e2e).
import { randomBytes } from 'node:crypto';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';

export interface TestNamespace {
  name: string;
  /** Deletes the namespace (and everything left in it); the API server finishes in the background. */
  remove(): Promise<void>;
}

export async function createTestNamespace(kc: KubeConfig, file: string): Promise<TestNamespace> {
  const prefix = process.env.MCP_GITOPS_E2E_NAMESPACE ?? 'mcp-gitops-e2e';
  const name = `${prefix}-${file}-${randomBytes(3).toString('hex')}`.slice(0, 63);
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name, labels: { 'app.kubernetes.io/created-by': 'mcp-gitops-e2e' } } } });
  return {
    name,
    remove: async () => {
      await core.deleteNamespace({ name, propagationPolicy: 'Background' });
    },
  };
}
