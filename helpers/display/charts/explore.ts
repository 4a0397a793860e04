/**
 * Charts of lab 01's exploration step (workshop-labs.md, Lab 01 step 4) and of label and
 * prediction distributions: label balance, correlation heatmap, scatter matrix, histogram overlay.
 */
import type { BarTrace, HeatmapTrace, PlotlyFigure, SplomTrace } from "../figure";
import { formatCount } from "../format";
import { correlationMatrix, sampleRows } from "../stats";
import { axis, paletteColor, requireNonEmpty, title, type ChartOptions } from "./common";

export interface LabelBalanceOptions extends ChartOptions {
  /** Display names per label value, e.g. { 0: "no default", 1: "default" }. */
  labelNames?: Record<string, string>;
  /** Axis title for the labels (default "Label"). */
  labelTitle?: string;
}

/**
 * Bar chart of how many rows carry each label, with counts and shares on the bars (the lab's
 * "about 78% / 22%": imbalanced, but not extremely).
 */
export function labelBalanceChart(
  labels: ArrayLike<number | string>,
  options: LabelBalanceOptions = {},
): PlotlyFigure<BarTrace> {
  requireNonEmpty("labels", labels.length, "pass the label column (e.g. the Label values)");
  const counts = new Map<string, number>();
  for (let i = 0; i < labels.length; i++) {
    const key = String(labels[i]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  // Numeric labels in numeric order (0 before 1 before 10), others alphabetically.
  const keys = [...counts.keys()].sort((a, b) => {
    const na = Number(a);
    const nb = Number(b);
    return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a.localeCompare(b);
  });
  const total = labels.length;
  const names = keys.map((k) => options.labelNames?.[k] ?? k);
  const y = keys.map((k) => counts.get(k) as number);
  return {
    data: [
      {
        type: "bar",
        name: "rows",
        x: names,
        y,
        text: y.map((c) => `${formatCount(c)} (${((100 * c) / total).toFixed(1)}%)`),
        textposition: "outside",
        marker: { color: keys.map((_k, i) => paletteColor(i)) },
        hovertemplate: "%{x}: %{y} rows<extra></extra>",
      },
    ],
    layout: {
      title: title(options.title ?? `Label balance (${formatCount(total)} rows)`),
      xaxis: axis(options.labelTitle ?? "Label", { type: "category" }),
      yaxis: axis("Rows"),
      showlegend: false,
      height: options.height ?? 400,
    },
  };
}

export interface CorrelationHeatmapOptions extends ChartOptions {
  /** Print each coefficient in its cell (default: when there are at most 12 columns). */
  showValues?: boolean;
}

/**
 * Heatmap of a correlation matrix (see `correlationMatrix`), -1 blue to +1 red, diagonal from the
 * top left like pandas/seaborn. Undefined coefficients (NaN) are left blank.
 */
export function correlationHeatmap(
  columns: string[],
  matrix: ArrayLike<number>[],
  options: CorrelationHeatmapOptions = {},
): PlotlyFigure<HeatmapTrace> {
  requireNonEmpty("columns", columns.length, "pass the column names of the matrix");
  if (matrix.length !== columns.length || matrix.some((row) => row.length !== columns.length)) {
    throw new Error(
      `the correlation matrix must be ${columns.length} x ${columns.length} (one row and column per name), ` +
        `got ${matrix.length} rows of lengths ${[...new Set(matrix.map((r) => r.length))].join("/")}`,
    );
  }
  const showValues = options.showValues ?? columns.length <= 12;
  const z = matrix.map((row) => Array.from(row, (v) => (Number.isFinite(v) ? v : null)));
  const size = Math.max(450, Math.min(900, 120 + columns.length * 28));
  return {
    data: [
      {
        type: "heatmap",
        name: "correlation",
        z,
        x: columns,
        y: columns,
        zmin: -1,
        zmax: 1,
        colorscale: "RdBu",
        reversescale: true,
        colorbar: { title: { text: "Pearson r" } },
        hovertemplate: "%{y} vs %{x}: %{z:.3f}<extra></extra>",
        ...(showValues ? { texttemplate: "%{z:.2f}" } : {}),
      },
    ],
    layout: {
      title: title(options.title ?? "Correlation matrix (Pearson)"),
      xaxis: { automargin: true, tickangle: -45 },
      yaxis: { automargin: true, autorange: "reversed" },
      height: options.height ?? size,
    },
  };
}

/** The correlation heatmap of the given columns: `correlationMatrix` and `correlationHeatmap`. */
export function correlationChart(
  columns: Record<string, ArrayLike<number>>,
  options: CorrelationHeatmapOptions = {},
): PlotlyFigure<HeatmapTrace> {
  const corr = correlationMatrix(columns);
  return correlationHeatmap(corr.columns, corr.matrix, options);
}

export interface ScatterMatrixOptions extends ChartOptions {
  /** Colour points by this column (e.g. the label), same length as the columns. */
  color?: ArrayLike<number>;
  colorTitle?: string;
  /** Plot at most this many rows, a seeded random sample (default 2000): 30,000 points per panel
   * make a slow page and a large output without showing more. */
  maxPoints?: number;
  seed?: number;
}

/** Scatter matrix (Plotly splom) of a few columns, e.g. BILL_AMT1, BILL_AMT2, PAY_AMT1, PAY_AMT2. */
export function scatterMatrix(
  columns: Record<string, ArrayLike<number>>,
  options: ScatterMatrixOptions = {},
): PlotlyFigure<SplomTrace> {
  const names = Object.keys(columns);
  requireNonEmpty(
    "columns",
    names.length,
    "pass a few columns by name, e.g. { BILL_AMT1, PAY_AMT1 }",
  );
  if (names.length > 8) {
    throw new Error(
      `a scatter matrix of ${names.length} columns has ${names.length ** 2} panels: pick at most 8 columns`,
    );
  }
  const total = columns[names[0]].length;
  for (const name of names) {
    if (columns[name].length !== total) {
      throw new Error(
        `column ${name} has ${columns[name].length} values, ${names[0]} has ${total}`,
      );
    }
  }
  if (options.color && options.color.length !== total) {
    throw new Error(`color has ${options.color.length} values, the columns have ${total}`);
  }
  const rows = sampleRows(total, options.maxPoints ?? 2000, options.seed);
  const pick = (values: ArrayLike<number>) => rows.map((i) => values[i]);
  const marker: SplomTrace["marker"] = { size: 3, opacity: 0.5 };
  if (options.color) {
    const color = options.color;
    Object.assign(marker, {
      color: pick(color),
      colorscale: [
        [0, paletteColor(0)],
        [1, paletteColor(1)],
      ],
      showscale: true,
      colorbar: { title: { text: options.colorTitle ?? "colour" } },
    });
  }
  const sampled = rows.length < total;
  const size = Math.max(500, Math.min(900, names.length * 200));
  const layout: PlotlyFigure["layout"] = {
    title: title(
      options.title ??
        `Scatter matrix${sampled ? ` (${formatCount(rows.length)} of ${formatCount(total)} rows, random sample)` : ""}`,
    ),
    height: options.height ?? size,
    showlegend: false,
    hovermode: "closest",
  };
  // splom axes: xaxis, xaxis2, ...; titled with the column names.
  names.forEach((name, i) => {
    const suffix = i === 0 ? "" : String(i + 1);
    layout[`xaxis${suffix}`] = { title: { text: name }, automargin: true };
    layout[`yaxis${suffix}`] = { title: { text: name }, automargin: true };
  });
  return {
    data: [
      {
        type: "splom",
        name: "rows",
        dimensions: names.map((name) => ({ label: name, values: pick(columns[name]) })),
        diagonal: { visible: false },
        showupperhalf: false,
        marker,
      },
    ],
    layout,
  };
}

export interface DistributionOptions extends ChartOptions {
  /** Number of bins over the joint range (default 30). */
  bins?: number;
  /** "probability" (default: the series are comparable at different sizes) or "count". */
  normalize?: "probability" | "count";
  xTitle?: string;
}

/**
 * Overlaid histograms of one or more series on shared bins, e.g. the label distribution of the
 * baseline against the captured traffic, or predicted probabilities. Binned here (bars at the bin
 * centres), so the output holds a few dozen numbers per series rather than every value.
 */
export function distributionChart(
  series: Record<string, ArrayLike<number>>,
  options: DistributionOptions = {},
): PlotlyFigure<BarTrace> {
  const names = Object.keys(series);
  requireNonEmpty(
    "series",
    names.length,
    "pass one or more named series, e.g. { baseline, current }",
  );
  const bins = options.bins ?? 30;
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`bins must be an integer >= 1, got ${bins}`);
  let min = Infinity;
  let max = -Infinity;
  for (const name of names) {
    for (const v of Array.from(series[name])) {
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min === Infinity) throw new Error("the series hold no finite values to plot");
  // Equal-width bins over [min, max], numpy.histogram's rule (the last bin is closed).
  const width = max > min ? (max - min) / bins : 1;
  const edges = Array.from({ length: bins + 1 }, (_v, i) => min + i * width);
  const centres = edges.slice(0, bins).map((e) => e + width / 2);
  const probability = (options.normalize ?? "probability") === "probability";
  const data: BarTrace[] = names.map((name, s) => {
    const counts = new Array<number>(bins).fill(0);
    let n = 0;
    for (const v of Array.from(series[name])) {
      if (!Number.isFinite(v)) continue;
      counts[Math.min(bins - 1, Math.floor((v - min) / width))] += 1;
      n++;
    }
    return {
      type: "bar",
      name: `${name} (n = ${formatCount(n)})`,
      x: centres,
      y: probability ? counts.map((c) => (n > 0 ? c / n : 0)) : counts,
      width,
      opacity: names.length > 1 ? 0.6 : 1,
      marker: { color: paletteColor(s) },
      hovertemplate: `${name}: %{y}${probability ? " of rows" : " rows"} around %{x}<extra></extra>`,
    };
  });
  return {
    data,
    layout: {
      title: title(options.title ?? `Distribution of ${names.join(" vs ")}`),
      xaxis: axis(options.xTitle ?? "Value"),
      yaxis: axis(probability ? "Share of rows" : "Rows", probability ? { tickformat: ".0%" } : {}),
      barmode: "overlay",
      bargap: 0,
      height: options.height ?? 400,
    },
  };
}
