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

/** Decodes an id that must name `typeName` and carry an integer key. */
export function integerKeyOf(id: string, typeName: string, field = "id"): number {
  const { typeName: actual, key } = fromGlobalId(id, field);
  if (actual !== typeName || !/^\d{1,10}$/.test(key)) throw new InvalidIdError(field, id, typeName);
  return Number(key);
}
