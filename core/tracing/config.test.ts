import { describe, expect, test } from 'vitest';
import { tracingConfig } from './config.ts';

describe('tracingConfig', () => {
  test('behavior: nothing is traced without an OTLP endpoint', () => {
    expect(tracingConfig('noob-api', {})).toBeUndefined();
    expect(tracingConfig('noob-api', { OTEL_SERVICE_NAME: 'x' })).toBeUndefined();
  });

  test('behavior: the base endpoint gets /v1/traces, the traces endpoint is used as it is', () => {
    expect(
      tracingConfig('noob-api', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' }),
    ).toMatchObject({ url: 'http://127.0.0.1:4318/v1/traces', protocol: 'http/json' });
    expect(
      tracingConfig('noob-api', {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9999/custom',
      })?.url,
    ).toBe('http://127.0.0.1:9999/custom');
  });

  test('behavior: OTEL_SDK_DISABLED and OTEL_TRACES_EXPORTER=none turn it off', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    expect(tracingConfig('noob-api', { ...endpoint, OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(
      tracingConfig('noob-api', { ...endpoint, OTEL_TRACES_EXPORTER: 'none' }),
    ).toBeUndefined();
    expect(tracingConfig('noob-api', { ...endpoint, OTEL_TRACES_EXPORTER: 'otlp' })).toBeDefined();
  });

  test('behavior: protocol and batch delay come from their variables', () => {
    expect(
      tracingConfig('noob-worker', {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_BSP_SCHEDULE_DELAY: '200',
      }),
    ).toMatchObject({
      protocol: 'http/protobuf',
      scheduledDelayMs: 200,
      serviceName: 'noob-worker',
    });
  });

  test('error: an endpoint that is not an http URL names the variable', () => {
    expect(() =>
      tracingConfig('noob-api', { OTEL_EXPORTER_OTLP_ENDPOINT: '127.0.0.1:4318' }),
    ).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT=127\.0\.0\.1:4318/);
    expect(() =>
      tracingConfig('noob-api', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://collector:4317' }),
    ).toThrow(expect.objectContaining({ name: 'TracingConfigError' }));
  });

  test('error: a protocol or exporter it does not speak is refused by name', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    expect(() =>
      tracingConfig('noob-api', { ...endpoint, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }),
    ).toThrow(/OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=grpc/);
    expect(() =>
      tracingConfig('noob-api', { ...endpoint, OTEL_TRACES_EXPORTER: 'zipkin' }),
    ).toThrow(/OTEL_TRACES_EXPORTER=zipkin/);
    expect(() =>
      tracingConfig('noob-api', { ...endpoint, OTEL_BSP_SCHEDULE_DELAY: 'soon' }),
    ).toThrow(/OTEL_BSP_SCHEDULE_DELAY=soon/);
  });
});
