import type { RunSample } from "./load.js";

/** The value at percentile `p` of an ascending list (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** One operation × connections × server, over all its rounds. */
export interface Summary {
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly cpuMsPerRequest: number;
  readonly statementsPerRequest: number;
  readonly peakRssMb: number;
  readonly errors: number;
  readonly firstError: string | null;
  readonly cache: Record<string, number>;
}

export function summarise(samples: readonly RunSample[]): Summary {
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const requests = samples.reduce((n, s) => n + s.requests, 0);
  const seconds = samples.reduce((n, s) => n + s.seconds, 0);
  const cache: Record<string, number> = {};
  for (const s of samples) for (const [state, n] of Object.entries(s.cache)) cache[state] = (cache[state] ?? 0) + n;
  return {
    requests,
    seconds,
    rps: requests / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    cpuMsPerRequest: samples.reduce((n, s) => n + s.cpuMs, 0) / Math.max(1, requests),
    statementsPerRequest: samples.reduce((n, s) => n + s.statements, 0) / Math.max(1, requests),
    peakRssMb: Math.max(...samples.map((s) => s.peakRssMb)),
    errors: samples.reduce((n, s) => n + s.errors, 0),
    firstError: samples.find((s) => s.firstError !== null)?.firstError ?? null,
    cache,
  };
}

/** Where two JSON values first differ, as a path ("pickupLocations[3].shipments.nodes[0].bookedAt: …"), or null when equal. */
export function firstDifference(a: unknown, b: unknown, at = "data"): string | null {
  if (Object.is(a, b)) return null;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return `${at}: graph ${JSON.stringify(a)?.slice(0, 200)} ≠ baseline ${JSON.stringify(b)?.slice(0, 200)}`;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at}: graph has ${a.length} items, baseline ${b.length}`;
    for (let i = 0; i < a.length; i += 1) {
      const difference = firstDifference(a[i], b[i], `${at}[${i}]`);
      if (difference !== null) return difference;
    }
    return null;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
    if (!(key in left) || !(key in right)) return `${at}.${key}: only the ${key in left ? "graph" : "baseline"} has it`;
    const difference = firstDifference(left[key], right[key], `${at}.${key}`);
    if (difference !== null) return difference;
  }
  return null;
}
