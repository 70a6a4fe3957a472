/*
 * How far behind its primary a streaming replica is, and which read target a request may use: the pure rules of
 * read routing (src/db/read-replicas.ts runs them against the servers).
 *
 * A replica's lag here is a bound on staleness: a read on the replica now sees every transaction the primary had
 * committed `lag` milliseconds ago. Two bounds are measured and the smaller one is kept, because each fails where
 * the other holds:
 * - the replay timestamp: the primary's clock at sampling minus the commit time of the last transaction the replica
 *   replayed (pg_last_xact_replay_timestamp). Exact while the primary commits steadily; on an idle primary it grows
 *   without end although the replica has everything.
 * - the WAL position: the primary's pg_current_wal_lsn() is sampled on every check and kept with its time; the
 *   replica has replayed everything written before the last sample whose position its replay position reaches
 *   (pg_last_wal_replay_lsn). Zero when the replica has replayed all the primary had written; coarse (one check
 *   interval) under steady writes; right even when the replica's WAL receiver is cut off, where comparing the
 *   replica's own receive and replay positions would say "caught up".
 */

/** A WAL position (`16/B374D848`) as a number of bytes. */
export function parseLsn(text: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text.trim());
  if (match === null) throw new Error(`Not a WAL position: ${JSON.stringify(text)}`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/** One sample of the primary: its WAL write position at a moment of the router's clock, and its own clock then. */
export interface PrimarySample {
  /** Date.now() of the router when the primary answered. */
  readonly at: number;
  readonly lsn: bigint;
  /** The primary's clock_timestamp() in ms since the epoch: replay timestamps are on the primary's clock. */
  readonly primaryClock: number;
}

/** What a replica said at one check. */
export interface ReplicaReading {
  /** Date.now() of the router when the replica answered. */
  readonly at: number;
  /** pg_is_in_recovery(): false once promoted, when it no longer follows the primary. */
  readonly inRecovery: boolean;
  /** pg_last_wal_replay_lsn(). */
  readonly replayLsn: bigint | null;
  /** pg_last_xact_replay_timestamp() in ms since the epoch (the primary's clock); null before the first replayed commit. */
  readonly replayedCommitAt: number | null;
}

/**
 * The primary's recent WAL positions, oldest first, kept for `keepMs`: long enough to tell a replica within the
 * allowed lag from one beyond it. Positions only grow, except across a primary's restore or failover, which starts
 * the history again.
 */
export class LsnHistory {
  private samples: PrimarySample[] = [];

  constructor(private readonly keepMs: number) {}

  add(sample: PrimarySample): void {
    const last = this.samples.at(-1);
    if (last !== undefined && sample.lsn < last.lsn) this.samples = [];
    this.samples.push(sample);
    const oldest = sample.at - this.keepMs;
    // The newest sample older than the window stays: it bounds replicas that lag beyond the window.
    while (this.samples.length > 2 && this.samples[1]!.at <= oldest) this.samples.shift();
  }

  latest(): PrimarySample | undefined {
    return this.samples.at(-1);
  }

  /** The time of the last sample the position reaches: everything written before it is replayed. null: none reached. */
  reachedAt(lsn: bigint): number | null {
    for (let index = this.samples.length - 1; index >= 0; index -= 1) {
      if (this.samples[index]!.lsn <= lsn) return this.samples[index]!.at;
    }
    return null;
  }
}

/**
 * The replica's lag in ms at its reading (see the file's comment): 0 when it has replayed everything the primary
 * had written at the latest sample (the time since that sample); otherwise the smaller of the two bounds; Infinity when neither can be given (no
 * primary sample yet, or the replica is behind every sample kept and has replayed no commit).
 */
export function replicaLagMs(reading: ReplicaReading, history: LsnHistory): number {
  const latest = history.latest();
  if (latest === undefined || reading.replayLsn === null) return Infinity;
  // Caught up: it has everything the primary had written when sampled, just before.
  if (reading.replayLsn >= latest.lsn) return Math.max(0, reading.at - latest.at);
  const reached = history.reachedAt(reading.replayLsn);
  const byPosition = reached === null ? Infinity : reading.at - reached;
  // The primary's clock at the reading: its clock at the latest sample plus the router's time since.
  const byReplay = reading.replayedCommitAt === null ? Infinity : latest.primaryClock + (reading.at - latest.at) - reading.replayedCommitAt;
  return Math.max(0, Math.min(byPosition, byReplay));
}

/** Why a replica is not read from, or "ok". */
export type ReplicaState = "ok" | "lagging" | "down" | "promoted" | "unknown";

/** A replica's state from its latest check: `down` when the check failed, `lagging` beyond the allowed lag. */
export function replicaState(reading: ReplicaReading | null, lagMs: number, maxLagMs: number): ReplicaState {
  if (reading === null) return "down";
  if (!reading.inRecovery) return "promoted";
  if (lagMs === Infinity) return "unknown";
  return lagMs > maxLagMs ? "lagging" : "ok";
}

/**
 * The replica's lag now, in ms, from its last check: the lag then plus the time since (replay may have stopped
 * since, and a check may be late). A replica is read from only while this is within the allowed lag, so the bound
 * holds at the moment of the read, whatever the checks' timing.
 */
export function lagNowMs(lagAtCheckMs: number, checkedAt: number, now: number): number {
  return lagAtCheckMs + Math.max(0, now - checkedAt);
}

/**
 * How long a caller's reads stay on the primary after its write, in ms: the allowed lag. A replica read from at `t`
 * is at most `maxLagMs` behind then (lagNowMs), so it has replayed every transaction committed before `t - maxLagMs`,
 * which includes a write committed before the window began.
 */
export function stickyWindowMs(maxLagMs: number): number {
  return maxLagMs;
}

/**
 * Read-your-writes across requests: the callers (rate-limit keys: an API key, a token subject, an address) that wrote
 * recently, until when their reads stay on the primary. Per process; bounded by the callers who wrote within the
 * window, and pruned as it grows.
 */
export class RecentWriters {
  private readonly until = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  wrote(caller: string, now: number): void {
    this.until.delete(caller);
    this.until.set(caller, now + this.windowMs);
    // Insertion order is expiry order (one window for all): the oldest entries go first.
    if (this.until.size > 1024) {
      for (const [key, expires] of this.until) {
        if (expires > now) break;
        this.until.delete(key);
      }
    }
  }

  pinned(caller: string, now: number): boolean {
    const expires = this.until.get(caller);
    if (expires === undefined) return false;
    if (expires > now) return true;
    this.until.delete(caller);
    return false;
  }
}
