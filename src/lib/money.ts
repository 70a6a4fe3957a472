import { Field, Float, ObjectType } from "type-graphql";
import { BadUserInputError } from "./errors.js";

const INDIAN_RUPEES = new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR" });

function assertPaise(paise: number): void {
  // Amounts are stored as integer paise; anything else reaching here is a bug, not user input.
  if (!Number.isSafeInteger(paise)) {
    throw new RangeError(`Money amounts are whole paise within ±2^53; got ${paise}.`);
  }
}

/** "₹1,23,45,678.00": Indian digit grouping (lakh, crore), two decimals, a leading minus when negative. */
export function formatIndianRupees(paise: number): string {
  assertPaise(paise);
  const magnitude = Math.abs(paise);
  const sign = paise < 0 ? "-" : "";
  // A decimal string, not paise / 100: past about ₹10^13 a double cannot hold every paisa, and
  // Intl formats numeric strings exactly.
  const decimal = `${sign}${Math.floor(magnitude / 100)}.${String(magnitude % 100).padStart(2, "0")}`;
  return INDIAN_RUPEES.format(decimal as Intl.StringNumericLiteral);
}

/**
 * Converts a rupee amount as received (e.g. a GraphQL Float) into integer paise. Refused, naming the
 * field and value: non-finite numbers and amounts with a fraction of a paisa (more than 2 decimals).
 */
export function rupeesToPaise(rupees: number, field: string): number {
  if (typeof rupees !== "number" || !Number.isFinite(rupees)) {
    throw new BadUserInputError(`${field} must be a finite amount in rupees; got ${typeof rupees === "number" ? String(rupees) : JSON.stringify(rupees)}.`, {
      field,
      value: rupees,
    });
  }
  const paise = Math.round(rupees * 100);
  // rupees * 100 is rarely an exact integer in binary (1.1 * 100 = 110.00000000000001), so the test is
  // whether the input is the double nearest to a whole number of paise: 1.1 is, 1.005 is not.
  if (paise / 100 !== rupees) {
    throw new BadUserInputError(`${field} is ${rupees}: rupee amounts take at most 2 decimals (whole paise).`, {
      field,
      value: rupees,
    });
  }
  if (!Number.isSafeInteger(paise)) {
    throw new BadUserInputError(`${field} is ${rupees}: too large to hold to the paisa.`, { field, value: rupees });
  }
  // -0 passes every check above, and Intl would print it as "-₹0.00".
  return paise === 0 ? 0 : paise;
}

@ObjectType("Money", {
  description:
    "An amount in Indian rupees (INR). Stored and exact as integer paise (100 paise = ₹1); `rupees` and " +
    "`formatted` are derived from `paise`. Inputs take the same amount in rupees (a Float with at most 2 decimals), " +
    "as `rupees` shows it, and errors echo it in rupees too (with the paise beside it, named …Paise).",
})
export class Money {
  // Float, not Int: GraphQL Int is 32-bit, at most 2,147,483,647 paise (about ₹2.1 crore), and totals
  // such as quarterly COD collected exceed that. A Float holds every whole paisa up to 2^53 (about
  // ₹90 lakh crore), and always carries a whole number here.
  @Field(() => Float, {
    description:
      "The amount in paise (1/100 rupee), always a whole number; exact. A Float because totals can pass GraphQL " +
      "Int's 32-bit limit (₹2.1 crore); whole numbers are exact up to 2^53 paise. Sum and compare this field.",
  })
  paise!: number;

  @Field(() => Float, {
    description: "The amount in rupees (paise ÷ 100), for display and charts; sum `paise` instead for exact totals.",
  })
  rupees!: number;

  @Field(() => String, {
    description:
      'The amount in rupees as Indians write it: ₹ sign, lakh/crore digit grouping, two decimals, a leading minus ' +
      'when negative, e.g. "₹1,23,45,678.00" for 1,234,567,800 paise.',
  })
  formatted!: string;
}

export function toMoney(paise: number): Money {
  assertPaise(paise);
  const normalised = paise === 0 ? 0 : paise;
  return Object.assign(new Money(), {
    paise: normalised,
    rupees: normalised / 100,
    formatted: formatIndianRupees(normalised),
  });
}
