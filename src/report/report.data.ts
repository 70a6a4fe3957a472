import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { ApolloServer } from "@apollo/server";
import { type ExecutionResult, print } from "graphql";
import type { Config } from "../config.js";
import { type Context, createContext } from "../context.js";
import type { Database } from "../db/client.js";
import { addQuarters, type FiscalQuarter, formatFiscalQuarter, istDateOf, quarterEndDate } from "../lib/fiscal-quarter.js";
import { requireRoot } from "../lib/root-field.js";
import { withRequestScope } from "../lib/request-scope.js";
import {
  type KpiScopeInput,
  QuarterlyReviewDocument,
  type QuarterlyReviewQuery,
  type KpiScopeKind,
  ReportCoverageDocument,
  type ReportCoverageQuery,
  ReportKpiTrendDocument,
  type ReportKpiTrendQuery,
  ReportReferenceDocument,
  type ReportReferenceQuery,
} from "../generated/operations.js";
import { Role } from "../modules/access/access.roles.js";
import { testViewer } from "../modules/access/access.viewer.js";
import { createSchema } from "../schema.js";
import { createApolloServer } from "../server/apollo.js";

/** How many quarters the trend charts show, the report quarter included. */
export const TREND_QUARTERS = 8;

/** Runs one typed operation and returns its data; any GraphQL error is thrown, never half-used. */
export interface ReportGraph {
  /** Where the answers come from, for the report's data-sources section. */
  readonly source: string;
  execute<T, V extends Record<string, unknown>>(document: TypedDocumentNode<T, V>, variables: V): Promise<T>;
  close(): Promise<void>;
}

export class ReportGraphError extends Error {}

function dataOrThrow<T>(operation: string, result: ExecutionResult): T {
  if (result.errors !== undefined && result.errors.length > 0) {
    const described = result.errors.map((e) => {
      const code = (e.extensions as { code?: unknown } | undefined)?.code;
      const path = e.path === undefined ? "" : ` at ${e.path.join(".")}`;
      return `${typeof code === "string" ? `${code}: ` : ""}${e.message}${path}`;
    });
    throw new ReportGraphError(`The graph refused ${operation}: ${described.join("; ")}`);
  }
  if (result.data === null || result.data === undefined) throw new ReportGraphError(`The graph answered ${operation} with no data.`);
  return result.data as T;
}

function operationName(document: TypedDocumentNode<unknown, never>): string {
  const definition = document.definitions.find((d) => d.kind === "OperationDefinition");
  return definition?.kind === "OperationDefinition" && definition.name !== undefined ? definition.name.value : "an operation";
}

/**
 * The viewer the in-process report reads as: what the report shows is aggregates (ANALYST) and COD
 * amounts (FINANCE). Not ADMIN, so the allowlist and every access rule apply exactly as to a partner's key.
 */
export const REPORT_VIEWER = testViewer([Role.ANALYST, Role.FINANCE], { organisation: "PARTNERSHIP", name: "dakgraph report (in-process)" });

/** The real schema and Apollo server over the database, executed without HTTP (executeOperation). */
export async function inProcessGraph(config: Config, database: Database): Promise<ReportGraph> {
  const apollo: ApolloServer<Context> = createApolloServer(await createSchema(), config);
  await apollo.start();
  let requests = 0;
  return {
    source: "the in-process graph (this checkout's schema and resolvers over the configured database)",
    async execute(document, variables) {
      const requestId = `report-${++requests}`;
      const response = await withRequestScope({ requestId, statements: 0 }, () =>
        apollo.executeOperation({ query: print(document), variables }, { contextValue: createContext(config, database, REPORT_VIEWER, requestId) }),
      );
      if (response.body.kind !== "single") throw new ReportGraphError("The graph answered with incremental delivery, which the report does not read.");
      return dataOrThrow(operationName(document), response.body.singleResult as ExecutionResult);
    },
    close: () => apollo.stop(),
  };
}

/** A dakgraph endpoint over HTTP; `apiKey` (an API key or JWT) is sent as a bearer token. */
export function httpGraph(endpoint: string, apiKey: string | null): ReportGraph {
  const url = new URL(endpoint);
  return {
    source: `the dakgraph endpoint ${url.origin}${url.pathname}`,
    async execute(document, variables) {
      const name = operationName(document);
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/graphql-response+json, application/json",
          ...(apiKey === null ? {} : { authorization: `Bearer ${apiKey}` }),
        },
        body: JSON.stringify({ operationName: name, query: print(document), variables }),
      });
      const text = await response.text();
      let body: ExecutionResult;
      try {
        body = JSON.parse(text) as ExecutionResult;
      } catch {
        throw new ReportGraphError(`${url.href} answered ${name} with HTTP ${response.status} and no GraphQL response: ${text.slice(0, 200)}`);
      }
      return dataOrThrow(name, body);
    },
    close: async () => {},
  };
}

export interface ReportRequest {
  readonly quarter: FiscalQuarter;
  /** Omitted: national. */
  readonly scope: KpiScopeInput | null;
}

/** The KPI quarters of the trend, and the review: root fields an analyst's key may be denied, so nullable in the schema. */
export type ReportKpiTrend = NonNullable<ReportKpiTrendQuery["quarterlyKpis"]>;
export type ReportReview = NonNullable<QuarterlyReviewQuery["quarterlyReview"]>;

/** Everything the report shows, as the graph answered it. */
export interface ReportData {
  readonly quarter: string;
  readonly scope: KpiScopeInput | null;
  readonly trend: ReportKpiTrend;
  readonly review: ReportReview;
  readonly coverage: ReportCoverageQuery["coverage"];
  readonly reference: ReportReferenceQuery;
  /** When the graph was read. */
  readonly readAt: Date;
  readonly source: string;
}

/** The variables of the KPI operation for a report: the same ones the test runs to check the CSV. */
export function trendVariables(request: ReportRequest) {
  return {
    from: formatFiscalQuarter(addQuarters(request.quarter, -(TREND_QUARTERS - 1))),
    to: formatFiscalQuarter(request.quarter),
    scope: request.scope,
  };
}

/** Coverage on the quarter's last day, or today (IST) while the quarter is in progress. */
export function coverageVariables(request: ReportRequest, today: Date) {
  const end = quarterEndDate(request.quarter);
  const day = istDateOf(today);
  return { quarter: formatFiscalQuarter(request.quarter), asOf: day < end ? day : end };
}

export async function fetchReportData(graph: ReportGraph, request: ReportRequest): Promise<ReportData> {
  const quarter = formatFiscalQuarter(request.quarter);
  const readAt = new Date();
  // One after another: a second concurrent read would only queue behind the first on PGlite.
  const trend = await graph.execute(ReportKpiTrendDocument, trendVariables(request));
  const review = await graph.execute(QuarterlyReviewDocument, { quarter });
  const coverage = await graph.execute(ReportCoverageDocument, coverageVariables(request, readAt));
  const reference = await graph.execute(ReportReferenceDocument, {});
  return {
    quarter,
    scope: request.scope,
    trend: requireRoot(trend, "quarterlyKpis"),
    review: requireRoot(review, "quarterlyReview"),
    coverage: coverage.coverage,
    reference,
    readAt,
    source: graph.source,
  };
}

const SCOPE_KINDS: readonly KpiScopeKind[] = ["NATIONAL", "CIRCLE", "STATE", "PICKUP_LOCATION", "PRODUCT", "PAYMENT_MODE"];

/** `--scope KIND:KEY` (e.g. `CIRCLE:Maharashtra`, `PICKUP_LOCATION:SYN-DEL`); `NATIONAL` alone is national. */
export function parseScopeOption(raw: string | undefined): KpiScopeInput | null {
  if (raw === undefined) return null;
  const separator = raw.indexOf(":");
  const kind = (separator < 0 ? raw : raw.slice(0, separator)).trim().toUpperCase().replace(/[\s-]+/g, "_");
  const key = separator < 0 ? "" : raw.slice(separator + 1).trim();
  if (!SCOPE_KINDS.includes(kind as KpiScopeKind)) {
    throw new ReportGraphError(`--scope ${JSON.stringify(raw)}: the kind must be one of ${SCOPE_KINDS.join(", ")}, written KIND:KEY (e.g. CIRCLE:Maharashtra).`);
  }
  if (kind === "NATIONAL") return null;
  if (key === "") throw new ReportGraphError(`--scope ${JSON.stringify(raw)}: ${kind} needs a key, e.g. ${kind}:<key>.`);
  return { kind: kind as KpiScopeKind, key };
}
