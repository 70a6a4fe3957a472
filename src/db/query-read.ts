import { type SQL, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { type BidirectionalPageArgs, type ConnectionResult, type PageWindow, pageWindow, windowConnection } from "../lib/pagination.js";
import type { QueryModel } from "../lib/query-model.js";
import { type Db, queryRows } from "./client.js";
import { orderSql, type OrderTerm, orderTerms, ValueBinder, whereSql } from "./query-sql.js";
import type { TableReader } from "./rows.js";

const dialect = new PgDialect();

/**
 * Text with $n placeholders and its values as a drizzle statement, so it runs on the driver's own connection with
 * drizzle's type handling (dates as text, JSON parameters as given), as every other repository statement does.
 */
export function withValues(text: string, values: readonly unknown[]): SQL {
  const pieces = text.split(/\$(\d+)/);
  return sql.join(
    pieces.map((piece, i) => (i % 2 === 0 ? sql.raw(piece) : sql`${values[Number(piece) - 1]}`)),
    sql.raw(""),
  );
}

/** A `<Type>Where` value as a drizzle condition over the row alias `row`, or null when it sets no condition. */
export function whereCondition(model: QueryModel, type: string, where: Record<string, unknown> | null | undefined, row: string): SQL | null {
  if (where === null || where === undefined) return null;
  const binder = new ValueBinder({ where });
  let aliases = 0;
  const text = whereSql(model, type, where, row, binder, ["where"], () => `w${++aliases}`);
  return text === "true" ? null : withValues(text, binder.values);
}

/** An `orderBy` value (else `fallback`) as a drizzle ORDER BY list over the row alias `row`, the row key last. */
export function orderByList(model: QueryModel, type: string, orderBy: readonly { field: string; direction?: string | null }[] | null | undefined, fallback: readonly OrderTerm[], row: string): SQL {
  let aliases = 0;
  return sql.raw(orderSql(orderTerms(model, type, orderBy, fallback), model.key(type), row, () => `o${++aliases}`).orderBy);
}

/** What a filtered, ordered page of one type reads: the `where` value, the order, the window, other conditions. */
export interface PageQuery {
  /** The field's coerced arguments: `where`, the page cursor, read by path. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly order: readonly OrderTerm[];
  readonly window: PageWindow;
  /** Conditions besides `where` (a viewer's circle, a parent's key, a deprecated filter), as drizzle SQL over the row. */
  readonly conditions: readonly SQL[];
  /**
   * The conditions are selective and an index serves them (a name search): sort the matching rows to pick the page's
   * keys, then read those rows. Otherwise PostgreSQL may walk an index in the order's order, testing every row it
   * passes until a page matches, which for a rare match reads most of the table.
   */
  readonly sortMatches?: boolean;
}

/**
 * Pages and counts of one type's rows under a `<Type>Where` filter and any order of its model, for the resolvers:
 * one statement each, the filter and order compiled from the field registry (src/db/query-sql.ts) exactly as the
 * single statement compiles them.
 */
export class TypeQuery<Row> {
  constructor(
    private readonly model: QueryModel,
    private readonly type: string,
    private readonly reader: TableReader<Row>,
    /** The reader's row alias. */
    private readonly alias: string,
  ) {}

  /**
   * A connection of the rows matching the arguments' `where` and `conditions`, in their `orderBy` (else `fallback`),
   * paged either way: one statement, and one more for totalCount when it is selected.
   */
  async connection(
    db: Db,
    args: BidirectionalPageArgs & { readonly where?: unknown; readonly orderBy?: readonly { field: string; direction?: string | null }[] | null },
    options: {
      readonly fallback: readonly OrderTerm[];
      readonly conditions: readonly SQL[];
      readonly maxPageSize: number;
      readonly name: string;
      /** totalCount is selected: count beside the page (on a server, another pooled connection) rather than after it. */
      readonly countBeside?: boolean;
      readonly sortMatches?: boolean;
    },
  ): Promise<ConnectionResult<Row>> {
    const window = pageWindow(args, options.maxPageSize);
    const order = orderTerms(this.model, this.type, args.orderBy, options.fallback);
    const values = args as unknown as Record<string, unknown>;
    const count = () => this.count(db, { args: values, conditions: options.conditions }, `count ${options.name}`);
    const total = options.countBeside === true ? count() : undefined;
    total?.catch(() => {});
    const query = { args: values, order, window, conditions: options.conditions, sortMatches: options.sortMatches === true };
    const rows = window.size === 0 ? [] : await this.page(db, query, options.name);
    return windowConnection(rows, window, () => total ?? count());
  }

  /**
   * The pages of many parents' nested connections under one set of arguments, in one statement: the rows whose
   * `parent` expression (SQL over the row) is one of the parents (a condition in `query.conditions`), numbered per
   * parent in the order, up to `window.size + 1` each, with their cursors. Keyed by the parent expression's text.
   */
  async pagesByParent(db: Db, query: PageQuery, parent: (row: string) => string, name: string): Promise<Map<string, { node: Row; cursor: string }[]>> {
    const { binder, order, conditions, columns, from, limit } = this.pageParts(query);
    const parentSql = parent(this.alias);
    const text = `/* ${name} */ select * from (select ${columns}, ${order.cursor} as "__cursor", (${parentSql})::text as "__parent",
        row_number() over (partition by ${parentSql} order by ${order.orderBy}) as "__rank"
      from ${from} where ${conditions.join(" and ")}) ranked where "__rank" <= ${limit} order by "__parent", "__rank"`;
    const pages = new Map<string, { node: Row; cursor: string }[]>();
    for (const raw of await queryRows<Record<string, unknown>>(db, withValues(text, binder.values))) {
      const key = String(raw.__parent);
      const page = pages.get(key) ?? [];
      page.push({ node: this.reader.read(raw), cursor: String(raw.__cursor) });
      pages.set(key, page);
    }
    return pages;
  }

  /** How many rows match per parent (their nested connections' totalCount), in one statement; a parent without rows is absent. */
  async countsByParent(db: Db, query: Omit<PageQuery, "order" | "window">, parent: (row: string) => string, name: string): Promise<Map<string, number>> {
    const binder = new ValueBinder(query.args);
    let aliases = 0;
    const conditions = this.conditions(query, binder, () => `q${++aliases}`);
    const from = dialect.sqlToQuery(this.reader.from).sql;
    const parentSql = parent(this.alias);
    const rows = await queryRows<{ parent: string; n: number }>(
      db,
      withValues(`/* ${name} */ select (${parentSql})::text as parent, count(*)::int as n from ${from} where ${conditions.join(" and ")} group by 1`, binder.values),
    );
    return new Map(rows.map((row) => [String(row.parent), Number(row.n)]));
  }

  /** Up to `window.size + 1` rows in the window's direction, each with its cursor. */
  async page(db: Db, query: PageQuery, name: string): Promise<{ node: Row; cursor: string }[]> {
    const { binder, order, conditions, columns, from, limit } = this.pageParts(query);
    const where = conditions.join(" and ");
    const key = this.model.key(this.type).sql(this.alias);
    // OFFSET 0 keeps the matching rows a subquery of their own, so its ORDER BY matches no index of the table; its
    // unused columns are not read, so an index holding the filtered and ordered columns answers it alone.
    const text = query.sortMatches === true
      ? `/* ${name} */ select ${columns}, ${order.cursor} as "__cursor" from ${from} where ${key} in (select ${key} from (select ${this.alias}.* from ${from} where ${where} offset 0) ${this.alias} order by ${order.orderBy} limit ${limit}) order by ${order.orderBy}`
      : `/* ${name} */ select ${columns}, ${order.cursor} as "__cursor" from ${from} where ${where} order by ${order.orderBy} limit ${limit}`;
    const rows = await queryRows<Record<string, unknown>>(db, withValues(text, binder.values));
    return rows.map((raw) => ({ node: this.reader.read(raw), cursor: String(raw.__cursor) }));
  }

  /** How many rows match (totalCount). */
  async count(db: Db, query: Omit<PageQuery, "order" | "window">, name: string): Promise<number> {
    const binder = new ValueBinder(query.args);
    let aliases = 0;
    const conditions = this.conditions(query, binder, () => `q${++aliases}`);
    const from = dialect.sqlToQuery(this.reader.from).sql;
    const [row] = await queryRows<{ n: number }>(db, withValues(`/* ${name} */ select count(*)::int as n from ${from} where ${conditions.join(" and ")}`, binder.values));
    return Number(row!.n);
  }

  /** What a page read writes: its order, its conditions (the cursor's included), columns, FROM and the limit's placeholder. */
  private pageParts(query: PageQuery) {
    const binder = new ValueBinder(query.args);
    let aliases = 0;
    const alias = () => `q${++aliases}`;
    const order = orderSql(query.order, this.model.key(this.type), this.alias, alias, query.window.backward);
    const conditions = this.conditions(query, binder, alias);
    if (query.window.cursor !== null) conditions.push(order.after(binder, [query.window.cursorArgument]));
    const columns = dialect.sqlToQuery(this.reader.columns).sql;
    const from = dialect.sqlToQuery(this.reader.from).sql;
    const limit = `${binder.add(query.window.size + 1)}::int`;
    return { binder, order, conditions, columns, from, limit };
  }

  private conditions(query: Omit<PageQuery, "order" | "window">, binder: ValueBinder, alias: () => string): string[] {
    const conditions = [`(${whereSql(this.model, this.type, query.args.where as Record<string, unknown> | null | undefined, this.alias, binder, ["where"], alias)})`];
    for (const condition of query.conditions) {
      // A drizzle condition's own parameters are renumbered after the filter's.
      const { sql: text, params } = dialect.sqlToQuery(condition);
      conditions.push(`(${text.replace(/\$(\d+)/g, (_, n: string) => binder.add(params[Number(n) - 1]))})`);
    }
    return conditions;
  }
}
