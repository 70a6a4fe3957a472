import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";
import type { Config } from "../../config.js";
import type { Database } from "../../db/client.js";
import { API_KEY_REVOKED_CHANNEL } from "../../db/notify.js";
import { UnauthenticatedError } from "../../lib/errors.js";
import { hashApiKey, looksLikeApiKey, ORGANISATIONS, type Organisation } from "./access.keys.js";
import { useApiKey } from "./access.repository.js";
import { Role } from "./access.roles.js";

/** Who is asking: resolved once per HTTP request from its Authorization header. */
export interface Viewer {
  /** How the viewer proved itself; tests build viewers directly ("test"). */
  readonly kind: "anonymous" | "apiKey" | "token" | "test";
  /** api_key.id for an API key; the token's `sub`; null when anonymous. */
  readonly id: string | null;
  /** The key's name or the token's `name` (else `sub`). */
  readonly name: string | null;
  readonly organisation: Organisation | null;
  readonly roles: readonly Role[];
  /** Postal circle name the viewer's rows are limited to (India Post circle users); null: no limit. */
  readonly circle: string | null;
  /** Identifies the caller for rate limiting: `key:<id>`, `token:<sub>` or `ip:<address>`. */
  readonly rateKey: string;
}

export function anonymousViewer(address = "unknown"): Viewer {
  return { kind: "anonymous", id: null, name: null, organisation: null, roles: [], circle: null, rateKey: `ip:${address}` };
}

/** A viewer for tests and tools that execute without HTTP. */
export function testViewer(roles: readonly Role[], options: { organisation?: Organisation; circle?: string | null; name?: string } = {}): Viewer {
  const name = options.name ?? `test ${roles.join("+") || "no roles"}`;
  return {
    kind: "test",
    id: name,
    name,
    organisation: options.organisation ?? "PARTNERSHIP",
    roles,
    circle: options.circle ?? null,
    rateKey: `test:${name}`,
  };
}

/**
 * How long a looked-up key is trusted without asking again: a backstop only. A revocation reaches every
 * process at once through API_KEY_REVOKED_CHANNEL, and a process whose listening connection was lost drops
 * every cached key when it listens again; the TTL bounds what a message lost otherwise (a listening connection
 * silently cut, until TCP notices) could leave working. Its cost: one lookup per active key every 5 s per
 * process (README "Several replicas").
 */
const KEY_CACHE_MS = 5_000;
const KEY_CACHE_ENTRIES = 10_000;

function rolesFrom(value: unknown): Role[] {
  const list = Array.isArray(value) ? value : typeof value === "string" ? value.split(/[\s,]+/) : [];
  const known = new Set<string>(Object.values(Role));
  return [...new Set(list.map((role) => String(role).trim().toUpperCase()).filter((role) => known.has(role)))] as Role[];
}

function invalid(reason: string): UnauthenticatedError {
  return new UnauthenticatedError(`The Authorization header was not accepted: ${reason}. Omit it to read the public directory.`);
}

/**
 * Turns an Authorization header into a viewer. API keys (`dak_…`) are looked up by digest and
 * cached for at most KEY_CACHE_MS; a revocation drops the key from every process's cache when it commits
 * (API_KEY_REVOKED_CHANNEL);
 * JWTs are verified against DAKGRAPH_JWT_SECRET (HS256) or DAKGRAPH_JWKS_URL, with the configured
 * issuer and audience, signed with one of the configured algorithms only (an HMAC with the secret, a
 * public-key one with the JWKS); a token without `exp` expires DAKGRAPH_JWT_MAX_AGE_SECONDS after its `iat`. Claims: `org` (AMAZON, INDIA_POST, PARTNERSHIP), `roles` (array or
 * space-separated), optional `circle` and `name`. A header that is present but not valid is an
 * error (UNAUTHENTICATED, HTTP 401), never a silent fall-back to anonymous.
 */
export function createAuthenticator(config: Config, database: Database) {
  const keys = new Map<string, { viewer: Viewer | null; expires: number }>();
  // Subscribed again after a lost connection: revocations may have been missed meanwhile, so every cached key
  // goes. Not at the first subscription: keys cached in the moments before it are bounded by KEY_CACHE_MS.
  let subscriptions = 0;
  void database.listen(
    API_KEY_REVOKED_CHANNEL,
    (id) => {
      for (const [digest, cached] of keys) if (cached.viewer?.id === id) keys.delete(digest);
    },
    () => {
      subscriptions += 1;
      if (subscriptions > 1) keys.clear();
    },
  );
  const jwks = config.jwksUrl === null ? null : createRemoteJWKSet(new URL(config.jwksUrl));
  const secret = config.jwtSecret === null ? null : new TextEncoder().encode(config.jwtSecret);

  async function byApiKey(token: string): Promise<Viewer> {
    const digest = hashApiKey(token);
    const now = Date.now();
    let cached = keys.get(digest);
    if (cached === undefined || cached.expires < now) {
      const key = await useApiKey(database.db, digest);
      const viewer: Viewer | null =
        key === undefined
          ? null
          : {
              kind: "apiKey",
              id: String(key.id),
              name: key.name,
              organisation: key.organisation as Organisation,
              roles: rolesFrom(key.roles),
              circle: key.circle,
              rateKey: `key:${key.id}`,
            };
      if (keys.size >= KEY_CACHE_ENTRIES) keys.clear();
      cached = { viewer, expires: now + KEY_CACHE_MS };
      keys.set(digest, cached);
    }
    if (cached.viewer === null) throw invalid("unknown or revoked API key");
    return cached.viewer;
  }

  async function byToken(token: string): Promise<Viewer> {
    if (secret === null && jwks === null) throw invalid("not a dakgraph API key, and no JWT verification is configured");
    let payload: JWTPayload;
    try {
      const options = {
        algorithms: [...config.jwtAlgorithms],
        ...(config.jwtIssuer === null ? {} : { issuer: config.jwtIssuer }),
        ...(config.jwtAudience === null ? {} : { audience: config.jwtAudience }),
      };
      payload = (secret !== null ? await jwtVerify(token, secret, options) : await jwtVerify(token, jwks!, options)).payload;
    } catch (error) {
      throw invalid(`token rejected (${(error as { code?: string }).code ?? "invalid"})`);
    }
    // A token without `exp` would otherwise be good forever: its age from `iat` bounds it instead.
    if (payload.exp === undefined) {
      if (payload.iat === undefined) throw invalid("token has neither exp nor iat, so its age cannot be bounded");
      const age = Math.floor(Date.now() / 1000) - payload.iat;
      if (age > config.jwtMaxAgeSeconds) throw invalid(`token has no exp and was issued ${age} s ago; at most ${config.jwtMaxAgeSeconds} s are accepted (DAKGRAPH_JWT_MAX_AGE_SECONDS)`);
    }
    const organisation = String(payload.org ?? "").toUpperCase();
    if (!(ORGANISATIONS as readonly string[]).includes(organisation)) throw invalid(`token claim org must be one of ${ORGANISATIONS.join(", ")}`);
    const roles = rolesFrom(payload.roles);
    if (roles.length === 0) throw invalid(`token claim roles names none of ${Object.values(Role).join(", ")}`);
    const subject = payload.sub ?? "token";
    return {
      kind: "token",
      id: subject,
      name: typeof payload.name === "string" ? payload.name : subject,
      organisation: organisation as Organisation,
      roles,
      circle: typeof payload.circle === "string" && payload.circle.trim() !== "" ? payload.circle.trim() : null,
      rateKey: `token:${subject}`,
    };
  }

  return async function authenticate(authorization: string | undefined, address: string): Promise<Viewer> {
    if (authorization === undefined || authorization.trim() === "") return anonymousViewer(address);
    const match = /^Bearer\s+(\S{1,4096})\s*$/i.exec(authorization);
    if (match === null) throw invalid('expected "Bearer <API key or token>"');
    const token = match[1]!;
    return looksLikeApiKey(token) ? byApiKey(token) : byToken(token);
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;

/**
 * What a caller's answers may depend on: authenticated or not, roles, circle; never its identity. Answers and
 * plans are shared between callers of the same audience (the response cache, the single statement's plans).
 */
export function audienceOf(viewer: Viewer): string {
  if (viewer.kind === "anonymous") return "anonymous";
  return `${[...viewer.roles].sort().join("+")}@${(viewer.circle ?? "").toLowerCase()}`;
}
