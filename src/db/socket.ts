import net from "node:net";

/*
 * postgres.js connections with Nagle's algorithm off (TCP_NODELAY).
 *
 * postgres.js opens plain `net.Socket`s and leaves Nagle's algorithm on. A small message written while
 * an earlier segment is still unacknowledged then waits for the peer's delayed ACK: about 40 ms on
 * Linux. On loopback it showed after every COPY (the statement after one 10,000-row COPY waited 41–43 ms,
 * 0.4 ms with TCP_NODELAY) and in the tail latency of requests that send several statements. libpq and
 * PostgreSQL's own server side set TCP_NODELAY; this gives postgres.js the same.
 */

/** The parts of postgres.js's parsed options the socket needs. */
interface SocketOptions {
  readonly host: readonly string[];
  readonly port: readonly number[];
  /** Unix socket path, when the URL names a socket directory. */
  readonly path: string | false;
  /** Seconds; postgres.js's own default is 30. */
  readonly connect_timeout?: number;
}

/**
 * postgres.js's `socket` option: a connected socket with TCP_NODELAY. Only the first host of a
 * multi-host URL is tried (dakgraph takes one server). TLS, when asked for, is layered on it by postgres.js.
 */
export function noDelaySocket(options: SocketOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = options.path ? net.connect({ path: options.path }) : net.connect({ host: options.host[0] ?? "localhost", port: options.port[0] ?? 5432, noDelay: true });
    const timeoutMs = (options.connect_timeout ?? 30) * 1000;
    const timer = setTimeout(() => socket.destroy(new Error(`connecting to PostgreSQL timed out after ${timeoutMs / 1000} s`)), timeoutMs);
    const failed = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once("error", failed);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.off("error", failed);
      resolve(socket);
    });
  });
}

/**
 * `options` with the `socket` factory above. postgres.js reads a `socket` option (connection.js) that its
 * type declarations leave out, hence the one cast, kept here.
 */
export function withNoDelaySocket<T extends object>(options: T): T {
  return { ...options, socket: noDelaySocket } as T;
}
