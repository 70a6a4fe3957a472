import { BadUserInputError, InvalidCursorError } from "../lib/errors.js";
import { pageSize } from "../lib/pagination.js";
import { type ArgBinder, DECLINE } from "../lib/projection.js";
import { rupeesToPaise } from "../lib/money.js";
import { type Comparable, isEnumOperand, type OrderKey, type QueryModel } from "../lib/query-model.js";

/*
 * Filters and orderings as SQL, compiled from the field registry's definitions (src/lib/query-model.ts) for both
 * ways of answering: the resolvers' repositories bind the values at once (`ValueBinder`), the single statement
 * binds them into its plan's slots, read again from the arguments on every run (src/server/single-statement.ts).
 * Either way a value is reached by its path in the argument (`where.status.in`), so what is written here decides
 * the SQL text once per shape of the input and never holds a value.
 */

/** A value's place in an argument: the argument's name, then keys and list indexes. */
export type Path = readonly (string | number)[];

export interface Binder {
  /** A placeholder (with its cast) for the value at `path`, passed through `convert`. */
  bind(path: Path, cast: string, convert: (value: unknown) => unknown): string;
}

/** The value at `path` (its first item is the argument's name) in `args`. */
export function valueAt(args: Readonly<Record<string, unknown>>, path: Path): unknown {
  let value: unknown = args;
  for (const step of path) {
    if (value === null || value === undefined) return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value;
}

/** Binds values as they are read, for a statement run once: `$n::cast`, its values in `values`. */
export class ValueBinder implements Binder {
  readonly values: unknown[] = [];
  constructor(private readonly args: Readonly<Record<string, unknown>>) {}

  bind(path: Path, cast: string, convert: (value: unknown) => unknown): string {
    return `${this.add(convert(valueAt(this.args, path)))}::${cast}`;
  }

  /** A value not read from the arguments (a page's limit, another condition's parameter): its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Fresh row aliases for the subqueries a filter or an order writes. */
export type Aliases = () => string;

/** The most values an `in` or `notIn` list may hold: 500 tracking numbers, say. */
export const MAX_LIST_VALUES = 500;

type Row = Readonly<Record<string, unknown>>;

const pathText = (path: Path) => path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");

/** One operand, as its bound text: DateTime as ISO text, Money as paise, anything else as its text. */
function operandConverter(comparable: Comparable, path: Path): (value: unknown) => unknown {
  const { operand } = comparable;
  if (operand === "DateTime") return (value) => (value as Date).toISOString();
  if (operand === "Money") {
    return (value) => {
      const paise = rupeesToPaise(value as number, pathText(path));
      // Beyond what a bigint column holds no amount can match; PostgreSQL would refuse the number rather than say so.
      if (!Number.isSafeInteger(paise)) {
        throw new BadUserInputError(`${pathText(path)} is ${String(value)}: amounts go up to ₹${Math.floor(Number.MAX_SAFE_INTEGER / 100)}.`, { field: pathText(path), value });
      }
      return String(paise);
    };
  }
  // A boolean stays one: postgres.js writes a boolean parameter as 't' only for true itself, not for "true".
  if (operand === "Boolean") return (value) => value === true;
  return (value) => String(value);
}

/** A list operand as one JSON parameter, refused past MAX_LIST_VALUES. */
function listConverter(comparable: Comparable, path: Path): (value: unknown) => unknown {
  return (value) => {
    const list = value as unknown[];
    if (list.length > MAX_LIST_VALUES) {
      throw new BadUserInputError(`${pathText(path)} holds ${list.length} values; at most ${MAX_LIST_VALUES} are taken.`, {
        field: pathText(path),
        value: list.length,
      });
    }
    return JSON.stringify(list.map((item, i) => operandConverter(comparable, [...path, i])(item)));
  };
}

/** `value like pattern` where the pattern's own % and _ match themselves. */
const escapeLike = (value: unknown) => String(value).replace(/[\\%_]/g, (c) => `\\${c}`);

/** The condition one operator object (`{ gt: 3, lte: 9 }`) sets on one comparable, or null when it sets none. */
function operatorSql(comparable: Comparable, operators: Row, expression: string, binder: Binder, path: Path): string[] {
  const parts: string[] = [];
  // An enum value or a boolean is written into the text: it is part of the plan's shape already (a plan is kept per
  // enum value and boolean of its variables), and a constant lets a partial index whose predicate names it serve
  // (payment_mode = 'COD'), which a bound parameter never does in a generic plan. Enum values are GraphQL names.
  const literal = (value: unknown): string | null => {
    if (comparable.operand === "Boolean" && typeof value === "boolean") return String(value);
    if (isEnumOperand(comparable.operand) && typeof value === "string" && /^[A-Z][A-Z0-9_]*$/.test(value)) return `'${value}'::${comparable.cast}`;
    return null;
  };
  const one = (op: string) => literal(operators[op]) ?? binder.bind([...path, op], comparable.cast, operandConverter(comparable, [...path, op]));
  // Bound as text and cast in SQL: a driver that serializes JSON parameters itself would encode the text again.
  const list = (op: string) => {
    const values = operators[op] as unknown[];
    const literals = values.map(literal);
    if (values.length > 0 && literals.every((l) => l !== null)) return `array[${literals.join(", ")}]`;
    return `array(select (jsonb_array_elements_text((${binder.bind([...path, op], "text", listConverter(comparable, [...path, op]))})::jsonb))::${comparable.cast})`;
  };
  for (const [op, value] of Object.entries(operators)) {
    if (value === null || value === undefined) continue;
    switch (op) {
      case "eq":
        parts.push(`${expression} = ${one(op)}`);
        break;
      case "ne":
        parts.push(`${expression} <> ${one(op)}`);
        break;
      case "gt":
        parts.push(`${expression} > ${one(op)}`);
        break;
      case "gte":
        parts.push(`${expression} >= ${one(op)}`);
        break;
      case "lt":
        parts.push(`${expression} < ${one(op)}`);
        break;
      case "lte":
        parts.push(`${expression} <= ${one(op)}`);
        break;
      case "in":
        parts.push(`${expression} = any(${list(op)})`);
        break;
      case "notIn":
        parts.push(`not (${expression} = any(${list(op)}))`);
        break;
      case "isNull":
        // The value decides the SQL text: it is part of the plan's shape.
        parts.push(value === true ? `${expression} is null` : `${expression} is not null`);
        break;
      case "startsWith":
        parts.push(`${expression}::text ilike ${binder.bind([...path, op], "text", (v) => `${escapeLike(v)}%`)} escape '\\'`);
        break;
      case "contains":
        parts.push(`${expression}::text ilike ${binder.bind([...path, op], "text", (v) => `%${escapeLike(v)}%`)} escape '\\'`);
        break;
      default:
        throw new Error(`unknown filter operator ${op}`);
    }
  }
  return parts;
}

const conjunction = (parts: readonly string[]) => (parts.length === 0 ? "true" : parts.length === 1 ? parts[0]! : parts.map((p) => `(${p})`).join(" and "));

/**
 * A `<Type>Where` value as a SQL condition over the row `row`: every given field's operators and every `and`
 * item hold, some `or` item holds (an empty `or` matches nothing), `not` does not hold; a relation's
 * condition holds for its row (none: no match). Null operators and fields are no condition.
 */
export function whereSql(model: QueryModel, type: string, where: Row | null | undefined, row: string, binder: Binder, path: Path, aliases: Aliases): string {
  if (where === null || where === undefined) return "true";
  const parts: string[] = [];
  const comparables = new Map(model.comparables(type).filter((c) => c.filter).map((c) => [c.name, c]));
  const relations = new Map(model.relations(type).filter((r) => r.uses.filter === true).map((r) => [r.name, r]));
  for (const [name, value] of Object.entries(where)) {
    if (value === null || value === undefined) continue;
    const here = [...path, name];
    if (name === "and") {
      (value as Row[]).forEach((item, i) => parts.push(whereSql(model, type, item, row, binder, [...here, i], aliases)));
    } else if (name === "or") {
      const items = (value as Row[]).map((item, i) => `(${whereSql(model, type, item, row, binder, [...here, i], aliases)})`);
      parts.push(items.length === 0 ? "false" : items.join(" or "));
    } else if (name === "not") {
      // Three-valued logic: a row whose compared value is null matches neither a condition nor its `not`.
      parts.push(`not coalesce(${whereSql(model, type, value as Row, row, binder, here, aliases)}, true)`);
    } else if (comparables.has(name)) {
      const comparable = comparables.get(name)!;
      parts.push(...operatorSql(comparable, value as Row, comparable.raw(row), binder, here));
    } else if (model.conditions(type).has(name)) {
      const condition = model.conditions(type).get(name)!;
      parts.push(condition.sql(row, binder.bind(here, condition.cast, condition.convert ?? ((v) => String(v)))));
    } else if (relations.has(name)) {
      const relation = relations.get(name)!;
      const as = aliases();
      const inner = whereSql(model, relation.type, value as Row, as, binder, here, aliases);
      // The relation's own FROM clause, its condition and the filter's in one WHERE: PostgreSQL turns such an
      // EXISTS into a semi-join (a subquery in FROM would keep it a correlated subplan run per row).
      parts.push(`exists (select 1 from ${relation.source(row, as)} and (${inner}))`);
    } else {
      throw new Error(`${type} has no filterable field ${name}`);
    }
  }
  return conjunction(parts);
}

/** One key of an ordering, with its direction. */
export interface OrderTerm {
  readonly key: OrderKey;
  readonly descending: boolean;
}

/** An `orderBy` value ([{ field, direction }]) as terms; each key at most once (a repeat adds nothing and is refused). */
export function orderTerms(model: QueryModel, type: string, orderBy: readonly { field: string; direction?: string | null }[] | null | undefined, fallback: readonly OrderTerm[], argument = "orderBy"): OrderTerm[] {
  if (orderBy === null || orderBy === undefined || orderBy.length === 0) return [...fallback];
  const keys = new Map(model.orderKeys(type).map((k) => [k.value, k]));
  const seen = new Set<string>();
  return orderBy.map(({ field, direction }, i) => {
    if (seen.has(field)) throw new BadUserInputError(`${argument}[${i}].field names ${field} a second time.`, { field: `${argument}[${i}].field`, value: field });
    seen.add(field);
    const key = keys.get(field);
    if (key === undefined) throw new Error(`${type} has no order key ${field}`);
    return { key, descending: direction === "DESC" };
  });
}

/** The terms as an order key of `type` (for defaults): `BOOKED_AT` descending. */
export function orderTerm(model: QueryModel, type: string, value: string, descending: boolean): OrderTerm {
  const key = model.orderKeys(type).find((k) => k.value === value);
  if (key === undefined) throw new Error(`${type} has no order key ${value}`);
  return { key, descending };
}

/** A term's value as SQL over the row: the leaf, or the leaf of its relation's row (null without one), or the row's column holding it. */
function termSql(term: OrderTerm, row: string, aliases: Aliases): string {
  const { comparable, relation, local } = term.key;
  if (relation === null) return comparable.raw(row);
  if (local !== undefined) return `(${local(row)})`;
  const as = aliases();
  return `(select ${comparable.raw(as)} from ${relation.source(row, as)})`;
}

/** What a page read needs of an ordering: ORDER BY, the cursor of each row, and the condition "after a cursor". */
export interface OrderSql {
  /** ORDER BY items, the row key last. */
  readonly orderBy: string;
  /** A row's cursor (base64url of a JSON array: the order's signature, its keys' values, the row key), as text SQL. */
  readonly cursor: string;
  /** The rows after the cursor bound at `path` (decoded and checked against this order), or before it when `before`. */
  after(binder: Binder, path: Path): string;
}

/** The order's signature, first in each of its cursors: a cursor of another order is refused. */
const signatureOf = (terms: readonly OrderTerm[]) => terms.map((t) => `${t.key.value}${t.descending ? "-" : "+"}`).join(",");

/**
 * The ordering as SQL over the row `row`, its key `key` last (in the last term's direction, so that a single-direction
 * order on indexed columns is an index's order). `reverse` reads it backwards (Relay `last`/`before`); its cursors are
 * the forward order's. Nulls sort as if greater than every value: last ascending, first descending.
 */
export function orderSql(terms: readonly OrderTerm[], key: { sql: (row: string) => string; kind: "n" | "s" }, row: string, aliases: Aliases, reverse = false): OrderSql {
  const expressions = terms.map((t) => termSql(t, row, aliases));
  const keyExpression = key.sql(row);
  const keyDescending = terms.at(-1)?.descending ?? false;
  const direction = (descending: boolean) => ((descending !== reverse) ? "desc" : "asc");
  // The key ends the order, unless the last term is the key itself.
  const keyTerm = expressions.at(-1) === `(${keyExpression})` ? [] : [`${keyExpression} ${direction(keyDescending)}`];
  const orderBy = [...terms.map((t, i) => `${expressions[i]} ${direction(t.descending)}`), ...keyTerm].join(", ");
  const signature = signatureOf(terms);
  const json = `json_build_array('${signature}', ${[...expressions, keyExpression].join(", ")})::text`;
  const cursor = `translate(encode(convert_to(${json}, 'UTF8'), 'base64'), E'+/=\\n', '-_')`;
  const keyCast = key.kind === "n" ? "int" : "text";
  return {
    orderBy,
    cursor,
    after(binder, path) {
      const value = (i: number, cast: string) =>
        binder.bind(path, cast, (cursor) => decodeOrderCursor(String(cursor), terms, key.kind, String(path[0]))[i] ?? null);
      const allPlain = terms.every((t) => !t.key.nullable && t.descending === keyDescending);
      if (allPlain) {
        // A row comparison: an index on these keys serves it as a range.
        const left = [...expressions, keyExpression].join(", ");
        const right = [...terms.map((t, i) => value(i + 1, t.key.comparable.cast)), value(terms.length + 1, keyCast)].join(", ");
        return `(${left}) ${keyDescending !== reverse ? "<" : ">"} (${right})`;
      }
      let condition = `${keyExpression} ${keyDescending !== reverse ? "<" : ">"} ${value(terms.length + 1, keyCast)}`;
      for (let i = terms.length - 1; i >= 0; i--) {
        const term = terms[i]!;
        const e = expressions[i]!;
        const v = value(i + 1, term.key.comparable.cast);
        const later = term.descending !== reverse ? "<" : ">";
        if (!term.key.nullable) {
          condition = `${e} ${later} ${v} or (${e} = ${v} and (${condition}))`;
          continue;
        }
        // Null is the greatest value: after a value come the greater ones and then nulls (ascending); after a null,
        // only nulls (ascending) or every value (descending).
        const nullsAfter = later === ">" ? `(${e} is null and ${v} is not null)` : `(${e} is not null and ${v} is null)`;
        condition = `${e} ${later} ${v} or ${nullsAfter} or (${e} is not distinct from ${v} and (${condition}))`;
      }
      return `(${condition})`;
    },
  };
}

const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-](\d{2})(:(\d{2}))?)$/;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day that exists (JavaScript's Date takes 30 February as 1 March; PostgreSQL refuses it). */
const isCalendarDay = (day: string) => ISO_DAY.test(day) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);

/** An ISO instant PostgreSQL takes: a real day, a time of day, an offset within ±15:59. */
function isInstant(value: string): boolean {
  const m = ISO_INSTANT.exec(value);
  if (m === null) return false;
  const [, day, hh, mm, ss, , , oh, , om] = m;
  return isCalendarDay(day!) && Number(hh) < 24 && Number(mm) < 60 && Number(ss) < 60 && (oh === undefined || Number(oh) < 16) && (om === undefined || Number(om) < 60);
}

/** Whether a cursor item fits its comparable, so the statement can never fail on it. */
function fits(key: OrderKey, value: unknown): boolean {
  const { comparable } = key;
  if (value === null) return key.nullable;
  const { operand } = comparable;
  if (isEnumOperand(operand)) return typeof value === "string" && Object.values(operand.enum).includes(value);
  switch (operand) {
    case "DateTime":
      return typeof value === "string" && isInstant(value);
    case "Date":
      return typeof value === "string" && isCalendarDay(value);
    case "Int":
      return Number.isSafeInteger(value) && Math.abs(value as number) <= 2 ** 31 - 1;
    case "Float":
    case "Money":
      return typeof value === "number" && Number.isFinite(value);
    case "Boolean":
      return typeof value === "boolean";
    default:
      return typeof value === "string" && !value.includes("\u0000");
  }
}

/** The cursor of a row of the order `terms` from its values (the keys', then the row key's), as the SQL writes it. */
export function encodeOrderCursor(terms: readonly OrderTerm[], values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify([signatureOf(terms), ...values]), "utf8").toString("base64url");
}

/**
 * A cursor of the order `terms` as its values (signature first), or INVALID_CURSOR naming `argument` when it is not
 * one this order made: another order's, or anything a statement could fail on.
 */
export function decodeOrderCursor(cursor: string, terms: readonly OrderTerm[], keyKind: "n" | "s", argument: string): unknown[] {
  let value: unknown;
  try {
    value = /^[A-Za-z0-9_-]{1,2000}$/.test(cursor) ? JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) : null;
  } catch {
    value = null;
  }
  const items = Array.isArray(value) ? value : [];
  const key = items[terms.length + 1];
  const ok =
    items.length === terms.length + 2 &&
    items[0] === signatureOf(terms) &&
    terms.every((t, i) => fits(t.key, items[i + 1])) &&
    (keyKind === "n" ? Number.isSafeInteger(key) && (key as number) >= 0 && (key as number) <= 2 ** 31 - 1 : typeof key === "string" && !key.includes("\u0000"));
  if (!ok) throw new InvalidCursorError(argument, cursor);
  return items.map((item) => (item === null || typeof item === "string" || typeof item === "boolean" ? item : String(item)));
}

/** A page of a cursor connection as the single statement reads it. */
export interface PageSql {
  /** Up to size + 1 rows, in reading order (backwards for last/before), named as the projection's `as`, each with "__cursor". */
  readonly from: string;
  /** Reading order over the rows' alias. */
  readonly readOrder: (as: string) => string;
  /** A row's cursor over the rows' alias. */
  readonly cursor: (as: string) => string;
  /** The page size (a bound value). */
  readonly size: string;
  /** Read backwards (Relay last/before): the page is put back in order. */
  readonly backward: boolean;
  /** Whether a cursor was given, as SQL. */
  readonly hasCursor: string;
  /** totalCount: a scalar subquery. */
  readonly count: string;
}

/**
 * A cursor connection of `type` as the single statement reads it (PageSql), from the same filter and order
 * compilers the resolvers' TypeQuery uses, bound into the plan's slots. `condition` adds the parent's key. An input
 * the resolvers would refuse (first and last together, a page over the limit, an order naming a key twice, a cursor
 * of another order) declines the operation, so they answer it with their error.
 */
export function pageSql(
  model: QueryModel,
  type: string,
  table: string,
  args: ArgBinder,
  as: string,
  fallback: readonly OrderTerm[],
  condition: (row: string) => string = () => "true",
): PageSql {
  const binder: Binder = {
    bind: (path, cast, convert) =>
      args.arg(String(path[0]), cast, (root) => {
        try {
          return convert(valueAt({ [String(path[0])]: root }, path));
        } catch {
          return DECLINE;
        }
      }),
  };
  const given = (name: string) => args.value(name) !== null && args.value(name) !== undefined;
  if ((given("first") && given("last")) || (given("after") && given("before"))) args.arg("first", "int", () => DECLINE);
  const backward = given("last") || (given("before") && !given("first"));
  const sizeArgument = backward ? "last" : "first";
  const size = args.arg(sizeArgument, "int", (value, limits) => {
    try {
      return pageSize(value as number | null, limits.maxPageSize, sizeArgument);
    } catch {
      return DECLINE;
    }
  });
  let terms: OrderTerm[];
  try {
    terms = orderTerms(model, type, args.value("orderBy") as { field: string; direction?: string | null }[] | null, fallback);
  } catch {
    args.arg("orderBy", "text", () => DECLINE);
    terms = [...fallback];
  }
  const key = model.key(type);
  let aliases = 0;
  const alias = () => `${as}_${++aliases}`;
  const inner = alias();
  const where = whereSql(model, type, args.value("where") as Row | null | undefined, inner, binder, ["where"], alias);
  const order = orderSql(terms, key, inner, alias, backward);
  const cursorArgument = backward ? "before" : "after";
  const after = given(cursorArgument) ? ` and ${order.after(binder, [cursorArgument])}` : "";
  const counted = alias();
  const countWhere = whereSql(model, type, args.value("where") as Row | null | undefined, counted, binder, ["where"], alias);
  return {
    from: `(select ${inner}.*, ${order.cursor} as "__cursor" from ${table} ${inner}
      where (${where}) and (${condition(inner)})${after} order by ${order.orderBy} limit ${size} + 1) ${as}`,
    readOrder: (row) => orderSql(terms, key, row, alias, backward).orderBy,
    cursor: (row) => `${row}."__cursor"`,
    size,
    backward,
    hasCursor: given(cursorArgument) ? "true" : "false",
    count: `(select count(*)::int from ${table} ${counted} where (${countWhere}) and (${condition(counted)}))`,
  };
}
