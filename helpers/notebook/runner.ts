/**
 * Runs a tslab notebook in this process, cell by cell, with tslab's own executor and converter —
 * the same code path the tslab Jupyter kernel uses, without a Jupyter server or nbconvert.
 *
 * Both `npm run lab` and the tests execute notebooks through this module, so what CI checks is
 * what a learner runs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as vm from "node:vm";
import { format } from "node:util";

/** One output of a cell, in nbformat 4 terms. */
export type CellOutput =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | {
      output_type: "display_data";
      data: Record<string, unknown>;
      metadata: Record<string, unknown>;
      /** tslab's display id, when the output was written through a `newDisplay()` handle. */
      displayId?: string;
    }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

export interface CellResult {
  /** 1-based position among the notebook's code cells. */
  cellNumber: number;
  source: string;
  outputs: CellOutput[];
  durationMs: number;
}

export interface NotebookRun {
  notebook: string;
  cells: CellResult[];
  /** The notebook document with outputs and execution counts filled in. */
  executed: NotebookDocument;
}

export interface NotebookDocument {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export interface NotebookCell {
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
}

export interface RunNotebookOptions {
  /**
   * Environment variables set for the run (and restored after). Cells run in Node's main
   * context, whose `process.env` is not the one a jest test sees, so set them here.
   */
  env?: Record<string, string>;
  /** Called before each code cell runs (for progress reporting). */
  onCellStart?: (cellNumber: number, total: number, source: string) => void;
  /** Called after each code cell, with its outputs. */
  onCellDone?: (result: CellResult, total: number) => void;
}

/** A cell threw or its awaited promise rejected. */
export class NotebookCellError extends Error {
  constructor(
    readonly notebook: string,
    readonly cellNumber: number,
    readonly source: string,
    readonly errorText: string,
    readonly partialRun: NotebookRun,
  ) {
    const head = source.split("\n").slice(0, 3).join("\n");
    super(
      `${path.basename(notebook)}: code cell ${cellNumber} failed.\n` +
        `--- cell ${cellNumber} (first lines) ---\n${head}\n--- error ---\n${errorText.trim()}`,
    );
    this.name = "NotebookCellError";
  }
}

/** The shape of the tslab modules we use (tslab ships these in dist/, untyped as a package). */
interface TslabExecutor {
  execute(src: string): Promise<boolean>;
  close(): void;
}
interface TslabConverter {
  close(): void;
}
interface TslabModules {
  executor: {
    createExecutor(
      rootDir: string,
      convs: { node: TslabConverter; browser: TslabConverter; close(): void },
      console: { log(...args: unknown[]): void; error(...args: unknown[]): void },
    ): TslabExecutor;
  };
  converter: { createConverter(options: { isJS: boolean; isBrowser: boolean }): TslabConverter };
  jupyter: {
    lastWriteDisplayData:
      | ((
          data: {
            data: Record<string, unknown>;
            metadata: Record<string, unknown>;
            transient?: { display_id?: string };
          },
          update: boolean,
        ) => void)
      | null;
  };
}

/**
 * Loads tslab with Node's own `require`, not the caller's: cells run in Node's main context
 * (tslab uses `vm.runInThisContext`) and load helpers with Node's module cache, so the display
 * hook must be set on that same module instance — also when the caller is a jest test, whose
 * `require` (and even `module.createRequire`) is a separate registry with its own `process`.
 */
function loadTslab(realProcess: NodeJS.Process): TslabModules {
  const nodeModule = realProcess.getBuiltinModule("node:module") as typeof import("node:module");
  const nativeRequire = nodeModule.createRequire(__filename);
  return {
    executor: nativeRequire("tslab/dist/executor"),
    converter: nativeRequire("tslab/dist/converter"),
    jupyter: nativeRequire("tslab/dist/jupyter"),
  };
}

export function readNotebook(file: string): NotebookDocument {
  let doc: NotebookDocument;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8")) as NotebookDocument;
  } catch (error) {
    throw new Error(`${file}: cannot read the notebook (${(error as Error).message})`);
  }
  if (!Array.isArray(doc.cells)) throw new Error(`${file}: not a notebook (no "cells" array)`);
  return doc;
}

export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

// Only one notebook can run at a time in a process: cells share process.stdout and tslab's
// display hook, which are process-wide.
let running = false;

/**
 * Executes every code cell of `file` in order with a fresh tslab executor, collecting outputs.
 * @throws NotebookCellError at the first failing cell; Error when the notebook has no code cell.
 */
export async function runNotebook(
  file: string,
  options: RunNotebookOptions = {},
): Promise<NotebookRun> {
  const notebook = path.resolve(file);
  const doc = readNotebook(notebook);
  const codeCells = doc.cells.filter((cell) => cell.cell_type === "code");
  if (codeCells.length === 0) {
    throw new Error(`${path.basename(notebook)}: the notebook has no code cells, nothing to run`);
  }
  if (running) throw new Error("runNotebook: another notebook is already running in this process");
  running = true;

  // The real process object: under jest, `process` in this module is a sandbox copy.
  const realProcess = vm.runInThisContext("process") as NodeJS.Process;
  const tslab = loadTslab(realProcess);
  const executed: NotebookDocument = JSON.parse(JSON.stringify(doc));
  const run: NotebookRun = { notebook, cells: [], executed };
  let outputs: CellOutput[] = [];

  const appendStream = (name: "stdout" | "stderr", text: string) => {
    const last = outputs[outputs.length - 1];
    if (last && last.output_type === "stream" && last.name === name) last.text += text;
    else outputs.push({ output_type: "stream", name, text });
  };
  let lastErrorText = "";
  const cellConsole = {
    log: (...args: unknown[]) => appendStream("stdout", format(...args) + "\n"),
    error: (...args: unknown[]) => {
      const text = format(...args) + "\n";
      lastErrorText += text;
      appendStream("stderr", text);
    },
  };

  // tslab's converter resolves imports from the current directory, and Jupyter starts the kernel
  // in the notebook's folder: do the same so `../helpers/...` imports resolve as in JupyterLab.
  const savedCwd = realProcess.cwd();
  realProcess.chdir(path.dirname(notebook));
  let browser: TslabConverter | undefined;
  const node = tslab.converter.createConverter({ isJS: false, isBrowser: false });
  const convs = {
    node,
    get browser() {
      browser ??= tslab.converter.createConverter({ isJS: false, isBrowser: true });
      return browser;
    },
    close() {
      node.close();
      browser?.close();
    },
  };
  const executor = tslab.executor.createExecutor(path.dirname(notebook), convs, cellConsole);

  const savedStdout = realProcess.stdout.write;
  const savedStderr = realProcess.stderr.write;
  const savedDisplay = tslab.jupyter.lastWriteDisplayData;
  const capture =
    (name: "stdout" | "stderr") =>
    (chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown): boolean => {
      appendStream(name, typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
      if (typeof done === "function") done();
      return true;
    };

  const savedEnv: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(options.env ?? {})) {
    savedEnv[key] = realProcess.env[key];
    realProcess.env[key] = value;
  }
  const restoreEnv = () => {
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete realProcess.env[key];
      else realProcess.env[key] = value;
    }
  };

  const captureStreams = () => {
    realProcess.stdout.write = capture("stdout") as typeof realProcess.stdout.write;
    realProcess.stderr.write = capture("stderr") as typeof realProcess.stderr.write;
  };
  const releaseStreams = () => {
    realProcess.stdout.write = savedStdout;
    realProcess.stderr.write = savedStderr;
  };

  try {
    tslab.jupyter.lastWriteDisplayData = (displayData, update) => {
      const displayId = displayData.transient?.display_id;
      const output: CellOutput = {
        output_type: "display_data",
        data: displayData.data,
        metadata: displayData.metadata ?? {},
        ...(displayId ? { displayId } : {}),
      };
      // An update replaces the output with the same display id, as Jupyter's update_display_data.
      if (update && displayId) {
        for (const cell of [outputs, ...run.cells.map((c) => c.outputs)]) {
          const index = cell.findIndex(
            (o) => o.output_type === "display_data" && o.displayId === displayId,
          );
          if (index >= 0) {
            cell[index] = output;
            return;
          }
        }
      }
      outputs.push(output);
    };

    let cellNumber = 0;
    for (const cell of executed.cells) {
      if (cell.cell_type !== "code") continue;
      cellNumber += 1;
      const source = cellSource(cell);
      outputs = [];
      lastErrorText = "";
      options.onCellStart?.(cellNumber, codeCells.length, source);
      const started = Date.now();
      let ok: boolean;
      captureStreams();
      try {
        ok = await executor.execute(source);
      } catch (error) {
        ok = false;
        cellConsole.error(error);
      } finally {
        releaseStreams();
      }
      const result: CellResult = { cellNumber, source, outputs, durationMs: Date.now() - started };
      run.cells.push(result);
      cell.execution_count = cellNumber;
      cell.outputs = outputs.map(toNbformat);
      if (!ok) {
        const errorText = lastErrorText || "the cell did not complete (no error message)";
        outputs.push({
          output_type: "error",
          ename: "Error",
          evalue: errorText.split("\n")[0],
          traceback: errorText.split("\n"),
        });
        cell.outputs = outputs.map(toNbformat);
        throw new NotebookCellError(notebook, cellNumber, source, errorText, run);
      }
      options.onCellDone?.(result, codeCells.length);
    }
    return run;
  } finally {
    releaseStreams();
    restoreEnv();
    tslab.jupyter.lastWriteDisplayData = savedDisplay;
    executor.close();
    realProcess.chdir(savedCwd);
    running = false;
  }
}

function toNbformat(output: CellOutput): unknown {
  if (output.output_type === "display_data") {
    return { output_type: "display_data", data: output.data, metadata: output.metadata };
  }
  return output;
}

/** Writes a notebook document as Jupyter does (1-space indent, trailing newline). */
export function writeNotebook(file: string, doc: NotebookDocument): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(doc, null, 1) + "\n");
}
