import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/lib/errors.js";
import {
  applyEvent,
  appliesInOrder,
  deriveShipmentState,
  mergeDerivedState,
  FAILED_ATTEMPT_REASON_DESCRIPTIONS,
  FAILED_ATTEMPT_REASONS,
  FINAL_SHIPMENT_STATUSES,
  INITIAL_SHIPMENT_STATE,
  nextStatus,
  parseScanCode,
  parseScanInput,
  parseScanText,
  SCAN_EVENT_TYPE_DESCRIPTIONS,
  SCAN_EVENT_TYPES,
  SHIPMENT_STATUS_DESCRIPTIONS,
  SHIPMENT_STATUS_RANK,
  SHIPMENT_STATUSES,
  statusImpliedBy,
  type FailedAttemptReason,
  type ScanEvent,
  type ScanEventType,
  type ShipmentState,
} from "../../src/modules/shipment/scan-event.rules.js";

/** Minutes after a fixed booking time, so timelines read as a journey rather than as ISO strings. */
const T0 = Date.parse("2025-01-06T09:00:00+05:30");
function at(day: number, hh: number, mm = 0): Date {
  return new Date(T0 + ((day * 24 + hh - 9) * 60 + mm) * 60_000);
}

function scan(type: ScanEventType, occurredAt: Date, reason: FailedAttemptReason | null = null): ScanEvent {
  return { type, occurredAt, reason: type === "DELIVERY_ATTEMPTED" ? (reason ?? "OTHER") : reason };
}

/** mulberry32: a fixed seed makes every shuffle reproducible when a case fails. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** What an ingesting caller does: keep every scan, apply in-order ones, re-derive when one arrives late. */
function ingest(arrivals: readonly ScanEvent[]): ShipmentState {
  const timeline: ScanEvent[] = [];
  let state = INITIAL_SHIPMENT_STATE;
  for (const event of arrivals) {
    timeline.push(event);
    state = appliesInOrder(state, event) ? applyEvent(state, event) : deriveShipmentState(timeline);
  }
  return state;
}

describe("parseScanText", () => {
  it.each<[string, ScanEventType, FailedAttemptReason | null]>([
    ["Item Booked", "BOOKED", null],
    ["Item Bagged", "BAGGED", null],
    ["Bag Dispatched", "DISPATCHED", null],
    ["Item Dispatched", "DISPATCHED", null],
    ["Bag Received", "BAG_RECEIVED", null],
    ["Bag Opened", "BAG_RECEIVED", null],
    ["Item Received", "RECEIVED_AT_DESTINATION", null],
    ["Item Invoiced", "OUT_FOR_DELIVERY", null],
    ["Out for delivery", "OUT_FOR_DELIVERY", null],
    ["Item Taken out for delivery", "OUT_FOR_DELIVERY", null],
    ["Item delivery attempted - Addressee absent", "DELIVERY_ATTEMPTED", "ADDRESSEE_ABSENT"],
    ["Item Delivery Attempted (Door locked)", "DELIVERY_ATTEMPTED", "DOOR_LOCKED"],
    ["Item Kept on Hold", "ON_HOLD", null],
    ["Item Redirected", "REDIRECTED", null],
    ["Item Returned to Sender", "RETURNED_TO_SENDER", null],
    ["Item Delivered(Addressee)", "DELIVERED", null],
    ["Item Delivered (Sender)", "DELIVERED_TO_SENDER", null],
    ["Item Delivered", "DELIVERED", null],
  ])("maps %j to %s", (raw, type, reason) => {
    expect(parseScanText(raw)).toEqual({ type, reason });
  });

  it.each<[string, ScanEventType]>([
    ["ITEM BOOKED", "BOOKED"],
    ["  item   booked at Bengaluru GPO ", "BOOKED"],
    ["Item Bagged for Mumbai NSH", "BAGGED"],
    ["Bag dispatched to Delhi NSH.", "DISPATCHED"],
    ["BAG OPENED", "BAG_RECEIVED"],
    ["Item Received at destination", "RECEIVED_AT_DESTINATION"],
    ["item taken OUT-FOR-DELIVERY", "OUT_FOR_DELIVERY"],
    ["Item kept on hold - addressee request", "ON_HOLD"],
    ["Item Return to Sender", "RETURNED_TO_SENDER"],
    ["item delivered - addressee", "DELIVERED"],
    ["Item Lost", "LOST"],
    ["Booking Cancelled", "CANCELLED"],
  ])("tolerates case, punctuation and extra words: %j → %s", (raw, type) => {
    expect(parseScanText(raw)?.type).toBe(type);
  });

  it.each<[string, FailedAttemptReason]>([
    ["Item delivery attempted - Addressee not available", "ADDRESSEE_ABSENT"],
    ["Item Delivery Attempted: REFUSED", "REFUSED"],
    ["Item delivery attempted (Unclaimed)", "UNCLAIMED"],
    ["Item delivery attempted - Insufficient address", "ADDRESS_INCOMPLETE"],
    ["Item delivery attempted - address incomplete", "ADDRESS_INCOMPLETE"],
    ["Item delivery attempted - Mis-sent", "MISSENT"],
    ["Item delivery attempted - Missent", "MISSENT"],
    ["Item delivery attempted - Addressee moved", "OTHER"],
    ["Item delivery attempted", "OTHER"],
  ])("reads the attempt reason in %j as %s", (raw, reason) => {
    expect(parseScanText(raw)).toEqual({ type: "DELIVERY_ATTEMPTED", reason });
  });

  it.each(["", "   ", "Item Scanned", "Received", "Payment received", "Item not delivered", "Delivered not to sender"])(
    "returns null for %j",
    (raw) => {
      expect(parseScanText(raw)).toBeNull();
    },
  );

  it("never reads a return to the sender as a delivery", () => {
    const returns = ["Item Delivered (Sender)", "ITEM DELIVERED(SENDER)", "Item delivered to sender", "item delivered - sender"];
    for (const raw of returns) {
      expect(parseScanText(raw)).toEqual({ type: "DELIVERED_TO_SENDER", reason: null });
    }
  });

  it("maps text onto every scan type", () => {
    const samples = [
      "Item Booked", "Item Bagged", "Bag Dispatched", "Bag Received", "Item Received", "Out for delivery",
      "Item delivery attempted", "Item Kept on Hold", "Item Redirected", "Item Returned to Sender",
      "Item Delivered", "Item Delivered (Sender)", "Item Lost", "Booking Cancelled",
    ];
    const reached = new Set(samples.map((raw) => parseScanText(raw)?.type));
    expect([...reached].sort()).toEqual([...SCAN_EVENT_TYPES].sort());
  });
});

describe("parseScanCode and parseScanInput", () => {
  it("accepts every normalised name, forgiving case and surrounding space", () => {
    for (const type of SCAN_EVENT_TYPES) {
      expect(parseScanCode(type)).toBe(type);
      expect(parseScanCode(` ${type.toLowerCase()} `)).toBe(type);
    }
    expect(parseScanCode("Item Booked")).toBeNull();
    expect(parseScanCode("DELIVERED TO SENDER")).toBeNull();
    expect(parseScanCode("")).toBeNull();
  });

  it("takes a code or India Post text, and gives an attempt by code the reason OTHER", () => {
    expect(parseScanInput("DELIVERED_TO_SENDER", "input.scan")).toEqual({ type: "DELIVERED_TO_SENDER", reason: null });
    expect(parseScanInput("DELIVERY_ATTEMPTED", "input.scan")).toEqual({ type: "DELIVERY_ATTEMPTED", reason: "OTHER" });
    expect(parseScanInput("Item Delivery Attempted (Door locked)", "input.scan")).toEqual({
      type: "DELIVERY_ATTEMPTED",
      reason: "DOOR_LOCKED",
    });
  });

  it.each([["Item Scanned"], [42], [null]])("refuses %j naming the field and the value", (value) => {
    expect(() => parseScanInput(value, "input.scans[2].event")).toThrow(/input\.scans\[2\]\.event/);
    expect(() => parseScanInput(value, "input.scans[2].event")).toThrow(
      expect.objectContaining({
        extensions: expect.objectContaining({ code: ErrorCode.BAD_USER_INPUT, field: "input.scans[2].event", value }),
      }),
    );
  });
});

describe("descriptions", () => {
  it("describe every scan type, attempt reason and status", () => {
    for (const [list, descriptions] of [
      [SCAN_EVENT_TYPES, SCAN_EVENT_TYPE_DESCRIPTIONS],
      [FAILED_ATTEMPT_REASONS, FAILED_ATTEMPT_REASON_DESCRIPTIONS],
      [SHIPMENT_STATUSES, SHIPMENT_STATUS_DESCRIPTIONS],
    ] as const) {
      expect(Object.keys(descriptions).sort()).toEqual([...list].sort());
      for (const text of Object.values(descriptions)) expect(text.length).toBeGreaterThan(10);
    }
    expect(SCAN_EVENT_TYPE_DESCRIPTIONS.DELIVERED_TO_SENDER).toMatch(/Never a delivery/);
    expect(SHIPMENT_STATUS_DESCRIPTIONS.RTO_DELIVERED).toMatch(/never a delivery/);
  });
});

describe("nextStatus", () => {
  it("never lowers the rank, for every status and every scan", () => {
    for (const current of SHIPMENT_STATUSES) {
      for (const type of SCAN_EVENT_TYPES) {
        expect(SHIPMENT_STATUS_RANK[nextStatus(current, type)]).toBeGreaterThanOrEqual(SHIPMENT_STATUS_RANK[current]);
      }
    }
  });

  it("leaves final statuses where they are", () => {
    for (const final of FINAL_SHIPMENT_STATUSES) {
      for (const type of SCAN_EVENT_TYPES) expect(nextStatus(final, type)).toBe(final);
    }
  });

  it("follows the status a scan implies from a fresh booking", () => {
    for (const type of SCAN_EVENT_TYPES) expect(nextStatus("BOOKED", type)).toBe(statusImpliedBy(type));
  });

  it("alternates within the delivery loop but never leaves it backwards", () => {
    expect(nextStatus("DELIVERY_ATTEMPTED", "OUT_FOR_DELIVERY")).toBe("OUT_FOR_DELIVERY");
    expect(nextStatus("OUT_FOR_DELIVERY", "DELIVERY_ATTEMPTED")).toBe("DELIVERY_ATTEMPTED");
    expect(nextStatus("DELIVERY_ATTEMPTED", "ON_HOLD")).toBe("ON_HOLD");
    expect(nextStatus("ON_HOLD", "OUT_FOR_DELIVERY")).toBe("OUT_FOR_DELIVERY");
    for (const type of ["BOOKED", "BAGGED", "DISPATCHED", "BAG_RECEIVED", "RECEIVED_AT_DESTINATION", "REDIRECTED"] as const) {
      expect(nextStatus("DELIVERY_ATTEMPTED", type)).toBe("DELIVERY_ATTEMPTED");
    }
  });

  it("starts a return from any non-final status, and only completion, loss or cancellation end it", () => {
    for (const current of SHIPMENT_STATUSES) {
      if (FINAL_SHIPMENT_STATUSES.includes(current)) continue;
      expect(nextStatus(current, "RETURNED_TO_SENDER")).toBe("RTO_INITIATED");
    }
    for (const type of SCAN_EVENT_TYPES) {
      const expected =
        type === "DELIVERED_TO_SENDER" ? "RTO_DELIVERED" : type === "LOST" || type === "CANCELLED" ? type : "RTO_INITIATED";
      expect(nextStatus("RTO_INITIATED", type)).toBe(expected);
    }
  });
});

describe("deriveShipmentState", () => {
  const delivered: readonly ScanEvent[] = [
    scan("BOOKED", at(0, 9)),
    scan("BAGGED", at(0, 12)),
    scan("DISPATCHED", at(0, 18)),
    scan("BAG_RECEIVED", at(1, 6)),
    scan("DISPATCHED", at(1, 10)),
    scan("BAG_RECEIVED", at(2, 5)),
    scan("RECEIVED_AT_DESTINATION", at(2, 7)),
    scan("OUT_FOR_DELIVERY", at(2, 9)),
    scan("DELIVERY_ATTEMPTED", at(2, 14), "ADDRESSEE_ABSENT"),
    scan("OUT_FOR_DELIVERY", at(3, 9)),
    scan("DELIVERY_ATTEMPTED", at(3, 13), "DOOR_LOCKED"),
    scan("ON_HOLD", at(3, 17)),
    scan("OUT_FOR_DELIVERY", at(4, 9, 30)),
    scan("DELIVERED", at(4, 11)),
    // A hub scan stamped after the delivery: kept in the timeline, moves nothing.
    scan("BAG_RECEIVED", at(4, 15)),
  ];
  const deliveredState: ShipmentState = {
    status: "DELIVERED",
    deliveredAt: at(4, 11),
    attempts: 2,
    firstAttemptAt: at(2, 14),
    failedReasons: ["ADDRESSEE_ABSENT", "DOOR_LOCKED"],
    outForDeliveryCount: 3,
    returnedAt: null,
    rtoDeliveredAt: null,
    lastEventAt: at(4, 15),
  };

  const returned: readonly ScanEvent[] = [
    scan("BOOKED", at(0, 9)),
    scan("BAGGED", at(0, 11)),
    scan("DISPATCHED", at(0, 19)),
    scan("RECEIVED_AT_DESTINATION", at(2, 8)),
    scan("OUT_FOR_DELIVERY", at(2, 10)),
    scan("DELIVERY_ATTEMPTED", at(2, 15), "REFUSED"),
    scan("ON_HOLD", at(2, 18)),
    scan("RETURNED_TO_SENDER", at(9, 10)),
    scan("BAGGED", at(9, 12)),
    scan("DISPATCHED", at(9, 18)),
    // Impossible on a return; must not count as a delivery.
    scan("DELIVERED", at(10, 9)),
    scan("BAG_RECEIVED", at(11, 6)),
    // The return leg's own delivery round: not counted against the addressee.
    scan("OUT_FOR_DELIVERY", at(11, 9)),
    scan("DELIVERY_ATTEMPTED", at(11, 12), "DOOR_LOCKED"),
    scan("DELIVERED_TO_SENDER", at(12, 11)),
  ];
  const returnedState: ShipmentState = {
    status: "RTO_DELIVERED",
    deliveredAt: null,
    attempts: 1,
    firstAttemptAt: at(2, 15),
    failedReasons: ["REFUSED"],
    outForDeliveryCount: 1,
    returnedAt: at(9, 10),
    rtoDeliveredAt: at(12, 11),
    lastEventAt: at(12, 11),
  };

  it("starts from BOOKED with nothing counted", () => {
    expect(deriveShipmentState([])).toEqual(INITIAL_SHIPMENT_STATE);
  });

  it("derives a delivery after two attempts", () => {
    expect(deriveShipmentState(delivered)).toEqual(deliveredState);
  });

  it("counts attempt → out for delivery → attempt → delivered as two attempts and DELIVERED", () => {
    const state = deriveShipmentState([
      scan("DELIVERY_ATTEMPTED", at(2, 14), "ADDRESSEE_ABSENT"),
      scan("OUT_FOR_DELIVERY", at(3, 9)),
      scan("DELIVERY_ATTEMPTED", at(3, 13), "REFUSED"),
      scan("DELIVERED", at(4, 11)),
    ]);
    expect(state).toMatchObject({
      status: "DELIVERED",
      attempts: 2,
      deliveredAt: at(4, 11),
      firstAttemptAt: at(2, 14),
      failedReasons: ["ADDRESSEE_ABSENT", "REFUSED"],
      outForDeliveryCount: 1,
    });
  });

  it("keeps DELIVERED when an in-transit scan arrives late, whether stamped before or after the delivery", () => {
    const base = [scan("BOOKED", at(0, 9)), scan("RECEIVED_AT_DESTINATION", at(1, 8)), scan("DELIVERED", at(1, 13))];
    const stampedBefore = deriveShipmentState([...base, scan("DISPATCHED", at(0, 20))]);
    const stampedAfter = deriveShipmentState([...base, scan("DISPATCHED", at(2, 7))]);
    expect(stampedBefore).toMatchObject({ status: "DELIVERED", deliveredAt: at(1, 13) });
    expect(stampedAfter).toMatchObject({ status: "DELIVERED", deliveredAt: at(1, 13) });
    expect(applyEvent(deriveShipmentState(base), scan("BAG_RECEIVED", at(3, 0))).status).toBe("DELIVERED");
  });

  it("derives a completed return: RTO_DELIVERED, never delivered", () => {
    expect(deriveShipmentState(returned)).toEqual(returnedState);
  });

  it("follows the brief's return path BOOKED → … → RETURNED_TO_SENDER → DISPATCHED → DELIVERED_TO_SENDER", () => {
    const state = deriveShipmentState([
      scan("BOOKED", at(0, 9)),
      scan("DISPATCHED", at(0, 18)),
      scan("RECEIVED_AT_DESTINATION", at(2, 8)),
      scan("RETURNED_TO_SENDER", at(3, 10)),
      scan("DISPATCHED", at(3, 18)),
      scan("DELIVERED_TO_SENDER", at(5, 11)),
    ]);
    expect(state).toMatchObject({
      status: "RTO_DELIVERED",
      deliveredAt: null,
      returnedAt: at(3, 10),
      rtoDeliveredAt: at(5, 11),
      attempts: 0,
    });
  });

  it("takes a sender delivery without its return scan as RTO_DELIVERED, never a delivery", () => {
    const state = deriveShipmentState([scan("BOOKED", at(0, 9)), scan("DELIVERED_TO_SENDER", at(6, 11))]);
    expect(state).toMatchObject({ status: "RTO_DELIVERED", deliveredAt: null, returnedAt: null, rtoDeliveredAt: at(6, 11) });
  });

  it("lets LOST end a return and keeps it final", () => {
    const state = deriveShipmentState([
      scan("RETURNED_TO_SENDER", at(3, 10)),
      scan("LOST", at(8, 10)),
      scan("DELIVERED_TO_SENDER", at(9, 10)),
    ]);
    expect(state).toMatchObject({ status: "LOST", returnedAt: at(3, 10), rtoDeliveredAt: null });
  });

  it("sorts by time and keeps input order for scans at the same instant", () => {
    const moment = at(2, 10);
    const outThenAttempt = [scan("OUT_FOR_DELIVERY", moment), scan("DELIVERY_ATTEMPTED", moment, "REFUSED")];
    expect(deriveShipmentState(outThenAttempt).status).toBe("DELIVERY_ATTEMPTED");
    expect(deriveShipmentState([...outThenAttempt].reverse()).status).toBe("OUT_FOR_DELIVERY");
    expect(deriveShipmentState([scan("DELIVERED", at(3, 9)), ...outThenAttempt]).status).toBe("DELIVERED");
  });

  it("refuses a scan without a valid time, naming it", () => {
    const events = [scan("BOOKED", at(0, 9)), scan("BAGGED", new Date("not a date"))];
    expect(() => deriveShipmentState(events)).toThrow(/events\[1\]\.occurredAt/);
    expect(() => deriveShipmentState(events)).toThrow(
      expect.objectContaining({
        extensions: expect.objectContaining({ code: ErrorCode.BAD_USER_INPUT, field: "events[1].occurredAt" }),
      }),
    );
  });

  it.each([
    ["a delivery after two attempts", delivered, deliveredState],
    ["a completed return", returned, returnedState],
  ])("derives the same state for 300 arrival orders of %s", (_name, timeline, expected) => {
    const random = seededRandom(20250106);
    for (let round = 0; round < 300; round += 1) {
      const arrivals = shuffled(timeline, random);
      expect(deriveShipmentState(arrivals)).toEqual(expected);
      expect(ingest(arrivals)).toEqual(expected);
    }
  });

  it("agrees, fold against incremental ingest, on random timelines in random arrival order", () => {
    const random = seededRandom(7);
    for (let round = 0; round < 300; round += 1) {
      const length = 1 + Math.floor(random() * 12);
      const times = shuffled(
        Array.from({ length: 40 }, (_, i) => at(0, 9, i * 37)),
        random,
      ).slice(0, length);
      const timeline = times.map((time) => {
        const type = SCAN_EVENT_TYPES[Math.floor(random() * SCAN_EVENT_TYPES.length)] as ScanEventType;
        const reason = FAILED_ATTEMPT_REASONS[Math.floor(random() * FAILED_ATTEMPT_REASONS.length)] as FailedAttemptReason;
        return scan(type, time, reason);
      });
      const expected = deriveShipmentState(timeline);
      expect(ingest(shuffled(timeline, random))).toEqual(expected);

      const byTime = [...timeline].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
      let state = INITIAL_SHIPMENT_STATE;
      for (const event of byTime) {
        const next = applyEvent(state, event);
        expect(SHIPMENT_STATUS_RANK[next.status]).toBeGreaterThanOrEqual(SHIPMENT_STATUS_RANK[state.status]);
        expect(next.attempts).toBe(next.failedReasons.length);
        state = next;
      }
      expect(state).toEqual(expected);
    }
  });
});

describe("applyEvent", () => {
  it("extends a stored state exactly as re-deriving the longer timeline would", () => {
    const stored = [scan("BOOKED", at(0, 9)), scan("RECEIVED_AT_DESTINATION", at(1, 8)), scan("OUT_FOR_DELIVERY", at(1, 9))];
    const next = scan("DELIVERY_ATTEMPTED", at(1, 14), "UNCLAIMED");
    expect(applyEvent(deriveShipmentState(stored), next)).toEqual(deriveShipmentState([...stored, next]));
  });

  it("does not change the stored state", () => {
    const stored = deriveShipmentState([scan("OUT_FOR_DELIVERY", at(1, 9)), scan("DELIVERY_ATTEMPTED", at(1, 14), "REFUSED")]);
    const snapshot = structuredClone(stored);
    applyEvent(stored, scan("DELIVERY_ATTEMPTED", at(2, 14), "DOOR_LOCKED"));
    expect(stored).toEqual(snapshot);
    expect(INITIAL_SHIPMENT_STATE.failedReasons).toEqual([]);
  });

  it("accepts a scan at the same instant as the latest and refuses an earlier one", () => {
    const stored = deriveShipmentState([scan("OUT_FOR_DELIVERY", at(1, 9))]);
    expect(appliesInOrder(stored, scan("DELIVERED", at(1, 9)))).toBe(true);
    expect(applyEvent(stored, scan("DELIVERED", at(1, 9))).status).toBe("DELIVERED");
    expect(appliesInOrder(stored, scan("BAGGED", at(0, 12)))).toBe(false);
    expect(() => applyEvent(stored, scan("BAGGED", at(0, 12)))).toThrow(/re-derive/);
  });

  it("counts an attempt given without a reason as OTHER", () => {
    const state = applyEvent(INITIAL_SHIPMENT_STATE, { type: "DELIVERY_ATTEMPTED", occurredAt: at(1, 9), reason: null });
    expect(state).toMatchObject({ attempts: 1, failedReasons: ["OTHER"], firstAttemptAt: at(1, 9) });
  });
});

describe("mergeDerivedState", () => {
  it("keeps a final stored status when a late scan makes the timeline read as a return", () => {
    const stored = deriveShipmentState([scan("BOOKED", at(0, 9)), scan("DELIVERED", at(3, 12))]);
    const derived = deriveShipmentState([scan("BOOKED", at(0, 9)), scan("RETURNED_TO_SENDER", at(2, 10)), scan("DELIVERED", at(3, 12))]);
    expect(derived.status).toBe("RTO_INITIATED");
    const merged = mergeDerivedState(stored, derived);
    expect(merged).toMatchObject({ status: "DELIVERED", deliveredAt: at(3, 12) });
  });

  it("never takes a derived status of lower rank, and takes counters from the timeline", () => {
    const stored = { ...INITIAL_SHIPMENT_STATE, status: "OUT_FOR_DELIVERY" as const };
    const derived = deriveShipmentState([scan("BAGGED", at(0, 9)), scan("DELIVERY_ATTEMPTED", at(1, 9), "REFUSED")]);
    expect(mergeDerivedState(stored, derived)).toMatchObject({ status: "DELIVERY_ATTEMPTED", attempts: 1 });
    const lower = deriveShipmentState([scan("BAGGED", at(0, 9))]);
    expect(mergeDerivedState(stored, lower).status).toBe("OUT_FOR_DELIVERY");
  });

  it("takes the derived state when nothing moves backwards", () => {
    const derived = deriveShipmentState([scan("BOOKED", at(0, 9)), scan("DELIVERED", at(2, 9))]);
    expect(mergeDerivedState(INITIAL_SHIPMENT_STATE, derived)).toEqual(derived);
  });
});
