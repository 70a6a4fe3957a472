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
