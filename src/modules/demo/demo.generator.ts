import { DAY_MS } from "../../lib/days.js";
import { IST_OFFSET_MS, istDateOf, quarterEndDate, quarterOf, quarterStartDate, previousQuarter, type FiscalQuarter, fiscalQuarter } from "../../lib/fiscal-quarter.js";
import { haversineKm } from "../../lib/geo.js";
import { s10CheckDigit } from "../../lib/s10.js";
import { MAX_COD_RUPEES } from "../../lib/cod.js";
import type { OfficeTypeValue } from "../post-office/post-office.sql.js";
import { promisedDateOf, routeClassOf } from "../service-norm/service-norm.rules.js";
import type { RouteClassValue } from "../service-norm/service-norm.sql.js";
import {
  deriveShipmentState,
  distinctReasons,
  type FailedAttemptReason,
  type ScanEventType,
  type ShipmentStatus,
} from "../shipment/scan-event.rules.js";
import type { ArmyPostOfficeValue, PaymentModeValue } from "../shipment/shipment.sql.js";

/**
 * SYNTHETIC DEMO DATA for dakgraph: a deterministic model of Amazon parcels carried by India Post,
 * built on the REAL post-office directory. Nothing here is partnership data; every row it makes is
 * written with synthetic = true. A pure function of (directory, options): no Math.random, no clock;
 * the caller passes `until` (the CLI reads today's date).
 *
 * The model, parameter by parameter (the README's "Demo data (synthetic)" section repeats it):
 *
 * Period. Bookings run from 2021-04-01 (start of FY2021-22) to the last day of the last fiscal quarter
 * that ends before `until`. The data is observed "as of" 00:00 IST on `until`: scans after that
 * instant are not emitted, so parcels booked just before it are still on their way.
 *
 * Volume. Expected bookings per day = trend × month season × weekday factor, and the N shipments are
 * spread over the days by rounding the cumulative share (N·C(d) rounded, differenced), so quarter
 * totals follow the curve exactly rather than with sampling noise. Trend: log-linear pieces, +25 %/yr
 * until 2023-01-01 (start of Q4 FY2022-23), then a rate solved (bisection) so that bookings in Q2
 * FY2024-25 are exactly 3.0 × those of Q4 FY2022-23 (the MoU's "near three-fold in 18 months"), then
 * +12 %/yr after the MoU (2024-10-04): growth slows once the network is built out. Season: Oct 1.30
 * and Nov 1.15 (festive sales), Jul 1.05 (Prime Day), Sep 1.05, Apr-Jun 0.95, Jan-Feb 0.95, else 1.
 * Weekdays: Monday 1.10 (the weekend's orders), Tuesday-Friday 1.00, Saturday 0.80, Sunday 0 (no
 * pickups). Delivered volume then lands at 2.9-3.1× because deliveries lag bookings by days.
 *
 * Pickup locations. 13 real head offices in large cities (PICKUP_SITES); the six metro G.P.O/H.Os
 * were active before FY2022-23, the other seven open between Jul 2022 and May 2024 (6 → 13 before the
 * MoU). Each day's bookings are split over the locations open that day by a share (metros 1.0-1.4,
 * others 0.55-0.8); a new location ramps from 25 % to its full share over 90 days. daily_capacity =
 * the location's busiest expected day × 1.3 headroom, rounded up to 10 (so utilisation stays under
 * about 77 % on the peak day and is consistent with whatever N is asked for).
 *
 * Destinations. Only deliverable PINs: delivery_office_count > 0, or unknown (null, as after a load
 * from the npm packages, which carry no delivery status) with at least one office. No population data
 * exists in the directory, so a PIN's weight is a proxy for urban density: 1 for a PIN with branch
 * offices (rural), 6 for one served only by head/sub offices (urban), +6 with a head office, × 2 in a
 * metro sorting district. 30 % of parcels go within the pickup location's own postal circle (regional
 * fulfilment); of the rest, 75 % follow the weights and 25 % are uniform over all deliverable PINs,
 * which is what makes the long tail reach nearly all ~19,150 PINs at 1,000,000 shipments. Fixed small
 * shares go to the remote places the MoU names: A&N Islands 744xxx 0.15 %, Nubra Valley 194401
 * 0.05 %, South Garo Hills 794102/794114/794107 0.10 %, and Army Postal destinations 0.30 % (APO_56
 * 60 %, APO_99 40 %, to invented 9xxxxx unit PINs: APS PINs are not in open data).
 * The delivering office is one of the PIN's delivery offices (unknown status counted as delivering),
 * head and sub offices weighted 3, branch offices 1: rural PINs are mostly served by branches.
 *
 * Products, weight, payment. Product mix weights (renormalised over the products effective on the
 * booking day, per the product table's dates): SPEED_POST/SPEED_POST_PARCEL 50, BUSINESS_PARCEL/
 * INDIA_POST_PARCEL 30, EXPRESS_PARCEL 12, REGISTERED_PARCEL 5, SPEED_POST_DOCUMENT 3. Weight:
 * log-normal, median 600 g (σ 0.8), clipped to the product's limits (Business Parcel from 2 kg;
 * 35 kg where no limit is recorded; documents 20-500 g). COD share falls linearly from 42 % (Apr 2021)
 * to 30 % (Apr 2026) as prepaid UPI spreads. Item value: log-normal, median ₹800 (σ 0.9); a COD
 * amount is the item value in whole rupees, at most ₹50,000; declared value = item value.
 *
 * Tracking numbers. Valid UPU S10: first letter E (Speed Post products), C (parcels), R (Registered
 * Parcel); second letter an illustrative per-circle letter (PICKUP_SITES.letter, not DoP's real
 * allotment); serial = (offset(seed) + i) mod 10^8 for the i-th shipment: contract customers book from
 * a pre-allotted series, so numbers run in sequence, and they never repeat within a run of up to 10^8
 * shipments. (In sequence they also keep the unique index on (tracking_number, booking_date) filling
 * at its end rather than at random pages, which is what keeps a 10M load fast.)
 * Booked Mon-Sat 09:00-18:00 IST.
 *
 * Service and transit. Route class, norm days and promised date come from routeClassOf, the
 * service_norm rows and promisedDateOf (+1 day via a branch office). Transit working days: Speed Post
 * 1 + ⌈km / 800⌉, parcels 2 + ⌈km / 500⌉, REMOTE + 2, capped at the norm (+1 via a branch), where km
 * is the haversine distance between the origin and destination PINs when both have usable
 * coordinates, else a route-class default (LOCAL 15, WITHIN_CIRCLE 300, METRO_TO_METRO 1,200,
 * REST_OF_INDIA 1,400, REMOTE 2,200). 10 % of parcels are delayed 1-3 more working days.
 *
 * Outcomes. Returned to sender (RTO): 2.5 % of prepaid, 8 % of COD parcels (more refusals), after one
 * or two failed attempts, a 7-day hold from the first attempt (India Post's rule), then the trip back.
 * A further 6 % prepaid / 10 % COD fail once and are delivered on the next working day. Lost: 0.08 %.
 * Army Postal parcels skip the postman's beat: they are handed over through the base post office.
 * Scans: Item Booked, Item Bagged (half of the parcels), Item Dispatched, Item Received, Out for
 * Delivery, Item Delivered (Addressee): 5-6 events for a clean delivery, ~5.6 on average. The shipment's
 * status and delivery columns are deriveShipmentState(events), never set apart from the events.
 *
 * COD remittance. One batch per pickup location per delivery week (Monday-Sunday), remitted on the
 * Friday after the week (REMITTANCE_CYCLE_DAYS = 5 after the Sunday) plus a slip of 0-3 days fixed
 * per batch, never on a Sunday: remittance days run 5-14. Remittances are recorded up to the end of
 * the booking period (or `until`, if earlier), as a quarter's books close: later batches do not exist,
 * so the cash of the last weeks' deliveries is outstanding. Reference "SYNUTR<yyyymmdd><location><week>".
 */

export const DEMO_START_DATE = "2021-04-01";
export const MOU_DATE = "2024-10-04";
/** The quarters of the "three-fold in 18 months" figure: Q4 FY2022-23 and Q2 FY2024-25. */
export const GROWTH_BASE_QUARTER: FiscalQuarter = fiscalQuarter(2022, 4);
export const GROWTH_TARGET_QUARTER: FiscalQuarter = fiscalQuarter(2024, 2);
export const TARGET_GROWTH = 3.0;
export const REMITTANCE_CYCLE_DAYS = 5;


/** A head office a pickup location sits at, and the invented facility facts around it. */
export interface PickupSite {
  readonly code: string;
  readonly city: string;
  readonly pincode: string;
  /** Names the office may carry in the directory (npm packages spell "Kolkatta", data.gov.in "Kolkata G.P.O"). */
  readonly officeNames: readonly string[];
  readonly activeFrom: string;
  readonly share: number;
  /** Second letter of the S10 service indicator; illustrative, one per postal circle. */
  readonly letter: string;
}

export const PICKUP_SITES: readonly PickupSite[] = [
  { code: "SYN-DEL", city: "New Delhi", pincode: "110001", officeNames: ["New Delhi"], activeFrom: "2019-04-01", share: 1.4, letter: "D" },
  { code: "SYN-BOM", city: "Mumbai", pincode: "400001", officeNames: ["Mumbai"], activeFrom: "2019-04-01", share: 1.4, letter: "M" },
  { code: "SYN-BLR", city: "Bengaluru", pincode: "560001", officeNames: ["Bangalore", "Bengaluru"], activeFrom: "2020-01-06", share: 1.3, letter: "K" },
  { code: "SYN-CCU", city: "Kolkata", pincode: "700001", officeNames: ["Kolkatta", "Kolkata", "Calcutta"], activeFrom: "2020-06-01", share: 1.0, letter: "W" },
  { code: "SYN-MAA", city: "Chennai", pincode: "600001", officeNames: ["Chennai", "Madras"], activeFrom: "2020-09-01", share: 1.0, letter: "T" },
  { code: "SYN-HYD", city: "Hyderabad", pincode: "500001", officeNames: ["Hyderabad"], activeFrom: "2021-01-04", share: 1.0, letter: "H" },
  { code: "SYN-AMD", city: "Ahmedabad", pincode: "380001", officeNames: ["Ahmedabad"], activeFrom: "2022-07-04", share: 0.8, letter: "G" },
  { code: "SYN-PNQ", city: "Pune", pincode: "411001", officeNames: ["Pune"], activeFrom: "2022-10-03", share: 0.8, letter: "M" },
  { code: "SYN-JAI", city: "Jaipur", pincode: "302001", officeNames: ["Jaipur"], activeFrom: "2023-01-16", share: 0.65, letter: "J" },
  { code: "SYN-LKO", city: "Lucknow", pincode: "226001", officeNames: ["Lucknow"], activeFrom: "2023-06-05", share: 0.7, letter: "U" },
  { code: "SYN-PAT", city: "Patna", pincode: "800001", officeNames: ["Patna"], activeFrom: "2023-09-04", share: 0.6, letter: "B" },
  { code: "SYN-GAU", city: "Guwahati", pincode: "781001", officeNames: ["Guwahati"], activeFrom: "2024-01-08", share: 0.55, letter: "A" },
  { code: "SYN-BHO", city: "Bhopal", pincode: "462001", officeNames: ["Bhopal"], activeFrom: "2024-05-06", share: 0.6, letter: "P" },
];

// ---------------------------------------------------------------------------------------------
// Inputs: the directory as the seeder reads it.

export interface DemoOffice {
  readonly id: number;
  readonly name: string;
  readonly officeType: OfficeTypeValue | null;
}

export interface DemoPincode {
  readonly code: string;
  readonly latitude: number | null;
  readonly longitude: number | null;
  readonly usableCoordinates: boolean;
  readonly circleId: number | null;
  /** In at least one remote class (coverage module's remote_class_rule): takes the REMOTE norm. */
  readonly remote: boolean;
  /** The PIN's delivering offices (unknown delivery status counted as delivering), by id. */
  readonly offices: readonly DemoOffice[];
}

export interface DemoPickupOffice extends DemoOffice {
  readonly pincode: string;
  readonly state: string | null;
  readonly circleId: number | null;
}

export interface DemoProduct {
  readonly code: string;
  readonly effectiveFrom: string | null;
  readonly effectiveTo: string | null;
  readonly minWeightGrams: number | null;
  readonly maxWeightGrams: number | null;
}

export interface DemoServiceNorm {
  readonly productCode: string;
  readonly routeClass: RouteClassValue;
  readonly days: number;
}

export interface DemoDirectory {
  /** The head office of each PICKUP_SITES entry, in that order. */
  readonly pickupOffices: readonly DemoPickupOffice[];
  /** Deliverable PINs, sorted by code. */
  readonly pincodes: readonly DemoPincode[];
  readonly products: readonly DemoProduct[];
  readonly serviceNorms: readonly DemoServiceNorm[];
}

export interface DemoOptions {
  readonly shipments: number;
  readonly seed: number;
  /** YYYY-MM-DD: the data is observed as of 00:00 IST that day. */
  readonly until: string;
}

export const MAX_DEMO_SHIPMENTS = 50_000_000;

// ---------------------------------------------------------------------------------------------
// Outputs.

export interface DemoPickupLocation {
  readonly code: string;
  readonly name: string;
  readonly city: string;
  readonly state: string | null;
  readonly postOfficeId: number;
  readonly activeFrom: string;
  readonly dailyCapacity: number;
}

export interface DemoRemittance {
  readonly reference: string;
  readonly remittedOn: string;
  readonly locationIndex: number;
}

export interface DemoScan {
  readonly occurredAt: Date;
  readonly type: ScanEventType;
  readonly reason: FailedAttemptReason | null;
  readonly officeId: number | null;
  readonly officeName: string;
  readonly rawText: string;
}

export interface DemoShipment {
  readonly trackingNumber: string;
  readonly bookingDate: string;
  readonly bookedAt: Date;
  readonly productCode: string;
  readonly paymentMode: PaymentModeValue;
  readonly codAmountPaise: number | null;
  readonly weightGrams: number;
  readonly declaredValuePaise: number;
  readonly locationIndex: number;
  readonly destinationKind: "PIN_CODE" | "ARMY_POSTAL";
  readonly destinationPincode: string;
  readonly armyPostOffice: ArmyPostOfficeValue | null;
  readonly deliveryOfficeId: number | null;
  readonly routeClass: RouteClassValue;
  readonly serviceNormDays: number;
  readonly promisedDate: string;
  readonly status: ShipmentStatus;
  readonly deliveredAt: Date | null;
  readonly attempts: number;
  /** Distinct reasons of the counted failed attempts, sorted (shipment.failed_reasons). */
  readonly failedReasons: readonly FailedAttemptReason[];
  readonly outForDeliveryCount: number;
  readonly firstAttemptAt: Date | null;
  readonly returnedAt: Date | null;
  readonly rtoDeliveredAt: Date | null;
  readonly lastEventAt: Date | null;
  /** Index into DemoPlan.remittances; null unless a COD delivery already remitted. */
  readonly remittanceIndex: number | null;
  readonly events: readonly DemoScan[];
}

// ---------------------------------------------------------------------------------------------
// Random numbers: sfc32 seeded through splitmix32, so one integer seed gives one stream.

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const split = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    // The first outputs of sfc32 still echo the seed; discarding them is the usual warm-up.
    for (let i = 0; i < 12; i += 1) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}

/** A stable 32-bit hash of small integers, for per-batch draws that must not depend on stream order. */
function hashInts(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) {
    h = Math.imul(h ^ (v >>> 0), 0x01000193);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/** Index of the first cumulative weight above u × total: a weighted pick in O(log n). */
function pickCumulative(cumulative: Float64Array, r: Random): number {
  const total = cumulative[cumulative.length - 1]!;
  const target = r.next() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cumulate(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Calendar on IST day numbers (days since 1970-01-01): integer arithmetic is what keeps 10M fast.

export function dayNumber(isoDate: string): number {
  const t = Date.parse(`${isoDate}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate) || Number.isNaN(t)) throw new RangeError(`Not a YYYY-MM-DD date: ${isoDate}`);
  return t / DAY_MS;
}

export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 1970-01-04 (day 3) was a Sunday. */
function isSunday(day: number): boolean {
  return (day + 4) % 7 === 0;
}

function weekdayOf(day: number): number {
  return (day + 4) % 7;
}

function addWorkingDays(day: number, n: number): number {
  let d = day;
  let left = n;
  while (left > 0) {
    d += 1;
    if (!isSunday(d)) left -= 1;
  }
  return d;
}

/** The instant of an IST wall-clock minute on an IST day. */
function istInstant(day: number, minuteOfDay: number): number {
  return day * DAY_MS + minuteOfDay * 60_000 - IST_OFFSET_MS;
}

/** Monday-based week number: 1970-01-05 (day 4) was a Monday. */
function weekOf(day: number): number {
  return Math.floor((day - 4) / 7);
}

// ---------------------------------------------------------------------------------------------
// The volume curve.

const MONTH_SEASON = [0.95, 0.95, 1.0, 0.95, 0.95, 0.95, 1.05, 1.0, 1.05, 1.3, 1.15, 1.0]; // Jan … Dec
const WEEKDAY_FACTOR = [0, 1.1, 1.0, 1.0, 1.0, 1.0, 0.8]; // Sun … Sat
const GROWTH_BEFORE = Math.log(1.25);
const GROWTH_AFTER_MOU = Math.log(1.12);

const START_DAY = dayNumber(DEMO_START_DATE);
const GROWTH_KNOT_DAY = dayNumber(quarterStartDate(GROWTH_BASE_QUARTER));
const MOU_DAY = dayNumber(MOU_DATE);

function dayWeight(day: number, growthBetween: number): number {
  const years = (days: number) => days / 365.25;
  const logTrend =
    GROWTH_BEFORE * years(Math.min(day, GROWTH_KNOT_DAY) - START_DAY) +
    growthBetween * years(Math.max(0, Math.min(day, MOU_DAY) - GROWTH_KNOT_DAY)) +
    GROWTH_AFTER_MOU * years(Math.max(0, day - MOU_DAY));
  const month = new Date(day * DAY_MS).getUTCMonth();
  return Math.exp(logTrend) * MONTH_SEASON[month]! * WEEKDAY_FACTOR[weekdayOf(day)]!;
}

function quarterWeight(q: FiscalQuarter, growth: number): number {
  let sum = 0;
  for (let d = dayNumber(quarterStartDate(q)); d <= dayNumber(quarterEndDate(q)); d += 1) sum += dayWeight(d, growth);
  return sum;
}

/** The growth rate between the two quarters that makes their bookings differ by exactly TARGET_GROWTH. */
export function solveGrowthRate(): number {
  let lo = 0;
  let hi = 5;
  for (let i = 0; i < 60; i += 1) {
    const mid = (lo + hi) / 2;
    const ratio = quarterWeight(GROWTH_TARGET_QUARTER, mid) / quarterWeight(GROWTH_BASE_QUARTER, mid);
    if (ratio < TARGET_GROWTH) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

// ---------------------------------------------------------------------------------------------
// The plan: everything decided before the first shipment, small enough to hold in memory.

interface Location {
  readonly site: PickupSite;
  readonly office: DemoPickupOffice;
  readonly pin: DemoPincode | null;
  readonly activeFromDay: number;
}

export interface DemoPlan {
  readonly options: DemoOptions;
  readonly firstDay: number;
  readonly lastBookingDay: number;
  /** 00:00 IST on `until`: no scan at or after it exists yet. */
  readonly asOf: number;
  readonly growthRate: number;
  readonly locations: readonly DemoPickupLocation[];
  readonly remittances: readonly DemoRemittance[];
  /** Shipments booked on firstDay + i. */
  readonly dailyCounts: Int32Array;
  readonly internal: PlanInternals;
}

interface PlanInternals {
  readonly locations: readonly Location[];
  readonly pins: readonly DemoPincode[];
  readonly national: Float64Array;
  readonly byCircle: ReadonlyMap<number, { readonly pins: readonly DemoPincode[]; readonly cumulative: Float64Array }>;
  readonly special: readonly { readonly share: number; readonly pins: readonly DemoPincode[] }[];
  readonly products: readonly DemoProduct[];
  readonly norms: ReadonlyMap<string, number>;
  /** [week - firstWeek][location] → remittance index, or -1. */
  readonly batchIndex: readonly Int32Array[];
  readonly firstWeek: number;
}

const SPECIAL_DESTINATIONS: readonly { readonly share: number; readonly pins: (code: string) => boolean }[] = [
  { share: 0.0015, pins: (code) => code.startsWith("744") },
  { share: 0.0005, pins: (code) => code === "194401" },
  { share: 0.001, pins: (code) => code === "794102" || code === "794114" || code === "794107" },
];
const ARMY_SHARE = 0.003;
const SAME_CIRCLE_SHARE = 0.3;
const UNIFORM_SHARE = 0.25;

/** The demo's proxy for how many people a PIN serves (see the model at the top of the file). */
export function destinationWeight(pin: DemoPincode): number {
  const rural = pin.offices.some((o) => o.officeType === "BRANCH");
  const head = pin.offices.some((o) => o.officeType === "HEAD");
  const metro = ["110", "400", "700", "600", "560", "500"].includes(pin.code.slice(0, 3));
  return ((rural ? 1 : 6) + (head ? 6 : 0)) * (metro ? 2 : 1);
}

/** The last fiscal quarter that ends before `until`; bookings stop on its last day. */
export function lastCompleteQuarter(until: string): FiscalQuarter {
  return previousQuarter(quarterOf(new Date(istInstant(dayNumber(until), 12 * 60))));
}

function locationShare(loc: Location, day: number): number {
  if (day < loc.activeFromDay) return 0;
  return loc.site.share * Math.min(1, 0.25 + (0.75 * (day - loc.activeFromDay)) / 90);
}

function remittedOnDay(seed: number, locationIndex: number, week: number): number {
  const sunday = 4 + week * 7 + 6;
  const day = sunday + REMITTANCE_CYCLE_DAYS + (hashInts(seed, locationIndex, week) % 4);
  return isSunday(day) ? day + 1 : day;
}

export function validateDemoOptions(options: DemoOptions): void {
  if (!Number.isInteger(options.shipments) || options.shipments < 1 || options.shipments > MAX_DEMO_SHIPMENTS) {
    throw new RangeError(`--shipments must be a whole number from 1 to ${MAX_DEMO_SHIPMENTS}; got ${options.shipments}.`);
  }
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
    throw new RangeError(`--seed must be a whole number from 0 to ${0xffffffff}; got ${options.seed}.`);
  }
  if (dayNumber(options.until) < dayNumber("2021-07-01") || dayNumber(options.until) > dayNumber("2098-12-31")) {
    throw new RangeError(`--until must be a date from 2021-07-01 (after the first demo quarter) to 2098-12-31; got ${options.until}.`);
  }
}

export function planDemo(directory: DemoDirectory, options: DemoOptions): DemoPlan {
  validateDemoOptions(options);
  const firstDay = START_DAY;
  const lastBookingDay = dayNumber(quarterEndDate(lastCompleteQuarter(options.until)));
  const untilDay = dayNumber(options.until);
  const growthRate = solveGrowthRate();

  const weights: number[] = [];
  for (let d = firstDay; d <= lastBookingDay; d += 1) weights.push(dayWeight(d, growthRate));
  const total = weights.reduce((a, b) => a + b, 0);
  const dailyCounts = new Int32Array(weights.length);
  let cumulative = 0;
  let assigned = 0;
  weights.forEach((w, i) => {
    cumulative += w;
    const upTo = Math.round((options.shipments * cumulative) / total);
    dailyCounts[i] = upTo - assigned;
    assigned = upTo;
  });

  const pinByCode = new Map(directory.pincodes.map((p) => [p.code, p]));
  if (directory.pickupOffices.length !== PICKUP_SITES.length) {
    throw new Error(`Expected ${PICKUP_SITES.length} pickup offices, one per PICKUP_SITES entry; got ${directory.pickupOffices.length}.`);
  }
  const locations: Location[] = PICKUP_SITES.map((site, i) => ({
    site,
    office: directory.pickupOffices[i]!,
    pin: pinByCode.get(site.pincode) ?? null,
    activeFromDay: dayNumber(site.activeFrom),
  }));

  // Capacity: the busiest expected day of each location, with headroom.
  const peak = locations.map(() => 0);
  dailyCounts.forEach((count, i) => {
    const day = firstDay + i;
    const shares = locations.map((loc) => locationShare(loc, day));
    const sum = shares.reduce((a, b) => a + b, 0);
    shares.forEach((s, j) => {
      if (sum > 0) peak[j] = Math.max(peak[j]!, (count * s) / sum);
    });
  });

  const pins = directory.pincodes;
  if (pins.length === 0) throw new Error("The directory holds no deliverable PIN: load it first (`dakgraph load directory`).");
  const pinWeights = pins.map(destinationWeight);
  const weightTotal = pinWeights.reduce((a, b) => a + b, 0);
  // The uniform part is folded into the weights: each PIN gets UNIFORM_SHARE / count on top.
  const national = cumulate(pinWeights.map((w) => (1 - UNIFORM_SHARE) * (w / weightTotal) + UNIFORM_SHARE / pins.length));
  const circleGroups = new Map<number, DemoPincode[]>();
  for (const pin of pins) {
    if (pin.circleId === null) continue;
    const group = circleGroups.get(pin.circleId) ?? [];
    group.push(pin);
    circleGroups.set(pin.circleId, group);
  }
  const byCircle = new Map(
    [...circleGroups].map(([circle, group]) => [circle, { pins: group, cumulative: cumulate(group.map(destinationWeight)) }] as const),
  );

  const remittedBefore = Math.min(untilDay, lastBookingDay + 1);
  const firstWeek = weekOf(firstDay);
  const lastWeek = weekOf(remittedBefore);
  const remittances: DemoRemittance[] = [];
  const batchIndex: Int32Array[] = [];
  for (let week = firstWeek; week <= lastWeek; week += 1) {
    const row = new Int32Array(locations.length).fill(-1);
    const sunday = 4 + week * 7 + 6;
    locations.forEach((loc, j) => {
      const remitted = remittedOnDay(options.seed, j, week);
      if (loc.activeFromDay > sunday || remitted >= remittedBefore) return;
      row[j] = remittances.length;
      const on = isoDay(remitted);
      remittances.push({
        reference: `SYNUTR${on.replaceAll("-", "")}${loc.site.code.slice(4)}W${String(week - firstWeek + 1).padStart(4, "0")}`,
        remittedOn: on,
        locationIndex: j,
      });
    });
    batchIndex.push(row);
  }

  return {
    options,
    firstDay,
    lastBookingDay,
    asOf: istInstant(untilDay, 0),
    growthRate,
    locations: locations.map((loc, j) => ({
      code: loc.site.code,
      name: `Amazon pickup point, ${loc.office.name} H.O (synthetic)`,
      city: loc.site.city,
      state: loc.office.state,
      postOfficeId: loc.office.id,
      activeFrom: loc.site.activeFrom,
      dailyCapacity: Math.max(10, Math.ceil((peak[j]! * 1.3) / 10) * 10),
    })),
    remittances,
    dailyCounts,
    internal: {
      locations,
      pins,
      national,
      byCircle,
      special: SPECIAL_DESTINATIONS.map((s) => ({ share: s.share, pins: pins.filter((p) => s.pins(p.code)) })).filter(
        (s) => s.pins.length > 0,
      ),
      products: directory.products,
      norms: new Map(directory.serviceNorms.map((n) => [`${n.productCode}/${n.routeClass}`, n.days])),
      batchIndex,
      firstWeek,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// One shipment.

const PRODUCT_MIX: Readonly<Record<string, number>> = {
  SPEED_POST: 50,
  SPEED_POST_PARCEL: 50,
  BUSINESS_PARCEL: 30,
  INDIA_POST_PARCEL: 30,
  EXPRESS_PARCEL: 12,
  REGISTERED_PARCEL: 5,
  SPEED_POST_DOCUMENT: 3,
};
const SPEED_POST_PRODUCTS = new Set(["SPEED_POST", "SPEED_POST_PARCEL", "SPEED_POST_DOCUMENT"]);
const DOCUMENT_PRODUCTS = new Set(["SPEED_POST_DOCUMENT"]);

function serviceLetter(productCode: string): string {
  if (SPEED_POST_PRODUCTS.has(productCode)) return "E";
  if (productCode === "REGISTERED_PARCEL") return "R";
  return "C";
}

const DEFAULT_ROUTE_KM: Readonly<Record<RouteClassValue, number>> = {
  LOCAL: 15,
  WITHIN_CIRCLE: 300,
  METRO_TO_METRO: 1200,
  REST_OF_INDIA: 1400,
  REMOTE: 2200,
};

const ARMY: readonly { readonly apo: ArmyPostOfficeValue; readonly share: number; readonly base: string; readonly pins: readonly string[] }[] = [
  { apo: "APO_56", share: 0.6, base: "1 CBPO New Delhi", pins: armyPins(56) },
  { apo: "APO_99", share: 0.4, base: "2 CBPO Kolkata", pins: armyPins(99) },
];

/** Invented unit PINs (9xxxxx): APS locations are restricted and absent from open data. */
function armyPins(apo: number): string[] {
  const r = new Random(apo);
  const base = apo === 56 ? 900_000 : 930_000;
  return [String(900_000 + apo), ...Array.from({ length: 24 }, () => String(base + r.int(30_000)))];
}

const REASON_TEXT: Readonly<Record<FailedAttemptReason, string>> = {
  ADDRESSEE_ABSENT: "Item delivery attempted - Addressee absent",
  DOOR_LOCKED: "Item delivery attempted - Door locked",
  REFUSED: "Item delivery attempted - Addressee refused",
  UNCLAIMED: "Item delivery attempted - Unclaimed",
  ADDRESS_INCOMPLETE: "Item delivery attempted - Address incomplete",
  MISSENT: "Item delivery attempted - Missent",
  OTHER: "Item delivery attempted",
};
const RAW_TEXT: Readonly<Partial<Record<ScanEventType, string>>> = {
  BOOKED: "Item Booked",
  BAGGED: "Item Bagged",
  DISPATCHED: "Item Dispatched",
  BAG_RECEIVED: "Bag Received",
  RECEIVED_AT_DESTINATION: "Item Received",
  OUT_FOR_DELIVERY: "Out for Delivery",
  ON_HOLD: "Item Kept on Hold",
  RETURNED_TO_SENDER: "Item Returned to Sender",
  DELIVERED: "Item Delivered (Addressee)",
  DELIVERED_TO_SENDER: "Item Delivered (Sender)",
  LOST: "Item declared Lost",
};

const FIRST_FAILURE_REASONS: readonly [FailedAttemptReason, number][] = [
  ["ADDRESSEE_ABSENT", 55],
  ["DOOR_LOCKED", 30],
  ["ADDRESS_INCOMPLETE", 10],
  ["MISSENT", 5],
];
const RTO_REASONS_PREPAID: readonly [FailedAttemptReason, number][] = [
  ["UNCLAIMED", 40],
  ["ADDRESS_INCOMPLETE", 30],
  ["ADDRESSEE_ABSENT", 20],
  ["REFUSED", 10],
];
const RTO_REASONS_COD: readonly [FailedAttemptReason, number][] = [
  ["REFUSED", 55],
  ["UNCLAIMED", 20],
  ["ADDRESSEE_ABSENT", 15],
  ["ADDRESS_INCOMPLETE", 10],
];

function pickWeighted<T>(table: readonly (readonly [T, number])[], r: Random): T {
  const total = table.reduce((a, [, w]) => a + w, 0);
  let x = r.next() * total;
  for (const [value, w] of table) {
    x -= w;
    if (x < 0) return value;
  }
  return table[table.length - 1]![0];
}


function officeLabel(office: DemoOffice): string {
  const suffix = office.officeType === "HEAD" ? " H.O" : office.officeType === "SUB" ? " S.O" : office.officeType === "BRANCH" ? " B.O" : "";
  return office.name + suffix;
}

/** A timeline under construction: strictly increasing times, so ties never depend on sort stability. */
class Timeline {
  readonly events: DemoScan[] = [];
  private last = 0;

  add(at: number, type: ScanEventType, office: { id: number | null; name: string }, reason: FailedAttemptReason | null = null): number {
    const t = Math.max(at, this.last + 60_000);
    this.last = t;
    const rawText = type === "DELIVERY_ATTEMPTED" ? REASON_TEXT[reason ?? "OTHER"] : RAW_TEXT[type]!;
    this.events.push({ occurredAt: new Date(t), type, reason, officeId: office.id, officeName: office.name, rawText });
    return t;
  }
}

/**
 * The shipments of a plan, in booking order, one at a time: a run of 10M never holds more than one.
 * The i-th shipment is the same for a given plan however many are read.
 */
export function* generateShipments(plan: DemoPlan): Generator<DemoShipment> {
  const { options, internal } = plan;
  const r = new Random(options.seed);
  const serialOffset = hashInts(options.seed, 0x510) % 100_000_000;
  const productMixes = new Map<string, ProductMix>();
  let index = 0;
  for (let i = 0; i < plan.dailyCounts.length; i += 1) {
    const day = plan.firstDay + i;
    const count = plan.dailyCounts[i]!;
    if (count === 0) continue;
    const shares = cumulate(internal.locations.map((loc) => locationShare(loc, day)));
    const bookingDate = isoDay(day);
    const productsToday = productMixOn(internal.products, bookingDate, productMixes);
    const codShare = Math.max(0.3, 0.42 - (0.12 * (day - plan.firstDay)) / (5 * 365.25));
    for (let k = 0; k < count; k += 1) {
      yield shipmentOf(plan, r, index, day, bookingDate, shares, productsToday, codShare, serialOffset);
      index += 1;
    }
  }
}

interface ProductMix {
  readonly products: readonly DemoProduct[];
  readonly cumulative: Float64Array;
}

function productMixOn(products: readonly DemoProduct[], bookingDate: string, cache: Map<string, ProductMix>): ProductMix {
  const live = products.filter(
    (p) =>
      (PRODUCT_MIX[p.code] ?? 0) > 0 &&
      (p.effectiveFrom === null || p.effectiveFrom <= bookingDate) &&
      (p.effectiveTo === null || p.effectiveTo >= bookingDate),
  );
  if (live.length === 0) throw new Error(`No product of the demo mix is effective on ${bookingDate}.`);
  // The mix changes only on a product's start or end date, so the days between share one table.
  const key = live.map((p) => p.code).join(",");
  let mix = cache.get(key);
  if (mix === undefined) {
    mix = { products: live, cumulative: cumulate(live.map((p) => PRODUCT_MIX[p.code]!)) };
    cache.set(key, mix);
  }
  return mix;
}

function weightOf(product: DemoProduct, r: Random): number {
  if (DOCUMENT_PRODUCTS.has(product.code)) return 20 + r.int(481);
  const min = product.minWeightGrams ?? 50;
  const max = product.maxWeightGrams ?? 35_000;
  const drawn = product.minWeightGrams !== null ? min + r.logNormal(1500, 0.7) : r.logNormal(600, 0.8);
  return Math.round(Math.min(max, Math.max(min, drawn)));
}

function pickDestination(internal: PlanInternals, origin: Location, r: Random): DemoPincode | { army: (typeof ARMY)[number] } {
  let x = r.next();
  if (x < ARMY_SHARE) return { army: r.chance(ARMY[0]!.share) ? ARMY[0]! : ARMY[1]! };
  x -= ARMY_SHARE;
  for (const special of internal.special) {
    if (x < special.share) return special.pins[r.int(special.pins.length)]!;
    x -= special.share;
  }
  const circle = origin.office.circleId === null ? undefined : internal.byCircle.get(origin.office.circleId);
  if (circle !== undefined && r.chance(SAME_CIRCLE_SHARE)) return circle.pins[pickCumulative(circle.cumulative, r)]!;
  return internal.pins[pickCumulative(internal.national, r)]!;
}

function pickDeliveryOffice(pin: DemoPincode, r: Random): DemoOffice {
  const offices = pin.offices;
  if (offices.length === 1) return offices[0]!;
  let total = 0;
  for (const o of offices) total += o.officeType === "BRANCH" || o.officeType === null ? 1 : 3;
  let x = r.next() * total;
  for (const o of offices) {
    x -= o.officeType === "BRANCH" || o.officeType === null ? 1 : 3;
    if (x < 0) return o;
  }
  return offices[offices.length - 1]!;
}

function shipmentOf(
  plan: DemoPlan,
  r: Random,
  index: number,
  day: number,
  bookingDate: string,
  shares: Float64Array,
  products: ProductMix,
  codShare: number,
  serialOffset: number,
): DemoShipment {
  const internal = plan.internal;
  const locationIndex = pickCumulative(shares, r);
  const origin = internal.locations[locationIndex]!;
  const product = products.products[pickCumulative(products.cumulative, r)]!;
  const productCode = product.code;
  const weightGrams = weightOf(product, r);
  const cod = r.chance(codShare);
  const itemRupees = Math.min(MAX_COD_RUPEES, Math.max(99, Math.round(r.logNormal(800, 0.9))));

  const bookedMinute = 9 * 60 + r.int(9 * 60);
  const bookedAt = istInstant(day, bookedMinute);
  const serial = String((serialOffset + index) % 100_000_000).padStart(8, "0");
  const trackingNumber = `${serviceLetter(productCode)}${origin.site.letter}${serial}${s10CheckDigit(serial)}IN`;

  const destination = pickDestination(internal, origin, r);
  const army = "army" in destination ? destination.army : null;
  const pin = "army" in destination ? null : destination;
  const destinationPincode = army !== null ? army.pins[r.int(army.pins.length)]! : pin!.code;
  const deliveryOffice = pin === null ? null : pickDeliveryOffice(pin, r);
  const byBranch = deliveryOffice?.officeType === "BRANCH";

  const routeClass = routeClassOf({
    originPincode: origin.office.pincode,
    originCircleId: origin.office.circleId,
    destinationPincode,
    destinationCircleId: pin?.circleId ?? null,
    destinationRemote: pin?.remote ?? false,
    armyPostal: army !== null,
  });
  const serviceNormDays = internal.norms.get(`${productCode}/${routeClass}`);
  if (serviceNormDays === undefined) throw new Error(`No service norm for ${productCode} on ${routeClass}: the service_norm table is incomplete.`);
  const promisedDate = promisedDateOf(bookingDate, serviceNormDays, byBranch);

  const km =
    pin !== null && origin.pin !== null && pin.usableCoordinates && origin.pin.usableCoordinates
      ? haversineKm(origin.pin.latitude!, origin.pin.longitude!, pin.latitude!, pin.longitude!)
      : DEFAULT_ROUTE_KM[routeClass];
  const speed = SPEED_POST_PRODUCTS.has(productCode);
  const transport = (speed ? 1 + Math.ceil(km / 800) : 2 + Math.ceil(km / 500)) + (routeClass === "REMOTE" ? 2 : 0);
  const transitDays =
    Math.min(transport, serviceNormDays) + (byBranch ? 1 : 0) + (r.chance(0.1) ? 1 + r.int(3) : 0);

  const rtoShare = cod ? 0.08 : 0.025;
  const retryShare = cod ? 0.1 : 0.06;
  const u = r.next();
  const outcome: "DELIVERED" | "RETRY_DELIVERED" | "RTO" | "LOST" =
    u < 0.0008 ? "LOST" : u < 0.0008 + rtoShare ? "RTO" : u < 0.0008 + rtoShare + retryShare ? "RETRY_DELIVERED" : "DELIVERED";

  const originOffice = { id: origin.office.id, name: officeLabel(origin.office) };
  const destOffice =
    deliveryOffice !== null
      ? { id: deliveryOffice.id, name: officeLabel(deliveryOffice) }
      : { id: null, name: `Field Post Office, c/o ${army!.apo.slice(4)} APO (synthetic)` };
  const timeline = new Timeline();
  timeline.add(bookedAt, "BOOKED", originOffice);
  if (r.chance(0.5)) timeline.add(bookedAt + (60 + r.int(120)) * 60_000, "BAGGED", originOffice);
  const dispatchedAt = timeline.add(istInstant(day, 19 * 60 + r.int(150)), "DISPATCHED", originOffice);
  const arrivalDay = addWorkingDays(day, transitDays);
  if (outcome === "LOST") {
    timeline.add(dispatchedAt + (20 + r.int(10)) * DAY_MS, "LOST", originOffice);
  } else if (army !== null) {
    timeline.add(istInstant(arrivalDay - 1, 6 * 60 + r.int(180)), "BAG_RECEIVED", { id: null, name: army.base });
    timeline.add(istInstant(arrivalDay, 8 * 60 + r.int(120)), "RECEIVED_AT_DESTINATION", destOffice);
    timeline.add(istInstant(arrivalDay, 12 * 60 + r.int(300)), "DELIVERED", destOffice);
  } else {
    timeline.add(istInstant(arrivalDay, 7 * 60 + r.int(150)), "RECEIVED_AT_DESTINATION", destOffice);
    timeline.add(istInstant(arrivalDay, 9 * 60 + 45 + r.int(90)), "OUT_FOR_DELIVERY", destOffice);
    if (outcome === "DELIVERED") {
      timeline.add(istInstant(arrivalDay, 11 * 60 + 30 + r.int(390)), "DELIVERED", destOffice);
    } else if (outcome === "RETRY_DELIVERED") {
      timeline.add(istInstant(arrivalDay, 11 * 60 + 30 + r.int(390)), "DELIVERY_ATTEMPTED", destOffice, pickWeighted(FIRST_FAILURE_REASONS, r));
      const retryDay = addWorkingDays(arrivalDay, 1);
      timeline.add(istInstant(retryDay, 9 * 60 + 45 + r.int(90)), "OUT_FOR_DELIVERY", destOffice);
      timeline.add(istInstant(retryDay, 11 * 60 + 30 + r.int(390)), "DELIVERED", destOffice);
    } else {
      const reason = pickWeighted(cod ? RTO_REASONS_COD : RTO_REASONS_PREPAID, r);
      let lastAttempt = timeline.add(istInstant(arrivalDay, 11 * 60 + 30 + r.int(390)), "DELIVERY_ATTEMPTED", destOffice, reason);
      // A refusal is final at the door; other failures get the second attempt India Post usually makes.
      if (reason !== "REFUSED" && r.chance(0.5)) {
        const retryDay = addWorkingDays(arrivalDay, 1);
        timeline.add(istInstant(retryDay, 9 * 60 + 45 + r.int(90)), "OUT_FOR_DELIVERY", destOffice);
        lastAttempt = timeline.add(istInstant(retryDay, 11 * 60 + 30 + r.int(390)), "DELIVERY_ATTEMPTED", destOffice, reason);
      }
      timeline.add(lastAttempt + 30 * 60_000, "ON_HOLD", destOffice);
      // India Post holds an undelivered parcel for 7 days from the first attempt before returning it.
      const returnDay = arrivalDay + 7 + (isSunday(arrivalDay + 7) ? 1 : 0);
      timeline.add(istInstant(returnDay, 10 * 60 + r.int(240)), "RETURNED_TO_SENDER", destOffice);
      timeline.add(istInstant(addWorkingDays(returnDay, transport + 1), 11 * 60 + r.int(360)), "DELIVERED_TO_SENDER", originOffice);
    }
  }

  const events = timeline.events.filter((e) => e.occurredAt.getTime() < plan.asOf);
  const state = deriveShipmentState(events);
  let remittanceIndex: number | null = null;
  if (cod && state.deliveredAt !== null) {
    const deliveredDay = dayNumber(istDateOf(state.deliveredAt));
    const row = internal.batchIndex[weekOf(deliveredDay) - internal.firstWeek];
    const batch = row?.[locationIndex] ?? -1;
    remittanceIndex = batch >= 0 ? batch : null;
  }

  return {
    trackingNumber,
    bookingDate,
    bookedAt: new Date(bookedAt),
    productCode,
    paymentMode: cod ? "COD" : "PREPAID",
    codAmountPaise: cod ? itemRupees * 100 : null,
    weightGrams,
    declaredValuePaise: itemRupees * 100,
    locationIndex,
    destinationKind: army !== null ? "ARMY_POSTAL" : "PIN_CODE",
    destinationPincode,
    armyPostOffice: army?.apo ?? null,
    deliveryOfficeId: deliveryOffice?.id ?? null,
    routeClass,
    serviceNormDays,
    promisedDate,
    status: state.status,
    deliveredAt: state.deliveredAt,
    attempts: state.attempts,
    failedReasons: distinctReasons(state.failedReasons),
    outForDeliveryCount: state.outForDeliveryCount,
    firstAttemptAt: state.firstAttemptAt,
    returnedAt: state.returnedAt,
    rtoDeliveredAt: state.rtoDeliveredAt,
    lastEventAt: state.lastEventAt,
    remittanceIndex,
    events,
  };
}

// ---------------------------------------------------------------------------------------------
// What a run made, for the summary line and the tests.

export class DemoTally {
  shipments = 0;
  events = 0;
  army = 0;
  readonly pins = new Set<string>();
  readonly byStatus = new Map<ShipmentStatus, number>();
  /** Delivered to the addressee in the base and target quarters of the growth figure. */
  deliveredBase = 0;
  deliveredTarget = 0;
  private readonly base = [quarterStartDate(GROWTH_BASE_QUARTER), quarterEndDate(GROWTH_BASE_QUARTER)] as const;
  private readonly target = [quarterStartDate(GROWTH_TARGET_QUARTER), quarterEndDate(GROWTH_TARGET_QUARTER)] as const;

  add(s: DemoShipment): void {
    this.shipments += 1;
    this.events += s.events.length;
    if (s.destinationKind === "ARMY_POSTAL") this.army += 1;
    else this.pins.add(s.destinationPincode);
    this.byStatus.set(s.status, (this.byStatus.get(s.status) ?? 0) + 1);
    if (s.deliveredAt !== null) {
      const on = istDateOf(s.deliveredAt);
      if (on >= this.base[0] && on <= this.base[1]) this.deliveredBase += 1;
      if (on >= this.target[0] && on <= this.target[1]) this.deliveredTarget += 1;
    }
  }

  get growth(): number | null {
    return this.deliveredBase > 0 && this.deliveredTarget > 0 ? this.deliveredTarget / this.deliveredBase : null;
  }
}
