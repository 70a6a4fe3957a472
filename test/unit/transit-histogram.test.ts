import { describe, expect, it } from "vitest";
import { growth, pointChange } from "../../src/lib/growth.js";
import {
  histogramCount,
  histogramFromJson,
  histogramMeanDays,
  histogramOf,
  histogramPercentileDays,
  histogramToJson,
  MAX_TRANSIT_HOURS,
  mergeHistograms,
  transitHoursBucket,
} from "../../src/lib/transit-histogram.js";

const at = (iso: string) => new Date(iso);

/** The definition the histogram must match: nearest rank over the bucketed values (percentile_disc). */
function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(p * sorted.length) - 1]! / 24;
}

describe("transitHoursBucket", () => {
  it("counts whole hours, rounded up, clamped to 0..MAX", () => {
    expect(transitHoursBucket(at("2024-10-04T10:00:00Z"), at("2024-10-04T10:00:00Z"))).toBe(0);
    expect(transitHoursBucket(at("2024-10-04T10:00:00Z"), at("2024-10-04T10:00:01Z"))).toBe(1);
    expect(transitHoursBucket(at("2024-10-04T10:00:00Z"), at("2024-10-06T10:00:00Z"))).toBe(48);
    expect(transitHoursBucket(at("2024-10-04T10:00:00Z"), at("2024-10-04T09:00:00Z"))).toBe(0);
    expect(transitHoursBucket(at("2024-01-01T00:00:00Z"), at("2025-01-01T00:00:00Z"))).toBe(MAX_TRANSIT_HOURS);
  });
});

describe("transit histograms", () => {
  it("give the nearest-rank percentile of the bucketed values, merged or not", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const groups = Array.from({ length: 5 }, () => Array.from({ length: 200 + Math.floor(random() * 300) }, () => Math.floor(random() * 24 * 9)));
    const all = groups.flat();
    const merged = mergeHistograms(groups.map(histogramOf));
    expect(histogramCount(merged)).toBe(all.length);
    for (const p of [0.5, 0.9, 0.95, 1]) expect(histogramPercentileDays(merged, p)).toBe(nearestRank(all, p));
    expect(histogramMeanDays(merged)).toBeCloseTo(all.reduce((a, b) => a + b, 0) / all.length / 24, 10);
    expect(mergeHistograms([merged])).toEqual(histogramOf(all));
  });

  it("is empty-safe and round-trips through JSON", () => {
    const empty = histogramOf([]);
    expect(histogramPercentileDays(empty, 0.9)).toBeNull();
    expect(histogramMeanDays(empty)).toBeNull();
    const h = histogramOf([24, 24, 48, 72]);
    expect(histogramToJson(h)).toEqual({ "24": 2, "48": 1, "72": 1 });
    expect(histogramFromJson(histogramToJson(h))).toEqual(h);
    expect(histogramPercentileDays(h, 0.5)).toBe(1);
    expect(histogramPercentileDays(h, 0.75)).toBe(2);
  });

  it("refuses buckets and percentiles out of range", () => {
    expect(() => histogramOf([-1])).toThrow(RangeError);
    expect(() => histogramOf([1.5])).toThrow(RangeError);
    expect(() => histogramPercentileDays(histogramOf([1]), 0)).toThrow(RangeError);
    expect(() => histogramPercentileDays(histogramOf([1]), 1.1)).toThrow(RangeError);
  });
});

describe("growth", () => {
  it("reads 'three-fold' as a ratio of 3 and a change of +200%", () => {
    expect(growth(593_552, 197_994).ratio).toBeCloseTo(2.998, 3);
    expect(growth(300, 100)).toEqual({ current: 300, base: 100, ratio: 3, change: 2 });
  });

  it("is undefined against a zero or missing base", () => {
    expect(growth(10, 0)).toEqual({ current: 10, base: 0, ratio: null, change: null });
    expect(growth(null, 5).change).toBeNull();
    expect(growth(5, null).change).toBeNull();
  });

  it("compares ratio KPIs in percentage points", () => {
    expect(pointChange(0.92, 0.9)).toBeCloseTo(0.02, 12);
    expect(pointChange(null, 0.9)).toBeNull();
  });
});
