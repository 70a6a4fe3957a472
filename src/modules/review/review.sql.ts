import { sql } from "drizzle-orm";
import { boolean, check, date, doublePrecision, index, integer, pgTable, primaryKey, serial, text, timestamp, unique } from "drizzle-orm/pg-core";
import { updatedAt } from "../../db/columns.js";
import { type KpiScopeKindValue, scopeKindCheck } from "../kpi/kpi.sql.js";

/*
 * The governance side of the quarterly review (the MoU's "quarterly reviews to monitor progress"):
 * KPI targets per quarter × scope, and the review meetings with their action items.
 */

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * A target for one KPI in one fiscal quarter and scope. The scope is stored under the same key the KPI
 * rollups use (kpi_rollup.scope_key): '' for NATIONAL, the circle or state name as the directory writes
 * it, the pickup location's id, the product code or the payment mode; so a Metric finds its target by
 * (quarter, scope kind, stored key, KPI) without a lookup. No foreign key on the scope: it names rows of
 * several tables, and a target outlives, say, a pickup location's demo rows being regenerated.
 */
export const kpiTargetTable = pgTable(
  "kpi_target",
  {
    /** Canonical FiscalQuarter, e.g. FY2024-25-Q3. */
    quarter: text("quarter").notNull(),
    scopeKind: text("scope_kind").$type<KpiScopeKindValue>().notNull(),
    scopeKey: text("scope_key").notNull(),
    kpiKey: text("kpi_key").notNull(),
    /** In the KPI's unit (PERCENT 0–100, counts, rupees, days). */
    value: doublePrecision("value").notNull(),
    synthetic: boolean("synthetic").notNull().default(false),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.quarter, t.scopeKind, t.scopeKey, t.kpiKey] }),
    check("kpi_target_scope_kind", scopeKindCheck(sql`${t.scopeKind}`)),
    check("kpi_target_value", sql`${t.value} >= 0`),
  ],
);

export type KpiTargetRow = typeof kpiTargetTable.$inferSelect;

export const ACTION_ITEM_OWNERS = ["AMAZON", "INDIA_POST", "JOINT"] as const;
export type ActionItemOwnerValue = (typeof ACTION_ITEM_OWNERS)[number];
export const ACTION_ITEM_STATUSES = ["OPEN", "IN_PROGRESS", "DONE", "DROPPED"] as const;
export type ActionItemStatusValue = (typeof ACTION_ITEM_STATUSES)[number];

/** The record of one quarter's review meeting: at most one per quarter. */
export const quarterlyReviewTable = pgTable(
  "quarterly_review",
  {
    id: serial("id").primaryKey(),
    /** The quarter reviewed (canonical FiscalQuarter), not the quarter the meeting fell in. */
    quarter: text("quarter").notNull().unique(),
    heldOn: date("held_on", { mode: "string" }).notNull(),
    participants: text("participants").array().notNull(),
    summary: text("summary").notNull(),
    decisions: text("decisions").array().notNull(),
    synthetic: boolean("synthetic").notNull().default(false),
    createdAt: instant("created_at").notNull().default(sql`now()`),
  },
  (t) => [check("quarterly_review_participants", sql`cardinality(${t.participants}) > 0`)],
);

export type QuarterlyReviewRow = typeof quarterlyReviewTable.$inferSelect;

/**
 * An action item agreed at a review. `recorded_status` and `recorded_due` keep what the review recorded,
 * so a retry of recordQuarterlyReview is recognised as unchanged after the item has moved on;
 * `status`, `due` and `note` are current (updateActionItem).
 */
export const reviewActionItemTable = pgTable(
  "review_action_item",
  {
    id: serial("id").primaryKey(),
    reviewId: integer("review_id")
      .notNull()
      .references(() => quarterlyReviewTable.id, { onDelete: "cascade" }),
    /** 0-based place in the review's list. */
    position: integer("position").notNull(),
    title: text("title").notNull(),
    owner: text("owner").$type<ActionItemOwnerValue>().notNull(),
    recordedDue: date("recorded_due", { mode: "string" }).notNull(),
    recordedStatus: text("recorded_status").$type<ActionItemStatusValue>().notNull(),
    due: date("due", { mode: "string" }).notNull(),
    status: text("status").$type<ActionItemStatusValue>().notNull(),
    note: text("note"),
    synthetic: boolean("synthetic").notNull().default(false),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique("review_action_item_position").on(t.reviewId, t.position),
    check("review_action_item_owner", sql`${t.owner} in ('AMAZON', 'INDIA_POST', 'JOINT')`),
    check("review_action_item_status", sql`${t.status} in ('OPEN', 'IN_PROGRESS', 'DONE', 'DROPPED') and ${t.recordedStatus} in ('OPEN', 'IN_PROGRESS', 'DONE', 'DROPPED')`),
  ],
);

export type ReviewActionItemRow = typeof reviewActionItemTable.$inferSelect;

/**
 * Every state an action item has been in, oldest first: one row when the review records it and one per
 * updateActionItem that changed something. Synthetic exactly when its item is.
 */
export const reviewActionItemChangeTable = pgTable(
  "review_action_item_change",
  {
    id: serial("id").primaryKey(),
    actionItemId: integer("action_item_id")
      .notNull()
      .references(() => reviewActionItemTable.id, { onDelete: "cascade" }),
    changedAt: instant("changed_at").notNull().default(sql`now()`),
    status: text("status").$type<ActionItemStatusValue>().notNull(),
    due: date("due", { mode: "string" }).notNull(),
    note: text("note"),
  },
  (t) => [index("review_action_item_change_item").on(t.actionItemId, t.changedAt)],
);

export type ActionItemChangeRow = typeof reviewActionItemChangeTable.$inferSelect;
