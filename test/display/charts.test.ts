import type { BarTrace, ScatterTrace } from "../../helpers/display/figure";
import {
  correlationChart,
  correlationHeatmap,
  distributionChart,
  labelBalanceChart,
  scatterMatrix,
} from "../../helpers/display/charts/explore";
import {
  beeswarmOffsets,
  featureImportanceChart,
  learningCurve,
  rocCurveChart,
  shapBeeswarm,
  shapSummaryBar,
  trapezoidArea,
} from "../../helpers/display/charts/model";
import {
  baselineVsCurrentChart,
  driftDistanceChart,
  violationsChart,
} from "../../helpers/display/charts/monitoring";
import { figureToJson } from "../../helpers/display/plot";

describe("exploration charts", () => {
  it("label balance: one bar per label with counts and shares", () => {
    const labels = [...Array<number>(78).fill(0), ...Array<number>(22).fill(1)];
    const fig = labelBalanceChart(labels, { labelNames: { 0: "no default", 1: "default" } });
    const [bar] = fig.data;
    expect(bar.type).toBe("bar");
    expect(bar.x).toEqual(["no default", "default"]);
    expect(bar.y).toEqual([78, 22]);
    expect(bar.text).toEqual(["78 (78.0%)", "22 (22.0%)"]);
    expect(fig.layout.title?.text).toBe("Label balance (100 rows)");
    expect(fig.layout.yaxis?.title?.text).toBe("Rows");
  });

  it("correlation heatmap: square z in [-1, 1], NaN as gaps, diagonal from the top left", () => {
    const fig = correlationHeatmap(
      ["a", "b"],
      [
        [1, NaN],
        [NaN, 1],
      ],
    );
    const [heat] = fig.data;
    expect(heat.type).toBe("heatmap");
    expect(heat.z).toEqual([
      [1, null],
      [null, 1],
    ]);
    expect([heat.zmin, heat.zmax]).toEqual([-1, 1]);
    expect(heat.texttemplate).toBe("%{z:.2f}");
    expect(fig.layout.yaxis?.autorange).toBe("reversed");
    expect(() => correlationHeatmap(["a", "b"], [[1, 0]])).toThrow(/must be 2 x 2/);
    const fromColumns = correlationChart({ x: [1, 2, 3], y: [3, 2, 1] });
    expect(fromColumns.data[0].z).toEqual([
      [1, -1],
      [-1, 1],
    ]);
  });

  it("scatter matrix: one splom dimension per column, sampled rows, titled axes", () => {
    const n = 5000;
    const col = (k: number) => Array.from({ length: n }, (_v, i) => i * k);
    const fig = scatterMatrix(
      { BILL_AMT1: col(1), BILL_AMT2: col(2), PAY_AMT1: col(3) },
      { color: Array.from({ length: n }, (_v, i) => i % 2), maxPoints: 1000 },
    );
    const [splom] = fig.data;
    expect(splom.type).toBe("splom");
    expect(splom.dimensions.map((d) => d.label)).toEqual(["BILL_AMT1", "BILL_AMT2", "PAY_AMT1"]);
    expect(splom.dimensions.every((d) => d.values.length === 1000)).toBe(true);
    // The same rows in every dimension: BILL_AMT2 is twice BILL_AMT1 row by row.
    expect(splom.dimensions[1].values).toEqual(splom.dimensions[0].values.map((v) => 2 * v));
    expect((splom.marker?.color as number[]).length).toBe(1000);
    expect(fig.layout.title?.text).toContain("1,000 of 5,000 rows");
    expect((fig.layout.xaxis3 as { title: { text: string } }).title.text).toBe("PAY_AMT1");
    expect(() => scatterMatrix({ a: [1], b: [1, 2] })).toThrow(/column b has 2 values/);
  });

  it("distribution: shared bins, shares that sum to 1, overlaid", () => {
    const fig = distributionChart(
      { baseline: [0, 0, 1, 1], current: [1, 1, 1, 0.5] },
      { bins: 2, xTitle: "Label" },
    );
    expect(fig.layout.barmode).toBe("overlay");
    const [baseline, current] = fig.data;
    expect(baseline.x).toEqual([0.25, 0.75]);
    expect(baseline.y).toEqual([0.5, 0.5]);
    expect(current.y).toEqual([0, 1]); // 0.5 falls in the upper bin [0.5, 1]
    expect(baseline.name).toBe("baseline (n = 4)");
    const counts = distributionChart({ s: [1, 2, 3] }, { bins: 3, normalize: "count" });
    expect(counts.data[0].y).toEqual([1, 1, 1]);
    expect(() => distributionChart({ s: [NaN] })).toThrow(/no finite values/);
  });
});

describe("model charts", () => {
  it("learning curve: one line per eval set, one panel per metric", () => {
    const fig = learningCurve({
      train: { auc: [0.7, 0.8, 0.85], logloss: [0.6, 0.5, 0.4] },
      validation: { auc: [0.69, 0.76, 0.77], logloss: [0.61, 0.55, 0.54] },
    });
    expect(fig.data).toHaveLength(4);
    expect(fig.data.map((t) => `${t.name}:${t.yaxis}`)).toEqual([
      "train:y",
      "validation:y",
      "train:y2",
      "validation:y2",
    ]);
    expect(fig.data[0].x).toEqual([1, 2, 3]);
    expect(fig.data.filter((t) => t.showlegend).map((t) => t.name)).toEqual([
      "train",
      "validation",
    ]);
    expect(fig.layout.yaxis?.title?.text).toBe("auc");
    expect((fig.layout.yaxis2 as { title: { text: string } }).title.text).toBe("logloss");
    expect(fig.layout.xaxis?.title?.text).toBe("Boosting round");
    const one = learningCurve({ validation: { auc: [0.5] } }, { metrics: ["auc"] });
    expect(one.layout.grid).toBeUndefined();
    expect(() => learningCurve({ validation: { auc: [0.5] } }, { metrics: ["error"] })).toThrow(
      /metric error is not in the history \(it has: auc\)/,
    );
  });

  it("ROC curve: the curve, the AUC in the title and the chance diagonal", () => {
    const fig = rocCurveChart({ fpr: [0, 0.1, 0.4, 1], tpr: [0, 0.5, 0.8, 1], name: "test" });
    const area = trapezoidArea([0, 0.1, 0.4, 1], [0, 0.5, 0.8, 1]);
    expect(area).toBeCloseTo(0.025 + 0.195 + 0.54, 12);
    expect(fig.layout.title?.text).toBe(`ROC curve (AUC = ${area.toFixed(3)})`);
    expect(fig.data).toHaveLength(2);
    expect(fig.data[0].name).toBe(`test (AUC = ${area.toFixed(3)})`);
    const diagonal = fig.data[1];
    expect([diagonal.x, diagonal.y]).toEqual([
      [0, 1],
      [0, 1],
    ]);
    expect(diagonal.line?.dash).toBe("dash");
    const given = rocCurveChart({ fpr: [0, 1], tpr: [0, 1], auc: 0.781 });
    expect(given.layout.title?.text).toBe("ROC curve (AUC = 0.781)");
    expect(() => rocCurveChart({ fpr: [0, 1], tpr: [0] })).toThrow(/matching fpr and tpr/);
  });

  it("feature importance: horizontal bars sorted with the most important on top", () => {
    const fig = featureImportanceChart(
      { AGE: 10, PAY_0: 95, LIMIT_BAL: 40, MARRIAGE: 3, BILL_AMT1: 40 },
      { top: 4 },
    );
    const [bar] = fig.data;
    expect(bar.orientation).toBe("h");
    expect(bar.y).toEqual(["PAY_0", "BILL_AMT1", "LIMIT_BAL", "AGE"]);
    expect(bar.x).toEqual([95, 40, 40, 10]);
    expect(fig.layout.yaxis?.autorange).toBe("reversed");
    expect(fig.layout.xaxis?.title?.text).toMatch(/F score/);
  });
});

describe("SHAP charts", () => {
  // 3 rows x 2 features + bias column, row-major as predictContributions returns.
  const shapValues = { data: [0.5, -0.1, 9, -0.7, 0.2, 9, 0.9, 0.0, 9], nrow: 3, ncol: 3 };
  const featureValues = [
    [1, 10],
    [2, 20],
    [3, 30],
  ];

  it("bar: mean |SHAP| per feature, bias ignored, most important on top", () => {
    const fig = shapSummaryBar({ featureNames: ["PAY_0", "AGE"], shapValues });
    const [bar] = fig.data;
    expect(bar.y).toEqual(["PAY_0", "AGE"]);
    expect(bar.x[0]).toBeCloseTo((0.5 + 0.7 + 0.9) / 3, 12);
    expect(bar.x[1]).toBeCloseTo((0.1 + 0.2 + 0) / 3, 12);
    expect(() => shapSummaryBar({ featureNames: ["a"], shapValues })).toThrow(
      /expected one per feature \(1\)/,
    );
  });

  it("beeswarm: x = SHAP value, rows per feature, colour = normalised feature value", () => {
    const fig = shapBeeswarm({
      featureNames: ["AGE", "PAY_0"],
      shapValues: [
        [-0.1, 0.5],
        [0.2, -0.7],
        [0.0, 0.9],
      ],
      featureValues: featureValues.map(([a, b]) => [b, a]),
    });
    const [dots] = fig.data;
    expect(dots.type).toBe("scatter");
    expect(dots.x).toHaveLength(6);
    // PAY_0 (larger mean |SHAP|) comes first and sits on the top row (y near 1).
    expect(dots.x.slice(0, 3)).toEqual([0.5, -0.7, 0.9]);
    expect((dots.y as number[]).slice(0, 3).every((y) => Math.abs(y - 1) < 0.4)).toBe(true);
    expect((dots.y as number[]).slice(3).every((y) => Math.abs(y) < 0.4)).toBe(true);
    expect(fig.layout.yaxis?.ticktext).toEqual(["PAY_0", "AGE"]);
    expect(fig.layout.yaxis?.tickvals).toEqual([1, 0]);
    const colours = dots.marker?.color as number[];
    expect(colours.slice(0, 3)).toEqual([0, 0.5, 1]); // PAY_0 values 1, 2, 3 between 5th and 95th pct
    expect(dots.marker?.colorbar).toMatchObject({ ticktext: ["Low", "High"] });
    expect(() => shapBeeswarm({ featureNames: ["a", "b"], shapValues })).toThrow(
      /pass featureValues/,
    );
  });

  it("beeswarm offsets pile up dots of one bin alternately above and below", () => {
    const offsets = beeswarmOffsets([0, 0, 0, 1], 0.4);
    // Bin 0 holds three dots: layers 0, 1, 2 -> 0, +1, -1; scaled by 0.9 * 0.4 / 2.
    const unit = (0.9 * 0.4) / 2;
    expect(offsets).toEqual([0, unit, -unit, 0]);
  });
});

describe("monitoring charts", () => {
  const hour = (h: number) => new Date(Date.UTC(2026, 10, 23, h));
  const points = [0, 1, 2].flatMap((h) => [
    {
      hour: hour(h),
      feature: "MARRIAGE",
      distance: h === 0 ? 0.01 : 0.32,
      threshold: 0.1,
      currentMean: h === 0 ? 1.55 : -1.7,
      baselineMean: 1.55,
    },
    {
      hour: hour(h),
      feature: "AGE",
      distance: 0.02,
      threshold: 0.1,
      currentMean: 35.5,
      baselineMean: 35.4,
    },
    {
      hour: hour(h),
      feature: "LIMIT_BAL",
      distance: h === 0 ? 0.0 : 0.2,
      threshold: 0.1,
      currentMean: h === 0 ? 167000 : 84000,
      baselineMean: 167000,
    },
  ]);

  it("drift distance: one line per feature, largest first, and a dashed threshold line", () => {
    const fig = driftDistanceChart(points);
    const lines = fig.data.filter((t) => !t.name?.startsWith("threshold"));
    expect(lines.map((t) => t.name)).toEqual(["MARRIAGE", "LIMIT_BAL", "AGE"]);
    expect(lines[0].x).toEqual([
      "2026-11-23 00:00:00",
      "2026-11-23 01:00:00",
      "2026-11-23 02:00:00",
    ]);
    expect(lines[0].y).toEqual([0.01, 0.32, 0.32]);
    const threshold = fig.data.find((t) => t.name === "threshold 0.1") as ScatterTrace;
    expect(threshold.y).toEqual([0.1, 0.1]);
    expect(threshold.x).toEqual(["2026-11-23 00:00:00", "2026-11-23 02:00:00"]);
    expect(threshold.line?.dash).toBe("dash");
    expect(fig.layout.xaxis?.type).toBe("date");
    const two = driftDistanceChart(points, { top: 2 });
    expect(two.data.map((t) => t.name)).toEqual(["MARRIAGE", "LIMIT_BAL", "threshold 0.1"]);
    expect(two.layout.title?.text).toContain("2 of 3 features");
    expect(() => driftDistanceChart(points, { features: ["NOPE"] })).toThrow(
      /feature NOPE is not in the timeline/,
    );
  });

  it("baseline vs current: per feature a flat baseline line and the current line", () => {
    const fig = baselineVsCurrentChart(points, { features: ["MARRIAGE", "LIMIT_BAL"] });
    expect(fig.data.map((t) => `${t.name}:${t.yaxis}`)).toEqual([
      "baseline mean:y",
      "current mean:y",
      "baseline mean:y2",
      "current mean:y2",
    ]);
    expect(fig.data[0].y).toEqual([1.55, 1.55, 1.55]);
    expect(fig.data[0].line?.dash).toBe("dash");
    expect(fig.data[1].y).toEqual([1.55, -1.7, -1.7]);
    expect(fig.layout.yaxis?.title?.text).toBe("MARRIAGE mean");
    expect((fig.layout.yaxis2 as { title: { text: string } }).title.text).toBe("LIMIT_BAL mean");
    // Default: the features whose mean moved most, relative to the baseline.
    const auto = baselineVsCurrentChart(points);
    expect(
      auto.data.filter((t) => t.name === "current mean").map((t) => t.hovertemplate?.split(" ")[0]),
    ).toEqual(["MARRIAGE", "LIMIT_BAL", "AGE"]);
  });

  it("violations: stacked bars per check type, zero where an hour has none", () => {
    const fig = violationsChart([
      { hour: hour(1), counts: { baseline_drift_check: 3, data_type_check: 1 } },
      { hour: hour(0), counts: {} },
      { hour: hour(2), counts: { baseline_drift_check: 4 } },
    ]);
    expect(fig.layout.barmode).toBe("stack");
    const traces = fig.data as BarTrace[];
    expect(traces.map((t) => t.name)).toEqual(["baseline_drift_check", "data_type_check"]);
    expect(traces[0].y).toEqual([0, 3, 4]);
    expect(traces[1].y).toEqual([0, 1, 0]);
    const none = violationsChart([{ hour: hour(0), counts: {} }]);
    expect(none.data).toHaveLength(0);
    expect(none.layout.annotations?.[0].text).toBe("No violations in any hour");
  });

  it("produces plain JSON figures", () => {
    const json = JSON.stringify(figureToJson(driftDistanceChart(points)));
    expect(JSON.parse(json).data[0].name).toBe("MARRIAGE");
  });
});
