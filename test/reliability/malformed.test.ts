/**
 * Malformed requests never hurt the emulator (issue 8, reliability): over a thousand bad
 * InvokeEndpoint requests (bad CSV, wrong column counts, NaN-like text, numbers too large for
 * float32, wrong content types, invalid UTF-8, bodies over 6 MB, unknown endpoints, bad headers)
 * each get a 4xx in SageMaker Runtime's error shape with the code and message a user would see
 * on AWS; then the endpoint still answers a valid row digit for digit. Ill-formed SageMaker
 * control-plane and S3 requests (bad JSON, unknown targets, ill-typed members, junk XML) get 4xx
 * in their protocol's shape too, and the server keeps serving.
 *
 * Requests are raw, SigV4-signed node:http calls so every byte of the malformed input reaches the
 * server as written (an SDK would refuse or re-encode some of it).
 */
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { ListEndpointsCommand } from "@aws-sdk/client-sagemaker";
import { pythonFloatRepr } from "../../helpers/local/runtime";
import { seededRandom } from "../../helpers/random";
import { expectedProbability } from "../local/runtime.fixtures";
import { startTestLocalAws, type TestLocalAws } from "../helpers/localAws";
import { awsError, deployTinyEndpoint, SignedHttp, type RawResponse } from "./support";

const ENDPOINT = "malformed-endpoint";
const VALID_ROW = [0.7, -0.25, 12];

let aws: TestLocalAws;
let client: SignedHttp;

beforeAll(async () => {
  aws = await startTestLocalAws();
  client = new SignedHttp(aws.emulator.endpoint, aws.emulator.credentials, aws.emulator.region, 8);
  await deployTinyEndpoint(aws, { endpoint: ENDPOINT, modelBucket: "malformed-models" });
});

afterAll(async () => {
  client?.close();
  await aws?.stop();
});

interface BadInvocation {
  kind: string;
  endpoint?: string;
  /** Overrides the request path (for names that are not valid percent-encoding). */
  path?: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  /** Send without Content-Length (HTTP chunked), so the server must count while reading. */
  chunked?: boolean;
  status: number;
  code: string;
  message: RegExp;
  /** ModelError: the container's own status and a phrase of its message. */
  original?: { status: number; message: RegExp };
}

const random = seededRandom(8);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const number = () => String(Math.round((random() - 0.5) * 2000) / 100);
const row = (fields: string[]) => fields.join(",");
const validFields = () => [number(), number(), number()];

const MODEL_ERROR =
  /^Received client error \(\d{3}\) from primary with message ".*"\. See https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#logEventViewer:group=\/aws\/sagemaker\/Endpoints\/malformed-endpoint in account 000000000000 for more information\.$/s;

function modelError(
  kind: string,
  body: string | Buffer,
  originalStatus: number,
  originalMessage: RegExp,
  headers: Record<string, string> = { "content-type": "text/csv" },
): BadInvocation {
  return {
    kind,
    body,
    headers,
    status: 424,
    code: "ModelError",
    message: MODEL_ERROR,
    original: { status: originalStatus, message: originalMessage },
  };
}

/** Text Python's float() refuses (so the XGBoost container does too). */
const GARBAGE = [
  "abc",
  "1..2",
  "--1",
  "1e",
  "e5",
  "0x1F",
  "$12",
  "12%",
  "'3'",
  '"4"',
  "1 2",
  "+-3",
  "..",
  "1e+",
  "TRUE",
  "#",
];
const NAN_LIKE = [
  "NaNa",
  "nan1",
  "N/A",
  "null",
  "None",
  "NaN%",
  "-nan-",
  "nanx",
  "NA",
  "#N/A",
  "NaN()",
  "nann",
];
const TOO_LARGE = [
  "1e400",
  "-1e400",
  "1e39",
  "-3.5e38",
  "inf",
  "-inf",
  "Infinity",
  "+INF",
  "9".repeat(400),
  "1E309",
];

function malformedInvocations(): BadInvocation[] {
  const cases: BadInvocation[] = [];
  const convertError = /could not convert string to float/;
  for (let i = 0; i < 250; i++) {
    const fields = validFields();
    const column = Math.floor(random() * 3);
    fields[column] = pick(GARBAGE) + (random() < 0.3 ? String.fromCharCode(97 + (i % 26)) : "");
    // Some bodies carry good rows first: the bad row anywhere fails the whole request.
    const rows = Array.from({ length: i % 4 }, () => row(validFields()));
    cases.push(modelError("bad CSV", [...rows, row(fields)].join("\n"), 400, convertError));
  }
  for (let i = 0; i < 200; i++) {
    const count = pick([0, 1, 2, 4, 5, 6, 10, 23]);
    const fields = Array.from({ length: count }, number);
    const body = count === 0 ? ",,,,\n1,2,3" : row(fields);
    const rows = i % 3 === 0 ? [row(validFields()), body] : [body];
    cases.push(
      modelError(
        "wrong column count",
        rows.join("\n"),
        400,
        /Number of columns does not match number of features in booster/,
      ),
    );
  }
  for (let i = 0; i < 100; i++) {
    const fields = validFields();
    fields[i % 3] = pick(NAN_LIKE);
    cases.push(modelError("NaN-like text", row(fields), 400, convertError));
  }
  for (let i = 0; i < 150; i++) {
    const fields = validFields();
    fields[i % 3] = pick(TOO_LARGE);
    cases.push(
      modelError(
        "number too large",
        row(fields),
        400,
        /Input data contains `inf` or a value too large/,
      ),
    );
  }
  const contentTypes = [
    "application/json",
    "application/x-recordio-protobuf",
    "image/png",
    "text/plain",
    "text/csvx",
    "multipart/form-data; boundary=x",
    "application/octet-stream",
  ];
  for (let i = 0; i < 100; i++) {
    const headers: Record<string, string> = {};
    if (i % 10 !== 0) headers["content-type"] = pick(contentTypes);
    cases.push(
      modelError(
        "wrong content type",
        row(validFields()),
        415,
        /is not supported by the XGBoost container|not by the local emulator/,
        headers,
      ),
    );
  }
  for (let i = 0; i < 40; i++) {
    cases.push(
      modelError("wrong Accept", row(validFields()), 406, /Accept type .* is not supported/, {
        "content-type": "text/csv",
        accept: pick(["image/png", "text/html", "application/xml"]),
      }),
    );
  }
  for (let i = 0; i < 100; i++) {
    const text = Buffer.from(row(validFields()));
    const junk = Buffer.from(
      Array.from({ length: 1 + (i % 5) }, () => 0x80 + Math.floor(random() * 0x80)),
    );
    const at = Math.floor(random() * (text.length + 1));
    cases.push(
      modelError(
        "invalid UTF-8",
        Buffer.concat([text.subarray(0, at), junk, text.subarray(at)]),
        400,
        /could not convert string to float|Number of columns does not match/,
      ),
    );
  }
  const oversize = {
    status: 413,
    code: "ValidationError",
    message: /exceeds the maximum of 6291456 bytes \(6 MB\) for InvokeEndpoint/,
  };
  cases.push({ kind: "oversize body", body: Buffer.alloc(6 * 1024 * 1024 + 1, 0x31), ...oversize });
  cases.push({ kind: "oversize body", body: "1,2,3\n".repeat(1_200_000), ...oversize });
  cases.push({
    kind: "oversize body",
    body: Buffer.alloc(7 * 1024 * 1024, 0x32),
    chunked: true,
    ...oversize,
  });
  for (let i = 0; i < 100; i++) {
    const name = `missing-${i}-${Math.floor(random() * 1e6)}`;
    cases.push({
      kind: "unknown endpoint",
      endpoint: name,
      body: row(validFields()),
      status: 400,
      code: "ValidationError",
      message: new RegExp(`^Endpoint ${name} of account 000000000000 not found\\.$`),
    });
  }
  // A percent-encoded name is decoded before it is looked up.
  cases.push({
    kind: "unknown endpoint",
    path: "/endpoints/missing%2Dencoded/invocations",
    body: row(validFields()),
    status: 400,
    code: "ValidationError",
    message: /^Endpoint missing-encoded of account 000000000000 not found\.$/,
  });
  for (const encoded of ["%ZZ", "bad%E0%A4%A", "%", "a%2"]) {
    cases.push({
      kind: "unknown endpoint",
      path: `/endpoints/${encoded}/invocations`,
      body: row(validFields()),
      status: 400,
      code: "ValidationError",
      message: /not valid percent-encoding/,
    });
  }
  const badHeaders: [Record<string, string>, RegExp][] = [
    [{ "x-amzn-sagemaker-inference-id": "x".repeat(65) }, /at 'inferenceId'.*length between 1/],
    [{ "x-amzn-sagemaker-inference-id": "" }, /at 'inferenceId'.*length between 1/],
    [{ "x-amzn-sagemaker-custom-attributes": "a".repeat(1025) }, /at 'customAttributes'/],
    [{ "x-amzn-sagemaker-target-variant": "not_a_variant!" }, /at 'targetVariant'/],
    [{ "x-amzn-sagemaker-target-variant": "NoSuchVariant" }, /Variant NoSuchVariant not found/],
  ];
  for (let i = 0; i < 30; i++) {
    const [headers, message] = badHeaders[i % badHeaders.length];
    cases.push({
      kind: "bad header",
      body: row(validFields()),
      headers: { "content-type": "text/csv", ...headers },
      status: 400,
      code: "ValidationError",
      message,
    });
  }
  return cases;
}

/** Runs `work` over `items` with `concurrency` requests in flight. */
async function inParallel<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]);
      }
    }),
  );
  return results;
}

function send(invocation: BadInvocation): Promise<RawResponse> {
  return client.send({
    method: "POST",
    path: invocation.path ?? `/endpoints/${invocation.endpoint ?? ENDPOINT}/invocations`,
    service: "sagemaker",
    headers: invocation.headers ?? { "content-type": "text/csv" },
    body: invocation.body,
    chunked: invocation.chunked,
  });
}

/** What a failed check says: the case, then what was wrong, so a failure names the culprit. */
function problems(invocation: BadInvocation, response: RawResponse): string[] {
  const found: string[] = [];
  if (response.status !== invocation.status) found.push(`status ${response.status}`);
  if (response.headers["x-amzn-errortype"] !== invocation.code) {
    found.push(`x-amzn-errortype ${response.headers["x-amzn-errortype"]}`);
  }
  if (typeof response.headers["x-amzn-requestid"] !== "string") found.push("no x-amzn-requestid");
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(response.body.toString("utf8")) as Record<string, unknown>;
  } catch {
    found.push(`body is not JSON: ${response.body.toString("utf8").slice(0, 200)}`);
  }
  if (body.ErrorCode !== invocation.code) found.push(`ErrorCode ${String(body.ErrorCode)}`);
  if (typeof body.message !== "string" || !invocation.message.test(body.message)) {
    found.push(`message ${JSON.stringify(body.message)}`);
  }
  if (invocation.original) {
    if (body.OriginalStatusCode !== invocation.original.status) {
      found.push(`OriginalStatusCode ${String(body.OriginalStatusCode)}`);
    }
    if (
      typeof body.OriginalMessage !== "string" ||
      !invocation.original.message.test(body.OriginalMessage)
    ) {
      found.push(`OriginalMessage ${JSON.stringify(body.OriginalMessage)}`);
    }
  }
  return found;
}

async function expectValidAnswer(): Promise<void> {
  const answer = await client.invoke(ENDPOINT, VALID_ROW.join(","));
  expect(answer.status).toBe(200);
  expect(answer.body.toString("utf8")).toBe(`${pythonFloatRepr(expectedProbability(VALID_ROW))}\n`);
}

test("1,000+ malformed invocations each get a 4xx in SageMaker Runtime's shape; the endpoint still answers correctly", async () => {
  await expectValidAnswer();
  const cases = malformedInvocations();
  expect(cases.length).toBeGreaterThanOrEqual(1000);
  const responses = await inParallel(cases, 8, send);
  const failures = cases
    .map((invocation, i) => ({ invocation, found: problems(invocation, responses[i]) }))
    .filter(({ found }) => found.length > 0)
    .map(({ invocation, found }) => ({
      kind: invocation.kind,
      body: invocation.body.toString("utf8").slice(0, 80),
      headers: invocation.headers,
      found,
    }));
  expect({ failed: failures.length, first: failures.slice(0, 5) }).toEqual({
    failed: 0,
    first: [],
  });
  const byKind = new Map<string, number>();
  for (const invocation of cases) {
    byKind.set(invocation.kind, (byKind.get(invocation.kind) ?? 0) + 1);
  }
  expect(Math.max(...responses.map((r) => r.status))).toBeLessThan(500);
  expect([...byKind.keys()]).toEqual([
    "bad CSV",
    "wrong column count",
    "NaN-like text",
    "number too large",
    "wrong content type",
    "wrong Accept",
    "invalid UTF-8",
    "oversize body",
    "unknown endpoint",
    "bad header",
  ]);

  await expectValidAnswer();
  // The texts Python's float() reads as NaN are missing values, not errors: same answer as an
  // empty field. An empty body is answered as the container does (HTTP 204: nothing to predict).
  for (const spelling of ["NaN", "nan", "-NaN", ""]) {
    const answer = await client.invoke(ENDPOINT, `${spelling},-0.25,12`);
    expect([spelling, answer.status, answer.body.toString("utf8")]).toEqual([
      spelling,
      200,
      `${pythonFloatRepr(expectedProbability([NaN, -0.25, 12]))}\n`,
    ]);
  }
  const empty = await client.invoke(ENDPOINT, "");
  expect([empty.status, empty.body.length]).toEqual([200, 0]);
});

/** A JSON 1.1 error: the status, `__type` = `x-amzn-ErrorType`, and a message. */
function expectJsonError(response: RawResponse, codes: string[], what: string): void {
  const { code, message } = awsError(response);
  const body = JSON.parse(response.body.toString("utf8")) as Record<string, unknown>;
  expect({ what, status: response.status >= 400 && response.status < 500 }).toEqual({
    what,
    status: true,
  });
  expect({ what, code: codes.includes(code ?? "") ? "expected" : code }).toEqual({
    what,
    code: "expected",
  });
  expect(body.__type).toBe(code);
  expect(typeof message === "string" && message.length > 0).toBe(true);
}

/** Valid-looking inputs whose members the fuzzing below replaces with ill-typed values. */
const TEMPLATES: Record<string, Record<string, unknown>> = {
  CreateModel: {
    ModelName: "fuzz-model",
    PrimaryContainer: {
      Image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
      ModelDataUrl: "s3://malformed-models/tiny/model.tar.gz",
      Environment: { A: "b" },
    },
    ExecutionRoleArn: "arn:aws:iam::000000000000:role/Role",
  },
  CreateEndpointConfig: {
    EndpointConfigName: "fuzz-config",
    ProductionVariants: [
      {
        VariantName: "AllTraffic",
        ModelName: `${ENDPOINT}-model`,
        InitialInstanceCount: 1,
        InstanceType: "ml.m5.xlarge",
      },
    ],
    DataCaptureConfig: {
      EnableCapture: true,
      InitialSamplingPercentage: 100,
      DestinationS3Uri: "s3://malformed-models/dc",
      CaptureOptions: [{ CaptureMode: "Input" }],
    },
  },
  CreateEndpoint: { EndpointName: "fuzz-endpoint", EndpointConfigName: "no-such-config" },
  UpdateEndpointWeightsAndCapacities: {
    EndpointName: ENDPOINT,
    DesiredWeightsAndCapacities: [{ VariantName: "AllTraffic", DesiredWeight: 1 }],
  },
  DescribeEndpoint: { EndpointName: ENDPOINT },
  ListEndpoints: { MaxResults: 10, NameContains: "e", SortBy: "Name", SortOrder: "Ascending" },
  CreateMonitoringSchedule: {
    MonitoringScheduleName: "fuzz-schedule",
    MonitoringScheduleConfig: {
      ScheduleConfig: { ScheduleExpression: "cron(0 * ? * * *)" },
      MonitoringJobDefinition: {
        MonitoringInputs: [{ EndpointInput: { EndpointName: "no-such-endpoint" } }],
        MonitoringOutputConfig: {
          MonitoringOutputs: [{ S3Output: { S3Uri: "s3://malformed-models/r" } }],
        },
      },
    },
  },
  Search: {
    Resource: "ExperimentTrialComponent",
    SearchExpression: { Filters: [{ Name: "Parents.TrialName", Operator: "Equals", Value: "t" }] },
  },
};

const ILL_TYPED: unknown[] = [null, 42, "text", true, [null], { unexpected: 1 }, -1];

/** Every input with one member (at any depth up to 3) replaced by an ill-typed value. */
function* mutations(value: unknown, depth = 0): Generator<unknown> {
  if (depth > 3 || value === null || typeof value !== "object") return;
  for (const key of Object.keys(value)) {
    const original = (value as Record<string, unknown>)[key];
    for (const replacement of [...ILL_TYPED, ...mutations(original, depth + 1)]) {
      const copy = Array.isArray(value) ? [...value] : { ...value };
      (copy as Record<string, unknown>)[key] = replacement;
      yield copy;
    }
  }
}

test("ill-formed SageMaker requests (bad JSON, unknown targets, ill-typed members) get 4xx in JSON 1.1's shape", async () => {
  const badBodies: (string | Buffer)[] = [
    "{",
    '{"EndpointName": ',
    "[]",
    "null",
    '"text"',
    "42",
    "{'single': 'quotes'}",
    Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    "\u0000\u0001\u0002",
  ];
  for (const body of badBodies) {
    for (const operation of ["ListEndpoints", "CreateEndpoint", "DescribeEndpoint"]) {
      const response = await client.json(`SageMaker.${operation}`, body);
      expectJsonError(response, ["SerializationException"], `${operation} ${String(body)}`);
    }
  }
  for (const target of ["SageMaker.NoSuchOperation", "Nope.ListEndpoints", "SageMaker", ""]) {
    const response = await client.json(target, "{}");
    expectJsonError(response, ["UnknownOperationException"], `target ${target}`);
  }
  let fuzzed = 0;
  for (const [operation, template] of Object.entries(TEMPLATES)) {
    for (const input of mutations(template)) {
      fuzzed++;
      const response = await client.json(`SageMaker.${operation}`, JSON.stringify(input));
      const what = `${operation} ${JSON.stringify(input)}`;
      expect({ what, status: response.status < 500 }).toEqual({ what, status: true });
      if (response.status >= 400) {
        expectJsonError(
          response,
          ["ValidationException", "ResourceNotFound", "ResourceInUse", "ResourceLimitExceeded"],
          what,
        );
      }
    }
  }
  expect(fuzzed).toBeGreaterThan(300);
  const listed = await aws.sagemaker.send(new ListEndpointsCommand({}));
  expect(listed.Endpoints?.map((e) => e.EndpointName)).toContain(ENDPOINT);
  await expectValidAnswer();
});

test("ill-formed S3 requests (junk XML, bad queries, bad keys) get 4xx in S3's XML shape", async () => {
  await aws.s3.send(new CreateBucketCommand({ Bucket: "malformed-s3" }));
  const junk = [
    "not xml",
    "<Delete>",
    "<Delete><Object><Key>k</Key></Object>",
    "\u0000\u0001binary",
    "<Delete>" + "<Object><Key>k</Key></Object>".repeat(1001) + "</Delete>",
  ];
  const requests: { method: string; path: string; body?: string }[] = [
    ...junk.map((body) => ({ method: "POST", path: "/malformed-s3?delete", body })),
    ...junk.map((body) => ({ method: "POST", path: "/malformed-s3/k?uploadId=nope", body })),
    ...junk.map((body) => ({ method: "PUT", path: "/malformed-s3-new", body })),
    { method: "GET", path: "/malformed-s3?list-type=2&max-keys=abc" },
    { method: "GET", path: "/malformed-s3/missing-key" },
    { method: "GET", path: "/no-such-bucket/key" },
    { method: "PUT", path: "/malformed-s3/k?partNumber=10001&uploadId=nope", body: "x" },
    { method: "PUT", path: "/UPPER_case_bucket" },
    { method: "DELETE", path: "/no-such-bucket" },
  ];
  for (const request of requests) {
    const response = await client.send({ ...request, service: "s3" });
    const { code, message } = awsError(response);
    const what = `${request.method} ${request.path} ${String(request.body).slice(0, 40)}`;
    const is4xx = response.status >= 400 && response.status < 500;
    expect({
      what,
      status: is4xx ? "4xx" : `${response.status} ${response.body.toString("utf8").slice(0, 300)}`,
    }).toEqual({ what, status: "4xx" });
    expect({ what, shaped: typeof code === "string" && typeof message === "string" }).toEqual({
      what,
      shaped: true,
    });
  }
  await expectValidAnswer();
});
