/**
 * Wire encodings of results and errors, one per protocol the emulator speaks:
 * JSON 1.1 (SageMaker, CodeCommit, the /_local API), REST-JSON (SageMaker Runtime) and
 * REST-XML (S3). Error shapes follow what the SDKs' deserializers read: `__type` + `message`
 * for JSON, `x-amzn-ErrorType` for REST-JSON, `<Error><Code>` for S3.
 */
import * as crypto from "node:crypto";
import type { ServerResponse } from "node:http";
import { types } from "node:util";
import { AwsError } from "../context";
import { escapeXml, XML_DECLARATION } from "./xml";
import { AuthFailure } from "./sigv4";

export type Protocol = "json" | "restJson" | "s3";

export function newRequestId(): string {
  return crypto.randomUUID();
}

/** JSON with Dates as epoch seconds, the timestamp format of AWS's JSON protocols. */
export function toAwsJson(value: unknown): string {
  return JSON.stringify(
    value ?? {},
    function (this: Record<string, unknown>, key: string, encoded: unknown) {
      const raw = this[key];
      // util.types.isDate, not instanceof: a Date made by Node core (fs.stat's birthtime) comes
      // from another realm when the emulator runs inside a jest or tslab sandbox.
      return types.isDate(raw) ? raw.getTime() / 1000 : encoded;
    },
  );
}

export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
): void {
  const payload = Buffer.from(toAwsJson(body));
  res.writeHead(status, {
    "Content-Type": "application/x-amz-json-1.1",
    "Content-Length": payload.length,
    "x-amzn-RequestId": requestId,
  });
  res.end(payload);
}

export function writeJsonError(res: ServerResponse, error: AwsError, requestId: string): void {
  const payload = Buffer.from(
    JSON.stringify({ __type: error.code, message: error.message, ...error.extra }),
  );
  res.writeHead(error.status, {
    "Content-Type": "application/x-amz-json-1.1",
    "Content-Length": payload.length,
    "x-amzn-RequestId": requestId,
    "x-amzn-ErrorType": error.code,
  });
  res.end(payload);
}

export function writeRestJsonError(res: ServerResponse, error: AwsError, requestId: string): void {
  const payload = Buffer.from(
    JSON.stringify({ ErrorCode: error.code, message: error.message, ...error.extra }),
  );
  res.writeHead(error.status, {
    "Content-Type": "application/json",
    "Content-Length": payload.length,
    "x-amzn-RequestId": requestId,
    "x-amzn-ErrorType": error.code,
  });
  res.end(payload);
}

export function s3ResponseHeaders(requestId: string): Record<string, string> {
  return {
    "x-amz-request-id": requestId,
    "x-amz-id-2": Buffer.from(requestId).toString("base64"),
    Server: "AmazonS3",
  };
}

export function writeS3Error(
  res: ServerResponse,
  error: AwsError,
  requestId: string,
  options: { head?: boolean; resource?: string } = {},
): void {
  const members = Object.entries(error.extra)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join("");
  const body = Buffer.from(
    `${XML_DECLARATION}<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
      `${members}${options.resource ? `<Resource>${escapeXml(options.resource)}</Resource>` : ""}` +
      `<RequestId>${requestId}</RequestId><HostId>${s3ResponseHeaders(requestId)["x-amz-id-2"]}</HostId></Error>`,
  );
  // HEAD responses carry no body: the SDKs map the bare status (404 -> NotFound).
  res.writeHead(error.status, {
    ...s3ResponseHeaders(requestId),
    "Content-Type": "application/xml",
    ...(options.head ? {} : { "Content-Length": body.length }),
  });
  res.end(options.head ? undefined : body);
}

export function writeError(
  protocol: Protocol,
  res: ServerResponse,
  error: AwsError,
  requestId: string,
  options: { head?: boolean; resource?: string } = {},
): void {
  if (res.headersSent) {
    // Too late for an error document (a streamed GetObject failed midway): cut the connection so
    // the client sees a truncated body instead of silently short data.
    res.destroy(error);
    return;
  }
  if (protocol === "s3") {
    writeS3Error(res, error, requestId, options);
  } else if (protocol === "restJson") {
    writeRestJsonError(res, error, requestId);
  } else {
    writeJsonError(res, error, requestId);
  }
}

/** Maps a SigV4 failure to the error the real service returns for it. */
export function authError(protocol: Protocol, failure: AuthFailure): AwsError {
  if (protocol === "s3") {
    switch (failure.kind) {
      case "missing":
        return new AwsError("AccessDenied", "Access Denied", 403);
      case "malformed":
        return new AwsError("AuthorizationHeaderMalformed", failure.message, 400);
      case "unknownAccessKey":
        return new AwsError(
          "InvalidAccessKeyId",
          "The AWS Access Key Id you provided does not exist in our records.",
          403,
          failure.details,
        );
      case "skewed":
        return new AwsError(
          "RequestTimeTooSkewed",
          "The difference between the request time and the current time is too large.",
          403,
          failure.details,
        );
      case "expired":
        return new AwsError("AccessDenied", "Request has expired", 403, failure.details);
      default:
        return new AwsError(
          "SignatureDoesNotMatch",
          "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
          403,
          failure.details,
        );
    }
  }
  switch (failure.kind) {
    case "missing":
      return new AwsError(
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
        403,
      );
    case "malformed":
      return new AwsError("IncompleteSignatureException", failure.message, 400);
    case "unknownAccessKey":
      return new AwsError("UnrecognizedClientException", failure.message, 403);
    default:
      return new AwsError("InvalidSignatureException", failure.message, 403);
  }
}
