// The bodies we POST: slack = incoming-webhook JSON `{text}`; webhook = our JSON (docs/reference/
// spec.md#notifier). Built from masked text only; the HMAC signature covers the exact bytes sent.
import { createHmac } from 'node:crypto';
import type { NotifierType } from '../spec/desired-notifier.js';
import type { NotifyEvent } from './notify-event.js';

export const SIGNATURE_HEADER = 'X-MCP-GitOps-Signature-256';

export interface WebhookBody extends NotifyEvent {
  notifier: string;
  /** Where to look: the daemon's GET /status. */
  status: string;
}

function slackText(e: NotifyEvent, statusUrl: string): string {
  const commit = e.commit ? ` ${e.commit.slice(0, 7)}` : '';
  const servers = e.servers.length > 0 ? ` [${e.servers.join(', ')}]` : '';
  return `mcp-gitops: ${e.event}${commit} (${e.reason})${servers}: ${e.message}\n<${statusUrl}|status>`;
}

/** The raw body for one notifier type (`e` already masked). */
export function body(type: NotifierType, notifier: string, e: NotifyEvent, statusUrl: string): string {
  if (type === 'slack') return JSON.stringify({ text: slackText(e, statusUrl) });
  const b: WebhookBody = { ...e, notifier, status: statusUrl };
  return JSON.stringify(b);
}

/** `sha256=<hex>` of HMAC-SHA256 over the raw body. */
export function signature(raw: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}
