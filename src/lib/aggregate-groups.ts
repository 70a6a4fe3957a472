import { BadUserInputError } from "./errors.js";
import { addDays, dayNumber } from "./days.js";
import { parseFiscalQuarter, quarterEndDate, quarterStartDate } from "./fiscal-quarter.js";
import { OrderDirection } from "./order-direction.js";

/*
 * What every aggregate root field (shipmentAggregates, scanEventAggregates, codRemittanceAggregates) does the same
 * way, without the database: the calendar periods of a time grouping, the groupBy and orderBy arguments checked,
 * and what is done to the groups after the statement (having, order, the first `first`). Each field brings its own
 * dimensions and measures as string enums. Unit-tested in test/unit/shipment-aggregate.rules.test.ts.
 */

export enum AggregateGranularity {
  DAY = "DAY",
  WEEK = "WEEK",
  MONTH = "MONTH",
  FISCAL_QUARTER = "FISCAL_QUARTER",
  FISCAL_YEAR = "FISCAL_YEAR",
}

/** A calendar period of a time grouping, IST days. */
export interface AggregatePeriodValue {
  readonly granularity: AggregateGranularity;
  readonly start: string;
  readonly end: string;
  readonly label: string;
}

/** ISO 8601 week label of a Monday, "2024-W40" (the week belongs to the year of its Thursday). */
export function isoWeekLabel(monday: string): string {
  const thursday = addDays(monday, 3);
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor((dayNumber(thursday) - dayNumber(`${year}-01-01`)) / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

function lastDayOfMonth(first: string): string {
  const [y, m] = [Number(first.slice(0, 4)), Number(first.slice(5, 7))];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
  return addDays(next, -1);
}

/** The period a grouping key names (calendar-sql.ts istPeriodSql and dayPeriodSql write the keys). */
export function aggregatePeriod(granularity: AggregateGranularity, key: string): AggregatePeriodValue {
  switch (granularity) {
    case AggregateGranularity.DAY:
      return { granularity, start: key, end: key, label: key };
    case AggregateGranularity.WEEK:
      return { granularity, start: key, end: addDays(key, 6), label: isoWeekLabel(key) };
    case AggregateGranularity.MONTH:
      return { granularity, start: key, end: lastDayOfMonth(key), label: key.slice(0, 7) };
    case AggregateGranularity.FISCAL_QUARTER: {
      const q = parseFiscalQuarter(key);
      return { granularity, start: quarterStartDate(q), end: quarterEndDate(q), label: key };
    }
    case AggregateGranularity.FISCAL_YEAR: {
      const year = Number(key.slice(2, 6));
      return { granularity, start: `${year}-04-01`, end: `${year + 1}-03-31`, label: key };
    }
  }
}

/** One grouping: a dimension, and for a time dimension the calendar period. */
export interface Grouping<D extends string> {
  readonly dimension: D;
  readonly granularity: AggregateGranularity | null;
}

/**
 * The groupBy argument, checked: each dimension once, a granularity for the time dimensions only (default
 * FISCAL_QUARTER). A mistake is BAD_USER_INPUT naming the offending element.
 */
export function checkGroupings<D extends string>(
  groupBy: readonly { readonly dimension: D; readonly granularity?: AggregateGranularity | null }[] | null | undefined,
  timeDimensions: readonly D[],
): Grouping<D>[] {
  const seen = new Set<D>();
  return (groupBy ?? []).map((g, i) => {
    if (seen.has(g.dimension)) throw new BadUserInputError(`groupBy lists ${g.dimension} more than once.`, { field: `groupBy[${i}].dimension`, value: g.dimension });
    seen.add(g.dimension);
    const time = timeDimensions.includes(g.dimension);
    if (!time && g.granularity) {
      throw new BadUserInputError(`groupBy[${i}].granularity applies to ${timeDimensions.join(" and ")} only; ${g.dimension} has none.`, {
        field: `groupBy[${i}].granularity`,
        value: g.granularity,
      });
    }
    return { dimension: g.dimension, granularity: time ? (g.granularity ?? AggregateGranularity.FISCAL_QUARTER) : null };
  });
}

/** One group: its keys (by dimension, as the statement gave them) and its measures' values. */
export interface AggregateGroup<D extends string, M extends string, F extends { readonly value: number | null } = { readonly value: number | null }> {
  readonly keys: ReadonlyMap<D, string | null>;
  readonly figures: ReadonlyMap<M, F>;
}

export interface HavingCondition<M extends string> {
  readonly measure: M;
  readonly gt?: number | null;
  readonly gte?: number | null;
  readonly lt?: number | null;
  readonly lte?: number | null;
  readonly eq?: number | null;
}

/** Whether a group's measure value meets the condition; a null value meets none, and a condition without operator asks only for a value. */
export function meets(value: number | null, c: HavingCondition<string>): boolean {
  if (value === null) return false;
  const given = (x: number | null | undefined): x is number => x !== null && x !== undefined;
  return (
    (!given(c.gt) || value > c.gt) &&
    (!given(c.gte) || value >= c.gte) &&
    (!given(c.lt) || value < c.lt) &&
    (!given(c.lte) || value <= c.lte) &&
    (!given(c.eq) || value === c.eq)
  );
}

export interface OrderTerm<D extends string, M extends string> {
  readonly measure?: M | null;
  readonly dimension?: D | null;
  readonly direction: OrderDirection;
}

/** The orderBy argument, checked: each key names exactly one of a measure and a dimension; direction ASC by default. */
export function checkOrder<D extends string, M extends string>(
  orderBy: readonly { readonly measure?: M | null; readonly dimension?: D | null; readonly direction?: OrderDirection | null }[] | null | undefined,
): OrderTerm<D, M>[] {
  return (orderBy ?? []).map((o, i) => {
    if ((o.measure ? 1 : 0) + (o.dimension ? 1 : 0) !== 1) {
      throw new BadUserInputError(`orderBy[${i}] must name exactly one of measure and dimension.`, { field: `orderBy[${i}]`, value: o });
    }
    return { measure: o.measure ?? null, dimension: o.dimension ?? null, direction: o.direction ?? OrderDirection.ASC };
  });
}

function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/**
 * Having, then order, then the first `first`: nulls sort last in either direction; ties fall back to the
 * grouping keys ascending, so the answer is the same on every call.
 */
export function finishGroups<D extends string, M extends string, G extends AggregateGroup<D, M, { readonly value: number | null }>>(
  groups: readonly G[],
  groupings: readonly Grouping<NoInfer<D>>[],
  having: readonly HavingCondition<NoInfer<M>>[],
  order: readonly OrderTerm<NoInfer<D>, NoInfer<M>>[],
  first: number,
): G[] {
  const kept = groups.filter((g) => having.every((c) => meets(g.figures.get(c.measure)?.value ?? null, c)));
  const terms: OrderTerm<D, M>[] = [...order, ...groupings.map((g) => ({ dimension: g.dimension, direction: OrderDirection.ASC }))];
  const valueOf = (g: G, t: OrderTerm<D, M>) =>
    t.measure ? (g.figures.get(t.measure)?.value ?? null) : t.dimension ? (g.keys.get(t.dimension) ?? null) : null;
  return [...kept]
    .sort((a, b) => {
      for (const t of terms) {
        const [x, y] = [valueOf(a, t), valueOf(b, t)];
        const c = x === null || y === null ? compareValues(x, y) : compareValues(x, y) * (t.direction === OrderDirection.DESC ? -1 : 1);
        if (c !== 0) return c;
      }
      return 0;
    })
    .slice(0, first);
}
