import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectionMonitor, noDelaySocket, withNoDelaySocket } from "../../src/db/socket.js";
import { freePort, PostgresServer, postgresUnavailable } from "../support/postgres-server.js";

// The factory postgres.js opens its connections with (src/db/socket.ts). What it buys (no ~40 ms Nagle
// stalls) is a latency, measured by `npm run bench`; here: that it connects where postgres.js would, and
// that a failed connect reaches postgres.js as its own sockets' failures do.
describe("the PostgreSQL socket factory", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-socket-"));
  const unixPath = path.join(dir, ".s.PGSQL.5432");
  const greeting = (socket: net.Socket) => socket.end("hello");
  const tcp = net.createServer(greeting);
  const unix = net.createServer(greeting);
  let port = 0;

  beforeAll(async () => {
    await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
    port = (tcp.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => unix.listen(unixPath, resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => tcp.close(resolve));
    await new Promise((resolve) => unix.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const read = (socket: net.Socket) =>
    new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (chunk) => (text += String(chunk)));
      socket.on("end", () => resolve(text));
    });

  /** As postgres.js takes the factory's value: awaited, then its listeners attached. */
  const asPostgresJsDoes = async (socket: net.Socket) => {
    const taken = await Promise.resolve(socket);
    const events: string[] = [];
    taken.on("error", (error: NodeJS.ErrnoException) => events.push(`error ${error.code}`));
    taken.on("close", () => events.push("close"));
    return { socket: taken, events };
  };

  it("connects over TCP, to the first host, with Nagle's algorithm off", async () => {
    const socket = noDelaySocket({ host: ["127.0.0.1", "192.0.2.1"], port: [port, 1], path: false });
    const text = read(socket);
    await new Promise((resolve) => socket.once("connect", resolve));
    expect(socket.remotePort).toBe(port);
    expect(await text).toBe("hello");
  });

  it("connects to a Unix socket when the URL names a socket directory", async () => {
    const socket = noDelaySocket({ host: [dir], port: [5432], path: unixPath });
    expect(await read(socket)).toBe("hello");
  });

  it("reports a refused connect as the socket's error and close, after postgres.js has attached its listeners", async () => {
    const monitor = new ConnectionMonitor();
    const { socket, events } = await asPostgresJsDoes(noDelaySocket({ host: ["127.0.0.1"], port: [await freePort()], path: false }, monitor));
    expect(monitor.attempts.connecting).toBe(1);
    await new Promise((resolve) => socket.once("close", resolve));
    expect(events).toEqual(["error ECONNREFUSED", "close"]);
    expect(monitor.attempts).toMatchObject({ connecting: 0, oldestConnectingSince: null, lastConnectedAt: null });
    expect(monitor.attempts.lastFailure?.message).toMatch(/ECONNREFUSED/);
  });

  // postgres.js 3.4.9 with a factory that rejected: each failed connect left a connection in its
  // connecting queue for good, and with `max` of them every later query waited forever.
  it.skipIf(postgresUnavailable !== null)("keeps a postgres.js pool usable through refused connects, and connects once the port accepts", async () => {
    const deadline = <T>(work: Promise<T>) =>
      Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the query neither failed nor answered in 10 s")), 10_000))]);
    const server = await PostgresServer.create();
    const monitor = new ConnectionMonitor();
    const sql = postgres(server.url, withNoDelaySocket({ max: 2, connect_timeout: 2, backoff: () => 0.05, onnotice: () => {}, fetch_types: false }, monitor));
    try {
      for (let attempt = 0; attempt < 6; attempt += 1) {
        await expect(deadline(sql`select 1 as one`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
      }
      expect(monitor.attempts.connecting).toBe(0);
      await server.start();
      expect(await deadline(sql`select 1 as one`)).toEqual([{ one: 1 }]);
      expect(monitor.attempts.lastConnectedAt).not.toBeNull();
    } finally {
      await sql.end({ timeout: 1 });
      await server.dispose();
    }
  });
});
