import { describe, expect, it } from "vitest";
import { AggregateGranularity as G, checkGroupings, checkOrder } from "../../src/lib/aggregate-groups.js";
import { OrderDirection } from "../../src/lib/order-direction.js";

/** The groupBy and orderBy checks every aggregate root field shares (src/lib/aggregate-groups.ts). */
describe("aggregate argument checks", () => {
  const time = ["OCCURRED_AT"] as const;
  const field = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as { extensions?: { code?: string; field?: string } }).extensions;
    }
    return undefined;
  };

  it("defaults a time dimension to the fiscal quarter and leaves the others without a period", () => {
    expect(checkGroupings([{ dimension: "OCCURRED_AT" }, { dimension: "EVENT_TYPE", granularity: null }], time)).toEqual([
      { dimension: "OCCURRED_AT", granularity: G.FISCAL_QUARTER },
      { dimension: "EVENT_TYPE", granularity: null },
    ]);
    expect(checkGroupings([{ dimension: "OCCURRED_AT", granularity: G.WEEK }], time)).toEqual([{ dimension: "OCCURRED_AT", granularity: G.WEEK }]);
    expect(checkGroupings(null, time)).toEqual([]);
  });

  it("names the offending item: a period on a dimension without time, a dimension twice, an order key naming both kinds or neither", () => {
    expect(field(() => checkGroupings([{ dimension: "OCCURRED_AT" }, { dimension: "EVENT_TYPE", granularity: G.MONTH }], time))).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "groupBy[1].granularity",
    });
    expect(field(() => checkGroupings([{ dimension: "EVENT_TYPE" }, { dimension: "EVENT_TYPE" }], time))).toMatchObject({ field: "groupBy[1].dimension" });
    expect(field(() => checkOrder([{ measure: "EVENTS" }, { measure: "EVENTS", dimension: "EVENT_TYPE" }]))).toMatchObject({ field: "orderBy[1]" });
    expect(field(() => checkOrder([{ direction: OrderDirection.DESC }]))).toMatchObject({ field: "orderBy[0]" });
    expect(checkOrder([{ dimension: "EVENT_TYPE" }])).toEqual([{ measure: null, dimension: "EVENT_TYPE", direction: OrderDirection.ASC }]);
  });
});
