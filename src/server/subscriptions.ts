import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { ApolloServer } from "@apollo/server";
import {
  createSourceEventStream,
  execute,
  type ExecutionArgs,
  type ExecutionResult,
  getOperationAST,
  GraphQLError,
  type GraphQLFormattedError,
  parse,
} from "graphql";
import { CloseCode, type Context as WsContext, type SubscribePayload } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { decodeJwt } from "jose";
import { type WebSocket, WebSocketServer } from "ws";
import type { Config } from "../config.js";
import { type Context, createContext } from "../context.js";
import type { Database } from "../db/client.js";
import { isChangeEvent } from "../lib/change-events.js";
import { DakgraphError, ErrorCode, LimitExceededError } from "../lib/errors.js";
import { EventBudget } from "../lib/notify-payload.js";
import { type RequestScope, withRequestScope } from "../lib/request-scope.js";
import { requireSelectionAccess } from "../modules/access/access.selection.js";
import type { Authenticate, Viewer } from "../modules/access/access.viewer.js";
import type { RateLimiter } from "./rate-limit.js";
import { servedGraph } from "./apollo.js";
import { acquireChangeFeed } from "./change-feed.js";
import { createFormatError } from "./format-error.js";
import { logger } from "./logger.js";
import { withDocumentId } from "./persisted-request.js";

/*
 * GraphQL subscriptions over WebSockets (the graphql-ws protocol, subprotocol `graphql-transport-ws`) on the
 * HTTP server's own port and path. What a subscription goes through, in order:
 *
 * 1. connection_init: the payload's `Authorization` (API key or JWT, as the HTTP header) is checked by the same
 *    authenticator as HTTP; a bad one closes the socket 4403 with the reason. No credentials: an anonymous viewer,
 *    refused by the subscriptions' roles as a query would be. The connection takes a rate-limit token, as a request
 *    does (over the limit: closed 4429), and so does each subscribe (RATE_LIMITED).
 * 2. subscribe: at most DAKGRAPH_MAX_SUBSCRIPTIONS_PER_SOCKET open at once (TOO_MANY_SUBSCRIPTIONS). The document
 *    then runs through Apollo's own pipeline once (src/server/plugins/subscription-transport.ts): persisted ids,
 *    validation, the allowlist, introspection rights, depth, alias and cost limits, with the errors a query gets.
 *    Every field it selects must be readable by the viewer (access.selection.ts), else the error a query gets at
 *    that field, before anything is subscribed. Then the root field's own subscribe (its roles and arguments'
 *    access, type-graphql's checker) starts the event stream.
 * 3. each event: read again through the event's loaders (src/lib/change-events.ts) and executed with the
 *    subscriber's viewer, so field roles and the circle limit apply to every event. The socket's events share a
 *    budget of DAKGRAPH_MAX_SUBSCRIPTION_EVENTS_PER_SECOND; the subscription whose event overflows it ends with
 *    SUBSCRIPTION_EVENTS_TOO_FAST.
 *
 * Sockets close with 1001 when the server shuts down, and with 4403 when their API key is revoked (the change feed's
 * revocation channel, or a key that no longer authenticates after the feed reconnected) or their JWT expires.
 */

/** Close codes and reasons (a reason is at most 123 bytes). */
export const CLOSE_GOING_AWAY = 1001;
/** A connection over the caller's rate limit (graphql-ws leaves 4000–4999 to applications; 4429 mirrors HTTP 429). */
export const CLOSE_RATE_LIMITED = 4429;
const REASON_SHUTTING_DOWN = "SHUTTING_DOWN: the server is shutting down; reconnect";
const REASON_REVOKED = "UNAUTHENTICATED: the API key was revoked";
const REASON_EXPIRED = "UNAUTHENTICATED: the token expired; reconnect with a new one";

/**
 * When a token viewer's credentials stop being good (ms since the epoch): its `exp`, or `iat` plus the age a token
 * without `exp` is allowed. The token was verified by the authenticator already; only its times are read here.
 */
function tokenExpiry(authorization: string | undefined, maxAgeSeconds: number): number | null {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (token === undefined) return null;
  try {
    const { exp, iat } = decodeJwt(token);
    if (exp !== undefined) return exp * 1000;
    return iat === undefined ? null : (iat + maxAgeSeconds) * 1000;
  } catch {
    return null;
  }
}

/** One WebSocket's state. */
interface Connection {
  readonly id: string;
  readonly socket: WebSocket;
  readonly address: string;
  readonly authorization: string | undefined;
  viewer: Viewer;
  readonly budget: EventBudget;
}

export interface SubscriptionDependencies {
  readonly config: Config;
  readonly database: Database;
  readonly apollo: ApolloServer<Context>;
  readonly authenticate: Authenticate;
  /** The HTTP path's limiter: a connection and each subscribe take a token of the caller's allowance, as a request does. */
  readonly rateLimiter: RateLimiter;
  readonly clientAddress: (req: IncomingMessage) => string;
}

export interface SubscriptionServer {
  /** Open WebSockets. */
  readonly sockets: number;
  /** Subscriptions whose event stream is open (a completed one, or one of a closed socket, is not). */
  readonly subscriptions: number;
  /** Takes over an HTTP upgrade request for the graph's path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every socket (1001, the clients reconnect elsewhere) and stops listening for changes. */
  close(): Promise<void>;
}

/** An error already formatted by Apollo's pipeline, carried through graphql-ws unchanged. */
class FormattedError extends GraphQLError {
  constructor(readonly formatted: GraphQLFormattedError) {
    super(formatted.message);
  }
}

/** The Authorization value of a connection_init payload (`Authorization` or `authorization`). */
function authorizationOf(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = params?.Authorization ?? params?.authorization;
  return typeof value === "string" ? value : undefined;
}

export function createSubscriptionServer(deps: SubscriptionDependencies): SubscriptionServer {
  const { config, database, apollo } = deps;
  const { schema, registry } = servedGraph(apollo);
  const formatError = createFormatError({ exposeInternalErrors: config.environment === "development", log: (message, error) => logger.error(message, error) });
  const format = (error: GraphQLError): GraphQLFormattedError => (error instanceof FormattedError ? error.formatted : formatError(error.toJSON(), error));
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxBodyBytes });
  const connections = new Map<WebSocket, Connection>();
  let active = 0;
  const streams = new WeakMap<ExecutionArgs, { readonly connection: Connection; readonly stream: AsyncIterable<unknown> }>();
  const connectionOf = (ctx: WsContext<Record<string, unknown>, { socket: WebSocket }>): Connection => {
    const connection = connections.get(ctx.extra.socket);
    if (connection === undefined) throw new Error("a subscription on a socket that never connected");
    return connection;
  };

  /** Subscribes: the checks of steps 2 and 3 above; errors, or the execution arguments with the event stream kept aside. */
  async function admit(connection: Connection, open: number, payload: SubscribePayload): Promise<ExecutionArgs | GraphQLError[]> {
    if (open > config.maxSubscriptionsPerSocket) {
      return [
        new LimitExceededError(
          ErrorCode.TOO_MANY_SUBSCRIPTIONS,
          "maxSubscriptionsPerSocket",
          open,
          config.maxSubscriptionsPerSocket,
          `This socket already holds ${open - 1} subscriptions; at most ${config.maxSubscriptionsPerSocket} are allowed (DAKGRAPH_MAX_SUBSCRIPTIONS_PER_SOCKET): complete one first.`,
        ),
      ];
    }
    const wait = await deps.rateLimiter.take(connection.viewer.rateKey, 1);
    if (wait > 0) {
      return [
        new DakgraphError(ErrorCode.RATE_LIMITED, `Too many requests: at most ${config.rateLimitPerMinute} a minute (bursts of ${config.rateLimitBurst}) per caller, subscriptions included. Retry after ${wait} s.`, {
          limit: "rateLimitPerMinute",
          max: config.rateLimitPerMinute,
          retryAfterSeconds: wait,
        }),
      ];
    }
    const scope: RequestScope = { requestId: `${connection.id}/subscribe`, statements: 0 };
    const contextValue: Context = { ...createContext(config, database, connection.viewer, scope.requestId), transport: "websocket" };
    const request = withDocumentId({ ...payload, query: payload.query === "" ? undefined : payload.query }) as Record<string, unknown>;
    const admitted = await withRequestScope(scope, () =>
      apollo.executeOperation(
        {
          query: request.query as string | undefined,
          variables: (request.variables ?? undefined) as Record<string, unknown> | undefined,
          operationName: (request.operationName ?? undefined) as string | undefined,
          extensions: (request.extensions ?? undefined) as Record<string, unknown> | undefined,
        },
        { contextValue },
      ),
    );
    if (admitted.body.kind !== "single") return [new GraphQLError("incremental delivery is not used")];
    const refused = admitted.body.singleResult.errors;
    if (refused !== undefined && refused.length > 0) return refused.map((error) => new FormattedError(error));
    // Admitted, so the text is there: given, or the registered operation of a persisted id.
    const hash = ((request.extensions as { persistedQuery?: { sha256Hash?: string } } | undefined)?.persistedQuery?.sha256Hash ?? "").replace(/^sha256:/, "");
    const text = (request.query as string | undefined) ?? registry.get(hash)?.text;
    if (text === undefined) return [new GraphQLError("The operation's text could not be found.")];
    const document = parse(text);
    const operationName = (request.operationName ?? undefined) as string | undefined;
    const operation = getOperationAST(document, operationName);
    if (operation == null) return [new GraphQLError("Unable to identify operation")];
    try {
      requireSelectionAccess(connection.viewer, schema, document, operation, config.publicDirectory);
    } catch (error) {
      return [error as GraphQLError];
    }
    const args: ExecutionArgs = {
      schema,
      document,
      operationName: operationName ?? null,
      variableValues: (request.variables ?? null) as Record<string, unknown> | null,
      contextValue,
    };
    const stream = await withRequestScope(scope, () => createSourceEventStream(args));
    if (!(Symbol.asyncIterator in stream)) return [...((stream as ExecutionResult).errors ?? [])];
    streams.set(args, { connection, stream });
    return args;
  }

  /**
   * Each event of a stream executed for its subscriber, fresh (step 3 above). An iterator rather than an async
   * generator: a generator's return() waits for the event it is awaiting, so a completed subscription (or a closed
   * socket) would stay subscribed until its next event, which for a quiet shipment may be never. This return()
   * ends the source stream at once.
   */
  function events(connection: Connection, args: ExecutionArgs, stream: AsyncIterable<unknown>): AsyncIterableIterator<ExecutionResult> {
    const base = args.contextValue as Context;
    const source = stream[Symbol.asyncIterator]();
    let sequence = 0;
    let open = true;
    active += 1;
    const started = performance.now();
    const closed = (reason: string) => {
      if (!open) return;
      open = false;
      active -= 1;
      // One line per subscription, as a request gets one (README "Logs"): who, what, how many events, how it ended.
      logger.info("subscription", {
        requestId: base.requestId,
        operationName: args.operationName ?? null,
        viewer: { kind: connection.viewer.kind, ...(connection.viewer.kind === "apiKey" ? { keyId: connection.viewer.id } : {}), organisation: connection.viewer.organisation },
        client: connection.address,
        events: sequence,
        durationMs: Math.round(performance.now() - started),
        ended: reason,
      });
    };
    const end = async (reason = "completed"): Promise<IteratorResult<ExecutionResult>> => {
      closed(reason);
      await source.return?.();
      return { done: true, value: undefined };
    };
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next() {
        const step = await source.next();
        if (step.done === true) {
          closed("stream ended");
          return { done: true, value: undefined };
        }
        if (!connection.budget.take(Date.now())) {
          await end(ErrorCode.SUBSCRIPTION_EVENTS_TOO_FAST);
          throw new LimitExceededError(
            ErrorCode.SUBSCRIPTION_EVENTS_TOO_FAST,
            "maxSubscriptionEventsPerSecond",
            connection.budget.perSecond + 1,
            connection.budget.perSecond,
            `This socket's subscriptions were sent more than ${connection.budget.perSecond} events in a second (DAKGRAPH_MAX_SUBSCRIPTION_EVENTS_PER_SECOND): this subscription ended. Narrow its filter and subscribe again.`,
          );
        }
        sequence += 1;
        const requestId = `${connection.id}/${sequence}`;
        const event = step.value;
        const contextValue: Context = { ...base, requestId, viewer: connection.viewer, ...(isChangeEvent(event) ? { loaders: event.loaders } : {}) };
        const result = await withRequestScope({ requestId, statements: 0 }, () => execute({ ...args, rootValue: event, contextValue }));
        return { done: false, value: result as ExecutionResult };
      },
      return: () => end(),
    };
  }

  const server = useServer<Record<string, unknown>, { socket: WebSocket; request: IncomingMessage }>(
    {
      schema,
      onConnect: async (ctx) => {
        const { socket, request } = ctx.extra;
        const authorization = authorizationOf(ctx.connectionParams);
        const address = deps.clientAddress(request);
        let viewer: Viewer;
        try {
          viewer = await deps.authenticate(authorization, address);
        } catch (error) {
          socket.close(CloseCode.Forbidden, `${ErrorCode.UNAUTHENTICATED}: ${(error as Error).message}`.slice(0, 120));
          return false;
        }
        // Awaited: a limiter shared between replicas answers asynchronously.
        const wait = await deps.rateLimiter.take(viewer.rateKey, 1);
        if (wait > 0) {
          socket.close(CLOSE_RATE_LIMITED, `${ErrorCode.RATE_LIMITED}: retry after ${wait} s`);
          return false;
        }
        // A token cannot be revoked, but it expires: its socket closes then, as a request with it would be refused.
        const expiry = viewer.kind === "token" ? tokenExpiry(authorization, config.jwtMaxAgeSeconds) : null;
        if (expiry !== null) {
          const timer = setTimeout(() => socket.readyState === socket.OPEN && socket.close(CloseCode.Forbidden, REASON_EXPIRED), Math.min(Math.max(0, expiry - Date.now()), 2_147_483_647));
          socket.once("close", () => clearTimeout(timer));
        }
        connections.set(socket, { id: randomUUID(), socket, address, authorization, viewer, budget: new EventBudget(config.maxSubscriptionEventsPerSecond) });
        socket.once("close", () => connections.delete(socket));
        return true;
      },
      onSubscribe: (ctx, _id, payload) => admit(connectionOf(ctx), Object.keys(ctx.subscriptions).length, payload),
      subscribe: (args) => {
        const admitted = streams.get(args);
        if (admitted === undefined) throw new Error("a subscription that was not admitted");
        return events(admitted.connection, args, admitted.stream);
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors === undefined ? undefined : { ...result, errors: result.errors.map(format) },
      onError: (_ctx, _id, _payload, errors) => errors.map(format),
    },
    wss,
  );
  void server;

  const closeFor = (connection: Connection, code: number, reason: string) => {
    if (connection.socket.readyState === connection.socket.OPEN) connection.socket.close(code, reason);
  };

  const feed = acquireChangeFeed(database, {
    keyRevoked: (keyId) => {
      for (const connection of connections.values()) {
        if (connection.viewer.kind === "apiKey" && connection.viewer.id === keyId) closeFor(connection, CloseCode.Forbidden, REASON_REVOKED);
      }
    },
    // The feed reconnected: a revocation may have been missed meanwhile, so every key socket proves itself again.
    relistened: () => {
      for (const connection of connections.values()) {
        if (connection.viewer.kind !== "apiKey") continue;
        deps.authenticate(connection.authorization, connection.address).then(
          (viewer) => (connection.viewer = viewer),
          () => closeFor(connection, CloseCode.Forbidden, REASON_REVOKED),
        );
      }
    },
  });

  return {
    get sockets() {
      return connections.size;
    },
    get subscriptions() {
      return active;
    },
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    },
    async close() {
      const open = [...wss.clients];
      const closed = Promise.all(open.map((ws) => (ws.readyState === ws.CLOSED ? undefined : new Promise<void>((resolve) => ws.once("close", () => resolve())))));
      for (const ws of open) ws.close(CLOSE_GOING_AWAY, REASON_SHUTTING_DOWN);
      // A client that does not answer the closing handshake within a second is cut.
      const cut = setTimeout(() => {
        for (const ws of open) ws.terminate();
      }, 1000);
      await closed;
      clearTimeout(cut);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await feed.release();
    },
  };
}
