import { createClient, type InStatement, type ResultSet } from '@libsql/client/ws';
import type { SqlResult, SqlRow, SqlStatement } from '../backend.ts';
import type { RemoteClient } from './remote.ts';

/**
 * A `ws(s)://` libSQL server through `@libsql/client`'s WebSocket client, shaped as the
 * remote driver's {@link RemoteClient}. Imported only for such a URL: the WebSocket
 * client loads the `ws` package, which HTTP (drivers/hrana-http.ts) does not need.
 */
export function libsqlWsClient(url: string, options: { authToken?: string }): RemoteClient {
  const client = createClient({ url, ...options });
  return {
    execute: async (statement) => toResult(await client.execute(toStatement(statement))),
    batch: async (statements, mode) =>
      (await client.batch(statements.map(toStatement), mode)).map(toResult),
    async transaction() {
      const tx = await client.transaction('write');
      return {
        execute: async (statement) => toResult(await tx.execute(toStatement(statement))),
        commit: () => tx.commit(),
        close: async () => tx.close(),
      };
    },
    close: () => client.close(),
  };
}

function toStatement(statement: SqlStatement): InStatement {
  return { sql: statement.sql, args: statement.params };
}

// @libsql/client rows are array-likes with column getters; the queue wants plain objects.
function toResult(result: ResultSet): SqlResult {
  const rows = result.rows.map((row) => {
    const plain: SqlRow = {};
    result.columns.forEach((column, i) => {
      plain[column] = row[i] as SqlRow[string];
    });
    return plain;
  });
  return { rows, changes: result.rowsAffected };
}
