import { describe, expect, it } from 'vitest';
import { NodeRunError } from '../../core/runners/errors.ts';
import { isStorageError } from './storage-error.ts';

describe('isStorageError', () => {
  it("behavior: a full disk or I/O error, even as a node error's cause, is the database's", () => {
    const full = Object.assign(new Error('database or disk is full'), {
      name: 'SqliteError',
      code: 'SQLITE_FULL',
    });
    expect(isStorageError(full)).toBe(true);
    expect(isStorageError(new NodeRunError('wait', '1', full))).toBe(true);
    expect(isStorageError({ code: 'SQLITE_IOERR_WRITE', message: 'disk I/O error' })).toBe(true);
  });

  it("default: a node's own error is the job's", () => {
    expect(isStorageError(new NodeRunError('a', '0', new TypeError('x is not a function')))).toBe(
      false,
    );
    expect(isStorageError('text')).toBe(false);
    expect(isStorageError(undefined)).toBe(false);
  });
});
