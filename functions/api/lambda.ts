import type { Hono } from 'hono';
import { streamHandle } from 'hono/aws-lambda';
import { startTracing, type Tracing } from '../../core/tracing/start.ts';
import { apiAppFromEnv } from './lambda-config.ts';

/**
 * The API Lambda's handler: the adapter only. The job API's Hono app behind a Function
 * URL in `RESPONSE_STREAM` mode, so `GET /v1/jobs/:id/events` streams its Server-Sent
 * Events as they happen. The app is built on an environment's first request and reused;
 * if building fails, that request fails and the next one tries again.
 */

let app: Promise<{ fetch: Hono['fetch'] }> | undefined;
/** Tracing, started with the environment when OTEL_EXPORTER_OTLP_*ENDPOINT asks for it. */
let tracing: Promise<Tracing | undefined> | undefined;

/** Builds the app once; a request's own call waits for it. */
const lazyApp = {
  fetch: async (request: Request, env?: unknown): Promise<Response> => {
    tracing ??= startTracing('noob-api');
    const traced = await tracing; // a variable it cannot follow fails the request, naming it
    app ??= apiAppFromEnv(process.env).catch((error: unknown) => {
      app = undefined;
      throw error;
    });
    try {
      return await (await app).fetch(request, env);
    } finally {
      // The environment may be frozen once the answer is out: the request's spans go first.
      await traced?.flush();
    }
  },
};

/** The streaming handler (`awslambda.streamifyResponse`, from the Lambda runtime). */
export const handler: ReturnType<typeof streamHandle> = streamHandle(lazyApp as unknown as Hono);
