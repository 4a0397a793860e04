/**
 * Plotly figures out of executed notebooks (display_data outputs with the Plotly MIME type, as
 * `npm run lab` writes them to reports/), looked up by the start of their title.
 */
import type { NotebookDocument } from "../../helpers/notebook/runner";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

export interface PlotlyFigureJson {
  data: unknown[];
  layout: Record<string, unknown> & { title?: { text?: string } | string; height?: number };
}

export interface FoundFigure {
  title: string;
  figure: PlotlyFigureJson;
  /** Which notebook it came from (for messages). */
  source: string;
}

function titleOf(figure: PlotlyFigureJson): string {
  const title = figure.layout?.title;
  if (typeof title === "string") return title;
  return title?.text ?? "";
}

/** Every Plotly figure in the notebooks, in notebook and cell order. */
export function plotlyFigures(notebooks: Array<{ name: string; doc: NotebookDocument }>) {
  const found: FoundFigure[] = [];
  for (const { name, doc } of notebooks) {
    for (const cell of doc.cells) {
      for (const output of (cell.outputs ?? []) as Array<Record<string, unknown>>) {
        if (output.output_type !== "display_data") continue;
        const figure = (output.data as Record<string, unknown> | undefined)?.[PLOTLY_MIME];
        if (!figure || typeof figure !== "object") continue;
        const typed = figure as PlotlyFigureJson;
        if (!Array.isArray(typed.data)) continue;
        found.push({ title: titleOf(typed), figure: typed, source: name });
      }
    }
  }
  return found;
}

/** The first figure whose title starts with `prefix`; a clear error naming what exists if none. */
export function figureByTitle(figures: FoundFigure[], prefix: string): FoundFigure {
  const match = figures.find((f) => f.title.startsWith(prefix));
  if (match) return match;
  const titles = figures.map((f) => `  - ${f.title || "(untitled)"} [${f.source}]`).join("\n");
  throw new Error(
    `no figure titled "${prefix}..." in the executed notebooks; run \`npm run lab\` first.\n` +
      `Figures found:\n${titles || "  (none)"}`,
  );
}
