/**
 * The synchronous SigV4 verifier (helpers/local/server/sigv4.ts) against @smithy/signature-v4,
 * the signer the AWS SDK uses: every request the SDK's signer signs must verify, any change to
 * what was signed must not, and on odd wire requests (dot segments, repeated query keys, folded
 * header values, listed-but-absent headers, an unsigned x-amz-content-sha256) the verifier must
 * accept exactly the signature the smithy signer computes from the same inputs.
 */
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { SignatureV4 } from "@smithy/signature-v4";
import {
  AuthFailure,
  EMPTY_SHA256,
  knownAuthorization,
  NodeSha256,
  parseQuery,
  signingServiceOf,
  verifySigV4,
  type IncomingSignedRequest,
} from "../../helpers/local/server/sigv4";

const CREDENTIALS = {
  accessKeyId: "AKIAEXAMPLE000000000",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
const REGION = "eu-west-1";
const NOW = new Date("2026-03-04T05:06:07Z");

function signer(service: string, secret = CREDENTIALS.secretAccessKey): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: secret },
    region: REGION,
    service,
    sha256: NodeSha256,
    uriEscapePath: service !== "s3",
    applyChecksum: service === "s3",
  });
}

/** A query string as a client puts it on the wire (any escaping that decodes back is valid). */
function wireQuery(query: Record<string, string | string[]>): string {
  return Object.entries(query)
    .flatMap(([key, value]) =>
      (Array.isArray(value) ? value : [value]).map(
        (item) => `${encodeURIComponent(key)}=${encodeURIComponent(item)}`,
      ),
    )
    .join("&");
}

function lowerCaseHeaders(headers: Record<string, string>): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function failureKind(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof AuthFailure) return error.kind;
    throw error;
  }
}

interface SdkCase {
  name: string;
  service: string;
  method: string;
  /** The path as sent on the wire (already percent-encoded where the SDK encodes it). */
  path: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string;
}

const SDK_CASES: SdkCase[] = [
  {
    name: "InvokeEndpoint",
    service: "sagemaker",
    method: "POST",
    path: "/endpoints/credit-default-endpoint/invocations",
    headers: { "content-type": "text/csv", accept: "text/csv" },
    body: "1,2,3.5,,4e-3\n",
  },
  {
    name: "JSON 1.1 with a target header",
    service: "sagemaker",
    method: "POST",
    path: "/",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "SageMaker.DescribeEndpoint",
    },
    body: JSON.stringify({ EndpointName: "e" }),
  },
  {
    name: "a path with escaped and reserved characters",
    service: "sagemaker",
    method: "POST",
    path: "/endpoints/a%20b%2Bc%21%27%28%29%2A~._-/invocations",
    headers: { "content-type": "text/csv" },
    body: "1",
  },
  {
    name: "non-ASCII in path, query and header",
    service: "codecommit",
    method: "GET",
    path: "/caf%C3%A9/%E2%9C%93",
    query: { "n\u00e4me": "\u2713 ok", plain: "x" },
    headers: { "x-amz-meta-note": "  spaced\tvalue   with   runs  " },
  },
  {
    name: "query with repeated keys, empty values and characters to escape",
    service: "sagemaker",
    method: "GET",
    path: "/list",
    query: { b: ["2", "10", "1"], a: "", "c d": "e&f=g", "x*y": "(1)!'" },
  },
  {
    name: "S3 PutObject: the path is signed as sent",
    service: "s3",
    method: "PUT",
    path: "/bucket/folder/a%20b%2Bc/%E2%9C%93/key~1.txt",
    headers: { "content-type": "text/plain", "x-amz-meta-owner": "lab" },
    body: "object body",
  },
  {
    name: "S3 with a dot segment and double slash kept as sent",
    service: "s3",
    method: "GET",
    path: "/bucket//a/./b/../c",
    query: { "list-type": "2", prefix: "a/b c" },
  },
  {
    name: "S3 subresource without a value",
    service: "s3",
    method: "POST",
    path: "/bucket/key",
    query: { uploads: "" },
  },
  {
    name: "S3 unsigned payload",
    service: "s3",
    method: "PUT",
    path: "/bucket/big",
    headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    body: "not hashed",
  },
];

describe("header signatures made by @smithy/signature-v4 verify", () => {
  test.each(SDK_CASES)("$name", async (c) => {
    const query = c.query ?? {};
    const signed = await signer(c.service).sign(
      {
        method: c.method,
        protocol: "http:",
        hostname: "127.0.0.1",
        port: 4566,
        path: c.path,
        query,
        headers: { host: "127.0.0.1:4566", ...(c.headers ?? {}) },
        body: c.body,
      },
      { signingDate: NOW },
    );
    const request: IncomingSignedRequest = {
      method: c.method,
      rawPath: c.path,
      rawQuery: wireQuery(query),
      headers: lowerCaseHeaders(signed.headers),
      // JSON protocols hand the verifier the body; S3 declares its hash in a header.
      body: c.service === "s3" ? undefined : Buffer.from(c.body ?? ""),
    };
    const auth = verifySigV4(request, CREDENTIALS, NOW);
    expect(auth.accessKeyId).toBe(CREDENTIALS.accessKeyId);
    expect(auth.scope).toBe(`20260304/${REGION}/${c.service}/aws4_request`);
    expect(auth.presigned).toBe(false);
    expect(auth.payloadHash).toBe(
      c.service === "s3" ? signed.headers["x-amz-content-sha256"] : sha256Hex(c.body ?? ""),
    );

    // Anything that was signed, changed, is refused.
    const tampered: IncomingSignedRequest[] = [
      { ...request, method: c.method === "GET" ? "HEAD" : "GET" },
      { ...request, rawPath: `${c.path}x` },
      { ...request, rawQuery: `${request.rawQuery}${request.rawQuery ? "&" : ""}extra=1` },
      { ...request, headers: { ...request.headers, host: "127.0.0.1:4567" } },
    ];
    if (request.body)
      tampered.push({ ...request, body: Buffer.concat([request.body, Buffer.from("!")]) });
    for (const other of tampered) {
      expect(failureKind(() => verifySigV4(other, CREDENTIALS, NOW))).toBe("signatureMismatch");
    }
    const wrongSecret = await signer(c.service, "another-secret-000000000000000000000000").sign(
      {
        method: c.method,
        protocol: "http:",
        hostname: "127.0.0.1",
        path: c.path,
        query,
        headers: { host: "127.0.0.1:4566", ...(c.headers ?? {}) },
        body: c.body,
      },
      { signingDate: NOW },
    );
    expect(
      failureKind(() =>
        verifySigV4(
          { ...request, headers: lowerCaseHeaders(wrongSecret.headers) },
          CREDENTIALS,
          NOW,
        ),
      ),
    ).toBe("signatureMismatch");
  });

  test("signing keys are kept per secret, date, region and service", async () => {
    // Each request differs from the one before in exactly one of them: a signing key kept for
    // the previous request must never verify the next one.
    const otherSecret = "another-secret-000000000000000000000000";
    const base = {
      secret: CREDENTIALS.secretAccessKey,
      service: "sagemaker",
      region: REGION,
      date: NOW,
    };
    const variants = [
      { ...base, secret: otherSecret },
      { ...base, service: "codecommit" },
      { ...base, region: "us-west-2" },
      { ...base, date: new Date("2026-03-05T00:01:00Z") },
    ];
    const sequence = [base, ...variants.flatMap((v) => [v, base])];
    for (const v of sequence) {
      const signed = await new SignatureV4({
        credentials: { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: v.secret },
        region: v.region,
        service: v.service,
        sha256: NodeSha256,
        uriEscapePath: true,
        applyChecksum: false,
      }).sign(
        {
          method: "POST",
          protocol: "http:",
          hostname: "127.0.0.1",
          port: 4566,
          path: "/",
          headers: { host: "127.0.0.1:4566", "content-type": "application/x-amz-json-1.1" },
          body: "{}",
        },
        { signingDate: v.date },
      );
      const request: IncomingSignedRequest = {
        method: "POST",
        rawPath: "/",
        rawQuery: "",
        headers: lowerCaseHeaders(signed.headers),
        body: Buffer.from("{}"),
      };
      const own = { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey: v.secret };
      expect(verifySigV4(request, own, v.date).scope).toBe(
        `${v.date.toISOString().slice(0, 10).replace(/-/g, "")}/${v.region}/${v.service}/aws4_request`,
      );
    }
  });

  test("the 15-minute skew holds on both sides", async () => {
    const signed = await signer("sagemaker").sign(
      {
        method: "GET",
        protocol: "http:",
        hostname: "h",
        path: "/",
        query: {},
        headers: { host: "h" },
      },
      { signingDate: NOW },
    );
    const request = {
      method: "GET",
      rawPath: "/",
      rawQuery: "",
      headers: lowerCaseHeaders(signed.headers),
      body: Buffer.alloc(0),
    };
    const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
    expect(failureKind(() => verifySigV4(request, CREDENTIALS, at(15 * 60_000)))).toBeUndefined();
    expect(failureKind(() => verifySigV4(request, CREDENTIALS, at(-15 * 60_000)))).toBeUndefined();
    expect(failureKind(() => verifySigV4(request, CREDENTIALS, at(15 * 60_000 + 1000)))).toBe(
      "skewed",
    );
    expect(failureKind(() => verifySigV4(request, CREDENTIALS, at(-15 * 60_000 - 1000)))).toBe(
      "skewed",
    );
  });

  test("a declared payload hash that is not the body's is refused", async () => {
    const body = "real body";
    const signed = await signer("sagemaker").sign(
      {
        method: "POST",
        protocol: "http:",
        hostname: "h",
        path: "/",
        query: {},
        headers: { host: "h", "x-amz-content-sha256": EMPTY_SHA256 },
        body,
      },
      { signingDate: NOW },
    );
    const request = {
      method: "POST",
      rawPath: "/",
      rawQuery: "",
      headers: lowerCaseHeaders(signed.headers),
      body: Buffer.from(body),
    };
    expect(failureKind(() => verifySigV4(request, CREDENTIALS, NOW))).toBe("signatureMismatch");
    expect(
      failureKind(() => verifySigV4({ ...request, body: Buffer.alloc(0) }, CREDENTIALS, NOW)),
    ).toBeUndefined();
  });
});

/**
 * What the signer computes for a request as it arrives, from the same inputs the verifier uses:
 * the headers the client lists in SignedHeaders (and nothing else), the raw path, the decoded
 * query and the payload hash rule (a declared hash if signed, else the body's). This is the
 * reference the synchronous verifier must agree with on any request, odd ones included.
 */
async function smithySignature(
  request: IncomingSignedRequest,
  service: string,
  signedHeaders: string[],
): Promise<string> {
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const declared = request.headers["x-amz-content-sha256"];
  const signed = await signer(service).sign(
    {
      method: request.method,
      protocol: "http:",
      hostname: "h",
      path: request.rawPath,
      query: parseQuery(request.rawQuery),
      headers,
      body: declared === undefined ? (request.body ?? new Uint8Array(0)) : undefined,
    },
    { signingDate: NOW, signableHeaders: new Set(signedHeaders) },
  );
  return /Signature=([0-9a-f]+)$/.exec(String(signed.headers.authorization))![1];
}

interface OddCase {
  name: string;
  service: string;
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  signedHeaders: string[];
  body?: string;
}

const AMZ_DATE = "20260304T050607Z";

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

const ODD_CASES: OddCase[] = [
  {
    name: "dot segments, empty segments and a trailing slash are normalized (non-S3)",
    service: "sagemaker",
    method: "GET",
    rawPath: "//a/./b/../c//d/",
    rawQuery: "",
    headers: { host: "h" },
    signedHeaders: ["host"],
  },
  {
    name: "a path climbing above the root",
    service: "sagemaker",
    method: "GET",
    rawPath: "/../../x",
    rawQuery: "",
    headers: { host: "h" },
    signedHeaders: ["host"],
  },
  {
    name: "an empty path and an absolute-form request target",
    service: "s3",
    method: "GET",
    rawPath: "http://h/bucket/key",
    rawQuery: "",
    headers: { host: "h", "x-amz-content-sha256": EMPTY_SHA256 },
    signedHeaders: ["host", "x-amz-content-sha256"],
  },
  {
    name: "percent-escapes in the path are escaped again (non-S3)",
    service: "sagemaker",
    method: "POST",
    rawPath: "/endpoints/a%2Fb%25c/invocations",
    rawQuery: "",
    headers: { host: "h", "content-type": "text/csv" },
    signedHeaders: ["content-type", "host"],
    body: "1,2",
  },
  {
    name: "repeated keys in different escapings, keys without values, a signature-like key",
    service: "sagemaker",
    method: "GET",
    rawPath: "/q",
    rawQuery: "a=2&%61=1&b&c=&X-AMZ-SIGNATURE=zz&d=%20%2B+&e=%E2%9C%93",
    headers: { host: "h" },
    signedHeaders: ["host"],
  },
  {
    name: "header values with line breaks, tabs and runs of spaces; duplicated headers",
    service: "sagemaker",
    method: "POST",
    rawPath: "/",
    rawQuery: "",
    headers: {
      host: "h",
      "x-amz-target": " \tSageMaker.ListModels\t ",
      "x-custom": "a\r\n  b   c\t\td ",
      "x-dup": ["one", " two "],
    },
    signedHeaders: ["host", "x-amz-target", "x-custom", "x-dup"],
    body: "{}",
  },
  {
    name: "listed headers that were not sent, generated ones, and usually unsignable ones",
    service: "sagemaker",
    method: "POST",
    rawPath: "/",
    rawQuery: "",
    headers: {
      host: "h",
      date: "Wed, 04 Mar 2026 05:06:07 GMT",
      "user-agent": "aws-sdk-js",
      "proxy-thing": "p",
      "sec-fetch-mode": "cors",
      connection: "keep-alive",
      // Only an own property, as a header parser could make it; a plain object cannot hold it.
      ["__proto__"]: "p",
    },
    signedHeaders: [
      "__proto__",
      "connection",
      "date",
      "host",
      "missing",
      "proxy-thing",
      "sec-fetch-mode",
      "user-agent",
      "x-amz-date",
    ],
    body: "",
  },
  {
    // An SDK-shaped list (lower case, no repeats) takes the verifier's precomputed path.
    name: "a plain SignedHeaders list naming a header that was not sent",
    service: "sagemaker",
    method: "POST",
    rawPath: "/endpoints/e/invocations",
    rawQuery: "",
    headers: { host: "h", "content-type": "text/csv", "x-custom": "a  b" },
    signedHeaders: ["content-type", "host", "missing", "x-amz-date", "x-custom"],
    body: "1,2,3",
  },
  {
    // Any other list takes the signer's own map-and-sort path.
    name: "SignedHeaders in mixed case, unsorted and repeated",
    service: "sagemaker",
    method: "POST",
    rawPath: "/",
    rawQuery: "",
    headers: { host: "h", "x-custom": "v", accept: "*/*" },
    signedHeaders: ["x-custom", "Host", "host", "accept", "x-custom", "X-Amz-Date"],
    body: "{}",
  },
  {
    name: "an unsigned x-amz-content-sha256 leaves the body out (the signer signs an empty payload)",
    service: "sagemaker",
    method: "POST",
    rawPath: "/",
    rawQuery: "",
    headers: { host: "h", "x-amz-content-sha256": sha256Hex("a body") },
    signedHeaders: ["host"],
    body: "a body",
  },
  {
    name: "S3 with a signed streaming payload hash",
    service: "s3",
    method: "PUT",
    rawPath: "/bucket/k%20ey",
    rawQuery: "partNumber=1&uploadId=abc",
    headers: {
      host: "h",
      "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
      "x-amz-decoded-content-length": "10",
      "content-encoding": "aws-chunked",
    },
    signedHeaders: [
      "content-encoding",
      "host",
      "x-amz-content-sha256",
      "x-amz-date",
      "x-amz-decoded-content-length",
    ],
  },
];

describe("odd wire requests: the verifier accepts exactly the smithy signer's signature", () => {
  test.each(ODD_CASES)("$name", async (c) => {
    const base: IncomingSignedRequest = {
      method: c.method,
      rawPath: c.rawPath,
      rawQuery: c.rawQuery,
      headers: { ...c.headers, "x-amz-date": AMZ_DATE },
      body: c.body === undefined ? undefined : Buffer.from(c.body),
    };
    const signature = await smithySignature(base, c.service, c.signedHeaders);
    const withSignature = (value: string): IncomingSignedRequest => ({
      ...base,
      headers: {
        ...base.headers,
        authorization:
          `AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/20260304/${REGION}/${c.service}/aws4_request, ` +
          `SignedHeaders=${c.signedHeaders.join(";")}, Signature=${value}`,
      },
    });
    expect(
      failureKind(() => verifySigV4(withSignature(signature), CREDENTIALS, NOW)),
    ).toBeUndefined();
    expect(
      failureKind(() => verifySigV4(withSignature(signature.toUpperCase()), CREDENTIALS, NOW)),
    ).toBeUndefined();
    const flipped = (signature[0] === "0" ? "1" : "0") + signature.slice(1);
    expect(failureKind(() => verifySigV4(withSignature(flipped), CREDENTIALS, NOW))).toBe(
      "signatureMismatch",
    );
    expect(
      failureKind(() => verifySigV4(withSignature(signature.slice(1)), CREDENTIALS, NOW)),
    ).toBe("signatureMismatch");
  });
});

describe("presigned URLs made by @smithy/signature-v4 verify", () => {
  const PRESIGN_CASES = [
    {
      name: "S3 GET as s3-request-presigner makes it",
      service: "s3",
      method: "GET",
      path: "/bucket/folder/a%20b%2Bc%E2%9C%93.txt",
      query: {},
      headers: { host: "h:1", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      unsignable: true,
    },
    {
      name: "S3 PUT with query parameters and a signed extra header",
      service: "s3",
      method: "PUT",
      path: "/bucket/key",
      query: { partNumber: "2", uploadId: "a b/c", "x-id": "UploadPart" },
      headers: {
        host: "h:1",
        "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
        "content-type": "text/plain",
      },
      unsignable: true,
    },
    {
      name: "S3 with x-amz-content-sha256 signed but not sent (as a browser fetches the URL)",
      service: "s3",
      method: "GET",
      path: "/bucket/k",
      query: { versionId: ["2", "1"] },
      headers: { host: "h:1", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      unsignable: false,
      wireHeaders: { host: "h:1" },
    },
    {
      name: "a non-S3 service (path escaped again, empty payload)",
      service: "sagemaker",
      method: "GET",
      path: "/endpoints/a%20b/x",
      query: { q: "\u2713" },
      headers: { host: "h:1" },
      unsignable: false,
    },
  ] as {
    name: string;
    service: string;
    method: string;
    path: string;
    query: Record<string, string | string[]>;
    headers: Record<string, string>;
    unsignable: boolean;
    wireHeaders?: Record<string, string>;
  }[];

  test.each(PRESIGN_CASES)("$name", async (c) => {
    const presigned = await signer(c.service).presign(
      {
        method: c.method,
        protocol: "http:",
        hostname: "h",
        port: 1,
        path: c.path,
        query: c.query,
        headers: c.headers,
      },
      {
        signingDate: NOW,
        expiresIn: 900,
        unsignableHeaders: c.unsignable ? new Set(["x-amz-content-sha256"]) : undefined,
        unhoistableHeaders: new Set(["x-amz-content-sha256"]),
      },
    );
    const rawQuery = wireQuery(presigned.query as Record<string, string | string[]>);
    const request: IncomingSignedRequest = {
      method: c.method,
      rawPath: c.path,
      rawQuery,
      headers: lowerCaseHeaders(c.wireHeaders ?? c.headers),
    };
    const auth = verifySigV4(request, CREDENTIALS, new Date(NOW.getTime() + 60_000));
    expect(auth.presigned).toBe(true);
    expect(auth.payloadHash).toBe(c.service === "s3" ? "UNSIGNED-PAYLOAD" : EMPTY_SHA256);

    expect(
      failureKind(() => verifySigV4(request, CREDENTIALS, new Date(NOW.getTime() + 901_000))),
    ).toBe("expired");
    // The signer writes X-Amz-Expires as a plain integer whatever its spelling on the wire.
    const zeroPadded = {
      ...request,
      rawQuery: rawQuery.replace("X-Amz-Expires=900", "X-Amz-Expires=0900"),
    };
    expect(verifySigV4(zeroPadded, CREDENTIALS, NOW).presigned).toBe(true);
    const tampered: IncomingSignedRequest[] = [
      { ...request, method: c.method === "GET" ? "PUT" : "GET" },
      { ...request, rawPath: `${c.path}2` },
      { ...request, rawQuery: `${rawQuery}&extra=1` },
      { ...request, rawQuery: rawQuery.replace("X-Amz-Expires=900", "X-Amz-Expires=901") },
      { ...request, headers: { ...request.headers, host: "h:2" } },
    ];
    for (const other of tampered) {
      expect(failureKind(() => verifySigV4(other, CREDENTIALS, NOW))).toBe("signatureMismatch");
    }
  });
});

describe("presigned signatures are compared as text, not as bytes", () => {
  test("a character outside latin1 never matches the byte it would be truncated to", async () => {
    const presigned = await signer("sagemaker").presign(
      {
        method: "GET",
        protocol: "http:",
        hostname: "h",
        port: 1,
        path: "/endpoints/e/x",
        headers: { host: "h:1" },
      },
      { signingDate: NOW, expiresIn: 900 },
    );
    const rawQuery = wireQuery(presigned.query as Record<string, string | string[]>);
    const request = {
      method: "GET",
      rawPath: "/endpoints/e/x",
      rawQuery,
      headers: { host: "h:1" },
    };
    expect(failureKind(() => verifySigV4(request, CREDENTIALS, NOW))).toBeUndefined();
    const signature = /X-Amz-Signature=([0-9a-f]{64})/.exec(rawQuery)![1];
    // U+0161, U+0163 and U+0165 are lower-case letters that a latin1 Buffer write truncates to
    // the bytes of "a", "c" and "e".
    const at = signature.search(/[ace]/);
    const lookalike = String.fromCharCode(0x100 + signature.charCodeAt(at));
    const forged = signature.slice(0, at) + encodeURIComponent(lookalike) + signature.slice(at + 1);
    const forgedRequest = { ...request, rawQuery: rawQuery.replace(signature, forged) };
    expect(failureKind(() => verifySigV4(forgedRequest, CREDENTIALS, NOW))).toBe(
      "signatureMismatch",
    );
    // Hex digits in either case are the same signature; nothing else is lowered into one.
    const upper = { ...request, rawQuery: rawQuery.replace(signature, signature.toUpperCase()) };
    expect(failureKind(() => verifySigV4(upper, CREDENTIALS, NOW))).toBeUndefined();
    // A digit less 0x20 is a control character that OR-ing 0x20 into every unit (a tempting way
    // to lower A-F) would turn back into the digit.
    const digit = signature.search(/[0-9]/);
    const control = encodeURIComponent(String.fromCharCode(signature.charCodeAt(digit) - 0x20));
    const withControl = signature.slice(0, digit) + control + signature.slice(digit + 1);
    const controlRequest = { ...request, rawQuery: rawQuery.replace(signature, withControl) };
    expect(failureKind(() => verifySigV4(controlRequest, CREDENTIALS, NOW))).toBe(
      "signatureMismatch",
    );
  });
});

describe("signingServiceOf (routing before the check)", () => {
  /** An InvokeEndpoint request as the SDK signs it, and a copy of it with any Authorization. */
  async function signedInvocation(body: string) {
    const signed = await signer("sagemaker").sign(
      {
        method: "POST",
        protocol: "http:",
        hostname: "127.0.0.1",
        port: 4566,
        path: "/endpoints/e/invocations",
        headers: { host: "127.0.0.1:4566", "content-type": "text/csv" },
        body,
      },
      { signingDate: NOW },
    );
    const headers = lowerCaseHeaders(signed.headers);
    const withAuthorization = (value: string): IncomingSignedRequest => ({
      method: "POST",
      rawPath: "/endpoints/e/invocations",
      rawQuery: "",
      headers: { ...headers, authorization: value },
      body: Buffer.from(body),
    });
    return { authorization: String(headers.authorization), withAuthorization };
  }

  test("a checked header's service comes from its parsed scope; others from the credential", async () => {
    const { authorization, withAuthorization } = await signedInvocation("1,2");
    verifySigV4(withAuthorization(authorization), CREDENTIALS, NOW);
    expect(signingServiceOf(authorization, knownAuthorization(authorization))).toBe("sagemaker");
    expect(knownAuthorization(authorization)?.scope.service).toBe("sagemaker");
    expect(signingServiceOf(authorization)).toBe("sagemaker");
    // Never checked, malformed after the credential: still routed by the credential's service.
    expect(
      signingServiceOf("AWS4-HMAC-SHA256 Credential=AKID/20260304/us-east-1/s3/aws4_request, junk"),
    ).toBe("s3");
    expect(signingServiceOf("")).toBeUndefined();
    expect(signingServiceOf("Bearer abc Signature=zz")).toBeUndefined();
    expect(knownAuthorization("Bearer abc Signature=zz")).toBeUndefined();
  });

  test("routing hands its lookup of the header to the check, and a header differing only in its signature is checked on its own", async () => {
    const { authorization, withAuthorization: request } = await signedInvocation("3,4");
    // As the edge does it: look the header up once, route by it, then check with it.
    const checked = (value: string) => {
      const known = knownAuthorization(value);
      signingServiceOf(value, known);
      return failureKind(() => verifySigV4(request(value), CREDENTIALS, NOW, known));
    };
    expect(checked(authorization)).toBeUndefined();
    const signature = /Signature=([0-9a-f]{64})$/.exec(authorization)![1];
    const head = authorization.slice(0, authorization.length - signature.length);
    const flipped = (signature[0] === "0" ? "1" : "0") + signature.slice(1);
    expect(checked(head + flipped)).toBe("signatureMismatch");
    expect(checked(head + "z".repeat(64))).toBe("malformed");
    expect(checked(head + signature.slice(0, 63))).toBe("signatureMismatch");
    // The same text in a new string, as the next request's header arrives.
    expect(checked(head + signature.split("").join(""))).toBeUndefined();
    expect(checked(authorization)).toBeUndefined();
    expect(checked(head + signature.toUpperCase())).toBeUndefined();
    // Around a known head: white space is trimmed, and the signature is what follows the last
    // "Signature=", however long.
    expect(checked(` ${authorization} `)).toBeUndefined();
    expect(checked(authorization + "0")).toBe("signatureMismatch");
    expect(checked(`${head}${signature}, Signature=${signature}`)).toBe("malformed");
    expect(checked(head)).toBe("malformed");
    // A lookup of another header is not taken for this one's.
    const otherKnown = knownAuthorization(authorization);
    expect(otherKnown).toBeDefined();
    expect(
      failureKind(() => verifySigV4(request(head + flipped), CREDENTIALS, NOW, otherKnown)),
    ).toBe("signatureMismatch");
  });
});
