import { TracingConfigError } from './errors.ts';

/** How finished spans are encoded on their way to the collector. */
export type OtlpProtocol = 'http/json' | 'http/protobuf';

/** Where and how a process exports its spans, read from OpenTelemetry's standard variables. */
export interface TracingConfig {
  /** The OTLP/HTTP traces URL (…/v1/traces). */
  url: string;
  protocol: OtlpProtocol;
  /** `service.name`: `OTEL_SERVICE_NAME`, else the process's own (`noob-api`, `noob-worker`, …). */
  serviceName: string;
  /** Longest wait before finished spans are sent (ms; `OTEL_BSP_SCHEDULE_DELAY`, default 5,000). */
  scheduledDelayMs: number;
}

/** The variables read, as a process environment holds them. */
export type TracingEnv = Readonly<Record<string, string | undefined>>;

/**
 * The tracing a process was asked for, or undefined when none was: spans are exported
 * only when `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (the traces URL as it is) or
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (a base URL, `/v1/traces` appended) is set, and neither
 * `OTEL_SDK_DISABLED=true` nor `OTEL_TRACES_EXPORTER=none` turns it off. Throws
 * {@link TracingConfigError} naming the variable for a value it cannot follow.
 */
export function tracingConfig(
  serviceName: string,
  env: TracingEnv = process.env,
): TracingConfig | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((name) => name.trim());
  if (exporters.includes('none')) return undefined;
  const unsupported = exporters.filter((name) => name !== '' && name !== 'otlp');
  if (unsupported.length > 0) {
    throw new TracingConfigError(
      `OTEL_TRACES_EXPORTER=${env.OTEL_TRACES_EXPORTER}: noob exports traces over OTLP only`,
      { details: 'Set it to otlp (or leave it unset), or to none to export nothing.' },
    );
  }
  const url = tracesUrl(env);
  if (url === undefined) return undefined;
  return {
    url,
    protocol: protocolOf(env),
    serviceName: env.OTEL_SERVICE_NAME?.trim() || serviceName,
    scheduledDelayMs: scheduledDelay(env),
  };
}

/** The traces URL from the signal's own variable, else the base endpoint's. */
function tracesUrl(env: TracingEnv): string | undefined {
  const own = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (own) return checkedUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', own);
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!base) return undefined;
  checkedUrl('OTEL_EXPORTER_OTLP_ENDPOINT', base);
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

function checkedUrl(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TracingConfigError(`${variable}=${value} is not a URL`, {
      details: 'Give the collector as http://HOST:4318 (its OTLP/HTTP port).',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TracingConfigError(`${variable}=${value}: noob exports over OTLP/HTTP only`, {
      details: 'Give an http:// or https:// URL (a collector takes OTLP/HTTP on port 4318).',
    });
  }
  return value;
}

function protocolOf(env: TracingEnv): OtlpProtocol {
  const variable = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const value = env[variable]?.trim();
  if (!value || value === 'http/json') return 'http/json';
  if (value === 'http/protobuf') return 'http/protobuf';
  throw new TracingConfigError(`${variable}=${value}: noob exports OTLP over HTTP only`, {
    details: 'Set it to http/json or http/protobuf (or leave it unset for http/json).',
  });
}

function scheduledDelay(env: TracingEnv): number {
  const value = env.OTEL_BSP_SCHEDULE_DELAY?.trim();
  if (!value) return 5_000;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0) {
    throw new TracingConfigError(`OTEL_BSP_SCHEDULE_DELAY=${value} is not a whole number of ms`, {
      details: 'Give the longest wait before finished spans are sent, in milliseconds.',
    });
  }
  return ms;
}
