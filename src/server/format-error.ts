import type { GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import { isTransactionConflict } from "../db/transaction-conflict.js";
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from "../db/unavailable.js";
import { ErrorCode, findDakgraphError } from "../lib/errors.js";

// Codes whose messages are safe to show as they are: they describe the request, not the server.
const CLIENT_CODES = new Set<string>([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR),
]);

function withoutHttp(extensions: Record<string, unknown>): Record<string, unknown> {
  const { http: _http, ...rest } = extensions;
  return rest;
}

/** PostgreSQL's query_canceled (57014), which statement_timeout raises; drizzle wraps it in `cause`. */
function isStatementTimeout(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth += 1) {
    if ((current as { code?: unknown }).code === "57014") return true;
  }
  return false;
}

/**
 * graphql-js's execution stops coercing variables after 50 errors and adds this one, with no code and no node, so
 * Apollo cannot tell it from a server fault; it is about the request's variables, as the 50 before it are.
 */
const VARIABLE_ERROR_LIMIT = "Too many errors processing variables, error limit reached. Execution aborted.";

export interface FormatErrorOptions {
  /** Show unexpected errors' messages (development only); never stacks or SQL in production. */
  readonly exposeInternalErrors: boolean;
  readonly log: (message: string, error: unknown) => void;
}

/**
 * Apollo's formatError: our own errors keep their code and details even when
 * graphql-js wrapped them (a scalar rejected in validation or variable
 * coercion); anything unexpected is logged and masked.
 */
export function createFormatError(options: FormatErrorOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const ours = findDakgraphError(error);
    if (ours !== undefined) {
      const { http: _http, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
      return {
        message: formatted.message,
        ...(formatted.locations === undefined ? {} : { locations: formatted.locations }),
        ...(formatted.path === undefined ? {} : { path: formatted.path }),
        // `http` sets the response status (Apollo reads it before formatError); it is not for the client.
        extensions: { ...extensions, ...withoutHttp(ours.extensions) },
      };
    }
    if (isStatementTimeout(unwrapResolverError(error))) {
      return {
        message: "A database statement ran longer than the statement timeout (DAKGRAPH_STATEMENT_TIMEOUT_MS) and was cancelled.",
        ...(formatted.path === undefined ? {} : { path: formatted.path }),
        extensions: { code: ErrorCode.QUERY_TIMEOUT },
      };
    }
    if (isTransactionConflict(unwrapResolverError(error))) {
      // Still conflicting after the mutation's own retries (src/db/transaction-conflict.ts): nothing was written.
      return {
        message: "A concurrent write conflicted with this one and PostgreSQL aborted it: nothing was written. Retry.",
        ...(formatted.path === undefined ? {} : { path: formatted.path }),
        extensions: { code: ErrorCode.CONFLICT, retryable: true },
      };
    }
    if (isDatabaseUnavailable(unwrapResolverError(error))) {
      return {
        message: `The database cannot be reached right now; nothing was acknowledged. Retry after ${RETRY_AFTER_SECONDS} s.`,
        ...(formatted.path === undefined ? {} : { path: formatted.path }),
        extensions: { code: ErrorCode.DATABASE_UNAVAILABLE, retryAfterSeconds: RETRY_AFTER_SECONDS },
      };
    }
    const code = String(formatted.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR);
    if (formatted.message === VARIABLE_ERROR_LIMIT && code === ErrorCode.INTERNAL_SERVER_ERROR) {
      return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.BAD_USER_INPUT } };
    }
    if (CLIENT_CODES.has(code)) return formatted;
    options.log("unexpected error", unwrapResolverError(error));
    if (options.exposeInternalErrors) return formatted;
    return {
      message: "Internal server error. The request id in the response headers identifies it in the server log.",
      ...(formatted.locations === undefined ? {} : { locations: formatted.locations }),
      ...(formatted.path === undefined ? {} : { path: formatted.path }),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
