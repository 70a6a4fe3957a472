import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/http.js";

/*
 * The HTTP-level defaults of issue 17 (client address behind proxies, CORS with `*`, JWT algorithms and
 * age). None of them reads the database, so they run on PGlite only.
 */
const JWT_SECRET = "test secret of at least thirty-two bytes!";
const query = { query: "{ viewer { authenticated kind name } }" };

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("pglite");
});
afterAll(async () => {
  await db?.drop();
});

async function withServer(env: Record<string, string>, work: (server: TestServer) => Promise<void>): Promise<void> {
  const server = await startTestServer(db.database, env);
  try {
    await work(server);
  } finally {
    await server.close();
  }
}

describe("DAKGRAPH_TRUST_PROXY: the client address behind a proxy", () => {
  // Two requests at once, then none for a minute: a third from the same client is refused.
  const tight = { DAKGRAPH_RATE_LIMIT_BURST: "2", DAKGRAPH_RATE_LIMIT_PER_MINUTE: "1" };
  const from = (server: TestServer, client: string) => server.request(query, { headers: { "x-forwarded-for": client } });

  it("gives each client behind a trusted proxy its own rate-limit bucket", async () => {
    // The test connects from loopback, so loopback plays the load balancer.
    await withServer({ ...tight, DAKGRAPH_TRUST_PROXY: "127.0.0.1,::1" }, async (server) => {
      expect((await from(server, "203.0.113.1")).status).toBe(200);
      expect((await from(server, "203.0.113.1")).status).toBe(200);
      const third = await from(server, "203.0.113.1");
      expect(third.status).toBe(429);
      expect(third.body.errors[0].extensions.code).toBe("RATE_LIMITED");
      expect((await from(server, "203.0.113.2")).status).toBe(200);
      // A forged entry left of the proxy's own does not make a new client.
      expect((await from(server, "198.51.100.77, 203.0.113.1")).status).toBe(429);
    });
  });

  it("with a hop count, the same", async () => {
    await withServer({ ...tight, DAKGRAPH_TRUST_PROXY: "1" }, async (server) => {
      for (let i = 0; i < 2; i++) expect((await from(server, "203.0.113.1")).status).toBe(200);
      expect((await from(server, "203.0.113.1")).status).toBe(429);
      expect((await from(server, "203.0.113.2")).status).toBe(200);
    });
  });

  it("ignores X-Forwarded-For by default: every caller is the socket's peer", async () => {
    await withServer(tight, async (server) => {
      expect((await from(server, "203.0.113.1")).status).toBe(200);
      expect((await from(server, "203.0.113.2")).status).toBe(200);
      expect((await from(server, "203.0.113.3")).status).toBe(429);
    });
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", async () => {
    await withServer({ ...tight, DAKGRAPH_TRUST_PROXY: "10.0.0.0/8" }, async (server) => {
      expect((await from(server, "203.0.113.1")).status).toBe(200);
      expect((await from(server, "203.0.113.2")).status).toBe(200);
      expect((await from(server, "203.0.113.3")).status).toBe(429);
    });
  });
});

describe("CORS: * never with credentials", () => {
  const preflight = (server: TestServer, origin: string) =>
    server.request(undefined, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" } });

  it("answers any origin as * without allow-credentials, and a listed origin by name with it", async () => {
    await withServer({ DAKGRAPH_CORS_ORIGINS: "https://dash.example.in, *" }, async (server) => {
      for (const response of [await preflight(server, "https://evil.example"), await server.request(query, { headers: { origin: "https://evil.example" } })]) {
        expect(response.headers.get("access-control-allow-origin")).toBe("*");
        expect(response.headers.get("access-control-allow-credentials")).toBeNull();
      }
      const pre = await preflight(server, "https://evil.example");
      expect(pre.headers.get("access-control-allow-headers")).toContain("authorization");
      const listed = await server.request(query, { headers: { origin: "https://dash.example.in" } });
      expect(listed.headers.get("access-control-allow-origin")).toBe("https://dash.example.in");
      expect(listed.headers.get("access-control-allow-credentials")).toBe("true");
    });
  });
});

describe("JWT: pinned algorithms, bounded age", () => {
  const secret = new TextEncoder().encode(JWT_SECRET);
  const claims = { org: "AMAZON", roles: ["ANALYST"], name: "analyst" };
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(db.database, { DAKGRAPH_JWT_SECRET: JWT_SECRET, DAKGRAPH_JWT_MAX_AGE_SECONDS: "600" });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function expectRefused(token: string, reason: RegExp) {
    const response = await server.request(query, bearer(token));
    expect(response.status).toBe(401);
    expect(response.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(response.body.errors[0].message).toMatch(reason);
  }

  it("accepts HS256 with the secret, refuses HS384 and HS512 signed with the same secret", async () => {
    const sign = (alg: string) => new SignJWT(claims).setProtectedHeader({ alg }).setIssuedAt().setExpirationTime("5m").sign(secret);
    const accepted = await server.request(query, bearer(await sign("HS256")));
    expect(accepted.body.data.viewer).toEqual({ authenticated: true, kind: "token", name: "analyst" });
    await expectRefused(await sign("HS512"), /ERR_JOSE_ALG_NOT_ALLOWED/);
    await expectRefused(await sign("HS384"), /ERR_JOSE_ALG_NOT_ALLOWED/);
  });

  it("bounds a token without exp by its iat, and refuses one with neither", async () => {
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = (iat: number) => new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt(iat).sign(secret);
    const fresh = await server.request(query, bearer(await issuedAt(now - 60)));
    expect(fresh.status).toBe(200);
    expect(fresh.body.data.viewer.authenticated).toBe(true);
    await expectRefused(await issuedAt(now - 601), /no exp and was issued 60\d s ago; at most 600 s.*DAKGRAPH_JWT_MAX_AGE_SECONDS/);
    await expectRefused(await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(secret), /neither exp nor iat/);
  });

  it("lets exp, when present, decide alone", async () => {
    const now = Math.floor(Date.now() / 1000);
    const longLived = await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt(now - 7200).setExpirationTime(now + 60).sign(secret);
    expect((await server.request(query, bearer(longLived))).body.data.viewer.authenticated).toBe(true);
    await expectRefused(await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt().setExpirationTime(now - 60).sign(secret), /ERR_JWT_EXPIRED/);
  });
});

it("refuses an HMAC-signed token when keys come from a JWKS, whatever the key bytes", async () => {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", use: "sig" };
  const idp = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => idp.listen(0, "127.0.0.1", resolve));
  try {
    await withServer({ DAKGRAPH_JWKS_URL: `http://127.0.0.1:${(idp.address() as AddressInfo).port}/jwks.json` }, async (server) => {
      const claims = { org: "AMAZON", roles: ["ANALYST"], name: "analyst" };
      const signed = await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "k1" }).setExpirationTime("5m").sign(privateKey);
      expect((await server.request(query, { headers: { authorization: `Bearer ${signed}` } })).body.data.viewer.authenticated).toBe(true);
      // The classic confusion: the public key, which anyone can fetch, used as an HMAC secret.
      const confused = await new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: "k1" }).setExpirationTime("5m").sign(new TextEncoder().encode(JSON.stringify(jwk)));
      const refused = await server.request(query, { headers: { authorization: `Bearer ${confused}` } });
      expect(refused.status).toBe(401);
      expect(refused.body.errors[0].message).toContain("ERR_JOSE_ALG_NOT_ALLOWED");
    });
  } finally {
    await new Promise<void>((resolve) => idp.close(() => resolve()));
  }
});
