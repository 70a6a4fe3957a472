import { createLoaders } from "../context.js";
import type { Database } from "../db/client.js";
import { API_KEY_REVOKED_CHANNEL, KPIS_CHANGED_CHANNEL, SCAN_RECORDED_CHANNEL, SHIPMENT_CHANGED_CHANNEL } from "../db/notify.js";
import { CHANGE_PUBSUB, feedKey, KPIS_CHANGED_TOPIC, SCAN_RECORDED_TOPIC, SHIPMENT_CHANGED_TOPIC } from "../lib/change-events.js";
import { integerIds, textIds } from "../lib/notify-payload.js";
import { logger } from "./logger.js";

/*
 * The bridge from a database's NOTIFY channels (Database.listen, src/db/notify.ts) to the subscriptions' PubSub
 * (src/lib/change-events.ts): one listener per channel per database in this process, however many WebSocket
 * servers use it (the tests run several on one database), started when the first one starts so no event after it
 * listens is missed, stopped when the last one closes.
 */

export interface ChangeFeedHooks {
  /** An API key was revoked (its api_key.id): sockets authenticated by it must close. */
  readonly keyRevoked: (keyId: string) => void;
  /**
   * The feed (re)subscribed after its connection was lost: notifications sent meanwhile are gone, a revocation
   * among them, so sockets authenticated by a key check it again.
   */
  readonly relistened: () => void;
}

interface Feed {
  readonly hooks: Set<ChangeFeedHooks>;
  readonly stopped: Promise<(() => Promise<void>)[]>;
}

const feeds = new WeakMap<Database, Feed>();

function startFeed(database: Database, hooks: Set<ChangeFeedHooks>): Feed {
  const key = feedKey(database);
  const ignore = () => {};
  let revocationsHeard = false;
  const relistened = () => {
    // The first call is the subscription starting; later ones follow a lost connection.
    if (!revocationsHeard) revocationsHeard = true;
    else for (const each of hooks) each.relistened();
  };
  const stopped = Promise.all([
    database.listen(
      SHIPMENT_CHANGED_CHANNEL,
      (payload) => {
        const loaders = createLoaders(database);
        for (const shipmentId of integerIds(payload)) CHANGE_PUBSUB.publish(SHIPMENT_CHANGED_TOPIC, key, { shipmentId, loaders });
      },
      ignore,
    ),
    database.listen(
      SCAN_RECORDED_CHANNEL,
      (payload) => {
        const loaders = createLoaders(database);
        for (const scanEventId of integerIds(payload)) CHANGE_PUBSUB.publish(SCAN_RECORDED_TOPIC, key, { scanEventId, loaders });
      },
      ignore,
    ),
    database.listen(KPIS_CHANGED_CHANNEL, (payload) => CHANGE_PUBSUB.publish(KPIS_CHANGED_TOPIC, key, { quarters: textIds(payload), loaders: createLoaders(database) }), ignore),
    database.listen(
      API_KEY_REVOKED_CHANNEL,
      (keyId) => {
        for (const each of hooks) each.keyRevoked(keyId.trim());
      },
      relistened,
    ),
  ]);
  stopped.catch((error: unknown) => logger.error("the change feed could not listen; subscriptions hear nothing until it can", error));
  return { hooks, stopped };
}

/** Starts (or joins) the database's change feed; `release` leaves it, and the last to leave stops it. */
export function acquireChangeFeed(database: Database, hooks: ChangeFeedHooks): { release(): Promise<void> } {
  let feed = feeds.get(database);
  if (feed === undefined) {
    feed = startFeed(database, new Set());
    feeds.set(database, feed);
  }
  feed.hooks.add(hooks);
  const joined = feed;
  return {
    async release() {
      joined.hooks.delete(hooks);
      if (joined.hooks.size > 0 || feeds.get(database) !== joined) return;
      feeds.delete(database);
      const unlisten = await joined.stopped.catch(() => []);
      await Promise.all(unlisten.map((stop) => stop().catch(() => {})));
    },
  };
}

/** Resolves once the database's change feed listens on every channel (tests wait for it before writing). */
export async function changeFeedListening(database: Database): Promise<void> {
  await feeds.get(database)?.stopped;
}
