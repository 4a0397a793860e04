/**
 * The plotly.js bundle as a `<script>` for notebook outputs and reports.
 *
 * Trade-off, stated once: plotly.js-dist 3.x ships one unminified bundle of about 11 MB (the
 * minified build, ~4.6 MB, is the separate plotly.js-dist-min package). Inlining it makes an
 * output that renders offline, in JupyterLab, the classic notebook, exported HTML and a report
 * opened from disk, with no network — the workshop's local mode promises exactly that. So the
 * bundle goes into the first figure output of a page only (`PlotlyPage`, plot.ts) and later
 * figures carry just their JSON: an executed notebook grows by one bundle, not one per chart.
 * Where outputs must stay small and viewers have internet, `bundle: "cdn"` (or the environment
 * variable WORKSHOP_PLOTLY_BUNDLE=cdn) loads the same version from cdn.plot.ly instead, and
 * "none" assumes the page already has Plotly.
 */
import * as fs from "node:fs";
import { scriptForInlining } from "./html";

export type PlotlyBundleMode = "inline" | "cdn" | "none";

const MODES: PlotlyBundleMode[] = ["inline", "cdn", "none"];

/** Marks the bundle's script element, so a report that joins several pages can keep one copy. */
export const BUNDLE_MARKER = 'data-workshop-plotly="bundle"';

/** The bundle mode from WORKSHOP_PLOTLY_BUNDLE, or "inline". */
export function defaultBundleMode(env: NodeJS.ProcessEnv = process.env): PlotlyBundleMode {
  const value = env.WORKSHOP_PLOTLY_BUNDLE;
  if (value === undefined || value === "") return "inline";
  if ((MODES as string[]).includes(value)) return value as PlotlyBundleMode;
  throw new Error(
    `WORKSHOP_PLOTLY_BUNDLE=${value} is not a bundle mode: use inline (offline, ~11 MB once per ` +
      `notebook), cdn (small outputs, viewers need internet) or none`,
  );
}

export function plotlyBundlePath(): string {
  try {
    return require.resolve("plotly.js-dist");
  } catch {
    throw new Error(
      "plotly.js-dist is not installed: run `npm install` in the project folder (it is a dependency in package.json)",
    );
  }
}

export function plotlyVersion(): string {
  const pkg = JSON.parse(
    fs.readFileSync(require.resolve("plotly.js-dist/package.json"), "utf8"),
  ) as { version: string };
  return pkg.version;
}

let inlineScript: string | undefined;

/**
 * A `<script>` element that defines `window.Plotly` unless the page already has it. The guard
 * matters when two notebooks' outputs end up on one page (a combined report) or a cell re-runs.
 */
export function plotlyBundleScript(mode: PlotlyBundleMode): string {
  if (mode === "none") return "";
  if (mode === "cdn") {
    // A script element added from script loads asynchronously; figure scripts wait for Plotly.
    const url = `https://cdn.plot.ly/plotly-${plotlyVersion()}.min.js`;
    return (
      `<script type="text/javascript" ${BUNDLE_MARKER}>` +
      `if (!window.Plotly && !document.getElementById("workshop-plotly-cdn")) {` +
      `var s = document.createElement("script"); s.id = "workshop-plotly-cdn"; s.charset = "utf-8";` +
      `s.src = ${JSON.stringify(url)}; document.head.appendChild(s); }</script>`
    );
  }
  if (inlineScript === undefined) {
    const source = fs.readFileSync(plotlyBundlePath(), "utf8");
    // The bundle's UMD wrapper ends with `window.Plotly = Plotly` (module is undefined in pages).
    inlineScript =
      `<script type="text/javascript" ${BUNDLE_MARKER}>\nif (!window.Plotly) {\n` +
      scriptForInlining(source) +
      `\n}\n</script>`;
  }
  return inlineScript;
}

const BUNDLE_ELEMENT = new RegExp(`<script[^>]*${BUNDLE_MARKER}[^>]*>[\\s\\S]*?</script>`, "g");

/**
 * Joins HTML fragments from several pages (e.g. both notebooks' outputs in one report) keeping
 * only the first Plotly bundle: later ones would be skipped by their guard anyway, but still
 * weigh megabytes each.
 */
export function dedupePlotlyBundles(fragments: string[]): string[] {
  let kept = false;
  return fragments.map((fragment) =>
    fragment.replace(BUNDLE_ELEMENT, (element) => {
      if (kept) return "";
      kept = true;
      return element;
    }),
  );
}
