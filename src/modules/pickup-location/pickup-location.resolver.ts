import { orderByList, whereCondition } from "../../db/query-read.js";
import { QUERY, QUERY_MODEL } from "../../projections.js";
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { BadUserInputError, ForbiddenError } from "../../lib/errors.js";
import { circleScope, Restricted, Role } from "../access/access.roles.js";
import { integerKeyOf, toGlobalId } from "../../lib/global-id.js";
import { eitherName, givenName, renamedTo } from "../../lib/renamed.js";
import { DateScalar } from "../../lib/scalars.js";
import { findPostOfficesByIds } from "../post-office/post-office.repository.js";
import type { PostOfficeRow } from "../post-office/post-office.sql.js";
import { PostOffice } from "../post-office/post-office.type.js";
import { UpsertPickupLocationInput } from "./pickup-location.input.js";
import {
  findPickupLocationByCode,
  findPickupLocations,
  insertPickupLocationIfAbsent,
  type PickupLocationValues,
  updatePickupLocation,
} from "./pickup-location.repository.js";
import type { PickupLocationRow } from "./pickup-location.sql.js";
import { PickupLocation, UpsertPickupLocationPayload } from "./pickup-location.type.js";
import { BY_FIELD, type InputDeclarations } from "../access/access.inputs.js";

/** The generated filter and order inputs of pickup locations (src/lib/query-inputs.ts). */
const PickupLocationWhere = QUERY.where("PickupLocation");
const PickupLocationOrderBy = QUERY.orderBy("PickupLocation");

const MAX_CAPACITY = 1_000_000;

/** The payload as resolved: the location is the stored row (its fields resolve through this resolver). */
interface UpsertResult {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly pickupLocation: PickupLocationRow;
}

function requiredText(value: string, field: string, max: number): string {
  const text = value.replace(/\s+/g, " ").trim();
  if (text.length === 0 || text.length > max) {
    throw new BadUserInputError(`${field} must be 1 to ${max} characters; got ${text.length}.`, { field, value });
  }
  return text;
}

/** Validated column values of an upsert; every error names its input field. */
function valuesOf(input: UpsertPickupLocationInput): Omit<PickupLocationValues, "state"> {
  const code = input.code.trim().toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9-]{1,31}$/.test(code)) {
    throw new BadUserInputError(`input.code must be 2-32 letters, digits or hyphens, starting with a letter or digit; got ${JSON.stringify(input.code)}.`, {
      field: "input.code",
      value: input.code,
    });
  }
  if (!Number.isInteger(input.dailyCapacity) || input.dailyCapacity < 1 || input.dailyCapacity > MAX_CAPACITY) {
    throw new BadUserInputError(`input.dailyCapacity must be 1 to ${MAX_CAPACITY} parcels per day; got ${input.dailyCapacity}.`, {
      field: "input.dailyCapacity",
      value: input.dailyCapacity,
    });
  }
  const given = input as unknown as Record<string, unknown>;
  const from = givenName<string>(given, { current: "validFrom", deprecated: "activeFrom" }, "input.");
  const activeFrom = from.value;
  if (activeFrom === null) throw new BadUserInputError("input.validFrom is required: the first day of operation.", { field: "input.validFrom" });
  const to = givenName<string>(given, { current: "validTo", deprecated: "activeTo" }, "input.");
  const activeTo = to.value;
  // Named as the caller sent them: a client still on the old names reads its own field names back.
  if (activeTo !== null && activeTo < activeFrom) {
    throw new BadUserInputError(`${to.field} (${activeTo}) is before ${from.field} (${activeFrom}).`, { field: to.field, value: activeTo });
  }
  return {
    code,
    name: requiredText(input.name, "input.name", 120),
    postOfficeId: integerKeyOf(input.postOfficeId, "PostOffice", "input.postOfficeId"),
    city: requiredText(input.city, "input.city", 80),
    activeFrom,
    activeTo,
    dailyCapacity: input.dailyCapacity,
  };
}

/** True when the office lies in the viewer's circle scope (always, for viewers without one). */
async function officeInScope(ctx: Context, office: Pick<PostOfficeRow, "circleId">): Promise<boolean> {
  const scope = circleScope(ctx.viewer);
  if (scope === null) return true;
  const circle = office.circleId === null ? null : await ctx.loaders.circleById.load(office.circleId);
  return circle?.name.toLowerCase() === scope.toLowerCase();
}

/** A location as the viewer may see it: null when absent or outside the viewer's circle. */
export async function scopedPickupLocation(ctx: Context, row: PickupLocationRow | null): Promise<PickupLocationRow | null> {
  if (row === null) return null;
  const office = await ctx.loaders.postOfficeById.load(row.postOfficeId);
  return office !== null && (await officeInScope(ctx, office)) ? row : null;
}

/** A location by id as the viewer may see it: null when absent or outside the viewer's circle. */
export async function findScopedPickupLocation(ctx: Context, id: number): Promise<PickupLocationRow | null> {
  return scopedPickupLocation(ctx, await ctx.loaders.pickupLocationById.load(id));
}

/**
 * A circle-limited viewer may write only locations at offices of its circle, and may not move one
 * in from elsewhere. Checked before the transaction: on PGlite a read outside an open transaction
 * would wait for it.
 */
async function requireCircleScope(ctx: Context, postOfficeId: number, code: string): Promise<void> {
  const scope = circleScope(ctx.viewer);
  if (scope === null) return;
  const existing = await findPickupLocationByCode(ctx.database.db, code);
  for (const officeId of existing === undefined ? [postOfficeId] : [postOfficeId, existing.postOfficeId]) {
    const office = await ctx.loaders.postOfficeById.load(officeId);
    // An unknown office is the transaction's BAD_USER_INPUT, not a scope question.
    if (office !== null && !(await officeInScope(ctx, office))) {
      throw new ForbiddenError(`This viewer may change pickup locations of the ${scope} circle only.`, {
        field: "Mutation.upsertPickupLocation",
        circle: scope,
      });
    }
  }
}

function sameValues(row: PickupLocationRow, values: PickupLocationValues): boolean {
  return (Object.keys(values) as (keyof PickupLocationValues)[]).every((key) => row[key] === values[key]);
}

@Resolver(() => PickupLocation)
export class PickupLocationResolver {
  @Restricted()
  @Query(() => PickupLocation, {
    nullable: true,
    description: "One pickup location by its code (any case); null when there is none (or it is outside the viewer's postal circle).",
  })
  async pickupLocation(
    @Arg("code", () => String, { description: "The location's code, e.g. 'DEL-GPO'." }) code: string,
    @Ctx() ctx: Context,
  ): Promise<PickupLocationRow | null> {
    return (await findPickupLocationByCode(ctx.database.db, code.trim().toUpperCase(), circleScope(ctx.viewer))) ?? null;
  }

  @Restricted()
  @Query(() => [PickupLocation], {
    description: "Pickup locations by code; with `asOf`, only those open that day (validFrom ≤ day ≤ validTo).",
  })
  async pickupLocations(
    @Arg("asOf", () => DateScalar, { nullable: true, description: "An IST calendar day: only locations open on it. Omitted: all, closed ones included." })
    asOf: string | null,
    @Arg("activeOn", () => DateScalar, { nullable: true, deprecationReason: renamedTo("asOf"), description: "The old name of asOf." })
    activeOn: string | null,
    @Arg("where", () => PickupLocationWhere, { nullable: true, description: "Which locations: conditions on their fields and their post office; omitted: all." })
    where: Record<string, unknown> | null,
    @Arg("orderBy", () => [PickupLocationOrderBy], { nullable: true, description: "Order, key by key; ties by the location's internal id. Default: by code." })
    orderBy: { field: string; direction?: string | null }[] | null,
    @Ctx() ctx: Context,
  ): Promise<PickupLocationRow[]> {
    const day = eitherName<string>({ asOf, activeOn }, { current: "asOf", deprecated: "activeOn" });
    const rows = await findPickupLocations(
      ctx.database.db,
      day,
      circleScope(ctx.viewer),
      whereCondition(QUERY_MODEL, "PickupLocation", where, "l"),
      orderBy === null || orderBy === undefined ? null : orderByList(QUERY_MODEL, "PickupLocation", orderBy, [], "l"),
    );
    for (const row of rows) ctx.loaders.pickupLocationById.prime(row.id, row);
    return rows;
  }

  @Restricted(Role.OPERATOR)
  @Mutation(() => UpsertPickupLocationPayload, {
    description:
      "Creates a pickup location, or updates the one with the same code. Idempotent: the same input again " +
      "reports unchanged and writes nothing. A location is never deleted: close it by setting validTo.",
  })
  async upsertPickupLocation(
    @Arg("input", () => UpsertPickupLocationInput, { description: "The location." }) input: UpsertPickupLocationInput,
    @Ctx() ctx: Context,
  ): Promise<UpsertResult> {
    const partial = valuesOf(input);
    await requireCircleScope(ctx, partial.postOfficeId, partial.code);
    return ctx.database.transaction(async ({ db }) => {
      const [office] = await findPostOfficesByIds(db, [partial.postOfficeId]);
      if (office === undefined) {
        throw new BadUserInputError(`input.postOfficeId names no post office: ${input.postOfficeId}.`, {
          field: "input.postOfficeId",
          value: input.postOfficeId,
        });
      }
      const values: PickupLocationValues = { ...partial, state: office.state };
      const inserted = await insertPickupLocationIfAbsent(db, values);
      if (inserted !== undefined) return { created: 1, updated: 0, unchanged: 0, pickupLocation: inserted };
      // Read in a statement of its own: under READ COMMITTED it sees the row a concurrent upsert has just committed.
      const existing = (await findPickupLocationByCode(db, values.code))!;
      if (sameValues(existing, values)) {
        return { created: 0, updated: 0, unchanged: 1, pickupLocation: existing };
      }
      const pickupLocation = await updatePickupLocation(db, existing.id, values);
      return { created: 0, updated: 1, unchanged: 0, pickupLocation };
    });
  }

  @FieldResolver(() => ID, { description: "Global id of the location." })
  id(@Root() location: PickupLocationRow): string {
    return toGlobalId("PickupLocation", location.id);
  }

  @FieldResolver(() => DateScalar, { name: "activeFrom", deprecationReason: renamedTo("validFrom"), description: "First day of operation (inclusive)." })
  deprecatedActiveFrom(@Root() location: PickupLocationRow): string {
    return location.activeFrom;
  }

  @FieldResolver(() => DateScalar, { name: "activeTo", nullable: true, deprecationReason: renamedTo("validTo"), description: "Last day of operation (inclusive)." })
  deprecatedActiveTo(@Root() location: PickupLocationRow): string | null {
    return location.activeTo;
  }

  @FieldResolver(() => PostOffice, { description: "The India Post office the location sits at." })
  async postOffice(@Root() location: PickupLocationRow, @Ctx() ctx: Context): Promise<PostOfficeRow> {
    return (await ctx.loaders.postOfficeById.load(location.postOfficeId))!;
  }
}

@Resolver(() => PostOffice)
export class PostOfficePickupLocationsResolver {
  @Restricted()
  @FieldResolver(() => [PickupLocation], {
    nullable: true,
    description:
      "Amazon pickup locations at this office (usually none), by code, closed ones included; empty outside the " +
      "viewer's postal circle. Null, with an UNAUTHENTICATED error, for callers without credentials.",
  })
  async pickupLocations(@Root() office: PostOfficeRow, @Ctx() ctx: Context): Promise<PickupLocationRow[]> {
    if (!(await officeInScope(ctx, office))) return [];
    return ctx.loaders.pickupLocationsByPostOfficeId.load(office.id);
  }
}

/** What each pickup-location input selects rows by (access.inputs.ts). */
export const pickupLocationInputAccess: InputDeclarations = {
  "Query.pickupLocation(code:)": "PickupLocation.code",
  "Query.pickupLocations(asOf:)": "PickupLocation.validFrom",
  "Query.pickupLocations(activeOn:)": "PickupLocation.validFrom",
  "Query.pickupLocations(where:)": BY_FIELD,
  "Query.pickupLocations(orderBy:)": BY_FIELD,
};
