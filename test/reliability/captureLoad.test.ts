/**
 * Data capture under load (issue 8, reliability): 20,000 InvokeEndpoint calls over 32 concurrent
 * keep-alive connections with 100 % capture, while the writer's periodic flush runs as it does in
 * the workshop. Every call must succeed with the right answer, and after the final flush S3 must
 * hold exactly 20,000 capture records: whole lines only, unique eventIds, and every request's
 * InferenceId exactly once.
 */
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import {
  createRuntimeService,
  pythonFloatRepr,
  type LocalRuntimeService,
} from "../../helpers/local/runtime";
import { csvBody, expectedProbability, sampleRows } from "../local/runtime.fixtures";
import { startTestLocalAws, type TestLocalAws } from "../helpers/localAws";
import { deployTinyEndpoint, SignedHttp } from "./support";

const ENDPOINT = "load-endpoint";
const CAPTURE_BUCKET = "load-capture";
const CAPTURE_PREFIX = "datacapture";
const INVOCATIONS = 20_000;
const CONNECTIONS = 32;

let aws: TestLocalAws;
let runtime: LocalRuntimeService;
let client: SignedHttp;

beforeAll(async () => {
  aws = await startTestLocalAws({
    services: {
      // Background flushes (every second here, every 2 s by default) race the appends
      // throughout the load; the handle gives the test the final flush and the writer's counts.
      runtime: (ctx) => (runtime = createRuntimeService(ctx, { flushIntervalMs: 1000 })),
    },
  });
  client = new SignedHttp(
    aws.emulator.endpoint,
    aws.emulator.credentials,
    aws.emulator.region,
    CONNECTIONS,
  );
  await deployTinyEndpoint(aws, {
    endpoint: ENDPOINT,
    modelBucket: "load-models",
    captureUri: `s3://${CAPTURE_BUCKET}/${CAPTURE_PREFIX}`,
  });
});

afterAll(async () => {
  client?.close();
  await aws?.stop();
});

async function readCapture(): Promise<{ keys: string[]; texts: string[] }> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await aws.s3.send(
      new ListObjectsV2Command({
        Bucket: CAPTURE_BUCKET,
        Prefix: `${CAPTURE_PREFIX}/`,
        ContinuationToken: token,
      }),
    );
    keys.push(...(page.Contents ?? []).map((object) => object.Key!));
    token = page.NextContinuationToken;
  } while (token);
  const texts: string[] = [];
  for (const key of keys) {
    const object = await aws.s3.send(new GetObjectCommand({ Bucket: CAPTURE_BUCKET, Key: key }));
    texts.push(await object.Body!.transformToString());
  }
  return { keys, texts };
}

test("20,000 invocations over 32 connections: no errors, exactly 20,000 whole capture records", async () => {
  const rows = sampleRows(64, 3);
  const bodies = rows.map((row) => csvBody([row]));
  const answers = rows.map((row) => `${pythonFloatRepr(expectedProbability(row))}\n`);

  const problems: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < INVOCATIONS) {
        const i = next++;
        const response = await client
          .invoke(ENDPOINT, bodies[i % bodies.length], {
            "content-type": "text/csv",
            "x-amzn-sagemaker-inference-id": `load-${i}`,
          })
          .catch((error: Error) => ({ status: -1, body: Buffer.from(error.message) }));
        const text = response.body.toString("utf8");
        if (response.status !== 200 || text !== answers[i % answers.length]) {
          problems.push(`invocation ${i}: ${response.status} ${text.slice(0, 200)}`);
        }
      }
    }),
  );
  expect({ errors: problems.length, first: problems.slice(0, 3) }).toEqual({
    errors: 0,
    first: [],
  });
  // Appending is synchronous on the request path: every answered call is in the writer.
  expect(runtime.hosts.capture.stats().appended).toBe(INVOCATIONS);

  await runtime.flush();
  expect(runtime.hosts.capture.stats()).toMatchObject({
    appended: INVOCATIONS,
    published: INVOCATIONS,
    publishFailures: 0,
  });
  const { keys, texts } = await readCapture();
  expect(keys.length).toBeGreaterThan(0);
  const eventIds = new Set<string>();
  const inferenceIds = new Set<string>();
  let records = 0;
  let partial = 0;
  for (const text of texts) {
    if (!text.endsWith("\n")) partial++;
    for (const line of text.split("\n").slice(0, -1)) {
      const record = JSON.parse(line) as {
        captureData: { endpointInput: { data: string }; endpointOutput: { data: string } };
        eventMetadata: { eventId: string; inferenceId: string };
      };
      records++;
      eventIds.add(record.eventMetadata.eventId);
      inferenceIds.add(record.eventMetadata.inferenceId);
      const i = Number(record.eventMetadata.inferenceId.slice("load-".length));
      if (record.captureData.endpointInput.data !== bodies[i % bodies.length]) {
        throw new Error(`record of load-${i} captured the wrong input: ${line}`);
      }
    }
  }
  expect({ records, partial, eventIds: eventIds.size, inferenceIds: inferenceIds.size }).toEqual({
    records: INVOCATIONS,
    partial: 0,
    eventIds: INVOCATIONS,
    inferenceIds: INVOCATIONS,
  });
  for (let i = 0; i < INVOCATIONS; i++) {
    if (!inferenceIds.has(`load-${i}`)) throw new Error(`load-${i} was not captured`);
  }
});
