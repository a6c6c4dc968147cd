import { NoobError } from '../../core/errors.ts';

/** The database file is damaged: `noob serve` refuses to start on it (exit 1). */
export class DatabaseCorruptError extends NoobError {
  override name = 'DatabaseCorruptError' as const;
}
