import pino, { type DestinationStream, type Level } from "pino";
import pretty from "pino-pretty";
import { type LogLevel, processLogLevel } from "../config.js";
import { currentRequestScope } from "../lib/request-scope.js";

/**
 * Where a logged object may carry a secret. Request lines of failed requests carry the request's headers
 * (src/server/http.ts): the Authorization header holds an API key or a token, cookies a session.
 */
const REDACTED_PATHS = ["headers.authorization", "headers.cookie", 'headers["proxy-authorization"]', "authorization", "apiKey", "key", "token"];

export interface LoggerOptions {
  /** pino's level; info when absent. */
  readonly level?: LogLevel;
  /** Where lines go; stderr when absent (pretty when stderr is a terminal, else JSON lines). */
  readonly destination?: DestinationStream;
}

/**
 * One JSON object a line (or pino-pretty's text on a terminal), with the request id of the request being served,
 * when there is one, on every line written while serving it. Writes are synchronous: a line written just before
 * process.exit (a failed start, a second Ctrl-C) is not lost.
 */
export function createPino(options: LoggerOptions = {}): pino.Logger {
  const destination =
    options.destination ??
    (process.stderr.isTTY === true
      ? pretty({ destination: 2, sync: true, colorize: true, singleLine: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" })
      : pino.destination({ fd: 2, sync: true }));
  return pino(
    {
      level: options.level ?? "info",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      mixin() {
        const requestId = currentRequestScope()?.requestId;
        return requestId === undefined ? {} : { requestId };
      },
    },
    destination,
  );
}

/** The small logging API the code calls: a message first, then fields; an error's message and stack under `err`. */
export interface Log {
  readonly pino: pino.Logger;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, error: unknown, fields?: Record<string, unknown>): void;
  /** Whether a line at `level` would be written (skip building costly fields otherwise). */
  enabled(level: Level): boolean;
}

export function wrapPino(base: pino.Logger): Log {
  return {
    pino: base,
    debug: (message, fields = {}) => base.debug(fields, message),
    info: (message, fields = {}) => base.info(fields, message),
    warn: (message, fields = {}) => base.warn(fields, message),
    error: (message, error, fields = {}) =>
      base.error(error === undefined ? fields : { ...fields, err: error instanceof Error ? error : new Error(String(error)) }, message),
    enabled: (level) => base.isLevelEnabled(level),
  };
}

/** The process's logger: start-up, shutdown, the command line, and errors outside a server's own request log. */
export const logger: Log = wrapPino(createPino({ level: processLogLevel() }));
