import { AsyncResource } from "node:async_hooks";
import { createHash } from "node:crypto";
import type { ApolloServerPlugin, GraphQLRequestContext } from "@apollo/server";
import { HeaderMap } from "@apollo/server";
import { BREAK, type DocumentNode, type FormattedExecutionResult, visit } from "graphql";
import type { Context } from "../context.js";
import type { Database } from "../db/client.js";
import { dataVersion } from "../db/data-version.repository.js";
import { DATA_CHANGED_CHANNEL } from "../db/notify.js";
import { audienceOf, type Viewer } from "../modules/access/access.viewer.js";
import { logger } from "./logger.js";

/*
 * Answers to repeated read operations, served from memory. Dashboards refresh the same few operations
 * all day; between two writes the answer cannot change.
 *
 * Key: the operation (Apollo's hash of its text, or of the registered operation for a persisted
 * query), the operation name, the variables and the caller's access scope. A resolver's answer depends
 * on the caller only through that scope: whether it is authenticated, its roles (field access) and
 * its postal circle (row scope); the one field that reads the caller's identity, `viewer`, makes an
 * operation uncacheable. Only queries whose answer carries no error are stored.
 *
 * Invalidation: every change empties the cache and moves an epoch; an answer computed while the epoch
 * moved is not stored, so a read that raced a write never outlives it.
 * - A mutation through the graph (any outcome: all-or-nothing batches may still have written in one of
 *   several root fields) moves it when it completes, after its transaction committed.
 * - A write through another process of ours (another replica's mutation, `dakgraph import shipments`,
 *   `seed demo`) arrives as DATA_CHANGED_CHANNEL, which every writing Database.transaction sends on commit:
 *   within milliseconds. When the listening connection was lost and is back, messages may have been missed:
 *   the cache is emptied then too.
 * - Writes by anything else (psql, another tool) are seen through PostgreSQL's cumulative table statistics:
 *   the inserted, updated and deleted row counts of every table but the access tables, read once a second;
 *   backends publish them within about a second of a commit, so such a write shows within about 2 s. PGlite
 *   has a single process: no one else writes.
 * - Every entry expires after DAKGRAPH_RESPONSE_CACHE_TTL_SECONDS regardless, for what statistics do not
 *   count (a TRUNCATE alone, statistics switched off).
 * - While the statistics cannot be read (the database is away, or restarting), another process's write
 *   would go unseen: the cache is emptied and serves and stores nothing until a poll succeeds again. Polls
 *   continue meanwhile, backing off from 1 s to at most DATA_VERSION_MAX_BACKOFF_MS.
 *
 * Memory: least recently used entries are dropped beyond DAKGRAPH_RESPONSE_CACHE_MB of stored JSON.
 */

export const RESPONSE_CACHE_HEADER = "x-response-cache";

/** Most of the budget one answer may take, so a single huge answer cannot flush everything else. */
const MAX_ENTRY_SHARE = 0.25;
const DATA_VERSION_POLL_MS = 1000;
const DATA_VERSION_MAX_BACKOFF_MS = 10_000;

interface Entry {
  readonly data: Record<string, unknown>;
  readonly bytes: number;
  readonly expires: number;
}

export interface ResponseCacheOptions {
  readonly maxBytes: number;
  readonly ttlMs: number;
  readonly now?: () => number;
}

/**
 * The JSON text of each stored answer's `data`, by the stored object: written once when the answer is stored, and
 * sent as it is by stringifyResult for every hit instead of serializing the object again (on the dashboard that was
 * most of a hit's CPU).
 */
const storedText = new WeakMap<object, string>();

/**
 * Apollo Server's `stringifyResult` option: a result whose `data` is a stored answer is written from its stored text;
 * anything else as Apollo writes it by default (JSON.stringify and a newline). The bytes are the same either way.
 */
export function stringifyResult(result: FormattedExecutionResult): string {
  const text = result.errors === undefined && result.extensions === undefined && typeof result.data === "object" && result.data !== null ? storedText.get(result.data) : undefined;
  return text === undefined ? `${JSON.stringify(result)}\n` : `{"data":${text}}\n`;
}

/** An LRU of answers by key, bounded by the bytes of their JSON, emptied by invalidate(). */
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private currentEpoch = 0;
  private suspended = false;
  private readonly now: () => number;

  constructor(private readonly options: ResponseCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Moves whenever stored answers may have become wrong; an answer is stored only under the epoch it started in. */
  get epoch(): number {
    return this.currentEpoch;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  /** False while writes by other processes cannot be seen (src/server/response-cache.ts, the watcher). */
  get serving(): boolean {
    return !this.suspended;
  }

  get(key: string): Record<string, unknown> | undefined {
    if (this.suspended) return undefined;
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expires <= this.now()) {
      this.bytes -= entry.bytes;
      return undefined;
    }
    this.entries.set(key, entry);
    return entry.data;
  }

  /** Stores an answer computed in `epoch`; ignored when the epoch has moved since or the answer is too large. */
  set(key: string, epoch: number, data: Record<string, unknown>): void {
    if (epoch !== this.currentEpoch || this.suspended) return;
    const text = JSON.stringify(data);
    const bytes = Buffer.byteLength(text) + key.length;
    if (bytes > this.options.maxBytes * MAX_ENTRY_SHARE) return;
    storedText.set(data, text);
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.entries.delete(key);
      this.bytes -= previous.bytes;
    }
    this.entries.set(key, { data, bytes, expires: this.now() + this.options.ttlMs });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.options.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  invalidate(): void {
    this.currentEpoch += 1;
    this.entries.clear();
    this.bytes = 0;
  }

  /** Empties the cache and stops serving and storing answers until resume(). */
  suspend(): void {
    this.invalidate();
    this.suspended = true;
  }

  resume(): void {
    if (!this.suspended) return;
    this.invalidate();
    this.suspended = false;
  }
}

/** readsViewer per parsed document: Apollo hands the same DocumentNode to every request of an operation. */
const viewerReaders = new WeakMap<DocumentNode, boolean>();

export function readsViewer(document: DocumentNode): boolean {
  let known = viewerReaders.get(document);
  if (known === undefined) viewerReaders.set(document, (known = findsViewer(document)));
  return known;
}

function findsViewer(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value !== "viewer") return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/**
 * The key of an answer: Apollo's hash of the operation text, the resolved operation name, the variables as sent, the
 * access scope. Null when the variables cannot be written as JSON (nested past the stack, which the HTTP handler
 * refuses first): such an answer is neither looked up nor stored.
 */
export function responseCacheKey(
  queryHash: string,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  viewer: Viewer,
): string | null {
  let json: string;
  try {
    json = JSON.stringify(variables ?? {});
  } catch {
    return null;
  }
  const parts = [queryHash, operationName ?? "", json, audienceOf(viewer)];
  return createHash("sha256").update(parts.join("\u0000")).digest("base64url");
}

function cacheKey(request: GraphQLRequestContext<Context>): string | null {
  return responseCacheKey(request.queryHash ?? "", request.operationName, request.request.variables, request.contextValue.viewer);
}

/**
 * Listens on DATA_CHANGED_CHANNEL and polls dataVersion, and invalidates the cache on a message, on each
 * (re)subscription and when the version moves. Started from a request (the first one that
 * brings the database), but run in the context the plugin was created in: its statements belong to no
 * request, so they never show in a response's x-sql-statements. A failed poll suspends the cache and the
 * next poll waits twice as long as the last, up to DATA_VERSION_MAX_BACKOFF_MS; a successful one resumes it.
 */
export function dataVersionWatcher(cache: ResponseCache, pollMs = DATA_VERSION_POLL_MS, maxBackoffMs = DATA_VERSION_MAX_BACKOFF_MS) {
  const outsideRequests = new AsyncResource("dakgraph.responseCache");
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  let stopped = false;
  let last: string | null = null;
  let delay = pollMs;
  let unlisten: Promise<() => Promise<void>> | undefined;
  const later = new Set<NodeJS.Timeout>();
  // With read replicas, an answer computed just after a write may come from a replica that has not replayed it yet
  // (up to DAKGRAPH_MAX_REPLICA_LAG_MS behind) and be stored after the drop; dropping again once every usable replica
  // must have the write removes it. A request that began before the second drop cannot store (its epoch is older).
  const dropAnswers = (database: Database) => {
    cache.invalidate();
    const staleForMs = database.routing?.staleForMs;
    if (staleForMs === undefined || stopped) return;
    const timer = setTimeout(() => {
      later.delete(timer);
      cache.invalidate();
    }, staleForMs);
    timer.unref();
    later.add(timer);
  };
  const schedule = (database: Database) => {
    if (stopped) return;
    timer = setTimeout(() => poll(database), delay);
    timer.unref();
  };
  const poll = (database: Database) => {
    dataVersion(database)
      .then((version) => {
        if (!cache.serving) logger.info("response cache: the data version is readable again; serving from the cache");
        cache.resume();
        if (last !== null && version !== last) dropAnswers(database);
        last = version;
        delay = pollMs;
      })
      .catch((error: unknown) => {
        // Writes by other processes cannot be seen now: serving a stored answer could serve one they changed.
        if (cache.serving) logger.warn("response cache: cannot read the data version; not serving from the cache until it can", { error: (error as Error).message });
        cache.suspend();
        delay = Math.min(delay * 2, maxBackoffMs);
      })
      .finally(() => schedule(database));
  };
  return {
    start(database: Database): void {
      if (started || database.engine !== "postgres") return;
      started = true;
      outsideRequests.runInAsyncScope(() => {
        schedule(database);
        // Not at the first subscription: the answers stored in the moments before it are covered by the
        // statistics poll (as every answer was before the channel), and emptying then would drop the first ones.
        let subscriptions = 0;
        unlisten = database.listen(
          DATA_CHANGED_CHANNEL,
          () => dropAnswers(database),
          () => {
            subscriptions += 1;
            if (subscriptions > 1) dropAnswers(database);
          },
        );
      });
    },
    stop(): void {
      stopped = true;
      clearTimeout(timer);
      for (const pending of later) clearTimeout(pending);
      void unlisten?.then((stop) => stop());
    },
  };
}

/** The Apollo plugin that serves, stores and invalidates; responses say `x-response-cache: hit | miss | bypass`. */
export function responseCachePlugin(cache: ResponseCache): ApolloServerPlugin<Context> {
  const watcher = dataVersionWatcher(cache);
  return {
    async serverWillStart() {
      return {
        async serverWillStop() {
          watcher.stop();
        },
      };
    },
    async requestDidStart({ contextValue }) {
      watcher.start(contextValue.database);
      const epoch = cache.epoch;
      let key: string | null = null;
      let state: "hit" | "miss" | "bypass" = "bypass";
      return {
        async responseForOperation(request) {
          // Apollo calls this hook even when no operation resolved (an unknown operationName): execution reports that.
          if (request.operation?.operation !== "query" || request.contextValue.responseCache === false || readsViewer(request.document)) return null;
          key = cacheKey(request);
          if (key === null) return null;
          const data = cache.get(key);
          state = data === undefined ? "miss" : "hit";
          if (data === undefined) return null;
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: "single", singleResult: { data } } };
        },
        async willSendResponse(request) {
          if (request.operation?.operation === "mutation") {
            cache.invalidate();
          } else if (state === "miss" && key !== null && request.response.body.kind === "single") {
            const result = request.response.body.singleResult;
            if (result.errors === undefined && result.data != null) cache.set(key, epoch, result.data);
          }
          request.response.http.headers.set(RESPONSE_CACHE_HEADER, state);
        },
      };
    },
  };
}
