/**
 * Writing rich outputs to the notebook that runs this code: the tslab kernel, or the in-process
 * notebook runner (`helpers/notebook/runner.ts`), both of which set
 * `require("tslab/dist/jupyter").lastWriteDisplayData` while a cell runs. Outside them that hook is
 * null and the display helpers fall back to the terminal.
 *
 * Why not `tslab.display` / `tslab.newDisplay()`: they send one MIME type per message, and we want
 * a bundle (text/html for notebooks, text/plain for consoles and text-only viewers, the Plotly JSON
 * for frontends with a Plotly renderer) in one output. This module writes the same message tslab's
 * `DisplayImpl.raw` writes (tslab/dist/public.js) — `{ data, metadata, transient: { display_id } }`
 * with `update` true after the first write of an id — just with several MIME types in `data`.
 * It also avoids loading `tslab` itself, which pulls in the TypeScript compiler.
 */
import { randomBytes } from "node:crypto";

/** One output's representations, by MIME type (Jupyter's `data` dict). */
export type MimeBundle = Record<string, unknown>;

/** The message tslab forwards to Jupyter as display_data / update_display_data. */
export interface DisplayDataMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}

export type WriteDisplayData = (message: DisplayDataMessage, update: boolean) => void;

interface TslabJupyterModule {
  lastWriteDisplayData: WriteDisplayData | null;
}

const JUPYTER_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/**
 * The kernel's display hook, or undefined outside a notebook. Looks in the module cache only: a
 * kernel (or the runner) has always loaded tslab's jupyter module before any cell runs, and loading
 * it here would cost a quarter of a second of TypeScript compiler for nothing in a terminal.
 */
export function notebookWriter(): WriteDisplayData | undefined {
  let localPath: string | undefined;
  try {
    localPath = require.resolve("tslab/dist/jupyter");
  } catch {
    localPath = undefined;
  }
  const cache = require.cache;
  if (localPath) {
    const local = cache[localPath]?.exports as TslabJupyterModule | undefined;
    if (local?.lastWriteDisplayData) return local.lastWriteDisplayData;
  }
  // A kernel started from a tslab installed elsewhere (globally) without the project's copy
  // loaded: its jupyter module is in the cache under another path.
  for (const key of Object.keys(cache)) {
    if (key === localPath || !JUPYTER_MODULE.test(key)) continue;
    const other = cache[key]?.exports as TslabJupyterModule | undefined;
    if (other?.lastWriteDisplayData) return other.lastWriteDisplayData;
  }
  return undefined;
}

/** True when outputs go to a notebook (tslab kernel or the notebook runner). */
export function inNotebook(): boolean {
  return notebookWriter() !== undefined;
}

export function newDisplayId(): string {
  return randomBytes(8).toString("hex");
}

/**
 * Shows a bundle as a new output of the running cell. Returns false (and shows nothing) outside a
 * notebook, so callers can print a terminal version instead.
 */
export function displayBundle(data: MimeBundle, metadata: Record<string, unknown> = {}): boolean {
  const write = notebookWriter();
  if (!write) return false;
  write({ data, metadata, transient: {} }, false);
  return true;
}

/**
 * One output that later writes replace in place (Jupyter's display_id mechanism, as
 * `tslab.newDisplay()`): the first `show` creates it, every later one sends update_display_data
 * with the same id, which frontends apply to the output wherever it is, even in an earlier cell.
 */
export class UpdatableDisplay {
  readonly displayId: string;
  private shown = false;

  constructor(displayId: string = newDisplayId()) {
    this.displayId = displayId;
  }

  /** Returns false outside a notebook. */
  show(data: MimeBundle, metadata: Record<string, unknown> = {}): boolean {
    const write = notebookWriter();
    if (!write) return false;
    const update = this.shown;
    this.shown = true;
    write({ data, metadata, transient: { display_id: this.displayId } }, update);
    return true;
  }
}

/**
 * Where terminal fallbacks write: process.stdout / process.stderr, or anything with `write`
 * (a test's capture, a log file stream). `isTTY` decides between a live bar and log lines.
 */
export interface TextOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}
