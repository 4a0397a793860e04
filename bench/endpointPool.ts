/**
 * The endpoint's targets judged over several `bench/endpoint.ts` runs at once, not part of
 * `npm run bench`:
 *   npx ts-node --transpile-only bench/endpointPool.ts [endpoint.json files...]
 * With no files it pools the runs kept in bench/results/history/ (bench/endpoint.ts keeps a copy
 * of each run's endpoint.json there) that measured the same commit, with runs of the same length,
 * as the newest one.
 *
 * Why: on a shared 2-core VM single passes of one ratio spread by 30-50 points, so one run's
 * median of five or six passes moves by about 5 points from run to run, and a target a few points
 * below the true figure is missed by about one run in four (bench/README.md, rounds 16-17).
 * Pooling the undisturbed passes of several runs narrows that, and a distribution-free bound of
 * the pooled median (support/medianBound.ts) says whether the data show a target met:
 * - PASS: the one-sided 95 % bound of the median is on the target's side (for a ratio, the lower
 *   bound is at or above it; for p99 at 32 connections, the upper bound is under 10 ms);
 * - FAIL: the pooled median itself is on the wrong side;
 * - NOT SHOWN: the median meets the target but the bound does not (more runs may tell).
 * Passes (for p99, runs) with more of the CPU stolen than the bench allows are left out, as in
 * each run's own verdict.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { ENDPOINT_TARGETS } from "./support/endpointTargets";
import { medianLowerBound, type MedianBound } from "./support/medianBound";
import { isDisturbed, STOLEN_LIMIT_PERCENT, type PassFigure } from "./support/passVerdict";
import { HISTORY_DIR, median, writeResult, type Build } from "./support/results";

const RATIOS = {
  captureOnOverOff: { label: "capture-on/off", target: ENDPOINT_TARGETS.captureOnOverOff },
  captureOffOverBare: { label: "capture-off/bare", target: ENDPOINT_TARGETS.captureOffOverBare },
} as const;
type RatioKey = keyof typeof RATIOS;
const P99_TARGETS = ["captureOff", "captureOn"] as const;
type P99Target = (typeof P99_TARGETS)[number];
const P99_LIMIT_MS = ENDPOINT_TARGETS.p99At32BelowMs;

/** What this tool reads of one endpoint.json (the rest is left alone). */
export interface EndpointRun {
  date: string;
  build?: Build;
  secondsPerRun?: number;
  ratios: { connections: number; passes: Record<RatioKey, PassFigure[]> }[];
  runs: {
    target: string;
    connections: number;
    latencyMs: { p99: number };
    stolenPercent?: number;
  }[];
}

export function readRun(file: string): EndpointRun {
  const run = JSON.parse(readFileSync(file, "utf8")) as Partial<EndpointRun>;
  const shaped =
    typeof run.date === "string" &&
    Array.isArray(run.ratios) &&
    run.ratios.every(
      (r) =>
        typeof r.connections === "number" &&
        Object.keys(RATIOS).every((key) => Array.isArray(r.passes?.[key as RatioKey])),
    ) &&
    Array.isArray(run.runs) &&
    run.runs.every((r) => typeof r.latencyMs?.p99 === "number");
  if (!shaped) {
    throw new Error(`${file} is not an endpoint.json with per-pass ratios (round 14 or later)`);
  }
  return run as EndpointRun;
}

/**
 * The history's runs of the newest run's commit and run length, oldest first. Runs of other
 * commits or lengths are left out (passes of 1 s and of 4 s measure differently), and so are
 * files that cannot be read as runs (say, one edited by hand), each counted.
 */
export function newestBuildRuns(dir = HISTORY_DIR): {
  files: string[];
  leftOut: number;
  unreadable: number;
} {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => /^endpoint-.*\.json$/.test(name));
  } catch {
    names = [];
  }
  // Named after their ISO dates, so the names sort in time order.
  const read: { file: string; run: EndpointRun }[] = [];
  for (const file of names.sort().map((name) => path.join(dir, name))) {
    try {
      read.push({ file, run: readRun(file) });
    } catch {
      // counted below
    }
  }
  const unreadable = names.length - read.length;
  const newest = read[read.length - 1]?.run;
  const same = read.filter(
    ({ run }) =>
      run.build?.commit === newest?.build?.commit && run.secondsPerRun === newest?.secondsPerRun,
  );
  return { files: same.map(({ file }) => file), leftOut: read.length - same.length, unreadable };
}

export type Verdict = "PASS" | "FAIL" | "NOT SHOWN";

export interface Pooled {
  /** Figures in all the runs, and how many of them were undisturbed. */
  figures: number;
  counted: number;
  median?: number;
  /** The one-sided 95 % bound of the median on the target's side. */
  bound: MedianBound;
  verdict: Verdict;
}

/** Pools undisturbed figures whose target is a lower limit (`atLeast`) or an upper one. */
export function pool(
  figures: readonly PassFigure[],
  limit: { atLeast: number } | { below: number },
): Pooled {
  const counted = figures.filter((f) => !isDisturbed(f)).map((f) => f.value);
  const middle = counted.length > 0 ? median(counted) : undefined;
  let bound: MedianBound;
  let meets: (value: number) => boolean;
  if ("atLeast" in limit) {
    bound = medianLowerBound(counted);
    meets = (value) => value >= limit.atLeast;
  } else {
    // The upper bound of the median is the lower bound of the negated values, negated.
    const lower = medianLowerBound(counted.map((value) => -value));
    bound = { ...lower, value: lower.value === undefined ? undefined : -lower.value };
    meets = (value) => value < limit.below;
  }
  return {
    figures: figures.length,
    counted: counted.length,
    median: middle,
    bound,
    verdict: verdictOf(middle, bound.value, meets),
  };
}

/**
 * A lower bound is never above the median and an upper bound never below it, so a bound that
 * meets the target means the median does too.
 */
function verdictOf(
  middle: number | undefined,
  bound: number | undefined,
  meets: (value: number) => boolean,
): Verdict {
  if (middle !== undefined && !meets(middle)) return "FAIL";
  if (bound !== undefined && meets(bound)) return "PASS";
  return "NOT SHOWN";
}

/** One ratio at one connection count over every run's passes. */
export function poolRatio(runs: readonly EndpointRun[], connections: number, ratio: RatioKey) {
  const figures = runs.flatMap(
    (run) => run.ratios.find((r) => r.connections === connections)?.passes[ratio] ?? [],
  );
  return { connections, ratio, ...pool(figures, { atLeast: RATIOS[ratio].target }) };
}

/** One target's p99 at 32 connections over every run of it (each run is one figure). */
export function poolP99At32(runs: readonly EndpointRun[], target: P99Target) {
  const figures = runs.flatMap((run) =>
    run.runs
      .filter((r) => r.connections === 32 && r.target === target)
      .map((r) => ({ value: r.latencyMs.p99, stolenPercent: r.stolenPercent })),
  );
  return { target, ...pool(figures, { below: P99_LIMIT_MS }) };
}

export interface PoolResult {
  ratios: ReturnType<typeof poolRatio>[];
  p99At32: ReturnType<typeof poolP99At32>[];
  /** Every line PASS: the runs show every target met. */
  allPass: boolean;
}

/** Every ratio at every connection count the runs measured, and p99 at 32 connections. */
export function poolRuns(runs: readonly EndpointRun[]): PoolResult {
  const connectionCounts = [
    ...new Set(runs.flatMap((run) => run.ratios.map((r) => r.connections))),
  ].sort((a, b) => a - b);
  const ratios = connectionCounts.flatMap((connections) =>
    (Object.keys(RATIOS) as RatioKey[]).map((ratio) => poolRatio(runs, connections, ratio)),
  );
  const p99At32 = P99_TARGETS.map((target) => poolP99At32(runs, target));
  const allPass = [...ratios, ...p99At32].every((p) => p.verdict === "PASS");
  return { ratios, p99At32, allPass };
}

/** The pooled verdicts as printed, a line each, after one naming the runs. */
export function poolReport(
  runs: readonly EndpointRun[],
  pooled: PoolResult,
  skipped: { leftOut?: number; unreadable?: number } = {},
) {
  const { leftOut = 0, unreadable = 0 } = skipped;
  const commits = [...new Set(runs.map((run) => run.build?.commit ?? "unknown"))];
  const percent = (ratio: number | undefined) =>
    ratio === undefined ? "none" : `${(ratio * 100).toFixed(1)}%`;
  const ms = (value: number | undefined) => (value === undefined ? "none" : `${value} ms`);
  const described = (
    p: Pooled,
    show: (value: number | undefined) => string,
    noun: string,
    side: "lower" | "upper",
  ) =>
    `median ${show(p.median)} of ${p.counted} undisturbed ${noun} (of ${p.figures}); ` +
    `95% ${side} bound ${show(p.bound.value)}` +
    (p.bound.rank > 0
      ? ` (k = ${p.bound.rank} from the ${side === "lower" ? "bottom" : "top"})`
      : " (too few for one)");
  return [
    `pooled over ${runs.length} runs (${runs.map((run) => run.date).join(", ")}) of ` +
      `${commits.map((c) => c.slice(0, 10)).join(", ")}` +
      (leftOut > 0
        ? `; ${leftOut} runs of other commits or run lengths in the history left out`
        : "") +
      (unreadable > 0 ? `; ${unreadable} history files that are not runs skipped` : "") +
      (runs.some((run) => run.build?.modified) ? "; WARNING: some ran with modified files" : ""),
    ...pooled.ratios.map(
      (p) =>
        `c=${String(p.connections).padStart(2)} ${RATIOS[p.ratio].label.padEnd(16)} ` +
        `${described(p, percent, "passes", "lower")}; ` +
        `target >= ${percent(RATIOS[p.ratio].target)}: ${p.verdict}`,
    ),
    ...pooled.p99At32.map(
      (p) =>
        `p99 at c=32, ${p.target.padEnd(10)} ${described(p, ms, "runs", "upper")}; ` +
        `target < ${P99_LIMIT_MS} ms: ${p.verdict}`,
    ),
    `left out: passes and runs with more than ${STOLEN_LIMIT_PERCENT}% of the CPU stolen; ` +
      `every target shown met over these runs: ${pooled.allPass ? "yes" : "no"}`,
  ];
}

function main(): void {
  const chosen = process.argv.length > 2;
  const { files, ...skipped } = chosen
    ? { files: process.argv.slice(2), leftOut: 0, unreadable: 0 }
    : newestBuildRuns();
  if (files.length === 0) {
    throw new Error(
      `no endpoint runs to pool: pass endpoint.json files, or run bench/endpoint.ts (each run ` +
        `keeps a copy in ${path.relative(process.cwd(), HISTORY_DIR)})`,
    );
  }
  const runs = files.map(readRun);
  const pooled = poolRuns(runs);
  for (const line of poolReport(runs, pooled, skipped)) console.log(line);
  writeResult("endpointPool", {
    files: files.map((file) => path.relative(process.cwd(), file)),
    runs: runs.map((run) => ({ date: run.date, build: run.build })),
    stolenLimitPercent: STOLEN_LIMIT_PERCENT,
    confidence: 0.95,
    ...pooled,
  });
}

if (require.main === module) main();
