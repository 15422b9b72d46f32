// A tiny in-process OTLP/HTTP receiver: every POST /v1/traces kept as raw bytes (to search for
// secrets) and decoded from the JSON export into flat spans.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
  arrayValue?: { values?: OtlpValue[] };
}

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  status?: { code?: number; message?: string };
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

interface Export {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: OtlpValue }[] };
    scopeSpans?: { spans?: (Omit<ReceivedSpan, 'attributes' | 'resource'> & { attributes?: { key: string; value: OtlpValue }[] })[] }[];
  }[];
}

function value(v: OtlpValue): unknown {
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(value);
  return v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue));
}

function attrs(list: { key: string; value: OtlpValue }[] = []): Record<string, unknown> {
  return Object.fromEntries(list.map((a) => [a.key, value(a.value)]));
}

export class OtlpReceiver {
  readonly raw: Buffer[] = [];
  readonly spans: ReceivedSpan[] = [];
  readonly contentTypes = new Set<string>();
  private readonly server: Server;

  /** decode=false keeps only the raw bytes (a bench's receiver: nothing decoded on the exporter's event loop). */
  private constructor(private readonly decodes: boolean) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        this.raw.push(body);
        this.contentTypes.add(String(req.headers['content-type']));
        if (req.url === '/v1/traces' && this.decodes) this.decode(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
  }

  static async start(o: { decode?: boolean } = {}): Promise<OtlpReceiver> {
    const r = new OtlpReceiver(o.decode ?? true);
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private decode(body: Buffer): void {
    const e = JSON.parse(body.toString('utf8')) as Export;
    for (const rs of e.resourceSpans ?? []) {
      const resource = attrs(rs.resource?.attributes);
      for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) this.spans.push({ ...s, attributes: attrs(s.attributes), resource });
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
