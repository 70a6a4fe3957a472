import { type SQL, sql } from "drizzle-orm";

/*
 * The change feed between the processes sharing one database, over PostgreSQL's LISTEN/NOTIFY: a writer
 * adds notifySql(...) to the transaction that writes, and PostgreSQL delivers the message to every listener
 * (Database.listen) when, and only if, that transaction commits; a rollback sends nothing. Delivery is at
 * most once and only to connections listening at the time: a consumer must treat a (re)subscription
 * (Database.listen's onListening) as "anything may have changed since".
 *
 * Channel names are lower-case identifiers: LISTEN folds an unquoted name to lower case, pg_notify does not.
 */

/**
 * Rows changed: sent by every transaction through Database.transaction that wrote anything (mutations, imports,
 * seeding, migrations), on commit. Payload: the sending process's id, for logs only.
 */
export const DATA_CHANGED_CHANNEL = "dakgraph_data_changed";

/** An API key was revoked: payload is the key's id (api_key.id), so replicas drop it from their key caches. */
export const API_KEY_REVOKED_CHANNEL = "dakgraph_api_key_revoked";

/**
 * The longest payload PostgreSQL accepts, in bytes (UTF-8): NOTIFY refuses 8000 bytes and more with
 * "payload string too long" (and the statement's transaction fails with it). Send identifiers, not rows.
 */
export const NOTIFY_PAYLOAD_MAX_BYTES = 7999;

/**
 * `select pg_notify(channel, payload)`, to run inside the writing transaction so the message goes out on
 * commit. Throws before reaching the database when the payload is too long.
 */
export function notifySql(channel: string, payload: string): SQL {
  const bytes = Buffer.byteLength(payload, "utf8");
  if (bytes > NOTIFY_PAYLOAD_MAX_BYTES) throw new RangeError(`NOTIFY payload of ${bytes} bytes on ${channel}: PostgreSQL takes at most ${NOTIFY_PAYLOAD_MAX_BYTES}`);
  return sql`/* notifySql */ select pg_notify(${channel}, ${payload})`;
}

/**
 * The statement Database.transaction runs last in every transaction: DATA_CHANGED_CHANNEL, only when the
 * transaction wrote (a transaction id is assigned at its first write, never to a read-only one). Text and
 * parameters, for the drivers' own handles: like BEGIN and COMMIT it is the transaction's, not the work's,
 * and is not counted among a request's statements.
 */
export const DATA_CHANGED_IF_WRITTEN = {
  text: "select pg_notify($1, $2) where pg_current_xact_id_if_assigned() is not null",
  params: (): string[] => [DATA_CHANGED_CHANNEL, String(process.pid)],
} as const;

/**
 * Shipments were booked, re-booked, scanned or had their status re-derived (the subscriptions' shipmentUpdated):
 * payload is their shipment.id values, comma-separated (src/lib/notify-payload.ts).
 */
export const SHIPMENT_CHANGED_CHANNEL = "dakgraph_shipment_changed";

/** Scan events were stored (scanRecorded): payload is their scan_event.id values, comma-separated. */
export const SCAN_RECORDED_CHANNEL = "dakgraph_scan_recorded";

/** KPI rollups moved (kpisChanged): payload is the fiscal quarters moved, comma-separated ("FY2025-26-Q3"). */
export const KPIS_CHANGED_CHANNEL = "dakgraph_kpis_changed";

/** Several messages in one statement (notifySql's rule for each payload): one round trip however many. */
export function notifyAllSql(messages: readonly { readonly channel: string; readonly payload: string }[]): SQL {
  for (const { channel, payload } of messages) notifySql(channel, payload);
  // One JSON parameter: the pairs keep their order, and the statement's text is the same however many there are.
  const pairs = JSON.stringify(messages.map((m) => [m.channel, m.payload]));
  return sql`/* notifyAllSql */ select pg_notify(m ->> 0, m ->> 1) from jsonb_array_elements(${pairs}::jsonb) as m`;
}
