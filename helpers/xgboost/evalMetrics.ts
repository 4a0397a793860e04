/**
 * Per-round evaluation metrics as XGBoost 1.7.4 reports them in `evals_result`
 * (src/metric/elementwise_metric.cu `EvalRowLogLoss`, `EvalError`, `EvalRowRMSE`;
 * src/metric/auc.cc binary ROC AUC): row terms in float32, sums in double.
 */
import type { EvalMetricName } from "./params";
import { rocAuc } from "./metrics";

const f = Math.fround;
const EPS = f(1e-16);
const LOG_EPS = f(Math.log(EPS));
const LOG_1M_EPS = f(Math.log(f(1 - EPS)));

/** `pred` are transformed predictions (probabilities for logistic objectives). */
export function evalMetric(name: EvalMetricName, label: Float32Array, pred: Float32Array): number {
  const n = label.length;
  let sum = 0;
  switch (name) {
    case "logloss":
      for (let i = 0; i < n; i++) {
        const y = label[i];
        const py = pred[i];
        const pneg = f(1 - py);
        let v: number;
        if (py < EPS) v = f(f(-y * LOG_EPS) - f(f(1 - y) * LOG_1M_EPS));
        else if (pneg < EPS) v = f(f(-y * LOG_1M_EPS) - f(f(1 - y) * LOG_EPS));
        else v = f(f(-y * f(Math.log(py))) - f(f(1 - y) * f(Math.log(pneg))));
        sum += v;
      }
      return sum / n;
    case "error":
      for (let i = 0; i < n; i++) sum += pred[i] > 0.5 ? f(1 - label[i]) : label[i];
      return sum / n;
    case "rmse":
      for (let i = 0; i < n; i++) {
        const d = f(label[i] - pred[i]);
        sum += f(d * d);
      }
      return Math.sqrt(sum / n);
    case "auc": {
      // XGBoost warns and reports NaN when an eval set holds one class only; training goes on.
      let pos = 0;
      for (let i = 0; i < n; i++) if (label[i] === 1) pos++;
      return pos === 0 || pos === n ? NaN : rocAuc(label, pred);
    }
    default:
      throw new Error(`unknown eval metric ${name as string}`);
  }
}
