import net from "node:net";

/*
 * postgres.js connections with Nagle's algorithm off (TCP_NODELAY).
 *
 * postgres.js opens plain `net.Socket`s and leaves Nagle's algorithm on. A small message written while
 * an earlier segment is still unacknowledged then waits for the peer's delayed ACK: about 40 ms on
 * Linux. On loopback it showed after every COPY and in the tail latency of requests that send several
 * statements. libpq and PostgreSQL's own server side set TCP_NODELAY; this gives postgres.js the same.
 *
 * The factory hands postgres.js a socket that is still connecting, as postgres.js's own code does
 * (connection.js: `new net.Socket()`, listeners, then `connect`): a refused or timed-out connect then
 * reaches postgres.js as the socket's `error` and `close` events, its `connect_timeout` covers the TCP
 * connect, and the connection goes back to the pool's closed queue to be retried. A factory that
 * rejects instead leaves the connection in postgres.js's connecting queue for good (connection.js
 * `createSocket` reports the error but never closes the connection): after `max` failed connects,
 * during a PostgreSQL restart, every query of the pool waited forever.
 */

/** The parts of postgres.js's parsed options the socket needs. */
interface SocketOptions {
  readonly host: readonly string[];
  readonly port: readonly number[];
  /** Unix socket path, when the URL names a socket directory. */
  readonly path: string | false;
}

/** What the pool's connection attempts are doing: read by /healthz. */
export interface ConnectionAttempts {
  /** Sockets still connecting, and since when the oldest of them has been (ms since the epoch). */
  readonly connecting: number;
  readonly oldestConnectingSince: number | null;
  readonly lastConnectedAt: number | null;
  readonly lastFailure: { readonly at: number; readonly message: string } | null;
}

/** Counts connection attempts of the sockets it opened. */
export class ConnectionMonitor {
  private readonly connecting = new Map<net.Socket, number>();
  private lastConnectedAt: number | null = null;
  private lastFailure: { at: number; message: string } | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  watch(socket: net.Socket): void {
    this.connecting.set(socket, this.now());
    const settled = (error?: Error) => {
      if (!this.connecting.delete(socket)) return;
      if (error === undefined) this.lastConnectedAt = this.now();
      else this.lastFailure = { at: this.now(), message: error.message };
    };
    socket.once("connect", () => settled());
    // postgres.js removes every listener of a socket it is done with; these go with them.
    socket.once("error", (error) => settled(error));
    socket.once("close", () => settled(new Error("closed before connecting")));
  }

  get attempts(): ConnectionAttempts {
    let oldest: number | null = null;
    for (const since of this.connecting.values()) oldest = oldest === null ? since : Math.min(oldest, since);
    return { connecting: this.connecting.size, oldestConnectingSince: oldest, lastConnectedAt: this.lastConnectedAt, lastFailure: this.lastFailure };
  }
}

/**
 * postgres.js's `socket` option: a socket with TCP_NODELAY, returned while it connects. Only the first
 * host of a multi-host URL is tried (dakgraph takes one server). TLS, when asked for, is layered on it
 * by postgres.js.
 */
export function noDelaySocket(options: SocketOptions, monitor?: ConnectionMonitor): net.Socket {
  const host = options.host[0] ?? "localhost";
  const port = options.port[0] ?? 5432;
  const socket = new net.Socket();
  // postgres.js reads these for TLS's server name and its error messages, as on its own sockets.
  Object.assign(socket, { host, port });
  monitor?.watch(socket);
  // Connecting on the next turn of the event loop: postgres.js attaches its listeners once the factory's
  // value resolves (a microtask), so even an error raised at once (an unreachable network) reaches them.
  // Its first write is scheduled with setImmediate after this one, so it finds the socket connecting.
  setImmediate(() => {
    if (socket.destroyed) return;
    if (options.path) socket.connect({ path: options.path });
    else socket.connect({ host, port, noDelay: true });
  });
  return socket;
}

/**
 * `options` with the `socket` factory above. postgres.js reads a `socket` option (connection.js) that its
 * type declarations leave out, hence the one cast, kept here.
 */
export function withNoDelaySocket<T extends object>(options: T, monitor?: ConnectionMonitor): T {
  return { ...options, socket: (parsed: SocketOptions) => noDelaySocket(parsed, monitor) } as T;
}
