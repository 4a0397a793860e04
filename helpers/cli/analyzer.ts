/**
 * Command line for the analyzer engine (issue 9 §9), for CI pipelines and people without the
 * emulator:
 *   npm run analyzer -- baseline --input FILE [--header] [--format csv|capture] --output DIR
 *   npm run analyzer -- check --input FILE [--header] [--format csv|capture]
 *       --baseline-statistics F --baseline-constraints F --output DIR [--start ISO] [--end ISO]
 * Exit code: 0 no violations, 2 violations found, 1 error (the reason goes to stderr).
 */
import { DatasetFormat, runBaseline, runMonitoring } from "../analyzer";

const USAGE = `usage:
  analyzer baseline --input FILE|DIR [--header] [--format csv|capture] [--feature-names a,b,..] --output DIR
  analyzer check --input FILE|DIR [--header] [--format csv|capture] --baseline-statistics FILE
                 --baseline-constraints FILE --output DIR [--start ISO-TIME] [--end ISO-TIME]
exit codes: 0 = no violations, 2 = violations found, 1 = error`;

const VALUE_FLAGS = new Set([
  "input",
  "format",
  "output",
  "baseline-statistics",
  "baseline-constraints",
  "start",
  "end",
  "feature-names",
]);
const BOOLEAN_FLAGS = new Set(["header", "help"]);

export interface ParsedArgs {
  command: string;
  flags: Record<string, string | true>;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h")
    throw new UsageError("no command given");
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (BOOLEAN_FLAGS.has(name)) {
      flags[name] = true;
    } else if (VALUE_FLAGS.has(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : rest[++i];
      if (value === undefined || value.startsWith("--"))
        throw new UsageError(`--${name} needs a value`);
      flags[name] = value;
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { command, flags };
}

class UsageError extends Error {}

function required(flags: Record<string, string | true>, name: string): string {
  const v = flags[name];
  if (typeof v !== "string") throw new UsageError(`--${name} is required`);
  return v;
}

function format(flags: Record<string, string | true>, fallback: DatasetFormat): DatasetFormat {
  const f = flags.format ?? fallback;
  if (f !== "csv" && f !== "capture")
    throw new UsageError(`--format must be csv or capture, got ${String(f)}`);
  return f;
}

function date(flags: Record<string, string | true>, name: string): Date | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const d = new Date(String(v));
  if (Number.isNaN(d.getTime()))
    throw new UsageError(`--${name} must be an ISO time like 2024-03-05T14:00:00Z`);
  return d;
}

/** Run the CLI; returns the exit code. Output goes through the given writers (testable). */
export async function main(
  argv: string[],
  out: (line: string) => void = (l) => process.stdout.write(l + "\n"),
  err: (line: string) => void = (l) => process.stderr.write(l + "\n"),
): Promise<number> {
  try {
    const { command, flags } = parseArgs(argv);
    if (flags.help) {
      out(USAGE);
      return 0;
    }
    const featureNames =
      typeof flags["feature-names"] === "string" ? flags["feature-names"].split(",") : undefined;
    if (command === "baseline") {
      const fmt = format(flags, "csv");
      const result = await runBaseline({
        input: required(flags, "input"),
        format: fmt,
        header: flags.header === true,
        featureNames,
        output: required(flags, "output"),
        log: err,
      });
      out(
        `baseline: ${result.statistics.dataset.item_count} rows, ${result.statistics.features.length} features, ` +
          `${result.input.skippedRecords} skipped records -> ${result.files.join(", ")}`,
      );
      return 0;
    }
    if (command === "check") {
      const fmt = format(flags, "csv");
      const result = await runMonitoring({
        input: required(flags, "input"),
        format: fmt,
        header: flags.header === true,
        baselineStatistics: required(flags, "baseline-statistics"),
        baselineConstraints: required(flags, "baseline-constraints"),
        start: date(flags, "start"),
        end: date(flags, "end"),
        output: required(flags, "output"),
        log: err,
      });
      const byType = new Map<string, number>();
      for (const v of result.violations) {
        byType.set(v.constraint_check_type, (byType.get(v.constraint_check_type) ?? 0) + 1);
      }
      const detail = [...byType].map(([t, n]) => `${n} ${t}`).join(", ");
      out(
        `check: ${result.statistics.dataset.item_count} rows, ${result.violations.length} violations` +
          `${detail ? ` (${detail})` : ""}, ${result.input.skippedRecords} skipped records -> ${result.exitMessage}`,
      );
      return result.violations.length === 0 ? 0 : 2;
    }
    throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`analyzer: ${e.message}\n${USAGE}`);
    } else {
      err(`analyzer: error: ${(e as Error).message}`);
    }
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`analyzer: error: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
