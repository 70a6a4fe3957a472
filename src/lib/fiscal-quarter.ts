import { GraphQLScalarType, Kind, print, type ValueNode } from "graphql";
import { BadUserInputError } from "./errors.js";

/**
 * A quarter of India's April–March fiscal year: Q1 = Apr–Jun, Q2 = Jul–Sep, Q3 = Oct–Dec,
 * Q4 = Jan–Mar. `fiscalYearStart` is the calendar year the fiscal year begins in (2024 for
 * FY2024-25), so Q4 falls in calendar year `fiscalYearStart + 1`.
 */
export interface FiscalQuarter {
  readonly fiscalYearStart: number;
  readonly quarter: 1 | 2 | 3 | 4;
}

/*
 * Both calendar years a fiscal year touches must lie in 2000–2099, so FY2000-01 … FY2098-99.
 * That keeps the short form's two digits unambiguous: "FY00" could be 1999-00 or 2099-00.
 */
export const MIN_FISCAL_YEAR_START = 2000;
export const MAX_FISCAL_YEAR_START = 2098;

/** The longest list quartersBetween builds: 50 years is beyond any report the partnership runs. */
export const MAX_QUARTERS_BETWEEN = 200;

// IST has had no daylight saving since 1945, so a fixed offset is exact for every supported year.
export const IST_OFFSET_MS = (5 * 60 + 30) * 60 * 1000;

const MONTH_SPANS = ["Apr–Jun", "Jul–Sep", "Oct–Dec", "Jan–Mar"] as const;

const ACCEPTED_FORMS = '"FY2024-25-Q3" (canonical), "Q3 FY2024-25" or "Q3 FY25"';

const RANGE_TEXT = `FY${MIN_FISCAL_YEAR_START}-${twoDigits(MIN_FISCAL_YEAR_START + 1)} to FY${MAX_FISCAL_YEAR_START}-${twoDigits(MAX_FISCAL_YEAR_START + 1)}`;

function twoDigits(year: number): string {
  return String(year % 100).padStart(2, "0");
}

function isQuarterNumber(n: number): n is FiscalQuarter["quarter"] {
  return n === 1 || n === 2 || n === 3 || n === 4;
}

/** The one way to build a FiscalQuarter: everything this module returns passes through here. */
export function fiscalQuarter(fiscalYearStart: number, quarter: number): FiscalQuarter {
  if (!isQuarterNumber(quarter)) {
    throw new BadUserInputError(`Quarter must be 1, 2, 3 or 4; got ${JSON.stringify(quarter)}.`, {
      value: { fiscalYearStart, quarter },
    });
  }
  if (
    !Number.isInteger(fiscalYearStart) ||
    fiscalYearStart < MIN_FISCAL_YEAR_START ||
    fiscalYearStart > MAX_FISCAL_YEAR_START
  ) {
    throw new BadUserInputError(
      `The fiscal year starting in ${JSON.stringify(fiscalYearStart)} is outside the supported range ${RANGE_TEXT}.`,
      { value: { fiscalYearStart, quarter } },
    );
  }
  return Object.freeze({ fiscalYearStart, quarter });
}

// Parsing runs on a trimmed, upper-cased copy with whitespace runs collapsed, so each pattern
// only has to allow an optional single space where people tend to put one.
const CANONICAL = /^FY ?(\d{4}) ?- ?(\d{2}) ?- ?Q ?(\d)$/;
const SHORT_FULL_YEAR = /^Q ?(\d) FY ?(\d{4}) ?- ?(\d{2})$/;
const SHORT_TWO_DIGIT = /^Q ?(\d) FY ?(\d{2})$/;

/**
 * Reads a fiscal quarter written as "FY2024-25-Q3", "Q3 FY2024-25" or "Q3 FY25" (any case, extra
 * spaces allowed). `field` names the argument in the error's details when the caller knows it.
 */
export function parseFiscalQuarter(raw: unknown, field?: string): FiscalQuarter {
  const reject = (reason: string): never => {
    throw new BadUserInputError(
      `${JSON.stringify(raw)} is not a fiscal quarter: ${reason}. Accepted forms: ${ACCEPTED_FORMS}.`,
      field === undefined ? { value: raw } : { field, value: raw },
    );
  };
  if (typeof raw !== "string") return reject("it must be a string");
  const text = raw.trim().replace(/\s+/g, " ").toUpperCase();

  let quarterDigit: string;
  let fiscalYearStart: number;
  let match = CANONICAL.exec(text);
  if (match !== null) {
    quarterDigit = match[3]!;
    fiscalYearStart = Number(match[1]);
    if (match[2] !== twoDigits(fiscalYearStart + 1)) {
      return reject(`FY${match[1]}-${match[2]} does not end in the year after it starts`);
    }
  } else if ((match = SHORT_FULL_YEAR.exec(text)) !== null) {
    quarterDigit = match[1]!;
    fiscalYearStart = Number(match[2]);
    if (match[3] !== twoDigits(fiscalYearStart + 1)) {
      return reject(`FY${match[2]}-${match[3]} does not end in the year after it starts`);
    }
  } else if ((match = SHORT_TWO_DIGIT.exec(text)) !== null) {
    quarterDigit = match[1]!;
    // "FY25" names the year a fiscal year ends in: FY25 = FY2024-25.
    fiscalYearStart = 2000 + Number(match[2]) - 1;
  } else {
    return reject("it matches none of the accepted forms");
  }

  const quarter = Number(quarterDigit);
  if (!isQuarterNumber(quarter)) return reject(`Q${quarterDigit} does not exist; a fiscal year has Q1 to Q4`);
  if (fiscalYearStart < MIN_FISCAL_YEAR_START || fiscalYearStart > MAX_FISCAL_YEAR_START) {
    return reject(`only ${RANGE_TEXT} are supported`);
  }
  return fiscalQuarter(fiscalYearStart, quarter);
}

/** The canonical form, "FY2024-25-Q3": sorts as text in time order, so it is the one stored and serialised. */
export function formatFiscalQuarter(q: FiscalQuarter): string {
  return `FY${q.fiscalYearStart}-${twoDigits(q.fiscalYearStart + 1)}-Q${q.quarter}`;
}

/** "Q3 FY2024-25 (Oct–Dec 2024)": for report headings, where the months save readers the arithmetic. */
export function fiscalQuarterLabel(q: FiscalQuarter): string {
  const calendarYear = q.quarter === 4 ? q.fiscalYearStart + 1 : q.fiscalYearStart;
  return `Q${q.quarter} FY${q.fiscalYearStart}-${twoDigits(q.fiscalYearStart + 1)} (${MONTH_SPANS[q.quarter - 1]} ${calendarYear})`;
}

/** "Q3 FY25", the form used in the partnership's press material and slides. */
export function shortLabel(q: FiscalQuarter): string {
  return `Q${q.quarter} FY${twoDigits(q.fiscalYearStart + 1)}`;
}

function requireValidDate(instant: Date): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new BadUserInputError(`Expected a valid date; got ${String(instant)}.`, { value: instant });
  }
  return ms;
}

/** The IST calendar date of an instant, "YYYY-MM-DD": the day an Indian post office would stamp. */
export function istDateOf(instant: Date): string {
  return new Date(requireValidDate(instant) + IST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant an IST calendar day "YYYY-MM-DD" begins (istDateOf's inverse): 2024-10-01 → 2024-09-30T18:30:00Z. */
export function istDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - IST_OFFSET_MS);
}

/** The fiscal quarter an IST calendar day "YYYY-MM-DD" is in. */
export function quarterOfDay(day: string): FiscalQuarter {
  return quarterOf(istDayStart(day));
}

/** The fiscal quarter an instant falls in, judged by the IST calendar, not UTC. */
export function quarterOf(instant: Date): FiscalQuarter {
  const ist = new Date(requireValidDate(instant) + IST_OFFSET_MS);
  const monthsSinceApril = (ist.getUTCMonth() + 9) % 12;
  const fiscalYearStart = ist.getUTCMonth() >= 3 ? ist.getUTCFullYear() : ist.getUTCFullYear() - 1;
  return fiscalQuarter(fiscalYearStart, Math.floor(monthsSinceApril / 3) + 1);
}

// Date.UTC rolls month 12 over into January of the next year, which is exactly Q4's start.
function istMidnightOfMonthStart(fiscalYearStart: number, monthIndexFromJanuary: number): Date {
  return new Date(Date.UTC(fiscalYearStart, monthIndexFromJanuary, 1) - IST_OFFSET_MS);
}

/** The instant the quarter begins: IST midnight on its first day (Q3 FY2024-25 → 2024-09-30T18:30:00Z). */
export function quarterStart(q: FiscalQuarter): Date {
  return istMidnightOfMonthStart(q.fiscalYearStart, 3 * q.quarter);
}

/** The exclusive end: the next quarter's start, so `quarterStart <= t < quarterEnd` tiles time without gaps. */
export function quarterEnd(q: FiscalQuarter): Date {
  return istMidnightOfMonthStart(q.fiscalYearStart, 3 * q.quarter + 3);
}

/** The first IST calendar day of the quarter, "2024-10-01". */
export function quarterStartDate(q: FiscalQuarter): string {
  return new Date(Date.UTC(q.fiscalYearStart, 3 * q.quarter, 1)).toISOString().slice(0, 10);
}

/** The last IST calendar day of the quarter, inclusive, "2024-12-31": for people and date columns. */
export function quarterEndDate(q: FiscalQuarter): string {
  // Day 0 of a month is the last day of the month before it.
  return new Date(Date.UTC(q.fiscalYearStart, 3 * q.quarter + 3, 0)).toISOString().slice(0, 10);
}

/** A monotone integer, one step per quarter: differences count quarters, order matches time. */
export function quarterIndex(q: FiscalQuarter): number {
  return q.fiscalYearStart * 4 + (q.quarter - 1);
}

function fromQuarterIndex(index: number): FiscalQuarter {
  return fiscalQuarter(Math.floor(index / 4), (((index % 4) + 4) % 4) + 1);
}

/** `n` quarters after `q` (before it when negative); the "3× in 18 months" base is addQuarters(q, -6). */
export function addQuarters(q: FiscalQuarter, n: number): FiscalQuarter {
  if (!Number.isInteger(n)) {
    throw new BadUserInputError(`A number of quarters must be a whole number; got ${String(n)}.`, { value: n });
  }
  return fromQuarterIndex(quarterIndex(q) + n);
}

export function previousQuarter(q: FiscalQuarter): FiscalQuarter {
  return addQuarters(q, -1);
}

export function nextQuarter(q: FiscalQuarter): FiscalQuarter {
  return addQuarters(q, 1);
}

/** The base of a year-on-year comparison: comparing like quarters cancels festive-season peaks. */
export function sameQuarterLastYear(q: FiscalQuarter): FiscalQuarter {
  return addQuarters(q, -4);
}

/** Negative, zero or positive as `a` is before, equal to or after `b`; fits Array.prototype.sort. */
export function compareQuarters(a: FiscalQuarter, b: FiscalQuarter): number {
  return quarterIndex(a) - quarterIndex(b);
}

/** Every quarter from `from` to `to`, both included, in order; refuses a reversed or oversized span. */
export function quartersBetween(from: FiscalQuarter, to: FiscalQuarter): FiscalQuarter[] {
  const count = quarterIndex(to) - quarterIndex(from) + 1;
  const value = { from: formatFiscalQuarter(from), to: formatFiscalQuarter(to) };
  if (count < 1) {
    throw new BadUserInputError(`The range ${value.from} to ${value.to} runs backwards; "from" must not be after "to".`, {
      value,
    });
  }
  if (count > MAX_QUARTERS_BETWEEN) {
    throw new BadUserInputError(
      `The range ${value.from} to ${value.to} spans ${count} quarters; at most ${MAX_QUARTERS_BETWEEN} are allowed.`,
      { value, max: MAX_QUARTERS_BETWEEN },
    );
  }
  return Array.from({ length: count }, (_, i) => addQuarters(from, i));
}

function literalText(ast: ValueNode): string {
  if (ast.kind === Kind.STRING) return ast.value;
  const written = print(ast);
  throw new BadUserInputError(`FiscalQuarter must be a string such as "FY2024-25-Q3"; got ${written}.`, {
    value: written,
  });
}

function isFiscalQuarterValue(value: unknown): value is FiscalQuarter {
  return typeof value === "object" && value !== null && "fiscalYearStart" in value && "quarter" in value;
}

// Pure: a bundle that takes only the calendar rules (the dashboard's) leaves the scalar, and graphql-js, out.
export const FiscalQuarterScalar = /* @__PURE__ */ new GraphQLScalarType<FiscalQuarter, string>({
  name: "FiscalQuarter",
  description:
    "A quarter of India's April–March fiscal year: Q1 = Apr–Jun, Q2 = Jul–Sep, Q3 = Oct–Dec, Q4 = Jan–Mar; " +
    "FY2024-25 runs from 1 Apr 2024 to 31 Mar 2025. Always returned in the canonical form " +
    '"FY2024-25-Q3", which sorts as text in time order; also accepted as input: "Q3 FY2024-25" and ' +
    '"Q3 FY25" (the year a fiscal year ends in), in any case. Boundaries follow the IST calendar ' +
    "(UTC+05:30): an event at 2024-06-30T20:00:00Z is 1 Jul in India, so it counts in Q2 FY2024-25, " +
    "and Q3 FY2024-25 begins at 2024-09-30T18:30:00Z. Supported years: FY2000-01 to FY2098-99.",
  serialize: (value) => {
    try {
      if (isFiscalQuarterValue(value)) {
        return formatFiscalQuarter(fiscalQuarter(value.fiscalYearStart, value.quarter));
      }
      return formatFiscalQuarter(parseFiscalQuarter(value));
    } catch (error) {
      // A bad value on the way out is the server's fault: a plain Error is masked and logged by
      // formatError, whereas a BadUserInputError would wrongly blame the client's request.
      throw new Error(`Cannot serialise ${JSON.stringify(value)} as a FiscalQuarter.`, { cause: error });
    }
  },
  parseValue: (value) => parseFiscalQuarter(value),
  parseLiteral: (ast) => parseFiscalQuarter(literalText(ast)),
});
