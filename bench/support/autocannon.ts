/**
 * Runs autocannon in a child process, so the load generator and the server under test do not
 * share one event loop (on a 2-core machine each gets a core), and returns its result with the
 * CPU time the generator spent on the load (its own `process.cpuUsage()` around the run, so its
 * start-up is not counted; portable, unlike reading a child's times from /proc).
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import type { Result } from "autocannon";

export interface LoadOptions {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  duration?: number;
  amount?: number;
  /** Runs the load generator on this CPU only (`taskset`; bench/support/cpuPinning.ts). */
  cpu?: number;
}

export interface LoadResult extends Result {
  /** User + system CPU time of the load generator during the run, in µs. */
  loadGeneratorCpuMicros: number;
}

const DRIVER = `
const autocannon = require("autocannon");
const before = process.cpuUsage();
autocannon(JSON.parse(process.argv[1]), (error, result) => {
  if (error) { console.error(error); process.exit(1); }
  const cpu = process.cpuUsage(before);
  process.stdout.write(JSON.stringify({ ...result, loadGeneratorCpuMicros: cpu.user + cpu.system }));
});
`;

export function runLoad({ cpu, ...options }: LoadOptions): Promise<LoadResult> {
  const root = path.resolve(__dirname, "../..");
  const command = [process.execPath, "-e", DRIVER, JSON.stringify({ timeout: 30, ...options })];
  if (cpu !== undefined) command.unshift("taskset", "-c", String(cpu));
  return new Promise((resolve, reject) => {
    execFile(
      command[0],
      command.slice(1),
      { cwd: root, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`autocannon failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as LoadResult);
      },
    );
  });
}
