import { GraphQLScalarType, Kind, type ValueNode } from "graphql";
import { BadUserInputError } from "./errors.js";

const S10_EXAMPLE = "EE123456785IN";
const S10_LENGTH = 13;
const CHECK_WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const;
const LETTERS = /^[A-Z]{2}$/;
const SERIAL = /^[0-9]{8}$/;
const DIGIT = /^[0-9]$/;

/** A tracking number split into the four parts of UPU S10. */
export interface TrackingNumberParts {
  /** Two letters. A hint about the service (E* Speed Post/EMS, C* parcels, R* registered), never the product. */
  readonly serviceIndicator: string;
  /** Eight digits as a string: leading zeros are part of the serial. */
  readonly serial: string;
  readonly checkDigit: number;
  /** Two letters: the issuing post's ISO 3166-1 country code. */
  readonly countryCode: string;
}

/**
 * Canonical spelling of a tracking number as typed or pasted: no whitespace, upper case.
 * Upper-casing is ASCII-only so that a non-ASCII letter (Turkish "ı" upper-cases to "I") is refused
 * by validation rather than silently turned into a valid one.
 */
export function normaliseTrackingNumber(raw: string): string {
  return raw.replace(/\s+/gu, "").replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/** The UPU S10 check digit (mod 11) of an eight-digit serial. */
export function s10CheckDigit(serial8: string): number {
  if (!SERIAL.test(serial8)) {
    throw new BadUserInputError(`An S10 serial is exactly 8 digits; got ${JSON.stringify(serial8)}.`, {
      value: serial8,
    });
  }
  let sum = 0;
  for (let i = 0; i < CHECK_WEIGHTS.length; i += 1) {
    sum += Number(serial8[i]) * (CHECK_WEIGHTS[i] ?? 0);
  }
  const check = 11 - (sum % 11);
  // S10 folds the two results that are not single digits onto fixed digits.
  if (check === 10) return 0;
  if (check === 11) return 5;
  return check;
}

function structuralProblems(canonical: string): string[] {
  if (canonical.length !== S10_LENGTH) {
    return [`it has ${canonical.length} characters once spaces are removed, not ${S10_LENGTH}`];
  }
  const problems: string[] = [];
  const service = canonical.slice(0, 2);
  const serial = canonical.slice(2, 10);
  const check = canonical.slice(10, 11);
  const country = canonical.slice(11, 13);
  if (!LETTERS.test(service)) problems.push(`the service indicator (characters 1-2) must be 2 letters, found ${JSON.stringify(service)}`);
  if (!SERIAL.test(serial)) problems.push(`the serial (characters 3-10) must be 8 digits, found ${JSON.stringify(serial)}`);
  if (!DIGIT.test(check)) problems.push(`the check digit (character 11) must be a digit, found ${JSON.stringify(check)}`);
  if (!LETTERS.test(country)) problems.push(`the country code (characters 12-13) must be 2 letters, found ${JSON.stringify(country)}`);
  return problems;
}

/**
 * Validates a UPU S10 tracking number and returns its canonical 13-character form. The error names
 * the value as received and every rule it broke.
 */
export function parseTrackingNumber(raw: unknown): string {
  const format = `2 letters, 8 digits, a check digit and 2 letters, e.g. "${S10_EXAMPLE}"`;
  if (typeof raw !== "string") {
    throw new BadUserInputError(`A tracking number must be a string of ${format}; got ${JSON.stringify(raw)}.`, {
      value: raw,
    });
  }
  const canonical = normaliseTrackingNumber(raw);
  const problems = structuralProblems(canonical);
  if (problems.length > 0) {
    throw new BadUserInputError(
      `${JSON.stringify(raw)} is not a valid S10 tracking number (${format}): ${problems.join("; ")}.`,
      { value: raw },
    );
  }
  const expected = s10CheckDigit(canonical.slice(2, 10));
  const found = Number(canonical[10]);
  if (expected !== found) {
    throw new BadUserInputError(
      `${JSON.stringify(raw)} is not a valid S10 tracking number: expected check digit ${expected}, found ${found} ` +
        "(mistyped or invented).",
      { value: raw, expectedCheckDigit: expected, foundCheckDigit: found },
    );
  }
  return canonical;
}

/** The parts of a tracking number, after the same validation as `parseTrackingNumber`. */
export function describeTrackingNumber(n: unknown): TrackingNumberParts {
  const canonical = parseTrackingNumber(n);
  return {
    serviceIndicator: canonical.slice(0, 2),
    serial: canonical.slice(2, 10),
    checkDigit: Number(canonical[10]),
    countryCode: canonical.slice(11, 13),
  };
}

function literal(ast: ValueNode): unknown {
  if (ast.kind === Kind.STRING) return ast.value;
  // Numbers reach the parser as numbers so the message says "a string" rather than "too short".
  if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return Number(ast.value);
  return `<${ast.kind}>`;
}

export const TrackingNumberScalar = new GraphQLScalarType<string, string>({
  name: "TrackingNumber",
  description:
    "A UPU S10 postal item identifier: 13 characters, a 2-letter service indicator, an 8-digit serial, " +
    `a check digit (mod 11 over the serial, weights 8,6,4,2,3,5,9,7) and a 2-letter country code, e.g. "${S10_EXAMPLE}". ` +
    'Input may contain spaces or lower case ("ee 123 456 785 in"); it is normalised and the check digit verified, ' +
    "and output is always the canonical 13 characters. The service indicator is a hint (E* Speed Post/EMS, " +
    "C* parcels, R* registered), not the product: read the shipment's product. Not unique forever: India Post " +
    "may reuse a number after 12 months, so a shipment is identified by its tracking number together with its " +
    "booking date.",
  serialize: (value) => String(value),
  parseValue: (value) => parseTrackingNumber(value),
  parseLiteral: (ast) => parseTrackingNumber(literal(ast)),
});
