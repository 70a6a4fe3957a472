import { describe, expect, it } from "vitest";
import { histogramOf, histogramPercentile } from "../../src/lib/transit-histogram.js";
import { percentilesOf } from "../../src/modules/kpi/kpi.repository.js";

describe("percentilesOf (the KPI read's one-pass percentiles)", () => {
  it("agrees with the transit histogram's nearest-rank rule on many histograms", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const hours = Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 400));
      const histogram = histogramOf(hours);
      const pairs = [...histogram].sort((a, b) => a[0] - b[0]);
      expect(percentilesOf(pairs)).toEqual({
        shipments: hours.length,
        p50Hours: histogramPercentile(histogram, 0.5),
        p90Hours: histogramPercentile(histogram, 0.9),
        p95Hours: histogramPercentile(histogram, 0.95),
      });
    }
  });

  it("reads a hand-made histogram: 10 at 20 h, 5 at 30 h, 5 at 100 h", () => {
    // n = 20; ranks 10, 18, 19: 20 h reaches 10, 30 h reaches 15, 100 h reaches 20.
    expect(percentilesOf([[20, 10], [30, 5], [100, 5]])).toEqual({ shipments: 20, p50Hours: 20, p90Hours: 100, p95Hours: 100 });
  });
});
