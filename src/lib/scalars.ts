import { GraphQLScalarType, Kind, type ValueNode } from "graphql";
import { BadUserInputError } from "./errors.js";

const PIN_PATTERN = /^[1-9][0-9]{5}$/;

/** Validates a PIN code; the error names the value and the rule it broke. */
export function parsePin(value: unknown): string {
  if (typeof value !== "string") {
    throw new BadUserInputError(`PIN must be a string of six digits, e.g. "194401"; got ${JSON.stringify(value)}.`, {
      value,
    });
  }
  if (!PIN_PATTERN.test(value)) {
    const reason =
      value.length !== 6
        ? `it has ${value.length} characters, not 6`
        : value.startsWith("0")
          ? "a PIN never starts with 0 (the first digit is the postal zone, 1-9)"
          : "it may contain digits only";
    throw new BadUserInputError(`${JSON.stringify(value)} is not a valid PIN: ${reason}.`, { value });
  }
  return value;
}

function literal(ast: ValueNode): unknown {
  if (ast.kind === Kind.STRING) return ast.value;
  if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return Number(ast.value);
  return `<${ast.kind}>`;
}

export const PinScalar = new GraphQLScalarType<string, string>({
  name: "PIN",
  description:
    "An Indian postal index number (PIN code): six digits as a string, matching ^[1-9][0-9]{5}$ " +
    '(e.g. "194401", Nubra Valley). The first digit is the postal zone (9 = Army Postal Service), ' +
    "the first three the sorting district. Never a number: leading structure matters.",
  serialize: (value) => String(value),
  parseValue: (value) => parsePin(value),
  parseLiteral: (ast) => parsePin(literal(ast)),
});

/** Validates a calendar date written YYYY-MM-DD (a real day: 2024-02-30 is refused). */
export function parseCalendarDate(value: unknown, field = "date"): string {
  const text = typeof value === "string" ? value : "";
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const day = match === null ? null : new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (match === null || day === null || day.toISOString().slice(0, 10) !== text) {
    throw new BadUserInputError(`${field} must be a calendar date written YYYY-MM-DD, e.g. "2024-10-04"; got ${JSON.stringify(value)}.`, {
      field,
      value,
    });
  }
  return text;
}

export const DateScalar = new GraphQLScalarType<string, string>({
  name: "Date",
  description:
    'A calendar day in India (IST), written YYYY-MM-DD, e.g. "2024-10-04" (the day the MoU was signed). ' +
    "No time and no time zone: a date range includes both its first and last day unless a field says otherwise.",
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)),
  parseValue: (value) => parseCalendarDate(value),
  parseLiteral: (ast) => parseCalendarDate(literal(ast)),
});

// An explicit offset is required: a bare local time would be read in the server's zone, which is
// nobody's intent when India Post's feeds and Amazon's systems sit in different ones.
const DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Validates an ISO 8601 instant with a time zone (Z or ±hh:mm); the error names the field and value. */
export function parseDateTime(value: unknown, field = "dateTime"): Date {
  const text = typeof value === "string" ? value.trim() : "";
  const match = DATE_TIME_PATTERN.exec(text);
  const instant = match === null ? null : new Date(text);
  const dayExists =
    match !== null &&
    new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))).toISOString().slice(0, 10) ===
      `${match[1]}-${match[2]}-${match[3]}`;
  if (instant === null || Number.isNaN(instant.getTime()) || !dayExists || Number(match![4]) > 23) {
    throw new BadUserInputError(
      `${field} must be an ISO 8601 date and time with a time zone, e.g. "2024-10-04T10:30:00+05:30" or ` +
        `"2024-10-04T05:00:00Z"; got ${JSON.stringify(value)}.`,
      { field, value },
    );
  }
  return instant;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description:
    'An instant, ISO 8601 with a time zone: "2024-10-04T10:30:00+05:30" or "2024-10-04T05:00:00Z". Input must ' +
    "carry an offset (Z or ±hh:mm); output is always UTC with milliseconds (\"2024-10-04T05:00:00.000Z\"). " +
    "Quarters and calendar days derived from an instant follow IST (UTC+05:30).",
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString()),
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (ast) => parseDateTime(literal(ast)),
});
