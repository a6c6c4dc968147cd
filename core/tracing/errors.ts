import { NoobError } from '../errors.ts';

/**
 * An OpenTelemetry environment variable noob cannot follow (an endpoint that is not an
 * http(s) URL, a protocol it does not export with). The message names the variable and
 * its value; nothing was started.
 */
export class TracingConfigError extends NoobError {
  override name = 'TracingConfigError' as const;
}
