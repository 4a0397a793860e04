/**
 * The edge server: SigV4 verification, error shapes, routing, the /_local API, robustness.
 */
import * as crypto from "node:crypto";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { ListTrainingJobsCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { InvokeEndpointCommand } from "@aws-sdk/client-sagemaker-runtime";
import { ListRepositoriesCommand, CodeCommitClient } from "@aws-sdk/client-codecommit";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { SignatureV4 } from "@smithy/signature-v4";
import { NodeSha256 } from "../../helpers/local/server/sigv4";
import { startTestLocalAws, type TestLocalAws } from "../helpers/localAws";

let aws: TestLocalAws;

beforeAll(async () => {
  aws = await startTestLocalAws();
  await aws.s3.send(new CreateBucketCommand({ Bucket: "edge" }));
});

afterAll(async () => {
  await aws.stop();
});

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function rawRequest(options: {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}): Promise<RawResponse> {
  const url = new URL(options.path, aws.emulator.endpoint);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: options.method, headers: options.headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode!,
            headers: response.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    request.on("error", reject);
    request.end(options.body);
  });
}

/** A request signed like an SDK would sign it (service, body hash), sent with node:http. */
async function signedRequest(options: {
  method: string;
  path: string;
  service: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  secret?: string;
}): Promise<RawResponse> {
  const url = new URL(options.path, aws.emulator.endpoint);
  const query: Record<string, string> = {};
  url.searchParams.forEach((value, key) => (query[key] = value));
  const signer = new SignatureV4({
    credentials: {
      ...aws.emulator.credentials,
      secretAccessKey: options.secret ?? aws.emulator.credentials.secretAccessKey,
    },
    region: aws.emulator.region,
    service: options.service,
    sha256: NodeSha256,
    uriEscapePath: options.service !== "s3",
    applyChecksum: options.service === "s3",
  });
  const signed = await signer.sign({
    method: options.method,
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query,
    headers: { host: url.host, ...(options.headers ?? {}) },
    body: options.body ?? "",
  });
  return rawRequest({
    method: options.method,
    path: options.path,
    headers: signed.headers as Record<string, string>,
    body: options.body,
  });
}

describe("authentication", () => {
  test("GET /_local/health answers without a signature", async () => {
    const response = await rawRequest({ method: "GET", path: "/_local/health" });
    expect(response.status).toBe(200);
    const health = JSON.parse(response.body);
    expect(health).toMatchObject({
      status: "ok",
      service: "local-aws",
      pid: process.pid,
      region: "us-east-1",
    });
  });

  test("a wrong secret gets 403 SignatureDoesNotMatch (S3) and InvalidSignatureException (JSON services)", async () => {
    const wrong = {
      ...aws.clientConfig,
      credentials: { ...aws.clientConfig.credentials, secretAccessKey: "wrong-secret" },
    };
    const s3 = new S3Client(wrong);
    const sagemaker = new SageMakerClient(wrong);
    const codecommit = new CodeCommitClient(wrong);
    try {
      const s3Error = await s3.send(new ListBucketsCommand({})).catch((e) => e);
      expect(s3Error.name).toBe("SignatureDoesNotMatch");
      expect(s3Error.$metadata.httpStatusCode).toBe(403);
      const smError = await sagemaker.send(new ListTrainingJobsCommand({})).catch((e) => e);
      expect(smError.name).toBe("InvalidSignatureException");
      expect(smError.$metadata.httpStatusCode).toBe(403);
      const ccError = await codecommit.send(new ListRepositoriesCommand({})).catch((e) => e);
      expect(ccError.name).toBe("InvalidSignatureException");
    } finally {
      s3.destroy();
      sagemaker.destroy();
      codecommit.destroy();
    }
  });

  test("an unknown access key gets InvalidAccessKeyId / UnrecognizedClientException", async () => {
    const unknown = {
      ...aws.clientConfig,
      credentials: { accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "x" },
    };
    const s3 = new S3Client(unknown);
    const sagemaker = new SageMakerClient(unknown);
    try {
      expect((await s3.send(new ListBucketsCommand({})).catch((e) => e)).name).toBe(
        "InvalidAccessKeyId",
      );
      const error = await sagemaker.send(new ListTrainingJobsCommand({})).catch((e) => e);
      expect(error.name).toBe("UnrecognizedClientException");
      expect(error.$metadata.httpStatusCode).toBe(403);
    } finally {
      s3.destroy();
      sagemaker.destroy();
    }
  });

  test("unsigned requests get 403 in the service's shape", async () => {
    const s3 = await rawRequest({ method: "GET", path: "/edge" });
    expect(s3.status).toBe(403);
    expect(s3.body).toContain("<Code>AccessDenied</Code>");
    const json = await rawRequest({
      method: "POST",
      path: "/",
      headers: {
        "x-amz-target": "SageMaker.ListTrainingJobs",
        "content-type": "application/x-amz-json-1.1",
      },
      body: "{}",
    });
    expect(json.status).toBe(403);
    expect(JSON.parse(json.body).__type).toBe("MissingAuthenticationTokenException");
  });

  test("a tampered body fails the signature (JSON) or the payload hash (S3)", async () => {
    const url = new URL("/", aws.emulator.endpoint);
    const signer = new SignatureV4({
      credentials: aws.emulator.credentials,
      region: "us-east-1",
      service: "sagemaker",
      sha256: NodeSha256,
    });
    const signed = await signer.sign({
      method: "POST",
      protocol: "http:",
      hostname: url.hostname,
      path: "/",
      query: {},
      headers: {
        host: url.host,
        "x-amz-target": "SageMaker.ListTrainingJobs",
        "content-type": "application/x-amz-json-1.1",
      },
      body: '{"MaxResults":1}',
    });
    const tampered = await rawRequest({
      method: "POST",
      path: "/",
      headers: signed.headers as Record<string, string>,
      body: '{"MaxResults":2}',
    });
    expect(tampered.status).toBe(403);
    expect(JSON.parse(tampered.body).__type).toBe("InvalidSignatureException");

    const put = await signedRequest({
      method: "PUT",
      path: "/edge/hashed",
      service: "s3",
      headers: {
        "x-amz-content-sha256": crypto.createHash("sha256").update("original").digest("hex"),
      },
      body: "tampered",
    });
    expect(put.status).toBe(400);
    expect(put.body).toContain("<Code>XAmzContentSHA256Mismatch</Code>");
    const head = await aws.s3
      .send(new GetObjectCommand({ Bucket: "edge", Key: "hashed" }))
      .catch((e) => e);
    expect(head.name).toBe("NoSuchKey");
  });

  test("a clock skew over 15 minutes gets 403 (checked against real time, not the virtual clock)", async () => {
    const skewed = (offsetMs: number) => ({ ...aws.clientConfig, systemClockOffset: offsetMs });
    const ahead = new S3Client(skewed(20 * 60 * 1000));
    const behind = new SageMakerClient(skewed(-20 * 60 * 1000));
    const slightly = new SageMakerClient(skewed(5 * 60 * 1000));
    try {
      const s3Error = await ahead.send(new ListBucketsCommand({})).catch((e) => e);
      expect(s3Error.name).toBe("RequestTimeTooSkewed");
      expect(s3Error.$metadata.httpStatusCode).toBe(403);
      const smError = await behind.send(new ListTrainingJobsCommand({})).catch((e) => e);
      expect(smError.name).toBe("InvalidSignatureException");
      expect(smError.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
      await expect(slightly.send(new ListTrainingJobsCommand({}))).resolves.toBeDefined();

      // Moving the virtual clock a month ahead does not break signatures made with real time.
      await aws.emulator.clock.advance("P30D");
      await expect(aws.s3.send(new ListBucketsCommand({}))).resolves.toBeDefined();
    } finally {
      aws.emulator.clock.reset();
      ahead.destroy();
      behind.destroy();
      slightly.destroy();
    }
  });
});

describe("routing and protocol errors", () => {
  test("an unknown X-Amz-Target gets 400 UnknownOperationException", async () => {
    for (const target of [
      "SageMaker.NoSuchOperation",
      "Kinesis_20131202.ListStreams",
      "CodeCommit_20150413.Nope",
    ]) {
      const response = await signedRequest({
        method: "POST",
        path: "/",
        service: "sagemaker",
        headers: { "x-amz-target": target, "content-type": "application/x-amz-json-1.1" },
        body: "{}",
      });
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body).__type).toBe("UnknownOperationException");
    }
  });

  test("malformed JSON gets 400 SerializationException", async () => {
    for (const body of ["{not json", "[1,2]", '"text"']) {
      const response = await signedRequest({
        method: "POST",
        path: "/",
        service: "sagemaker",
        headers: {
          "x-amz-target": "SageMaker.ListTrainingJobs",
          "content-type": "application/x-amz-json-1.1",
        },
        body,
      });
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body).__type).toBe("SerializationException");
    }
  });

  test("InvokeEndpoint on an unknown endpoint gets SageMaker Runtime's ValidationError", async () => {
    const error = await aws.runtime
      .send(
        new InvokeEndpointCommand({
          EndpointName: "missing-endpoint",
          Body: Buffer.from("1,2,3"),
          ContentType: "text/csv",
        }),
      )
      .catch((e) => e);
    expect(error.name).toBe("ValidationError");
    expect(error.message).toBe(
      `Endpoint missing-endpoint of account ${aws.emulator.accountId} not found.`,
    );
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  test("virtual-host style S3 (bucket.localhost) works like path style", async () => {
    await aws.s3.send(
      new PutObjectCommand({ Bucket: "edge", Key: "vhost/object.txt", Body: "via vhost" }),
    );
    // Resolve *.localhost to 127.0.0.1 in-process, as browsers and systemd-resolved do.
    const lookup = (
      _host: string,
      options: { all?: boolean },
      callback: (...args: unknown[]) => void,
    ) =>
      options.all
        ? callback(null, [{ address: "127.0.0.1", family: 4 }])
        : callback(null, "127.0.0.1", 4);
    const client = new S3Client({
      ...aws.clientConfig,
      endpoint: aws.emulator.endpoint.replace("127.0.0.1", "localhost"),
      forcePathStyle: false,
      requestHandler: new NodeHttpHandler({
        httpAgent: new http.Agent({ lookup } as http.AgentOptions),
      }),
    });
    const hosts: string[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        hosts.push((args.request as { hostname: string }).hostname);
        return next(args);
      },
      { step: "finalizeRequest" },
    );
    try {
      const got = await client.send(
        new GetObjectCommand({ Bucket: "edge", Key: "vhost/object.txt" }),
      );
      expect(await got.Body!.transformToString()).toBe("via vhost");
      expect(hosts).toEqual(["edge.localhost"]);
    } finally {
      client.destroy();
    }
  });

  test("the server keeps serving after garbage, truncated and oversized requests", async () => {
    const garbage = await new Promise<string>((resolve, reject) => {
      const socket: net.Socket = net.connect(aws.emulator.port, "127.0.0.1", () =>
        socket.write("THIS IS NOT HTTP\r\n\r\n"),
      );
      let data = "";
      socket.on("data", (chunk: Buffer) => (data += chunk.toString()));
      socket.on("end", () => resolve(data));
      socket.on("error", reject);
    });
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);

    // A request whose body stops early: the client goes away mid-upload.
    await new Promise<void>((resolve) => {
      const socket = net.connect(aws.emulator.port, "127.0.0.1", () => {
        socket.write(
          "PUT /edge/partial HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nshort",
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
    });
    const bogusAuth = await rawRequest({
      method: "GET",
      path: "/edge",
      headers: { authorization: "AWS4-HMAC-SHA256 garbage" },
    });
    expect(bogusAuth.status).toBe(400);
    expect(bogusAuth.body).toContain("<Code>AuthorizationHeaderMalformed</Code>");
    const badEncoding = await rawRequest({ method: "GET", path: "/edge/%E0%A4%A" });
    expect(badEncoding.status).toBeLessThan(500);
    // InvokeEndpoint payloads are limited to 6 MB, as on SageMaker.
    const oversized = await aws.runtime
      .send(
        new InvokeEndpointCommand({
          EndpointName: "any",
          Body: Buffer.alloc(7 * 1024 * 1024),
          ContentType: "text/csv",
        }),
      )
      .catch((e) => e);
    expect(oversized.$metadata.httpStatusCode).toBe(413);
    const health = await rawRequest({ method: "GET", path: "/_local/health" });
    expect(health.status).toBe(200);
    await expect(aws.s3.send(new ListBucketsCommand({}))).resolves.toBeDefined();
  });

  test("bad input never gets a 5xx: odd S3 requests and ill-typed JSON inputs", async () => {
    const s3Requests: {
      method: string;
      path: string;
      headers?: Record<string, string>;
      body?: string;
    }[] = [
      { method: "PUT", path: "/edge/copy", headers: { "x-amz-copy-source": "" } },
      { method: "PUT", path: "/edge/copy", headers: { "x-amz-copy-source": "/edge/%ZZ" } },
      {
        method: "PUT",
        path: "/edge/copy",
        headers: { "x-amz-copy-source": "/edge/missing", "x-amz-metadata-directive": "MERGE" },
      },
      { method: "GET", path: "/edge/key?uploadId=../../etc" },
      { method: "PUT", path: "/edge/key?partNumber=0&uploadId=abc", body: "x" },
      { method: "PUT", path: "/edge/key?partNumber=abc&uploadId=abc", body: "x" },
      { method: "POST", path: "/edge/key?uploadId=abc", body: "<CompleteMultipartUpload>" },
      { method: "POST", path: "/edge?delete", body: "<Delete><Object><Key>a</Key></Object>" },
      { method: "POST", path: "/edge?delete", body: "not xml at all &" },
      { method: "GET", path: "/edge?list-type=2&continuation-token=garbage" },
      { method: "GET", path: "/edge?list-type=2&max-keys=-5" },
      { method: "GET", path: "/edge?list-type=2&encoding-type=base64" },
      { method: "GET", path: "/edge/digits", headers: { range: "bytes=5-1" } },
      { method: "DELETE", path: "/edge/key?uploadId=" },
      { method: "PUT", path: "/edge/nul%00key", body: "x" },
      { method: "PUT", path: `/edge/${"x".repeat(300)}`, body: "x" },
      { method: "PUT", path: `/edge/${"y".repeat(1100)}`, body: "x" },
      { method: "PUT", path: "/edge/md5", headers: { "content-md5": "not-base64" }, body: "x" },
      { method: "PUT", path: "/Bad_Bucket" },
      {
        method: "PUT",
        path: "/edge",
        body: "<CreateBucketConfiguration><LocationConstraint>mars-1</LocationConstraint></CreateBucketConfiguration>",
      },
      { method: "PATCH", path: "/edge/key" },
      { method: "GET", path: "/edge?acl" },
      { method: "POST", path: "/" },
    ];
    for (const request of s3Requests) {
      const response = await signedRequest({ ...request, service: "s3" });
      expect({ request, status: response.status < 500 || response.status === 501 }).toEqual({
        request,
        status: true,
      });
    }
    const jsonInputs: [string, unknown][] = [
      ["CodeCommit_20150413.GetCommit", { repositoryName: 42, commitId: ["a"] }],
      ["CodeCommit_20150413.GetBranch", { repositoryName: null, branchName: {} }],
      ["CodeCommit_20150413.ListRepositories", { sortBy: 1, nextToken: "x" }],
      ["CodeCommit_20150413.GetRepository", {}],
    ];
    for (const [target, input] of jsonInputs) {
      const response = await signedRequest({
        method: "POST",
        path: "/",
        service: "codecommit",
        headers: { "x-amz-target": target, "content-type": "application/x-amz-json-1.1" },
        body: JSON.stringify(input),
      });
      expect({ target, status: response.status }).toEqual({ target, status: 400 });
    }
    expect((await rawRequest({ method: "GET", path: "/_local/health" })).status).toBe(200);
  });

  test("the server listens on 127.0.0.1 only", async () => {
    expect(aws.emulator.endpoint).toBe(`http://127.0.0.1:${aws.emulator.port}`);
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter(
        (info): info is os.NetworkInterfaceInfo =>
          info !== undefined && !info.internal && info.family === "IPv4",
      );
    for (const other of others) {
      const result = await new Promise<string>((resolve) => {
        const socket = net.connect({ host: other.address, port: aws.emulator.port, timeout: 2000 });
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
      expect(result).not.toBe("connected");
    }
  });
});

describe("aws-chunked with signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)", () => {
  /** Builds the body and headers as boto3/SDKs do for signed streaming uploads (AWS docs, sigv4-streaming). */
  async function signedChunkedPut(
    key: string,
    chunks: Buffer[],
    tamper = false,
  ): Promise<RawResponse> {
    const url = new URL(`/edge/${key}`, aws.emulator.endpoint);
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const headers: Record<string, string> = {
      host: url.host,
      "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
      "content-encoding": "aws-chunked",
      "x-amz-decoded-content-length": String(total),
    };
    const signer = new SignatureV4({
      credentials: aws.emulator.credentials,
      region: "us-east-1",
      service: "s3",
      sha256: NodeSha256,
      uriEscapePath: false,
    });
    const now = new Date();
    const signed = await signer.sign(
      {
        method: "PUT",
        protocol: "http:",
        hostname: url.hostname,
        path: url.pathname,
        query: {},
        headers,
      },
      { signingDate: now },
    );
    const authorization = String(signed.headers.authorization);
    const seed = /Signature=([0-9a-f]+)/.exec(authorization)![1];
    const longDate = String(signed.headers["x-amz-date"]);
    const shortDate = longDate.slice(0, 8);
    const scope = `${shortDate}/us-east-1/s3/aws4_request`;
    const hmac = (key: Buffer | string, data: string) =>
      crypto.createHmac("sha256", key).update(data).digest();
    const signingKey = hmac(
      hmac(
        hmac(hmac(`AWS4${aws.emulator.credentials.secretAccessKey}`, shortDate), "us-east-1"),
        "s3",
      ),
      "aws4_request",
    );
    const sha = (data: Buffer | string) => crypto.createHash("sha256").update(data).digest("hex");
    let previous = seed;
    const parts: Buffer[] = [];
    for (const chunk of [...chunks, Buffer.alloc(0)]) {
      const stringToSign = [
        "AWS4-HMAC-SHA256-PAYLOAD",
        longDate,
        scope,
        previous,
        sha(""),
        sha(chunk),
      ].join("\n");
      let signature = hmac(signingKey, stringToSign).toString("hex");
      previous = signature;
      if (tamper && chunk.length > 0)
        signature = signature.replace(/^./, (c) => (c === "0" ? "1" : "0"));
      parts.push(
        Buffer.from(`${chunk.length.toString(16)};chunk-signature=${signature}\r\n`),
        chunk,
        Buffer.from("\r\n"),
      );
    }
    const body = Buffer.concat(parts);
    return rawRequest({
      method: "PUT",
      path: url.pathname,
      headers: {
        ...(signed.headers as Record<string, string>),
        "content-length": String(body.length),
      },
      body,
    });
  }

  test("valid chunk signatures store the decoded body", async () => {
    const chunks = [crypto.randomBytes(65536), crypto.randomBytes(1000)];
    const response = await signedChunkedPut("chunked-ok", chunks);
    expect(response.status).toBe(200);
    const got = await aws.s3.send(new GetObjectCommand({ Bucket: "edge", Key: "chunked-ok" }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(chunks))).toBe(
      true,
    );
  });

  test("a wrong chunk signature gets 403 and stores nothing", async () => {
    const response = await signedChunkedPut("chunked-bad", [crypto.randomBytes(2000)], true);
    expect(response.status).toBe(403);
    expect(response.body).toContain("<Code>SignatureDoesNotMatch</Code>");
    const missing = await aws.s3
      .send(new GetObjectCommand({ Bucket: "edge", Key: "chunked-bad" }))
      .catch((e) => e);
    expect(missing.name).toBe("NoSuchKey");
  });
});

describe("presigned URLs (SigV4 query authentication)", () => {
  /** Presigns like @aws-sdk/s3-request-presigner: UNSIGNED-PAYLOAD, host the only signed header. */
  async function presign(
    method: string,
    key: string,
    options: { expiresIn?: number; signingDate?: Date } = {},
  ): Promise<string> {
    const url = new URL(
      `/edge/${key.split("/").map(encodeURIComponent).join("/")}`,
      aws.emulator.endpoint,
    );
    const signer = new SignatureV4({
      credentials: aws.emulator.credentials,
      region: "us-east-1",
      service: "s3",
      sha256: NodeSha256,
      uriEscapePath: false,
    });
    const presigned = await signer.presign(
      {
        method,
        protocol: "http:",
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        query: {},
        headers: { host: url.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      },
      {
        expiresIn: options.expiresIn ?? 300,
        signingDate: options.signingDate,
        unsignableHeaders: new Set(["x-amz-content-sha256"]),
        unhoistableHeaders: new Set(["x-amz-content-sha256"]),
      },
    );
    const query = Object.entries(presigned.query ?? {})
      .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
      .join("&");
    return `${url.pathname}?${query}`;
  }

  test("a presigned PUT and GET work without an Authorization header", async () => {
    const put = await rawRequest({
      method: "PUT",
      path: await presign("PUT", "presigned/a b.txt"),
      body: "shared by URL",
    });
    expect(put.status).toBe(200);
    const get = await rawRequest({
      method: "GET",
      path: await presign("GET", "presigned/a b.txt"),
    });
    expect(get.status).toBe(200);
    expect(get.body).toBe("shared by URL");
  });

  test("an expired or altered presigned URL gets 403", async () => {
    const expired = await rawRequest({
      method: "GET",
      path: await presign("GET", "presigned/a b.txt", {
        expiresIn: 60,
        signingDate: new Date(Date.now() - 3600_000),
      }),
    });
    expect(expired.status).toBe(403);
    expect(expired.body).toContain("<Message>Request has expired</Message>");
    const valid = await presign("GET", "presigned/a b.txt");
    const otherKey = await rawRequest({
      method: "GET",
      path: valid.replace("a%20b.txt", "other.txt"),
    });
    expect(otherKey.status).toBe(403);
    expect(otherKey.body).toContain("<Code>SignatureDoesNotMatch</Code>");
  });
});

describe("/_local/clock", () => {
  afterEach(() => aws.emulator.clock.reset());

  test("GET reads it, POST advance moves it after awaiting listeners, set jumps to a time", async () => {
    const before = JSON.parse(
      (await signedRequest({ method: "GET", path: "/_local/clock", service: "local" })).body,
    );
    expect(before.virtual).toBe(false);
    const seen: string[] = [];
    const unsubscribe = aws.emulator.clock.onAdvance(async ({ from, to }) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen.push(`${to.getTime() - from.getTime()}`);
    });
    try {
      const advanced = await signedRequest({
        method: "POST",
        path: "/_local/clock",
        service: "local",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ advance: "PT1H" }),
      });
      expect(advanced.status).toBe(200);
      // The response comes after the listener finished.
      expect(seen).toEqual([String(3600 * 1000)]);
      const doc = JSON.parse(advanced.body);
      expect(Date.parse(doc.now) - Date.parse(doc.from)).toBeGreaterThanOrEqual(3600 * 1000);
      expect(doc.virtual).toBe(true);

      const set = await signedRequest({
        method: "POST",
        path: "/_local/clock",
        service: "local",
        body: JSON.stringify({ set: "2030-01-01T00:00:00Z" }),
      });
      expect(set.status).toBe(200);
      expect(
        Math.abs(aws.emulator.clock.now().getTime() - Date.parse("2030-01-01T00:00:00Z")),
      ).toBeLessThan(60_000);
    } finally {
      unsubscribe();
    }
  });

  test("the clock API requires a signature and validates its input", async () => {
    const unsigned = await rawRequest({
      method: "POST",
      path: "/_local/clock",
      body: JSON.stringify({ advance: "1h" }),
    });
    expect(unsigned.status).toBe(403);
    expect(aws.emulator.clock.isVirtual()).toBe(false);
    for (const body of [
      { advance: "soon" },
      { set: "not a date" },
      {},
      { set: "2030-01-01T00:00:00Z", advance: "1h" },
    ]) {
      const response = await signedRequest({
        method: "POST",
        path: "/_local/clock",
        service: "local",
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body).__type).toBe("ValidationException");
    }
  });
});
