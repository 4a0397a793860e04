import * as path from "node:path";
import {
  jsonToRows,
  parseCaptureLine,
  parseCsvText,
  profileCapture,
  toStatistics,
} from "../../helpers/analyzer";

const FIXTURE = path.join(__dirname, "../fixtures/analyzer/capture-hour.jsonl");
const NAMES = ["score", "id", "limit", "sex"];

function record(captureData: object, time = "2024-03-05T14:07:09Z"): string {
  return JSON.stringify({
    captureData,
    eventMetadata: { eventId: "x", inferenceTime: time },
    eventVersion: "0",
  });
}

describe("capture records -> rows (spec §1, §5)", () => {
  it("puts output columns first, then input columns", () => {
    const r = parseCaptureLine(
      record({
        endpointInput: {
          observedContentType: "text/csv",
          mode: "INPUT",
          data: "0.12,-0.41,20000",
          encoding: "CSV",
        },
        endpointOutput: {
          observedContentType: "text/csv",
          mode: "OUTPUT",
          data: "0.2731482684612274",
          encoding: "CSV",
        },
      }),
    );
    expect(r).toEqual({
      kind: "rows",
      rows: [["0.2731482684612274", "0.12", "-0.41", "20000"]],
      invalidUtf8: false,
    });
  });

  it("decodes JSON and BASE64 payloads", () => {
    const r = parseCaptureLine(
      record({
        endpointInput: {
          observedContentType: "application/json",
          mode: "INPUT",
          data: JSON.stringify({
            instances: [
              [1, 2],
              [3, 4],
            ],
          }),
          encoding: "JSON",
        },
        endpointOutput: {
          observedContentType: "application/x-custom",
          mode: "OUTPUT",
          data: Buffer.from("0.1\n0.2").toString("base64"),
          encoding: "BASE64",
        },
      }),
    );
    expect(r).toEqual({
      kind: "rows",
      rows: [
        ["0.1", "1", "2"],
        ["0.2", "3", "4"],
      ],
      invalidUtf8: false,
    });
    expect(jsonToRows({ predictions: [{ score: 0.4 }, { score: 0.45 }] })).toEqual([
      ["0.4"],
      ["0.45"],
    ]);
    expect(jsonToRows([1, null, true, "x"])).toEqual([["1", null, "true", "x"]]);
    // Number text survives decoding, so 1.0 stays Fractional and 1e-7 is not rewritten.
    const typed = parseCaptureLine(
      record({
        endpointOutput: {
          data: '{"predictions": [{"score": 1.0}, {"score": 1e-7}, {"score": "2.50"}]}',
          encoding: "JSON",
        },
      }),
    );
    expect(typed).toMatchObject({ kind: "rows", rows: [["1.0"], ["1e-7"], ["2.50"]] });
  });

  it("splits one comma-joined output line across input rows (older XGBoost)", () => {
    const r = parseCaptureLine(
      record({
        endpointInput: { data: "1,2\n3,4", encoding: "CSV" },
        endpointOutput: { data: "0.3,0.4", encoding: "CSV" },
      }),
    );
    expect(r).toEqual({
      kind: "rows",
      rows: [
        ["0.3", "1", "2"],
        ["0.4", "3", "4"],
      ],
      invalidUtf8: false,
    });
  });

  it("rejects records it cannot pair or decode, with a reason", () => {
    expect(parseCaptureLine("{nope")).toEqual({ kind: "skip", reason: "line is not valid JSON" });
    expect(parseCaptureLine("[1]")).toEqual({ kind: "skip", reason: "record has no captureData" });
    expect(
      parseCaptureLine(
        record({
          endpointInput: { data: "1\n2\n3", encoding: "CSV" },
          endpointOutput: { data: "1\n2", encoding: "CSV" },
        }),
      ),
    ).toEqual({
      kind: "skip",
      reason: "output and input row counts differ",
      detail: "2 output row(s) for 3 input row(s)",
    });
    const bad = parseCaptureLine(record({ endpointInput: { data: "x", encoding: "GZIP" } }));
    expect(bad).toMatchObject({ kind: "skip", reason: "payload cannot be decoded" });
    const badJson = parseCaptureLine(record({ endpointInput: { data: "{", encoding: "JSON" } }));
    expect(badJson).toMatchObject({
      kind: "skip",
      detail: expect.stringMatching(/not valid JSON/),
    });
  });

  it("filters by inferenceTime on [start, end)", () => {
    const w = { start: new Date("2024-03-05T14:00:00Z"), end: new Date("2024-03-05T15:00:00Z") };
    const line = (t: string) => record({ endpointInput: { data: "1", encoding: "CSV" } }, t);
    expect(parseCaptureLine(line("2024-03-05T14:00:00Z"), w).kind).toBe("rows");
    expect(parseCaptureLine(line("2024-03-05T15:00:00Z"), w).kind).toBe("outside");
    expect(parseCaptureLine(line("2024-03-05T13:59:59Z"), w).kind).toBe("outside");
    expect(parseCaptureLine(JSON.stringify({ captureData: {} }), w)).toMatchObject({
      reason: "record has no valid eventMetadata.inferenceTime",
    });
  });

  it("parses RFC 4180 text", () => {
    expect(parseCsvText('a,"b,""c"""\n\n,x\r\n')).toEqual([
      ["a", 'b,"c"'],
      [null, "x"],
    ]);
  });
});

describe("profileCapture", () => {
  it("profiles an hour of capture, counting and reporting every skipped line", async () => {
    const logs: string[] = [];
    const p = await profileCapture(FIXTURE, {
      featureNames: NAMES,
      start: new Date("2024-03-05T14:00:00Z"),
      end: new Date("2024-03-05T15:00:00Z"),
      log: (l) => logs.push(l),
    });
    const s = toStatistics(p);
    expect(s.dataset.item_count).toBe(7);
    expect(s.features.map((f) => [f.name, f.inferred_type])).toEqual([
      ["score", "Fractional"],
      ["id", "Integral"],
      ["limit", "Integral"],
      ["sex", "Integral"],
    ]);
    expect(s.features[0].numerical_statistics!.sum).toBeCloseTo(2.5, 12);
    expect(s.features[1].numerical_statistics!.max).toBe(7);
    expect(p.report.outsideWindow).toBe(2);
    expect(p.skipped).toEqual({
      records: 3,
      reasons: { "line is not valid JSON": 2, "output and input row counts differ": 1 },
    });
    expect(p.report.skippedRecords).toBe(3);
    expect(p.report.skipReasons).toEqual({
      "line is not valid JSON": 2, // garbage line + truncated last line
      "output and input row counts differ": 1,
    });
    expect(p.report.examples[0]).toMatch(/capture-hour.jsonl line 6: line is not valid JSON/);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^analyzer: skipped 3 record\(s\)/);
  });

  it("extra input columns become _c{i} columns; invalid UTF-8 lines are counted", async () => {
    const lines = [
      record({ endpointInput: { data: "1,2,3", encoding: "CSV" } }),
      Buffer.concat([
        Buffer.from(record({ endpointInput: { data: "4,5,x", encoding: "CSV" } }).slice(0, -1)),
        Buffer.from([0xff]),
        Buffer.from("}"),
      ]),
    ];
    const content = Buffer.concat([Buffer.from(lines[0] + "\n"), lines[1] as Buffer]);
    const p = await profileCapture({ content }, { featureNames: ["a"], log: null });
    expect(p.names).toEqual(["a", "_c1", "_c2"]);
    expect(p.report.longRows).toBe(1);
    expect(p.report.invalidUtf8).toBe(1);
  });
});
