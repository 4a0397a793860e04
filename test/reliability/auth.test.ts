/**
 * Who may talk to the emulator, and where its files can go (issue 8, reliability):
 *
 * - requests with no signature, signed with a wrong secret, or signed 20 minutes off real time
 *   get 403 in each protocol's error shape (SageMaker JSON 1.1, SageMaker Runtime REST-JSON,
 *   S3 REST-XML) and change nothing;
 * - S3 keys with `..` segments, absolute paths or NUL (raw, percent-encoded, in CopyObject sources
 *   and multipart uploads) are refused with 4xx, nothing is written outside the bucket folder and
 *   nothing outside it can be read;
 * - the server listens on 127.0.0.1 only: its bound address, and no connection through any other
 *   interface address of this machine.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { HeadObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { DescribeEndpointCommand } from "@aws-sdk/client-sagemaker";
import { listenLocal } from "../../helpers/local/server/edge";
import { startTestLocalAws, type TestLocalAws } from "../helpers/localAws";
import {
  awsError,
  deployTinyEndpoint,
  SignedHttp,
  type RawResponse,
  type SignedRequest,
} from "./support";

const ENDPOINT = "auth-endpoint";
const BUCKET = "auth-bucket";
const TWENTY_MINUTES = 20 * 60 * 1000;

/** The workspace sits alone inside this folder, so an escape would land in it. */
let parent: string;
let aws: TestLocalAws;
let client: SignedHttp;

beforeAll(async () => {
  parent = fs.mkdtempSync(path.join(os.tmpdir(), "auth-test-"));
  aws = await startTestLocalAws({ workspace: path.join(parent, "workspace") });
  client = new SignedHttp(aws.emulator.endpoint, aws.emulator.credentials, aws.emulator.region, 4);
  await deployTinyEndpoint(aws, { endpoint: ENDPOINT, modelBucket: BUCKET });
});

afterAll(async () => {
  client?.close();
  await aws?.stop();
  fs.rmSync(parent, { recursive: true, force: true });
});

type Tamper = Pick<SignedRequest, "unsigned" | "secret" | "clockOffsetMs">;

const TAMPERINGS: { name: string; tamper: Tamper; json: RegExp; s3: string }[] = [
  {
    name: "no signature",
    tamper: { unsigned: true },
    json: /^MissingAuthenticationTokenException$/,
    s3: "AccessDenied",
  },
  {
    name: "wrong secret",
    tamper: { secret: "wrong-secret-0000000000000000000000000000" },
    json: /^InvalidSignatureException$/,
    s3: "SignatureDoesNotMatch",
  },
  {
    name: "clock 20 minutes ahead",
    tamper: { clockOffsetMs: TWENTY_MINUTES },
    json: /^InvalidSignatureException$/,
    s3: "RequestTimeTooSkewed",
  },
  {
    name: "clock 20 minutes behind",
    tamper: { clockOffsetMs: -TWENTY_MINUTES },
    json: /^InvalidSignatureException$/,
    s3: "RequestTimeTooSkewed",
  },
];

function expectDenied(response: RawResponse, code: RegExp | string, what: string): void {
  const error = awsError(response);
  expect({ what, status: response.status, code: error.code, hasMessage: !!error.message }).toEqual({
    what,
    status: 403,
    code: typeof code === "string" ? code : expect.stringMatching(code),
    hasMessage: true,
  });
}

test("no signature, a wrong secret or a 20-minute clock skew get 403 in every protocol, and change nothing", async () => {
  for (const { name, tamper, json, s3 } of TAMPERINGS) {
    const invocation = await client.send({
      method: "POST",
      path: `/endpoints/${ENDPOINT}/invocations`,
      service: "sagemaker",
      headers: { "content-type": "text/csv" },
      body: "0.5,0.5,0.5",
      ...tamper,
    });
    expectDenied(invocation, json, `InvokeEndpoint, ${name}`);
    // SageMaker Runtime is REST-JSON: the code travels in x-amzn-ErrorType.
    expect(invocation.headers["x-amzn-errortype"]).toBe(awsError(invocation).code);

    const control = await client.send({
      method: "POST",
      path: "/",
      service: "sagemaker",
      headers: {
        "x-amz-target": "SageMaker.DeleteEndpoint",
        "content-type": "application/x-amz-json-1.1",
      },
      body: JSON.stringify({ EndpointName: ENDPOINT }),
      ...tamper,
    });
    expectDenied(control, json, `DeleteEndpoint, ${name}`);
    expect(JSON.parse(control.body.toString()).__type).toBe(awsError(control).code);

    const put = await client.send({
      method: "PUT",
      path: `/${BUCKET}/denied-${name.replace(/ /g, "-")}`,
      service: "s3",
      body: "should not be stored",
      ...tamper,
    });
    expectDenied(put, s3, `PutObject, ${name}`);
    expect(put.headers["content-type"]).toBe("application/xml");
  }
  // Nothing was deleted or written.
  const endpoint = await aws.sagemaker.send(
    new DescribeEndpointCommand({ EndpointName: ENDPOINT }),
  );
  expect(endpoint.EndpointStatus).toBe("InService");
  const listed = await aws.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "denied" }));
  expect(listed.KeyCount).toBe(0);
  // A skew under AWS's 15 minutes is still accepted.
  const slightly = await client.send({
    method: "GET",
    path: `/${BUCKET}?list-type=2`,
    service: "s3",
    clockOffsetMs: 5 * 60 * 1000,
  });
  expect(slightly.status).toBe(200);
});

/** Every file below `dir` (relative paths), to compare before and after. */
function tree(dir: string): Set<string> {
  const out = new Set<string>();
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.add(path.relative(dir, full));
    }
  };
  walk(dir);
  return out;
}

const ESCAPING_KEYS = [
  "../escape",
  "../../escape",
  "a/../../escape",
  "a/../../../escape",
  "..",
  ".",
  "a/./b",
  "a/..",
  "/absolute",
  "//double-slash",
  "/etc/passwd",
  "nul\0byte",
  "trailing-nul\0",
  "\0",
  "../workspace/credentials.json",
];

/** The key as it goes on the wire: each segment percent-encoded, or raw where HTTP allows it. */
function keyPaths(key: string): string[] {
  const encoded = key.split("/").map(encodeURIComponent).join("/");
  const fully = encodeURIComponent(key).replace(/\./g, "%2E");
  return [...new Set([encoded, fully, ...(key.includes("\0") ? [] : [key])])];
}

test("S3 keys with '..', absolute paths or NUL are refused and nothing leaves the bucket folder", async () => {
  const workspace = aws.workspace;
  const secret = aws.emulator.credentials.secretAccessKey;
  const before = tree(parent);
  const refused: string[] = [];
  const leaks: string[] = [];
  const check = (response: RawResponse, what: string) => {
    const { code, message } = awsError(response);
    const ok =
      response.status >= 400 &&
      response.status < 500 &&
      typeof code === "string" &&
      typeof message === "string";
    if (!ok) refused.push(`${what}: ${response.status} ${code}`);
    // Only a boolean is reported: the body must never be printed if it held the secret.
    if (response.body.includes(secret)) leaks.push(what);
  };
  for (const key of ESCAPING_KEYS) {
    for (const keyPath of keyPaths(key)) {
      const what = JSON.stringify(keyPath);
      const target = `/${BUCKET}/${keyPath}`;
      check(
        await client.send({ method: "PUT", path: target, service: "s3", body: "x" }),
        `PUT ${what}`,
      );
      check(await client.send({ method: "GET", path: target, service: "s3" }), `GET ${what}`);
      check(
        await client.send({ method: "POST", path: `${target}?uploads`, service: "s3" }),
        `CreateMultipartUpload ${what}`,
      );
      check(
        await client.send({
          method: "PUT",
          path: `/${BUCKET}/copy-target`,
          service: "s3",
          headers: { "x-amz-copy-source": `/${BUCKET}/${keyPath}` },
        }),
        `CopyObject from ${what}`,
      );
    }
  }
  expect(refused).toEqual([]);
  expect(leaks).toEqual([]);
  const afterwards = [...tree(parent)].filter((file) => !before.has(file));
  const outside = afterwards.filter(
    (file) =>
      !file.startsWith(path.join("workspace", "s3", BUCKET) + path.sep) &&
      !file.startsWith(path.join("workspace", "s3-meta") + path.sep) &&
      !file.startsWith(path.join("workspace", "state") + path.sep),
  );
  expect(outside).toEqual([]);
  expect(fs.existsSync(path.join(parent, "escape"))).toBe(false);
  expect(fs.existsSync(path.join(workspace, "escape"))).toBe(false);
  expect(fs.existsSync(path.join(workspace, "s3", "escape"))).toBe(false);
  await expect(
    aws.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "copy-target" })),
  ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  // The server still answers.
  const ok = await client.invoke(ENDPOINT, "0.5,0.5,0.5");
  expect(ok.status).toBe(200);
});

/** How a TCP connection attempt to `host:port` ends. */
function connectOutcome(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.on("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.on("timeout", () => {
      socket.destroy();
      resolve("timeout");
    });
    socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  });
}

test("the server listens on 127.0.0.1 only", async () => {
  // The edge binds with listenLocal: its bound address is IPv4 loopback, whatever port is asked.
  const server = http.createServer((_req, res) => res.end());
  try {
    await listenLocal(server, 0);
    expect(server.address()).toMatchObject({ address: "127.0.0.1", family: "IPv4" });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  expect(aws.emulator.endpoint).toBe(`http://127.0.0.1:${aws.emulator.port}`);
  expect(await connectOutcome("127.0.0.1", aws.emulator.port)).toBe("connected");

  // Every other address of this machine (IPv6 loopback, and each non-loopback interface) is
  // refused: the port is not open there.
  const others = Object.entries(os.networkInterfaces()).flatMap(([name, infos]) =>
    (infos ?? [])
      .filter((info) => info.address !== "127.0.0.1")
      .map((info) =>
        info.family === "IPv6" && info.scopeid ? `${info.address}%${name}` : info.address,
      ),
  );
  const outcomes = await Promise.all(
    others.map(async (address) => [address, await connectOutcome(address, aws.emulator.port)]),
  );
  for (const [address, outcome] of outcomes) {
    expect({ address, outcome }).toEqual({
      address,
      outcome: expect.not.stringMatching(/^connected$/),
    });
  }
});
