import fs from "node:fs";
import type { IngestResult } from "./ingest.js";
import { type StartupResult, startupMarkdown } from "./startup.js";
import type { Target } from "./operations.js";
import type { Summary } from "./stats.js";

export interface Row {
  readonly operation: string;
  readonly connections: number;
  readonly target: Target;
  readonly summary: Summary;
  /** This row's throughput and CPU-ms per request over the baseline's in the same rounds; null without a baseline. */
  readonly vsBaseline: { readonly rps: number; readonly cpuMs: number } | null;
}

export interface BenchResult {
  readonly at: string;
  readonly database: string;
  readonly shipments: number;
  readonly data: "reused" | "seeded";
  readonly quarter: string;
  readonly rounds: number;
  readonly secondsPerRound: number;
  readonly rows: readonly Row[];
  readonly skipped: readonly { readonly operation: string; readonly reason: string }[];
  /** Each server's highest RSS over the whole run (startup, every round and the ingest), MB. */
  readonly peakRssMb: Readonly<Record<string, number>>;
  readonly ingest: IngestResult | null;
  /** Seconds to serve on a fresh and on a populated embedded data directory (bench/startup.ts); null when skipped. */
  readonly startup: StartupResult | null;
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : "–");

function cacheHits(summary: Summary): string {
  const total = Object.values(summary.cache).reduce((a, b) => a + b, 0);
  return total === 0 ? "" : `${((100 * (summary.cache.hit ?? 0)) / total).toFixed(1)} %`;
}

export function markdown(result: BenchResult): string {
  const lines = [
    `# dakgraph bench, ${result.at}`,
    "",
    `${result.shipments.toLocaleString("en-IN")} demo shipments (${result.data}), ${result.database}; quarter ${result.quarter}; ` +
      `${result.rounds} rounds of ${result.secondsPerRound} s per server, interleaved. Latency measured by the client (HTTP included); ` +
      "CPU-ms and RSS are the server process's own (/proc).",
    "",
    "| operation | clients | server | req/s | p50 ms | p95 ms | p99 ms | CPU-ms/req | SQL/req | peak RSS MB | req/s ÷ baseline | CPU ÷ baseline | cache hits | errors |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of result.rows) {
    const s = r.summary;
    lines.push(
      `| ${r.operation} | ${r.connections} | ${r.target} | ${fixed(s.rps, 0)} | ${fixed(s.p50, 1)} | ${fixed(s.p95, 1)} | ${fixed(s.p99, 1)} | ` +
        `${fixed(s.cpuMsPerRequest, 2)} | ${fixed(s.statementsPerRequest, 1)} | ${fixed(s.peakRssMb, 0)} | ` +
        `${r.vsBaseline === null ? "" : fixed(r.vsBaseline.rps, 2)} | ${r.vsBaseline === null ? "" : fixed(r.vsBaseline.cpuMs, 2)} | ${cacheHits(s)} | ${s.errors} |`,
    );
  }
  for (const s of result.skipped) lines.push(`| ${s.operation} | | skipped: ${s.reason} | | | | | | | | | | | |`);
  lines.push("", `Peak RSS over the run: ${Object.entries(result.peakRssMb).map(([name, mb]) => `${name} ${mb.toFixed(0)} MB`).join(", ")}.`);
  if (result.ingest !== null) {
    const { import: imported, recordShipments1000: record } = result.ingest;
    lines.push(
      "",
      "| ingest | value |",
      "|---|---|",
      ...(record === null
        ? []
        : [
            `| recordShipments, 1,000 new (p50 of ${record.runs}) | ${record.p50Ms.toFixed(0)} ms (max ${record.maxMs.toFixed(0)} ms) |`,
            `| recordShipments, the same 1,000 again (unchanged) | ${record.retryUnchangedMs.toFixed(0)} ms |`,
          ]),
      `| import shipments, ${imported.rows.toLocaleString("en-IN")} rows (median of ${imported.rounds.length}) | ${imported.seconds.toFixed(1)} s, ${imported.rowsPerSecond.toLocaleString("en-IN")} rows/s (${imported.rejected} rejected) |`,
      `| psql \\copy of the same bookings into shipment (median of ${imported.rounds.length}) | ${imported.copyRowsPerSecond.toLocaleString("en-IN")} rows/s |`,
      `| import ÷ COPY | **${imported.ratio.toFixed(2)}×** (rounds: ${imported.rounds.map((r) => (r.importRowsPerSecond / r.copyRowsPerSecond).toFixed(2)).join(", ")}; load average ${imported.loadAverage.map((l) => l.toFixed(1)).join(" → ")}) |`,
    );
  }
  if (result.startup !== null) lines.push(...startupMarkdown(result.startup));
  return `${lines.join("\n")}\n`;
}

/** Writes bench/results/bench-<time>.json (every figure, latencies summarised) and .md (the tables); returns the .md path. */
export function writeResults(result: BenchResult): string {
  const dir = new URL("./results/", import.meta.url);
  fs.mkdirSync(dir, { recursive: true });
  const stem = `bench-${result.at.replaceAll(":", "-")}`;
  fs.writeFileSync(new URL(`${stem}.json`, dir), `${JSON.stringify(result, null, 2)}\n`);
  const md = new URL(`${stem}.md`, dir);
  fs.writeFileSync(md, markdown(result));
  return md.pathname;
}
