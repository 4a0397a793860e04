/**
 * The packed forest (what endpoints predict with) answers exactly what Booster.predict answers,
 * bit for bit, on models real XGBoost 1.7.4 wrote: missing values down their default direction,
 * values equal to a threshold going right, logistic and identity objectives.
 */
import { Booster, DMatrix, PackedForest } from "../../helpers/xgboost";
import { seededRandom } from "../../helpers/random";
import { creditData, loadFixture } from "./fixtures";

/**
 * Rows whose values are the model's own thresholds (ties decide `<` against `<=`), a value just
 * below one, or missing (the default direction), drawn at random per cell.
 */
function edgeRows(booster: Booster, nrow: number, seed: number): Float32Array {
  const ncol = booster.numFeatures;
  const thresholds: number[][] = Array.from({ length: ncol }, () => []);
  for (const tree of booster.trees) {
    for (let n = 0; n < tree.numNodes; n++) {
      if (tree.leftChildren[n] !== -1) {
        thresholds[tree.splitIndices[n]].push(tree.splitConditions[n]);
      }
    }
  }
  const draw = seededRandom(seed);
  const rows = new Float32Array(nrow * ncol);
  for (let i = 0; i < rows.length; i++) {
    const own = thresholds[i % ncol];
    const pick = draw();
    if (pick < 0.2 || own.length === 0) rows[i] = NaN;
    else {
      const threshold = own[Math.floor(draw() * own.length)];
      rows[i] = pick < 0.6 ? threshold : threshold - Math.abs(threshold) * 1e-6 - 1e-6;
    }
  }
  return rows;
}

function expectSameBits(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== e[i]) {
      throw new Error(`row ${i}: packed forest ${actual[i]}, Booster.predict ${expected[i]}`);
    }
  }
}

describe.each(["missing3", "synthetic_reg"])("packed forest of XGBoost's %s model", (name) => {
  const fixture = loadFixture(name);
  const booster = Booster.loadModel(Buffer.from(fixture.model));
  const forest = new PackedForest(booster);
  const ncol = booster.numFeatures;

  test("has every tree", () => {
    expect(forest.numTrees).toBe(booster.numTrees());
  });

  test("thresholds, values just below them and missing values: the same bits", () => {
    const nrow = 2000;
    const rows = edgeRows(booster, nrow, 7);
    const expected = booster.predict(new DMatrix(rows, { nrow, ncol }));
    expectSameBits(forest.predict(rows, nrow, ncol), expected);
  });

  test("one row at a time, as an endpoint predicts: the same bits", () => {
    const rows = edgeRows(booster, 50, 11);
    for (let i = 0; i < 50; i++) {
      const row = rows.slice(i * ncol, (i + 1) * ncol);
      expectSameBits(forest.predict(row, 1, ncol), booster.predict(new DMatrix(row, { ncol })));
    }
  });

  test("a row with every value missing goes down the default directions", () => {
    const row = new Float32Array(ncol).fill(NaN);
    expectSameBits(forest.predict(row, 1, ncol), booster.predict(new DMatrix(row, { ncol })));
  });
});

test("the credit test rows (3% missing) with XGBoost's lab-shaped model: the same bits", () => {
  const booster = Booster.loadModel(Buffer.from(loadFixture("missing3").model));
  const { test: rows } = creditData(true);
  expectSameBits(
    new PackedForest(booster).predict(rows.data, rows.numRow, rows.numCol),
    booster.predict(rows),
  );
});
