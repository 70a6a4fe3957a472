import DataLoader from "dataloader";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createContext } from "../../src/context.js";
import type { Database } from "../../src/db/client.js";
import { Role } from "../../src/modules/access/access.roles.js";
import { testViewer } from "../../src/modules/access/access.viewer.js";
import { createPostOfficeLoaders } from "../../src/modules/post-office/post-office.loaders.js";
import { createShipmentLoaders } from "../../src/modules/shipment/shipment.loaders.js";

// Loaders are built per module on first use (src/context.ts). No statement runs here: building a
// DataLoader reads nothing, so a database handle that was never opened will do.
const database = { engine: "postgres", db: {} } as unknown as Database;
const context = () => createContext(loadConfig({}), database, testViewer([Role.ADMIN], { name: "test" }));
const built = (loaders: object) => (loaders as unknown as { built: (object | undefined)[] }).built.filter((m) => m !== undefined).length;

describe("a request's loaders", () => {
  it("expose every loader of every module, one instance per request", () => {
    const a = context().loaders as unknown as Record<string, unknown>;
    const b = context().loaders as unknown as Record<string, unknown>;
    const names = [...Object.keys(createShipmentLoaders(database.db)), ...Object.keys(createPostOfficeLoaders(database.db))];
    // A family of loaders (loadersBy: one per set of a nested field's arguments) gives the same loader for the same arguments.
    const variant = { args: { first: 2 }, order: [], window: { size: 2, backward: false, cursor: null, cursorArgument: "after" } };
    const loader = (loaders: Record<string, unknown>, name: string) => {
      const value = loaders[name];
      return typeof value === "function" ? (value as (v: unknown) => unknown)(variant) : value;
    };
    for (const name of names) {
      expect(loader(a, name), name).toBeInstanceOf(DataLoader);
      expect(loader(a, name)).toBe(loader(a, name));
      expect(loader(a, name)).not.toBe(loader(b, name));
    }
  });

  it("build a module only when one of its loaders is used", () => {
    const { loaders } = context();
    expect(built(loaders)).toBe(0);
    void loaders.shipmentById;
    void loaders.eventsByShipmentId;
    expect(built(loaders)).toBe(1);
    void loaders.postOfficeById;
    expect(built(loaders)).toBe(2);
  });
});
