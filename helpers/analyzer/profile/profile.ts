/**
 * The mergeable state of a whole data set: one ColumnProfile per column plus the row count and
 * a report of every irregular or rejected record (nothing is dropped silently, design rules).
 */
import { ColumnProfile } from "./column";

/** Rows wider than this are cut (and reported): a guard against a runaway line exhausting memory. */
export const MAX_COLUMNS = 10_000;
const MAX_EXAMPLES = 10;

export interface ProfileReport {
  /** Records that produced no row (capture lines that are not JSON, undecodable payloads...). */
  skippedRecords: number;
  /** Count per reason, e.g. `{"line is not valid JSON": 2}`. */
  skipReasons: Record<string, number>;
  /** Rows with fewer fields than expected: the missing fields count as missing values. */
  shortRows: number;
  /** Rows with more fields than expected (header CSV: extra fields ignored; else extra columns). */
  longRows: number;
  /** Fields or lines that were not valid UTF-8 (decoded with U+FFFD replacement characters). */
  invalidUtf8: number;
  /** Blank lines (not records, skipped like Spark's CSV reader does). */
  blankLines: number;
  /** Capture records outside the analysis window (expected, not an error). */
  outsideWindow: number;
  /** Narrowest and widest row seen (0 when no rows). */
  minColumns: number;
  maxColumns: number;
  /** The first few problems with their location, for a human to look at. */
  examples: string[];
}

export function emptyReport(): ProfileReport {
  return {
    skippedRecords: 0,
    skipReasons: {},
    shortRows: 0,
    longRows: 0,
    invalidUtf8: 0,
    blankLines: 0,
    outsideWindow: 0,
    minColumns: 0,
    maxColumns: 0,
    examples: [],
  };
}

export interface ProfileOptions {
  /** Column names by position (header or baseline feature names). */
  names?: string[];
  /**
   * true when the names define the schema (CSV header): longer rows are cut like Spark's
   * PERMISSIVE reader; false lets extra fields become extra columns `_c{i}` (capture data).
   */
  fixedWidth?: boolean;
}

export class Profile {
  itemCount = 0;
  readonly columns: ColumnProfile[] = [];
  readonly report: ProfileReport = emptyReport();
  private readonly givenNames: string[];
  readonly fixedWidth: boolean;

  constructor(options: ProfileOptions = {}) {
    this.givenNames = options.names ? [...options.names] : [];
    this.fixedWidth = options.fixedWidth ?? false;
    for (let i = 0; i < this.givenNames.length; i++) this.columns.push(new ColumnProfile());
  }

  /** Set the column names once they are known (a CSV header is read after construction). */
  setNames(names: string[], fixedWidth: boolean): void {
    this.givenNames.length = 0;
    this.givenNames.push(...names);
    (this as { fixedWidth: boolean }).fixedWidth = fixedWidth;
    this.ensureColumns(names.length);
  }

  /** Records that produced no row, by reason (the same numbers as `report`). */
  get skipped(): { records: number; reasons: Record<string, number> } {
    return { records: this.report.skippedRecords, reasons: { ...this.report.skipReasons } };
  }

  /** Column names: the given ones, then Spark's `_c{position}` for any extra column. */
  get names(): string[] {
    return this.columns.map((_, i) => this.givenNames[i] ?? `_c${i}`);
  }

  /** Number of columns the schema expects (0 = take the rows as they come). */
  get expectedWidth(): number {
    return this.givenNames.length;
  }

  /** Make sure `width` columns exist, backfilling earlier rows as missing. */
  ensureColumns(width: number): void {
    while (this.columns.length < width) {
      const column = new ColumnProfile();
      column.classes.null = this.itemCount;
      this.columns.push(column);
    }
  }

  /** Record a problem: counted by reason, and the first few kept with their location. */
  note(where: string, message: string): void {
    if (this.report.examples.length < MAX_EXAMPLES)
      this.report.examples.push(`${where}: ${message}`);
  }

  skip(reason: string, where: string, detail?: string): void {
    this.report.skippedRecords++;
    this.report.skipReasons[reason] = (this.report.skipReasons[reason] ?? 0) + 1;
    this.note(where, detail ? `${reason} (${detail})` : reason);
  }

  /**
   * Finish a row of `width` fields whose first `filled` fields were added to columns
   * 0..filled-1: pads the remaining columns with missing values, counts irregular widths.
   * `where` is only read when the width is irregular (callers may pass "" for a regular row).
   */
  endRow(width: number, where: string, filled = width): void {
    const expected = this.expectedWidth;
    if (expected > 0 && width !== expected) {
      if (width < expected) {
        this.report.shortRows++;
        this.note(
          where,
          `row has ${width} fields, expected ${expected}; the rest count as missing`,
        );
      } else {
        this.report.longRows++;
        this.note(
          where,
          this.fixedWidth
            ? `row has ${width} fields, expected ${expected}; extra fields ignored`
            : `row has ${width} fields, expected ${expected}; extra fields become columns _c${expected}..`,
        );
      }
    }
    for (let i = Math.min(filled, this.columns.length); i < this.columns.length; i++) {
      this.columns[i].addMissing();
    }
    this.countRows(1, width);
  }

  /**
   * Count `rows` finished rows of `width` fields whose fields are in the columns already (endRow,
   * NumericBlock.flushInto): the row count and the narrowest / widest row.
   */
  countRows(rows: number, width: number): void {
    if (rows === 0) return;
    if (this.itemCount === 0 || width < this.report.minColumns) this.report.minColumns = width;
    if (width > this.report.maxColumns) this.report.maxColumns = width;
    this.itemCount += rows;
  }

  /** Add a row of decoded values (capture path); null or "" is missing. */
  addRow(values: ReadonlyArray<string | null>, where: string): void {
    let width = values.length;
    if (width > MAX_COLUMNS) {
      this.note(where, `row has ${width} fields; only the first ${MAX_COLUMNS} are profiled`);
      width = MAX_COLUMNS;
    }
    const usable = this.fixedWidth ? Math.min(width, this.expectedWidth) : width;
    if (!this.fixedWidth) this.ensureColumns(usable);
    for (let i = 0; i < usable; i++) this.columns[i].addText(values[i]);
    this.endRow(values.length, where, usable);
  }

  /** Deep copy (used by mergeProfiles so that neither input is mutated). */
  clone(): Profile {
    const copy = new Profile({ names: this.givenNames, fixedWidth: this.fixedWidth });
    copy.columns.length = 0;
    for (const c of this.columns) copy.columns.push(c.clone());
    copy.itemCount = this.itemCount;
    const r = this.report;
    Object.assign(copy.report, {
      ...r,
      skipReasons: { ...r.skipReasons },
      examples: [...r.examples],
    });
    return copy;
  }

  /**
   * Merge `other` into this profile (Deequ state merge): counts, sums, min/max, moments exactly,
   * KLL by QuantileNonSample.merge, distinct values by union. Columns match by position.
   */
  merge(other: Profile): this {
    const mine = this.names;
    const theirs = other.names;
    for (let i = 0; i < Math.min(mine.length, theirs.length); i++) {
      if (mine[i] !== theirs[i]) {
        throw new Error(
          `cannot merge profiles: column ${i} is "${mine[i]}" in one and "${theirs[i]}" in the other; ` +
            `profile both with the same feature names`,
        );
      }
    }
    if (other.givenNames.length > this.givenNames.length) {
      this.givenNames.push(...other.givenNames.slice(this.givenNames.length));
    }
    // Columns one side lacks were all-missing on that side.
    this.ensureColumns(other.columns.length);
    for (let i = 0; i < this.columns.length; i++) {
      if (i < other.columns.length) this.columns[i].merge(other.columns[i]);
      else this.columns[i].classes.null += other.itemCount;
    }
    const a = this.report;
    const b = other.report;
    if (other.itemCount > 0) {
      a.minColumns = this.itemCount === 0 ? b.minColumns : Math.min(a.minColumns, b.minColumns);
      a.maxColumns = Math.max(a.maxColumns, b.maxColumns);
    }
    this.itemCount += other.itemCount;
    a.skippedRecords += b.skippedRecords;
    for (const [reason, n] of Object.entries(b.skipReasons)) {
      a.skipReasons[reason] = (a.skipReasons[reason] ?? 0) + n;
    }
    a.shortRows += b.shortRows;
    a.longRows += b.longRows;
    a.invalidUtf8 += b.invalidUtf8;
    a.blankLines += b.blankLines;
    a.outsideWindow += b.outsideWindow;
    for (const e of b.examples) if (a.examples.length < MAX_EXAMPLES) a.examples.push(e);
    return this;
  }
}

/** The profile of the union of two inputs; neither argument is modified. */
export function mergeProfiles(a: Profile, b: Profile): Profile {
  return a.clone().merge(b);
}

/** One log line describing irregular input, or undefined when the input was clean. */
export function describeReport(report: ProfileReport, invalidUtf8Fields = 0): string | undefined {
  const parts: string[] = [];
  if (report.skippedRecords > 0) {
    const reasons = Object.entries(report.skipReasons)
      .map(([reason, n]) => `${n} ${reason}`)
      .join(", ");
    parts.push(`skipped ${report.skippedRecords} record(s): ${reasons}`);
  }
  if (report.shortRows > 0) parts.push(`${report.shortRows} row(s) with too few fields`);
  if (report.longRows > 0) parts.push(`${report.longRows} row(s) with too many fields`);
  if (report.invalidUtf8 > 0) parts.push(`${report.invalidUtf8} line(s) with invalid UTF-8`);
  if (invalidUtf8Fields > 0) parts.push(`${invalidUtf8Fields} field(s) with invalid UTF-8`);
  if (parts.length === 0) return undefined;
  const first = report.examples.length > 0 ? `; first: ${report.examples[0]}` : "";
  return `analyzer: ${parts.join("; ")}${first}`;
}
