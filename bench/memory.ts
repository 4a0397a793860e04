/**
 * The emulator's resident memory under the load (issue 8 §3), not a test:
 *   npx ts-node --transpile-only bench/memory.ts [profileRows=5000000] [invocations=100000]
 * One process, as the emulator runs: RSS sampled every 50 ms (process.memoryUsage().rss) while
 * (1) the analyzer profiles `profileRows` rows of credit-card-shaped CSV streamed through it, and
 * (2) the in-process emulator serves `invocations` single-row text/csv InvokeEndpoint requests
 * with 100% data capture, sent by autocannon from a child process at 32 connections.
 * The documented bound (bench/README.md) is checked here and printed as PASS/FAIL.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";
import { profileCsv } from "../helpers/analyzer";
import { runLoad } from "./support/autocannon";
import { deployEndpoint, startBenchEmulator, uploadModel } from "./support/emulator";
import { trainLabModel } from "./support/labModel";
import { appendSummary, machine, passFail, writeResult } from "./support/results";
import { signInvocation } from "./support/signedInvocation";

const PROFILE_ROWS = Number(process.argv[2] ?? 5_000_000);
const INVOCATIONS = Number(process.argv[3] ?? 100_000);
/** The documented bound on peak RSS for both phases (see bench/README.md). */
export const RSS_BOUND_MB = 560;

const mb = (bytes: number) => bytes / 1e6;

class RssSampler {
  peak = 0;
  private timer?: NodeJS.Timeout;
  start(): void {
    this.peak = process.memoryUsage().rss;
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, process.memoryUsage().rss);
    }, 50);
  }
  stop(): number {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
    return mb(this.peak);
  }
}

/** `rows` CSV rows resampled from the real data set, generated as they are read. */
function creditRows(rows: number): Readable {
  const lines = readFileSync(path.resolve(__dirname, "../data/credit_card_default.csv"), "utf8")
    .trim()
    .split("\n");
  const header = lines[0].split(",").slice(1).join(",");
  const data = lines.slice(1).map((l) => l.slice(l.indexOf(",") + 1));
  let state = 42;
  let produced = 0;
  return Readable.from(
    (function* () {
      yield header + "\n";
      while (produced < rows) {
        const batch: string[] = [];
        for (let i = 0; i < 10_000 && produced < rows; i++, produced++) {
          state = (state * 1103515245 + 12345) % 2147483648;
          batch.push(data[state % data.length]);
        }
        yield batch.join("\n") + "\n";
      }
    })(),
  );
}

async function main(): Promise<void> {
  const model = await trainLabModel(20);
  global.gc?.();
  const startRss = mb(process.memoryUsage().rss);

  const profiling = new RssSampler();
  profiling.start();
  const t0 = process.hrtime.bigint();
  const profile = await profileCsv(creditRows(PROFILE_ROWS), { header: true, log: null });
  const profileSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const profilePeak = profiling.stop();
  void profile;
  console.log(
    `profiling ${PROFILE_ROWS.toLocaleString("en-US")} rows: ${profileSeconds.toFixed(1)} s, ` +
      `RSS ${startRss.toFixed(0)} MB before, peak ${profilePeak.toFixed(0)} MB`,
  );

  const emulator = await startBenchEmulator();
  try {
    const modelUrl = await uploadModel(emulator, model.artifact);
    await deployEndpoint(
      emulator,
      "bench-memory",
      modelUrl,
      `s3://${emulator.context.bucket}/bench/datacapture`,
    );
    const serveStartRss = mb(process.memoryUsage().rss);
    const serving = new RssSampler();
    serving.start();
    const t1 = process.hrtime.bigint();
    const result = await runLoad({
      ...(await signInvocation(emulator.aws, "bench-memory", model.testRows[0])),
      connections: 32,
      amount: INVOCATIONS,
    });
    const serveSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
    const servePeak = serving.stop();
    const failed = result.errors + result.timeouts + result.non2xx;
    console.log(
      `serving ${INVOCATIONS.toLocaleString("en-US")} invocations with capture: ${serveSeconds.toFixed(1)} s, ` +
        `${failed} failed, RSS ${serveStartRss.toFixed(0)} MB before, peak ${servePeak.toFixed(0)} MB`,
    );
    const peak = Math.max(profilePeak, servePeak);
    const withinBound = peak < RSS_BOUND_MB;
    console.log(
      `peak RSS ${peak.toFixed(0)} MB; bound ${RSS_BOUND_MB} MB: ${passFail(withinBound)}`,
    );
    writeResult("memory", {
      ...machine(),
      boundMB: RSS_BOUND_MB,
      startRssMB: startRss,
      profiling: { rows: PROFILE_ROWS, seconds: profileSeconds, peakRssMB: profilePeak },
      serving: {
        invocations: INVOCATIONS,
        connections: 32,
        capture: "100%",
        seconds: serveSeconds,
        failed,
        rssBeforeMB: serveStartRss,
        peakRssMB: servePeak,
      },
      peakRssMB: peak,
      withinBound,
    });
    appendSummary(
      "memory",
      `peak RSS profiling ${PROFILE_ROWS.toLocaleString("en-US")} rows ${profilePeak.toFixed(0)} MB ` +
        `(${profileSeconds.toFixed(1)} s), serving ${INVOCATIONS.toLocaleString("en-US")} captured invocations ` +
        `${servePeak.toFixed(0)} MB (${serveSeconds.toFixed(1)} s, ${failed} failed); process start ${startRss.toFixed(0)} MB; ` +
        `bound ${RSS_BOUND_MB} MB ${passFail(withinBound)}`,
    );
  } finally {
    await emulator.stop();
  }
}

main().catch((error) => {
  console.error(`bench/memory: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
