/**
 * The Plotly figure types the chart builders return: the parts of plotly.js' schema
 * (https://plotly.com/javascript/reference/) the workshop's charts use, typed, with an index
 * signature so any other documented attribute can still be set. A figure is plain JSON data:
 * what `Plotly.newPlot(div, data, layout, config)` takes.
 */

/** Plotly accepts dates as "YYYY-MM-DD HH:MM:SS" strings (it ignores time zones, so we write UTC). */
export type PlotlyDatum = number | string | null;

export interface PlotlyMarker {
  color?: string | (number | string)[];
  colorscale?: string | [number, string][];
  cmin?: number;
  cmax?: number;
  size?: number;
  opacity?: number;
  showscale?: boolean;
  colorbar?: Record<string, unknown>;
  line?: { color?: string; width?: number };
  [attribute: string]: unknown;
}

export interface PlotlyLine {
  color?: string;
  width?: number;
  dash?: "solid" | "dot" | "dash" | "longdash" | "dashdot" | "longdashdot";
  [attribute: string]: unknown;
}

interface TraceBase {
  name?: string;
  showlegend?: boolean;
  legendgroup?: string;
  hovertemplate?: string;
  xaxis?: string;
  yaxis?: string;
  opacity?: number;
  [attribute: string]: unknown;
}

export interface ScatterTrace extends TraceBase {
  type: "scatter" | "scattergl";
  x: PlotlyDatum[];
  y: PlotlyDatum[];
  mode?: "lines" | "markers" | "lines+markers" | "text" | "lines+markers+text";
  line?: PlotlyLine;
  marker?: PlotlyMarker;
  text?: string[];
  fill?: string;
}

export interface BarTrace extends TraceBase {
  type: "bar";
  x: PlotlyDatum[];
  y: PlotlyDatum[];
  orientation?: "v" | "h";
  marker?: PlotlyMarker;
  text?: string[];
  textposition?: "inside" | "outside" | "auto" | "none";
  width?: number | number[];
}

export interface HeatmapTrace extends TraceBase {
  type: "heatmap";
  z: (number | null)[][];
  x: string[];
  y: string[];
  zmin?: number;
  zmax?: number;
  zmid?: number;
  colorscale?: string | [number, string][];
  reversescale?: boolean;
  texttemplate?: string;
  colorbar?: Record<string, unknown>;
}

export interface SplomDimension {
  label: string;
  values: number[];
}

export interface SplomTrace extends TraceBase {
  type: "splom";
  dimensions: SplomDimension[];
  marker?: PlotlyMarker;
  diagonal?: { visible: boolean };
  showupperhalf?: boolean;
  text?: string[];
}

export type PlotlyTrace = ScatterTrace | BarTrace | HeatmapTrace | SplomTrace;

export interface PlotlyAxis {
  title?: { text: string };
  range?: [number, number];
  autorange?: boolean | "reversed";
  type?: "linear" | "log" | "date" | "category";
  tickformat?: string;
  tickvals?: number[];
  ticktext?: string[];
  zeroline?: boolean;
  automargin?: boolean;
  domain?: [number, number];
  anchor?: string;
  matches?: string;
  scaleanchor?: string;
  constrain?: "range" | "domain";
  [attribute: string]: unknown;
}

export interface PlotlyAnnotation {
  text: string;
  x?: number | string;
  y?: number | string;
  xref?: string;
  yref?: string;
  showarrow?: boolean;
  font?: Record<string, unknown>;
  [attribute: string]: unknown;
}

export interface PlotlyLayout {
  title?: { text: string };
  xaxis?: PlotlyAxis;
  yaxis?: PlotlyAxis;
  barmode?: "stack" | "group" | "overlay" | "relative";
  bargap?: number;
  height?: number;
  width?: number;
  showlegend?: boolean;
  legend?: Record<string, unknown>;
  margin?: { l?: number; r?: number; t?: number; b?: number };
  annotations?: PlotlyAnnotation[];
  grid?: Record<string, unknown>;
  hovermode?: "closest" | "x" | "y" | "x unified" | false;
  /** xaxis2, yaxis3, ... for subplots, and any other layout attribute. */
  [attribute: string]: unknown;
}

export interface PlotlyConfig {
  responsive?: boolean;
  displaylogo?: boolean;
  [attribute: string]: unknown;
}

export interface PlotlyFigure<T extends PlotlyTrace = PlotlyTrace> {
  data: T[];
  layout: PlotlyLayout;
  config?: PlotlyConfig;
}

/** A date as Plotly reads it on a date axis: "2026-11-23 10:00:00" (UTC). */
export function plotlyDate(value: Date | string | number): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new RangeError(`not a valid date: ${String(value)}`);
  }
  return date
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, "")
    .replace(/Z$/, "");
}

/** The text of a figure's title ("" when it has none). */
export function figureTitle(figure: PlotlyFigure): string {
  return figure.layout.title?.text ?? "";
}
