import { spawn } from "node:child_process";
import net from "node:net";
import { expect, it } from "vitest";

/*
 * The container recipe, tested where Docker cannot run: .ci/container-replay reads the Dockerfile and
 * replays its instructions in order in a clean folder (a `git archive` of HEAD: commit first), runs the
 * image's CMD as a non-root user until its HEALTHCHECK passes, queries the graph and stops it with SIGTERM.
 * About 3–5 minutes on a shared 2-core machine (two `npm ci`, the build, a first start that loads the
 * directory), which is why it is a test here rather than a step after `npm test` in .ci/run.
 */
async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it(
  "builds and runs the Dockerfile's recipe outside a container: healthy, answers the graph, stops cleanly, never as root",
  async () => {
    const child = spawn(".ci/container-replay", [], {
      cwd: new URL("..", import.meta.url).pathname,
      env: { ...process.env, REPLAY_PORT: String(await freePort()) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code, output).toBe(0);
    // Every RUN and COPY of the Dockerfile was replayed, in both stages.
    expect(output).toMatch(/FROM node:\S+ AS build[\s\S]*RUN npm run build[\s\S]*FROM node:\S+ AS runtime[\s\S]*RUN npm ci --omit=dev/);
    expect(output).toMatch(/COPY --from=build \/app\/dist/);
    expect(output).toMatch(/HEALTHCHECK passed/);
    expect(output).toMatch(/"name":"Diskit"/);
    expect(output).toMatch(/stopped cleanly \(SIGTERM, exit 0\), server ran as (?!root)\S+; replay passed/);
  },
  15 * 60_000,
);
