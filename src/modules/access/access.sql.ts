import { sql } from "drizzle-orm";
import { bigserial, check, index, integer, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";
import { circleTable } from "../postal-hierarchy/postal-hierarchy.sql.js";

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * API keys of partner users and services. Only a SHA-256 digest of each key is
 * stored: the key itself is shown once, when it is created. Keys are long
 * random strings, so a plain digest (no salt, no slow hash) cannot be reversed
 * and can be looked up by equality. A revoked key keeps its row for the audit log.
 */
export const apiKeyTable = pgTable(
  "api_key",
  {
    id: serial("id").primaryKey(),
    /** The visible start of the key (`dak_` + 8 characters), to recognise it in lists and logs. */
    prefix: text("prefix").notNull().unique(),
    /** Hex SHA-256 of the whole key. */
    keyHash: text("key_hash").notNull().unique(),
    name: text("name").notNull(),
    organisation: text("organisation").notNull(),
    roles: text("roles").array().notNull(),
    /** India Post circle users see only their circle's rows; null: no restriction. */
    circleId: integer("circle_id").references(() => circleTable.id),
    createdAt: instant("created_at").notNull().default(sql`now()`),
    revokedAt: instant("revoked_at"),
    /** Refreshed at most once every 5 s per server process (keys are cached that long: access.viewer.ts). */
    lastUsedAt: instant("last_used_at"),
  },
  (t) => [
    check("api_key_organisation", sql`${t.organisation} in ('AMAZON', 'INDIA_POST', 'PARTNERSHIP')`),
    check("api_key_roles", sql`cardinality(${t.roles}) > 0`),
  ],
);

/**
 * One row per mutation request: written before the mutation runs (outcome
 * PENDING) and completed after it. No foreign key to api_key: the log must
 * outlive anything it mentions.
 */
export const auditLogTable = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: instant("at").notNull().default(sql`now()`),
    requestId: text("request_id").notNull(),
    /** apiKey, token or test; anonymous callers cannot reach a mutation but would be logged as such. */
    viewerKind: text("viewer_kind").notNull(),
    apiKeyId: integer("api_key_id"),
    viewerName: text("viewer_name"),
    organisation: text("organisation"),
    operationName: text("operation_name"),
    /** The mutation's root fields, in document order. */
    fields: text("fields").array().notNull(),
    /** Bytes of the document plus its JSON variables. */
    inputBytes: integer("input_bytes").notNull(),
    /** PENDING while running; then OK or the first error's extensions.code. */
    outcome: text("outcome").notNull(),
    finishedAt: instant("finished_at"),
  },
  (t) => [index("audit_log_at").on(t.at), index("audit_log_api_key").on(t.apiKeyId)],
);

export type ApiKeyRow = typeof apiKeyTable.$inferSelect;
export type AuditLogRow = typeof auditLogTable.$inferSelect;
