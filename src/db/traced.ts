import type { PGlite } from "@electric-sql/pglite";
import { ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import type postgres from "postgres";
import { currentRequestScope } from "../lib/request-scope.js";

/*
 * A span per SQL statement, child of the request's span. Neither postgres.js nor PGlite has OpenTelemetry
 * instrumentation of its own (and drizzle's is compiled out), so the clients that our query functions and drizzle
 * call are wrapped: only when traces are recorded (openDatabase's `tracer`), so that without them a statement
 * costs what it did. The parent is the request's span from the request scope, not OpenTelemetry's global context:
 * nothing is registered process-wide. Statements outside a request (migrations, start-up loads, the audit sweep)
 * get no span: a trace is a request's.
 */

type DatabaseSystem = "postgresql" | "pglite";

/** The statement's first keyword, upper-cased (SELECT, INSERT, WITH…): the span's name, after OpenTelemetry's database conventions. */
function statementName(text: string): string {
  // Past leading comments and parentheses: `(select …) union all (select …)`, `/* plan */ select …`.
  const match = /^(?:\s|\(|\/\*[\s\S]*?\*\/|--[^\n]*\n)*([A-Za-z]+)/.exec(text);
  return match === null ? "SQL" : match[1]!.toUpperCase();
}

function statementSpan(tracer: Tracer, text: string, system: DatabaseSystem): Span | undefined {
  const parent = currentRequestScope()?.span;
  if (parent === undefined) return undefined;
  return tracer.startSpan(
    statementName(text),
    { kind: SpanKind.CLIENT, attributes: { "db.system.name": system, "db.query.text": text } },
    trace.setSpan(ROOT_CONTEXT, parent),
  );
}

function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}

/**
 * postgres.js's `unsafe` (what drizzle, queryRows and queryText call) with a span from the call until its rows
 * arrive, and `begin` handing out a wrapped transaction handle. A postgres.js query is a lazy promise that drizzle
 * still configures after the call (`.values()`), so the span is ended from the query's own `then`, not by awaiting it here.
 */
export function tracedPostgres(sql: postgres.Sql, tracer: Tracer): postgres.Sql {
  const unsafe = (text: string, params?: unknown[], options?: postgres.UnsafeQueryOptions) => {
    const query = sql.unsafe(text, params as postgres.ParameterOrJSON<never>[], options);
    const span = statementSpan(tracer, text, "postgresql");
    if (span === undefined) return query;
    const then = query.then;
    let ended = false;
    const end = (error?: unknown) => {
      if (ended) return;
      ended = true;
      endSpan(span, error);
    };
    Object.defineProperty(query, "then", {
      configurable: true,
      value(this: typeof query, onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) {
        return then.call(
          this,
          (value) => {
            end();
            return onFulfilled === undefined ? value : onFulfilled(value);
          },
          (error: unknown) => {
            end(error);
            if (onRejected === undefined) throw error;
            return onRejected(error);
          },
        );
      },
    });
    return query;
  };
  const begin = (...args: unknown[]) => {
    const work = args.pop() as (tx: postgres.TransactionSql) => unknown;
    return (sql.begin as (...a: unknown[]) => Promise<unknown>)(...args, (tx: postgres.TransactionSql) =>
      work(tracedPostgres(tx as unknown as postgres.Sql, tracer) as unknown as postgres.TransactionSql),
    );
  };
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === "unsafe") return unsafe;
      if (property === "begin") return begin;
      return Reflect.get(target, property, receiver);
    },
  });
}

/** PGlite's `query` (what drizzle and queryText call) with a span until it answers; its transactions' handles too. */
export function tracedPglite<T extends Pick<PGlite, "query">>(client: T, tracer: Tracer): T {
  const query = async (...args: Parameters<PGlite["query"]>) => {
    const span = statementSpan(tracer, args[0], "pglite");
    if (span === undefined) return client.query(...args);
    try {
      const result = await client.query(...args);
      endSpan(span);
      return result;
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
  };
  const transaction = (work: (tx: unknown) => Promise<unknown>) =>
    (client as unknown as PGlite).transaction((tx) => work(tracedPglite(tx, tracer)));
  return new Proxy(client, {
    get(target, property) {
      if (property === "query") return query;
      if (property === "transaction") return transaction;
      const value = Reflect.get(target, property, target) as unknown;
      // PGlite's methods use private fields: they must run on the instance itself, not on the proxy.
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
