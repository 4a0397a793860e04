/**
 * Where every bench writes: `bench/results/<name>.json` (the full measurement) and one line in
 * `bench/results/SUMMARY.md` (what bench/run.ts prints at the end).
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cpuTimes, stolenPercent, stolenText } from "./cpuSteal";

export const RESULTS_DIR = path.resolve(__dirname, "../results");

export function writeResult(name: string, result: object): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, `${name}.json`), JSON.stringify(result, null, 2) + "\n");
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

/** What every result file starts with, so a number is never read without its conditions. */
export function machine() {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    loadAverage: os.loadavg(),
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
