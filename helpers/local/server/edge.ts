/**
 * The emulator's HTTP edge: one server for every service, like AWS's regional front doors.
 *
 * For each request it decides the service (X-Amz-Target for the JSON 1.1 services, the SageMaker
 * Runtime invocation path, otherwise S3's REST API), verifies the SigV4 signature against the
 * workspace credentials, decodes the request for the service, and encodes the result or the
 * AwsError in that service's protocol. Bad input never takes the server down and never gets a
 * 5xx: only a bug in a handler (a non-AwsError exception) is answered with 500 and logged.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { VirtualClock } from "../clock";
import { AwsError, type JsonService } from "../context";
import type { LocalCredentials } from "../credentials";
import { changeClock, clockDocument, type HealthDocument } from "./localApi";
import { verifiedS3Body, type VerifiedBody } from "./payload";
import { ResponseBatch } from "./responseBatch";
import { authError, newRequestId, writeError, writeJson, type Protocol } from "./responses";
import {
  MAX_INVOCATION_PAYLOAD_BYTES,
  RUNTIME_INPUT_HEADERS,
  isPromise,
  type InvokeEndpointResult,
  type RuntimeService,
} from "./runtime";
import {
  AuthFailure,
  knownAuthorization,
  parseQuery,
  signingServiceOf,
  verifySigV4,
  type KnownAuthorization,
  type VerifiedAuth,
} from "./sigv4";

/** An S3 REST request after routing and authentication; the body is decoded and verified. */
export interface S3Request {
  method: string;
  /** Undefined for service-level requests (ListBuckets). */
  bucket?: string;
  /** Undefined for bucket-level requests; decoded from the path. */
  key?: string;
  query: Record<string, string | string[]>;
  headers: http.IncomingHttpHeaders;
  requestId: string;
  /** `http://host:port` as the client addressed us (for Location members). */
  origin: string;
  body(): VerifiedBody;
}

export interface S3RestApi {
  /** Writes the response; throws AwsError for the edge to encode as S3 XML. */
  handle(request: S3Request, res: http.ServerResponse): Promise<void>;
}

export interface EdgeOptions {
  credentials: LocalCredentials;
  clock: VirtualClock;
  health(): HealthDocument;
  /** JSON 1.1 services by X-Amz-Target prefix, e.g. `SageMaker`, `CodeCommit_20150413`. */
  jsonServices: Record<string, JsonService>;
  runtime: RuntimeService;
  s3: S3RestApi;
  /** Where unexpected handler failures are reported (default: stderr). */
  log?(message: string): void;
}

/** Largest JSON 1.1 request body accepted (SageMaker's largest inputs are far smaller). */
const MAX_JSON_BODY_BYTES = 16 * 1024 * 1024;

const RUNTIME_PATH = /^\/endpoints\/([^/]+)\/invocations$/;
const VIRTUAL_HOST = /^(.+)\.localhost(?::\d+)?$/i;

/**
 * One HTTP exchange as every handler sees it: the request and its response, the path and query
 * exactly as sent (signatures cover them undecoded), and the id the answer carries.
 */
interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  rawPath: string;
  rawQuery: string;
  requestId: string;
  /** The Authorization header as routing looked it up, handed on to the signature check. */
  authorization?: KnownAuthorization;
}

interface Route {
  protocol: Protocol;
  kind: "health" | "local" | "json" | "runtime" | "s3";
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function route(
  req: http.IncomingMessage,
  rawPath: string,
  rawQuery: string,
  authorization: KnownAuthorization | undefined,
): Route {
  if (rawPath === "/_local/health" && (req.method === "GET" || req.method === "HEAD")) {
    return { protocol: "json", kind: "health" };
  }
  if (rawPath.startsWith("/_local/")) {
    return { protocol: "json", kind: "local" };
  }
  if (header(req, "x-amz-target") !== undefined) {
    return { protocol: "json", kind: "json" };
  }
  const signingService = signingServiceOf(header(req, "authorization") ?? "", authorization);
  const host = header(req, "host") ?? "";
  const runtimePath =
    req.method === "POST" && RUNTIME_PATH.test(rawPath) && !VIRTUAL_HOST.test(host);
  if (signingService !== undefined && signingService !== "s3") {
    return runtimePath
      ? { protocol: "restJson", kind: "runtime" }
      : { protocol: "json", kind: "json" };
  }
  if (
    signingService === undefined &&
    runtimePath &&
    !/(^|&)(uploads|uploadId|delete)(=|&|$)/.test(rawQuery)
  ) {
    return { protocol: "restJson", kind: "runtime" };
  }
  return { protocol: "s3", kind: "s3" };
}

const RUNTIME_INPUT_MEMBERS = Object.entries(RUNTIME_INPUT_HEADERS);

/** Bytes as a Buffer without copying them. */
function asBuffer(bytes: Uint8Array | undefined): Buffer {
  if (bytes === undefined) return Buffer.alloc(0);
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * InvokeEndpoint's REST-JSON answer: the body as is, the output members as headers; the head is
 * written now and the body with this event-loop turn's other answers (ResponseBatch).
 */
function writeInvocation(
  res: http.ServerResponse,
  output: InvokeEndpointResult,
  requestId: string,
  batch: ResponseBatch,
): void {
  const payload = asBuffer(output.Body as Uint8Array | undefined);
  const headers: Record<string, string | number> = {
    "Content-Type": output.ContentType ?? "application/json",
    "Content-Length": payload.length,
    "x-amzn-RequestId": requestId,
  };
  if (output.InvokedProductionVariant)
    headers["x-Amzn-Invoked-Production-Variant"] = output.InvokedProductionVariant;
  if (output.CustomAttributes)
    headers["X-Amzn-SageMaker-Custom-Attributes"] = output.CustomAttributes;
  if (output.NewSessionId) headers["X-Amzn-SageMaker-New-Session-Id"] = output.NewSessionId;
  if (output.ClosedSessionId)
    headers["X-Amzn-SageMaker-Closed-Session-Id"] = output.ClosedSessionId;
  res.writeHead(200, headers);
  batch.end(res, payload);
}

/**
 * Collects a whole (small) body, refusing more than `limit` bytes, and hands it to `done` or the
 * failure to `failed`, exactly once (a stream error after the end is ignored, as a settled promise
 * would ignore it). Callbacks, not a promise: the invocation path answers without a promise hop.
 */
function collectBody(
  req: http.IncomingMessage,
  limit: number,
  tooLarge: () => AwsError,
  done: (body: Buffer) => void,
  failed: (error: unknown) => void,
): void {
  const declared = Number(header(req, "content-length") ?? "0");
  if (declared > limit) {
    failed(tooLarge());
    return;
  }
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let size = 0;
  let settled = false;
  const fail = (error: unknown) => {
    if (settled) return;
    settled = true;
    failed(error);
  };
  req.on("data", (chunk: Buffer) => {
    if (settled) return;
    size += chunk.length;
    if (size > limit) {
      req.resume();
      fail(tooLarge());
      return;
    }
    if (first === undefined) first = chunk;
    else (more ??= [first]).push(chunk);
  });
  req.on("end", () => {
    if (settled) return;
    settled = true;
    // A small body usually arrives in one chunk: no copy then.
    done(more ? Buffer.concat(more) : (first ?? EMPTY_BODY));
  });
  req.on("error", fail);
}

const EMPTY_BODY = Buffer.alloc(0);

/** Reads a whole (small) body, refusing more than `limit` bytes. */
function readBody(
  req: http.IncomingMessage,
  limit: number,
  tooLarge: () => AwsError,
): Promise<Buffer> {
  return new Promise((resolve, reject) => collectBody(req, limit, tooLarge, resolve, reject));
}

export function createEdgeServer(options: EdgeOptions): http.Server {
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const answers = new ResponseBatch(log);

  function authenticate(
    { req, rawPath, rawQuery, authorization }: Exchange,
    body?: Buffer,
  ): VerifiedAuth {
    return verifySigV4(
      { method: req.method ?? "GET", rawPath, rawQuery, headers: req.headers, body },
      options.credentials,
      new Date(),
      authorization,
    );
  }

  async function handleJson(exchange: Exchange): Promise<void> {
    const { req, res, requestId } = exchange;
    const body = await readBody(
      req,
      MAX_JSON_BODY_BYTES,
      () =>
        new AwsError(
          "SerializationException",
          `Request body exceeds ${MAX_JSON_BODY_BYTES} bytes`,
          413,
        ),
    );
    authenticate(exchange, body);
    const target = header(req, "x-amz-target") ?? "";
    const dot = target.lastIndexOf(".");
    const service = dot > 0 ? options.jsonServices[target.slice(0, dot)] : undefined;
    if (!service) {
      throw new AwsError(
        "UnknownOperationException",
        target
          ? `X-Amz-Target ${target} names no service of the local emulator (known: ${Object.keys(
              options.jsonServices,
            )
              .map((p) => `${p}.*`)
              .join(", ")})`
          : "Missing X-Amz-Target header: JSON 1.1 requests name their operation there",
      );
    }
    const input = parseJsonInput(body);
    const output = await service.handle(target.slice(dot + 1), input);
    writeJson(res, 200, output ?? {}, requestId);
  }

  async function handleLocal(exchange: Exchange): Promise<void> {
    const { req, res, rawPath, requestId } = exchange;
    const body = await readBody(
      req,
      1024 * 1024,
      () => new AwsError("SerializationException", "Request body too large", 413),
    );
    authenticate(exchange, body);
    if (rawPath === "/_local/clock" && req.method === "GET") {
      writeJson(res, 200, clockDocument(options.clock), requestId);
    } else if (rawPath === "/_local/clock" && req.method === "POST") {
      writeJson(res, 200, await changeClock(options.clock, parseJsonInput(body)), requestId);
    } else {
      throw new AwsError(
        "UnknownOperationException",
        `${req.method} ${rawPath} is not part of the local API (GET /_local/health, GET|POST /_local/clock)`,
        404,
      );
    }
  }

  /**
   * InvokeEndpoint, the emulator's hottest path: answered from the body's `end` event without a
   * promise hop unless the runtime itself answers with a promise (an endpoint being restored).
   */
  function handleRuntime(exchange: Exchange, failed: (error: unknown) => void): void {
    const { req, res, requestId } = exchange;
    collectBody(
      req,
      MAX_INVOCATION_PAYLOAD_BYTES,
      () =>
        new AwsError(
          "ValidationError",
          `Request payload exceeds the maximum of ${MAX_INVOCATION_PAYLOAD_BYTES} bytes (6 MB) for InvokeEndpoint.`,
          413,
        ),
      (body) => {
        try {
          const answer = invoke(exchange, body);
          if (isPromise(answer))
            answer.then((output) => writeInvocation(res, output, requestId, answers)).catch(failed);
          else writeInvocation(res, answer, requestId, answers);
        } catch (error) {
          failed(error);
        }
      },
      failed,
    );
  }

  function invoke(
    exchange: Exchange,
    body: Buffer,
  ): InvokeEndpointResult | Promise<InvokeEndpointResult> {
    const { req, rawPath } = exchange;
    authenticate(exchange, body);
    const encodedName = RUNTIME_PATH.exec(rawPath)![1];
    let endpointName: string;
    try {
      endpointName = percentDecoded(encodedName);
    } catch {
      throw new AwsError(
        "ValidationError",
        `The endpoint name '${encodedName}' in the request path is not valid percent-encoding.`,
      );
    }
    const input: Record<string, unknown> = { EndpointName: endpointName, Body: body };
    for (const [name, member] of RUNTIME_INPUT_MEMBERS) {
      const value = header(req, name);
      if (value !== undefined) input[member] = value;
    }
    return options.runtime.invokeEndpoint(input as { EndpointName: string; Body: Uint8Array });
  }

  async function handleS3(exchange: Exchange): Promise<void> {
    const { req, res, rawPath, rawQuery, requestId } = exchange;
    const host = header(req, "host") ?? "127.0.0.1";
    const auth = authenticate(exchange);
    if (!auth.presigned && header(req, "x-amz-content-sha256") === undefined) {
      // SigV4 for S3 must say how the payload is covered (a hash, unsigned, or streaming).
      throw new AwsError(
        "InvalidRequest",
        "Missing required header for this request: x-amz-content-sha256",
        400,
      );
    }
    const query = parseQuery(rawQuery);
    let bucket: string | undefined;
    let keyPath: string;
    const virtual = VIRTUAL_HOST.exec(host);
    if (virtual) {
      bucket = virtual[1];
      keyPath = rawPath.slice(1);
    } else {
      const slash = rawPath.indexOf("/", 1);
      const bucketPart = slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash);
      bucket = bucketPart.length > 0 ? decodePath(bucketPart) : undefined;
      keyPath = slash < 0 ? "" : rawPath.slice(slash + 1);
    }
    const key = keyPath.length > 0 ? decodePath(keyPath) : undefined;
    let body: VerifiedBody | undefined;
    await options.s3.handle(
      {
        method: req.method ?? "GET",
        bucket,
        key,
        query,
        headers: req.headers,
        requestId,
        origin: `http://${host}`,
        body: () => (body ??= verifiedS3Body(req, auth)),
      },
      res,
    );
  }

  /** Encodes a failure in the route's protocol; only a non-AwsError is a 500 (and logged). */
  function answerFailure(caught: unknown, exchange: Exchange, protocol: Protocol): void {
    const { req, res, rawPath, requestId } = exchange;
    let error: AwsError;
    if (caught instanceof AwsError) {
      error = caught;
    } else if (caught instanceof AuthFailure) {
      error = authError(protocol, caught);
    } else {
      log(
        `local-aws: ${req.method} ${req.url} failed: ${(caught as Error)?.stack ?? String(caught)}`,
      );
      error =
        protocol === "s3"
          ? new AwsError(
              "InternalError",
              "We encountered an internal error. Please try again.",
              500,
            )
          : new AwsError(
              "InternalFailure",
              "The request processing has failed because of an unknown error.",
              500,
            );
    }
    // Let the rest of an unread request body drain so the connection can be reused.
    if (!req.complete) req.resume();
    writeError(protocol, res, error, requestId, {
      head: req.method === "HEAD",
      resource: protocol === "s3" ? safeDecode(rawPath) : undefined,
    });
  }

  /** Every route but InvokeEndpoint's (handleRuntime answers that one without a promise). */
  async function handle(current: Route, exchange: Exchange): Promise<void> {
    switch (current.kind) {
      case "health":
        writeJson(exchange.res, 200, options.health(), exchange.requestId);
        return;
      case "local":
        await handleLocal(exchange);
        return;
      case "json":
        await handleJson(exchange);
        return;
      case "s3":
        await handleS3(exchange);
        return;
    }
  }

  const server = http.createServer((req, res) => {
    const requestId = newRequestId();
    const rawUrl = req.url ?? "/";
    const questionMark = rawUrl.indexOf("?");
    const rawPath = questionMark < 0 ? rawUrl : rawUrl.slice(0, questionMark);
    const rawQuery = questionMark < 0 ? "" : rawUrl.slice(questionMark + 1);
    const authorizationHeader = header(req, "authorization");
    const authorization =
      authorizationHeader === undefined ? undefined : knownAuthorization(authorizationHeader);
    const exchange: Exchange = { req, res, rawPath, rawQuery, requestId, authorization };
    let current: Route = { protocol: "json", kind: "json" };
    const failed = (caught: unknown) => answerFailure(caught, exchange, current.protocol);
    try {
      current = route(req, rawPath, rawQuery, authorization);
      if (current.kind === "runtime") {
        handleRuntime(exchange, failed);
      } else {
        handle(current, exchange).catch(failed);
      }
    } catch (caught) {
      failed(caught);
    }
  });
  // Unparseable HTTP (bad request line, oversized headers): answer 400 instead of dropping.
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (socket.writable && error.code !== "ECONNRESET") {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    } else {
      socket.destroy();
    }
  });
  return server;
}

function parseJsonInput(body: Buffer): Record<string, unknown> {
  if (body.length === 0) {
    return {};
  }
  let input: unknown;
  try {
    input = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new AwsError(
      "SerializationException",
      `The request body is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new AwsError(
      "SerializationException",
      "The request body must be a JSON object (the operation's input structure)",
    );
  }
  return input as Record<string, unknown>;
}

/**
 * A path segment decoded. Most names and keys carry no escape, and decodeURIComponent costs about
 * 0.19 µs even then (bench/README.md, round 14), so those are returned as they are.
 * Throws URIError on a malformed escape, as decodeURIComponent does.
 */
function percentDecoded(raw: string): string {
  return raw.includes("%") ? decodeURIComponent(raw) : raw;
}

function decodePath(raw: string): string {
  try {
    return percentDecoded(raw);
  } catch {
    throw new AwsError("InvalidURI", "Couldn't parse the specified URI.");
  }
}

function safeDecode(raw: string): string {
  try {
    return percentDecoded(raw);
  } catch {
    return raw;
  }
}

/** Starts listening on 127.0.0.1 only; resolves with the bound port. */
export function listenLocal(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new Error(
              `Port ${port} on 127.0.0.1 is already in use; choose another port, or 0 for any free port`,
            )
          : error,
      );
    server.once("error", failed);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", failed);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
