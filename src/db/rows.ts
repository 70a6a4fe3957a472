import { Column, getTableColumns, getTableName, type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { type Db, queryRows } from "./client.js";

/**
 * Whole rows of one table, read through a raw statement and decoded by a mapper built once per table.
 *
 * drizzle's query builder and result mapper walk class hierarchies (`is(…)`) for every parameter and every
 * cell: on reads of hundreds of rows, such as the pickup dashboard's, that costs more than the rest of
 * the read. The hot loaders read through this instead: the column list is built once, ids travel as one array
 * parameter (`= any(…)`), and each cell goes through its column's own driver-value decoding
 * (`mapFromDriverValue`, as drizzle's select does) only where that column has one. The rows equal what
 * `db.select().from(table)` returns, on PGlite and on postgres.js alike (test/demo.test.ts).
 */
export interface TableReader<Row> {
  /** `alias."column", …` in the table's column order. */
  readonly columns: SQL;
  /** `"table" alias`. */
  readonly from: SQL;
  /** One decoded row from a raw row keyed by column name. */
  read(raw: Record<string, unknown>): Row;
}

/** Computed fields a reader adds to its rows (lib/projection.ts' ComputedFields). */
export interface ComputedColumns {
  columns(alias: string): SQL;
  read<Row extends object>(raw: Record<string, unknown>, row: Row): Row;
}

/**
 * Whole rows of `table` as `alias`; with `computed`, each row also carries the type's computed fields, read by
 * their SQL definitions in the same SELECT.
 */
export function tableReader<T extends PgTable>(table: T, alias: string, computed?: ComputedColumns): TableReader<T["$inferSelect"]> {
  const entries = Object.entries(getTableColumns(table) as Record<string, Column>);
  const names = entries.map(([, column]) => column.name);
  const keys = entries.map(([key]) => key);
  const identity = Column.prototype.mapFromDriverValue;
  const decoders = entries.map(([, column]) => (column.mapFromDriverValue === identity ? null : column));
  const quotedAlias = `"${alias}"`;
  const plain = sql.raw(names.map((name) => `${quotedAlias}."${name}"`).join(", "));
  return {
    columns: computed === undefined ? plain : sql`${plain}, ${computed.columns(quotedAlias)}`,
    from: sql.raw(`"${getTableName(table)}" ${quotedAlias}`),
    read(raw) {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) {
        const value = raw[names[i]!];
        const decoder = decoders[i];
        row[keys[i]!] = value === null || value === undefined ? null : decoder === null || decoder === undefined ? value : decoder.mapFromDriverValue(value);
      }
      return (computed === undefined ? row : computed.read(raw, row)) as T["$inferSelect"];
    },
  };
}

/** `select <every column> from <table> <alias> <rest>`, decoded. */
export async function selectRows<Row>(db: Db, reader: TableReader<Row>, rest: SQL): Promise<Row[]> {
  const raw = await queryRows<Record<string, unknown>>(db, sql`select ${reader.columns} from ${reader.from} ${rest}`);
  return raw.map((r) => reader.read(r));
}

/** Integer keys as one parameter, for `= any(…)` or `unnest(…)`: one bound value whatever the count. */
export function intArray(ids: readonly number[]): SQL {
  return sql`string_to_array(${ids.join(",")}, ',')::int[]`;
}

/** Text keys as one parameter (a JSON array), for `= any(…)`. */
export function textArray(values: readonly string[]): SQL {
  return sql`array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
}

/** PIN codes as one parameter (a JSON array), typed char(6) so `column = any(…)` can use the PIN indexes. */
export function pinArray(codes: readonly string[]): SQL {
  return sql`array(select (jsonb_array_elements_text(${JSON.stringify(codes)}::jsonb))::char(6))`;
}
