/**
 * The image script's pure parts (no Chromium needed): Plotly figures found in executed notebooks
 * by title, and the chart list naming figures the labs really draw.
 */
import type { NotebookDocument } from "../../helpers/notebook/runner";
import { README_CHARTS } from "../../scripts/images/charts";
import { figureByTitle, PLOTLY_MIME, plotlyFigures } from "../../scripts/images/figures";
import { figurePage } from "../../scripts/images/page";

function notebookWith(titles: Array<string | undefined>): NotebookDocument {
  return {
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
    cells: [
      { cell_type: "markdown", source: "# text", metadata: {} },
      {
        cell_type: "code",
        source: "showFigure(...)",
        metadata: {},
        outputs: [
          { output_type: "stream", name: "stdout", text: "ROC curve (AUC = 0.7)\n" },
          ...titles.map((text) => ({
            output_type: "display_data",
            metadata: {},
            data: {
              "text/plain": `Figure: ${text}`,
              [PLOTLY_MIME]: { data: [{ type: "bar" }], layout: text ? { title: { text } } : {} },
            },
          })),
        ],
      },
    ],
  };
}

describe("figures in executed notebooks", () => {
  const figures = plotlyFigures([
    { name: "01.ipynb", doc: notebookWith(["Label balance (30,000 rows)", undefined]) },
    { name: "02.ipynb", doc: notebookWith(["ROC curve (AUC = 0.785)"]) },
  ]);

  it("finds every Plotly output, titled or not, and only those", () => {
    expect(figures.map((f) => [f.title, f.source])).toEqual([
      ["Label balance (30,000 rows)", "01.ipynb"],
      ["", "01.ipynb"],
      ["ROC curve (AUC = 0.785)", "02.ipynb"],
    ]);
  });

  it("picks a figure by the start of its title, and lists what exists when none matches", () => {
    expect(figureByTitle(figures, "ROC curve").source).toBe("02.ipynb");
    expect(() => figureByTitle(figures, "Learning curve")).toThrow(
      /no figure titled "Learning curve\.\.\."[\s\S]*run `npm run lab` first[\s\S]*- Label balance \(30,000 rows\) \[01\.ipynb\]/,
    );
  });

  it("names distinct files for distinct figures", () => {
    const files = README_CHARTS.map((c) => c.file);
    expect(new Set(files).size).toBe(files.length);
    expect(files.every((f) => /^[a-z-]+\.png$/.test(f))).toBe(true);
    expect(README_CHARTS.map((c) => c.titlePrefix)).toContain("Learning curve");
  });
});

describe("figure page", () => {
  it("draws at a fixed size with the local bundle and cannot be cut short by a title", () => {
    const html = figurePage(
      {
        data: [{ type: "bar", y: [1] }],
        layout: { title: { text: "a </script> b" }, height: 480 },
      },
      { width: 1000, height: 480 },
      "/opt/plotly.js",
    );
    expect(html).toContain('<script src="file:///opt/plotly.js"></script>');
    expect(html).toContain('"height":480,"width":1000,"autosize":false');
    expect(html).not.toContain("a </script> b");
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });
});
