/**
 * A standalone HTML page that draws one Plotly figure at a fixed size with the local
 * plotly.js-dist bundle (referenced by file URL, not inlined, so each page stays tiny).
 */
import { pathToFileURL } from "node:url";
import type { PlotlyFigureJson } from "./figures";

export function figurePage(
  figure: PlotlyFigureJson,
  size: { width: number; height: number },
  plotlyBundle: string,
): string {
  const layout = { ...figure.layout, width: size.width, height: size.height, autosize: false };
  // "<" escaped so that a title containing "</script>" cannot end the script early.
  const json = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");
  return `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<style>html, body { margin: 0; padding: 0; background: #fff; overflow: hidden; }</style>
<script src="${pathToFileURL(plotlyBundle).href}"></script>
</head>
<body>
<div id="chart" style="width: ${size.width}px; height: ${size.height}px;"></div>
<script>
Plotly.newPlot("chart", ${json(figure.data)}, ${json(layout)}, { staticPlot: true, displayModeBar: false });
</script>
</body>
</html>
`;
}
