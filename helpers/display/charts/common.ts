/** Shared pieces of the chart builders: colours, titles, input checks. */
import type { PlotlyAxis } from "../figure";

/** Plotly's default qualitative palette (D3 category10), so charts match Plotly's own look. */
export const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

export function paletteColor(i: number): string {
  return PALETTE[i % PALETTE.length];
}

export function title(text: string): { text: string } {
  return { text };
}

export function axis(text: string, extra: PlotlyAxis = {}): PlotlyAxis {
  return { title: { text }, automargin: true, ...extra };
}

/** Options every chart builder takes. */
export interface ChartOptions {
  /** Replaces the chart's default title. */
  title?: string;
  /** Figure height in pixels. */
  height?: number;
}

export function requireNonEmpty(what: string, length: number, hint: string): void {
  if (length === 0) throw new Error(`${what} is empty: ${hint}`);
}
