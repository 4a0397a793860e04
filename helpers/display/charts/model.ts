/**
 * Charts of training and explanation (workshop-labs.md, Lab 01 steps 8 and 10): learning curve,
 * ROC curve, XGBoost feature importance, and the SHAP summary as a bar chart and a beeswarm.
 */
import type { BarTrace, PlotlyFigure, PlotlyLayout, ScatterTrace } from "../figure";
import { formatCount, formatNumber } from "../format";
import { quantile, sampleRows } from "../stats";
import { axis, paletteColor, requireNonEmpty, title, type ChartOptions } from "./common";

/** Per eval set, per metric, one value per boosting round (XGBoost's evals_result). */
export type EvalHistory = Record<string, Record<string, ArrayLike<number>>>;

export interface LearningCurveOptions extends ChartOptions {
  /** Which metrics to plot (default: all, one panel each). */
  metrics?: string[];
}

/**
 * The evaluation metrics per boosting round, one line per eval set (e.g. train and validation),
 * one panel per metric sharing the round axis: where validation stops improving while train keeps
 * going is where the model starts to overfit.
 */
export function learningCurve(
  history: EvalHistory,
  options: LearningCurveOptions = {},
): PlotlyFigure<ScatterTrace> {
  const sets = Object.keys(history);
  requireNonEmpty(
    "history",
    sets.length,
    "pass the per-round metrics, e.g. { validation: { auc: [...] } }",
  );
  const available: string[] = [];
  for (const set of sets) {
    for (const metric of Object.keys(history[set])) {
      if (!available.includes(metric)) available.push(metric);
    }
  }
  const metrics = options.metrics ?? available;
  requireNonEmpty("metrics", metrics.length, "the history has no metrics");
  for (const metric of metrics) {
    if (!available.includes(metric)) {
      throw new Error(`metric ${metric} is not in the history (it has: ${available.join(", ")})`);
    }
  }
  const data: ScatterTrace[] = [];
  metrics.forEach((metric, m) => {
    sets.forEach((set, s) => {
      const values = history[set][metric];
      if (!values) return;
      const y = Array.from(values, (v) => (Number.isFinite(v) ? v : null));
      data.push({
        type: "scatter",
        mode: "lines",
        name: set,
        legendgroup: set,
        showlegend: m === 0,
        x: y.map((_v, i) => i + 1),
        y,
        line: { color: paletteColor(s), width: 2 },
        xaxis: "x",
        yaxis: m === 0 ? "y" : `y${m + 1}`,
        hovertemplate: `${set} ${metric}, round %{x}: %{y:.4f}<extra></extra>`,
      });
    });
  });
  const layout: PlotlyLayout = {
    title: title(options.title ?? `Learning curve (${metrics.join(", ")} per boosting round)`),
    height: options.height ?? Math.max(400, 260 * metrics.length),
    hovermode: "x unified",
  };
  if (metrics.length > 1) {
    // One row per metric; "coupled" shares the round axis along the column.
    layout.grid = {
      rows: metrics.length,
      columns: 1,
      pattern: "coupled",
      roworder: "top to bottom",
    };
  }
  metrics.forEach((metric, m) => {
    layout[m === 0 ? "yaxis" : `yaxis${m + 1}`] = axis(metric);
  });
  layout.xaxis = axis("Boosting round");
  return { data, layout };
}

export interface RocInput {
  fpr: ArrayLike<number>;
  tpr: ArrayLike<number>;
  /** The area under the curve; computed from the points (trapezoids) when omitted. */
  auc?: number;
  /** The curve's name in the legend, e.g. "test". */
  name?: string;
}

/** Area under a curve given by points ordered by x (the trapezoidal rule, as sklearn's auc). */
export function trapezoidArea(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return Math.abs(area);
}

/**
 * ROC curve(s) with the AUC in the title or legend, and the diagonal of a model that guesses
 * (AUC 0.5) for reference.
 */
export function rocCurveChart(
  curves: RocInput | RocInput[],
  options: ChartOptions = {},
): PlotlyFigure<ScatterTrace> {
  const list = Array.isArray(curves) ? curves : [curves];
  requireNonEmpty("curves", list.length, "pass { fpr, tpr } from rocCurve(yTrue, scores)");
  const data: ScatterTrace[] = list.map((curve, i) => {
    if (curve.fpr.length !== curve.tpr.length || curve.fpr.length < 2) {
      throw new Error(
        `a ROC curve needs matching fpr and tpr arrays of at least 2 points, got ${curve.fpr.length} and ${curve.tpr.length}`,
      );
    }
    const auc = curve.auc ?? trapezoidArea(curve.fpr, curve.tpr);
    const name = curve.name ?? (list.length === 1 ? "model" : `curve ${i + 1}`);
    return {
      type: "scatter",
      mode: "lines",
      name: `${name} (AUC = ${auc.toFixed(3)})`,
      x: Array.from(curve.fpr),
      y: Array.from(curve.tpr),
      line: { color: paletteColor(i), width: 2 },
      hovertemplate: "false positive rate %{x:.3f}, true positive rate %{y:.3f}<extra></extra>",
    };
  });
  data.push({
    type: "scatter",
    mode: "lines",
    name: "chance (AUC = 0.5)",
    x: [0, 1],
    y: [0, 1],
    line: { color: "#7f7f7f", width: 1, dash: "dash" },
    hoverinfo: "skip",
  });
  const single = list.length === 1;
  const auc = single ? (list[0].auc ?? trapezoidArea(list[0].fpr, list[0].tpr)) : undefined;
  return {
    data,
    layout: {
      title: title(
        options.title ?? (auc !== undefined ? `ROC curve (AUC = ${auc.toFixed(3)})` : "ROC curves"),
      ),
      xaxis: axis("False positive rate", { range: [0, 1], constrain: "domain" }),
      yaxis: axis("True positive rate", { range: [0, 1], scaleanchor: "x", constrain: "domain" }),
      height: options.height ?? 500,
      legend: { x: 0.98, xanchor: "right", y: 0.02, yanchor: "bottom" },
    },
  };
}

const IMPORTANCE_AXIS: Record<string, string> = {
  weight: "F score (number of splits on the feature)",
  gain: "Average gain of its splits",
  cover: "Average cover of its splits",
  total_gain: "Total gain of its splits",
  total_cover: "Total cover of its splits",
};

export interface FeatureImportanceOptions extends ChartOptions {
  /** XGBoost's importance type the numbers are (default "weight", as xgboost.plot_importance). */
  importanceType?: string;
  /** Show the most important `top` features (default 20). */
  top?: number;
}

/** Horizontal bars of feature importance, most important at the top (xgboost.plot_importance). */
export function featureImportanceChart(
  importance: Record<string, number> | Map<string, number>,
  options: FeatureImportanceOptions = {},
): PlotlyFigure<BarTrace> {
  const entries = importance instanceof Map ? [...importance] : Object.entries(importance);
  requireNonEmpty(
    "importance",
    entries.length,
    "pass { feature: score } from featureImportance(...)",
  );
  const sorted = entries
    .filter(([, v]) => Number.isFinite(v))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, options.top ?? 20);
  const type = options.importanceType ?? "weight";
  return {
    data: [
      {
        type: "bar",
        orientation: "h",
        name: type,
        x: sorted.map(([, v]) => v),
        y: sorted.map(([k]) => k),
        text: sorted.map(([, v]) => formatNumber(v, { precision: 4 })),
        textposition: "outside",
        marker: { color: paletteColor(0) },
        hovertemplate: "%{y}: %{x}<extra></extra>",
      },
    ],
    layout: {
      title: title(options.title ?? `Feature importance (${type})`),
      xaxis: axis(IMPORTANCE_AXIS[type] ?? type),
      // Categories draw bottom-up; reversed puts the first (most important) at the top.
      yaxis: axis("Feature", { autorange: "reversed", type: "category" }),
      height: options.height ?? Math.max(350, 120 + 24 * sorted.length),
      showlegend: false,
    },
  };
}

/** Rows of numbers: an array of rows, or a row-major buffer with its shape. */
export type Matrix = ArrayLike<number>[] | { data: ArrayLike<number>; nrow: number; ncol: number };

function matrixShape(m: Matrix): { nrow: number; ncol: number; get(r: number, c: number): number } {
  if (Array.isArray(m)) {
    const rows = m as ArrayLike<number>[];
    return { nrow: rows.length, ncol: rows[0]?.length ?? 0, get: (r, c) => rows[r][c] };
  }
  const { data, nrow, ncol } = m as { data: ArrayLike<number>; nrow: number; ncol: number };
  if (data.length !== nrow * ncol) {
    throw new Error(`matrix data has ${data.length} values, expected nrow x ncol = ${nrow * ncol}`);
  }
  return { nrow, ncol, get: (r, c) => data[r * ncol + c] };
}

export interface ShapInput {
  featureNames: string[];
  /** SHAP values, rows x features; a last extra column (XGBoost's bias) is ignored. */
  shapValues: Matrix;
  /** The feature values of the same rows (for the beeswarm's colours). */
  featureValues?: Matrix;
}

function shapColumns(input: ShapInput) {
  const shap = matrixShape(input.shapValues);
  const f = input.featureNames.length;
  requireNonEmpty("featureNames", f, "pass the model's feature names");
  if (shap.ncol !== f && shap.ncol !== f + 1) {
    throw new Error(
      `SHAP values have ${shap.ncol} columns; expected one per feature (${f}) or one more for the bias`,
    );
  }
  requireNonEmpty("shapValues", shap.nrow, "compute SHAP values for at least one row");
  const meanAbs = input.featureNames.map((_n, c) => {
    let sum = 0;
    for (let r = 0; r < shap.nrow; r++) sum += Math.abs(shap.get(r, c));
    return sum / shap.nrow;
  });
  // Most important first; ties by name so the order is stable.
  const order = input.featureNames
    .map((_n, c) => c)
    .sort(
      (a, b) =>
        meanAbs[b] - meanAbs[a] || input.featureNames[a].localeCompare(input.featureNames[b]),
    );
  return { shap, meanAbs, order };
}

export interface ShapOptions extends ChartOptions {
  /** Show the `maxFeatures` features with the largest mean |SHAP| (default 20, as shap). */
  maxFeatures?: number;
}

/** Mean |SHAP value| per feature, most important at the top (shap.summary_plot, plot_type="bar"). */
export function shapSummaryBar(
  input: ShapInput,
  options: ShapOptions = {},
): PlotlyFigure<BarTrace> {
  const { shap, meanAbs, order } = shapColumns(input);
  const shown = order.slice(0, options.maxFeatures ?? 20);
  return {
    data: [
      {
        type: "bar",
        orientation: "h",
        name: "mean |SHAP value|",
        x: shown.map((c) => meanAbs[c]),
        y: shown.map((c) => input.featureNames[c]),
        marker: { color: "#008bfb" },
        hovertemplate: "%{y}: %{x:.4f}<extra></extra>",
      },
    ],
    layout: {
      title: title(options.title ?? `SHAP feature importance (${formatCount(shap.nrow)} rows)`),
      xaxis: axis("mean(|SHAP value|) (average impact on the model output, log-odds)"),
      yaxis: axis("Feature", { autorange: "reversed", type: "category" }),
      height: options.height ?? Math.max(350, 120 + 24 * shown.length),
      showlegend: false,
    },
  };
}

export interface BeeswarmOptions extends ShapOptions {
  /** Plot at most this many rows, a seeded random sample (default 1000). */
  maxPoints?: number;
  seed?: number;
}

/** shap's colours for low (blue) and high (red) feature values (shap/plots/colors: red_blue). */
const SHAP_BLUE = "#008bfb";
const SHAP_RED = "#ff0051";

/**
 * The SHAP beeswarm (shap.summary_plot's default dot plot): one row per feature, most important
 * at the top; each dot is one row of data at x = its SHAP value, piled up where values are dense,
 * coloured by the feature's value (blue low, red high). The pile-up follows shap's
 * `summary_legacy` in shap/plots/_beeswarm.py: SHAP values are rounded into 100 bins and the dots
 * of a bin alternate above and below the row's line; colours span the feature's 5th to 95th
 * percentile, so outliers do not wash out the rest.
 */
export function shapBeeswarm(
  input: ShapInput,
  options: BeeswarmOptions = {},
): PlotlyFigure<ScatterTrace> {
  if (!input.featureValues) {
    throw new Error(
      "the beeswarm colours dots by feature value: pass featureValues (the same rows as shapValues)",
    );
  }
  const { shap, order } = shapColumns(input);
  const values = matrixShape(input.featureValues);
  if (values.nrow !== shap.nrow || values.ncol !== input.featureNames.length) {
    throw new Error(
      `featureValues is ${values.nrow} x ${values.ncol}; it must be the same rows as shapValues ` +
        `(${shap.nrow}) with one column per feature (${input.featureNames.length})`,
    );
  }
  const shown = order.slice(0, options.maxFeatures ?? 20);
  const rows = sampleRows(shap.nrow, options.maxPoints ?? 1000, options.seed);
  const rowHeight = 0.4;
  const x: number[] = [];
  const y: number[] = [];
  const color: number[] = [];
  const raw: number[] = [];
  const missing = { x: [] as number[], y: [] as number[] };
  shown.forEach((c, position) => {
    const line = shown.length - 1 - position; // most important on top
    const s = rows.map((r) => shap.get(r, c));
    const v = rows.map((r) => values.get(r, c));
    const offsets = beeswarmOffsets(s, rowHeight);
    const finite = v.filter(Number.isFinite).sort((a, b) => a - b);
    const [low, high] = colourRange(finite);
    s.forEach((shapValue, k) => {
      if (!Number.isFinite(v[k])) {
        missing.x.push(shapValue);
        missing.y.push(line + offsets[k]);
        return;
      }
      x.push(shapValue);
      y.push(line + offsets[k]);
      color.push(high > low ? Math.min(1, Math.max(0, (v[k] - low) / (high - low))) : 0.5);
      raw.push(v[k]);
    });
  });
  const data: ScatterTrace[] = [
    {
      type: "scatter",
      mode: "markers",
      name: "rows",
      x,
      y,
      customdata: raw,
      marker: {
        size: 4,
        opacity: 0.8,
        color,
        cmin: 0,
        cmax: 1,
        colorscale: [
          [0, SHAP_BLUE],
          [1, SHAP_RED],
        ],
        showscale: true,
        colorbar: { title: { text: "Feature value" }, tickvals: [0, 1], ticktext: ["Low", "High"] },
      },
      hovertemplate: "SHAP %{x:.3f}, feature value %{customdata}<extra></extra>",
    },
  ];
  if (missing.x.length > 0) {
    data.push({
      type: "scatter",
      mode: "markers",
      name: "missing value",
      x: missing.x,
      y: missing.y,
      marker: { size: 4, opacity: 0.8, color: "#777777" },
    });
  }
  const sampled = rows.length < shap.nrow;
  return {
    data,
    layout: {
      title: title(
        options.title ??
          `SHAP summary${sampled ? ` (${formatCount(rows.length)} of ${formatCount(shap.nrow)} rows, random sample)` : ""}`,
      ),
      xaxis: axis("SHAP value (impact on the model output, log-odds)", { zeroline: true }),
      yaxis: {
        automargin: true,
        tickvals: shown.map((_c, position) => shown.length - 1 - position),
        ticktext: shown.map((c) => input.featureNames[c]),
        range: [-0.6, shown.length - 0.4],
        zeroline: false,
      },
      height: options.height ?? Math.max(400, 120 + 28 * shown.length),
      showlegend: missing.x.length > 0,
      hovermode: "closest",
    },
  };
}

/** Vertical offsets of one feature's dots, as shap's summary_legacy (see shapBeeswarm). */
export function beeswarmOffsets(shapValues: number[], rowHeight: number): number[] {
  const n = shapValues.length;
  const offsets = new Array<number>(n).fill(0);
  if (n === 0) return offsets;
  let min = Infinity;
  let max = -Infinity;
  for (const v of shapValues) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const nbins = 100;
  const bin = shapValues.map((v) => Math.round((nbins * (v - min)) / (max - min + 1e-8)));
  // shap breaks ties with tiny noise; a stable sort by bin keeps data order instead (reproducible).
  const order = bin.map((_b, i) => i).sort((a, b) => bin[a] - bin[b] || a - b);
  let layer = 0;
  let lastBin = -1;
  for (const i of order) {
    if (bin[i] !== lastBin) layer = 0;
    // Layers 0, 1, 2, 3, 4, ... sit at 0, +1, -1, +2, -2, ...
    offsets[i] = layer === 0 ? 0 : Math.ceil(layer / 2) * ((layer % 2) * 2 - 1);
    layer++;
    lastBin = bin[i];
  }
  let largest = 0;
  for (const o of offsets) largest = Math.max(largest, o + 1);
  const scale = (0.9 * rowHeight) / largest;
  return offsets.map((o) => o * scale);
}

/** shap's colour range: 5th-95th percentile, widened to 1st-99th, then min-max, if degenerate. */
function colourRange(sorted: number[]): [number, number] {
  if (sorted.length === 0) return [0, 0];
  let low = quantile(sorted, 0.05);
  let high = quantile(sorted, 0.95);
  if (low === high) {
    low = quantile(sorted, 0.01);
    high = quantile(sorted, 0.99);
    if (low === high) {
      low = sorted[0];
      high = sorted[sorted.length - 1];
    }
  }
  return [low, high];
}
