/**
 * `npm run lab`: runs both lab notebooks headlessly in local mode, printing each cell's output
 * and progress, then writes the executed notebooks and a self-contained HTML report to `reports/`.
 */
import * as path from "node:path";
import { runLab } from "../notebook/lab";
import { NotebookCellError, writeNotebook, type CellOutput } from "../notebook/runner";
import { repoRoot } from "../paths";

function printable(output: CellOutput): string {
  switch (output.output_type) {
    case "stream":
      return output.text;
    case "display_data": {
      const plain = output.data["text/plain"];
      if (typeof plain === "string") return plain + "\n";
      return `[${Object.keys(output.data).join(", ")} output: see the report]\n`;
    }
    case "error":
      return output.traceback.join("\n") + "\n";
  }
}

function indent(text: string): string {
  return text.replace(/\n$/, "").replace(/^/gm, "    ") + "\n";
}

async function main(): Promise<void> {
  const reportsDir = path.join(repoRoot(), "reports");
  const started = Date.now();
  let current = "";
  try {
    const { written } = await runLab({
      reportsDir,
      onNotebookStart: (notebook) => {
        current = path.basename(notebook, ".ipynb");
        process.stdout.write(`\n=== ${current} ===\n`);
      },
      cellOptions: {
        onCellStart: (cell, total) => process.stdout.write(`[${current}] cell ${cell}/${total}\n`),
        onCellDone: (result) => {
          const text = result.outputs.map(printable).join("");
          if (text) process.stdout.write(indent(text));
        },
      },
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(`\nThe lab ran in ${seconds} s. Written:\n`);
    for (const file of written) process.stdout.write(`  ${path.relative(process.cwd(), file)}\n`);
  } catch (error) {
    if (error instanceof NotebookCellError) {
      const target = path.join(
        reportsDir,
        `${path.basename(error.notebook, ".ipynb")}.failed.ipynb`,
      );
      writeNotebook(target, error.partialRun.executed);
      process.stderr.write(`\n${error.message}\n\nPartial run written to ${target}\n`);
    } else {
      process.stderr.write(`\n${(error as Error).stack ?? String(error)}\n`);
    }
    process.exitCode = 1;
  }
}

void main();
