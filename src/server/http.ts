import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ApolloServer, HeaderMap, type HTTPGraphQLRequest } from "@apollo/server";
import type { Config } from "../config.js";
import { type Context, createContext } from "../context.js";
import type { Database } from "../db/client.js";
import { ping } from "../db/client.js";
import { migrationStatus } from "../db/migrate.js";
import { withRequestScope } from "../lib/request-scope.js";
import { renderExplorer, serveExplorerAsset } from "./explorer.js";
import { logger } from "./logger.js";

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 1_048_576;

export const GRAPHQL_PATH = "/graphql";

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, error: HttpError, requestId: string): void {
  sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] }, { "x-request-id": requestId });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > MAX_BODY_BYTES) {
    throw new HttpError(413, "PAYLOAD_TOO_LARGE", `Request body is ${declared} bytes; at most ${MAX_BODY_BYTES} are accepted.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new HttpError(413, "PAYLOAD_TOO_LARGE", `Request body exceeds ${MAX_BODY_BYTES} bytes.`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === "") return undefined;
  if (contentType === undefined || !/^application\/(graphql-response\+)?json/i.test(contentType)) return raw;
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new HttpError(400, "BAD_REQUEST", `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
}

function wantsExplorer(req: IncomingMessage, url: URL): boolean {
  return req.method === "GET" && !url.searchParams.has("query") && (req.headers.accept ?? "").includes("text/html");
}

export interface HttpDependencies {
  readonly config: Config;
  readonly database: Database;
  readonly apollo: ApolloServer<Context>;
}

async function executeGraphql(req: IncomingMessage, res: ServerResponse, url: URL, deps: HttpDependencies, requestId: string) {
  const raw = req.method === "POST" ? await readBody(req) : "";
  const request: HTTPGraphQLRequest = {
    method: req.method ?? "GET",
    headers: headerMap(req),
    search: url.search,
    body: parseBody(raw, req.headers["content-type"]),
  };
  const scope = { requestId, statements: 0 };
  const response = await withRequestScope(scope, () =>
    deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: request,
      context: async () => createContext(deps.config, deps.database, requestId),
    }),
  );
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.setHeader("x-request-id", requestId);
  res.setHeader("x-sql-statements", String(scope.statements));
  res.statusCode = response.status ?? 200;
  if (response.body.kind === "complete") {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

async function readiness(deps: HttpDependencies): Promise<{ ready: boolean; body: Record<string, unknown> }> {
  try {
    await ping(deps.database.db);
    const migrations = await migrationStatus(deps.database);
    const ready = migrations.applied >= migrations.expected;
    return { ready, body: { status: ready ? "ready" : "migrations pending", engine: deps.database.engine, migrations } };
  } catch (error) {
    return { ready: false, body: { status: "database unreachable", engine: deps.database.engine, error: (error as Error).message } };
  }
}

export function createRequestHandler(deps: HttpDependencies) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = requestIdOf(req);
    const url = new URL(req.url ?? "/", "http://localhost");
    try {
      if (url.pathname === "/healthz") {
        sendJson(res, 200, { status: "ok" });
      } else if (url.pathname === "/readyz") {
        const { ready, body } = await readiness(deps);
        sendJson(res, ready ? 200 : 503, body);
      } else if (url.pathname.startsWith("/explorer/static/")) {
        serveExplorerAsset(req, res);
      } else if (url.pathname === GRAPHQL_PATH || url.pathname === "/") {
        if (wantsExplorer(req, url)) {
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
          res.end(renderExplorer(GRAPHQL_PATH));
        } else if (url.pathname === "/") {
          res.writeHead(302, { location: GRAPHQL_PATH }).end();
        } else {
          await executeGraphql(req, res, url, deps, requestId);
        }
      } else {
        sendJson(res, 404, { error: `No route for ${url.pathname}. The graph is at ${GRAPHQL_PATH}.` });
      }
    } catch (error) {
      if (error instanceof HttpError) {
        sendError(res, error, requestId);
        return;
      }
      withRequestScope({ requestId, statements: 0 }, () => logger.error("request failed", error, { path: url.pathname }));
      if (!res.headersSent) {
        sendError(res, new HttpError(500, "INTERNAL_SERVER_ERROR", "Internal server error."), requestId);
      } else {
        res.destroy();
      }
    }
  };
}

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function listen(deps: HttpDependencies): Promise<RunningServer> {
  const server = http.createServer(createRequestHandler(deps));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(deps.config.port, deps.config.host, resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === "127.0.0.1" ? "localhost" : host}:${address.port}${GRAPHQL_PATH}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
