import { GraphQLError } from "graphql";

/**
 * Every error code dakgraph returns in `extensions.code`. Clients may switch on
 * these; they never change meaning.
 */
export enum ErrorCode {
  /** An argument, input field or scalar value is malformed or out of range. */
  BAD_USER_INPUT = "BAD_USER_INPUT",
  /** A requested page is larger than the configured maximum page size. */
  PAGE_SIZE_EXCEEDED = "PAGE_SIZE_EXCEEDED",
  /** A cursor was not issued by this connection (or has been tampered with). */
  INVALID_CURSOR = "INVALID_CURSOR",
  /** A global id is malformed or names a type the field does not return. */
  INVALID_ID = "INVALID_ID",
  /** The input contradicts what is stored (e.g. a shipment re-sent with a different product): nothing was written. */
  CONFLICT = "CONFLICT",
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

/** The DakgraphError behind an error, however deeply graphql-js or Apollo wrapped it. */
export function findDakgraphError(error: unknown): DakgraphError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof DakgraphError) return current;
    current = (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}
