import fs from "node:fs";
import { type Change, CriticalityLevel, diff, DiffRule } from "@graphql-inspector/core";
import { buildSchema, type GraphQLSchema } from "graphql";

/*
 * The schema compatibility check (README "Releasing the schema"): schema/schema.graphql against the
 * last release's schema/released.graphql, classified by @graphql-inspector/core's diff.
 *
 * A BREAKING change fails the check unless it is marked, in one of two ways:
 * - deprecation first: a field, enum value or input field that carries @deprecated(reason:) in the
 *   released schema may be removed (inspector's suppressRemovalOfDeprecatedField rule turns the removal
 *   into DANGEROUS), so a consumer had one release of warning in introspection and in the explorer;
 * - an entry of schema/allowed-breaking-changes.json, for what cannot be deprecated first (an argument's
 *   type narrowed, a nullable field made non-null in an input): the change's type and path exactly as
 *   the check prints them, and a reason a reviewer can read. An entry that matches no change fails too,
 *   so the list is emptied when the release moves released.graphql forward.
 * DANGEROUS and NON_BREAKING changes pass; they are listed for the reviewer.
 */

export interface AllowedBreakingChange {
  /** inspector's ChangeType, e.g. FIELD_REMOVED, FIELD_ARGUMENT_TYPE_CHANGED. */
  readonly type: string;
  /** The change's path, e.g. `Query.shipments` or `Query.shipments.first`. */
  readonly path: string;
  /** Why the break is acceptable and who is told: required, never empty. */
  readonly reason: string;
}

export interface CompatibilityReport {
  /** Breaking changes with no marking: each fails the check. */
  readonly unmarked: readonly Change[];
  /** Breaking changes the allow-list accepts. */
  readonly allowed: readonly Change[];
  /** Allow-list entries that match no change (stale: fail the check). */
  readonly stale: readonly AllowedBreakingChange[];
  /** Dangerous changes, removals of deprecated elements among them (pass). */
  readonly dangerous: readonly Change[];
  readonly nonBreaking: readonly Change[];
}

/** Reads and validates an allow-list file: an array of { type, path, reason }. */
export function readAllowList(file: string): AllowedBreakingChange[] {
  const entries: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!Array.isArray(entries)) throw new Error(`${file}: expected an array of { type, path, reason }`);
  return entries.map((entry: unknown, i) => {
    const e = entry as Partial<AllowedBreakingChange>;
    for (const key of ["type", "path", "reason"] as const) {
      if (typeof e[key] !== "string" || e[key].trim() === "") throw new Error(`${file}[${i}]: "${key}" must be a non-empty string`);
    }
    return { type: e.type!, path: e.path!, reason: e.reason! };
  });
}

export async function compareSchemas(released: GraphQLSchema, current: GraphQLSchema, allowList: readonly AllowedBreakingChange[]): Promise<CompatibilityReport> {
  const changes = await diff(released, current, [DiffRule.suppressRemovalOfDeprecatedField]);
  const matches = (entry: AllowedBreakingChange, change: Change) => entry.type === change.type && entry.path === change.path;
  const breaking = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking);
  return {
    unmarked: breaking.filter((c) => !allowList.some((e) => matches(e, c))),
    allowed: breaking.filter((c) => allowList.some((e) => matches(e, c))),
    stale: allowList.filter((e) => !breaking.some((c) => matches(e, c))),
    dangerous: changes.filter((c) => c.criticality.level === CriticalityLevel.Dangerous),
    nonBreaking: changes.filter((c) => c.criticality.level === CriticalityLevel.NonBreaking),
  };
}

export function compareSdl(released: string, current: string, allowList: readonly AllowedBreakingChange[] = []): Promise<CompatibilityReport> {
  return compareSchemas(buildSchema(released), buildSchema(current), allowList);
}

/** The report as the failing test prints it: one line per change, type and path first (what an allow-list entry copies). */
export function describeReport(report: CompatibilityReport): string {
  const line = (c: Change) => `  ${c.type} ${c.path ?? ""}: ${c.message}`;
  return [
    ...(report.unmarked.length > 0 ? ["Breaking changes not marked (deprecate first, or allow-list with a reason):", ...report.unmarked.map(line)] : []),
    ...(report.stale.length > 0 ? ["Allow-list entries matching no breaking change (remove them):", ...report.stale.map((e) => `  ${e.type} ${e.path}`)] : []),
    ...(report.allowed.length > 0 ? ["Allowed breaking changes:", ...report.allowed.map(line)] : []),
    ...(report.dangerous.length > 0 ? ["Dangerous changes (pass; check the consumers):", ...report.dangerous.map(line)] : []),
  ].join("\n");
}
