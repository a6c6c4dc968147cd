import { describe, expect, it } from 'vitest';
import { RemoteSqlError } from '../../core/queue/errors.ts';
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

  it("behavior: a remote database refused, reset or silent, even as a node error's cause, is the database's", () => {
    const lost = (code: string, reason: string) =>
      new RemoteSqlError(
        `the libSQL server at http://127.0.0.1:8080 could not be reached (${reason})`,
        code,
        undefined,
        Object.assign(new Error(reason), { code }),
      );
    expect(isStorageError(lost('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:8080'))).toBe(true);
    expect(
      isStorageError(new NodeRunError('wait', '1', lost('ECONNRESET', 'socket hang up'))),
    ).toBe(true);
    expect(isStorageError(lost('ETIMEDOUT', 'no answer in 60000 ms'))).toBe(true);
    expect(isStorageError(new RemoteSqlError('unavailable', 'HTTP_503'))).toBe(true);
    // A fetch-based client's error: the reason is only in the cause's cause.
    const fetchFailed = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), {
        code: 'ECONNREFUSED',
      }),
    });
    expect(
      isStorageError(new RemoteSqlError('request failed', 'NETWORK', undefined, fetchFailed)),
    ).toBe(true);
    // @libsql/client over a WebSocket: the code says WebSocket, the message the reason.
    const socket = Object.assign(
      new Error('HRANA_WEBSOCKET_ERROR: connect ECONNREFUSED 127.0.0.1:8080'),
      { name: 'LibsqlError', code: 'HRANA_WEBSOCKET_ERROR' },
    );
    expect(isStorageError(new NodeRunError('wait', '0', socket))).toBe(true);
  });

  it("error: a node's own connection refused is the job's: the job fails, not waits for good", () => {
    const fetchFailed = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
    });
    expect(isStorageError(new NodeRunError('fetch', '0', fetchFailed))).toBe(false);
    expect(isStorageError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(
      false,
    );
    // The database's answer to a bad statement is the job's too.
    expect(isStorageError(new RemoteSqlError('no such table: x', 'SQLITE_ERROR'))).toBe(false);
    expect(isStorageError(new RemoteSqlError('bad request', 'HTTP_400'))).toBe(false);
  });
});
