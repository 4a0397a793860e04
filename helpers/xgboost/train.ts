/**
 * xgb.train for `tree_method=hist` (src/learner.cc `UpdateOneIter`, src/gbm/gbtree.cc; spec §5):
 * per round, float32 gradients from the float32 margins, (first round) quantile cuts and bins,
 * row sample from the global mt19937, one depthwise tree, margins += leaf values; then the
 * evaluation sets are scored and the callbacks called.
 */
import { Booster } from "./booster";
import { DMatrix } from "./dmatrix";
import { evalMetric } from "./evalMetrics";
import { buildGradientIndex } from "./gradientIndex";
import { growTree, GrowerWorkspace } from "./grower";
import { baseMargin, checkLabels, computeGradients, transform } from "./objective";
import { parseParams } from "./params";
import { addTreePredictions } from "./predictor";
import { buildCuts } from "./quantile";
import { Mt19937, sampleRows } from "./rng";
import type { RegTree } from "./tree";

export interface IterationInfo {
  iteration: number;
  numRounds: number;
  /** eval name -> metric -> value of this round */
  evals: Record<string, Record<string, number>>;
}

export interface TrainOptions {
  numBoostRound?: number;
  evals?: Array<[DMatrix, string]>;
  callbacks?: Array<(info: IterationInfo) => void>;
}

const TWO_32 = 4294967296;

export function train(
  params: Record<string, string | number>,
  dtrain: DMatrix,
  opts: TrainOptions = {},
): Booster {
  const p = parseParams(params);
  const numRounds = opts.numBoostRound ?? p.numRound ?? 10;
  if (!Number.isInteger(numRounds) || numRounds < 1) {
    throw new Error(`numBoostRound must be a positive integer, got ${numRounds}`);
  }
  const label = dtrain.label;
  if (!label) {
    throw new Error(
      "the training DMatrix has no label: pass { label } or a label column in the CSV",
    );
  }
  if (dtrain.numRow === 0) throw new Error("the training DMatrix has no rows");
  checkLabels(p.objective, label);
  const nrow = dtrain.numRow;
  const ncol = dtrain.numCol;
  const evals = opts.evals ?? [];
  for (const [d, name] of evals) {
    if (d.numCol !== ncol) {
      throw new Error(
        `eval set ${name} has ${d.numCol} feature columns but the training data has ${ncol}`,
      );
    }
    if (!d.label) throw new Error(`eval set ${name} has no label`);
    if (p.objective !== "reg:squarederror") checkLabels(p.objective, d.label);
  }

  const cuts = buildCuts(dtrain.data, nrow, ncol, p.maxBin);
  const index = buildGradientIndex(dtrain.data, nrow, ncol, cuts);
  const ws = new GrowerWorkspace(index);
  const margin0 = baseMargin(p.objective, p.baseScore);
  const margins = new Float32Array(nrow).fill(margin0);
  const grad = new Float32Array(nrow);
  const hess = new Float32Array(nrow);
  const keep = new Uint8Array(nrow);
  // GlobalRandom() seeded at configuration; the hist updater's ColumnSampler takes one draw.
  const rng = new Mt19937(((p.seed % TWO_32) + TWO_32) % TWO_32);
  rng.next();

  const evalMargins = evals.map(([d]) => new Float32Array(d.numRow).fill(margin0));
  const history: Record<string, Record<string, number[]>> = {};
  for (const [, name] of evals) {
    history[name] = {};
    for (const m of p.evalMetrics) history[name][m] = [];
  }
  const trees: RegTree[] = [];
  const growParams = {
    eta: p.eta,
    gamma: p.gamma,
    maxDepth: p.maxDepth,
    lambda: p.lambda,
    minChildWeight: p.minChildWeight,
  };

  for (let iter = 0; iter < numRounds; iter++) {
    if (p.subsample < 1) {
      // InitSampling draws for row i only when h_i >= 0, which holds for every row of these
      // objectives, so the sample does not depend on the gradients and can be drawn first;
      // dropped rows then get g = h = 0 without computing their gradient.
      sampleRows(rng.next(), p.subsample, keep);
      computeGradients(p.objective, margins, label, grad, hess, keep);
    } else {
      computeGradients(p.objective, margins, label, grad, hess);
    }
    trees.push(growTree(ws, grad, hess, growParams, margins));

    if (evals.length > 0 || (opts.callbacks?.length ?? 0) > 0) {
      const round: Record<string, Record<string, number>> = {};
      evals.forEach(([d, name], k) => {
        // The training set's margins are the training cache itself (identical values).
        const m = d === dtrain ? margins : evalMargins[k];
        if (d !== dtrain) addTreePredictions(trees, iter, iter + 1, d.data, d.numRow, ncol, m);
        const pred = transform(p.objective, m);
        round[name] = {};
        for (const metric of p.evalMetrics) {
          const v = evalMetric(metric, d.label as Float32Array, pred);
          round[name][metric] = v;
          history[name][metric].push(v);
        }
      });
      for (const cb of opts.callbacks ?? []) cb({ iteration: iter, numRounds, evals: round });
    }
  }

  const booster = new Booster({
    trees,
    objective: p.objective,
    baseScore: p.baseScore,
    numFeature: ncol,
    featureNames: dtrain.featureNames,
    attributes: {},
  });
  booster.setEvalsResult(history);
  return booster;
}
