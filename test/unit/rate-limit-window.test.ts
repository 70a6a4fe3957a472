import { describe, expect, it } from "vitest";
import { sharedWindow } from "../../src/server/rate-limit.js";

describe("sharedWindow: the token bucket's burst and rate as a fixed window", () => {
  it("keeps the burst as the window's budget and the rate over a minute", () => {
    // The defaults: 60 at once, 600 a minute: 60 per 6 s.
    expect(sharedWindow(600, 60)).toEqual({ points: 60, durationSeconds: 6 });
    expect(sharedWindow(60, 3)).toEqual({ points: 3, durationSeconds: 3 });
    expect(sharedWindow(1_000_000, 1_000_000)).toEqual({ points: 1_000_000, durationSeconds: 60 });
  });

  it("raises a burst below one second's rate to it (a window is at least 1 s)", () => {
    expect(sharedWindow(6000, 10)).toEqual({ points: 100, durationSeconds: 1 });
    expect(sharedWindow(1_000_000, 1)).toEqual({ points: 16_667, durationSeconds: 1 });
  });

  it("rounds a window to whole seconds, keeping the rate within rounding", () => {
    const { points, durationSeconds } = sharedWindow(7, 3);
    expect(durationSeconds).toBe(26);
    expect(points).toBe(3);
    expect((points / durationSeconds) * 60).toBeCloseTo(6.9, 1);
  });
});
