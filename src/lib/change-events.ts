import { createPubSub } from "@graphql-yoga/subscription";
import type { Database } from "../db/client.js";
import type { Loaders } from "../context.js";

/*
 * The events the graph's subscriptions hear, in process. Writers never publish here: a write sends NOTIFY in
 * its own transaction (src/db/notify.ts), every process sharing the database hears it through its change feed
 * (src/server/change-feed.ts), and the feed publishes one event per id here. So a scan recorded through one
 * replica reaches the subscribers of every replica, and a rolled-back write reaches nobody.
 *
 * Each event carries `loaders`, made once per notification and shared by every subscriber hearing it: the rows
 * an event names are read through the ordinary loaders (so a thousand subscribers to one shipment cost one
 * statement, not a thousand) and fresh for each notification (an event never shows a row cached before it).
 * The loaders read no viewer; each subscriber's access is applied by its own resolvers and filter.
 */

/** What every change event carries: the loaders its subscribers read its rows through. */
export interface ChangeEvent {
  readonly loaders: Loaders;
}

/** A shipment's booking or status changed, or it got a scan. */
export interface ShipmentChanged extends ChangeEvent {
  readonly shipmentId: number;
}

/** A scan event was stored. */
export interface ScanRecorded extends ChangeEvent {
  readonly scanEventId: number;
}

/** The KPI rollups of these fiscal quarters ("FY2025-26-Q3") moved. */
export interface KpisChanged extends ChangeEvent {
  readonly quarters: readonly string[];
}

export const SHIPMENT_CHANGED_TOPIC = "SHIPMENT_CHANGED";
export const SCAN_RECORDED_TOPIC = "SCAN_RECORDED";
export const KPIS_CHANGED_TOPIC = "KPIS_CHANGED";

/**
 * The process's one PubSub (type-graphql's buildSchema takes it; @Subscription fields subscribe to its topics).
 * Each topic is keyed by database as well (`feedKey`): a process holding two databases (the tests do) keeps
 * their events apart.
 */
export const CHANGE_PUBSUB = createPubSub<{
  [SHIPMENT_CHANGED_TOPIC]: [string, ShipmentChanged];
  [SCAN_RECORDED_TOPIC]: [string, ScanRecorded];
  [KPIS_CHANGED_TOPIC]: [string, KpisChanged];
}>();

const keys = new WeakMap<Database, string>();
let nextKey = 1;

/** The topic id of a database's events. */
export function feedKey(database: Database): string {
  let key = keys.get(database);
  if (key === undefined) keys.set(database, (key = String(nextKey++)));
  return key;
}

export function isChangeEvent(value: unknown): value is ChangeEvent {
  return typeof value === "object" && value !== null && "loaders" in value;
}
