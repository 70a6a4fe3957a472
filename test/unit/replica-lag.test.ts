import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { lagNowMs, LsnHistory, parseLsn, RecentWriters, replicaLagMs, replicaState, stickyWindowMs } from "../../src/lib/replica-lag.js";

const reading = (at: number, replayLsn: bigint | null, replayedCommitAt: number | null = null, inRecovery = true) => ({ at, replayLsn, replayedCommitAt, inRecovery });

describe("WAL positions", () => {
  it("reads PostgreSQL's hi/lo hexadecimal form as bytes", () => {
    expect(parseLsn("0/0")).toBe(0n);
    expect(parseLsn("0/3000148")).toBe(0x3000148n);
    expect(parseLsn("16/B374D848")).toBe((0x16n << 32n) + 0xb374d848n);
    expect(parseLsn("16/B374D848") > parseLsn("16/B374D847")).toBe(true);
    expect(parseLsn("1/0") > parseLsn("0/FFFFFFFF")).toBe(true);
    expect(() => parseLsn("16B374D848")).toThrow(/Not a WAL position/);
  });
});

describe("replica lag", () => {
  it("is zero when the replica replayed all the primary had written, however old its last replayed commit (an idle primary)", () => {
    const history = new LsnHistory(10_000);
    history.add({ at: 100_000, lsn: 500n, primaryClock: 100_000 });
    // The last commit replayed is an hour old: by its timestamp alone the replica would look an hour behind.
    expect(replicaLagMs(reading(100_004, 500n, 100_000 - 3_600_000), history)).toBe(4);
    expect(replicaLagMs(reading(100_004, 600n, null), history)).toBe(4);
  });

  it("under steady writes, is the age of the last commit replayed, on the primary's clock", () => {
    const history = new LsnHistory(10_000);
    for (let t = 0; t <= 1000; t += 250) history.add({ at: 50_000 + t, lsn: BigInt(1000 + t), primaryClock: 80_000 + t });
    // Behind the latest sample (2000) but past the one of 250 ms before; it replayed a commit made 30 ms before the reading.
    expect(replicaLagMs(reading(51_010, 1900n, 80_980), history)).toBe(30);
  });

  it("is bounded by the last WAL position reached when replayed commits say less (a replica cut off from its primary)", () => {
    const history = new LsnHistory(10_000);
    for (let t = 0; t <= 4000; t += 1000) history.add({ at: t, lsn: BigInt(100 + t), primaryClock: t });
    // Replayed up to 1100 (the sample at 1000 ms), no commit timestamp: behind by at least the 3 s since that sample.
    expect(replicaLagMs(reading(4000, 1100n, null), history)).toBe(3000);
    // A replay timestamp older than the position says: the position's bound wins.
    expect(replicaLagMs(reading(4000, 1100n, -10_000), history)).toBe(3000);
  });

  it("grows while replay is paused and the primary writes", () => {
    const history = new LsnHistory(10_000);
    let lag = 0;
    for (let t = 0; t <= 3000; t += 250) {
      history.add({ at: t, lsn: BigInt(10 + t), primaryClock: t });
      const next = replicaLagMs(reading(t + 5, 10n, 0), history);
      expect(next).toBeGreaterThanOrEqual(lag);
      lag = next;
    }
    expect(lag).toBe(3005);
    expect(replicaState(reading(3005, 10n, 0), lag, 1000)).toBe("lagging");
    expect(replicaState(reading(3005, 10n, 0), lag, 5000)).toBe("ok");
  });

  it("is not known before the primary was sampled, or when the replica is behind every sample kept and replayed no commit", () => {
    expect(replicaLagMs(reading(10, 5n, 0), new LsnHistory(1000))).toBe(Infinity);
    const history = new LsnHistory(1000);
    history.add({ at: 0, lsn: 100n, primaryClock: 0 });
    expect(replicaLagMs(reading(10, 50n, null), history)).toBe(Infinity);
    expect(replicaState(reading(10, 50n, null), Infinity, 1000)).toBe("unknown");
  });

  it("keeps samples for its window and the newest one older, and starts again when the primary's position goes back", () => {
    const history = new LsnHistory(1000);
    for (let t = 0; t <= 5000; t += 100) history.add({ at: t, lsn: BigInt(t), primaryClock: t });
    // Samples from 4000 ms on (the window) are kept: a position before them is behind the whole history.
    expect(history.reachedAt(4050n)).toBe(4000);
    expect(history.reachedAt(4000n)).toBe(4000);
    expect(history.reachedAt(4999n)).toBe(4900);
    expect(history.reachedAt(3999n)).toBeNull();
    // A restored or failed-over primary: positions from before mean nothing.
    history.add({ at: 5100, lsn: 10n, primaryClock: 5100 });
    expect(history.reachedAt(4000n)).toBe(5100);
    expect(history.latest()?.lsn).toBe(10n);
  });

  it("grows after the check by the time since it, so a late check cannot hide a replica falling behind", () => {
    expect(lagNowMs(200, 10_000, 10_000)).toBe(200);
    expect(lagNowMs(200, 10_000, 10_900)).toBe(1100);
    // A reading stamped a moment after "now" (another timer's clock read first) adds nothing.
    expect(lagNowMs(200, 10_001, 10_000)).toBe(200);
  });

  it("says why a replica is skipped", () => {
    expect(replicaState(null, Infinity, 1000)).toBe("down");
    expect(replicaState(reading(0, 1n, 0, false), 0, 1000)).toBe("promoted");
    expect(replicaState(reading(0, 1n, 0), 1000, 1000)).toBe("ok");
    expect(replicaState(reading(0, 1n, 0), 1001, 1000)).toBe("lagging");
  });
});

describe("read-your-writes across requests", () => {
  it("keeps a writer's reads on the primary for the allowed lag, per caller", () => {
    const window = stickyWindowMs(1250);
    expect(window).toBe(1250);
    const writers = new RecentWriters(window);
    writers.wrote("key:1", 10_000);
    expect(writers.pinned("key:1", 10_000)).toBe(true);
    expect(writers.pinned("key:1", 11_249)).toBe(true);
    expect(writers.pinned("key:2", 10_500)).toBe(false);
    expect(writers.pinned("key:1", 11_250)).toBe(false);
    // A new write starts the window again.
    writers.wrote("key:1", 20_000);
    expect(writers.pinned("key:1", 21_000)).toBe(true);
  });

  it("forgets callers whose window passed as it grows", () => {
    const writers = new RecentWriters(100);
    for (let i = 0; i < 2000; i += 1) writers.wrote(`ip:${i}`, i);
    // Everyone older than the window was pruned on the way: the map holds about the last window's writers.
    expect((writers as unknown as { until: Map<string, number> }).until.size).toBeLessThan(1200);
    expect(writers.pinned("ip:1999", 2000)).toBe(true);
  });
});

describe("configuration", () => {
  it("takes replica URLs only beside DATABASE_URL, and bounds the lag settings", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://p/db", DATABASE_REPLICA_URLS: "postgres://r1:5433/db, postgresql://r2/db" });
    expect(config.replicaUrls).toEqual(["postgres://r1:5433/db", "postgresql://r2/db"]);
    expect(config.maxReplicaLagMs).toBe(1000);
    expect(config.replicaCheckIntervalMs).toBe(250);
    expect(loadConfig({}).replicaUrls).toEqual([]);
    expect(() => loadConfig({ DATABASE_REPLICA_URLS: "postgres://r1/db" })).toThrow(/DATABASE_REPLICA_URLS.*without DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: "postgres://p/db", DATABASE_REPLICA_URLS: "http://r1/db" })).toThrow(/DATABASE_REPLICA_URLS/);
    expect(() => loadConfig({ DAKGRAPH_REPLICA_CHECK_INTERVAL_MS: "10" })).toThrow(/DAKGRAPH_REPLICA_CHECK_INTERVAL_MS/);
  });
});
