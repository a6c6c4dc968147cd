import type { Hono } from 'hono';
import { streamHandle } from 'hono/aws-lambda';
import { apiAppFromEnv } from './lambda-config.ts';

/**
 * The API Lambda's handler: the adapter only. The job API's Hono app behind a Function
 * URL in `RESPONSE_STREAM` mode, so `GET /v1/jobs/:id/events` streams its Server-Sent
 * Events as they happen. The app is built on an environment's first request and reused;
 * if building fails, that request fails and the next one tries again.
 */

let app: Promise<{ fetch: Hono['fetch'] }> | undefined;

/** Builds the app once; a request's own call waits for it. */
const lazyApp = {
  fetch: async (request: Request, env?: unknown): Promise<Response> => {
    app ??= apiAppFromEnv(process.env).catch((error: unknown) => {
      app = undefined;
      throw error;
    });
    return (await app).fetch(request, env);
  },
};

/** The streaming handler (`awslambda.streamifyResponse`, from the Lambda runtime). */
export const handler: ReturnType<typeof streamHandle> = streamHandle(lazyApp as unknown as Hono);
