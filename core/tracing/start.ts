import { type TracingConfig, type TracingEnv, tracingConfig } from './config.ts';
import { setTracingEnabled, tracingEnabled } from './enabled.ts';

/** Longest wait for the last spans to be sent when tracing stops (ms). */
const STOP_WAIT_MS = 2_000;

/** Tracing started in this process. */
export interface Tracing {
  readonly config: TracingConfig;
  /**
   * Sends the spans finished so far (waiting 2 s at most): what a Lambda invocation does
   * before it answers, since its environment may be frozen, batch timer and all, after.
   */
  flush(): Promise<void>;
  /** Sends the spans not yet sent (waiting 2 s at most), then stops tracing. */
  stop(): Promise<void>;
}

/** How {@link startTracing} is told where to look and what to say. */
export interface StartTracingOptions {
  /** Where the OTEL_* variables are read (default `process.env`). */
  env?: TracingEnv;
  /** Where an export that failed is said, once per distinct failure (default stderr). */
  log?: (line: string) => void;
}

/**
 * Starts exporting this process's spans over OTLP/HTTP when the environment asks for it
 * (see {@link tracingConfig}: `OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`); otherwise returns undefined having loaded none of
 * the SDK, so that an untraced process pays nothing. Registers, process-wide as
 * OpenTelemetry does, a tracer provider with a batching exporter, the AsyncLocalStorage
 * context manager (a span is active for the async work started inside it) and the W3C
 * trace-context propagator. Throws `TracingConfigError` for a variable it cannot follow.
 *
 * @example
 * ```ts
 * const tracing = await startTracing('noob-worker'); // OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318
 * try { await work(); } finally { await tracing?.stop(); }
 * ```
 */
export async function startTracing(
  serviceName: string,
  options: StartTracingOptions = {},
): Promise<Tracing | undefined> {
  const env = options.env ?? process.env;
  const config = tracingConfig(serviceName, env);
  if (!config || tracingEnabled()) return undefined;
  const [api, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, sdk, resources] =
    await Promise.all([
      import('@opentelemetry/api'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/resources'),
    ]);
  const { OTLPTraceExporter } =
    config.protocol === 'http/protobuf'
      ? await import('@opentelemetry/exporter-trace-otlp-proto')
      : await import('@opentelemetry/exporter-trace-otlp-http');
  const named = resources.resourceFromAttributes({ 'service.name': config.serviceName });
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'process.pid': process.pid }))
    .merge(named)
    // OTEL_RESOURCE_ATTRIBUTES adds to them (its service.name loses to OTEL_SERVICE_NAME).
    .merge(resources.detectResources({ detectors: [resources.envDetector] }))
    .merge(env.OTEL_SERVICE_NAME ? named : resources.emptyResource());
  const exporter = new OTLPTraceExporter({ url: config.url });
  const provider = new sdk.TracerProvider({
    resource,
    spanProcessors: [
      new sdk.BatchSpanProcessor({ exporter, scheduledDelayMillis: config.scheduledDelayMs }),
    ],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const logger = onceLogger(options.log ?? defaultLog, config.url);
  api.diag.setLogger(logger, api.DiagLogLevel.ERROR);
  api.context.setGlobalContextManager(contextManager);
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(provider);
  setTracingEnabled(true);
  // Bounded: a collector that is down (the exporter retries) must not hold up an
  // invocation's answer or a command's exit for long. Spans that could not be sent are
  // lost; the work itself went well.
  const send = async (sending: Promise<void>, what: string) => {
    try {
      const sent = await Promise.race([
        sending.then(() => true),
        new Promise<false>((resolve) => setTimeout(resolve, STOP_WAIT_MS, false).unref()),
      ]);
      if (!sent) {
        logger.error(
          `${what} were not sent within ${STOP_WAIT_MS} ms: is the collector at ${config.url} up?`,
        );
      }
    } catch (error) {
      logger.error(`${what} could not be sent:`, error);
    }
  };
  return {
    config,
    flush: () => send(provider.forceFlush(), 'finished spans'),
    stop: async () => {
      setTracingEnabled(false);
      try {
        await send(provider.shutdown(), 'the last spans');
      } finally {
        api.trace.disable();
        api.propagation.disable();
        api.context.disable();
        api.diag.disable();
      }
    },
  };
}

function defaultLog(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * A diag logger that says each distinct error once: a collector that is down would
 * otherwise be reported at every export, every few seconds, for as long as it is down.
 * A failed export reaches it as the error's JSON, stack included (the SDK's global error
 * handler): that is said as the error's message and the collector it was for.
 */
function onceLogger(log: (line: string) => void, url: string) {
  const said = new Set<string>();
  const error = (message: string, ...args: unknown[]) => {
    const thrown = thrownMessage(message);
    const text = [thrown ?? message, ...args.map(describe)].join(' ');
    const line = `noob: tracing: ${text}`;
    if (said.has(line) || said.size >= 100) return;
    said.add(line);
    const where = thrown === undefined ? '' : `collector ${url}; `;
    log(`${line} (${where}spans may be lost; said once)`);
  };
  const quiet = () => {};
  return { error, warn: quiet, info: quiet, debug: quiet, verbose: quiet };
}

/** The message of an error the SDK wrote out as JSON, or undefined for any other text. */
function thrownMessage(text: string): string | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'object' && value !== null && 'message' in value)
    return String((value as { message: unknown }).message);
  return String(value);
}
