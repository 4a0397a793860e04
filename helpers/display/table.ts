/**
 * Tables for the notebooks: a danfojs DataFrame (or Series), or an array of records, as an HTML
 * table in tslab and as aligned plain text in a terminal. Every cell is HTML-escaped; numbers are
 * formatted without floating-point noise; long tables show their first rows and say how many
 * are hidden.
 *
 * DataFrames are read structurally (`columns`, `values`, `index`), so this module does not load
 * danfojs (a second and a half of TensorFlow.js) just to print an array of records.
 */
import { escapeHtml } from "./html";
import { formatCell, formatCount, type CellFormatOptions } from "./format";
import { displayBundle, type TextOutput } from "./notebookOutput";

/** What danfojs' DataFrame and Series have in common that a table needs. */
export interface DataFrameLike {
  columns: string[];
  /** Rows of a DataFrame (arrays), or the values of a Series (scalars). */
  values: unknown[];
  index?: (string | number)[];
}

export type TableInput = DataFrameLike | readonly Record<string, unknown>[];

export interface TableOptions extends CellFormatOptions {
  /** Rows shown before the rest are hidden (default 20). Use Infinity to show every row. */
  maxRows?: number;
  /**
   * Show the row labels as a first column: "auto" (default) shows them when they are not just
   * 0, 1, 2, ... (e.g. the statistic names of `df.describe()`).
   */
  index?: boolean | "auto";
  /** A caption above the table. */
  caption?: string;
}

/** A table reduced to strings, ready to lay out. */
export interface TableModel {
  columns: string[];
  /** The formatted cells of the shown rows. */
  rows: string[][];
  /** The row labels of the shown rows, when the index is shown. */
  index?: string[];
  /** Columns whose every shown value is a number (right-aligned). */
  numeric: boolean[];
  totalRows: number;
  caption?: string;
}

function isDataFrameLike(input: TableInput): input is DataFrameLike {
  return !Array.isArray(input) && Array.isArray((input as DataFrameLike).columns);
}

/** Formats the cells of a DataFrame, Series or record array (the shown rows only). */
export function tableModel(input: TableInput, options: TableOptions = {}): TableModel {
  const maxRows = options.maxRows ?? 20;
  if (!(maxRows >= 0)) {
    throw new RangeError(`maxRows must be a number >= 0 (or Infinity), got ${maxRows}`);
  }
  let columns: string[];
  let rawRows: unknown[][];
  let rawIndex: (string | number)[] | undefined;
  let totalRows: number;
  // Only the shown rows are formatted: a 30,000-row frame costs 20 rows of work.
  const limit = (length: number) => Math.min(length, maxRows);
  if (isDataFrameLike(input)) {
    columns = input.columns.map(String);
    const values = input.values;
    if (!Array.isArray(values)) {
      throw new TypeError(
        "the table's `values` is not an array: pass a danfojs DataFrame or Series",
      );
    }
    totalRows = values.length;
    // A Series' values are scalars: one column.
    rawRows = values.slice(0, limit(totalRows)).map((row) => (Array.isArray(row) ? row : [row]));
    rawIndex = input.index;
  } else if (Array.isArray(input)) {
    columns = [];
    const seen = new Set<string>();
    for (const record of input) {
      if (record === null || typeof record !== "object") {
        throw new TypeError(
          `every row of a record table must be an object, got ${record === null ? "null" : typeof record}`,
        );
      }
      for (const key of Object.keys(record)) {
        if (!seen.has(key)) {
          seen.add(key);
          columns.push(key);
        }
      }
    }
    totalRows = input.length;
    rawRows = input.slice(0, limit(totalRows)).map((record) => columns.map((c) => record[c]));
  } else {
    throw new TypeError(
      "showTable expects a danfojs DataFrame or Series, or an array of records (objects)",
    );
  }

  const shown = rawRows;
  const rows = shown.map((row) => columns.map((_c, j) => formatCell(row[j], options)));
  // Right-align a column when its shown values are numbers (missing values aside).
  const isMissing = (value: unknown) => value === null || value === undefined;
  const numeric = columns.map(
    (_c, j) =>
      shown.some((row) => typeof row[j] === "number") &&
      shown.every((row) => typeof row[j] === "number" || isMissing(row[j])),
  );
  const showIndex =
    options.index === true ||
    (options.index !== false && rawIndex !== undefined && !isDefaultIndex(rawIndex));
  const model: TableModel = { columns, rows, numeric, totalRows };
  if (showIndex) {
    model.index = shown.map((_row, i) => formatCell(rawIndex ? rawIndex[i] : i, options));
  }
  if (options.caption !== undefined) model.caption = options.caption;
  return model;
}

function isDefaultIndex(index: (string | number)[]): boolean {
  return index.every((label, i) => label === i);
}

/** "20 of 30,000 rows shown", or undefined when every row is shown. */
export function hiddenRowsNote(model: TableModel): string | undefined {
  if (model.rows.length >= model.totalRows) return undefined;
  return `${formatCount(model.rows.length)} of ${formatCount(model.totalRows)} rows shown`;
}

/** The table as an HTML fragment (class "dataframe", which Jupyter's stylesheets style). */
export function tableToHtml(input: TableInput | TableModel, options: TableOptions = {}): string {
  const model = isModel(input) ? input : tableModel(input, options);
  const align = (j: number) => (model.numeric[j] ? ' style="text-align: right;"' : "");
  const lines: string[] = ['<div class="workshop-table" style="overflow-x: auto;">'];
  lines.push('<table class="dataframe" border="1">');
  if (model.caption !== undefined) lines.push(`<caption>${escapeHtml(model.caption)}</caption>`);
  const head = model.columns.map((c, j) => `<th${align(j)}>${escapeHtml(c)}</th>`).join("");
  lines.push(`<thead><tr>${model.index ? "<th></th>" : ""}${head}</tr></thead>`);
  lines.push("<tbody>");
  model.rows.forEach((row, i) => {
    const label = model.index ? `<th>${escapeHtml(model.index[i])}</th>` : "";
    const cells = row.map((cell, j) => `<td${align(j)}>${escapeHtml(cell)}</td>`).join("");
    lines.push(`<tr>${label}${cells}</tr>`);
  });
  lines.push("</tbody>", "</table>");
  const note = hiddenRowsNote(model);
  const shape = `${formatCount(model.totalRows)} rows × ${formatCount(model.columns.length)} columns`;
  lines.push(
    `<p class="workshop-table-note">${escapeHtml(note ? `${note} (${shape})` : shape)}</p>`,
  );
  lines.push("</div>");
  return lines.join("\n");
}

/** The table as aligned plain text (for terminals and text/plain outputs). */
export function tableToText(input: TableInput | TableModel, options: TableOptions = {}): string {
  const model = isModel(input) ? input : tableModel(input, options);
  // Cells are one line in a text table.
  const flat = (text: string) => text.replace(/\r?\n/g, " ");
  const header = [...(model.index ? [""] : []), ...model.columns.map(flat)];
  const body = model.rows.map((row, i) => [
    ...(model.index ? [flat(model.index[i])] : []),
    ...row.map(flat),
  ]);
  const offset = model.index ? 1 : 0;
  const widths = header.map((h, k) => Math.max(h.length, ...body.map((r) => r[k].length)));
  const pad = (text: string, k: number) => {
    const right = k >= offset && model.numeric[k - offset];
    return right ? text.padStart(widths[k]) : text.padEnd(widths[k]);
  };
  const lines: string[] = [];
  if (model.caption !== undefined) lines.push(model.caption);
  lines.push(header.map(pad).join("  ").trimEnd());
  for (const row of body) lines.push(row.map(pad).join("  ").trimEnd());
  const note = hiddenRowsNote(model);
  const shape = `${formatCount(model.totalRows)} rows × ${formatCount(model.columns.length)} columns`;
  lines.push(`[${note ? `${note}; ${shape}` : shape}]`);
  return lines.join("\n");
}

function isModel(input: TableInput | TableModel): input is TableModel {
  return !Array.isArray(input) && "numeric" in input && "totalRows" in input;
}

export interface ShowTableOptions extends TableOptions {
  /** Where the terminal version goes (default process.stdout). */
  stream?: TextOutput;
}

/**
 * Shows a table: in a notebook, one output with text/html and a text/plain fallback; elsewhere,
 * the plain-text table on stdout (or `options.stream`).
 */
export function showTable(input: TableInput, options: ShowTableOptions = {}): void {
  const model = tableModel(input, options);
  const text = tableToText(model);
  if (displayBundle({ "text/html": tableToHtml(model), "text/plain": text })) return;
  (options.stream ?? process.stdout).write(text + "\n");
}
