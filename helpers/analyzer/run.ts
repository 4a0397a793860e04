/**
 * High-level jobs, what the analyzer container does for one processing job (spec §8, §10):
 * baselining (statistics.json + constraints.json) and monitoring (plus constraint_violations.json).
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { currentDataFromProfile } from "./checks/current";
import { driftReport } from "./checks/drift";
import { checkViolations } from "./checks/violations";
import {
  formatConstraints,
  formatStatistics,
  formatViolations,
  readConstraints,
  readStatistics,
} from "./json/files";
import { InputSource } from "./input/sources";
import { Profile, ProfileReport } from "./profile/profile";
import { invalidUtf8Fields, profileCapture, profileCsv } from "./profiling";
import { toStatistics } from "./statistics";
import { suggestConstraints } from "./suggest";
import { Constraints, DriftReport, Statistics, Violation } from "./types";

export type DatasetFormat = "csv" | "capture";

/**
 * The analyzer container's `dataset_format` environment value (spec §10) as options:
 * `{"csv": {"header": true, ...}}` -> csv with that header flag (Spark's default: no header),
 * `{"sagemakerCaptureJson": {...}}` -> capture. JSON Lines and Parquet inputs are not supported
 * by this engine and fail with the reason.
 */
export function parseDatasetFormat(value: string | object | undefined): {
  format: DatasetFormat;
  header: boolean;
} {
  if (value === undefined || value === "") return { format: "csv", header: false };
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new Error(`dataset_format is not JSON: ${value}`);
    }
  }
  const v = parsed as Record<string, Record<string, unknown> | undefined>;
  if (v && typeof v === "object" && v.csv) return { format: "csv", header: v.csv.header === true };
  if (v && typeof v === "object" && v.sagemakerCaptureJson)
    return { format: "capture", header: false };
  throw new Error(
    `dataset_format ${JSON.stringify(parsed)} is not supported: use {"csv": {"header": true|false}} ` +
      `or {"sagemakerCaptureJson": {...}}`,
  );
}

/** Input problems in the terms a job summary needs. */
export interface InputSummary extends ProfileReport {
  /** Non-UTF-8 values inside otherwise fine rows. */
  invalidUtf8Fields: number;
}

export const STATISTICS_FILE = "statistics.json";
export const CONSTRAINTS_FILE = "constraints.json";
export const VIOLATIONS_FILE = "constraint_violations.json";

export interface BaselineOptions {
  input: InputSource | InputSource[];
  format?: DatasetFormat;
  /** CSV: first row is a header (default true for csv). */
  header?: boolean;
  /** Column names when the input has none (headerless CSV, capture data). */
  featureNames?: string[];
  /** Directory for statistics.json and constraints.json; omitted = do not write. */
  output?: string;
  log?: ((line: string) => void) | null;
}

export interface BaselineResult {
  statistics: Statistics;
  constraints: Constraints;
  profile: Profile;
  input: InputSummary;
  files: string[];
}

async function profileInput(
  opts: Pick<BaselineOptions, "input" | "format" | "header" | "featureNames" | "log">,
  window?: { start?: Date; end?: Date },
): Promise<Profile> {
  const format = opts.format ?? "csv";
  if (format === "csv") {
    return profileCsv(opts.input, {
      header: opts.header ?? true,
      featureNames: opts.featureNames,
      log: opts.log,
    });
  }
  if (format === "capture") {
    return profileCapture(opts.input, {
      featureNames: opts.featureNames ?? [],
      start: window?.start,
      end: window?.end,
      log: opts.log,
    });
  }
  throw new Error(`unknown dataset format ${JSON.stringify(format)}; use "csv" or "capture"`);
}

function summarize(profile: Profile): InputSummary {
  return { ...profile.report, invalidUtf8Fields: invalidUtf8Fields(profile) };
}

function noRowsMessage(profile: Profile, what: string): string {
  const r = profile.report;
  const why: string[] = [];
  if (r.skippedRecords > 0)
    why.push(`${r.skippedRecords} record(s) skipped (${Object.keys(r.skipReasons).join(", ")})`);
  if (r.outsideWindow > 0) why.push(`${r.outsideWindow} record(s) outside the analysis window`);
  return `${what}: the input has no data rows${why.length ? "; " + why.join("; ") : ""}`;
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<string[]> {
  await fs.mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    await fs.writeFile(file, text);
    written.push(file);
  }
  return written;
}

/** Baselining job: profile the data set, suggest constraints, write both files. */
export async function runBaseline(options: BaselineOptions): Promise<BaselineResult> {
  const profile = await profileInput(options);
  if (profile.itemCount === 0) throw new Error(noRowsMessage(profile, "baseline"));
  const statistics = toStatistics(profile);
  const constraints = suggestConstraints(statistics);
  const files = options.output
    ? await writeFiles(options.output, {
        [STATISTICS_FILE]: formatStatistics(statistics),
        [CONSTRAINTS_FILE]: formatConstraints(constraints),
      })
    : [];
  return { statistics, constraints, profile, input: summarize(profile), files };
}

export interface MonitoringOptions {
  input: InputSource | InputSource[];
  /** Default "capture" (schedules read data capture). */
  format?: DatasetFormat;
  header?: boolean;
  /** statistics.json / constraints.json of the baseline: a path, file text parsed, or typed value. */
  baselineStatistics: string | Statistics;
  baselineConstraints: string | Constraints;
  /** Analysis window [start, end) on inferenceTime (capture only). */
  start?: Date;
  end?: Date;
  output?: string;
  log?: ((line: string) => void) | null;
}

export interface MonitoringResult {
  statistics: Statistics;
  constraints: Constraints;
  violations: Violation[];
  drift: DriftReport;
  profile: Profile;
  input: InputSummary;
  status: "Completed" | "CompletedWithViolations";
  /** The processing job's ExitMessage (spec §8). */
  exitMessage: string;
  files: string[];
}

/** ExitMessage of a finished analyzer job (spec §8, confirmed wording). */
export function exitMessage(violations: number): string {
  return violations === 0
    ? "Completed: Job completed successfully with no violations."
    : `CompletedWithViolations: Job completed successfully with ${violations} violations.`;
}

async function loadJson<T>(value: string | T, read: (text: string) => T, what: string): Promise<T> {
  if (typeof value !== "string") return value;
  let text: string;
  try {
    text = await fs.readFile(value, "utf8");
  } catch {
    throw new Error(`${what} not found: ${value}`);
  }
  try {
    return read(text);
  } catch (e) {
    throw new Error(`${what} ${value} is not usable: ${(e as Error).message}`);
  }
}

/** Monitoring job: profile the window, check it against the baseline, write the three files. */
export async function runMonitoring(options: MonitoringOptions): Promise<MonitoringResult> {
  const baselineStatistics = await loadJson(
    options.baselineStatistics,
    readStatistics,
    "baseline statistics",
  );
  const baselineConstraints = await loadJson(
    options.baselineConstraints,
    readConstraints,
    "baseline constraints",
  );
  const featureNames = baselineStatistics.features.map((f) => f.name);
  const profile = await profileInput(
    {
      input: options.input,
      format: options.format ?? "capture",
      header: options.header,
      featureNames,
      log: options.log,
    },
    { start: options.start, end: options.end },
  );
  if (profile.itemCount === 0) throw new Error(noRowsMessage(profile, "monitoring"));
  const statistics = toStatistics(profile);
  const constraints = suggestConstraints(statistics);
  const current = currentDataFromProfile(profile, statistics);
  const violations = checkViolations(baselineStatistics, baselineConstraints, current);
  const drift = driftReport(baselineStatistics, current, baselineConstraints);
  const files = options.output
    ? await writeFiles(options.output, {
        [STATISTICS_FILE]: formatStatistics(statistics),
        [CONSTRAINTS_FILE]: formatConstraints(constraints),
        [VIOLATIONS_FILE]: formatViolations(violations),
      })
    : [];
  return {
    statistics,
    constraints,
    violations,
    drift,
    profile,
    input: summarize(profile),
    status: violations.length === 0 ? "Completed" : "CompletedWithViolations",
    exitMessage: exitMessage(violations.length),
    files,
  };
}
