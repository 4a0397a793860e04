/**
 * XGBoost 1.7 JSON: reading XGBoost's own files, writing files XGBoost can read (floats always
 * with an exponent, integers plain), model.tar.gz packaging.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tar from "tar";
import {
  Booster,
  DMatrix,
  formatFloat32,
  packModelArtifact,
  train,
  unpackModelArtifact,
} from "../../helpers/xgboost";
import { f32, loadFixture } from "./fixtures";

describe("XGBoost JSON model io", () => {
  const fx = loadFixture("lab");

  it("re-saves a model written by XGBoost 1.7.4 byte for byte", () => {
    const booster = Booster.loadModel(Buffer.from(fx.model));
    expect(booster.saveModel().toString("utf8")).toBe(fx.model);
    expect(booster.numTrees()).toBe(100);
    expect(booster.numFeatures).toBe(23);
    expect(booster.featureNames?.[0]).toBe("LIMIT_BAL");
    expect(booster.objective).toBe("binary:logistic");
  });

  it("writes float fields with an exponent and integer fields without", () => {
    const d = new DMatrix(
      [
        [1, 0],
        [2, 1],
        [3, 0],
        [4, 1],
      ],
      { label: [0, 0, 1, 1] },
    );
    const b = train(
      { objective: "binary:logistic", max_depth: 2, eta: 1, min_child_weight: 0 },
      d,
      {
        numBoostRound: 2,
      },
    );
    const doc = b.saveModel().toString("utf8");
    const tree = doc.slice(doc.indexOf('"trees":['));
    for (const key of ["split_conditions", "base_weights", "sum_hessian", "loss_changes"]) {
      const arr = new RegExp(`"${key}":\\[([^\\]]*)\\]`).exec(tree)?.[1] ?? "";
      for (const v of arr.split(",")) expect(v).toMatch(/E/);
    }
    for (const key of [
      "left_children",
      "right_children",
      "parents",
      "split_indices",
      "default_left",
    ]) {
      const arr = new RegExp(`"${key}":\\[([^\\]]*)\\]`).exec(tree)?.[1] ?? "";
      for (const v of arr.split(",")) expect(v).toMatch(/^-?\d+$/);
    }
    expect(doc).toContain('"parents":[2147483647,');
    expect(doc).toContain('"version":[1,7,4]');
    expect(doc).toContain('"base_score":"5E-1"');
    const again = Booster.loadModel(b.saveModel());
    expect(Array.from(again.predict(d))).toEqual(Array.from(b.predict(d)));
  });

  it("prints the shortest float32 digits like XGBoost (ties to even)", () => {
    expect(formatFloat32(0.5)).toBe("5E-1");
    expect(formatFloat32(50)).toBe("5E1");
    expect(formatFloat32(0)).toBe("0E0");
    expect(formatFloat32(Math.fround(-0.09803922))).toBe("-9.803922E-2");
    expect(formatFloat32(40.6328125)).toBe("4.0632812E1");
    expect(formatFloat32(Math.fround(0.1))).toBe("1E-1");
    expect(() => formatFloat32(NaN)).toThrow(/non-finite/);
  });

  it("saves to and loads from a path, and predicts what XGBoost predicted", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xgb-json-"));
    try {
      const file = path.join(dir, "xgboost-model");
      Booster.loadModel(Buffer.from(fx.model)).saveModel(file);
      const b = Booster.loadModel(file);
      const rows = f32(fx.shapRows);
      const margins = b.predict(new DMatrix(rows, { ncol: 23 }), { outputMargin: true });
      const ref = f32(fx.shapMargin);
      for (let i = 0; i < ref.length; i++) expect(Math.abs(margins[i] - ref[i])).toBeLessThan(1e-6);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("has a recorded check that real XGBoost 1.7.4 loads our models identically", () => {
    // Written by scripts/xgboost/check_ts_models.py (see scripts/xgboost/README.md).
    const record = JSON.parse(
      fs.readFileSync(path.join(__dirname, "../fixtures/xgboost/native-load-check.json"), "utf8"),
    ) as { xgboost: string; results: { case: string; ok: boolean; maxAbsDiffMargin: number }[] };
    expect(record.xgboost).toBe("1.7.4");
    expect(record.results.map((r) => r.case).sort()).toEqual(
      ["lab", "missing3", "seed7", "subsample1", "synthetic_reg"].sort(),
    );
    for (const r of record.results) {
      expect(r.ok).toBe(true);
      expect(r.maxAbsDiffMargin).toBeLessThanOrEqual(1e-6);
    }
  });

  it("rejects files that are not XGBoost JSON with a way out", () => {
    // A pickled booster (SageMaker 0.90-1.2 containers) starts with the pickle protocol byte.
    expect(() => Booster.loadModel(Buffer.from([0x80, 0x04, 0x95, 0x00]))).toThrow(/save_model/);
    expect(() => Booster.loadModel(Buffer.from("{}"))).toThrow(/learner is missing/);
  });

  it("packs model.tar.gz with a single xgboost-model file and unpacks it", async () => {
    const booster = Booster.loadModel(Buffer.from(fx.model));
    const tgz = await packModelArtifact(booster);
    expect(tgz[0]).toBe(0x1f);
    expect(tgz[1]).toBe(0x8b);
    const entries: string[] = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xgb-tgz-"));
    try {
      fs.writeFileSync(path.join(dir, "model.tar.gz"), tgz);
      await tar.t({
        file: path.join(dir, "model.tar.gz"),
        onReadEntry: (e) => entries.push(e.path),
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(entries).toEqual(["xgboost-model"]);
    const bytes = await unpackModelArtifact(tgz);
    expect(bytes.toString("utf8")).toBe(fx.model);
    expect(await packModelArtifact(Buffer.from(fx.model))).toEqual(tgz);
    await expect(unpackModelArtifact(await packEmpty())).rejects.toThrow(/no xgboost-model/);
  });
});

async function packEmpty(): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xgb-empty-"));
  try {
    fs.writeFileSync(path.join(dir, "other.txt"), "x");
    const chunks: Buffer[] = [];
    for await (const c of tar.create({ gzip: true, cwd: dir }, [
      "other.txt",
    ]) as AsyncIterable<Buffer>)
      chunks.push(Buffer.from(c));
    return Buffer.concat(chunks);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("legacy binary models (SageMaker 1.3-1 ... 1.7-1 `xgboost-model`)", () => {
  const fx = loadFixture("lab");

  it("reads XGBoost 1.7.4's binary save of the lab model exactly like its JSON", () => {
    const bin = Buffer.from(fx.modelLegacyBinary, "base64");
    expect(bin.toString("latin1", 0, 4)).toBe("binf");
    const fromBin = Booster.loadModel(bin);
    const fromJson = Booster.loadModel(Buffer.from(fx.model));
    expect(fromBin.numTrees()).toBe(fromJson.numTrees());
    expect(fromBin.numFeatures).toBe(23);
    expect(fromBin.objective).toBe("binary:logistic");
    expect(fromBin.baseScore).toBe(0.5);
    for (let t = 0; t < fromJson.numTrees(); t++) {
      const a = fromBin.trees[t];
      const b = fromJson.trees[t];
      const n = b.numNodes;
      expect(a.numNodes).toBe(n);
      for (const k of [
        "leftChildren",
        "rightChildren",
        "parents",
        "splitIndices",
        "splitConditions",
        "defaultLeft",
        "baseWeights",
        "sumHessian",
        "lossChanges",
      ] as const) {
        expect(Array.from(a[k].subarray(0, n))).toEqual(Array.from(b[k].subarray(0, n)));
      }
    }
    // Re-saved as JSON it is the model XGBoost itself wrote (names are not in the binary format).
    fromBin.featureNames = fromJson.featureNames;
    fromBin.attributes = fromJson.attributes;
    expect(fromBin.saveModel().toString("utf8")).toBe(fx.model);
  });

  it("explains truncated files and refuses UBJSON", () => {
    const bin = Buffer.from(fx.modelLegacyBinary, "base64");
    expect(() => Booster.loadModel(bin.subarray(0, 2000))).toThrow(/truncated|corrupt/);
    expect(() => Booster.loadModel(Buffer.from("{L\u0000\u0000\u0000\u0007learner"))).toThrow(
      /UBJSON/,
    );
  });
});
