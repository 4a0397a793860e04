/**
 * Trains every fixture case with the TypeScript engine and writes, per case, the model as
 * `model.tar.gz` (holding `xgboost-model`, XGBoost JSON) and our predictions on the test rows, so
 * that scripts/xgboost/check_ts_models.py can load the models in real XGBoost 1.7.4 and compare.
 *
 *   npx ts-node --transpile-only scripts/xgboost/export_ts_models.ts [outDir=/tmp/xgb-ts-models]
 */
import * as fs from "fs";
import * as path from "path";
import { DMatrix, packModelArtifact, train } from "../../helpers/xgboost";
import { creditData, fixtureParams, loadFixture, syntheticData } from "../../test/xgboost/fixtures";

function b64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

async function main(): Promise<void> {
  const out = process.argv[2] ?? "/tmp/xgb-ts-models";
  fs.mkdirSync(out, { recursive: true });
  for (const name of ["lab", "missing3", "subsample1", "seed7", "synthetic_reg"]) {
    const fx = loadFixture(name);
    const d = fx.data === "credit" ? creditData(fx.missing) : syntheticData(fx);
    const booster = train(fixtureParams(fx), d.train, { numBoostRound: fx.numRound });
    // SHAP on the test rows plus the fixture's probe rows (NaN, on-threshold) when present.
    const probe: DMatrix = fx.shapRows
      ? new DMatrix(decode(fx.shapRows), { ncol: d.test.numCol })
      : d.test;
    fs.writeFileSync(path.join(out, `${name}.model.tar.gz`), await packModelArtifact(booster));
    fs.writeFileSync(
      path.join(out, `${name}.json`),
      JSON.stringify({
        name,
        ncol: d.test.numCol,
        test: b64(d.test.data),
        prob: b64(booster.predict(d.test)),
        margin: b64(booster.predict(d.test, { outputMargin: true })),
        probe: b64(probe.data),
        contribs: b64(booster.predict(probe, { predContribs: true })),
      }),
    );
    console.log(`${name}: ${booster.numTrees()} trees -> ${out}/${name}.model.tar.gz`);
  }
}

function decode(s: string): Float32Array {
  const buf = Buffer.from(s, "base64");
  const a = new Float32Array(buf.length / 4);
  for (let i = 0; i < a.length; i++) a[i] = buf.readFloatLE(i * 4);
  return a;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
