/**
 * Classification metrics, defined as scikit-learn defines them (sklearn.metrics 1.2:
 * `roc_auc_score`, `roc_curve` with drop_intermediate=True, `log_loss`, `accuracy_score`,
 * `precision_score`, `recall_score`, `f1_score`, `confusion_matrix`). Predicted class = score >=
 * threshold. All sums in double.
 */

function checkLengths(yTrue: ArrayLike<number>, score: ArrayLike<number>): void {
  if (yTrue.length !== score.length) {
    throw new Error(`yTrue has ${yTrue.length} values but score has ${score.length}`);
  }
  if (yTrue.length === 0) throw new Error("metrics need at least one sample");
}

/**
 * Cumulative TP/FP at each distinct score (descending), as sklearn's _binary_clf_curve. Positive
 * and negative scores are sorted separately with the native typed-array sort (fast enough to run
 * every boosting round) and merged.
 */
function binaryCurve(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
): { fps: number[]; tps: number[]; thresholds: number[] } {
  checkLengths(yTrue, score);
  let np = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === 1) np++;
  const pos = new Float64Array(np);
  const neg = new Float64Array(yTrue.length - np);
  let a = 0;
  let b = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const s = score[i];
    if (s !== s) throw new Error(`score ${i} is NaN; metrics need numeric scores`);
    if (yTrue[i] === 1) pos[a++] = s;
    else neg[b++] = s;
  }
  pos.sort();
  neg.sort();
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0;
  let fp = 0;
  while (i >= 0 || j >= 0) {
    const v = Math.max(i >= 0 ? pos[i] : -Infinity, j >= 0 ? neg[j] : -Infinity);
    while (i >= 0 && pos[i] === v) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === v) {
      fp++;
      j--;
    }
    tps.push(tp);
    fps.push(fp);
    thresholds.push(v);
  }
  return { fps, tps, thresholds };
}

/** Area under the ROC curve; tied scores count half (trapezoids), as roc_auc_score. */
export function rocAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>): number {
  const { fps, tps } = binaryCurve(yTrue, score);
  const P = tps[tps.length - 1];
  const N = fps[fps.length - 1];
  if (P === 0 || N === 0) {
    throw new Error("ROC AUC is undefined when yTrue holds only one class");
  }
  let area = 0;
  let px = 0;
  let py = 0;
  for (let k = 0; k < fps.length; k++) {
    const x = fps[k] / N;
    const y = tps[k] / P;
    area += ((x - px) * (y + py)) / 2;
    px = x;
    py = y;
  }
  return area;
}

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** Descending; the first is +Infinity as in scikit-learn >= 1.3 (1.2 used max + 1). */
  thresholds: number[];
}

/** ROC curve points with collinear points dropped (drop_intermediate=True). */
export function rocCurve(yTrue: ArrayLike<number>, score: ArrayLike<number>): RocCurve {
  let { fps, tps, thresholds } = binaryCurve(yTrue, score);
  if (fps.length > 2) {
    const keep: number[] = [0];
    for (let k = 1; k < fps.length - 1; k++) {
      const d2f = fps[k + 1] - 2 * fps[k] + fps[k - 1];
      const d2t = tps[k + 1] - 2 * tps[k] + tps[k - 1];
      if (d2f !== 0 || d2t !== 0) keep.push(k);
    }
    keep.push(fps.length - 1);
    fps = keep.map((k) => fps[k]);
    tps = keep.map((k) => tps[k]);
    thresholds = keep.map((k) => thresholds[k]);
  }
  fps = [0, ...fps];
  tps = [0, ...tps];
  thresholds = [Infinity, ...thresholds];
  const N = fps[fps.length - 1];
  const P = tps[tps.length - 1];
  return {
    fpr: fps.map((v) => (N === 0 ? NaN : v / N)),
    tpr: tps.map((v) => (P === 0 ? NaN : v / P)),
    thresholds,
  };
}

/** Mean binary cross-entropy, probabilities clipped to [eps, 1 - eps] (eps = 1e-15). */
export function logLoss(yTrue: ArrayLike<number>, prob: ArrayLike<number>, eps = 1e-15): number {
  checkLengths(yTrue, prob);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const p = Math.min(Math.max(prob[i], eps), 1 - eps);
    s -= yTrue[i] * Math.log(p) + (1 - yTrue[i]) * Math.log(1 - p);
  }
  return s / yTrue.length;
}

export interface ConfusionMatrix {
  tn: number;
  fp: number;
  fn: number;
  tp: number;
  /** [[tn, fp], [fn, tp]], rows = truth, as sklearn's confusion_matrix. */
  matrix: [[number, number], [number, number]];
}

export function confusionMatrix(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
  threshold = 0.5,
): ConfusionMatrix {
  checkLengths(yTrue, score);
  let tn = 0;
  let fp = 0;
  let fn = 0;
  let tp = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const pred = score[i] >= threshold;
    const pos = yTrue[i] === 1;
    if (pos) {
      if (pred) tp++;
      else fn++;
    } else if (pred) fp++;
    else tn++;
  }
  return {
    tn,
    fp,
    fn,
    tp,
    matrix: [
      [tn, fp],
      [fn, tp],
    ],
  };
}

export function accuracy(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
  threshold = 0.5,
): number {
  const c = confusionMatrix(yTrue, score, threshold);
  return (c.tp + c.tn) / yTrue.length;
}

/** tp / (tp + fp); 0 when nothing is predicted positive (zero_division=0). */
export function precision(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
  threshold = 0.5,
): number {
  const c = confusionMatrix(yTrue, score, threshold);
  return c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
}

export function recall(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
  threshold = 0.5,
): number {
  const c = confusionMatrix(yTrue, score, threshold);
  return c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
}

export function f1(yTrue: ArrayLike<number>, score: ArrayLike<number>, threshold = 0.5): number {
  const c = confusionMatrix(yTrue, score, threshold);
  const d = 2 * c.tp + c.fp + c.fn;
  return d === 0 ? 0 : (2 * c.tp) / d;
}
