import { type GraphQLSchema, isInterfaceType, isObjectType, type GraphQLResolveInfo, responsePathAsArray } from "graphql";
import { type AuthCheckerFn, Authorized, Extensions } from "type-graphql";
import type { Context } from "../../context.js";
import { ForbiddenError, UnauthenticatedError } from "../../lib/errors.js";
import { requireInputs } from "./access.inputs.js";
import type { Viewer } from "./access.viewer.js";

/**
 * Who may read what. Every rule of the graph's access model is in this file.
 *
 * How a module marks a field, query or mutation:
 *
 * ```ts
 * @Restricted(Role.FINANCE)            // FINANCE (and ADMIN) only
 * @Field(() => Money, { nullable: true, description: "COD amount collected." })
 * codAmount!: Money | null;
 *
 * @Restricted(Role.OPERATOR)           // every mutation: OPERATOR or stricter
 * @Mutation(() => RecordShipmentsPayload, { description: "…" })
 * recordShipments(…) {}
 *
 * @Restricted()                        // any authenticated viewer, whatever its roles
 * @Query(() => [PickupLocation], { description: "…" })
 * pickupLocations(…) {}
 *
 * @Public()                            // anonymous callers too, while DAKGRAPH_PUBLIC_DIRECTORY is on
 * @Query(() => PostOfficeConnection, { description: "…" })
 * postOffices(…) {}
 * ```
 *
 * - Every root field (Query, Mutation) carries one of the three; a test fails otherwise. Fields of
 *   object types are open to whoever reached their parent unless marked.
 * - Mark a nullable field where possible: a denied nullable field becomes null with one FORBIDDEN
 *   error at its path, and the rest of the response is kept. A denied non-null field nulls its parent.
 * - The schema's description of a marked field gets "Visible to: …" appended at build time
 *   (applyAccessDescriptions), so the SDL tells readers the rule; do not write it by hand.
 * - Row-level: an India Post viewer may be restricted to one postal circle (`viewer.circle`). A
 *   repository that returns rows with a circle takes `circleScope(ctx.viewer)` and, when it is not
 *   null, keeps only that circle's rows (see pickup-location.repository.ts for the pattern); a
 *   single row outside the scope reads as absent (null), never as an error that would reveal it.
 * - Analysts see aggregates: address-level, per-shipment fields get `@Restricted(Role.OPERATOR)`
 *   (or a stricter role), never ANALYST.
 * - Army Postal rows: a field whose value is restricted further for rows bound for the Army Postal
 *   Service is marked `@RestrictedArmyPostal([Role.OPERATOR], [Role.ARMY_POSTAL])`: such rows need a
 *   role of each list. The resolver tells which rows are Army rows (requireArmyPostal).
 * - Every way in: an argument, input field or group-by value that selects or splits rows by a stored
 *   value needs the roles of the output field that shows that value, with the same denials. Each module
 *   declares, for each argument and input field reachable from Query, which output field it mirrors
 *   (an InputDeclarations map beside its args, see access.inputs.ts); the roles come from that output
 *   field's mark, never written twice. The check runs in this file's authChecker on the resolver path and
 *   in the single-statement plans (which decline to the resolvers), and a test enumerates the schema's
 *   inputs against the declarations.
 * - Errors never echo a stored value the caller could not read through the graph (CONFLICT errors
 *   say the input "differs from the stored value" without it; see storedValueReader).
 *
 * Denials: an anonymous caller on a restricted field gets UNAUTHENTICATED (sending a key would help);
 * a known viewer without the role gets FORBIDDEN, with `field` (Type.field), `requiredRoles` and
 * `viewerRoles`. The checker throws these itself: type-graphql's authMode "null" would null the field
 * silently, and its "error" mode uses the code UNAUTHORIZED, which is not ours.
 */
export enum Role {
  VIEWER = "VIEWER",
  ANALYST = "ANALYST",
  OPERATOR = "OPERATOR",
  FINANCE = "FINANCE",
  ARMY_POSTAL = "ARMY_POSTAL",
  ADMIN = "ADMIN",
}

export const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = {
  VIEWER: "Reads the partnership's reference data: pickup locations, products, the directory.",
  ANALYST: "Reads aggregates and KPIs; no per-shipment address-level details.",
  OPERATOR: "Runs mutations (records shipments, scans, pickup locations) and reads per-shipment details.",
  FINANCE: "Reads COD amounts and remittances.",
  ARMY_POSTAL: "Reads Army Postal Service (APS) location details.",
  ADMIN: "Everything: implies every other role, and is exempt from the operation allowlist.",
};

/** A pseudo-role: anonymous callers may read the field while the directory is public (config). */
export const PUBLIC = "PUBLIC";
type Audience = Role | typeof PUBLIC;

/** The GraphQL field extension that carries the audience; tests enumerate restricted fields by it. */
export const ACCESS_EXTENSION = "access";

export interface AccessExtension {
  /** Roles that may read the field; empty: any authenticated viewer; ["PUBLIC"]: anyone (see config). */
  readonly roles: readonly Audience[];
  /** For rows bound for the Army Postal Service, one of these roles as well. */
  readonly armyPostal?: readonly Role[];
}

function mark(roles: readonly Audience[], armyPostal?: readonly Role[]): MethodDecorator & PropertyDecorator {
  const authorized = Authorized<Audience>(roles);
  const access: AccessExtension = armyPostal === undefined ? { roles } : { roles, armyPostal };
  const extensions = Extensions({ [ACCESS_EXTENSION]: access });
  return (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    authorized(target, key, descriptor as never);
    extensions(target, key, descriptor as never);
  };
}

/** Readable by viewers holding one of `roles` (ADMIN always); with no roles, by any authenticated viewer. */
export function Restricted(...roles: Role[]): MethodDecorator & PropertyDecorator {
  return mark(roles);
}

/** Like Restricted(...roles); rows bound for the Army Postal Service need one of `armyPostal` as well (see requireArmyPostal). */
export function RestrictedArmyPostal(roles: Role[], armyPostal: Role[]): MethodDecorator & PropertyDecorator {
  return mark(roles, armyPostal);
}

/** Readable without credentials while DAKGRAPH_PUBLIC_DIRECTORY is on (the default); otherwise by any authenticated viewer. */
export function Public(): MethodDecorator & PropertyDecorator {
  return mark([PUBLIC]);
}

export function isAuthenticated(viewer: Viewer): boolean {
  return viewer.kind !== "anonymous";
}

/** True when the viewer holds one of the roles; ADMIN implies all. An empty list asks only for authentication. */
export function hasAnyRole(viewer: Viewer, roles: readonly Role[]): boolean {
  if (!isAuthenticated(viewer)) return false;
  if (roles.length === 0 || viewer.roles.includes(Role.ADMIN)) return true;
  return roles.some((role) => viewer.roles.includes(role));
}

/** Whether the viewer passes a field's mark (its Army Postal clause when `armyPostalRow`). */
export function mayRead(viewer: Viewer, access: AccessExtension, publicDirectory: boolean, armyPostalRow = false): boolean {
  const base = access.roles.includes(PUBLIC) ? publicDirectory || isAuthenticated(viewer) : hasAnyRole(viewer, access.roles as Role[]);
  return base && (!armyPostalRow || access.armyPostal === undefined || hasAnyRole(viewer, access.armyPostal));
}

function rolesText(roles: readonly Audience[]): string {
  if (roles.includes(PUBLIC)) return "anyone; no credentials needed (unless the server sets DAKGRAPH_PUBLIC_DIRECTORY=false)";
  if (roles.length === 0) return "any authenticated viewer";
  return [...new Set([...roles, Role.ADMIN])].join(", ");
}

export function visibleTo(access: AccessExtension, what = "Visible to", armyPostalOf = "Army Postal rows"): string {
  const army = access.armyPostal === undefined ? "" : `; for ${armyPostalOf}, also ${[...new Set([...access.armyPostal, Role.ADMIN])].join(" or ")}`;
  return `${what}: ${rolesText(access.roles)}${army}.`;
}

function fieldName(info: GraphQLResolveInfo): string {
  return `${info.parentType.name}.${info.fieldName}`;
}

/**
 * Throws unless the viewer may read `field`: for checks a decorator cannot express (a node(id:) of a
 * restricted type, a mutation whose target row is outside the viewer's circle).
 */
export function requireRoles(
  viewer: Viewer,
  roles: readonly Role[],
  field: string,
  path?: readonly (string | number)[],
  details: Readonly<Record<string, unknown>> = {},
): void {
  if (!isAuthenticated(viewer)) {
    throw new UnauthenticatedError(`${field} needs credentials: send "Authorization: Bearer <API key or token>".`, {
      field,
      ...(path === undefined ? {} : { path: path.join(".") }),
      ...details,
    });
  }
  if (hasAnyRole(viewer, roles)) return;
  const required = [...new Set([...roles, Role.ADMIN])];
  throw new ForbiddenError(`${field} is visible to ${required.join(", ")}; this viewer has ${viewer.roles.join(", ") || "no roles"}.`, {
    field,
    requiredRoles: required,
    viewerRoles: [...viewer.roles],
    ...details,
  });
}

/**
 * Whether the viewer could read the output field `coordinate` ("Type.field") of a row, an Army Postal row
 * when `armyPostalRow`: what an error may echo of a stored value (a CONFLICT's `stored`).
 */
export function mayReadField(viewer: Viewer, schema: GraphQLSchema, coordinate: string, armyPostalRow = false): boolean {
  const [typeName, name] = coordinate.split(".");
  const type = schema.getType(typeName ?? "");
  const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[name ?? ""] : undefined;
  if (field === undefined) throw new Error(`mayReadField: the schema has no ${coordinate}`);
  const access = field.extensions[ACCESS_EXTENSION] as AccessExtension | undefined;
  return access === undefined || mayRead(viewer, access, false, armyPostalRow);
}

/**
 * Whether an error may show the caller a stored value: `field` is the output field showing it
 * ("Shipment.codAmount"), `armyPostalRow` whether the stored row is bound for the Army Postal Service.
 */
export type StoredValueReader = (field: string, armyPostalRow: boolean) => boolean;

/** Tools with the database's own access (imports, the CLI) may see every stored value. */
export const READS_ALL_STORED: StoredValueReader = () => true;

/** What the viewer could read through the graph (mayReadField), for the mutations' CONFLICT errors. */
export function storedValueReader(viewer: Viewer, schema: GraphQLSchema): StoredValueReader {
  return (field, armyPostalRow) => mayReadField(viewer, schema, field, armyPostalRow);
}

/** The mark of the field being resolved, if any. */
function accessOf(info: GraphQLResolveInfo): AccessExtension | undefined {
  return info.parentType.getFields()[info.fieldName]?.extensions[ACCESS_EXTENSION] as AccessExtension | undefined;
}

/** For a row bound for the Army Postal Service: throws unless the viewer holds the field's Army Postal roles too. */
export function requireArmyPostal(viewer: Viewer, info: GraphQLResolveInfo): void {
  const armyPostal = accessOf(info)?.armyPostal;
  if (armyPostal !== undefined) requireRoles(viewer, armyPostal, fieldName(info), responsePathAsArray(info.path));
}

/** type-graphql's authChecker: throws UNAUTHENTICATED / FORBIDDEN rather than answering false (see above). */
export const authChecker: AuthCheckerFn<Context, Audience> = ({ context, info, args }, roles) => {
  if (roles.includes(PUBLIC)) {
    if (!context.config.publicDirectory && !isAuthenticated(context.viewer)) requireRoles(context.viewer, [], fieldName(info), responsePathAsArray(info.path));
  } else {
    requireRoles(context.viewer, roles as Role[], fieldName(info), responsePathAsArray(info.path));
  }
  // The field may be read; its arguments may still select rows by a value the viewer may not read.
  const field = info.parentType.getFields()[info.fieldName];
  if (field !== undefined && field.args.length > 0) requireInputs(context.viewer, context.config.publicDirectory, field, args);
  return true;
};

/**
 * Appends "Visible to: …" to the description of every marked field, so the SDL (the analysts' data
 * dictionary) states the rule the server enforces, from the same decorator.
 */
export function applyAccessDescriptions(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const access = field.extensions[ACCESS_EXTENSION] as AccessExtension | undefined;
      if (access === undefined) continue;
      const rule = visibleTo(access);
      field.description = field.description ? `${field.description} ${rule}` : rule;
    }
  }
}

/**
 * The postal circle a viewer's rows are limited to (a circle name, as in postal_circle.name), or
 * null for no limit. Repositories filter on it; ADMIN is never limited.
 */
export function circleScope(viewer: Viewer): string | null {
  if (viewer.roles.includes(Role.ADMIN)) return null;
  return viewer.circle;
}
