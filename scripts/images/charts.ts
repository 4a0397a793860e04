/**
 * The README's key charts: which figure of the executed lab notebooks each PNG shows, found by
 * the start of its title (titles carry run-specific counts, e.g. "ROC curve (AUC = 0.785)").
 */
export interface ChartImage {
  /** PNG file name under images/. */
  file: string;
  /** The figure's title starts with this. */
  titlePrefix: string;
  /** One line for the README. */
  caption: string;
}

export const README_CHARTS: ChartImage[] = [
  {
    file: "label-balance.png",
    titlePrefix: "Label balance",
    caption: "Lab 01: about 78 % of customers pay and 22 % default",
  },
  {
    file: "correlation-heatmap.png",
    titlePrefix: "Correlation matrix",
    caption: "Lab 01: bill amounts move together; repayment status correlates most with default",
  },
  {
    file: "learning-curve.png",
    titlePrefix: "Learning curve",
    caption: "Lab 01: AUC and log loss per boosting round on the training and test sets",
  },
  {
    file: "roc-curve.png",
    titlePrefix: "ROC curve",
    caption: "Lab 01: ROC curve of the trained model on the held-out test set",
  },
  {
    file: "feature-importance.png",
    titlePrefix: "Feature importance",
    caption: "Lab 01: XGBoost feature importance (gain): PAY_0 far ahead",
  },
  {
    file: "shap-summary.png",
    titlePrefix: "SHAP summary",
    caption: "Lab 01: SHAP beeswarm: how each feature pushes single predictions",
  },
  {
    file: "drift-distance.png",
    titlePrefix: "Drift distance from the baseline",
    caption: "Lab 02: per-feature drift distance per monitoring hour, with the threshold",
  },
  {
    file: "baseline-vs-current-mean.png",
    titlePrefix: "Baseline mean vs current mean",
    caption: "Lab 02: baseline mean vs the mean of each hour's traffic for the drifted features",
  },
  {
    file: "violations-per-check.png",
    titlePrefix: "Violations per check type",
    caption: "Lab 02: constraint violations per check type per monitoring hour",
  },
];
