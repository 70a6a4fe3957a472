import autocannon from "autocannon";
import { cpuMsOf, memoryOf, resetPeakRss, type ServerProcess } from "./processes.js";

/** What one timed run of one operation against one server measured. */
export interface RunSample {
  readonly seconds: number;
  readonly requests: number;
  /** Client-side latency of every response, ms (HTTP included). */
  readonly latencies: number[];
  /** Non-2xx responses plus 2xx responses carrying GraphQL errors. */
  readonly errors: number;
  readonly firstError: string | null;
  /** Sum of the x-sql-statements response headers. */
  readonly statements: number;
  /** Responses by x-response-cache value (hit, miss, …); empty when the header is absent. */
  readonly cache: Record<string, number>;
  /** utime + stime of the server process over the run, ms. */
  readonly cpuMs: number;
  /** The server's peak RSS during the run (VmHWM after a reset, else sampled VmRSS), MB. */
  readonly peakRssMb: number;
}

function header(headers: Record<string, string | string[] | undefined> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Drives `server` with `connections` keep-alive connections for `seconds`, each request taking the next of
 * `bodies`; reads the server's CPU counters before and after and its memory during the run.
 */
export async function measure(server: ServerProcess, bodies: readonly string[], connections: number, seconds: number, authorization: string): Promise<RunSample> {
  const latencies: number[] = [];
  const cache: Record<string, number> = {};
  let next = 0;
  let errors = 0;
  let firstError: string | null = null;
  let statements = 0;
  const resetWorked = resetPeakRss(server.pid);
  let sampledPeak = memoryOf(server.pid).rssMb;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, memoryOf(server.pid).rssMb);
  }, 100);
  const cpuBefore = cpuMsOf(server.pid);
  const started = performance.now();
  let instance: autocannon.Instance | undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({
    url: server.url,
    connections,
    duration: seconds,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization },
        setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length]! }),
        onResponse: (status, responseBody, _context, headers) => {
          statements += Number(header(headers, "x-sql-statements") ?? 0);
          const state = header(headers, "x-response-cache");
          if (state !== undefined) cache[state] = (cache[state] ?? 0) + 1;
          if (status >= 300 || responseBody.includes('"errors":[')) {
            errors += 1;
            firstError ??= `HTTP ${status}: ${responseBody.slice(0, 500)}`;
          }
        },
      },
    ],
    }, (error, result) => (error ? reject(error as Error) : resolve(result)));
  });
  instance!.on("response", (_client, _status, _bytes, responseTime) => {
    latencies.push(responseTime);
  });
  const result = await finished;
  const elapsed = (performance.now() - started) / 1000;
  const cpuMs = cpuMsOf(server.pid) - cpuBefore;
  clearInterval(sampler);
  const peak = resetWorked ? memoryOf(server.pid).peakMb : Math.max(sampledPeak, memoryOf(server.pid).rssMb);
  server.notePeak(peak);
  return {
    seconds: elapsed,
    requests: latencies.length,
    latencies,
    errors: errors + result.errors + result.timeouts,
    firstError: firstError ?? (result.errors + result.timeouts > 0 ? `${result.errors} connection errors, ${result.timeouts} timeouts` : null),
    statements,
    cache,
    cpuMs,
    peakRssMb: peak,
  };
}
