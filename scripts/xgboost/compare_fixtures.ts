import { train, Booster } from "../../helpers/xgboost";
import {
  loadFixture,
  creditData,
  syntheticData,
  fixtureParams,
  f32,
} from "../../test/xgboost/fixtures";
for (const name of process.argv.slice(2)) {
  const fx = loadFixture(name);
  const d = fx.data === "credit" ? creditData(fx.missing) : syntheticData(fx);
  const t0 = Date.now();
  const ours = train(fixtureParams(fx), d.train, { numBoostRound: fx.numRound });
  const ms = Date.now() - t0;
  const ref = Booster.loadModel(Buffer.from(fx.model));
  let same = 0,
    first = -1;
  let maxLeaf = 0;
  for (let t = 0; t < ref.trees.length; t++) {
    const a = ours.trees[t],
      b = ref.trees[t];
    let ok = a.numNodes === b.numNodes;
    for (let n = 0; ok && n < a.numNodes; n++) {
      if (
        a.leftChildren[n] !== b.leftChildren[n] ||
        a.splitIndices[n] !== b.splitIndices[n] ||
        a.defaultLeft[n] !== b.defaultLeft[n]
      )
        ok = false;
      else if (a.leftChildren[n] !== -1 && a.splitConditions[n] !== b.splitConditions[n])
        ok = false;
      else if (a.leftChildren[n] === -1)
        maxLeaf = Math.max(maxLeaf, Math.abs(a.splitConditions[n] - b.splitConditions[n]));
    }
    if (ok) same++;
    else if (first < 0) first = t;
  }
  const pred = ours.predict(d.test);
  const refp = f32(fx.testProb ?? fx.testPred);
  let maxp = 0;
  for (let i = 0; i < pred.length; i++) maxp = Math.max(maxp, Math.abs(pred[i] - refp[i]));
  console.log(
    name,
    `trees same ${same}/${ref.trees.length} first diff ${first}; maxLeaf ${maxLeaf}; maxProb ${maxp}; train ${ms} ms`,
  );
  if (first >= 0) {
    const a = ours.trees[first],
      b = ref.trees[first];
    for (let n = 0; n < Math.max(a.numNodes, b.numNodes); n++) {
      const s = (t: typeof a) =>
        n < t.numNodes
          ? `${t.leftChildren[n]} f${t.splitIndices[n]} <${t.splitConditions[n]} dl${t.defaultLeft[n]} g${t.lossChanges[n]} h${t.sumHessian[n]}`
          : "-";
      if (s(a) !== s(b)) console.log(n, "ours", s(a), "\n  ref", s(b));
    }
  }
}
