/**
 * `npm run bench`: every benchmark in sequence, each in its own child process (one crash does
 * not hide the others, and none inherits another's heap or JIT state), SUMMARY.md started fresh
 * with the machine it ran on, then the summary printed. Not part of `npm test`.
 *   npm run bench [-- name ...]   (names: xgboost analyzer endpoint monitoring lab memory)
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RESULTS_DIR } from "./support/results";

const BENCHES = ["xgboost", "analyzer", "endpoint", "monitoring", "lab", "memory"];

function main(): void {
  const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : BENCHES;
  const unknown = chosen.filter((name) => !BENCHES.includes(name));
  if (unknown.length > 0) {
    console.error(`unknown bench ${unknown.join(", ")}; choose from ${BENCHES.join(", ")}`);
    process.exit(2);
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const summary = path.join(RESULTS_DIR, "SUMMARY.md");
  writeFileSync(
    summary,
    `# Benchmark summary\n\n` +
      `${new Date().toISOString()} on ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}; ` +
      `load average at start ${os.loadavg()[0].toFixed(1)}. Every ratio is against a reference ` +
      `measured in the same run (bench/README.md).\n\n`,
  );
  const failed: string[] = [];
  for (const name of chosen) {
    console.log(`\n=== bench/${name} ===`);
    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(__dirname, `${name}.ts`)],
      { cwd: path.resolve(__dirname, ".."), stdio: "inherit" },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    if (run.status !== 0) {
      failed.push(name);
      const why = run.signal ? `killed by ${run.signal}` : `exit code ${run.status}`;
      writeFileSync(
        summary,
        readFileSync(summary, "utf8") + `- ${name}: FAILED (${why}), see its output above\n`,
      );
      console.log(`bench/${name} FAILED (${why}) after ${seconds} s`);
    } else {
      console.log(`bench/${name} done in ${seconds} s`);
    }
  }
  console.log(`\n${readFileSync(summary, "utf8")}`);
  if (failed.length > 0) {
    console.log(`failed: ${failed.join(", ")}`);
    process.exit(1);
  }
}

main();
