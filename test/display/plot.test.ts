import * as vm from "node:vm";
import type { PlotlyFigure } from "../../helpers/display/figure";
import {
  PLOTLY_MIME,
  PlotlyPage,
  figureSummary,
  figureToHtml,
  figureToJson,
  notebookPage,
  resetPlotlyPage,
  showFigure,
  standaloneHtml,
} from "../../helpers/display/plot";
import {
  BUNDLE_MARKER,
  dedupePlotlyBundles,
  defaultBundleMode,
  plotlyBundleScript,
  plotlyVersion,
} from "../../helpers/display/plotlyBundle";
import { CapturedStream, withFakeNotebook } from "./fakeNotebook";

// Pages made without an explicit mode read WORKSHOP_PLOTLY_BUNDLE: keep an outer setting out.
const outerBundleMode = process.env.WORKSHOP_PLOTLY_BUNDLE;
beforeEach(() => {
  delete process.env.WORKSHOP_PLOTLY_BUNDLE;
});
afterAll(() => {
  if (outerBundleMode !== undefined) process.env.WORKSHOP_PLOTLY_BUNDLE = outerBundleMode;
});

/** A line of the bundle itself (its licence header), to count real copies, not markers. */
const BUNDLE_TEXT = `plotly.js v${plotlyVersion()}`;

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

function figure(name: string): PlotlyFigure {
  return {
    data: [{ type: "scatter", mode: "lines", name, x: [1, 2, 3], y: [3, 1, 2] }],
    layout: { title: { text: `${name} chart` } },
  };
}

/** The inline scripts of an HTML fragment (the figure's, not the bundle's). */
function figureScripts(html: string): string[] {
  return [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map(
    (m) => m[1],
  );
}

describe("the Plotly bundle", () => {
  it("is embedded exactly once across two figures on one page", () => {
    const page = new PlotlyPage({ bundle: "inline" });
    const first = page.figureHtml(figure("first"));
    const second = page.figureHtml(figure("second"));
    expect(count(first, BUNDLE_TEXT)).toBe(1);
    expect(count(first, BUNDLE_MARKER)).toBe(1);
    expect(count(second, BUNDLE_TEXT)).toBe(0);
    expect(count(second, BUNDLE_MARKER)).toBe(0);
    expect(second.length).toBeLessThan(5000);
    expect(page.bundleEmbedded).toBe(true);
    page.reset();
    expect(count(page.figureHtml(figure("third")), BUNDLE_TEXT)).toBe(1);
  });

  it("gives every figure its own div id", () => {
    const page = new PlotlyPage({ bundle: "none" });
    const ids = [figure("a"), figure("b"), figure("c")].map(
      (f) => /<div id="([^"]+)"/.exec(page.figureHtml(f))?.[1],
    );
    expect(new Set(ids).size).toBe(3);
    expect(page.figureHtml(figure("d"), { divId: "my-plot" })).toContain('<div id="my-plot"');
  });

  it("is valid JavaScript, guarded so a page that has Plotly skips it", () => {
    const script = plotlyBundleScript("inline");
    expect(script.startsWith(`<script type="text/javascript" ${BUNDLE_MARKER}>`)).toBe(true);
    const body = script.slice(script.indexOf(">") + 1, script.lastIndexOf("</script>"));
    expect(body).not.toMatch(/<\/script/i);
    const compiled = new vm.Script(body);
    // Plotly present: the guard skips the bundle (which would need a DOM to run).
    const existing = { marker: "existing" };
    const withPlotly: { Plotly?: unknown; window?: unknown } = { Plotly: existing };
    withPlotly.window = withPlotly;
    compiled.runInNewContext(withPlotly);
    expect(withPlotly.Plotly).toBe(existing);
    // No Plotly: the bundle runs (and, without a browser, stops at the first browser API).
    const empty: { window?: unknown; self?: unknown } = {};
    empty.window = empty;
    empty.self = empty;
    expect(() => compiled.runInNewContext(empty)).toThrow(/navigator|userAgent|not defined/);
  });

  it("can come from the CDN instead, or not at all", () => {
    const cdn = new PlotlyPage({ bundle: "cdn" }).figureHtml(figure("a"));
    expect(cdn).toContain(`https://cdn.plot.ly/plotly-${plotlyVersion()}.min.js`);
    expect(count(cdn, BUNDLE_TEXT)).toBe(0);
    const none = new PlotlyPage({ bundle: "none" }).figureHtml(figure("a"));
    expect(count(none, BUNDLE_MARKER)).toBe(0);
    expect(defaultBundleMode({ WORKSHOP_PLOTLY_BUNDLE: "cdn" })).toBe("cdn");
    expect(defaultBundleMode({})).toBe("inline");
    expect(() => defaultBundleMode({ WORKSHOP_PLOTLY_BUNDLE: "bogus" })).toThrow(
      /inline .*cdn .*none/,
    );
  });

  it("keeps one copy when fragments of several pages are joined", () => {
    const a = new PlotlyPage({ bundle: "inline" });
    const b = new PlotlyPage({ bundle: "inline" });
    const fragments = [
      a.figureHtml(figure("a1")),
      a.figureHtml(figure("a2")),
      b.figureHtml(figure("b1")),
    ];
    expect(count(fragments.join(""), BUNDLE_TEXT)).toBe(2);
    const joined = dedupePlotlyBundles(fragments);
    expect(count(joined.join(""), BUNDLE_TEXT)).toBe(1);
    expect(count(joined[0], BUNDLE_TEXT)).toBe(1);
    // The figures themselves stay.
    expect(joined.map((f) => figureScripts(f).length)).toEqual([1, 1, 1]);
  });
});

describe("figure HTML", () => {
  it("draws the figure once Plotly is there, waiting for it if needed", () => {
    const html = new PlotlyPage({ bundle: "none" }).figureHtml(figure("late"), { divId: "d1" });
    const [script] = figureScripts(html);
    const calls: unknown[][] = [];
    const timers: (() => void)[] = [];
    const div = { id: "d1", textContent: "Interactive chart: placeholder" };
    const sandbox: Record<string, unknown> = {
      document: { getElementById: (id: string) => (id === "d1" ? div : null) },
      setTimeout: (fn: () => void) => timers.push(fn),
    };
    sandbox.window = sandbox;
    vm.runInNewContext(script, sandbox);
    expect(calls).toHaveLength(0);
    expect(timers).toHaveLength(1); // waiting for Plotly
    sandbox.Plotly = { newPlot: (...args: unknown[]) => calls.push(args) };
    timers.shift()?.();
    expect(calls).toHaveLength(1);
    const [target, data, layout, config] = calls[0] as [
      unknown,
      { name: string }[],
      { title: { text: string } },
      { responsive: boolean },
    ];
    expect(target).toBe(div);
    expect(div.textContent).toBe(""); // the placeholder is gone
    expect(data[0].name).toBe("late");
    expect(layout.title.text).toBe("late chart");
    expect(config.responsive).toBe(true);
  });

  it("says so in the div when Plotly never loads", () => {
    const html = new PlotlyPage({ bundle: "none" }).figureHtml(figure("x"), { divId: "d2" });
    const div = { textContent: "" };
    const timers: (() => void)[] = [];
    const sandbox: Record<string, unknown> = {
      document: { getElementById: () => div },
      setTimeout: (fn: () => void) => timers.push(fn),
    };
    sandbox.window = sandbox;
    vm.runInNewContext(figureScripts(html)[0], sandbox);
    while (timers.length > 0) timers.shift()?.();
    expect(div.textContent).toMatch(/Plotly is not loaded on this page.*resetPlotlyPage/);
  });

  it("shows a placeholder naming the chart where scripts do not run", () => {
    const html = new PlotlyPage({ bundle: "none" }).figureHtml(figure("<b>label</b>"));
    const placeholder = /<div id="[^"]+"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? "";
    expect(placeholder).toContain("Interactive chart: &lt;b&gt;label&lt;/b&gt; chart.");
    expect(placeholder).toContain("trust the notebook");
  });

  it("cannot be broken out of by text in the figure", () => {
    const evil = figure("</script><script>alert(1)</script>");
    const html = new PlotlyPage({ bundle: "none" }).figureHtml(evil);
    expect(html).not.toContain("</script><script>alert(1)");
    expect(count(html, "</script>")).toBe(1);
    // The data still says what it said.
    const sandbox: Record<string, unknown> = {};
    const calls: { name: string }[][] = [];
    sandbox.window = sandbox;
    sandbox.document = { getElementById: () => ({}) };
    sandbox.Plotly = { newPlot: (_d: unknown, data: { name: string }[]) => calls.push(data) };
    vm.runInNewContext(figureScripts(html)[0], sandbox);
    expect(calls[0][0].name).toBe("</script><script>alert(1)</script>");
  });
});

describe("figureToJson", () => {
  it("turns typed arrays, dates and NaN into Plotly's JSON", () => {
    const json = figureToJson({
      data: [
        {
          type: "scatter",
          x: [new Date(Date.UTC(2026, 10, 23, 10))] as unknown as string[],
          y: Float32Array.from([0.5]) as unknown as number[],
        },
        { type: "scatter", x: [1, 2], y: [NaN, Infinity] },
      ],
      layout: { title: { text: "t" } },
    });
    expect(json.data[0]).toEqual({ type: "scatter", x: ["2026-11-23 10:00:00"], y: [0.5] });
    expect(json.data[1]).toEqual({ type: "scatter", x: [1, 2], y: [null, null] });
  });

  it("rejects what is not a figure", () => {
    expect(() => figureToJson({ data: 1 } as never)).toThrow(/\{ data: trace\[\], layout/);
    expect(() => figureToJson({ data: [], layout: { f: () => 1 } as never })).toThrow(
      /attribute "f" is a function/,
    );
  });
});

describe("standaloneHtml", () => {
  it("is one document with the bundle once, the figures in order and HTML blocks as given", () => {
    const html = standaloneHtml(
      [figure("figure-one"), { html: "<p>between</p>" }, figure("figure-two")],
      {
        title: "Report <1>",
      },
    );
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(count(html, BUNDLE_TEXT)).toBe(1);
    expect(html).toContain("<title>Report &lt;1&gt;</title>");
    const one = html.indexOf('"name":"figure-one"');
    const between = html.indexOf("<p>between</p>");
    const two = html.indexOf('"name":"figure-two"');
    expect(one).toBeGreaterThan(0);
    expect(between).toBeGreaterThan(one);
    expect(two).toBeGreaterThan(between);
  });
});

describe("showFigure", () => {
  const globals = globalThis as { __tslab__?: unknown };
  afterEach(() => {
    delete globals.__tslab__;
  });

  it("sends HTML, the Plotly JSON and a text summary; the bundle once per notebook", async () => {
    await withFakeNotebook((outputs) => {
      globals.__tslab__ = {}; // a notebook's executor, as tslab publishes it
      showFigure(figure("a"));
      showFigure(figure("b"));
      expect(outputs).toHaveLength(2);
      const [a, b] = outputs.map((o) => o.message.data);
      expect(Object.keys(a).sort()).toEqual([PLOTLY_MIME, "text/html", "text/plain"].sort());
      expect(count(a["text/html"] as string, BUNDLE_TEXT)).toBe(1);
      expect(count(b["text/html"] as string, BUNDLE_TEXT)).toBe(0);
      expect((b[PLOTLY_MIME] as PlotlyFigure).data[0].name).toBe("b");
      expect(b["text/plain"]).toBe("Figure: b chart — 1 trace: b (scatter, 3 points)");

      // The next notebook (a new executor) is a new page: it gets the bundle again.
      globals.__tslab__ = {};
      showFigure(figure("c"));
      expect(count(outputs[2].message.data["text/html"] as string, BUNDLE_TEXT)).toBe(1);

      // After a browser reload, resetPlotlyPage makes the next chart carry it again.
      showFigure(figure("d"));
      resetPlotlyPage();
      showFigure(figure("e"));
      expect(count(outputs[3].message.data["text/html"] as string, BUNDLE_TEXT)).toBe(0);
      expect(count(outputs[4].message.data["text/html"] as string, BUNDLE_TEXT)).toBe(1);
      expect(notebookPage().bundleEmbedded).toBe(true);
    });
  });

  it("prints the summary outside a notebook, and figureToHtml uses the notebook's page", () => {
    const stream = new CapturedStream();
    showFigure(figure("terminal"), { stream });
    expect(stream.text).toBe("Figure: terminal chart — 1 trace: terminal (scatter, 3 points)\n");
    globals.__tslab__ = {};
    expect(count(figureToHtml(figure("x")), BUNDLE_TEXT)).toBe(1);
    expect(count(figureToHtml(figure("y")), BUNDLE_TEXT)).toBe(0);
  });

  it("summarises every trace type", () => {
    expect(
      figureSummary({
        data: [
          {
            type: "heatmap",
            z: [
              [1, 2],
              [3, 4],
            ],
            x: ["a", "b"],
            y: ["a", "b"],
          },
          { type: "splom", dimensions: [{ label: "a", values: [1, 2, 3] }] },
          { type: "bar", x: ["only"], y: [1] },
        ],
        layout: {},
      }),
    ).toBe(
      "Figure: (untitled) — 3 traces: trace 0 (heatmap, 4 points), trace 1 (splom, 3 points), trace 2 (bar, 1 point)",
    );
  });
});
