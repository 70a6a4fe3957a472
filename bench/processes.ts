import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/*
 * Servers under test run as child processes of the bench, so that their CPU time and memory can be read
 * from /proc (Linux): utime + stime of /proc/<pid>/stat, VmRSS/VmHWM of /proc/<pid>/status. The load
 * generator runs in the bench process and is not counted.
 */

export const ROOT = path.resolve(import.meta.dirname, "..");

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, nearly always 100). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export function cpuMsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** VmRSS (now) and VmHWM (peak since start or since the last resetPeakRss), in MB. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

/** Resets VmHWM to the current RSS (writing 5 to clear_refs, Linux ≥ 4.0); false when not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

export interface ServerProcess {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  /** Highest VmHWM seen over the process's life, across peak resets (MB). */
  lifetimePeakMb(): number;
  /** Records a peak read before a reset, so lifetimePeakMb keeps it. */
  notePeak(mb: number): void;
  stop(): Promise<void>;
}

/** `npm start`'s node flags and script (src/start.mjs, which runs src/main.ts from its bundle), so the bench measures what runs. */
export const START = ((): { flags: string[]; script: string } => {
  const words = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start.split(/\s+/);
  return { flags: words.slice(1, -1), script: words.at(-1)! };
})();

/**
 * Starts `node [--import tsx] <script>` with `env` added to the bench's environment and waits until its
 * output (stdout or stderr) matches `ready`, whose first group is the URL to call. The child's output
 * goes to `logFile`; an early exit fails with the end of that log.
 */
export async function startServer(options: {
  name: string;
  script: string;
  /** Node flags before the script, e.g. the graph's `npm start` flags. */
  nodeFlags?: readonly string[];
  env: Record<string, string>;
  ready: RegExp;
  logFile: string;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.createWriteStream(options.logFile);
  // TypeScript through tsx; a JavaScript script (npm start's launcher, src/start.mjs) as it is.
  const loader = /\.m?js$/.test(options.script) ? [] : ["--import", "tsx"];
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeFlags ?? []), ...loader, options.script], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that never said it was ready would otherwise outlive the bench (and hold its database).
      child.kill("SIGKILL");
      reject(new Error(`${options.name} did not start within ${options.timeoutMs ?? 120_000} ms; see ${options.logFile}`));
    }, options.timeoutMs ?? 120_000);
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      if (output.length < 65_536) output += chunk.toString("utf8");
      const match = options.ready.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${signal ?? code}) before it was ready:\n${output.slice(-2000)}`));
    });
  });
  child.removeAllListeners("exit");
  const pid = child.pid!;
  let peak = memoryOf(pid).peakMb;
  return {
    name: options.name,
    url,
    pid,
    lifetimePeakMb: () => Math.max(peak, memoryOf(pid).peakMb),
    notePeak: (mb) => {
      peak = Math.max(peak, mb);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => {
          clearTimeout(force);
          log.end(resolve);
        });
        child.kill("SIGTERM");
      }),
  };
}

/** Runs the `dakgraph` command with `env` added, its output shown; rejects on a non-zero exit. */
export function runCli(args: readonly string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "src/cli/bin.js"), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("exit", (code, signal) => (code === 0 ? resolve() : reject(new Error(`dakgraph ${args.join(" ")} failed (${signal ?? code})`))));
  });
}
