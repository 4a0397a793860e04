/**
 * The workshop's notebooks in the order a learner runs them, and a headless run of all of them
 * (what `npm run lab` and the notebook tests do): one local emulator for the whole run, every
 * notebook executed cell by cell, executed copies and an HTML report written out.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { attachOrStartLocalAws, defaultWorkspace } from "../local";
import { repoRoot } from "../paths";
import { notebooksReportHtml } from "./report";
import { runNotebook, writeNotebook, type NotebookRun, type RunNotebookOptions } from "./runner";

const LAB_NOTEBOOKS = [
  "01_SageMaker-DataScientist-Workflow.ipynb",
  "02_SageMaker-DevOps-Workflow.ipynb",
];

export function labNotebooks(): string[] {
  return LAB_NOTEBOOKS.map((name) => path.join(repoRoot(), "notebooks", name));
}

export interface LabRunOptions {
  /** Emulator workspace (default: WORKSHOP_WORKSPACE, else `.workshop/`). */
  workspace?: string;
  /** Where executed notebooks and `lab-report.html` go; nothing is written when absent. */
  reportsDir?: string;
  onNotebookStart?: (notebook: string) => void;
  cellOptions?: RunNotebookOptions;
}

export interface LabRun {
  runs: NotebookRun[];
  /** Files written to reportsDir. */
  written: string[];
}

/**
 * Runs every lab notebook in local mode against one in-process emulator. Notebooks attach to it
 * (their sessions find it through the workspace), so they share state as they would in Jupyter.
 */
export async function runLab(options: LabRunOptions = {}): Promise<LabRun> {
  const workspace = path.resolve(
    options.workspace ?? process.env.WORKSHOP_WORKSPACE ?? defaultWorkspace(repoRoot()),
  );
  // Notebook sessions find the emulator through the workspace and attach to it.
  const env = {
    WORKSHOP_BACKEND: "local",
    WORKSHOP_EMULATOR: "in-process",
    WORKSHOP_WORKSPACE: workspace,
  };
  const emulator = await attachOrStartLocalAws(workspace, { repoDir: repoRoot() });
  const runs: NotebookRun[] = [];
  const written: string[] = [];
  try {
    for (const notebook of labNotebooks()) {
      options.onNotebookStart?.(notebook);
      try {
        runs.push(await runNotebook(notebook, { ...options.cellOptions, env }));
      } finally {
        if (
          options.reportsDir &&
          runs.length > 0 &&
          runs[runs.length - 1].notebook === path.resolve(notebook)
        ) {
          const target = path.join(options.reportsDir, path.basename(notebook));
          writeNotebook(target, runs[runs.length - 1].executed);
          written.push(target);
        }
      }
    }
    if (options.reportsDir) {
      const report = path.join(options.reportsDir, "lab-report.html");
      const html = notebooksReportHtml(
        runs.map((run) => ({ title: path.basename(run.notebook, ".ipynb"), doc: run.executed })),
      );
      fs.mkdirSync(options.reportsDir, { recursive: true });
      fs.writeFileSync(report, html);
      written.push(report);
    }
    return { runs, written };
  } finally {
    await emulator.stop();
  }
}
