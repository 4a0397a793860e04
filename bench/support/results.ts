/**
 * Where every bench writes: `bench/results/<name>.json` (the full measurement) and one line in
 * `bench/results/SUMMARY.md` (what bench/run.ts prints at the end).
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeFileAtomic } from "../../helpers/local/state/atomicWrite";
import { cpuTimes, stolenPercent, stolenText } from "./cpuSteal";

export const RESULTS_DIR = path.resolve(__dirname, "../results");
/** Every run of a bench that keeps its history, one file each (bench/endpointPool.ts reads them). */
export const HISTORY_DIR = path.join(RESULTS_DIR, "history");

/**
 * Writes `bench/results/<name>.json`; with `keepHistory`, also `history/<name>-<date>.json`, so
 * that several runs can be judged together after the next run has replaced `<name>.json`.
 */
export function writeResult(
  name: string,
  result: object,
  options: { keepHistory?: boolean } = {},
): void {
  const text = JSON.stringify(result, null, 2) + "\n";
  // Renamed into place whole: a bench killed while writing leaves no half-written result.
  writeFileAtomic(path.join(RESULTS_DIR, `${name}.json`), text);
  if (options.keepHistory) {
    // No colons in the name: they are not allowed in file names on every system.
    const stamp = new Date().toISOString().replace(/:/g, "-");
    writeFileAtomic(path.join(HISTORY_DIR, `${name}-${stamp}.json`), text);
  }
}

/** The machine's CPU times when this bench's process loaded its results module (its start). */
const CPU_AT_START = cpuTimes();

/**
 * Appends a bench's line, with the load average and the share of the machine's CPU the hypervisor
 * stole since the bench started: a figure taken during a burst of steal measured the host too.
 */
export function appendSummary(name: string, text: string): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const conditions =
    `load ${os.loadavg()[0].toFixed(1)}` + stolenText(stolenPercent(CPU_AT_START, cpuTimes()));
  appendFileSync(
    path.join(RESULTS_DIR, "SUMMARY.md"),
    `- ${new Date().toISOString()} ${name}: ${text} (${conditions})\n`,
  );
}

/** The code measured: its git commit and whether tracked files differed from it. */
export interface Build {
  commit: string;
  modified: boolean;
}

/** Undefined outside a git checkout (a copied tree, git not installed). */
export function currentBuild(): Build | undefined {
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: path.resolve(__dirname, "../.."),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"], // outside a checkout git's complaint is not news
    });
  try {
    return {
      commit: git("rev-parse", "HEAD").trim(),
      modified: git("status", "--porcelain", "--untracked-files=no").trim() !== "",
    };
  } catch {
    return undefined;
  }
}

/** What every result file starts with, so a number is never read without its conditions. */
export function machine() {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    loadAverage: os.loadavg(),
    build: currentBuild(),
  };
}

/** The middle value, or the mean of the two middle values of an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const passFail = (ok: boolean): string => (ok ? "PASS" : "FAIL");
