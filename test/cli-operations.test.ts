import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { TrackShipmentDocument } from "../src/generated/operations.js";
import { canonicalOperation, operationHash } from "../src/server/operation-registry.js";

describe("dakgraph operations", () => {
  it("lists every registered operation with the hash a persisted-query client sends", () => {
    const out = execFileSync(process.execPath, ["--import", "tsx", "src/cli/dakgraph.ts", "operations"], {
      cwd: new URL("..", import.meta.url).pathname,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines = out.trim().split("\n").map((line) => line.split(/\s+/));
    const expected = operationHash(canonicalOperation(TrackShipmentDocument)!);
    expect(lines).toContainEqual([expected, "TrackShipment"]);
    expect(lines.every(([hash]) => /^[0-9a-f]{64}$/.test(hash!))).toBe(true);
  });
});
