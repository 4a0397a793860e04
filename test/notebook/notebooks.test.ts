/**
 * Runs both lab notebooks top to bottom in local mode, exactly as `npm run lab` does, and checks
 * what a learner should see: the model's quality and explanation, captured traffic, violations
 * that appear only with the drift, and lineage down to this repository's HEAD commit.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { attachOrStartLocalAws, type LocalAwsConnection } from "../../helpers/local";
import { labNotebooks, runLab, type LabRun } from "../../helpers/notebook/lab";
import {
  cellSource,
  readNotebook,
  type CellOutput,
  type NotebookRun,
} from "../../helpers/notebook/runner";
import { repoRoot } from "../../helpers/paths";
import { readViolations } from "../../helpers/analyzer";
import { listUris, readText } from "../../helpers/workflow/storage";

const notebooksDir = path.join(repoRoot(), "notebooks");
const shipped = fs.readdirSync(notebooksDir).filter((name) => name.endsWith(".ipynb"));

function outputText(outputs: CellOutput[], mime = "text/plain"): string {
  return outputs
    .map((o) =>
      o.output_type === "stream"
        ? o.text
        : o.output_type === "display_data"
          ? String(o.data[mime] ?? "")
          : "",
    )
    .join("\n");
}

function allText(run: NotebookRun, mime = "text/plain"): string {
  return run.cells.map((cell) => outputText(cell.outputs, mime)).join("\n");
}

describe("shipped notebooks", () => {
  it("are exactly the labs `npm run lab` runs", () => {
    expect(
      labNotebooks()
        .map((file) => path.basename(file))
        .sort(),
    ).toEqual([...shipped].sort());
  });

  it.each(shipped)(
    "%s is committed with the tslab kernel, cleared outputs and thin cells",
    (name) => {
      const doc = readNotebook(path.join(notebooksDir, name));
      expect(doc.metadata.kernelspec).toMatchObject({ name: "tslab", language: "typescript" });
      const code = doc.cells.filter((c) => c.cell_type === "code");
      expect(code.length).toBeGreaterThan(5);
      for (const cell of code) {
        expect(cell.outputs ?? []).toEqual([]);
        expect(cell.execution_count ?? null).toBeNull();
        expect(cellSource(cell)).not.toMatch(/\.\.\/helpers/); // notebooks import @workshop/helpers
        expect(cellSource(cell).split("\n").length).toBeLessThanOrEqual(20);
      }
      // Every code cell is introduced by prose: the notebooks teach, they are not scripts.
      expect(doc.cells.filter((c) => c.cell_type === "markdown").length).toBeGreaterThanOrEqual(
        code.length * 0.8,
      );
    },
  );
});

describe("the labs, run headlessly in local mode", () => {
  let workspace: string;
  let emulator: LocalAwsConnection;
  let lab: LabRun;
  let s3: S3Client;

  beforeAll(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), "lab-run-"));
    // Started here so the test can read the reports afterwards; the notebooks attach to it.
    emulator = await attachOrStartLocalAws(workspace, { repoDir: repoRoot() });
    s3 = new S3Client({
      endpoint: emulator.endpoint,
      region: emulator.region,
      credentials: emulator.credentials,
      forcePathStyle: true,
    });
    lab = await runLab({ workspace });
  }, 600_000);

  afterAll(async () => {
    s3?.destroy();
    await emulator?.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it("lab 01 trains a model with the expected quality and explanation", () => {
    const text = allText(lab.runs[0]);
    const auc = Number(/test AUC: ([\d.]+)/.exec(text)?.[1]);
    expect(auc).toBeGreaterThanOrEqual(0.76);
    expect(auc).toBeLessThanOrEqual(0.79);
    expect(text).toContain("most important feature: PAY_0");
    expect(text).toContain("Figure: Learning curve");
    // Charts are Plotly figures, with the bundle embedded once in the notebook.
    const html = allText(lab.runs[0], "text/html");
    expect(html.match(/data-workshop-plotly="bundle"/g)?.length).toBe(1);
    expect(
      lab.runs[0].cells.some((c) =>
        c.outputs.some(
          (o) => o.output_type === "display_data" && "application/vnd.plotly.v1+json" in o.data,
        ),
      ),
    ).toBe(true);
  });

  it("lab 02 captures traffic and flags exactly the drifted features, only after the drift", async () => {
    const text = allText(lab.runs[1]);
    expect(text).toMatch(/\d+ capture file\(s\)/);
    expect(text).toContain('"endpointInput"');

    const bucket = "sagemaker-us-east-1-000000000000";
    const files = (
      await listUris({ s3 }, `s3://${bucket}/secure-sagemaker-demo/monitoring/reports/`)
    ).filter((uri) => uri.endsWith("/constraint_violations.json"));
    expect(files).toHaveLength(6);
    const flagged = await Promise.all(
      files.map(async (uri) =>
        readViolations(await readText({ s3 }, uri)).violations.map((v) => v.feature_name),
      ),
    );
    const inputFeatures = (features: string[]) => features.filter((name) => name !== "Label");
    for (const hour of flagged.slice(0, 3)) expect(inputFeatures(hour)).toEqual([]);
    for (const hour of flagged.slice(3)) {
      expect(inputFeatures(hour)).toEqual(
        expect.arrayContaining(["LIMIT_BAL", "EDUCATION", "MARRIAGE"]),
      );
    }
    const latest = allText(lab.runs[1], "text/html");
    expect(latest).toContain("Latest constraint violations");
  });

  it("keeps credentials out of every output", () => {
    const outputs = JSON.stringify(lab.runs.map((run) => run.executed));
    expect(outputs).not.toContain(emulator.credentials.accessKeyId);
    expect(outputs).not.toContain(emulator.credentials.secretAccessKey);
    expect(outputs).not.toMatch(/AKIA[0-9A-Z]{16}/);
  });

  it("lab 02's lineage reaches this repository's HEAD commit", () => {
    const head = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: repoRoot(),
      encoding: "utf8",
    }).trim();
    const text = allText(lab.runs[1]);
    expect(text).toContain(`commitId: '${head}'`);
    const html = allText(lab.runs[1], "text/html");
    expect(html).toContain("source-control-lineage");
    expect(html).toContain("prod-endpoint-lineage");
    expect(html.split(head).length - 1).toBeGreaterThanOrEqual(2); // both lineage components
  });
});
