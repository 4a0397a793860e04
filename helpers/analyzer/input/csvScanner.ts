/**
 * Streaming CSV reader that feeds a Profile straight from the bytes.
 *
 * Why hand-written: the profiler must reach >= 500k rows/s of 24 numeric columns on one core
 * (issue 9 §8). A general CSV parser builds a JS string per field; this one classifies and parses
 * each unquoted field in place (profile/dataType.ts) and only decodes strings for quoted or
 * non-numeric fields. Rows are handed to the parser only once complete (the last row boundary of
 * each chunk is found with native indexOf/lastIndexOf when the chunk has no quotes), so memory
 * holds at most one chunk plus one partial row.
 *
 * Dialect: RFC 4180 (comma, `"` quoting with `""` escapes, fields may span lines), LF or CRLF
 * line ends, optional UTF-8 BOM; an empty field (quoted or not) is missing (spec §3.2); blank
 * lines are skipped like Spark's CSV reader does.
 */
import { isUtf8 } from "node:buffer";
import { field, scanField } from "../profile/dataType";
import { NumericBlock } from "../profile/numericBlock";
import { MAX_COLUMNS, Profile } from "../profile/profile";
import { scanNumericRow } from "./numericRow";

const LF = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const QUOTE = 0x22;

/** A single row larger than this is rejected (reported) instead of buffered without bound. */
export const MAX_ROW_BYTES = 64 * 1024 * 1024;

export interface CsvScanOptions {
  /** First row holds the column names. */
  header: boolean;
  /** Names to use when there is no header (e.g. the baseline's feature names). */
  names?: string[];
  /** Label for messages, e.g. the file name. */
  source?: string;
  /** Reject (and report) rows larger than this; default MAX_ROW_BYTES. */
  maxRowBytes?: number;
  /**
   * Read rows of plain numbers through the block fast path (numericRow.ts); default true.
   * false parses every row field by field: same result, slower (tests compare the two).
   */
  numericFastPath?: boolean;
}

export class CsvScanner {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Quote parity of the pending bytes: true when they end inside a quoted field. */
  private pendingInQuotes = false;
  /** Discarding an oversized row until its end. */
  private discarding = false;
  private headerPending: boolean;
  private firstChunk = true;
  private line = 1;
  private readonly source: string;
  private readonly maxRowBytes: number;
  /**
   * Rows of plain numbers collected by the fast path (numericRow.ts), flushed into the profile
   * before any other row and before parseRows returns; null until the schema width is known,
   * and for good once the fast path stops paying (see missedFastPath).
   */
  private block: NumericBlock | null = null;
  private fastPathOff = false;
  private fastRows = 0;
  private fastMisses = 0;

  /** Rows the numeric fast path took (for tests and diagnostics: the rest went field by field). */
  get fastPathRows(): number {
    return this.fastRows;
  }

  constructor(
    readonly profile: Profile,
    options: CsvScanOptions,
  ) {
    this.headerPending = options.header;
    this.source = options.source ?? "input";
    this.maxRowBytes = options.maxRowBytes ?? MAX_ROW_BYTES;
    this.fastPathOff = options.numericFastPath === false;
    if (!options.header && options.names) profile.setNames(options.names, false);
  }

  push(chunk: Buffer): void {
    if (this.firstChunk && chunk.length > 0) {
      this.firstChunk = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        chunk = chunk.subarray(3);
      }
    }
    if (chunk.length === 0) return;
    const boundary = lastRowBoundary(chunk, this.pendingInQuotes);
    if (boundary.index < 0) {
      this.keepPending(chunk, boundary.inQuotesAtEnd);
      return;
    }
    const head = chunk.subarray(0, boundary.index);
    if (this.discarding) {
      // The oversized row ends at the first row boundary; rows after it are ordinary.
      this.discarding = false;
      const first = firstRowBoundary(head, this.pendingInQuotes);
      this.line++;
      this.parseRows(head, first, head.length);
    } else if (this.pending.length > 0) {
      // Only the row split across chunks is joined; the rest of the chunk is parsed in place
      // (joining whole chunks copied the entire input once more).
      const first = firstRowBoundary(head, this.pendingInQuotes);
      const joined = Buffer.concat([...this.pending, head.subarray(0, first)]);
      this.parseRows(joined, 0, joined.length);
      this.parseRows(head, first, head.length);
    } else {
      this.parseRows(head, 0, head.length);
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingInQuotes = false;
    const rest = chunk.subarray(boundary.index);
    if (rest.length > 0) this.keepPending(rest, boundary.inQuotesAtEnd);
  }

  /** Flush the last row (a final line without a newline is a normal row). */
  end(): void {
    if (this.discarding || this.pending.length === 0) return;
    const rest = Buffer.concat(this.pending);
    this.pending = [];
    if (this.pendingInQuotes) {
      this.profile.skip(
        "unterminated quoted field",
        this.where(),
        "the input ends inside a quoted field; the last row was not profiled",
      );
      return;
    }
    this.parseRows(rest, 0, rest.length);
  }

  private keepPending(bytes: Buffer, inQuotesAtEnd: boolean): void {
    this.pendingInQuotes = inQuotesAtEnd;
    if (this.discarding) return;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes > this.maxRowBytes) {
      this.profile.skip(
        "row too large",
        this.where(),
        `a single row exceeds ${this.maxRowBytes} bytes; check the file is CSV with line breaks`,
      );
      this.pending = [];
      this.pendingBytes = 0;
      this.discarding = true;
    }
  }

  private where(): string {
    return `${this.source} line ${this.line}`;
  }

  /** Parse complete rows in buf[start, end). */
  private parseRows(buf: Buffer, start: number, end: number): void {
    this.scanRows(buf, start, end);
    // Not in scanRows: V8 compiles its long loop on-stack, without feedback for code after the
    // loop, and used to deoptimize on leaving it, once per chunk.
    this.block?.flushInto(this.profile, buf);
  }

  private scanRows(buf: Buffer, start: number, end: number): void {
    const profile = this.profile;
    // The fast path needs a line feed at the end (see scanNumericRow): every range but the
    // input's last row without one.
    const fastPathFits = end > start && buf[end - 1] === LF;
    let pos = start;
    while (pos < end) {
      // Blank line (LF or CRLF alone).
      const b = buf[pos];
      if (b === LF || (b === CR && pos + 1 < end && buf[pos + 1] === LF)) {
        pos += b === LF ? 1 : 2;
        profile.report.blankLines++;
        this.line++;
        continue;
      }
      if (this.headerPending) {
        const fields: string[] = [];
        pos = this.readRowAsText(buf, pos, end, fields);
        this.headerPending = false;
        profile.setNames(fields, true);
        continue;
      }
      const block = fastPathFits ? (this.block ?? this.startBlock()) : null;
      if (block !== null && profile.columns.length === block.width) {
        const next = this.scanNumericRows(buf, pos, end, block);
        if (next !== pos) {
          pos = next;
          continue;
        }
        block.flushInto(profile, buf); // keep each column's values in row order
        this.missedFastPath();
      }
      pos = this.parseRow(buf, pos, end);
    }
  }

  /**
   * Take rows through the fast path while they are plain numbers; returns the position after
   * the last one taken (`pos` itself when the first is not). Stops before a line that starts
   * with a line end (blank lines are counted by scanRows).
   */
  private scanNumericRows(buf: Buffer, pos: number, end: number, block: NumericBlock): number {
    let rows = 0;
    while (pos < end) {
      const b = buf[pos];
      if (b === LF || b === CR) break;
      const next = scanNumericRow(buf, pos, end, block);
      if (next < 0) {
        block.clearRow();
        break;
      }
      pos = next;
      rows++;
      if (block.rows === block.rowCapacity) block.flushInto(this.profile, buf);
    }
    this.line += rows;
    this.fastRows += rows;
    return pos;
  }

  /** The fast path's block, once the schema's width is known (null: general path only). */
  private startBlock(): NumericBlock | null {
    if (this.fastPathOff) return null;
    const width = this.profile.expectedWidth;
    if (width === 0 || width > MAX_COLUMNS) return null;
    this.block = new NumericBlock(width);
    return this.block;
  }

  /**
   * A row the fast path could not take. Files with string columns miss on every row; past a
   * few misses, when misses are more than a quarter of the rows, stop trying (the attempt
   * re-reads part of each row).
   */
  private missedFastPath(): void {
    this.fastMisses++;
    if (this.fastMisses >= 16 && this.fastMisses * 4 > this.fastRows) {
      this.fastPathOff = true; // the block was just flushed: nothing is lost
      this.block = null;
    }
  }

  /** Parse one complete row at buf[pos] field by field; returns the position after it. */
  private parseRow(buf: Buffer, pos: number, end: number): number {
    const profile = this.profile;
    let b = 0;
    const rowLine = this.line;
    const columns = profile.columns;
    const limit = profile.fixedWidth ? profile.expectedWidth : MAX_COLUMNS;
    let col = 0;
    let rowDone = false;
    while (!rowDone) {
      b = pos < end ? buf[pos] : LF;
      if (b === QUOTE) {
        // Quoted field: find the closing quote, unescape "" pairs.
        let i = pos + 1;
        let hasEscapes = false;
        for (;;) {
          const q = buf.indexOf(QUOTE, i);
          if (q < 0 || q >= end) {
            i = end;
            break;
          }
          if (q + 1 < end && buf[q + 1] === QUOTE) {
            hasEscapes = true;
            i = q + 2;
            continue;
          }
          i = q;
          break;
        }
        let text = buf.toString("utf8", pos + 1, i);
        for (let k = pos + 1; k < i; k++) if (buf[k] === LF) this.line++;
        if (hasEscapes) text = text.replace(/""/g, '"');
        if (col < limit) {
          if (col >= columns.length) profile.ensureColumns(col + 1);
          columns[col].addText(text);
          // addText sees already-decoded text; count bad bytes here.
          if (text.includes("\uFFFD") && !isUtf8(buf.subarray(pos + 1, i))) {
            columns[col].invalidUtf8++;
          }
        }
        pos = i + 1; // past the closing quote
        // Anything between the closing quote and the delimiter is kept out (RFC 4180 has none).
        while (pos < end && buf[pos] !== COMMA && buf[pos] !== LF) pos++;
      } else {
        // One pass: classify, parse and find the delimiter (profile/dataType scanField).
        const fieldStart = pos;
        const cls = scanField(buf, pos, end);
        pos = field.next;
        if (col < limit) {
          if (col >= columns.length) profile.ensureColumns(col + 1);
          columns[col].addClassified(cls, buf, fieldStart, field.end);
        }
      }
      col++;
      if (pos >= end) {
        rowDone = true;
      } else if (buf[pos] === COMMA) {
        pos++;
        if (pos >= end) {
          // Trailing comma at the end of input: one more empty field.
          if (col < limit) {
            if (col >= columns.length) profile.ensureColumns(col + 1);
            columns[col].addMissing();
          }
          col++;
          rowDone = true;
        }
      } else {
        pos++; // LF
        this.line++;
        rowDone = true;
      }
    }
    const added = Math.min(col, limit);
    if (col > MAX_COLUMNS) {
      profile.note(
        `${this.source} line ${rowLine}`,
        `row has ${col} fields; only the first ${MAX_COLUMNS} are profiled`,
      );
    }
    // endRow pads the columns this row did not fill and counts irregular widths; it reads the
    // location only for an irregular row, so a regular one skips building the string (a
    // number-to-text conversion per row was measurable at a million rows).
    const expected = profile.expectedWidth;
    const irregular = expected > 0 && col !== expected;
    profile.endRow(col, irregular ? `${this.source} line ${rowLine}` : "", added);
    return pos;
  }

  /** Read one row as decoded strings (header); returns the position after the row. */
  private readRowAsText(buf: Buffer, pos: number, end: number, out: string[]): number {
    let field = "";
    let inQuotes = false;
    let fieldStart = pos;
    let i = pos;
    for (; i < end; i++) {
      const b = buf[i];
      if (inQuotes) {
        if (b === QUOTE) {
          if (i + 1 < end && buf[i + 1] === QUOTE) {
            field += buf.toString("utf8", fieldStart, i + 1);
            i++;
            fieldStart = i + 1;
          } else {
            field += buf.toString("utf8", fieldStart, i);
            inQuotes = false;
            fieldStart = i + 1;
          }
        } else if (b === LF) this.line++;
      } else if (b === QUOTE && i === fieldStart && field === "") {
        inQuotes = true;
        fieldStart = i + 1;
      } else if (b === COMMA) {
        out.push(field + buf.toString("utf8", fieldStart, i));
        field = "";
        fieldStart = i + 1;
      } else if (b === LF) {
        break;
      }
    }
    let last = field + buf.toString("utf8", fieldStart, i);
    if (last.endsWith("\r")) last = last.slice(0, -1);
    out.push(last);
    if (i < end) this.line++;
    return i < end ? i + 1 : end;
  }
}

/** Index just past the first line feed outside quotes (the whole length if none). */
function firstRowBoundary(bytes: Buffer, inQuotes: boolean): number {
  let state = inQuotes;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === QUOTE) state = !state;
    else if (b === LF && !state) return i + 1;
  }
  return bytes.length;
}

/**
 * Index just past the last line feed outside quotes (-1 if none), and whether the bytes after
 * it end inside a quoted field. `inQuotes` is the state at the start of `chunk`.
 */
function lastRowBoundary(
  chunk: Buffer,
  inQuotes: boolean,
): { index: number; inQuotesAtEnd: boolean } {
  if (!inQuotes && chunk.indexOf(QUOTE) < 0) {
    const lf = chunk.lastIndexOf(LF);
    return { index: lf < 0 ? -1 : lf + 1, inQuotesAtEnd: false };
  }
  let state = inQuotes;
  let index = -1;
  for (let i = 0; i < chunk.length; i++) {
    const b = chunk[i];
    if (b === QUOTE)
      state = !state; // "" escapes toggle twice, so parity is what matters
    else if (b === LF && !state) index = i + 1;
  }
  if (index < 0) return { index: -1, inQuotesAtEnd: state };
  let after = false;
  for (let i = index; i < chunk.length; i++) if (chunk[i] === QUOTE) after = !after;
  return { index, inQuotesAtEnd: after };
}
