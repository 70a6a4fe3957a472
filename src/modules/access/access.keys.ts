import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../../db/client.js";
import { BadUserInputError } from "../../lib/errors.js";
import { Role } from "./access.roles.js";
import { findApiKeySummaries, findCircleIdByName, hasAnyApiKey, insertApiKey, revokeActiveApiKey } from "./access.repository.js";

/** The partners a viewer can belong to (also the GraphQL enum Organisation). */
export const Organisation = { AMAZON: "AMAZON", INDIA_POST: "INDIA_POST", PARTNERSHIP: "PARTNERSHIP" } as const;
export type Organisation = keyof typeof Organisation;
export const ORGANISATIONS = Object.values(Organisation);

const KEY_PATTERN = /^dak_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

/** `dak_<8 visible characters>_<32 random bytes, base64url>`: 256 bits of secret after the prefix. */
export function generateApiKey(): { key: string; prefix: string } {
  const visible = randomBytes(8)
    .toString("base64url")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "0")
    .slice(0, 8);
  const prefix = `dak_${visible}`;
  return { key: `${prefix}_${randomBytes(32).toString("base64url")}`, prefix };
}

export function looksLikeApiKey(token: string): boolean {
  return KEY_PATTERN.test(token);
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export interface NewApiKey {
  readonly name: string;
  readonly organisation: string;
  readonly roles: readonly string[];
  /** A postal circle's name (any case); only for INDIA_POST keys. */
  readonly circle?: string | null;
}

export interface ApiKeySummary {
  readonly id: number;
  readonly prefix: string;
  readonly name: string;
  readonly organisation: Organisation;
  readonly roles: readonly Role[];
  readonly circle: string | null;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

function parseRoles(roles: readonly string[]): Role[] {
  const parsed = roles.map((role) => role.trim().toUpperCase()).filter((role) => role !== "");
  const unknown = parsed.filter((role) => !(Object.values(Role) as string[]).includes(role));
  if (parsed.length === 0 || unknown.length > 0) {
    throw new BadUserInputError(`roles must be one or more of ${Object.values(Role).join(", ")}; got ${JSON.stringify(roles.join(","))}.`, {
      field: "roles",
      value: roles,
    });
  }
  return [...new Set(parsed)] as Role[];
}

function parseOrganisation(value: string): Organisation {
  const organisation = value.trim().toUpperCase();
  if (!(ORGANISATIONS as readonly string[]).includes(organisation)) {
    throw new BadUserInputError(`organisation must be one of ${ORGANISATIONS.join(", ")}; got ${JSON.stringify(value)}.`, {
      field: "organisation",
      value,
    });
  }
  return organisation as Organisation;
}

async function circleIdOf(db: Db, name: string): Promise<number> {
  const id = await findCircleIdByName(db, name.trim());
  if (id === undefined) {
    throw new BadUserInputError(`circle names no postal circle in the database: ${JSON.stringify(name)} (see the circles query).`, {
      field: "circle",
      value: name,
    });
  }
  return id;
}

/** Stores a new key and returns it: the only time the key itself is available. */
export async function createApiKey(db: Db, input: NewApiKey): Promise<{ key: string; summary: ApiKeySummary }> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 120) {
    throw new BadUserInputError(`name must be 1 to 120 characters; got ${name.length}.`, { field: "name", value: input.name });
  }
  const organisation = parseOrganisation(input.organisation);
  const roles = parseRoles(input.roles);
  const circle = input.circle?.trim() || null;
  if (circle !== null && organisation !== "INDIA_POST") {
    throw new BadUserInputError("A circle restriction is for INDIA_POST keys only.", { field: "circle", value: circle });
  }
  const circleId = circle === null ? null : await circleIdOf(db, circle);
  const { key, prefix } = generateApiKey();
  const id = await insertApiKey(db, { prefix, keyHash: hashApiKey(key), name, organisation, roles, circleId });
  const [summary] = await listApiKeys(db, id);
  return { key, summary: summary! };
}

/** Every key (revoked ones too), oldest first; or the one with `id`. */
export async function listApiKeys(db: Db, id?: number): Promise<ApiKeySummary[]> {
  return (await findApiKeySummaries(db, id)) as ApiKeySummary[];
}

/** Revokes the key with this prefix (`dak_xxxxxxxx`) or numeric id; returns it, or undefined when none is active. */
export async function revokeApiKey(db: Db, prefixOrId: string): Promise<ApiKeySummary | undefined> {
  const value = prefixOrId.trim();
  const id = await revokeActiveApiKey(db, /^\d+$/.test(value) ? { id: Number(value) } : { prefix: value.slice(0, 12) });
  if (id === undefined) return undefined;
  return (await listApiKeys(db, id))[0];
}

/**
 * The first start on the embedded database has no keys and so no way to use the explorer's
 * restricted fields: make one ADMIN key and return it, once. Null when any key (even revoked) exists.
 */
export async function createFirstAdminKey(db: Db): Promise<string | null> {
  if (await hasAnyApiKey(db)) return null;
  const { key } = await createApiKey(db, { name: "local admin (first start)", organisation: "PARTNERSHIP", roles: [Role.ADMIN] });
  return key;
}
