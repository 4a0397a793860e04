/**
 * Starts moto's standalone server (an independent implementation of the AWS APIs) on a free
 * loopback port for cross-checking the requests our helpers send. moto 5.2.1 is on the
 * development and CI machines; `.ci/run` fails when it is missing rather than skipping.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as net from "node:net";

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

export function motoAvailable(): boolean {
  return spawnSync("moto_server", ["--help"], { stdio: "ignore" }).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilListening(
  port: number,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not listen on port ${port} within 30 s:\n${output()}`);
}

export async function startMoto(): Promise<MotoServer> {
  if (!motoAvailable()) {
    throw new Error(
      "moto_server is not installed: the moto cross-check cannot run. Install it with " +
        "`pip install 'moto[server]==5.2.1'` (CI installs it in .ci/run).",
    );
  }
  const port = await freePort();
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (chunk) => (log += chunk));
  child.stderr?.on("data", (chunk) => (log += chunk));
  await waitUntilListening(port, child, () => log);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
