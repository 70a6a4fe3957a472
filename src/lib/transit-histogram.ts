/*
 * Transit-time percentiles that roll up. A percentile cannot be summed across pickup locations or
 * quarters, but a histogram can: KPI rollups keep one per group, a scope merges them by adding counts,
 * and the percentile is read from the merged histogram.
 *
 * For a rollup never to disagree with a recomputation from raw rows, the KPI is defined on the same
 * buckets both ways:
 * - transit time is counted in whole hours, rounded up: ceil((delivered − booked) / 1 h), at least 0;
 *   times of more than MAX_TRANSIT_HOURS fall in the last bucket;
 * - a percentile p is the nearest rank: the smallest bucket h with count(≤ h) ≥ p × n, which is
 *   PostgreSQL's percentile_disc(p) over the same bucketed values;
 * - it is reported in days: h / 24.
 */

/** 120 days: anything slower is a data problem, kept in the last bucket rather than dropped. */
export const MAX_TRANSIT_HOURS = 120 * 24;

const HOUR_MS = 3_600_000;

/** The bucket of one delivered shipment: whole hours, rounded up, clamped to 0..MAX_TRANSIT_HOURS. */
export function transitHoursBucket(bookedAt: Date, deliveredAt: Date): number {
  const hours = Math.ceil((deliveredAt.getTime() - bookedAt.getTime()) / HOUR_MS);
  return Math.min(MAX_TRANSIT_HOURS, Math.max(0, hours));
}

/** Counts per hour bucket; absent buckets are 0. Immutable: merging returns a new histogram. */
export type TransitHistogram = ReadonlyMap<number, number>;

export function histogramOf(buckets: Iterable<number>): TransitHistogram {
  const counts = new Map<number, number>();
  for (const bucket of buckets) {
    if (!Number.isInteger(bucket) || bucket < 0 || bucket > MAX_TRANSIT_HOURS) {
      throw new RangeError(`A transit bucket is a whole number of hours from 0 to ${MAX_TRANSIT_HOURS}; got ${bucket}.`);
    }
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }
  return counts;
}

/** The histogram of several groups together: counts added bucket by bucket (associative, commutative). */
export function mergeHistograms(histograms: Iterable<TransitHistogram>): TransitHistogram {
  const merged = new Map<number, number>();
  for (const histogram of histograms) {
    for (const [bucket, count] of histogram) merged.set(bucket, (merged.get(bucket) ?? 0) + count);
  }
  return merged;
}

export function histogramCount(histogram: TransitHistogram): number {
  let n = 0;
  for (const count of histogram.values()) n += count;
  return n;
}

/** Mean transit in days over the buckets; null when empty. */
export function histogramMeanDays(histogram: TransitHistogram): number | null {
  let n = 0;
  let sum = 0;
  for (const [bucket, count] of histogram) {
    n += count;
    sum += bucket * count;
  }
  return n === 0 ? null : sum / n / 24;
}

/**
 * The nearest-rank percentile `p` (0 < p ≤ 1) as a bucket: the smallest bucket b with count(≤ b) ≥ p × n.
 * Null when the histogram is empty. Works for any whole-number buckets (hours, days).
 */
export function histogramPercentile(histogram: TransitHistogram, p: number): number | null {
  if (!(p > 0 && p <= 1)) throw new RangeError(`A percentile is more than 0 and at most 1; got ${p}.`);
  const n = histogramCount(histogram);
  if (n === 0) return null;
  const rank = Math.ceil(p * n);
  let seen = 0;
  const buckets = [...histogram.keys()].sort((a, b) => a - b);
  for (const bucket of buckets) {
    seen += histogram.get(bucket)!;
    if (seen >= rank) return bucket;
  }
  return buckets[buckets.length - 1]!;
}

/** The nearest-rank percentile `p` (0 < p ≤ 1) of an hour histogram, in days; null when it is empty. */
export function histogramPercentileDays(histogram: TransitHistogram, p: number): number | null {
  const hours = histogramPercentile(histogram, p);
  return hours === null ? null : hours / 24;
}

/** JSON form for a jsonb column: {"<hours>": count}. */
export function histogramToJson(histogram: TransitHistogram): Record<string, number> {
  return Object.fromEntries([...histogram].sort((a, b) => a[0] - b[0]).map(([bucket, count]) => [String(bucket), count]));
}

export function histogramFromJson(json: Record<string, number>): TransitHistogram {
  return new Map(Object.entries(json).map(([bucket, count]) => [Number(bucket), count]));
}
