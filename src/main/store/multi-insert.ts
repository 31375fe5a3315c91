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

/** Inserts rows given as one flat list of values, `columns.length` per row. */
export function insertRows(
  db: SqliteDatabase,
  table: string,
  columns: readonly string[],
  values: readonly unknown[],
  conflict: '' | 'OR IGNORE' = '',
): void {
  const width = columns.length;
  const rows = values.length / width;
  let row = 0;
  for (; row + CHUNK <= rows; row += CHUNK) {
    statement(db, table, columns, CHUNK, conflict).run(values.slice(row * width, (row + CHUNK) * width));
  }
  const single = statement(db, table, columns, 1, conflict);
  for (; row < rows; row++) single.run(values.slice(row * width, (row + 1) * width));
}
