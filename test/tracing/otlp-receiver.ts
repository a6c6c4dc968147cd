import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A span as it arrived at the receiver, flattened from OTLP/JSON. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP's kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  /** The exporting process's `service.name` and `process.pid`. */
  service: string;
  pid: number;
}

/** One POST to /v1/traces as it arrived. */
export interface ReceivedExport {
  contentType: string;
  body: Buffer;
}

/**
 * An OTLP/HTTP traces receiver on 127.0.0.1, as a collector's would be: it takes
 * `POST /v1/traces` (JSON or protobuf), answers 200 `{}`, and keeps what arrived.
 */
export class OtlpReceiver {
  readonly exports: ReceivedExport[] = [];
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Starts one on a free port. */
  static async start(): Promise<OtlpReceiver> {
    const server = createServer();
    const receiver = new OtlpReceiver(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.method === 'POST' && request.url === '/v1/traces') {
          receiver.exports.push({
            contentType: String(request.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks),
          });
          response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } else response.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Every span received as OTLP/JSON so far. */
  spans(): ReceivedSpan[] {
    return this.exports
      .filter((received) => received.contentType.includes('json'))
      .flatMap((received) => spansOf(JSON.parse(received.body.toString('utf8'))));
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

interface OtlpAttribute {
  key: string;
  value: {
    stringValue?: string;
    intValue?: string | number;
    boolValue?: boolean;
    doubleValue?: number;
  };
}

/** The spans of one ExportTraceServiceRequest in OTLP/JSON. */
function spansOf(request: {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: OtlpAttribute[];
        status?: { code?: number; message?: string };
      }[];
    }[];
  }[];
}): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? '',
        name: span.name,
        kind: span.kind,
        attributes: attributesOf(span.attributes),
        status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
        service: String(resource['service.name']),
        pid: Number(resource['process.pid']),
      })),
    );
  });
}

function attributesOf(
  list: OtlpAttribute[] | undefined,
): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    if (value.stringValue !== undefined) attributes[key] = value.stringValue;
    else if (value.intValue !== undefined) attributes[key] = Number(value.intValue);
    else if (value.boolValue !== undefined) attributes[key] = value.boolValue;
    else if (value.doubleValue !== undefined) attributes[key] = value.doubleValue;
  }
  return attributes;
}

/**
 * Turns tracing on for the processes started next (they inherit this environment): their
 * spans go to `endpoint` within 50 ms of ending. Returns what puts the environment back.
 */
export function traceProcessesTo(endpoint: string): () => void {
  const saved = { ...process.env };
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
  process.env.OTEL_BSP_SCHEDULE_DELAY = '50'; // spans arrive while the processes run
  return () => {
    for (const name of Object.keys(process.env))
      if (name.startsWith('OTEL_')) delete process.env[name];
    Object.assign(process.env, saved);
  };
}
