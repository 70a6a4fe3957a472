import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** The lock file in a PGlite data directory: who has the directory open. */
export const LOCK_FILE = "dakgraph.lock";

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly command: string;
  /** The graph's URL, once the holder is a server that listens. */
  readonly url?: string;
}

/**
 * A second process opening the same PGlite data directory is refused: PGlite is a single-process
 * PostgreSQL with no locking of its own, and two writers corrupt its files.
 */
export class DataDirectoryLockedError extends Error {
  constructor(readonly dataDir: string, readonly holder: Holder) {
    const server = holder.url === undefined ? "" : `, the dakgraph server at ${holder.url}`;
    super(
      `The embedded database in ${dataDir} is open in another process: pid ${holder.pid}${server} (${holder.command}, since ${holder.startedAt}). ` +
        "PGlite allows one process at a time. Stop that process (Ctrl-C, or kill -TERM " +
        `${holder.pid}) and run this again; \`dakgraph report quarterly\` can instead read the running server with ` +
        `--endpoint ${holder.url ?? "http://localhost:4000/graphql"} (and DAKGRAPH_API_KEY). Several processes can share a PostgreSQL server ` +
        `(DATABASE_URL). If no such process exists, delete ${path.join(dataDir, LOCK_FILE)}.`,
    );
    this.name = "DataDirectoryLockedError";
  }
}

function readHolder(file: string): Holder | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Holder>;
    return typeof parsed.pid === "number" ? (parsed as Holder) : null;
  } catch {
    return null;
  }
}

/** A lock left by a process of this host that is gone; one from another host (a shared volume) is never stale. */
function isStale(holder: Holder | null): boolean {
  if (holder === null) return true;
  if (holder.host !== os.hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

const sameHolder = (a: Holder | null, b: Holder | null) =>
  a !== null && b !== null && a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;

/**
 * Takes the directory's lock, a file created atomically (O_EXCL) holding this process's pid, or throws
 * DataDirectoryLockedError naming the holder. A lock whose process is gone (a crash, kill -9) is taken
 * over. Returns the release function; the lock also goes when the process exits.
 */
export function lockDataDirectory(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  const mine: Holder = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command: process.argv.slice(1).join(" ") };
  // Written whole under a private name, then linked into place: link(2) fails if the name exists, so the
  // lock file is never seen half-written.
  const draft = `${file}.${process.pid}.new`;
  fs.writeFileSync(draft, JSON.stringify(mine));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.linkSync(draft, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const holder = readHolder(file);
      if (attempt >= 3 || !isStale(holder)) {
        throw new DataDirectoryLockedError(dataDir, holder ?? { pid: 0, host: "?", startedAt: "?", command: "unreadable lock file" });
      }
      // Moved aside rather than deleted: if another process took the stale lock over first, what was moved is
      // its live lock, which goes back (link fails if a third has meanwhile taken the name).
      const aside = `${file}.${process.pid}.stale`;
      try {
        fs.renameSync(file, aside);
      } catch {
        continue;
      }
      if (!sameHolder(readHolder(aside), holder)) {
        try {
          fs.linkSync(aside, file);
        } catch {
          // another process holds the name now; the next attempt reads it
        }
      }
      fs.rmSync(aside, { force: true });
    }
  } finally {
    fs.rmSync(draft, { force: true });
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    if (sameHolder(readHolder(file), mine)) fs.rmSync(file, { force: true });
  };
  process.on("exit", release);
  return release;
}

/** Adds the server's URL to this process's lock, so a refused command can name where to send its work. */
export function recordServerUrl(dataDir: string, url: string): void {
  const file = path.join(dataDir, LOCK_FILE);
  const holder = readHolder(file);
  if (holder === null || holder.pid !== process.pid || holder.host !== os.hostname()) return;
  // Written aside and renamed over: a reader sees the old file or the new one, never half of either.
  const draft = `${file}.${process.pid}.new`;
  fs.writeFileSync(draft, JSON.stringify({ ...holder, url }));
  fs.renameSync(draft, file);
}
