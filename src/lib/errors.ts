import { GraphQLError } from "graphql";

/**
 * Every error code dakgraph returns in `extensions.code`. Clients may switch on
 * these; they never change meaning.
 */
export enum ErrorCode {
  /** An argument, input field or scalar value is malformed or out of range. */
  BAD_USER_INPUT = "BAD_USER_INPUT",
  /** A restricted field or mutation was asked for without credentials (no or anonymous viewer), or the credentials are invalid. */
  UNAUTHENTICATED = "UNAUTHENTICATED",
  /** The viewer is known but none of its roles may read this field or run this mutation (`extensions.field`, `requiredRoles`). */
  FORBIDDEN = "FORBIDDEN",
  /** The allowlist mode is on and the document is not one of the registered operations (src/operations/*.graphql). */
  OPERATION_NOT_ALLOWED = "OPERATION_NOT_ALLOWED",
  /** Selection sets nest deeper than the configured maximum (`limit`, `value`, `max`). */
  QUERY_TOO_DEEP = "QUERY_TOO_DEEP",
  /** The estimated cost of the operation exceeds the configured maximum (`limit`, `value`, `max`). */
  QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX",
  /** The operation uses more aliases than the configured maximum (`limit`, `value`, `max`). */
  TOO_MANY_ALIASES = "TOO_MANY_ALIASES",
  /** An HTTP batch holds more operations than the configured maximum (`limit`, `value`, `max`). */
  BATCH_TOO_LARGE = "BATCH_TOO_LARGE",
  /** The request body is larger than the configured maximum, in bytes (`limit`, `value`, `max`). */
  PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE",
  /** The viewer (API key, token subject or IP address) has used up its request allowance: retry after `retryAfterSeconds`. */
  RATE_LIMITED = "RATE_LIMITED",
  /** A database statement ran longer than the configured statement timeout and was cancelled. */
  QUERY_TIMEOUT = "QUERY_TIMEOUT",
  /**
   * The database cannot be reached (restarting, stopped, connection lost): HTTP 503 with `Retry-After`
   * (`retryAfterSeconds`). A mutation answered so was not acknowledged; its transaction rolled back
   * unless the connection was lost while its COMMIT was under way: mutations are idempotent, retry it.
   */
  DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE",
  /**
   * The request did not finish within the request deadline (DAKGRAPH_REQUEST_TIMEOUT_MS): HTTP 503 with
   * `Retry-After`. It issued no statement after the deadline; a mutation is not acknowledged: retry it.
   */
  REQUEST_TIMEOUT = "REQUEST_TIMEOUT",
  /** The audit log could not record a mutation, so the mutation was refused (audit fails closed). */
  AUDIT_LOG_UNAVAILABLE = "AUDIT_LOG_UNAVAILABLE",
  /** A requested page is larger than the configured maximum page size. */
  PAGE_SIZE_EXCEEDED = "PAGE_SIZE_EXCEEDED",
  /** A cursor was not issued by this connection (or has been tampered with). */
  INVALID_CURSOR = "INVALID_CURSOR",
  /** A global id is malformed or names a type the field does not return. */
  INVALID_ID = "INVALID_ID",
  /** The input contradicts what is stored (e.g. a shipment re-sent with a different product): nothing was written. */
  CONFLICT = "CONFLICT",
  /** A well-formed id or key names nothing stored (`extensions.field`, `value`): nothing was written. */
  NOT_FOUND = "NOT_FOUND",
  /** The server is shutting down (HTTP 503, `Retry-After`): requests already running finish, new ones go elsewhere. */
  SHUTTING_DOWN = "SHUTTING_DOWN",
  /**
   * GET /export or `dakgraph export` was asked for an operation a flat file cannot hold (not a query, not one root
   * field, no connection or list, a list inside a row, a connection without `first`/`after` variables and
   * `pageInfo { hasNextPage endCursor }`): `extensions.field` names the field at fault, `operation` the operation.
   */
  NOT_EXPORTABLE = "NOT_EXPORTABLE",
  /**
   * A subscription was sent over HTTP: subscriptions run over a WebSocket (the graphql-ws protocol,
   * `graphql-transport-ws`) at the same path, /graphql.
   */
  SUBSCRIPTION_NEEDS_WEBSOCKET = "SUBSCRIPTION_NEEDS_WEBSOCKET",
  /** A query or mutation was sent over the WebSocket, which carries subscriptions only: send it over HTTP. */
  WEBSOCKET_SUBSCRIPTIONS_ONLY = "WEBSOCKET_SUBSCRIPTIONS_ONLY",
  /** The WebSocket already holds the most subscriptions it may (`limit`, `value`, `max`): complete one first. */
  TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS",
  /**
   * The WebSocket's subscriptions were sent more events in one second than allowed (`limit`, `max`): the
   * subscription whose event overflowed ends; narrow its filter and subscribe again.
   */
  SUBSCRIPTION_EVENTS_TOO_FAST = "SUBSCRIPTION_EVENTS_TOO_FAST",
  /** Anything unexpected: details are logged with the request id, never returned. */
  INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR",
}

export interface DakgraphErrorDetails {
  /** The argument or input field at fault, as a path (`filter.pincode`, `input.shipments[3].codAmount`). */
  readonly field?: string;
  /** The offending value, as received. */
  readonly value?: unknown;
  readonly [key: string]: unknown;
}

/** Base class: a client-facing error with a fixed code. */
export class DakgraphError extends GraphQLError {
  constructor(code: ErrorCode, message: string, details: DakgraphErrorDetails = {}) {
    super(message, { extensions: { code, ...details } });
    this.name = "DakgraphError";
  }
}

export class BadUserInputError extends DakgraphError {
  constructor(message: string, details: DakgraphErrorDetails = {}) {
    super(ErrorCode.BAD_USER_INPUT, message, details);
    this.name = "BadUserInputError";
  }
}

export class PageSizeExceededError extends DakgraphError {
  constructor(field: string, value: number, max: number) {
    super(ErrorCode.PAGE_SIZE_EXCEEDED, `${field} is ${value}; pages hold at most ${max} items.`, {
      field,
      value,
      max,
    });
    this.name = "PageSizeExceededError";
  }
}

export class InvalidCursorError extends DakgraphError {
  constructor(field: string, value: string) {
    super(ErrorCode.INVALID_CURSOR, `${field} is not a cursor issued by this connection: ${JSON.stringify(value)}.`, {
      field,
      value,
    });
    this.name = "InvalidCursorError";
  }
}

export class InvalidIdError extends DakgraphError {
  constructor(field: string, value: string, expected?: string) {
    const want = expected === undefined ? "a dakgraph global id" : `the id of a ${expected}`;
    super(ErrorCode.INVALID_ID, `${field} must be ${want}; got ${JSON.stringify(value)}.`, { field, value });
    this.name = "InvalidIdError";
  }
}

export class ConflictError extends DakgraphError {
  constructor(message: string, details: DakgraphErrorDetails = {}) {
    super(ErrorCode.CONFLICT, message, details);
    this.name = "ConflictError";
  }
}

export class NotFoundError extends DakgraphError {
  constructor(message: string, details: DakgraphErrorDetails = {}) {
    super(ErrorCode.NOT_FOUND, message, details);
    this.name = "NotFoundError";
  }
}

/** What a limit error tells the client: which limit, the value that exceeded it, and the maximum. */
export class LimitExceededError extends DakgraphError {
  constructor(code: ErrorCode, limit: string, value: number, max: number, message: string, httpStatus = 400) {
    super(code, message, { limit, value, max, http: { status: httpStatus } });
    this.name = "LimitExceededError";
  }
}

export class UnauthenticatedError extends DakgraphError {
  constructor(message: string, details: DakgraphErrorDetails = {}) {
    super(ErrorCode.UNAUTHENTICATED, message, details);
    this.name = "UnauthenticatedError";
  }
}

export class ForbiddenError extends DakgraphError {
  constructor(message: string, details: DakgraphErrorDetails = {}) {
    super(ErrorCode.FORBIDDEN, message, details);
    this.name = "ForbiddenError";
  }
}

/** The DakgraphError behind an error, however deeply graphql-js or Apollo wrapped it. */
export function findDakgraphError(error: unknown): DakgraphError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof DakgraphError) return current;
    current = (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}
