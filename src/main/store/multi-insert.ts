// Inserts many rows with multi-row INSERT statements: one native call per 64 rows instead of one per
// row, which is most of the cost of a small insert.
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database';

const CHUNK = 64;
const cache = new WeakMap<SqliteDatabase, Map<string, Statement>>();

function statement(
  db: SqliteDatabase,
  table: string,
  columns: readonly string[],
  rows: number,
  verb: string,
): Statement {
  let statements = cache.get(db);
  if (statements === undefined) cache.set(db, (statements = new Map()));
  const key = `${verb}${table}(${columns.join(',')})x${rows}`;
  let prepared = statements.get(key);
  if (prepared === undefined) {
    const row = `(${columns.map(() => '?').join(', ')})`;
    prepared = db.prepare(
      `INSERT ${verb} INTO ${table} (${columns.join(', ')}) VALUES ${Array(rows).fill(row).join(', ')}`,
    );
    statements.set(key, prepared);
  }
  return prepared;
}

export function insertRows(
  db: SqliteDatabase,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  conflict: '' | 'OR IGNORE' = '',
): void {
  let index = 0;
  for (; index + CHUNK <= rows.length; index += CHUNK) {
    statement(db, table, columns, CHUNK, conflict).run(rows.slice(index, index + CHUNK).flat());
  }
  const single = statement(db, table, columns, 1, conflict);
  for (; index < rows.length; index++) single.run(rows[index]);
}
