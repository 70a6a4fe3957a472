import { describe, expect, it } from "vitest";
import { fiscalQuarter } from "../../src/lib/fiscal-quarter.js";
import { bookingPartitionName, bookingPartitionOfDay, distinctBookingDays, partitionDaysAhead } from "../../src/modules/shipment/shipment-partition.rules.js";

describe("booking-quarter partitions", () => {
  it("names a partition by table and fiscal quarter", () => {
    expect(bookingPartitionName("shipment", fiscalQuarter(2024, 3))).toBe("shipment_fy2024_25_q3");
    expect(bookingPartitionName("scan_event", fiscalQuarter(2099 - 1, 4))).toBe("scan_event_fy2098_99_q4");
    expect(bookingPartitionName("shipment", fiscalQuarter(2009, 1))).toBe("shipment_fy2009_10_q1");
  });

  it("puts a booking day in its fiscal quarter's partition, January–March in the year begun the April before", () => {
    expect(bookingPartitionOfDay("shipment", "2024-03-31")).toBe("shipment_fy2023_24_q4");
    expect(bookingPartitionOfDay("shipment", "2024-04-01")).toBe("shipment_fy2024_25_q1");
    expect(bookingPartitionOfDay("shipment", "2024-09-30")).toBe("shipment_fy2024_25_q2");
    expect(bookingPartitionOfDay("shipment", "2024-12-31")).toBe("shipment_fy2024_25_q3");
    expect(bookingPartitionOfDay("shipment", "2025-01-01")).toBe("shipment_fy2024_25_q4");
  });

  it("asks for the current quarter (by the IST calendar) and the quarters ahead", () => {
    // 19:00 UTC on 31 March is already 1 April in India: the new fiscal year's Q1 is current.
    expect(partitionDaysAhead(new Date("2025-03-31T19:00:00Z"), 2)).toEqual(["2025-04-01", "2025-07-01", "2025-10-01"]);
    expect(partitionDaysAhead(new Date("2025-03-31T18:00:00Z"), 1)).toEqual(["2025-01-01", "2025-04-01"]);
    expect(partitionDaysAhead(new Date("2025-11-02T00:00:00Z"))).toEqual(["2025-10-01", "2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01"]);
  });

  it("passes each booking day once", () => {
    expect(distinctBookingDays([{ bookingDate: "2024-05-02" }, { bookingDate: "2024-01-09" }, { bookingDate: "2024-05-02" }])).toEqual(["2024-01-09", "2024-05-02"]);
  });
});
