/**
 * Charts of lab 02's monitoring results (workshop-labs.md, Lab 02 step 12), drawn from the hourly
 * reports: drift distance per feature over time, baseline vs current mean per feature, and the
 * violations per check type per hour. Inputs are structural, so `driftTimeline` and
 * `violationsByCheckType` (helpers/workflow/monitoring.ts) feed them directly.
 */
import {
  plotlyDate,
  type BarTrace,
  type PlotlyFigure,
  type PlotlyLayout,
  type ScatterTrace,
} from "../figure";
import { formatNumber } from "../format";
import { axis, paletteColor, requireNonEmpty, title, type ChartOptions } from "./common";

/** A time on the x axis: a Date, an ISO string or epoch milliseconds. */
export type Hour = Date | string | number;

/** One feature in one monitored hour. */
export interface DriftPointLike {
  hour: Hour;
  feature: string;
  distance: number | null;
  threshold?: number;
}

const HOUR_AXIS = "Monitoring execution (UTC)";

function hourKey(hour: Hour): string {
  return plotlyDate(hour);
}

function byFeature<T extends { feature: string; hour: Hour }>(points: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const point of points) {
    const group = groups.get(point.feature) ?? [];
    group.push(point);
    groups.set(point.feature, group);
  }
  for (const group of groups.values()) {
    group.sort((a, b) => (hourKey(a.hour) < hourKey(b.hour) ? -1 : 1));
  }
  return groups;
}

function checkFeatures(requested: string[] | undefined, available: Map<string, unknown>): void {
  for (const feature of requested ?? []) {
    if (!available.has(feature)) {
      throw new Error(
        `feature ${feature} is not in the timeline (it has: ${[...available.keys()].join(", ")})`,
      );
    }
  }
}

export interface DriftChartOptions extends ChartOptions {
  /** Plot these features (default: the `top` with the largest distance in any hour). */
  features?: string[];
  /** How many features to plot when `features` is not given (default 8). */
  top?: number;
  /** The drift threshold (default: the thresholds in the points; 0.1 is Model Monitor's default). */
  threshold?: number;
}

/**
 * Drift distance of each feature against the baseline, hour by hour, one line per feature, and a
 * dashed line at the threshold: a line above it is a baseline_drift_check violation that hour.
 */
export function driftDistanceChart(
  points: DriftPointLike[],
  options: DriftChartOptions = {},
): PlotlyFigure<ScatterTrace> {
  requireNonEmpty(
    "points",
    points.length,
    "pass driftTimeline(...) of at least one monitored hour",
  );
  const groups = byFeature(points);
  checkFeatures(options.features, groups);
  const peak = (feature: string) =>
    Math.max(-Infinity, ...(groups.get(feature) ?? []).map((p) => p.distance ?? -Infinity));
  const ranked = [...groups.keys()].sort((a, b) => peak(b) - peak(a) || a.localeCompare(b));
  const features = options.features ?? ranked.slice(0, options.top ?? 8);
  const data: ScatterTrace[] = features.map((feature, i) => {
    const group = groups.get(feature) as DriftPointLike[];
    return {
      type: "scatter",
      mode: "lines+markers",
      name: feature,
      x: group.map((p) => hourKey(p.hour)),
      y: group.map((p) => (p.distance !== null && Number.isFinite(p.distance) ? p.distance : null)),
      line: { color: paletteColor(i), width: 2 },
      marker: { size: 5 },
      hovertemplate: `${feature}: %{y:.3f} at %{x}<extra></extra>`,
    };
  });
  const hours = [...new Set(points.map((p) => hourKey(p.hour)))].sort();
  const thresholds =
    options.threshold !== undefined
      ? [options.threshold]
      : [
          ...new Set(
            points
              .filter((p) => features.includes(p.feature))
              .map((p) => p.threshold)
              .filter((t): t is number => typeof t === "number" && Number.isFinite(t)),
          ),
        ].sort((a, b) => a - b);
  for (const threshold of thresholds) {
    data.push({
      type: "scatter",
      mode: "lines",
      name: `threshold ${formatNumber(threshold)}`,
      x: [hours[0], hours[hours.length - 1]],
      y: [threshold, threshold],
      line: { color: "#d62728", width: 2, dash: "dash" },
      hoverinfo: "skip",
    });
  }
  const subset = options.features === undefined && ranked.length > features.length;
  return {
    data,
    layout: {
      title: title(
        options.title ??
          `Drift distance from the baseline per hour${subset ? ` (${features.length} of ${ranked.length} features, largest first)` : ""}`,
      ),
      xaxis: axis(HOUR_AXIS, { type: "date" }),
      yaxis: axis("Drift distance (baseline vs current distribution)", { rangemode: "tozero" }),
      height: options.height ?? 450,
      hovermode: "closest",
    },
  };
}

/** One feature's mean in one monitored hour, and its baseline mean. */
export interface MeanPointLike {
  hour: Hour;
  feature: string;
  currentMean: number | null;
  baselineMean: number | null;
}

export interface BaselineVsCurrentOptions extends ChartOptions {
  /** One panel per feature (default: the 3 whose mean moved most relative to the baseline). */
  features?: string[];
}

/**
 * Per feature, the mean of each hour's traffic against the baseline's mean (a flat dashed line):
 * a current line far from the baseline (e.g. MARRIAGE at about -1.7 against 1.55 after the
 * column was negated) shows what changed in the data, not just that something did.
 */
export function baselineVsCurrentChart(
  points: MeanPointLike[],
  options: BaselineVsCurrentOptions = {},
): PlotlyFigure<ScatterTrace> {
  requireNonEmpty(
    "points",
    points.length,
    "pass driftTimeline(...) of at least one monitored hour",
  );
  const groups = byFeature(points);
  checkFeatures(options.features, groups);
  const shift = (feature: string) => {
    let largest = -Infinity;
    for (const p of groups.get(feature) ?? []) {
      if (p.currentMean === null || p.baselineMean === null) continue;
      const scale = Math.abs(p.baselineMean) || 1;
      largest = Math.max(largest, Math.abs(p.currentMean - p.baselineMean) / scale);
    }
    return largest;
  };
  const features =
    options.features ??
    [...groups.keys()].sort((a, b) => shift(b) - shift(a) || a.localeCompare(b)).slice(0, 3);
  const data: ScatterTrace[] = [];
  const layout: PlotlyLayout = {
    title: title(options.title ?? "Baseline mean vs current mean per hour"),
    height: options.height ?? Math.max(350, 230 * features.length),
    hovermode: "x unified",
  };
  if (features.length > 1) {
    // One row per feature, each with its own y scale; "coupled" shares the time axis.
    layout.grid = {
      rows: features.length,
      columns: 1,
      pattern: "coupled",
      roworder: "top to bottom",
    };
  }
  features.forEach((feature, i) => {
    const group = groups.get(feature) as MeanPointLike[];
    const yaxis = i === 0 ? "y" : `y${i + 1}`;
    const x = group.map((p) => hourKey(p.hour));
    const value = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
    data.push({
      type: "scatter",
      mode: "lines",
      name: "baseline mean",
      legendgroup: "baseline",
      showlegend: i === 0,
      x,
      y: group.map((p) => value(p.baselineMean)),
      line: { color: "#7f7f7f", width: 2, dash: "dash" },
      xaxis: "x",
      yaxis,
      hovertemplate: `${feature} baseline: %{y:.4g}<extra></extra>`,
    });
    data.push({
      type: "scatter",
      mode: "lines+markers",
      name: "current mean",
      legendgroup: "current",
      showlegend: i === 0,
      x,
      y: group.map((p) => value(p.currentMean)),
      line: { color: paletteColor(0), width: 2 },
      marker: { size: 5 },
      xaxis: "x",
      yaxis,
      hovertemplate: `${feature} current: %{y:.4g}<extra></extra>`,
    });
    layout[i === 0 ? "yaxis" : `yaxis${i + 1}`] = axis(`${feature} mean`);
  });
  layout.xaxis = axis(HOUR_AXIS, { type: "date" });
  return { data, layout };
}

/** Violations found in one hour, counted by constraint check type. */
export interface ViolationCountsLike {
  hour: Hour;
  counts: Record<string, number>;
}

/**
 * Stacked bars of violations per hour, one colour per check type (data_type_check,
 * baseline_drift_check, ...): when the drifted traffic starts, the drift checks appear.
 */
export function violationsChart(
  hours: ViolationCountsLike[],
  options: ChartOptions = {},
): PlotlyFigure<BarTrace> {
  requireNonEmpty("hours", hours.length, "pass violationsByCheckType(...) of at least one hour");
  const sorted = [...hours].sort((a, b) => (hourKey(a.hour) < hourKey(b.hour) ? -1 : 1));
  const totals = new Map<string, number>();
  for (const hour of sorted) {
    for (const [type, count] of Object.entries(hour.counts)) {
      totals.set(type, (totals.get(type) ?? 0) + count);
    }
  }
  const types = [...totals.keys()].sort(
    (a, b) => (totals.get(b) as number) - (totals.get(a) as number) || a.localeCompare(b),
  );
  const x = sorted.map((h) => hourKey(h.hour));
  const data: BarTrace[] = types.map((type, i) => ({
    type: "bar",
    name: type,
    x,
    y: sorted.map((h) => h.counts[type] ?? 0),
    marker: { color: paletteColor(i) },
    hovertemplate: `${type}: %{y} at %{x}<extra></extra>`,
  }));
  const layout: PlotlyLayout = {
    title: title(options.title ?? "Violations per check type per hour"),
    xaxis: axis(HOUR_AXIS, { type: "date" }),
    yaxis: axis("Violations", { rangemode: "tozero" }),
    barmode: "stack",
    height: options.height ?? 420,
  };
  if (types.length === 0) {
    layout.annotations = [
      {
        text: "No violations in any hour",
        xref: "paper",
        yref: "paper",
        x: 0.5,
        y: 0.5,
        showarrow: false,
      },
    ];
  }
  return { data, layout };
}
