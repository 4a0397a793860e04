/**
 * A self-contained HTML report of executed notebooks: prose rendered from markdown, code, and every
 * output (tables, Plotly charts, text). Opens offline in any browser: Plotly's bundle is embedded
 * once for the whole report.
 */
import MarkdownIt from "markdown-it";
import { dedupePlotlyBundles } from "../display/plotlyBundle";
import { escapeHtml } from "../display/html";
import { cellSource, type NotebookDocument } from "./runner";

const markdown = new MarkdownIt({ html: false, linkify: true });

const STYLE = `
body { font-family: -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
h1.report { border-bottom: 2px solid #ddd; padding-bottom: .3em; }
nav a { margin-right: 1em; }
section.notebook { margin-top: 3em; }
pre.code { background: #f6f8fa; border-left: 3px solid #4a90d9; padding: .6em .8em; overflow-x: auto; font-size: 13px; }
pre.stream { background: #fff; border-left: 3px solid #ccc; padding: .4em .8em; overflow-x: auto; font-size: 12px; }
pre.error { background: #fff0f0; border-left: 3px solid #d33; padding: .4em .8em; }
div.output { margin: .4em 0 1.2em; overflow-x: auto; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border: 1px solid #ddd; padding: 2px 6px; }
`;

/** One output as HTML: the richest representation the report can show. */
function outputHtml(output: Record<string, unknown>): string {
  switch (output.output_type) {
    case "stream":
      return `<pre class="stream">${escapeHtml(String(output.text ?? ""))}</pre>`;
    case "error":
      return `<pre class="error">${escapeHtml(((output.traceback as string[]) ?? []).join("\n"))}</pre>`;
    case "display_data":
    case "execute_result": {
      const data = (output.data ?? {}) as Record<string, unknown>;
      if (typeof data["text/html"] === "string")
        return `<div class="output">${data["text/html"]}</div>`;
      if (typeof data["image/png"] === "string") {
        return `<div class="output"><img src="data:image/png;base64,${data["image/png"]}"></div>`;
      }
      if (typeof data["text/plain"] === "string") {
        return `<pre class="stream">${escapeHtml(data["text/plain"])}</pre>`;
      }
      return "";
    }
    default:
      return "";
  }
}

function notebookHtml(title: string, anchor: string, doc: NotebookDocument): string {
  const parts = [
    `<section class="notebook" id="${anchor}"><h1 class="report">${escapeHtml(title)}</h1>`,
  ];
  for (const cell of doc.cells) {
    const source = cellSource(cell);
    if (cell.cell_type === "markdown") {
      parts.push(markdown.render(source));
    } else if (cell.cell_type === "code") {
      parts.push(`<pre class="code">${escapeHtml(source)}</pre>`);
      for (const output of (cell.outputs ?? []) as Record<string, unknown>[])
        parts.push(outputHtml(output));
    }
  }
  parts.push("</section>");
  return parts.join("\n");
}

/** The report of several executed notebooks, in order, as one HTML page. */
export function notebooksReportHtml(
  notebooks: { title: string; doc: NotebookDocument }[],
  generatedAt = new Date(),
): string {
  const anchors = notebooks.map((_, i) => `notebook-${i + 1}`);
  const sections = dedupePlotlyBundles(
    notebooks.map((nb, i) => notebookHtml(nb.title, anchors[i], nb.doc)),
  );
  const nav = notebooks
    .map((nb, i) => `<a href="#${anchors[i]}">${escapeHtml(nb.title)}</a>`)
    .join("");
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    "<title>SageMaker MLOps workshop — lab report</title>",
    `<style>${STYLE}</style></head><body>`,
    `<p>Lab report generated ${escapeHtml(generatedAt.toISOString())} by <code>npm run lab</code>.</p>`,
    `<nav>${nav}</nav>`,
    ...sections,
    "</body></html>",
  ].join("\n");
}
