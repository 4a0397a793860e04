import { dfd } from "../../helpers/dataset/danfo";
import { showTable, tableModel, tableToHtml, tableToText } from "../../helpers/display/table";
import { CapturedStream, withFakeNotebook } from "./fakeNotebook";

describe("tableToHtml", () => {
  it("escapes every cell, header and caption", () => {
    const html = tableToHtml(
      [{ "<b>col</b>": "<script>alert(1)</script>", other: `"quoted" & 'single'` }],
      { caption: "<i>caption</i>" },
    );
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;b&gt;col&lt;/b&gt;");
    expect(html).toContain("&quot;quoted&quot; &amp; &#39;single&#39;");
    expect(html).toContain("<caption>&lt;i&gt;caption&lt;/i&gt;</caption>");
  });

  it("shows the first rows and says how many are hidden", () => {
    const rows = Array.from({ length: 30000 }, (_v, i) => ({ id: i }));
    const html = tableToHtml(rows);
    expect((html.match(/<tr>/g) ?? []).length).toBe(21); // header + 20 rows
    expect(html).toContain("20 of 30,000 rows shown");
    const five = tableToHtml(rows, { maxRows: 5 });
    expect((five.match(/<tr>/g) ?? []).length).toBe(6);
    expect(five).toContain("5 of 30,000 rows shown");
    const all = tableToHtml(rows.slice(0, 3));
    expect(all).not.toContain("rows shown");
    expect(all).toContain("3 rows × 1 columns");
  });

  it("formats numbers readably and right-aligns numeric columns", () => {
    const html = tableToHtml([{ auc: 0.1 + 0.2, name: "a" }]);
    expect(html).toContain('<td style="text-align: right;">0.3</td>');
    expect(html).toContain("<td>a</td>");
    const withMissing = tableModel([{ x: 1 }, { x: null }, {}]);
    expect(withMissing.numeric).toEqual([true]);
    expect(withMissing.rows).toEqual([["1"], [""], [""]]);
    expect(tableModel([{ x: 1 }, { x: "a" }]).numeric).toEqual([false]);
    expect(tableToHtml([{ auc: 0.1 + 0.2 }], { fullPrecision: true })).toContain(
      "0.30000000000000004",
    );
  });
});

describe("tables from danfojs", () => {
  it("reads a DataFrame's columns and values", () => {
    const df = new dfd.DataFrame({ LIMIT_BAL: [20000, 120000], SEX: ["<2>", "1"] });
    const model = tableModel(df);
    expect(model.columns).toEqual(["LIMIT_BAL", "SEX"]);
    expect(model.rows).toEqual([
      ["20000", "<2>"],
      ["120000", "1"],
    ]);
    expect(model.index).toBeUndefined(); // 0, 1: the default index is not shown
    expect(tableToHtml(df)).toContain("&lt;2&gt;");
  });

  it("shows a non-default index, e.g. describe()'s statistic names", () => {
    const df = new dfd.DataFrame({ x: [1, 2, 3, 4] });
    const described = df.describe();
    const model = tableModel(described);
    expect(model.index?.slice(0, 2)).toEqual(["count", "mean"]);
    expect(model.rows[1]).toEqual(["2.5"]);
    expect(tableToHtml(described)).toContain("<th>mean</th>");
  });

  it("reads a Series as one column", () => {
    const df = new dfd.DataFrame({ a: [1.5, 2.25] });
    const model = tableModel(df["a"] as unknown as { columns: string[]; values: unknown[] });
    expect(model.columns).toEqual(["a"]);
    expect(model.rows).toEqual([["1.5"], ["2.25"]]);
  });
});

describe("tableToText", () => {
  it("aligns columns and notes hidden rows", () => {
    const text = tableToText(
      [
        { feature: "LIMIT_BAL", mean: 167484.32 },
        { feature: "AGE", mean: 35.4855 },
        { feature: "SEX", mean: 1.6 },
      ],
      { maxRows: 2 },
    );
    expect(text.split("\n")).toEqual([
      "feature       mean",
      "LIMIT_BAL   167484",
      "AGE        35.4855",
      "[2 of 3 rows shown; 3 rows × 2 columns]",
    ]);
  });
});

describe("showTable", () => {
  it("sends one output with text/html and a text/plain fallback in a notebook", async () => {
    await withFakeNotebook((outputs) => {
      showTable([{ a: "<script>" }]);
      expect(outputs).toHaveLength(1);
      const { message, update } = outputs[0];
      expect(update).toBe(false);
      expect(Object.keys(message.data).sort()).toEqual(["text/html", "text/plain"]);
      expect(message.data["text/html"]).toContain("&lt;script&gt;");
      expect(message.data["text/plain"]).toContain("<script>");
    });
  });

  it("prints the text table outside a notebook", () => {
    const stream = new CapturedStream();
    showTable([{ a: 1 }, { a: 2 }], { stream, maxRows: 1 });
    expect(stream.text).toBe("a\n1\n[1 of 2 rows shown; 2 rows × 1 columns]\n");
  });

  it("explains what it expects when given something else", () => {
    expect(() => tableModel(42 as never)).toThrow(/DataFrame or Series, or an array of records/);
    expect(() => tableModel([1] as never)).toThrow(/must be an object/);
    expect(() => tableModel([], { maxRows: -1 })).toThrow(/maxRows/);
  });
});
