import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { NotebookCellError, runNotebook } from "../../helpers/notebook/runner";

/** Writes a throwaway notebook with the given cells ("md:" prefix = markdown). */
function tempNotebook(cells: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nb-runner-"));
  const file = path.join(dir, "scratch.ipynb");
  const doc = {
    cells: cells.map((text) =>
      text.startsWith("md:")
        ? { cell_type: "markdown", metadata: {}, source: text.slice(3) }
        : { cell_type: "code", metadata: {}, source: text, outputs: [], execution_count: null },
    ),
    metadata: { kernelspec: { name: "tslab", language: "typescript", display_name: "TypeScript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe("notebook runner", () => {
  it("runs cells in order, sharing state between cells, and captures their output", async () => {
    const file = tempNotebook([
      "md:# title",
      "const answer: number = 6 * 7;",
      "console.log(`answer=${answer}`);\nconsole.error('to stderr');",
      "await new Promise((resolve) => setTimeout(resolve, 5));\nconsole.log('after await');",
    ]);
    const run = await runNotebook(file);
    expect(run.cells.map((c) => c.cellNumber)).toEqual([1, 2, 3]);
    expect(run.cells[1].outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "answer=42\n" },
      { output_type: "stream", name: "stderr", text: "to stderr\n" },
    ]);
    expect(run.cells[2].outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "after await\n" },
    ]);
    const executedCode = run.executed.cells.filter((c) => c.cell_type === "code");
    expect(executedCode.map((c) => c.execution_count)).toEqual([1, 2, 3]);
  });

  it("collects tslab display data, replacing updated displays in place", async () => {
    const file = tempNotebook([
      'import * as tslab from "tslab";\ntslab.display.html("<b>bold</b>");',
      'const handle = tslab.newDisplay();\nhandle.text("first");\nhandle.text("second");',
    ]);
    const run = await runNotebook(file);
    expect(run.cells[0].outputs).toEqual([
      { output_type: "display_data", data: { "text/html": "<b>bold</b>" }, metadata: {} },
    ]);
    const updates = run.cells[1].outputs;
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      output_type: "display_data",
      data: { "text/plain": "second" },
    });
  });

  it("fails with the notebook name, cell number, first lines and error of a throwing cell", async () => {
    const file = tempNotebook([
      "const ok = 1;",
      "// second cell\nthrow new Error('boom in cell two');",
    ]);
    const failure = await runNotebook(file).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NotebookCellError);
    const error = failure as NotebookCellError;
    expect(error.cellNumber).toBe(2);
    expect(error.message).toContain("scratch.ipynb: code cell 2 failed");
    expect(error.message).toContain("// second cell");
    expect(error.message).toContain("boom in cell two");
  });

  it("fails when an awaited promise rejects", async () => {
    const file = tempNotebook(["await Promise.reject(new Error('rejected on purpose'));"]);
    await expect(runNotebook(file)).rejects.toThrow(/code cell 1 failed[\s\S]*rejected on purpose/);
  });

  it("fails on a type error, as the kernel does", async () => {
    const file = tempNotebook(["const n: number = 'not a number';"]);
    await expect(runNotebook(file)).rejects.toThrow(/code cell 1 failed[\s\S]*not assignable/);
  });

  it("fails on a notebook with no code cells", async () => {
    const file = tempNotebook(["md:only prose here"]);
    await expect(runNotebook(file)).rejects.toThrow(/has no code cells/);
  });

  it("gives each notebook a fresh executor, so variables never leak between notebooks", async () => {
    await runNotebook(tempNotebook(["const leakedValue = 1;"]));
    await expect(runNotebook(tempNotebook(["console.log(leakedValue);"]))).rejects.toThrow(
      /Cannot find name 'leakedValue'/,
    );
  });
});
