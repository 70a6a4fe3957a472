import DataLoader from "dataloader";
import { dayNumber } from "../../lib/days.js";
import type { Context } from "../../context.js";
import type { Db } from "../../db/client.js";
import { ForbiddenError, BadUserInputError } from "../../lib/errors.js";
import {
  compareQuarters,
  type FiscalQuarter,
  fiscalQuarterLabel,
  formatFiscalQuarter,
  istDateOf,
  quarterEndDate,
  quarterStartDate,
} from "../../lib/fiscal-quarter.js";
import { circleScope, hasAnyRole } from "../access/access.roles.js";
import { findRemittanceCycles } from "../cod-remittance/cod-remittance.repository.js";
import type { Viewer } from "../access/access.viewer.js";
import { computeQuarterKpis, EMPTY_ROLLUP, NO_TRANSIT, type QuarterInputs } from "./kpi.compute.js";
import { KPI_DEFINITIONS, kpiDefinition } from "./kpi.definitions.js";
import {
  findPickupCapacities,
  findScopeHistograms,
  findQuarterTotals,
  type PickupCapacityRow,
  resolveScopeKey,
  storedScopeId,
} from "./kpi.repository.js";
import { Metric, type MetricFigures, QuarterlyKpis, ReasonMetric, KpiScope, type KpiScopeInput, KpiScopeKind } from "./kpi.type.js";

/*
 * Quarterly KPIs for a scope, through a per-request DataLoader keyed by (scope, quarter): every quarter and
 * scope asked in one tick (the range of quarterlyKpis, the bases of growth fields, every pickup location of
 * a review) is answered by the same four statements.
 */

interface KpiRequest {
  readonly scope: KpiScope;
  readonly quarter: FiscalQuarter;
}


/** Committed parcels of the given locations in a quarter: capacity × open days, up to `today` for the quarter in progress. */
export function capacityParcels(locations: readonly PickupCapacityRow[], quarter: FiscalQuarter, today: string): number {
  const first = dayNumber(quarterStartDate(quarter));
  const last = Math.min(dayNumber(quarterEndDate(quarter)), dayNumber(today));
  let parcels = 0;
  for (const location of locations) {
    const from = Math.max(first, dayNumber(location.activeFrom));
    const to = Math.min(last, location.activeTo === null ? Number.POSITIVE_INFINITY : dayNumber(location.activeTo));
    if (to >= from) parcels += (to - from + 1) * location.dailyCapacity;
  }
  return parcels;
}

function toMetric(figures: MetricFigures, quarter: FiscalQuarter, scope: KpiScope): Metric {
  const definition = kpiDefinition(figures.key);
  // A plain object: Metric is in no union or interface, so type-graphql needs no instance, and a request
  // builds hundreds of these (12 quarters × 26 metrics, more for a breakdown).
  return {
    key: figures.key,
    reason: figures.reason,
    value: figures.value,
    numerator: figures.numerator,
    denominator: figures.denominator,
    name: figures.reason === null ? definition.name : `${definition.name}: ${figures.reason}`,
    quarter,
    scope,
    unit: definition.unit,
    direction: definition.direction,
    definition: definition.definition,
  };
}

async function computeBatch(db: Db, requests: readonly KpiRequest[], now: Date): Promise<QuarterlyKpis[]> {
  const scopes = [...new Map(requests.map((r) => [storedScopeId(r.scope), r.scope])).values()];
  const quarterTexts = [...new Set(requests.map((r) => formatFiscalQuarter(r.quarter)))];
  const needsCapacity = scopes.some((s) => s.kind === KpiScopeKind.NATIONAL || s.kind === KpiScopeKind.PICKUP_LOCATION);
  const [rows, histograms, capacities, cycles] = await Promise.all([
    findQuarterTotals(db, scopes, quarterTexts),
    findScopeHistograms(db, scopes, quarterTexts),
    needsCapacity ? findPickupCapacities(db) : Promise.resolve([]),
    findRemittanceCycles(db),
  ]);
  const today = istDateOf(now);
  return requests.map(({ scope, quarter }) => {
    const id = storedScopeId(scope);
    const text = formatFiscalQuarter(quarter);
    const totals = rows.get(id)?.get(text);
    const end = quarterEndDate(quarter);
    const cycle = cycles.filter((c) => c.validFrom <= end).at(-1);
    const locations =
      scope.kind === KpiScopeKind.NATIONAL ? capacities : scope.kind === KpiScopeKind.PICKUP_LOCATION ? capacities.filter((c) => String(c.id) === scope.storedKey) : null;
    const inputs: QuarterInputs = {
      scopeKind: scope.kind,
      rollup: totals?.rollup ?? EMPTY_ROLLUP,
      cumulativeCollectedPaise: totals?.cumulativeCollectedPaise ?? 0,
      cumulativeRemittedPaise: totals?.cumulativeRemittedPaise ?? 0,
      serviceablePins: totals?.serviceablePins ?? 0,
      activePins: totals?.activePins ?? 0,
      transit: histograms.get(id)?.transit.get(text) ?? NO_TRANSIT,
      remittanceDays: histograms.get(id)?.remittanceDays.get(text) ?? new Map(),
      capacityParcels: locations === null ? null : capacityParcels(locations, quarter, today),
      remittanceCycleDays: cycle?.days ?? null,
    };
    const figures = computeQuarterKpis(inputs).map((f) => toMetric(f, quarter, scope));
    return Object.assign(new QuarterlyKpis(), {
      quarter,
      label: fiscalQuarterLabel(quarter),
      startDate: quarterStartDate(quarter),
      endDate: end,
      scope,
      metrics: figures.filter((m) => m.reason === null),
      failedAttemptsByReason: figures
        .filter((m) => m.reason !== null)
        .map((metric) => Object.assign(new ReasonMetric(), { reason: metric.reason!, metric })),
    });
  });
}

export function createKpiLoaders(db: Db, now: () => Date = () => new Date()) {
  return {
    quarterlyKpis: new DataLoader<KpiRequest, QuarterlyKpis, string>((requests) => computeBatch(db, requests, now()), {
      cacheKeyFn: (r) => `${storedScopeId(r.scope)}|${formatFiscalQuarter(r.quarter)}`,
    }),
  };
}

/**
 * The scope a caller asked for, checked: the key must name an existing circle, state, pickup location,
 * product or payment mode, and a viewer restricted to one postal circle may only read that circle.
 */
export async function resolveKpiScope(ctx: Context, input: KpiScopeInput | null | undefined, field = "scope"): Promise<KpiScope> {
  const kind = input?.kind ?? KpiScopeKind.NATIONAL;
  const restricted = circleScope(ctx.viewer);
  if (restricted !== null && !(kind === KpiScopeKind.CIRCLE && input?.key?.trim().toLowerCase() === restricted.toLowerCase())) {
    throw new ForbiddenError(`Your key is restricted to the postal circle "${restricted}": ask for scope { kind: CIRCLE, key: "${restricted}" }.`, {
      field,
    });
  }
  if (kind === KpiScopeKind.NATIONAL) {
    if (input?.key) throw new BadUserInputError(`${field}.key must be omitted for a NATIONAL scope; got ${JSON.stringify(input.key)}.`, { field: `${field}.key`, value: input.key });
    return Object.assign(new KpiScope(), { kind, key: null, name: "India", storedKey: "" });
  }
  const key = input?.key?.trim();
  if (!key) throw new BadUserInputError(`${field}.key is required for a ${kind} scope.`, { field: `${field}.key` });
  const found = await resolveScopeKey(ctx.database.db, kind, key);
  if (found === null) {
    const what: Record<string, string> = {
      CIRCLE: "a postal circle's name (see circles) or 'Army Postal Service'",
      STATE: "a state or union territory as the directory writes it, or 'Army Postal Service'",
      PICKUP_LOCATION: "a pickup location's code (see pickupLocations)",
      PRODUCT: "a product code (see products)",
      PAYMENT_MODE: "PREPAID or COD",
    };
    throw new BadUserInputError(`${field}.key ${JSON.stringify(key)} is not ${what[kind]}.`, { field: `${field}.key`, value: key });
  }
  return Object.assign(new KpiScope(), { kind, key: found.key, name: found.name, storedKey: found.storedKey });
}

/** The KPIs of `scope` for each quarter (in the order given), batched with every other KPI read of the request. */
export async function loadQuarterlyKpis(ctx: Context, scope: KpiScope, quarters: readonly FiscalQuarter[]): Promise<QuarterlyKpis[]> {
  const kpis = await Promise.all(quarters.map((quarter) => ctx.loaders.quarterlyKpis.load({ scope, quarter })));
  return readableKpis(ctx.viewer, kpis);
}

const ROLE_BOUND_KPIS = KPI_DEFINITIONS.filter((d) => d.roles !== undefined);

/**
 * The KPIs as the viewer may read them: a KPI whose definition names roles the viewer lacks keeps its key,
 * name and definition, with value, numerator and denominator null. Everything computed from them (growth,
 * attainment) reads the nulls.
 */
function readableKpis(viewer: Viewer, kpis: QuarterlyKpis[]): QuarterlyKpis[] {
  const hidden = new Set(ROLE_BOUND_KPIS.filter((d) => !hasAnyRole(viewer, d.roles!)).map((d) => d.key));
  if (hidden.size === 0) return kpis;
  return kpis.map((q) =>
    Object.assign(new QuarterlyKpis(), {
      ...q,
      metrics: q.metrics.map((m) => (hidden.has(m.key) ? { ...m, value: null, numerator: null, denominator: null } : m)),
    }),
  );
}

/** Refuses a from/to pair whose from is after its to, naming the argument at fault. */
export function requireQuarterOrder(from: FiscalQuarter, to: FiscalQuarter): void {
  if (compareQuarters(from, to) > 0) {
    throw new BadUserInputError(`from (${formatFiscalQuarter(from)}) must not be after to (${formatFiscalQuarter(to)}).`, { field: "from", value: formatFiscalQuarter(from) });
  }
}

