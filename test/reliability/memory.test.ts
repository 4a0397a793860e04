/**
 * Issue 8 §3, scaled down for CI: the emulator's resident memory stays bounded while the analyzer
 * profiles a stream of rows and while an endpoint with 100% data capture serves invocations.
 * The full-size measurement (5,000,000 rows, 100,000 invocations) is bench/memory.ts, whose
 * bound is documented in bench/README.md. Here the sizes are a fiftieth and a thirtieth of that and
 * the limits are generous: peak RSS may grow by 256 MB during a phase (V8 grows its heap under
 * load), and the heap still reachable after a full GC by 16 MB at most (measured: 1-5 MB), which is what catches
 * memory that grows with rows or requests (a profile that kept its 100,000 rows would hold 19 MB of doubles alone; anything
 * that kept more than about 5 KB per request, such as the request and response objects).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { Readable } from "node:stream";
import { SignatureV4 } from "@smithy/signature-v4";
import { profileCsv, toStatistics } from "../../helpers/analyzer";
import { flushEndpointCapture } from "../../helpers/local/runtime";
import { NodeSha256 } from "../../helpers/local/server/sigv4";
import { dataCaptureConfig, deployWithCapture } from "../../helpers/workflow/deploy";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { startTestLocalAws, type TestLocalAws } from "../helpers/localAws";
import { csvBody, packModelArtifact, sampleRows } from "../local/runtime.fixtures";

const PROFILE_ROWS = 100_000;
const INVOCATIONS = 3_000;
const CONNECTIONS = 8;
/** Growth of peak RSS over the phase's start (measured here: 15-120 MB; the full bench: 210 MB). */
const GROWTH_LIMIT_MB = 256;

/** Heap still reachable after the phase (after a full GC): what a leak would leave behind. */
const RETAINED_LIMIT_MB = 16;

const rssMB = () => process.memoryUsage().rss / 1e6;

// A full collection on demand, so retained heap is measured rather than garbage not yet collected.
v8.setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

function retainedHeapMB(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed / 1e6;
}

/** Peak RSS while `work` runs, sampled every 20 ms. */
async function peakRssDuring(work: () => Promise<void>): Promise<{ start: number; peak: number }> {
  const start = rssMB();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, rssMB())), 20);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return { start, peak: Math.max(peak, rssMB()) };
}

let aws: TestLocalAws;

beforeAll(async () => {
  aws = await startTestLocalAws();
});

afterAll(async () => {
  await aws?.stop();
});

test(`profiling ${PROFILE_ROWS} streamed rows keeps memory bounded`, async () => {
  const lines = readFileSync(path.join(__dirname, "../../data/credit_card_default.csv"), "utf8")
    .trim()
    .split("\n");
  const data = lines.slice(1);
  let itemCount = 0;
  const heapBefore = retainedHeapMB();
  const { start, peak } = await peakRssDuring(async () => {
    const stream = Readable.from(
      (function* () {
        yield lines[0] + "\n";
        for (let at = 0; at < PROFILE_ROWS; at += 10_000) {
          const batch: string[] = [];
          for (let i = at; i < at + 10_000; i++) batch.push(data[(i * 7919) % data.length]);
          yield batch.join("\n") + "\n";
        }
      })(),
    );
    const profile = await profileCsv(stream, { header: true, log: null });
    itemCount = toStatistics(profile).dataset.item_count;
  });
  expect(itemCount).toBe(PROFILE_ROWS);
  expect(peak - start).toBeLessThan(GROWTH_LIMIT_MB);
  expect(retainedHeapMB() - heapBefore).toBeLessThan(RETAINED_LIMIT_MB);
});

test(`serving ${INVOCATIONS} captured invocations keeps memory bounded`, async () => {
  const context = {
    region: aws.emulator.region,
    bucket: "memory",
    prefix: "memory",
    roleArn: "arn:aws:iam::000000000000:role/SageMakerRole",
    sagemaker: aws.sagemaker,
    runtime: aws.runtime,
    s3: aws.s3,
    codecommit: aws.codecommit,
  };
  await aws.s3.send(new CreateBucketCommand({ Bucket: "memory" }));
  await aws.s3.send(
    new PutObjectCommand({ Bucket: "memory", Key: "model.tar.gz", Body: packModelArtifact() }),
  );
  await deployWithCapture(context, {
    modelName: "memory-model",
    endpointConfigName: "memory-config",
    endpointName: "memory",
    image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    modelDataUrl: "s3://memory/model.tar.gz",
    captureUri: dataCaptureConfig("s3://memory/capture").DestinationS3Uri,
  });
  const url = new URL(aws.emulator.endpoint);
  const body = csvBody(sampleRows(1));
  // Signed once and replayed: the emulator verifies every request, and keeps no nonce.
  const signed = await new SignatureV4({
    credentials: aws.emulator.credentials,
    region: aws.emulator.region,
    service: "sagemaker",
    sha256: NodeSha256,
  }).sign({
    method: "POST",
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path: "/endpoints/memory/invocations",
    headers: { host: url.host, "content-type": "text/csv" },
    body,
  });
  const invoke = () =>
    fetch(`${aws.emulator.endpoint}/endpoints/memory/invocations`, {
      method: "POST",
      headers: signed.headers,
      body,
    });
  // One captured invocation and its flush first: what is set up once (the capture flush worker;
  // under jest, the TypeScript compiler that transpiles it for this test file's module registry)
  // is not growth per request.
  expect((await invoke()).status).toBe(200);
  await flushEndpointCapture(aws.emulator.context);
  const statuses = new Map<number, number>();
  let sent = 0;
  const heapBefore = retainedHeapMB();
  const { start, peak } = await peakRssDuring(async () => {
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (sent < INVOCATIONS) {
          sent++;
          const response = await invoke();
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        }
      }),
    );
  });
  expect(Object.fromEntries(statuses)).toEqual({ 200: INVOCATIONS });
  expect(peak - start).toBeLessThan(GROWTH_LIMIT_MB);
  // Buffered capture is published on a 2 s timer; after the flush nothing per request remains.
  await flushEndpointCapture(aws.emulator.context);
  expect(retainedHeapMB() - heapBefore).toBeLessThan(RETAINED_LIMIT_MB);
});
