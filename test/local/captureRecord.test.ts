/**
 * The capture record line is written as a string (helpers/local/runtime/capture/record.ts), and
 * as bytes by the endpoint's encoder (recordEncoder.ts), for speed; both must stay byte for byte
 * what serializing the record object gives, in the format's key order, for any payload, content
 * type, inference id and custom attributes.
 */
import {
  captureEncoding,
  captureRecordLine,
  inferenceTime,
  type CapturedInvocation,
  type CaptureSettings,
} from "../../helpers/local/runtime/capture/record";
import { CaptureRecordEncoder } from "../../helpers/local/runtime/capture/recordEncoder";
import { CAPTURE_SETTINGS } from "./runtime.fixtures";

const SETTINGS: CaptureSettings = {
  ...CAPTURE_SETTINGS,
  jsonContentTypes: ["application/json", "application/jsonlines"],
};

/** The record as an object, serialized: the reference the string builder must match. */
function referenceLine(
  invocation: CapturedInvocation,
  settings: CaptureSettings,
  eventId: string,
): string {
  const side = (payload: CapturedInvocation["input"], mode: "INPUT" | "OUTPUT") => {
    const encoding = captureEncoding(payload.contentType, settings);
    return {
      observedContentType: payload.contentType ?? null,
      mode,
      data: encoding === "BASE64" ? payload.body.toString("base64") : payload.body.toString("utf8"),
      encoding,
    };
  };
  const captureData: Record<string, unknown> = {};
  if (settings.captureInput) captureData.endpointInput = side(invocation.input, "INPUT");
  if (settings.captureOutput) captureData.endpointOutput = side(invocation.output, "OUTPUT");
  const eventMetadata: Record<string, unknown> = { eventId };
  if (invocation.inferenceId !== undefined) eventMetadata.inferenceId = invocation.inferenceId;
  eventMetadata.inferenceTime = invocation.time.toISOString().slice(0, 19) + "Z";
  if (invocation.customAttributes !== undefined) {
    eventMetadata.customAttributes = [invocation.customAttributes];
  }
  return JSON.stringify({ captureData, eventMetadata, eventVersion: "0" });
}

const PAYLOADS: CapturedInvocation["input"][] = [
  { body: Buffer.from("1,2,3.5,,nan\n4,5,6\r\n"), contentType: "text/csv" },
  {
    body: Buffer.from('{"a": "q\\"uote", "t": "\t\u0001\u2028\u00e9"}'),
    contentType: "application/json",
  },
  {
    body: Buffer.from('{"score": 0.5}\n{"score": 1}\n'),
    contentType: "Application/JSONLines; charset=utf-8",
  },
  { body: Buffer.from([0, 255, 1, 0x22, 0x5c]), contentType: undefined },
  { body: Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80]), contentType: "text/csv" }, // invalid UTF-8
  { body: Buffer.alloc(0), contentType: 'text/"odd"\\type' },
  { body: Buffer.from("x"), contentType: "image/png" },
  { body: Buffer.from("y"), contentType: "" }, // an empty type is not a missing one (null)
  { body: Buffer.from("20000,2,2,1,24,-1,0.5,3913\n"), contentType: "text/csv" }, // \n escaped
  { body: Buffer.from("0.07520364224910736"), contentType: "text/csv; charset=utf-8" },
  { body: Buffer.from("a\x7fb~ "), contentType: "text/csv" }, // DEL is not escaped by JSON
  // Long enough for the native plainness scans, which must fall back for the newline and quote.
  { body: Buffer.from("1.5,".repeat(30) + '"x"\r\n'), contentType: "text/csv" },
];

describe("capture record line", () => {
  test("equals the serialized record object for every combination", () => {
    // One encoder for all: its cached parts per settings and content types must not leak between.
    const encoder = new CaptureRecordEncoder();
    let checked = 0;
    for (const input of PAYLOADS) {
      for (const output of PAYLOADS) {
        for (const [captureInput, captureOutput] of [
          [true, true],
          [true, false],
          [false, true],
          [false, false],
        ]) {
          for (const extra of [
            {},
            { inferenceId: "row-17" },
            { customAttributes: 'trace="1"; \u2713' },
            { inferenceId: "i\\d\n", customAttributes: "" },
          ]) {
            const invocation: CapturedInvocation = {
              input,
              output,
              time: new Date(Date.UTC(2024, 2, 5, 14, 7, 9, checked % 1000)),
              ...extra,
            };
            const settings = { ...SETTINGS, captureInput, captureOutput };
            const eventId = `00000000-0000-4000-8000-${String(checked).padStart(12, "0")}`;
            const reference = referenceLine(invocation, settings, eventId);
            expect(captureRecordLine(invocation, settings, eventId)).toBe(reference);
            expect(encoder.encode(invocation, settings, eventId).toString("utf8")).toBe(reference);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(PAYLOADS.length * PAYLOADS.length * 16);
  });

  test("the encoder's bytes: every single byte value, odd event ids, reuse, and large payloads", () => {
    const encoder = new CaptureRecordEncoder();
    const time = new Date(Date.UTC(2024, 2, 5, 14, 7, 9));
    const check = (invocation: CapturedInvocation, eventId: string) => {
      const bytes = encoder.encode(invocation, SETTINGS, eventId);
      // Bytes, not only text: invalid UTF-8 in a payload must be repaired as the reference does.
      expect(Buffer.compare(bytes, Buffer.from(referenceLine(invocation, SETTINGS, eventId)))).toBe(
        0,
      );
    };
    for (let b = 0; b < 256; b++) {
      const body = Buffer.from([0x31, b, 0x2c, b, b]);
      for (const contentType of ["text/csv", "application/json", "application/x-npy"]) {
        check({ input: { body, contentType }, output: { body, contentType }, time }, "id");
      }
    }
    // Payloads of 64 bytes and more are checked four bytes at a time: each byte value at every
    // position of such a body (head, words, tail), at every alignment of its memory.
    const memory = Buffer.alloc(80, 0x35);
    for (let b = 0; b < 256; b++) {
      for (let offset = 0; offset < 4; offset++) {
        for (let position = 0; position < 67; position++) {
          const body = memory.subarray(offset, offset + 67).fill(0x35);
          body[position] = b;
          const side = { body, contentType: "text/csv" };
          check({ input: side, output: side, time }, "id");
        }
      }
    }
    const plain = { body: Buffer.from("1,2"), contentType: "text/csv" };
    for (const eventId of ["", 'q"uote', "back\\slash", "tab\t", "é", "\u2028", "\ud800"]) {
      check({ input: plain, output: plain, time, inferenceId: eventId }, eventId);
    }
    // The answer is a reused view: a later record must not have been written into an earlier copy.
    const first = Buffer.from(encoder.encode({ input: plain, output: plain, time }, SETTINGS, "a"));
    encoder.encode(
      { input: plain, output: plain, time, inferenceId: "x".repeat(64) },
      SETTINGS,
      "b",
    );
    expect(first.toString()).toBe(
      referenceLine({ input: plain, output: plain, time }, SETTINGS, "a"),
    );
    // Past the encoder's scratch room (64 KiB at worst-case escaping) the string reference answers.
    for (const size of [10_000, 11_000, 200_000]) {
      const row = Buffer.from("1,".repeat(size / 2));
      check({ input: { body: row, contentType: "text/csv" }, output: plain, time }, "big");
      const ctrl = Buffer.alloc(size, 1);
      check({ input: { body: ctrl, contentType: "text/csv" }, output: plain, time }, "ctrl");
    }
  });

  test("the inference time follows the clock across seconds, hours and back", () => {
    const times = [
      "2024-03-05T14:07:09.062Z",
      "2024-03-05T14:07:09.999Z",
      "2024-03-05T14:07:10.000Z",
      "2024-03-05T23:59:59.999Z",
      "2024-03-06T00:00:00.000Z",
      "2024-03-05T14:07:09.500Z",
      "1969-12-31T23:59:59.500Z",
    ];
    for (const text of times) {
      expect(inferenceTime(new Date(text))).toBe(text.slice(0, 19) + "Z");
    }
  });
});
