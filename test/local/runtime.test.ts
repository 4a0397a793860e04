/**
 * The endpoint runtime's pure parts: Python float formatting, the XGBoost container's request
 * parsing and answer encoding (model-monitor-formats.md §11), capture records and object keys
 * byte for byte against the spec's examples (§1.3, §1.4), and the weighted variant choice.
 */
import { seededRandom } from "../../helpers/random";
import {
  captureEncoding,
  captureObjectKey,
  captureRecordLine,
} from "../../helpers/local/runtime/capture/record";
import { CAPTURE_SETTINGS } from "./runtime.fixtures";
import {
  ContainerError,
  encodePredictions,
  parseCsvRows,
  parseLibsvmRows,
  responseType,
  serveInvocation,
} from "../../helpers/local/runtime/container";
import type { Deployment } from "../../helpers/local/runtime/hosts";
import { chooseVariant } from "../../helpers/local/runtime/invoke";
import { pythonFloatRepr, pythonJsonFloat } from "../../helpers/local/runtime/pythonFloat";
import type { ServedModel } from "../../helpers/local/runtime/xgboostModel";
import {
  captureSettings,
  captureSummary,
  parseDestination,
} from "../../helpers/local/sagemaker/endpoints/captureConfig";

describe("pythonFloatRepr", () => {
  test.each([
    [0.5, "0.5"],
    [1, "1.0"],
    [0, "0.0"],
    [-0, "-0.0"],
    [1234.5, "1234.5"],
    [0.0001, "0.0001"],
    [0.00012, "0.00012"],
    [-0.00012, "-0.00012"],
    [0.00001, "1e-05"],
    [5.2e-5, "5.2e-05"],
    [1.5e-7, "1.5e-07"],
    [1e-10, "1e-10"],
    [1e15, "1000000000000000.0"],
    [1e16, "1e+16"],
    [123456789012345680, "1.2345678901234568e+17"],
    [2.5e-300, "2.5e-300"],
    // Either side of the positional range's edges (printed by Python 3 here).
    [0.00009999999999999999, "9.999999999999999e-05"],
    [-0.0001, "-0.0001"],
    [0.00030000000000000003, "0.00030000000000000003"],
    [9999999999999998, "9999999999999998.0"],
    [-1234, "-1234.0"],
    [0.30000000000000004, "0.30000000000000004"],
    [0.9999999403953552, "0.9999999403953552"],
    [3.4028234663852886e38, "3.4028234663852886e+38"],
    [1.401298464324817e-45, "1.401298464324817e-45"],
    [5e-324, "5e-324"],
    [NaN, "nan"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
  ])("%p -> %s", (value, expected) => {
    expect(pythonFloatRepr(value)).toBe(expected);
  });

  test("float32 predictions widened to double keep their 17 significant digits", () => {
    // The spec's example answers (§11) are float32 values printed by Python.
    expect(pythonFloatRepr(Math.fround(0.43861907720565796))).toBe("0.43861907720565796");
    expect(pythonFloatRepr(Math.fround(0.4533972144126892))).toBe("0.4533972144126892");
    expect(pythonFloatRepr(Math.fround(0.036397725343704224))).toBe("0.036397725343704224");
    expect(pythonFloatRepr(Math.fround(5.2e-5))).toBe("5.199999941396527e-05");
  });

  test("json.dumps spells non-finite values like JavaScript", () => {
    expect(pythonJsonFloat(NaN)).toBe("NaN");
    expect(pythonJsonFloat(-Infinity)).toBe("-Infinity");
    expect(pythonJsonFloat(0.25)).toBe("0.25");
  });
});

/** A model whose prediction is the sum of a row's present values (enough to test the plumbing). */
const sumModel: ServedModel = {
  numFeatures: 3,
  objective: "binary:logistic",
  predict(values, nrow, ncol) {
    const out = new Float64Array(nrow);
    for (let r = 0; r < nrow; r++) {
      for (let c = 0; c < ncol; c++) {
        const v = values[r * ncol + c];
        if (!Number.isNaN(v)) out[r] += v;
      }
    }
    return out;
  },
};

function containerError(run: () => unknown): ContainerError {
  try {
    run();
  } catch (error) {
    if (error instanceof ContainerError) return error;
    throw error;
  }
  throw new Error("expected a ContainerError");
}

describe("XGBoost container requests", () => {
  test("CSV rows: CRLF, blank lines, missing fields, float32 values, sniffed delimiter", () => {
    const rows = parseCsvRows("0.1,,3\r\n\r\n-2e3,inf,NaN\n", 3);
    expect(rows.nrow).toBe(2);
    expect(Array.from(rows.values)).toEqual([Math.fround(0.1), NaN, 3, -2000, Infinity, NaN]);
    const tabs = parseCsvRows("1\t2\t3", 3);
    expect(Array.from(tabs.values)).toEqual([1, 2, 3]);
  });

  test("wrong column counts say which row, what was found and what is expected", () => {
    const error = containerError(() => parseCsvRows("1,2,3\n1,2,3\n1,2,3,4", 3));
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      "Number of columns does not match number of features in booster: row 3 has 4 columns, the " +
        "model expects 3. Send only the features, in training order, without the label column and without a header.",
    );
    expect(containerError(() => parseCsvRows("1,2", 3)).message).toContain(
      "row 1 has 2 columns, the model expects 3",
    );
  });

  test("values Python's float() refuses are errors with row and column", () => {
    for (const bad of ["abc", "0x10", "1 5", "1e", "--1"]) {
      const error = containerError(() => parseCsvRows(`1;${bad};3`.replace(/;/g, "|"), 3));
      expect(error.status).toBe(400);
      expect(error.message).toContain(
        `could not convert string to float: '${bad}' (row 1, column 2)`,
      );
    }
  });

  test("libsvm rows: optional label, absent features are missing", () => {
    const rows = parseLibsvmRows("1 0:0.5 2:7\n1:3", 3);
    expect(Array.from(rows.values)).toEqual([0.5, NaN, 7, NaN, 3, NaN]);
    expect(containerError(() => parseLibsvmRows("0:1 5:2", 3)).message).toContain(
      "row 1 has 6 columns",
    );
  });

  test("Accept and Content-Type outside the container's lists get 406 and 415", () => {
    expect(responseType(undefined)).toBe("text/csv");
    expect(responseType("*/*")).toBe("text/csv");
    expect(responseType("Application/JSON; verbose=True")).toBe("application/json");
    expect(containerError(() => responseType("text/html")).status).toBe(406);
    const json = containerError(() =>
      serveInvocation(
        sumModel,
        Buffer.from('{"instances":[[1,2,3]]}'),
        "application/json",
        undefined,
      ),
    );
    expect(json.status).toBe(415);
    expect(json.message).toContain(
      "Content type application/json is not supported by the XGBoost container",
    );
    const protobuf = containerError(() =>
      serveInvocation(sumModel, Buffer.from("x"), "application/x-recordio-protobuf", undefined),
    );
    expect(protobuf.message).toContain("not by the local emulator");
  });

  test("answers: CSV one value per line, JSON with Python's spacing, JSON Lines", () => {
    const answer = serveInvocation(
      sumModel,
      Buffer.from("0.25,0.25,0\n1,,2"),
      "text/csv",
      undefined,
    );
    expect(answer).toEqual({
      body: Buffer.from("0.5\n3.0\n"),
      contentType: "text/csv; charset=utf-8",
    });
    expect(encodePredictions([0.43861907720565796, 5.2e-5], "application/json")).toEqual({
      body: Buffer.from('{"predictions": [{"score": 0.43861907720565796}, {"score": 5.2e-05}]}'),
      contentType: "application/json",
    });
    expect(encodePredictions([0.5, 1], "application/jsonlines").body.toString()).toBe(
      '{"score": 0.5}\n{"score": 1.0}\n',
    );
    expect(serveInvocation(sumModel, Buffer.alloc(0), "text/csv", "application/json")).toEqual({
      body: Buffer.alloc(0),
      contentType: "application/json",
    });
  });

  test("each invocation predicts from its own rows only (the values buffer is reused)", () => {
    const seen: number[][] = [];
    const recording: ServedModel = {
      ...sumModel,
      predict(values, nrow, ncol) {
        seen.push(Array.from(values));
        expect(values.length).toBe(nrow * ncol);
        return sumModel.predict(values, nrow, ncol);
      },
    };
    const csv = (text: string) =>
      serveInvocation(recording, Buffer.from(text), "text/csv", undefined).body.toString();
    expect(csv("1,2,3\n4,5,6\n7,8,9\n")).toBe("6.0\n15.0\n24.0\n");
    expect(csv("1,1,1")).toBe("3.0\n");
    // Read by the byte path up to the bad field, then by the text path, which refuses it.
    expect(containerError(() => csv("2,2,2\n9,9,x")).status).toBe(400);
    expect(csv("0.5,0,0")).toBe("0.5\n");
    // More values than the reused buffer holds: an array of their own.
    const many = Array.from({ length: 2000 }, (_, r) => `${r},1,0`).join("\n");
    expect(csv(many)).toBe(Array.from({ length: 2000 }, (_, r) => `${r + 1}.0\n`).join(""));
    expect(csv("1,2,3")).toBe("6.0\n");
    expect(seen.map((values) => values.length)).toEqual([9, 3, 3, 6000, 3]);
    expect(seen[1]).toEqual([1, 1, 1]);
    expect(seen[2]).toEqual([0.5, 0, 0]);
    expect(seen[4]).toEqual([1, 2, 3]);
  });
});

const SETTINGS = CAPTURE_SETTINGS;

describe("capture records", () => {
  test("the spec's example record, byte for byte", () => {
    const line = captureRecordLine(
      {
        input: { body: Buffer.from("0.12,-0.41,20000,2,2,1,24"), contentType: "text/csv" },
        output: { body: Buffer.from("0.2731482684612274"), contentType: "text/csv; charset=utf-8" },
        inferenceId: "row-17",
        time: new Date("2024-03-05T14:07:09.062Z"),
      },
      SETTINGS,
      "3f2a9c1e-5b7d-4e08-9a61-2d4c8b0f7e15",
    );
    expect(line).toBe(
      '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"0.12,-0.41,20000,2,2,1,24","encoding":"CSV"},"endpointOutput":{"observedContentType":"text/csv; charset=utf-8","mode":"OUTPUT","data":"0.2731482684612274","encoding":"CSV"}},"eventMetadata":{"eventId":"3f2a9c1e-5b7d-4e08-9a61-2d4c8b0f7e15","inferenceId":"row-17","inferenceTime":"2024-03-05T14:07:09Z"},"eventVersion":"0"}',
    );
  });

  test("JSON payloads are escaped once, others base64; Output-only; custom attributes last", () => {
    const line = captureRecordLine(
      {
        input: { body: Buffer.from([0, 255, 1]), contentType: undefined },
        output: {
          body: Buffer.from('{"predictions": [{"score": 0.5}]}'),
          contentType: "APPLICATION/json",
        },
        customAttributes: "trace=1",
        time: new Date("2024-03-05T23:59:59.999Z"),
      },
      { ...SETTINGS, captureInput: false },
      "00000000-0000-4000-8000-000000000000",
    );
    expect(line).toBe(
      '{"captureData":{"endpointOutput":{"observedContentType":"APPLICATION/json","mode":"OUTPUT","data":"{\\"predictions\\": [{\\"score\\": 0.5}]}","encoding":"JSON"}},"eventMetadata":{"eventId":"00000000-0000-4000-8000-000000000000","inferenceTime":"2024-03-05T23:59:59Z","customAttributes":["trace=1"]},"eventVersion":"0"}',
    );
    const both = JSON.parse(
      captureRecordLine(
        {
          input: { body: Buffer.from([0, 255, 1]), contentType: undefined },
          output: { body: Buffer.from("x"), contentType: "image/png" },
          time: new Date(0),
        },
        SETTINGS,
      ),
    );
    expect(both.captureData.endpointInput).toEqual({
      observedContentType: null,
      mode: "INPUT",
      data: "AP8B",
      encoding: "BASE64",
    });
    expect(both.captureData.endpointOutput.encoding).toBe("BASE64");
  });

  test("content types match on the media type before ';', case-insensitively", () => {
    expect(captureEncoding("Text/CSV ; charset=utf-8", SETTINGS)).toBe("CSV");
    expect(captureEncoding("application/json;x=1", SETTINGS)).toBe("JSON");
    expect(captureEncoding("text/csvx", SETTINGS)).toBe("BASE64");
    expect(captureEncoding(undefined, SETTINGS)).toBe("BASE64");
  });

  test("object keys follow the spec's layout", () => {
    expect(
      captureObjectKey(
        "datacapture",
        "cc-endpoint",
        "AllTraffic",
        new Date("2024-03-05T14:07:09.062Z"),
        "8b1d2f4e-0c3a-4f57-b6a2-91e7d3c5a0b8",
      ),
    ).toBe(
      "datacapture/cc-endpoint/AllTraffic/2024/03/05/14/07-09-062-8b1d2f4e-0c3a-4f57-b6a2-91e7d3c5a0b8.jsonl",
    );
    expect(captureObjectKey("", "e", "v", new Date("2024-12-31T00:00:00.005Z"), "u")).toBe(
      "e/v/2024/12/31/00/00-00-005-u.jsonl",
    );
  });

  test("DataCaptureConfig resolves to capture settings (modes, lists, destination forms)", () => {
    expect(
      captureSettings({
        InitialSamplingPercentage: 25,
        DestinationS3Uri: "s3://bucket/a/b/",
        CaptureOptions: [{ CaptureMode: "InputAndOutput" }],
        CaptureContentTypeHeader: { CsvContentTypes: ["Text/CSV"] },
      }),
    ).toEqual({
      enabled: true,
      samplingPercentage: 25,
      bucket: "bucket",
      prefix: "a/b",
      captureInput: true,
      captureOutput: true,
      csvContentTypes: ["text/csv"],
      jsonContentTypes: [],
    });
    expect(parseDestination("https://my-bucket.s3.us-west-2.amazonaws.com/capture")).toEqual({
      bucket: "my-bucket",
      prefix: "capture",
    });
    expect(parseDestination("https://s3.amazonaws.com/my-bucket/x/y")).toEqual({
      bucket: "my-bucket",
      prefix: "x/y",
    });
    expect(parseDestination("s3://only-bucket")).toEqual({ bucket: "only-bucket", prefix: "" });
    expect(() => parseDestination("https://example.com/x")).toThrow("is not an S3 location");
  });

  test("DescribeEndpoint's summary: EnableCapture false is CaptureStatus Stopped", () => {
    const config = {
      EnableCapture: false,
      InitialSamplingPercentage: 10,
      DestinationS3Uri: "s3://b/p",
      KmsKeyId: "alias/capture",
      CaptureOptions: [{ CaptureMode: "Input" as const }],
    };
    expect(captureSummary(config)).toEqual({
      EnableCapture: false,
      CaptureStatus: "Stopped",
      CurrentSamplingPercentage: 10,
      DestinationS3Uri: "s3://b/p",
      KmsKeyId: "alias/capture",
    });
    expect(captureSettings(config)).toMatchObject({ enabled: false, captureOutput: false });
    expect(captureSummary({ ...config, EnableCapture: undefined }).CaptureStatus).toBe("Started");
  });
});

describe("variant choice", () => {
  const deployment: Deployment = {
    endpointName: "e",
    configName: "c",
    variants: [
      { variantName: "A", modelName: "m", model: sumModel, weight: 1, instanceCount: 1 },
      { variantName: "B", modelName: "m", model: sumModel, weight: 3, instanceCount: 1 },
      { variantName: "Off", modelName: "m", model: sumModel, weight: 0, instanceCount: 1 },
    ],
  };

  test("traffic follows the weights; a zero weight gets none", () => {
    const random = seededRandom(5);
    const counts: Record<string, number> = { A: 0, B: 0, Off: 0 };
    for (let i = 0; i < 4000; i++)
      counts[chooseVariant(deployment, undefined, random).variantName]++;
    expect(counts.Off).toBe(0);
    expect(counts.A / 4000).toBeGreaterThan(0.22);
    expect(counts.A / 4000).toBeLessThan(0.28);
  });

  test("TargetVariant wins, even over a zero weight; unknown names and all-zero weights fail", () => {
    expect(chooseVariant(deployment, "Off", () => 0.5).variantName).toBe("Off");
    expect(() => chooseVariant(deployment, "C", () => 0.5)).toThrow(
      "Variant C not found for endpoint e; its variants are A, B, Off.",
    );
    const off = { ...deployment, variants: deployment.variants.map((v) => ({ ...v, weight: 0 })) };
    expect(() => chooseVariant(off, undefined, () => 0.5)).toThrow(
      "no production variant with a positive weight",
    );
  });
});
