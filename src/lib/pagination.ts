import type { ClassType } from "type-graphql";
import { ArgsType, Field, Int, ObjectType } from "type-graphql";
import { BadUserInputError, InvalidCursorError, PageSizeExceededError } from "./errors.js";
import { MAX_INTEGER_KEY } from "./global-id.js";

@ObjectType({ description: "Where a page sits in its connection (Relay cursor connections)." })
export class PageInfo {
  @Field(() => Boolean, {
    description: "Paging forward: true when more items follow the last one of this page. Paging backward: true when the page was asked for with `before`.",
  })
  hasNextPage!: boolean;

  @Field(() => Boolean, {
    description:
      "Paging forward (first/after): true when the page was asked for with `after` (items precede it). Paging backward (last/before): true when more items precede the page.",
  })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: "Cursor of the first item of the page; null on an empty page." })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Cursor of the last item; pass it as `after` to get the next page. Null on an empty page.",
  })
  endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: "How many items to return: at most the server's page size limit (500 by default). Default 50.",
  })
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description: "Return items after this cursor (an `endCursor` or edge `cursor` of the same connection).",
  })
  after?: string | null;
}

export const DEFAULT_PAGE_SIZE = 50;

/** Validated page size; errors name the argument and the limit. */
export function pageSize(first: number | null | undefined, max: number, field = "first"): number {
  if (first === null || first === undefined) return Math.min(DEFAULT_PAGE_SIZE, max);
  if (first < 0) throw new BadUserInputError(`${field} must be 0 or more; got ${first}.`, { field, value: first });
  if (first > max) throw new PageSizeExceededError(field, first, max);
  return first;
}

/** Cursors carry the sort key of an item: base64url(JSON array). */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

/** An instant as Date.toISOString writes it, which is how cursors carry timestamps. */
function isIsoInstant(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value;
}

function isCalendarDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && isIsoInstant(`${value}T00:00:00.000Z`);
}

/**
 * Whether one item of a decoded cursor has its kind: "s" text, "n" a row key (an integer a serial column holds),
 * "d" a calendar day, "t" an instant. Every item reaches a SQL statement, so anything PostgreSQL would refuse (a key
 * beyond its integer, NUL in text, a day that does not exist) is refused here as a cursor this connection never made.
 */
function hasKind(item: unknown, kind: string): boolean {
  if (kind === "n") return Number.isSafeInteger(item) && (item as number) >= 0 && (item as number) <= MAX_INTEGER_KEY;
  if (typeof item !== "string" || item.includes("\u0000")) return false;
  if (kind === "d") return isCalendarDay(item);
  if (kind === "t") return isIsoInstant(item);
  return kind === "s";
}

/** Decodes a cursor made by encodeCursor and checks its shape against `shape`, one kind (see hasKind) per item. */
export function decodeCursor(cursor: string, shape: string, field = "after"): (string | number)[] {
  let value: unknown;
  try {
    value = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) : null;
  } catch {
    value = null;
  }
  const ok = Array.isArray(value) && value.length === shape.length && value.every((item, i) => hasKind(item, shape[i]!));
  if (!ok) throw new InvalidCursorError(field, cursor);
  return value as (string | number)[];
}

export interface Edge<T> {
  readonly cursor: string;
  readonly node: T;
}

/** What a connection resolver returns; `totalCount` is computed only when selected. */
export interface ConnectionResult<T> {
  readonly edges: readonly Edge<T>[];
  readonly nodes: readonly T[];
  readonly pageInfo: PageInfo;
  readonly totalCount: Promise<number> | number;
}

/**
 * Builds a page from up to `size + 1` fetched rows (the extra row only tells
 * whether a next page exists). `count` runs when totalCount is selected.
 */
export function connectionFrom<T>(
  rows: readonly T[],
  size: number,
  hasAfter: boolean,
  cursorOf: (row: T) => string,
  count: () => Promise<number> | number,
): ConnectionResult<T> {
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ cursor: cursorOf(node), node }));
  let total: Promise<number> | number | undefined;
  return {
    edges,
    nodes: page,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: hasAfter,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    get totalCount() {
      total ??= count();
      return total;
    },
  };
}

/** A Relay connection object type for `node`, named `<Name>Connection` with `<Name>Edge`. */
export function ConnectionType<T extends object>(nodeType: ClassType<T>, name: string, itemsDescription: string) {
  @ObjectType(`${name}Edge`, { description: `One ${itemsDescription.replace(/s$/, "")} in a page, with its cursor.` })
  class EdgeClass {
    @Field(() => String, { description: "Opaque cursor of this item: pass it as `after` to page on from here." })
    cursor!: string;

    @Field(() => nodeType, { description: "The item." })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${itemsDescription} (Relay cursor connection).` })
  class ConnectionClass {
    @Field(() => [EdgeClass], { description: "The items of this page with their cursors." })
    edges!: EdgeClass[];

    @Field(() => [nodeType], { description: "The items of this page, without cursors." })
    nodes!: T[];

    @Field(() => PageInfo, { description: "Paging information." })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: `How many ${itemsDescription} match the filter in all pages together.` })
    totalCount!: number;
  }
  return ConnectionClass;
}

@ArgsType()
export class BidirectionalPageArgs extends PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: "Return the last this many items (before `before`, else of all): at most the server's page size limit. Not with `first`.",
  })
  last?: number | null;

  @Field(() => String, {
    nullable: true,
    description: "Return items before this cursor (a `startCursor` or edge `cursor` of the same connection and order). Not with `after`.",
  })
  before?: string | null;
}

/** Which way a page is read, and how many items: `first` after `after`, or `last` before `before` (Relay). */
export interface PageWindow {
  readonly size: number;
  /** The page is the last `size` items before `cursor`: read backwards, then put back in order. */
  readonly backward: boolean;
  readonly cursor: string | null;
  /** The cursor's argument, for errors. */
  readonly cursorArgument: "after" | "before";
}

export function pageWindow(page: BidirectionalPageArgs, max: number): PageWindow {
  const given = (v: unknown) => v !== null && v !== undefined;
  if (given(page.first) && given(page.last)) {
    throw new BadUserInputError("Give first or last, not both.", { field: "last", value: page.last });
  }
  if (given(page.after) && given(page.before)) {
    throw new BadUserInputError("Give after or before, not both.", { field: "before", value: page.before });
  }
  const backward = given(page.last) || (given(page.before) && !given(page.first));
  return backward
    ? { size: pageSize(page.last, max, "last"), backward, cursor: page.before ?? null, cursorArgument: "before" }
    : { size: pageSize(page.first, max), backward, cursor: page.after ?? null, cursorArgument: "after" };
}

/**
 * A page from up to `size + 1` rows read in the window's direction, each with its cursor (the extra row only tells
 * that more items lie that way). Backward pages are put back in order.
 */
export function windowConnection<T>(
  rows: readonly { readonly node: T; readonly cursor: string }[],
  window: PageWindow,
  count: () => Promise<number> | number,
): ConnectionResult<T> {
  const more = rows.length > window.size;
  const page = rows.slice(0, window.size);
  if (window.backward) page.reverse();
  let total: Promise<number> | number | undefined;
  return {
    edges: page,
    nodes: page.map((e) => e.node),
    pageInfo: {
      hasNextPage: window.backward ? window.cursor !== null : more,
      hasPreviousPage: window.backward ? more : window.cursor !== null,
      startCursor: page[0]?.cursor ?? null,
      endCursor: page.at(-1)?.cursor ?? null,
    },
    get totalCount() {
      total ??= count();
      return total;
    },
  };
}
