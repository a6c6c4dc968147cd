import { NoobError } from '../core/errors.ts';

/**
 * The errors of the native contract, thrown alike by the addon (through {@link
 * fromNative}) and by its twin. Callers match on `name`.
 */

/** Arguments that do not fit together: bad offsets, an output buffer too small. */
export class NativeArgumentError extends NoobError {
  override name = 'NativeArgumentError' as const;
}

/** Text given as JSON that is not JSON. */
export class InvalidJsonError extends NoobError {
  override name = 'InvalidJsonError' as const;
}

/** A JSON value with no dag-cbor form (a number beyond float64, nesting too deep). */
export class UnencodableValueError extends NoobError {
  override name = 'UnencodableValueError' as const;
}

const BY_CODE = {
  NativeArgumentError,
  InvalidJsonError,
  UnencodableValueError,
} as const;

/**
 * The typed error for an error the addon threw: its binding's `map_error` puts the
 * error's name in `code`. Anything else (a wrong argument type napi refused) is
 * returned as it is.
 */
export function fromNative(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const Type = typeof code === 'string' ? BY_CODE[code as keyof typeof BY_CODE] : undefined;
  return Type ? new Type((error as Error).message, { cause: error }) : error;
}
