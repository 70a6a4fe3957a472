import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noDelaySocket } from "../../src/db/socket.js";

// The factory postgres.js opens its connections with (src/db/socket.ts). What it buys (no ~40 ms Nagle
// stalls) is a latency, measured by `npm run bench`; here: that it connects where postgres.js would.
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

  it("resolves once connected over TCP, to the first host", async () => {
    const socket = await noDelaySocket({ host: ["127.0.0.1", "192.0.2.1"], port: [port, 1], path: false });
    expect(socket.remotePort).toBe(port);
    expect(await read(socket)).toBe("hello");
  });

  it("connects to a Unix socket when the URL names a socket directory", async () => {
    const socket = await noDelaySocket({ host: [dir], port: [5432], path: unixPath });
    expect(await read(socket)).toBe("hello");
  });

  it("rejects with the connection error when nothing listens", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const freePort = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(noDelaySocket({ host: ["127.0.0.1"], port: [freePort], path: false })).rejects.toThrow(/ECONNREFUSED/);
  });
});
