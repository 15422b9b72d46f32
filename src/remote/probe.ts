// Is a remote server still there? One MCP handshake (initialize) within a deadline, then a polite
// close. The answer is a short, header-free description of what failed, or null when it answered.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { closeClient } from '../health/close-client.js';
import { describeError } from '../health/describe-error.js';
import { createRemoteTransport, type RemoteTarget } from './remote-transport.js';

const CLIENT_INFO = { name: 'mcp-gitops-remote-check', version: '1' };

export async function probeRemote(target: RemoteTarget, timeoutMs: number): Promise<string | null> {
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  try {
    await client.connect(createRemoteTransport(target), { timeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
    return null;
  } catch (e) {
    return describeError(e);
  } finally {
    await closeClient(client);
  }
}
