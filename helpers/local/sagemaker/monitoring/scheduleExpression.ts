/**
 * Monitoring schedule expressions (spec model-monitor-formats.md §8; SageMaker Developer Guide
 * "model-monitor-schedule-expression").
 *
 * AWS's cron has six fields, `cron(Minutes Hours Day-of-month Month Day-of-week Year)`, always in
 * UTC, with `?` meaning "no value" in one of the two day fields. Model Monitor accepts only
 * whole-hour schedules: minute 0 and an hour field of `*` (hourly), `*\/N` or `H/N` (every N
 * hours), or `H` (daily at H), every day, plus the one-off `NOW`. The translation to the 5-field
 * Unix cron that cron-parser evaluates drops the year (`*`) and keeps minute, hour and the `*`
 * day/month fields.
 */
import { parseExpression } from "cron-parser";
import { AwsError } from "../../context";

const HOUR_MS = 3_600_000;

export interface ScheduleConfigInput {
  ScheduleExpression?: string;
  DataAnalysisStartTime?: string;
  DataAnalysisEndTime?: string;
}

export interface ParsedSchedule {
  kind: "cron" | "now";
  expression: string;
  /** Hours between firings (1 hourly, N for every N hours, 24 daily, 0 for NOW). */
  intervalHours: number;
  /** The analysed window relative to the scheduled time T: [T + start, T + end). */
  windowStartOffsetMs: number;
  windowEndOffsetMs: number;
  /** Firing times in (from, to], in order (none for NOW: it runs once, when created). */
  firings(from: Date, to: Date): Date[];
}

const SUPPORTED =
  "Use cron(0 * ? * * *) (hourly), cron(0 */N ? * * *) or cron(0 H/N ? * * *) (every N hours, N 1..24), " +
  "cron(0 H ? * * *) (daily at hour H UTC), or NOW with DataAnalysisStartTime and DataAnalysisEndTime " +
  "(e.g. -PT1H and -PT0H).";

function invalid(expression: string, why: string): AwsError {
  return new AwsError(
    "ValidationException",
    `Invalid value for ScheduleExpression: '${expression}'. ${why} ${SUPPORTED}`,
  );
}

/** `-PT1H`, `-PT0H`, `-PT90M`, `-P1DT2H` -> milliseconds (≤ 0). */
export function parseOffset(text: string, member: string): number {
  const match = /^-P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(text.trim());
  if (!match || text.trim() === "-P" || /T$/.test(text.trim())) {
    throw new AwsError(
      "ValidationException",
      `Invalid value for ${member}: '${text}'. Use a negative ISO 8601 duration relative to the scheduled ` +
        "time, such as -PT1H (one hour before) or -PT0H (the scheduled time itself).",
    );
  }
  const [, d, h, m] = match.map((x) => (x === undefined ? 0 : Number(x)));
  return -(d * 24 * HOUR_MS + h * HOUR_MS + m * 60_000);
}

function hourField(expression: string, field: string): { cron: string; interval: number } {
  if (field === "*") return { cron: "*", interval: 1 };
  let match = /^(\*|\d{1,2})\/(\d{1,2})$/.exec(field);
  if (match) {
    const start = match[1] === "*" ? 0 : Number(match[1]);
    const step = Number(match[2]);
    if (start > 23) throw invalid(expression, `The start hour ${start} must be 0..23.`);
    if (step < 1 || step > 24) {
      throw invalid(
        expression,
        `Only whole-hour rates of 1 to 24 hours are supported, not ${step}.`,
      );
    }
    return { cron: `${match[1]}/${step}`, interval: step };
  }
  match = /^\d{1,2}$/.exec(field);
  if (match) {
    if (Number(field) > 23) throw invalid(expression, `The hour ${field} must be 0..23.`);
    return { cron: String(Number(field)), interval: 24 };
  }
  throw invalid(expression, `The hours field '${field}' is not supported.`);
}

function parseCron(expression: string): { cron: string; interval: number } {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  if (!match) throw invalid(expression, "It must be a cron(...) expression or NOW.");
  const fields = match[1].trim().split(/\s+/);
  if (fields.length !== 6) {
    throw invalid(
      expression,
      `AWS cron expressions have 6 fields (Minutes Hours Day-of-month Month Day-of-week Year); this one has ${fields.length}.`,
    );
  }
  const [minute, hours, dom, month, dow, year] = fields;
  if (minute !== "0") {
    throw invalid(expression, "Monitoring schedules run on the hour: the minutes field must be 0.");
  }
  if (!((dom === "?" && (dow === "*" || dow === "?")) || (dow === "?" && dom === "*"))) {
    throw invalid(
      expression,
      "Monitoring schedules run every day: use ? for day-of-month and * for day-of-week (or the reverse).",
    );
  }
  if (month !== "*" || year !== "*") {
    throw invalid(expression, "The month and year fields must be *.");
  }
  const hour = hourField(expression, hours);
  return { cron: `0 ${hour.cron} * * *`, interval: hour.interval };
}

/** Validates a ScheduleConfig and returns how it fires; throws ValidationException. */
export function parseScheduleConfig(config: ScheduleConfigInput): ParsedSchedule {
  const expression = config.ScheduleExpression ?? "";
  const start =
    config.DataAnalysisStartTime !== undefined
      ? parseOffset(config.DataAnalysisStartTime, "DataAnalysisStartTime")
      : undefined;
  const end =
    config.DataAnalysisEndTime !== undefined
      ? parseOffset(config.DataAnalysisEndTime, "DataAnalysisEndTime")
      : undefined;
  if ((start === undefined) !== (end === undefined)) {
    throw new AwsError(
      "ValidationException",
      "DataAnalysisStartTime and DataAnalysisEndTime must be given together (e.g. -PT1H and -PT0H).",
    );
  }
  if (start !== undefined && end !== undefined) {
    if (!(start < end)) {
      throw new AwsError(
        "ValidationException",
        `DataAnalysisStartTime (${config.DataAnalysisStartTime}) must be earlier than DataAnalysisEndTime (${config.DataAnalysisEndTime}).`,
      );
    }
    if (end - start > 24 * HOUR_MS) {
      throw new AwsError(
        "ValidationException",
        "The window from DataAnalysisStartTime to DataAnalysisEndTime must not exceed 24 hours.",
      );
    }
  }
  if (expression.trim() === "NOW") {
    if (start === undefined || end === undefined) {
      throw new AwsError(
        "ValidationException",
        "ScheduleExpression NOW needs DataAnalysisStartTime and DataAnalysisEndTime, the window to analyse " +
          "relative to now (for example -PT1H and -PT0H for the last hour).",
      );
    }
    return {
      kind: "now",
      expression: "NOW",
      intervalHours: 0,
      windowStartOffsetMs: start,
      windowEndOffsetMs: end,
      firings: () => [],
    };
  }
  const { cron, interval } = parseCron(expression);
  return {
    kind: "cron",
    expression,
    intervalHours: interval,
    // [P] spec §8: a schedule analyses the interval before T (1 h hourly, N h, 24 h daily).
    windowStartOffsetMs: start ?? -interval * HOUR_MS,
    windowEndOffsetMs: end ?? 0,
    firings(from: Date, to: Date): Date[] {
      const out: Date[] = [];
      if (!(to.getTime() > from.getTime())) return out;
      const iterator = parseExpression(cron, { currentDate: from, endDate: to, utc: true });
      while (iterator.hasNext()) {
        const next = iterator.next().toDate();
        if (next.getTime() > from.getTime() && next.getTime() <= to.getTime()) out.push(next);
      }
      return out;
    },
  };
}
