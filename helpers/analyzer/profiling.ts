/**
 * Streaming profiling entry points: CSV files (baseline data sets) and data capture JSON Lines
 * (monitoring windows). Both produce the same mergeable Profile.
 */
import { isUtf8 } from "node:buffer";
import { CsvScanner } from "./input/csvScanner";
import { parseCaptureLine } from "./input/capture";
import { InputSource, asBuffer, openInputs, readLines } from "./input/sources";
import { Profile, describeReport } from "./profile/profile";

export interface CsvProfileOptions {
  /** The first row of each file holds column names. */
  header: boolean;
  /** Column names when there is no header (e.g. the baseline's feature names). */
  featureNames?: string[];
  /** Receives one line describing irregular input (default: console.warn); null to silence. */
  log?: ((line: string) => void) | null;
}

function report(profile: Profile, log: ((line: string) => void) | null | undefined): void {
  const line = describeReport(profile.report, invalidUtf8Fields(profile));
  if (line && log !== null) (log ?? console.warn)(line);
}

export function invalidUtf8Fields(profile: Profile): number {
  return profile.columns.reduce((n, c) => n + c.invalidUtf8, 0);
}

/** Profile CSV input (one file, a directory of files, a stream or in-memory content). */
export async function profileCsv(
  input: InputSource | InputSource[],
  options: CsvProfileOptions,
): Promise<Profile> {
  const inputs = await openInputs(input);
  // Without a header all files share one profile; with one, each file's header is read first and
  // later files merge in (the first file's profile is kept as is, so its KLL sketch is exactly
  // the one of a single streaming pass).
  let profile: Profile | undefined = options.header
    ? undefined
    : new Profile({ names: options.featureNames });
  for (const { name, stream } of inputs) {
    const target = options.header ? new Profile() : (profile as Profile);
    const scanner = new CsvScanner(target, {
      header: options.header,
      names: options.header ? undefined : options.featureNames,
      source: name,
    });
    for await (const chunk of stream) scanner.push(asBuffer(chunk));
    scanner.end();
    if (options.header) {
      if (profile && target.names.join("\u0000") !== profile.names.join("\u0000")) {
        throw new Error(
          `${name}: header ${JSON.stringify(target.names)} differs from the first file's ` +
            `${JSON.stringify(profile.names)}; all files of one data set need the same columns`,
        );
      }
      profile = profile ? profile.merge(target) : target;
    }
  }
  const result = profile ?? new Profile();
  report(result, options.log);
  return result;
}

export interface CaptureProfileOptions {
  /** Baseline feature names; row columns are matched to them by position (spec §5). */
  featureNames: string[];
  /** Analysis window [start, end) on eventMetadata.inferenceTime. */
  start?: Date;
  end?: Date;
  log?: ((line: string) => void) | null;
}

/** Profile data capture JSON Lines files (or directories of them, as written under S3 prefixes). */
export async function profileCapture(
  input: InputSource | InputSource[],
  options: CaptureProfileOptions,
): Promise<Profile> {
  const profile = new Profile({ names: options.featureNames, fixedWidth: false });
  const window = { start: options.start, end: options.end };
  for (const { name, stream } of await openInputs(input)) {
    let lineNo = 0;
    for await (const bytes of readLines(stream)) {
      lineNo++;
      const where = `${name} line ${lineNo}`;
      if (bytes.length === 0 || bytes.every((b) => b === 0x20 || b === 0x09)) {
        profile.report.blankLines++;
        continue;
      }
      let invalid = false;
      if (!isUtf8(bytes)) {
        invalid = true;
        profile.report.invalidUtf8++;
        profile.note(where, "line is not valid UTF-8 (decoded with replacement characters)");
      }
      const result = parseCaptureLine(bytes.toString("utf8"), window);
      if (result.kind === "skip") {
        profile.skip(result.reason, where, result.detail);
        continue;
      }
      if (result.kind === "outside") {
        profile.report.outsideWindow++;
        continue;
      }
      if (result.invalidUtf8 && !invalid) {
        profile.report.invalidUtf8++;
        profile.note(
          where,
          "BASE64 payload is not valid UTF-8 (decoded with replacement characters)",
        );
      }
      for (const row of result.rows) profile.addRow(row, where);
    }
  }
  report(profile, options.log);
  return profile;
}
