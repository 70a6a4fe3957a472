import { BadUserInputError } from "../../lib/errors.js";

/*
 * India Post scan events and the normalised shipment status they imply (docs/DOMAIN-NOTES.md, "Products,
 * cash on delivery and scans").
 *
 * The rules, decided here and relied on by every caller:
 *
 * - Status is monotonic. Each status has a rank; an event moves the status only to one of equal or
 *   higher rank, so a late or out-of-order scan stays in the timeline but never lowers the status.
 *     BOOKED 0 < IN_TRANSIT 1 < AT_DESTINATION 2 < delivery loop 3 < RTO_INITIATED 4 < final 5
 * - DELIVERED, RTO_DELIVERED, LOST and CANCELLED are final: no later scan moves them. A "found"
 *   scan after LOST does not reopen the shipment; an analyst corrects that case by hand.
 * - OUT_FOR_DELIVERY, DELIVERY_ATTEMPTED and ON_HOLD form the delivery loop and share one rank:
 *   in real life they alternate (attempt 1, out again, attempt 2, hold), so within the loop the
 *   status is that of the latest loop event by time, and nothing takes it back to IN_TRANSIT or
 *   AT_DESTINATION.
 * - RETURNED_TO_SENDER moves any non-final status to RTO_INITIATED. While the return is in flight,
 *   the forward-looking scans of the way back (bagged, dispatched, out for delivery to the sender…)
 *   keep RTO_INITIATED; only DELIVERED_TO_SENDER (→ RTO_DELIVERED), LOST or CANCELLED end it.
 *   A DELIVERED scan during a return is ignored: a parcel on its way back cannot be delivered to
 *   the addressee, so such a scan is a data error, not a delivery.
 * - DELIVERED_TO_SENDER is never a delivery. It moves any non-final status to RTO_DELIVERED, even
 *   when the RETURNED_TO_SENDER scan is missing (returnedAt then stays null).
 * - LOST and CANCELLED are India Post's word and are taken from any non-final status.
 * - REDIRECTED implies IN_TRANSIT: the item travels again, but by the rank rule a redirect after
 *   arrival does not lower the status.
 * - Attempt and out-for-delivery counters count only the journey to the addressee: events applied
 *   while the shipment is returning or final are kept in the timeline but not counted, so
 *   "attempts before delivery" KPIs are not inflated by the return leg or a stray late scan.
 */

export const SCAN_EVENT_TYPES = [
  "BOOKED",
  "BAGGED",
  "DISPATCHED",
  "BAG_RECEIVED",
  "RECEIVED_AT_DESTINATION",
  "OUT_FOR_DELIVERY",
  "DELIVERY_ATTEMPTED",
  "ON_HOLD",
  "REDIRECTED",
  "RETURNED_TO_SENDER",
  "DELIVERED",
  "DELIVERED_TO_SENDER",
  "LOST",
  "CANCELLED",
] as const;

/** A normalised India Post scan: the raw text varies, this does not. */
export type ScanEventType = (typeof SCAN_EVENT_TYPES)[number];

export const SCAN_EVENT_TYPE_DESCRIPTIONS: Readonly<Record<ScanEventType, string>> = {
  BOOKED: 'Booked at a counter or from a pickup manifest: the item enters the India Post network ("Item Booked").',
  BAGGED: 'Put into a mail bag for onward dispatch ("Item Bagged").',
  DISPATCHED: 'The bag, or the item on its own, left an office or hub for the next one ("Bag/Item Dispatched").',
  BAG_RECEIVED: 'A bag holding the item arrived at, or was opened at, an office or hub ("Bag Received/Opened").',
  RECEIVED_AT_DESTINATION: 'The item arrived at the delivery office serving the addressee ("Item Received").',
  OUT_FOR_DELIVERY: 'Put on a postman\'s beat and taken out for delivery ("Item Invoiced", "Out for delivery").',
  DELIVERY_ATTEMPTED: "A delivery attempt failed; the failed-attempt reason says why.",
  ON_HOLD: 'Kept at the post office, e.g. for collection after a failed attempt ("Item Kept on Hold").',
  REDIRECTED: 'Sent on to another address or office ("Item Redirected").',
  RETURNED_TO_SENDER: 'Return to origin (RTO) initiated: the item starts back to the sender ("Item Returned to Sender").',
  DELIVERED: 'Delivered to the addressee ("Item Delivered (Addressee)"). The only scan that counts as a delivery.',
  DELIVERED_TO_SENDER:
    'The returned item was handed back to the sender: the return is complete ("Item Delivered (Sender)"). ' +
    "Never a delivery.",
  LOST: "Declared lost by India Post.",
  CANCELLED: "The booking was cancelled.",
};

export const FAILED_ATTEMPT_REASONS = [
  "ADDRESSEE_ABSENT",
  "DOOR_LOCKED",
  "REFUSED",
  "UNCLAIMED",
  "ADDRESS_INCOMPLETE",
  "MISSENT",
  "OTHER",
] as const;

/** Why a delivery attempt failed, as India Post records it. */
export type FailedAttemptReason = (typeof FAILED_ATTEMPT_REASONS)[number];

export const FAILED_ATTEMPT_REASON_DESCRIPTIONS: Readonly<Record<FailedAttemptReason, string>> = {
  ADDRESSEE_ABSENT: "Nobody was at the address to receive the item.",
  DOOR_LOCKED: "The premises were locked.",
  REFUSED: "The addressee refused the item (for COD, usually refused to pay).",
  UNCLAIMED: "The addressee did not collect the item held at the post office.",
  ADDRESS_INCOMPLETE: "The address was incomplete or insufficient to find the addressee.",
  MISSENT: "The item reached the wrong delivery office and has to be sent on.",
  OTHER: "A reason India Post gave that is none of the above, or no reason at all.",
};

/** A scan as read from India Post: the type, and for a failed attempt its reason. */
export interface ParsedScan {
  readonly type: ScanEventType;
  /** Set for DELIVERY_ATTEMPTED only; null for every other type. */
  readonly reason: FailedAttemptReason | null;
}

/** A scan placed in a shipment's timeline. */
export interface ScanEvent extends ParsedScan {
  readonly occurredAt: Date;
}

interface TextRule<T> {
  readonly pattern: RegExp;
  readonly value: T;
}

/*
 * Matched against the normalised text (see normaliseScanText), first match wins, so the more
 * specific rule comes first: "delivered … sender" before "delivered", "delivery attempted" before
 * anything else that mentions delivery.
 */
const SCAN_TEXT_RULES: readonly TextRule<ScanEventType>[] = [
  // A return completing is phrased as a delivery; it must never reach the DELIVERED rule.
  { pattern: /^(?!.*\bnot\b).*\bdelivered\b.*\bsender\b/, value: "DELIVERED_TO_SENDER" },
  { pattern: /\bdelivery attempted\b|\battempted delivery\b/, value: "DELIVERY_ATTEMPTED" },
  { pattern: /\breturn(ed)? to sender\b/, value: "RETURNED_TO_SENDER" },
  // "Item not delivered" is not in India Post's vocabulary; refusing it beats reading a delivery into it.
  { pattern: /^(?!.*\bnot\b).*\bdelivered\b/, value: "DELIVERED" },
  // "Invoiced" is India Post's word for entering the item on the postman's beat list.
  { pattern: /\bout for delivery\b|\binvoiced\b/, value: "OUT_FOR_DELIVERY" },
  { pattern: /\bon hold\b/, value: "ON_HOLD" },
  { pattern: /\bredirected\b/, value: "REDIRECTED" },
  { pattern: /\bbag (received|opened)\b/, value: "BAG_RECEIVED" },
  { pattern: /\bitem received\b|\breceived at destination\b/, value: "RECEIVED_AT_DESTINATION" },
  { pattern: /\bdispatched\b/, value: "DISPATCHED" },
  { pattern: /\bbagged\b/, value: "BAGGED" },
  { pattern: /\bcancell?ed\b|\bcancellation\b/, value: "CANCELLED" },
  { pattern: /\bbooked\b/, value: "BOOKED" },
  { pattern: /\blost\b/, value: "LOST" },
];

const REASON_TEXT_RULES: readonly TextRule<FailedAttemptReason>[] = [
  { pattern: /\babsent\b|\bnot available\b|\bnot at home\b|\bnobody\b|\bno one\b/, value: "ADDRESSEE_ABSENT" },
  { pattern: /\blocked\b/, value: "DOOR_LOCKED" },
  { pattern: /\brefus(ed|al)\b/, value: "REFUSED" },
  { pattern: /\bunclaimed\b|\bnot claimed\b/, value: "UNCLAIMED" },
  { pattern: /\b(incomplete|insufficient) address\b|\baddress (incomplete|insufficient)\b/, value: "ADDRESS_INCOMPLETE" },
  // "mis-sent" normalises to "mis sent".
  { pattern: /\bmis ?sent\b/, value: "MISSENT" },
];

/** Lower case, punctuation to spaces, single spaces: "Item Delivered(Addressee)" → "item delivered addressee". */
export function normaliseScanText(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

function firstMatch<T>(rules: readonly TextRule<T>[], text: string): T | null {
  return rules.find((rule) => rule.pattern.test(text))?.value ?? null;
}

/**
 * Maps India Post's raw event text onto a scan type, and for a delivery attempt onto a reason (OTHER
 * when the reason is missing or not recognised). Null for text it cannot map: the caller rejects it
 * rather than guess.
 */
export function parseScanText(raw: string): ParsedScan | null {
  const text = normaliseScanText(raw);
  const type = firstMatch(SCAN_TEXT_RULES, text);
  if (type === null) return null;
  const reason = type === "DELIVERY_ATTEMPTED" ? (firstMatch(REASON_TEXT_RULES, text) ?? "OTHER") : null;
  return { type, reason };
}

export function isScanEventType(value: string): value is ScanEventType {
  return (SCAN_EVENT_TYPES as readonly string[]).includes(value);
}

/** A normalised scan type name ("DELIVERED_TO_SENDER"), case and surrounding space forgiven; null otherwise. */
export function parseScanCode(code: string): ScanEventType | null {
  const name = code.trim().toUpperCase();
  return isScanEventType(name) ? name : null;
}

/**
 * A scan given either as a normalised type name or as India Post's raw text. An attempt given by
 * name carries no reason, so it gets OTHER, like an attempt whose text names none.
 */
export function parseScanInput(raw: unknown, field: string): ParsedScan {
  if (typeof raw === "string") {
    const code = parseScanCode(raw);
    if (code !== null) return { type: code, reason: code === "DELIVERY_ATTEMPTED" ? "OTHER" : null };
    const parsed = parseScanText(raw);
    if (parsed !== null) return parsed;
  }
  throw new BadUserInputError(
    `${field} must be a scan type (${SCAN_EVENT_TYPES.join(", ")}) or India Post event text such as ` +
      `"Item Delivered (Addressee)"; got ${JSON.stringify(raw)}, which matches neither.`,
    { field, value: raw },
  );
}

export const SHIPMENT_STATUSES = [
  "BOOKED",
  "IN_TRANSIT",
  "AT_DESTINATION",
  "OUT_FOR_DELIVERY",
  "DELIVERY_ATTEMPTED",
  "ON_HOLD",
  "DELIVERED",
  "RTO_INITIATED",
  "RTO_DELIVERED",
  "LOST",
  "CANCELLED",
] as const;

/** Where a shipment stands, derived from its scans; monotonic (see the rules at the top of this file). */
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

export const SHIPMENT_STATUS_DESCRIPTIONS: Readonly<Record<ShipmentStatus, string>> = {
  BOOKED: "Booked; no movement scan yet.",
  IN_TRANSIT: "Moving through the network: bagged, dispatched or received at an office or hub on the way.",
  AT_DESTINATION: "At the delivery office serving the addressee.",
  OUT_FOR_DELIVERY: "With the postman for delivery; may follow a failed attempt.",
  DELIVERY_ATTEMPTED:
    "The latest delivery attempt failed; another attempt, a hold or a return to sender follows.",
  ON_HOLD:
    "Held at the post office, e.g. for the addressee to collect after a failed attempt (India Post holds " +
    "undelivered parcels 7 days from the first attempt).",
  DELIVERED: "Delivered to the addressee. Final.",
  RTO_INITIATED:
    "Being returned to the sender (return to origin). Scans on the way back keep this status; a delivery " +
    "scan during a return is ignored.",
  RTO_DELIVERED: "The return is complete: the item is back with the sender. Final, and never a delivery.",
  LOST: "Declared lost by India Post. Final.",
  CANCELLED: "The booking was cancelled. Final.",
};

/**
 * The rank that makes status monotonic. The three delivery-loop statuses share a rank so the status
 * can follow attempt → out for delivery → attempt; the final statuses share the top rank.
 */
export const SHIPMENT_STATUS_RANK: Readonly<Record<ShipmentStatus, number>> = {
  BOOKED: 0,
  IN_TRANSIT: 1,
  AT_DESTINATION: 2,
  OUT_FOR_DELIVERY: 3,
  DELIVERY_ATTEMPTED: 3,
  ON_HOLD: 3,
  RTO_INITIATED: 4,
  DELIVERED: 5,
  RTO_DELIVERED: 5,
  LOST: 5,
  CANCELLED: 5,
};

export const FINAL_SHIPMENT_STATUSES: readonly ShipmentStatus[] = ["DELIVERED", "RTO_DELIVERED", "LOST", "CANCELLED"];

const IMPLIED_STATUS: Readonly<Record<ScanEventType, ShipmentStatus>> = {
  BOOKED: "BOOKED",
  BAGGED: "IN_TRANSIT",
  DISPATCHED: "IN_TRANSIT",
  BAG_RECEIVED: "IN_TRANSIT",
  RECEIVED_AT_DESTINATION: "AT_DESTINATION",
  OUT_FOR_DELIVERY: "OUT_FOR_DELIVERY",
  DELIVERY_ATTEMPTED: "DELIVERY_ATTEMPTED",
  ON_HOLD: "ON_HOLD",
  REDIRECTED: "IN_TRANSIT",
  RETURNED_TO_SENDER: "RTO_INITIATED",
  DELIVERED: "DELIVERED",
  DELIVERED_TO_SENDER: "RTO_DELIVERED",
  LOST: "LOST",
  CANCELLED: "CANCELLED",
};

// DELIVERED outranks RTO_INITIATED but must not end a return: see the rules at the top.
const RTO_EXITS: readonly ShipmentStatus[] = ["RTO_DELIVERED", "LOST", "CANCELLED"];

/** The status a scan of this type implies on its own, before the current status is considered. */
export function statusImpliedBy(type: ScanEventType): ShipmentStatus {
  return IMPLIED_STATUS[type];
}

export function isFinalStatus(status: ShipmentStatus): boolean {
  return FINAL_SHIPMENT_STATUSES.includes(status);
}

/** The status after a scan, given the status before it. Never of lower rank than `current`. */
export function nextStatus(current: ShipmentStatus, type: ScanEventType): ShipmentStatus {
  if (isFinalStatus(current)) return current;
  const implied = statusImpliedBy(type);
  if (current === "RTO_INITIATED" && !RTO_EXITS.includes(implied)) return current;
  return SHIPMENT_STATUS_RANK[implied] >= SHIPMENT_STATUS_RANK[current] ? implied : current;
}

export interface ShipmentState {
  readonly status: ShipmentStatus;
  /** When the DELIVERED scan that finalised the shipment occurred; null unless delivered to the addressee. */
  readonly deliveredAt: Date | null;
  /** Failed delivery attempts to the addressee (return-leg and post-final attempts are not counted). */
  readonly attempts: number;
  /** The first counted attempt: India Post's 7-day hold runs from here. */
  readonly firstAttemptAt: Date | null;
  /** One reason per counted attempt, in time order. */
  readonly failedReasons: readonly FailedAttemptReason[];
  /** Times taken out for delivery to the addressee. */
  readonly outForDeliveryCount: number;
  /** When the return to sender was initiated; null if never, or if only the completing scan arrived. */
  readonly returnedAt: Date | null;
  /** When the sender received the return back. */
  readonly rtoDeliveredAt: Date | null;
  /** The latest scan time applied: an event earlier than this needs the timeline re-derived. */
  readonly lastEventAt: Date | null;
}

/** The state of a shipment with no scans yet: it exists because it was booked. */
export const INITIAL_SHIPMENT_STATE: ShipmentState = Object.freeze({
  status: "BOOKED",
  deliveredAt: null,
  attempts: 0,
  firstAttemptAt: null,
  failedReasons: Object.freeze([]) as readonly FailedAttemptReason[],
  outForDeliveryCount: 0,
  returnedAt: null,
  rtoDeliveredAt: null,
  lastEventAt: null,
});

/** Whether `event` can be applied to `state` directly; otherwise re-derive the whole timeline. */
export function appliesInOrder(state: ShipmentState, event: ScanEvent): boolean {
  return state.lastEventAt === null || event.occurredAt.getTime() >= state.lastEventAt.getTime();
}

/**
 * Applies one scan to a stored state, as the next step of the fold `deriveShipmentState` runs. Only
 * valid for a scan no earlier than every scan already applied (equal times are fine: ties keep arrival
 * order); an earlier scan throws, because applying it here could disagree with the timeline re-derived
 * by time.
 */
export function applyEvent(state: ShipmentState, event: ScanEvent): ShipmentState {
  if (!appliesInOrder(state, event)) {
    throw new RangeError(
      `A ${event.type} scan at ${event.occurredAt.toISOString()} is earlier than the latest scan applied ` +
        `(${state.lastEventAt?.toISOString()}); re-derive the state from the whole timeline instead.`,
    );
  }
  const status = nextStatus(state.status, event.type);
  const towardsAddressee = !isFinalStatus(state.status) && state.status !== "RTO_INITIATED";
  const countedAttempt = towardsAddressee && event.type === "DELIVERY_ATTEMPTED";
  const at = event.occurredAt;
  return {
    status,
    deliveredAt: status === "DELIVERED" && state.status !== "DELIVERED" ? at : state.deliveredAt,
    attempts: state.attempts + (countedAttempt ? 1 : 0),
    firstAttemptAt: countedAttempt && state.firstAttemptAt === null ? at : state.firstAttemptAt,
    failedReasons: countedAttempt ? [...state.failedReasons, event.reason ?? "OTHER"] : state.failedReasons,
    outForDeliveryCount: state.outForDeliveryCount + (towardsAddressee && event.type === "OUT_FOR_DELIVERY" ? 1 : 0),
    returnedAt: status === "RTO_INITIATED" && state.status !== "RTO_INITIATED" ? at : state.returnedAt,
    rtoDeliveredAt: status === "RTO_DELIVERED" && state.status !== "RTO_DELIVERED" ? at : state.rtoDeliveredAt,
    lastEventAt: at,
  };
}

/** The state a timeline implies: scans sorted by time (ties keep input order), then folded with applyEvent. */
export function deriveShipmentState(events: readonly ScanEvent[]): ShipmentState {
  events.forEach((event, index) => {
    if (!(event.occurredAt instanceof Date) || Number.isNaN(event.occurredAt.getTime())) {
      const field = `events[${index}].occurredAt`;
      throw new BadUserInputError(`${field} must be a valid date; got ${String(event.occurredAt)}.`, {
        field,
        value: event.occurredAt,
      });
    }
  });
  // Array.prototype.sort is stable (ES2019), which is what keeps ties in input order.
  const byTime = [...events].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  return byTime.reduce(applyEvent, INITIAL_SHIPMENT_STATE);
}

/**
 * The state to store after events arrived, given the stored state and the state the whole timeline now
 * derives. Re-deriving by time is right for counters and in-loop statuses, but a scan that arrives late
 * can make the timeline read differently (a "returned" scan dated before the delivery); the stored
 * status must still never move backwards. So: a final stored status is kept with its timestamps, and a
 * derived status of lower rank than the stored one is not taken.
 */
export function mergeDerivedState(stored: ShipmentState, derived: ShipmentState): ShipmentState {
  if (isFinalStatus(stored.status) && derived.status !== stored.status) {
    return {
      ...derived,
      status: stored.status,
      deliveredAt: stored.deliveredAt,
      returnedAt: stored.returnedAt ?? derived.returnedAt,
      rtoDeliveredAt: stored.rtoDeliveredAt,
    };
  }
  if (SHIPMENT_STATUS_RANK[derived.status] < SHIPMENT_STATUS_RANK[stored.status]) {
    return { ...derived, status: stored.status };
  }
  return derived;
}

/** The distinct reasons of a state's failed attempts, sorted: what shipment.failed_reasons stores. */
export function distinctReasons(reasons: readonly FailedAttemptReason[]): FailedAttemptReason[] {
  return [...new Set(reasons)].sort();
}
