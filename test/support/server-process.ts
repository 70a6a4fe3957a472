import { type ChildProcess, spawn } from "node:child_process";

/** A graph server started as `src/main.ts` in a child process, and the origin it printed it serves at. */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
}

/**
 * Starts `src/main.ts` in production mode on a free port of 127.0.0.1, with no directory load and no demo seed,
 * `env` added to this process's environment, and resolves once its start-up line names the URL it serves. Rejects
 * with its stderr when it exits first; `onExit` hears a later exit too (a test that must notice a crash).
 */
export function startServerProcess(env: Record<string, string>, onExit?: (why: string) => void): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { ...process.env, NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1", DAKGRAPH_LOAD_DIRECTORY: "false", DAKGRAPH_SEED_DEMO: "false", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  return new Promise<ServerProcess>((resolve, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /dakgraph serving (http:\/\/\S+?)\/?\s/.exec(stderr);
      if (match) resolve({ child, origin: new URL(match[1]!).origin });
    });
    child.on("exit", (code, signal) => {
      onExit?.(`exit ${code ?? signal}: ${stderr.slice(-2000)}`);
      reject(new Error(`src/main.ts exited (${code ?? signal}):\n${stderr}`));
    });
  });
}
