import cliProgress from "cli-progress";

export interface Progress {
  /** Starts (or restarts) the bar for one phase of `total` units. */
  phase(label: string, total: number): void;
  increment(by?: number): void;
  stop(): void;
}

/** A progress bar on stderr; where stderr is no terminal it prints a line every two seconds instead. */
export function progressBar(enabled = true): Progress {
  if (!enabled) return { phase() {}, increment() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: "  {label} [{bar}] {percentage}% | {value}/{total}",
      noTTYOutput: true,
      notTTYSchedule: 2000,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  return {
    phase(label, total) {
      if (running) bar.stop();
      bar.start(total, 0, { label: label.padEnd(22) });
      running = true;
    },
    increment(by = 1) {
      if (running) bar.increment(by);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
