/**
 * Plotly figures as HTML: fragments for notebook outputs, whole documents for reports, and the
 * figure JSON for tests and image export. See plotlyBundle.ts for how (and why) plotly.js is
 * embedded once per page.
 */
import { randomBytes } from "node:crypto";
import { escapeHtml, jsonForScript } from "./html";
import { figureTitle, plotlyDate, type PlotlyFigure } from "./figure";
import { defaultBundleMode, plotlyBundleScript, type PlotlyBundleMode } from "./plotlyBundle";
import { displayBundle, inNotebook, type TextOutput } from "./notebookOutput";

/** Jupyter's MIME type for Plotly figures; frontends with a Plotly renderer draw it natively. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

const DEFAULT_HEIGHT = 450;

/**
 * The figure as plain JSON data: typed arrays become arrays, Dates become Plotly date strings,
 * NaN and infinities become null (gaps), as JSON and Plotly expect. This is what the HTML embeds,
 * what the Plotly MIME output carries, and what an image exporter feeds to `Plotly.newPlot`.
 */
export function figureToJson(figure: PlotlyFigure): PlotlyFigure {
  if (!figure || !Array.isArray(figure.data) || typeof figure.layout !== "object") {
    throw new TypeError("a Plotly figure is an object { data: trace[], layout: {...} }");
  }
  const text = JSON.stringify(figure, function (this: Record<string, unknown>, key, value) {
    const original = key === "" ? value : this[key];
    if (original instanceof Date) return plotlyDate(original);
    if (ArrayBuffer.isView(original) && !(original instanceof DataView)) {
      return Array.from(original as unknown as ArrayLike<number>);
    }
    if (typeof value === "function") {
      throw new TypeError(`figure attribute "${key}" is a function; figures must be plain data`);
    }
    return value;
  });
  return JSON.parse(text) as PlotlyFigure;
}

/** "Figure: <title> — 2 traces: ROC (scatter, 120 points), chance (scatter, 2 points)" */
export function figureSummary(figure: PlotlyFigure): string {
  const traces = figure.data.map((trace, i) => {
    const name = typeof trace.name === "string" && trace.name !== "" ? trace.name : `trace ${i}`;
    let points = 0;
    if (trace.type === "heatmap") points = trace.z.length * (trace.z[0]?.length ?? 0);
    else if (trace.type === "splom") points = trace.dimensions[0]?.values.length ?? 0;
    else points = trace.x.length;
    return `${name} (${trace.type}, ${points} ${points === 1 ? "point" : "points"})`;
  });
  const title = figureTitle(figure) || "(untitled)";
  return `Figure: ${title} — ${traces.length} trace${traces.length === 1 ? "" : "s"}: ${traces.join(", ")}`;
}

export interface FigureHtmlOptions {
  /** The div's id (default: unique per call). */
  divId?: string;
}

let figureCounter = 0;

function uniqueDivId(): string {
  figureCounter += 1;
  return `workshop-plot-${randomBytes(4).toString("hex")}-${figureCounter}`;
}

/**
 * The figure alone: a div and a script that draws into it once `window.Plotly` exists. The
 * script waits (up to 20 s) rather than failing when Plotly is still loading (cdn mode) or the
 * div is not attached yet; if Plotly never comes — the browser page was reloaded after the cell
 * that embedded the bundle ran — it says so in the div instead of staying blank.
 */
function figureFragment(figure: PlotlyFigure, divId: string): string {
  const json = figureToJson(figure);
  const config = { responsive: true, displaylogo: false, ...(json.config ?? {}) };
  const height = typeof json.layout.height === "number" ? json.layout.height : DEFAULT_HEIGHT;
  const id = jsonForScript(divId);
  return [
    // The placeholder is what viewers that do not run scripts show (an untrusted notebook in
    // JupyterLab, GitHub's notebook preview); drawing replaces it.
    `<div id="${escapeHtml(divId)}" class="workshop-plot" style="width: 100%; height: ${height}px;">` +
      `<p style="color: #666; font-style: italic;">Interactive chart: ${escapeHtml(figureTitle(figure) || "untitled")}. ` +
      `It draws where JavaScript runs (in JupyterLab, trust the notebook to see it).</p></div>`,
    `<script type="text/javascript">`,
    `(function () {`,
    `  var data = ${jsonForScript(json.data)};`,
    `  var layout = ${jsonForScript(json.layout)};`,
    `  var config = ${jsonForScript(config)};`,
    `  var waited = 0;`,
    `  function draw() {`,
    `    var div = document.getElementById(${id});`,
    `    if (window.Plotly && div) {`,
    `      div.textContent = "";`,
    `      window.Plotly.newPlot(div, data, layout, config);`,
    `      return;`,
    `    }`,
    `    waited += 100;`,
    `    if (waited < 20000) { setTimeout(draw, 100); return; }`,
    `    if (div) div.textContent = "Plotly is not loaded on this page (it is embedded in the first ` +
      `chart of a kernel session): call resetPlotlyPage() from the display helpers and re-run this cell.";`,
    `  }`,
    `  draw();`,
    `})();`,
    `</script>`,
  ].join("\n");
}

/**
 * One page's worth of figures: the first figure's HTML carries the Plotly bundle, later ones do
 * not. A notebook is one page (see `notebookPage`); a report is one page (`standaloneHtml`).
 */
export class PlotlyPage {
  readonly bundle: PlotlyBundleMode;
  private embedded = false;

  constructor(options: { bundle?: PlotlyBundleMode } = {}) {
    this.bundle = options.bundle ?? defaultBundleMode();
  }

  /** Whether a figure of this page has carried the bundle already. */
  get bundleEmbedded(): boolean {
    return this.embedded;
  }

  figureHtml(figure: PlotlyFigure, options: FigureHtmlOptions = {}): string {
    const fragment = figureFragment(figure, options.divId ?? uniqueDivId());
    if (this.embedded || this.bundle === "none") return fragment;
    this.embedded = true;
    return plotlyBundleScript(this.bundle) + "\n" + fragment;
  }

  /** Forget that the bundle was embedded: the next figure carries it again. */
  reset(): void {
    this.embedded = false;
  }
}

/**
 * The page of the notebook that is running. tslab creates one executor per notebook (kernel
 * start, or each notebook the in-process runner executes) and publishes it as
 * `globalThis.__tslab__` (tslab/dist/executor.js), so that object identifies the page: a new
 * kernel or the next notebook in the same process gets the bundle again. Outside tslab there is
 * one page per process.
 */
const pagesByExecutor = new WeakMap<object, PlotlyPage>();
let processPage: PlotlyPage | undefined;

export function notebookPage(): PlotlyPage {
  const executor = (globalThis as { __tslab__?: unknown }).__tslab__;
  if (executor !== null && typeof executor === "object") {
    let page = pagesByExecutor.get(executor);
    if (!page) {
      page = new PlotlyPage();
      pagesByExecutor.set(executor, page);
    }
    return page;
  }
  processPage ??= new PlotlyPage();
  return processPage;
}

/**
 * Makes the next chart embed Plotly again: needed after reloading the browser page while the
 * kernel kept running (the reloaded page has lost the bundle the first chart carried).
 */
export function resetPlotlyPage(): void {
  notebookPage().reset();
}

/**
 * The figure as an HTML fragment for `page` (default: the running notebook's page, the same one
 * `showFigure` uses), with the Plotly bundle when it is the page's first figure.
 */
export function figureToHtml(
  figure: PlotlyFigure,
  options: FigureHtmlOptions & { page?: PlotlyPage } = {},
): string {
  return (options.page ?? notebookPage()).figureHtml(figure, options);
}

/** Already-escaped HTML to place between figures in a report (e.g. from `tableToHtml`). */
export interface HtmlBlock {
  html: string;
}

export interface StandaloneHtmlOptions {
  /** The document title and top heading. */
  title?: string;
  bundle?: PlotlyBundleMode;
}

/**
 * A complete HTML document with the figures (and any HTML blocks) in order and Plotly embedded
 * once: a report that opens from disk, offline with the default inline bundle.
 */
export function standaloneHtml(
  items: (PlotlyFigure | HtmlBlock)[],
  options: StandaloneHtmlOptions = {},
): string {
  const page = new PlotlyPage({ bundle: options.bundle });
  const title = options.title ?? "Workshop report";
  const body = items.map((item) =>
    "html" in item && typeof item.html === "string"
      ? item.html
      : page.figureHtml(item as PlotlyFigure),
  );
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    "<style>body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; }",
    ".workshop-plot { margin: 1.5em 0; } table.dataframe { border-collapse: collapse; }",
    "table.dataframe td, table.dataframe th { padding: 0.2em 0.6em; border: 1px solid #ccc; }</style>",
    "</head>",
    "<body>",
    `<h1>${escapeHtml(title)}</h1>`,
    ...body,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

export interface ShowFigureOptions extends FigureHtmlOptions {
  page?: PlotlyPage;
  /** Also send the figure as application/vnd.plotly.v1+json (default true). */
  plotlyMime?: boolean;
  /** Where the terminal summary goes (default process.stdout). */
  stream?: TextOutput;
}

/**
 * Shows a figure: in a notebook, one output with the HTML (Plotly embedded once per page), the
 * Plotly JSON for frontends that render it natively, and a one-line text summary; elsewhere the
 * summary is printed (use `standaloneHtml` to look at charts outside a notebook).
 */
export function showFigure(figure: PlotlyFigure, options: ShowFigureOptions = {}): void {
  const summary = figureSummary(figure);
  const page = options.page ?? notebookPage();
  // Build the HTML only for a notebook: a terminal has no use for 11 MB of JavaScript.
  const bundle = (): Record<string, unknown> => ({
    "text/html": page.figureHtml(figure, options),
    ...(options.plotlyMime === false ? {} : { [PLOTLY_MIME]: figureToJson(figure) }),
    "text/plain": summary,
  });
  if (inNotebook() && displayBundle(bundle())) return;
  (options.stream ?? process.stdout).write(summary + "\n");
}
