/**
 * Objectives in float32 as XGBoost 1.7.4 computes them (src/objective/regression_loss.h,
 * src/common/math.h `Sigmoid`; spec §3, §5.2). Every float operation is wrapped in Math.fround:
 * one double operation on float32 operands rounded once is exactly the float32 operation.
 */
import type { Objective } from "./params";

const f = Math.fround;
const SIGMOID_CLAMP = f(88.7);
const HESS_EPS = f(1e-16);

/** common::Sigmoid: 1 / (expf(min(-x, 88.7f)) + 1 + 1e-16f), in float32. */
export function sigmoid(x: number): number {
  const t = Math.min(-x, SIGMOID_CLAMP);
  const denom = f(f(f(Math.exp(t)) + 1) + HESS_EPS);
  return f(1 / denom);
}

export function isLogistic(objective: Objective): boolean {
  return objective === "binary:logistic" || objective === "reg:logistic";
}

/** base_score (probability space for logistic) -> margin: ProbToMargin = -logf(1/p - 1). */
export function baseMargin(objective: Objective, baseScore: number): number {
  if (!isLogistic(objective)) return f(baseScore);
  return f(-f(Math.log(f(f(1 / baseScore) - 1))));
}

/** PredTransform over float32 margins. */
export function transform(objective: Objective, margins: Float32Array): Float32Array {
  const out = new Float32Array(margins.length);
  if (isLogistic(objective)) {
    for (let i = 0; i < margins.length; i++) out[i] = sigmoid(margins[i]);
  } else out.set(margins);
  return out;
}

/** Labels must suit the objective (XGBoost's "label must be in [0,1] for logistic regression"). */
export function checkLabels(objective: Objective, labels: Float32Array): void {
  if (!isLogistic(objective)) {
    for (let i = 0; i < labels.length; i++) {
      if (!Number.isFinite(labels[i])) {
        throw new Error(`label of row ${i} is ${labels[i]}; labels must be finite numbers`);
      }
    }
    return;
  }
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!(y >= 0 && y <= 1)) {
      throw new Error(
        `label must be in [0,1] for logistic regression (${objective}); row ${i} has label ${y}`,
      );
    }
  }
}

/**
 * GetGradient: g = p - y, h = max(p(1-p), 1e-16f) (logistic) or g = m - y, h = 1 (squared).
 * Rows with keep[i] === 0 (dropped by subsampling) get g = h = 0 without computing anything.
 */
export function computeGradients(
  objective: Objective,
  margins: Float32Array,
  labels: Float32Array,
  grad: Float32Array,
  hess: Float32Array,
  keep?: Uint8Array,
): void {
  const n = margins.length;
  if (isLogistic(objective)) {
    for (let i = 0; i < n; i++) {
      if (keep !== undefined && keep[i] === 0) {
        grad[i] = 0;
        hess[i] = 0;
        continue;
      }
      const p = sigmoid(margins[i]);
      grad[i] = p - labels[i];
      const h = f(p * f(1 - p));
      hess[i] = h > HESS_EPS ? h : HESS_EPS;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const k = keep === undefined || keep[i] === 1;
      grad[i] = k ? margins[i] - labels[i] : 0;
      hess[i] = k ? 1 : 0;
    }
  }
}
