import { type Client, createClient, type FormattedExecutionResult as ExecutionResult } from "graphql-ws";
import WebSocket from "ws";

/** What one subscription heard: its results in order, and how it ended. */
export interface Heard<T = Record<string, unknown>> {
  readonly results: ExecutionResult<T, unknown>[];
  /** The errors of an `error` message, or the close event's code and reason when the socket closed under it. */
  ended: { errors?: readonly { message: string; extensions?: Record<string, unknown>; path?: readonly (string | number)[] }[]; closeCode?: number; closeReason?: string } | null;
  /** Resolves once `count` results have been heard (rejects after `ms`). */
  next(count: number, ms?: number): Promise<ExecutionResult<T, unknown>[]>;
  /** Resolves once the subscription ended (rejects after `ms`). */
  end(ms?: number): Promise<NonNullable<Heard["ended"]>>;
  unsubscribe(): void;
}

export interface Subscriber {
  readonly client: Client;
  subscribe<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, extensions?: Record<string, unknown>): Heard<T>;
  /** Resolves with the socket's close code and reason once it closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  dispose(): Promise<void>;
}

function waitUntil<V>(check: () => V | undefined, ms: number, what: string): Promise<V> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const value = check();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > ms) return reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      setTimeout(tick, 5);
    };
    tick();
  });
}

/** A graphql-ws client (the protocol the browser dashboard speaks) on the graph's URL, with `authorization` in connection_init. */
export function connectSubscriber(httpUrl: string, authorization?: string): Subscriber {
  let resolveClosed!: (value: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (resolveClosed = resolve));
  const client = createClient({
    url: httpUrl.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams: authorization === undefined ? {} : { Authorization: authorization },
    retryAttempts: 0,
    lazy: false,
    // A socket closed by the server (a refused key, a shutdown) is what several tests wait for, through `closed`.
    onNonLazyError: () => {},
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        resolveClosed({ code, reason: String(reason) });
      },
    },
  });
  return {
    client,
    closed,
    subscribe<T>(query: string, variables: Record<string, unknown> = {}, extensions?: Record<string, unknown>) {
      const heard: Heard<T> = {
        results: [],
        ended: null,
        next: (count, ms = 3000) => waitUntil(() => (heard.results.length >= count ? heard.results.slice(0, count) : undefined), ms, `${count} results of ${query.slice(0, 60)}`),
        end: (ms = 3000) => waitUntil(() => heard.ended ?? undefined, ms, `the end of ${query.slice(0, 60)}`),
        unsubscribe: () => unsubscribe(),
      };
      const unsubscribe = client.subscribe<T>(
        { query, variables, ...(extensions === undefined ? {} : { extensions }) },
        {
          next: (result) => heard.results.push(result),
          error: (error) => {
            if (Array.isArray(error)) heard.ended = { errors: error };
            else {
              const { code, reason } = error as { code?: number; reason?: string };
              heard.ended = { closeCode: code ?? -1, closeReason: String(reason ?? (error as Error).message) };
            }
          },
          complete: () => (heard.ended ??= {}),
        },
      );
      return heard;
    },
    async dispose() {
      await client.dispose();
    },
  };
}
