import { currentRequestScope } from "../lib/request-scope.js";

/** Structured one-line JSON logs on stderr, with the request id when there is one. */
function write(level: "info" | "warn" | "error", message: string, fields: Record<string, unknown>): void {
  const requestId = currentRequestScope()?.requestId;
  const line = { time: new Date().toISOString(), level, message, ...(requestId === undefined ? {} : { requestId }), ...fields };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { error: error.message, stack: error.stack };
  return { error: String(error) };
}

export const logger = {
  info: (message: string, fields: Record<string, unknown> = {}) => write("info", message, fields),
  warn: (message: string, fields: Record<string, unknown> = {}) => write("warn", message, fields),
  error: (message: string, error: unknown, fields: Record<string, unknown> = {}) =>
    write("error", message, { ...fields, ...errorFields(error) }),
};
