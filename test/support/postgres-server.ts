import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

/*
 * A PostgreSQL 15 server of a test's own, in a temporary folder on a free port, which the test may stop,
 * restart and crash at will (the shared server at 127.0.0.1:5432 must not be touched). initdb and pg_ctl
 * refuse to run as root: as root they run as the `postgres` user, on a folder it owns.
 */

const run = promisify(execFile);

export const POSTGRES_BIN = process.env.DAKGRAPH_TEST_PG_BIN ?? "/usr/lib/postgresql/15/bin";
/** Why fault tests cannot run here, or null when they can. */
export const postgresUnavailable: string | null = fs.existsSync(path.join(POSTGRES_BIN, "pg_ctl"))
  ? null
  : `PostgreSQL server binaries not found in ${POSTGRES_BIN} (set DAKGRAPH_TEST_PG_BIN): the tests that run a PostgreSQL server of their own (faults, read replicas) need them`;

const isRoot = process.getuid?.() === 0;

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export type StopMode = "smart" | "fast" | "immediate";

export class PostgresServer {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** postgres://postgres@127.0.0.1:<port>/postgres, trust authentication. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private static async folder(): Promise<string> {
    if (postgresUnavailable !== null) throw new Error(postgresUnavailable);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-pg-"));
    if (isRoot) {
      const { stdout } = await run("id", ["-u", "postgres"]);
      const { stdout: gid } = await run("id", ["-g", "postgres"]);
      fs.chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    return dir;
  }

  /** initdb into a new temporary folder; the server is not started. */
  static async create(port?: number): Promise<PostgresServer> {
    const server = new PostgresServer(await PostgresServer.folder(), port ?? (await freePort()));
    await server.pg("initdb", ["-D", server.dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-instructions"]);
    return server;
  }

  /**
   * A streaming replica of a running server (wal_level replica, PostgreSQL's default, and initdb's trust entries for
   * replication from 127.0.0.1): pg_basebackup -R copies it and writes standby.signal and primary_conninfo. Not started.
   */
  static async replicaOf(primary: PostgresServer, port?: number): Promise<PostgresServer> {
    const server = new PostgresServer(await PostgresServer.folder(), port ?? (await freePort()));
    await server.pg("pg_basebackup", ["-D", server.dataDir, "-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres", "-R", "-X", "stream", "-c", "fast"]);
    return server;
  }

  private get dataDir(): string {
    return path.join(this.dir, "data");
  }

  private async pg(tool: string, args: string[]): Promise<string> {
    const command = path.join(POSTGRES_BIN, tool);
    const [file, argv] = isRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
    const { stdout } = await run(file, argv, { cwd: this.dir, timeout: 60_000 });
    return stdout;
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=60`;
    await this.pg("pg_ctl", ["-D", this.dataDir, "-o", options, "-l", path.join(this.dir, "server.log"), "-w", "-t", "60", "start"]);
  }

  /** Stops it in the given mode (immediate: the server processes are killed without a checkpoint, as in a crash). */
  async stop(mode: StopMode): Promise<void> {
    await this.pg("pg_ctl", ["-D", this.dataDir, "-m", mode, "-w", "-t", "60", "stop"]);
  }

  async restart(mode: StopMode): Promise<void> {
    await this.stop(mode);
    await this.start();
  }

  /** Stops the server if it runs and removes its folder. */
  async dispose(): Promise<void> {
    await this.stop("immediate").catch(() => {});
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  get log(): string {
    return fs.readFileSync(path.join(this.dir, "server.log"), "utf8");
  }
}
