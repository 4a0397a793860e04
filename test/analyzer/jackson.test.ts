import { formatJackson, formatJavaDouble, parseAnalyzerJson } from "../../helpers/analyzer";

describe("formatJavaDouble (Java Double.toString, spec §2)", () => {
  it.each([
    [103350, "103350.0"],
    [2048, "2048.0"],
    [0, "0.0"],
    [-0, "-0.0"],
    [1.4142135623731031, "1.4142135623731031"],
    [1.2e7, "1.2E7"],
    [9.9e-4, "9.9E-4"],
    [1e-4, "1.0E-4"],
    [1.23456789e8, "1.23456789E8"],
    [1e-3, "0.001"],
    [9999999.999, "9999999.999"],
    [1e7, "1.0E7"],
    [-2.5e-5, "-2.5E-5"],
    [1e23, "1.0E23"],
    [4.50015e8, "4.50015E8"],
    [3.3640191298478506e-5, "3.3640191298478506E-5"],
    [0.1, "0.1"],
    [-37.2, "-37.2"],
  ])("%p -> %s", (x, expected) => {
    expect(formatJavaDouble(x)).toBe(expected);
  });

  it("writes non-finite doubles as Jackson's quoted strings", () => {
    expect(formatJackson({ a: NaN, b: Infinity, c: -Infinity })).toBe(
      '{\n  "a" : "NaN",\n  "b" : "Infinity",\n  "c" : "-Infinity"\n}',
    );
  });
});

describe("formatJackson (Jackson default pretty printer)", () => {
  it("lays out objects, inline arrays, longs and doubles like the analyzer", () => {
    const text = formatJackson({
      version: 0,
      dataset: { item_count: 5n },
      features: [
        {
          name: "AGE",
          sketch: { parameters: { c: 0.64, k: 2048 }, data: [[23, 35, 41, 35, 52], [], [4]] },
        },
        { name: "B", empty: {}, list: [] },
      ],
    });
    expect(text).toBe(
      [
        "{",
        '  "version" : 0.0,',
        '  "dataset" : {',
        '    "item_count" : 5',
        "  },",
        '  "features" : [ {',
        '    "name" : "AGE",',
        '    "sketch" : {',
        '      "parameters" : {',
        '        "c" : 0.64,',
        '        "k" : 2048.0',
        "      },",
        '      "data" : [ [ 23.0, 35.0, 41.0, 35.0, 52.0 ], [ ], [ 4.0 ] ]',
        "    }",
        "  }, {",
        '    "name" : "B",',
        '    "empty" : { },',
        '    "list" : [ ]',
        "  } ]",
        "}",
      ].join("\n"),
    );
    // No trailing newline, and the output is ordinary JSON too.
    expect(text.endsWith("}")).toBe(true);
    expect(JSON.parse(text).features[0].sketch.data).toEqual([[23, 35, 41, 35, 52], [], [4]]);
  });

  it("escapes strings and skips undefined members", () => {
    expect(formatJackson({ s: 'a "q"\n\\', u: undefined, t: true, n: null })).toBe(
      '{\n  "s" : "a \\"q\\"\\n\\\\",\n  "t" : true,\n  "n" : null\n}',
    );
  });
});

describe("parseAnalyzerJson", () => {
  it("reads the Jackson style, compact JSON and bare NaN/Infinity", () => {
    expect(parseAnalyzerJson('{\n  "a" : 1.0E-4,\n  "b" : [ 1.0, 2.0 ]\n}')).toEqual({
      a: 1e-4,
      b: [1, 2],
    });
    expect(parseAnalyzerJson('{"a":1}')).toEqual({ a: 1 });
    expect(parseAnalyzerJson('{ "a" : NaN, "b" : -Infinity, "s" : "NaN inside" }')).toEqual({
      a: "NaN",
      b: "-Infinity",
      s: "NaN inside",
    });
    expect(() => parseAnalyzerJson("{ nope")).toThrow(/not valid JSON/);
  });
});
