/**
 * Runs autocannon in a child process, so the load generator and the server under test do not
 * share one event loop (on a 2-core machine each gets a core), and returns its result.
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
}

const DRIVER = `
const autocannon = require("autocannon");
autocannon(JSON.parse(process.argv[1]), (error, result) => {
  if (error) { console.error(error); process.exit(1); }
  process.stdout.write(JSON.stringify(result));
});
`;

export function runLoad(options: LoadOptions): Promise<Result> {
  const root = path.resolve(__dirname, "../..");
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-e", DRIVER, JSON.stringify({ timeout: 30, ...options })],
      { cwd: root, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`autocannon failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as Result);
      },
    );
  });
}
