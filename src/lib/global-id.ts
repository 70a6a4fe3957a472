import { InvalidIdError } from "./errors.js";

/**
 * Relay global ids: base64url("<TypeName>:<key>"). Opaque to clients; `node(id:)`
 * resolves any of them.
 */
export function toGlobalId(typeName: string, key: string | number): string {
  return Buffer.from(`${typeName}:${key}`, "utf8").toString("base64url");
}

export interface DecodedGlobalId {
  readonly typeName: string;
  readonly key: string;
}

export function fromGlobalId(id: string, field = "id"): DecodedGlobalId {
  const decoded = /^[A-Za-z0-9_-]{1,200}$/.test(id) ? Buffer.from(id, "base64url").toString("utf8") : "";
  const match = /^([A-Za-z]+):(.+)$/.exec(decoded);
  if (match === null) throw new InvalidIdError(field, id);
  return { typeName: match[1]!, key: match[2]! };
}

/** The largest key a serial column holds (PostgreSQL's integer); every integer key is a serial. */
export const MAX_INTEGER_KEY = 2_147_483_647;

/**
 * Decodes an id that must name `typeName` and carry an integer key from 1 to MAX_INTEGER_KEY: anything else names
 * nothing, and would otherwise reach PostgreSQL as an integer out of range.
 */
export function integerKeyOf(id: string, typeName: string, field = "id"): number {
  const { typeName: actual, key } = fromGlobalId(id, field);
  const value = /^\d{1,10}$/.test(key) ? Number(key) : 0;
  if (actual !== typeName || value < 1 || value > MAX_INTEGER_KEY) throw new InvalidIdError(field, id, typeName);
  return value;
}
