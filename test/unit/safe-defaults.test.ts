import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { createClientAddress } from "../../src/server/client-address.js";

describe("DAKGRAPH_SEED_DEMO", () => {
  it("defaults to true on the embedded database only", () => {
    expect(loadConfig({}).seedDemoOnStart).toBe(true);
    expect(loadConfig({ DATABASE_URL: "postgres://db.internal/dakgraph" }).seedDemoOnStart).toBe(false);
  });
  it("seeds a server database only when asked", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://db.internal/dakgraph", DAKGRAPH_SEED_DEMO: "true" }).seedDemoOnStart).toBe(true);
    expect(loadConfig({ DAKGRAPH_SEED_DEMO: "false" }).seedDemoOnStart).toBe(false);
  });
});

describe("DAKGRAPH_JWT_ALGORITHMS and DAKGRAPH_JWT_MAX_AGE_SECONDS", () => {
  it("pins HS256 with a secret and public-key algorithms with a JWKS", () => {
    expect(loadConfig({ DAKGRAPH_JWT_SECRET: "s" }).jwtAlgorithms).toEqual(["HS256"]);
    expect(loadConfig({ DAKGRAPH_JWKS_URL: "https://idp.example/jwks" }).jwtAlgorithms).toEqual(["RS256", "ES256"]);
    expect(loadConfig({ DAKGRAPH_JWKS_URL: "https://idp.example/jwks", DAKGRAPH_JWT_ALGORITHMS: "ES384, EdDSA" }).jwtAlgorithms).toEqual(["ES384", "EdDSA"]);
    expect(loadConfig({}).jwtMaxAgeSeconds).toBe(3600);
  });
  it("refuses an HMAC algorithm with a JWKS, a public-key one with a secret, and none", () => {
    expect(() => loadConfig({ DAKGRAPH_JWKS_URL: "https://idp.example/jwks", DAKGRAPH_JWT_ALGORITHMS: "RS256,HS256" })).toThrow(/DAKGRAPH_JWT_ALGORITHMS="RS256,HS256".*DAKGRAPH_JWKS_URL/);
    expect(() => loadConfig({ DAKGRAPH_JWT_SECRET: "s", DAKGRAPH_JWT_ALGORITHMS: "RS256" })).toThrow(ConfigError);
    expect(() => loadConfig({ DAKGRAPH_JWT_SECRET: "s", DAKGRAPH_JWT_ALGORITHMS: "none" })).toThrow(ConfigError);
  });
});

describe("DAKGRAPH_TRUST_PROXY", () => {
  it("trusts nothing by default", () => {
    expect(loadConfig({}).trustProxy).toEqual({ kind: "none" });
    expect(loadConfig({ DAKGRAPH_TRUST_PROXY: "0" }).trustProxy).toEqual({ kind: "none" });
  });
  it("reads a hop count or a list of addresses and CIDR blocks", () => {
    expect(loadConfig({ DAKGRAPH_TRUST_PROXY: "2" }).trustProxy).toEqual({ kind: "hops", hops: 2 });
    expect(loadConfig({ DAKGRAPH_TRUST_PROXY: "10.0.0.0/8, 192.168.1.7,::1, fd00::/8" }).trustProxy).toEqual({
      kind: "addresses",
      subnets: [
        { address: "10.0.0.0", prefix: 8, family: "ipv4" },
        { address: "192.168.1.7", prefix: 32, family: "ipv4" },
        { address: "::1", prefix: 128, family: "ipv6" },
        { address: "fd00::", prefix: 8, family: "ipv6" },
      ],
    });
  });
  it.each(["true", "11", "10.0.0.0/33", "10.0.0.0/8/1", "lb.internal", "10.0.0.0,", "::1/129"])("refuses %j naming the variable", (value) => {
    expect(() => loadConfig({ DAKGRAPH_TRUST_PROXY: value })).toThrow(`DAKGRAPH_TRUST_PROXY=${JSON.stringify(value)}`);
  });

  const addressOf = (trust: string, peer: string, xff?: string | string[]) => createClientAddress(loadConfig({ DAKGRAPH_TRUST_PROXY: trust }).trustProxy)(peer, xff);

  it("ignores X-Forwarded-For when no proxy is trusted", () => {
    expect(addressOf("", "198.51.100.9", "203.0.113.1")).toBe("198.51.100.9");
    expect(addressOf("", "::ffff:198.51.100.9")).toBe("198.51.100.9");
  });
  it("with a hop count, takes the address that many hops back, never further than the header goes", () => {
    expect(addressOf("1", "10.0.0.2", "1.1.1.1, 203.0.113.1")).toBe("203.0.113.1");
    expect(addressOf("2", "10.0.0.2", "1.1.1.1, 203.0.113.1, 10.0.0.3")).toBe("203.0.113.1");
    expect(addressOf("3", "10.0.0.2", "203.0.113.1")).toBe("203.0.113.1");
    expect(addressOf("1", "10.0.0.2")).toBe("10.0.0.2");
    expect(addressOf("1", "10.0.0.2", ["1.1.1.1", "203.0.113.1"])).toBe("203.0.113.1");
  });
  it("with a list, walks back through trusted addresses only", () => {
    // The client forged 1.1.1.1 and 10.9.9.9; the first hop the proxies did not write is 203.0.113.1.
    expect(addressOf("10.0.0.0/8", "10.0.0.2", "1.1.1.1, 10.9.9.9, 203.0.113.1, 10.0.0.3")).toBe("203.0.113.1");
    expect(addressOf("10.0.0.0/8", "198.51.100.9", "203.0.113.1")).toBe("198.51.100.9");
    expect(addressOf("127.0.0.1", "::ffff:127.0.0.1", "203.0.113.1")).toBe("203.0.113.1");
    expect(addressOf("::1", "::1", "2001:db8::5")).toBe("2001:db8::5");
  });
  it("stops at an entry that is not an address", () => {
    expect(addressOf("10.0.0.0/8", "10.0.0.2", "203.0.113.1, unknown")).toBe("10.0.0.2");
    expect(addressOf("2", "10.0.0.2", "203.0.113.1, , 10.0.0.3")).toBe("10.0.0.3");
  });
});
