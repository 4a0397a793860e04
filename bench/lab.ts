/**
 * The whole lab's wall time (issue 8 §1), not a test:
 *   npx ts-node --transpile-only bench/lab.ts
 * Measured: both notebooks run headlessly as `npm run lab` runs them (runLab: tslab's executor,
 * cell by cell, one in-process emulator, executed notebooks and the HTML report written), in a
 * child process on a temp workspace, from spawn to exit; `npm run build` (which `npm run lab` runs
 * first) is not included.
 * Reference in the same run: the same notebooks' code cells run as plain TypeScript (the cells of
 * a notebook concatenated into one async function, imports hoisted, transpiled without type
 * checking) in a child process against its own emulator: the lab's own work (training, SHAP,
 * traffic, seven analyzer jobs...) without tslab's per-cell compiling and type checking, without
 * rich display, and without writing reports. Also measured: a child that only starts Node with
 * ts-node and loads the helpers, the floor both include.
 * The difference lab - scripted is what running as notebooks costs.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { appendSummary, machine, writeResult } from "./support/results";

const ROOT = path.resolve(__dirname, "..");

type Mode = "notebooks" | "scripted" | "startup";

/** Runs this file in `mode` in a child; returns its wall time from spawn to exit. */
function child(mode: Mode): Promise<{ seconds: number; report: Record<string, unknown> }> {
  const workspace = mkdtempSync(path.join(os.tmpdir(), `bench-lab-${mode}-`));
  const reportFile = path.join(workspace, "bench-report.json");
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", __filename, mode, workspace, reportFile],
      { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on("exit", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      try {
        if (code !== 0) throw new Error(`lab ${mode} exited ${code}: ${stderr.slice(-2000)}`);
        resolve({ seconds, report: JSON.parse(readFileSync(reportFile, "utf8")) });
      } catch (error) {
        reject(error);
      } finally {
        rmSync(workspace, { recursive: true, force: true });
      }
    });
  });
}

/** One notebook's code cells as a CommonJS module exporting `run()`, imports hoisted. */
function scriptFromNotebook(notebook: string): string {
  // Loaded here only: the TypeScript compiler is heavy and only the scripted run needs it.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const ts = require("typescript") as typeof import("typescript");
  const doc = JSON.parse(readFileSync(notebook, "utf8")) as {
    cells: { cell_type: string; source: string | string[] }[];
  };
  const named = new Map<string, Set<string>>();
  const namespaces: string[] = [];
  const body: string[] = [];
  const resolveModule = (name: string) =>
    name.startsWith("@workshop/helpers/")
      ? path.join(ROOT, "helpers", name.slice("@workshop/helpers/".length))
      : name;
  for (const cell of doc.cells.filter((c) => c.cell_type === "code")) {
    const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    for (const line of source.split("\n")) {
      const namedImport = /^import\s*\{([^}]*)\}\s*from\s*"([^"]+)";?\s*$/.exec(line);
      const namespaceImport = /^import\s*\*\s*as\s+(\w+)\s+from\s*"([^"]+)";?\s*$/.exec(line);
      if (namedImport) {
        const module = resolveModule(namedImport[2]);
        const names = named.get(module) ?? new Set<string>();
        namedImport[1]
          .split(",")
          .map((n) => n.trim())
          .filter(Boolean)
          .forEach((n) => names.add(n));
        named.set(module, names);
      } else if (namespaceImport) {
        namespaces.push(
          `import * as ${namespaceImport[1]} from ${JSON.stringify(resolveModule(namespaceImport[2]))};`,
        );
      } else {
        body.push(line);
      }
    }
  }
  // A name imported in two cells (tslab allows it) is imported once.
  const seen = new Set<string>();
  const imports = [...named].map(([module, names]) => {
    const fresh = [...names].filter((n) => !seen.has(n));
    fresh.forEach((n) => seen.add(n));
    return fresh.length ? `import { ${fresh.join(", ")} } from ${JSON.stringify(module)};` : "";
  });
  const source = [...namespaces, ...imports, "export async function run() {", ...body, "}"].join(
    "\n",
  );
  return ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  }).outputText;
}

async function runChild(mode: Mode, workspace: string, reportFile: string): Promise<void> {
  const report: Record<string, unknown> = {};
  // Loading the lab runner (and with it the emulator and the helpers) is all "startup" does.
  const { runLab } = await import("../helpers/notebook/lab");
  if (mode === "notebooks") {
    const started = process.hrtime.bigint();
    const lab = await runLab({ workspace, reportsDir: path.join(workspace, "reports") });
    report.inProcessSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    report.cellSeconds = lab.runs.map((run) => ({
      notebook: path.basename(run.notebook),
      seconds: run.cells.reduce((sum, cell) => sum + cell.durationMs, 0) / 1000,
      slowest: [...run.cells]
        .sort((a, b) => b.durationMs - a.durationMs)
        .slice(0, 3)
        .map((cell) => ({ cell: cell.cellNumber, seconds: cell.durationMs / 1000 })),
    }));
  } else if (mode === "scripted") {
    const { labNotebooks } = await import("../helpers/notebook/lab");
    const { attachOrStartLocalAws } = await import("../helpers/local");
    const started = process.hrtime.bigint();
    Object.assign(process.env, {
      WORKSHOP_BACKEND: "local",
      WORKSHOP_EMULATOR: "in-process",
      WORKSHOP_WORKSPACE: workspace,
    });
    const emulator = await attachOrStartLocalAws(workspace, { repoDir: ROOT });
    try {
      for (const notebook of labNotebooks()) {
        const file = path.join(workspace, `${path.basename(notebook, ".ipynb")}.js`);
        writeFileSync(file, scriptFromNotebook(notebook));
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        await (require(file) as { run(): Promise<void> }).run();
      }
    } finally {
      await emulator.stop();
    }
    report.inProcessSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  }
  writeFileSync(reportFile, JSON.stringify(report));
}

async function main(): Promise<void> {
  const startup = await child("startup");
  console.log(`node + ts-node + helpers loaded: ${startup.seconds.toFixed(2)} s`);
  const lab = await child("notebooks");
  console.log(
    `lab (both notebooks via tslab, reports written): ${lab.seconds.toFixed(1)} s wall ` +
      `(${(lab.report.inProcessSeconds as number).toFixed(1)} s in runLab)`,
  );
  const scripted = await child("scripted");
  console.log(
    `reference, the same cells as plain TypeScript: ${scripted.seconds.toFixed(1)} s wall ` +
      `(${(scripted.report.inProcessSeconds as number).toFixed(1)} s running)`,
  );
  const ratio = lab.seconds / scripted.seconds;
  console.log(`ratio lab / scripted: ${ratio.toFixed(2)}x`);
  writeResult("lab", {
    ...machine(),
    lab: { wallSeconds: lab.seconds, ...lab.report },
    scriptedReference: { wallSeconds: scripted.seconds, ...scripted.report },
    startupSeconds: startup.seconds,
    ratioLabOverScripted: ratio,
    note: "npm run build (run by npm run lab before the notebooks) is not included",
  });
  appendSummary(
    "lab",
    `both notebooks headless (runLab, reports written) ${lab.seconds.toFixed(1)} s wall; ` +
      `the same cells as plain TypeScript ${scripted.seconds.toFixed(1)} s; ratio ${ratio.toFixed(2)}x; ` +
      `Node+ts-node+helpers start-up ${startup.seconds.toFixed(2)} s (in both)`,
  );
}

const [mode, workspace, reportFile] = process.argv.slice(2);
if (mode) {
  runChild(mode as Mode, workspace, reportFile)
    .then(() => process.exit(0))
    .catch((error) => {
      console.error((error as Error).stack ?? error);
      process.exit(1);
    });
} else {
  main().catch((error) => {
    console.error(`bench/lab: ${(error as Error).stack ?? error}`);
    process.exit(1);
  });
}
