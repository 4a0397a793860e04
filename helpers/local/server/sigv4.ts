/**
 * SigV4 verification: recompute the signature of an incoming request synchronously with
 * node:crypto, building the canonical request exactly as @smithy/signature-v4 (the signer the AWS
 * SDK itself uses) would, and compare it with the one the client sent, in constant time. The algorithm is AWS's "Signature Version 4 signing process"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html); we only rebuild
 * the request the client signed: its method, raw path, decoded query, the headers it lists in
 * SignedHeaders, and its payload hash.
 */
import * as crypto from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { Checksum, SourceData } from "@smithy/types";
import type { LocalCredentials } from "../credentials";
import { KeyedHmacSha256, sha256Hex } from "./keyedHmac";

/** AWS rejects requests whose signing time is more than 15 minutes away from its own. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** SHA-256 / HMAC-SHA256 with node:crypto, in the shape the smithy signer expects. */
export class NodeSha256 implements Checksum {
  private hash: crypto.Hash | crypto.Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = NodeSha256.create(secret);
  }

  private static create(secret?: SourceData): crypto.Hash | crypto.Hmac {
    return secret === undefined
      ? crypto.createHash("sha256")
      : crypto.createHmac("sha256", toBuffer(secret));
  }

  update(data: Uint8Array): void {
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = NodeSha256.create(this.secret);
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === "string") {
    return Buffer.from(data, "utf8");
  }
  if (ArrayBuffer.isView(data)) {
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }
  return Buffer.from(data);
}

/** Why a request was refused; the edge maps each kind to the service's error code. */
export type AuthFailureKind =
  "missing" | "malformed" | "unknownAccessKey" | "signatureMismatch" | "skewed" | "expired";

export class AuthFailure extends Error {
  constructor(
    readonly kind: AuthFailureKind,
    message: string,
    /** Details some error shapes carry (S3's RequestTime/ServerTime, AWSAccessKeyId). */
    readonly details: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AuthFailure";
  }
}

/** What a verified request was signed with; aws-chunked bodies need it to check chunk signatures. */
export interface VerifiedAuth {
  accessKeyId: string;
  /** `YYYYMMDDTHHMMSSZ` as signed. */
  longDate: string;
  /** `YYYYMMDD/region/service/aws4_request`. */
  scope: string;
  region: string;
  service: string;
  signature: string;
  signingKey: Buffer;
  /** The x-amz-content-sha256 value (S3) or the body hash the signature covered. */
  payloadHash: string;
  /** True for query-string (presigned URL) authentication. */
  presigned: boolean;
}

export interface IncomingSignedRequest {
  method: string;
  /** Path as sent on the request line, still percent-encoded. */
  rawPath: string;
  /** Query string as sent, without '?'. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  /** The full body for services whose payload hash is not sent in a header (JSON protocols). */
  body?: Buffer;
}

/** An Authorization header up to its signature (`..., Signature=`), as the SDKs write it. */
const SCOPE_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*$/;
const HEX = /^[0-9a-fA-F]+$/;

/** What an Authorization header says before its signature; the same text comes on every request. */
interface PresentedScope {
  accessKeyId: string;
  shortDate: string;
  region: string;
  service: string;
  /** SignedHeaders as listed. */
  signedHeaders: string[];
  /**
   * The canonical header names in order (x-amz-date included, the names the signer adds itself
   * left out), when the list is plain: lower-case and without repeats, as every SDK writes it.
   * Otherwise undefined, and each request takes the general path.
   */
  canonicalNames?: string[];
}

/** Parsed scopes by header text up to the signature (one per client, day and service). */
const presentedScopes = new Map<string, PresentedScope>();
const MAX_PRESENTED_SCOPES = 256;

/**
 * An Authorization header whose text up to the signature parsed as a scope before (every request
 * after a client's first), with a hex signature. Routing looks the header up once per request and
 * hands the result to verification (`verifySigV4`'s `known`): each used to split the header and
 * hash its ~150-character head for the map on its own (bench/README.md, round 13).
 */
export interface KnownAuthorization {
  readonly authorization: string;
  readonly scope: PresentedScope;
  readonly signature: string;
}

/** The parsed scope of a header whose head was seen before, if its signature is hex. Never throws. */
export function knownAuthorization(authorization: string): KnownAuthorization | undefined {
  const { head, signature } = splitAuthorization(authorization);
  const scope = HEX.test(signature) ? presentedScopes.get(head) : undefined;
  return scope === undefined ? undefined : { authorization, scope, signature };
}

/**
 * The service an Authorization header's credential scope names, for routing before the check:
 * never throws. A header already checked comes with its parsed scope (`knownAuthorization`); any
 * other is read by the credential's fourth field, as sent (the same service for a valid header).
 */
export function signingServiceOf(
  authorization: string,
  known?: KnownAuthorization,
): string | undefined {
  return (
    known?.scope.service ?? /Credential=[^/]*\/[^/]*\/[^/]*\/([^/]+)\//.exec(authorization)?.[1]
  );
}

/** An Authorization header as the text up to its signature and the signature after it. */
function splitAuthorization(authorization: string): { head: string; signature: string } {
  const text = authorization.trim();
  const at = text.lastIndexOf("Signature=");
  return at < 0
    ? { head: "", signature: "" }
    : { head: text.slice(0, at), signature: text.slice(at + "Signature=".length) };
}

function presentedAuthorization(
  authorization: string,
  known: KnownAuthorization | undefined,
): KnownAuthorization {
  // The same string routing looked up (compared by reference first, so this costs nothing).
  if (known !== undefined && known.authorization === authorization) return known;
  // Otherwise split once: a header not looked up before, or the first of a client's.
  const { head, signature } = splitAuthorization(authorization);
  const signed = HEX.test(signature);
  const seen = signed ? presentedScopes.get(head) : undefined;
  if (seen !== undefined) return { authorization, scope: seen, signature };
  const match = signed ? SCOPE_PATTERN.exec(head) : null;
  if (!match) {
    throw new AuthFailure(
      "malformed",
      `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' with algorithm AWS4-HMAC-SHA256. Authorization=${authorization.split(" ")[0]}`,
    );
  }
  const scope = parseScope(match[1], match[2]);
  if (presentedScopes.size >= MAX_PRESENTED_SCOPES) presentedScopes.clear();
  presentedScopes.set(head, scope);
  return { authorization, scope, signature };
}

function parseScope(credential: string, signedHeadersText: string): PresentedScope {
  const credentialParts = credential.split("/");
  if (credentialParts.length !== 5 || credentialParts[4] !== "aws4_request") {
    throw new AuthFailure(
      "malformed",
      `Credential should be scoped to a valid region, service and 'aws4_request'. Credential=${credential}`,
    );
  }
  const [accessKeyId, shortDate, region, service] = credentialParts;
  const signedHeaders = signedHeadersText.split(";");
  const plain = signedHeaders.filter(
    (name) => name !== "authorization" && name !== "date" && name !== "x-amz-date",
  );
  const isPlain =
    plain.every((name) => name === name.toLowerCase() && name !== "__proto__") &&
    new Set(plain).size === plain.length;
  return {
    accessKeyId,
    shortDate,
    region,
    service,
    signedHeaders,
    canonicalNames: isPlain ? [...plain, "x-amz-date"].sort() : undefined,
  };
}

/** Parses a query string into the decoded map the signer canonicalizes (repeated keys -> arrays). */
export function parseQuery(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  if (rawQuery.length === 0) {
    return query;
  }
  for (const part of rawQuery.split("&")) {
    if (part.length === 0) {
      continue;
    }
    const eq = part.indexOf("=");
    const key = decodeQueryComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? "" : decodeQueryComponent(part.slice(eq + 1));
    const existing = query[key];
    if (existing === undefined) {
      query[key] = value;
    } else if (Array.isArray(existing)) {
      existing.push(value);
    } else {
      query[key] = [existing, value];
    }
  }
  return query;
}

function decodeQueryComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new AuthFailure(
      "malformed",
      `The query string contains an invalid percent-encoding: ${text}`,
    );
  }
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/** Parses `YYYYMMDDTHHMMSSZ`. */
export function parseAmzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) {
    return undefined;
  }
  const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

/**
 * The signing time of an `X-Amz-Date`, and the date as the signer writes it back (the same text
 * unless a field overflows, e.g. month 13). Clients sign many requests within one second, so the
 * last one is kept.
 */
let lastSigningTime: { text: string; date: Date; longDate: string } | undefined;

function signingTime(text: string): { date: Date; longDate: string } | undefined {
  if (lastSigningTime?.text === text) return lastSigningTime;
  const date = parseAmzDate(text);
  if (!date) return undefined;
  lastSigningTime = { text, date, longDate: formatAmzDate(date) };
  return lastSigningTime;
}

/**
 * Signing keys change once a day per region and service, so they are derived once and kept (as
 * AWS SDK signers do): every verified request returns one, and four HMACs per request on the
 * invocation path would be wasted work.
 */
const signingKeys = new Map<string, Buffer>();
const MAX_SIGNING_KEYS = 64;
let lastSigningKey:
  { shortDate: string; region: string; service: string; secret: string; key: Buffer } | undefined;

export function deriveSigningKey(
  secret: string,
  shortDate: string,
  region: string,
  service: string,
): Buffer {
  const last = lastSigningKey;
  if (
    last !== undefined &&
    last.shortDate === shortDate &&
    last.service === service &&
    last.region === region &&
    last.secret === secret
  ) {
    return last.key; // the usual case: the same client, day and service as the request before
  }
  const cacheKey = `${shortDate}\n${region}\n${service}\n${secret}`;
  const cached = signingKeys.get(cacheKey);
  if (cached) {
    lastSigningKey = { shortDate, region, service, secret, key: cached };
    return cached;
  }
  const hmac = (key: string | Buffer, data: string): Buffer =>
    crypto.createHmac("sha256", key).update(data).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, shortDate), region), service), "aws4_request");
  if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.clear(); // dates roll over: stay bounded
  signingKeys.set(cacheKey, key);
  lastSigningKey = { shortDate, region, service, secret, key };
  return key;
}

const SIGNATURE_HEX_DIGITS = 64;

/**
 * Whether a presented signature is the expected one (lower-case hex, as computed), in time that
 * does not depend on where they differ: every character is compared, the differences OR-ed
 * together, with no branch on the expected value.
 *
 * Why not crypto.timingSafeEqual: it compares bytes, and writing both strings into buffers for it
 * cost more than the comparison on every request. Comparing UTF-16 code units also keeps a
 * character outside latin1 from matching the byte it would have been truncated to.
 */
function timingSafeEqualHex(expected: string, presented: string): boolean {
  const lowered = presented.toLowerCase(); // hex digits may come in either case
  if (expected.length !== SIGNATURE_HEX_DIGITS || lowered.length !== SIGNATURE_HEX_DIGITS) {
    return false;
  }
  let difference = 0;
  for (let i = 0; i < SIGNATURE_HEX_DIGITS; i++) {
    difference |= expected.charCodeAt(i) ^ lowered.charCodeAt(i);
  }
  return difference === 0;
}

/**
 * The canonical request pieces, exactly as @smithy/signature-v4 (the SDK's signer) builds them
 * from the same inputs; test/local/sigv4.test.ts checks the two agree.
 */

/** RFC 3986 escaping as SigV4 wants it: encodeURIComponent plus `!'()*`. */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The signed headers the request carries, by name. The signer leaves out the names it generates
 * itself (authorization, date, x-amz-date), and a name the client listed but did not send.
 */
function signedHeaderValues(
  requestHeaders: IncomingHttpHeaders,
  signedHeaders: string[],
): Map<string, string> {
  const headers = new Map<string, string>();
  for (const name of signedHeaders) {
    const lower = name.toLowerCase();
    if (lower === "authorization" || lower === "date" || lower === "x-amz-date") continue;
    if (name === "__proto__") continue; // a plain object (the signer's) cannot hold this name
    const value = headerValue(requestHeaders, name);
    if (value !== undefined) headers.set(lower, value);
  }
  return headers;
}

/**
 * S3 signs the path as sent; every other service signs it normalized (no empty, `.` or `..`
 * segments) and escaped once more.
 */
function canonicalPath(rawPath: string, service: string): string {
  const path =
    rawPath.length === 0 ? "/" : rawPath.charCodeAt(0) === 0x2f ? rawPath : `/${rawPath}`;
  if (service === "s3") return path;
  let canonical = canonicalPaths.get(path);
  if (canonical === undefined) {
    if (canonicalPaths.size >= MAX_CANONICAL_PATHS) canonicalPaths.clear();
    canonical = normalizedEscapedPath(path);
    canonicalPaths.set(path, canonical);
  }
  return canonical;
}

/** The same few paths (one per endpoint or operation) are signed over and over. */
const canonicalPaths = new Map<string, string>();
const MAX_CANONICAL_PATHS = 256;

function normalizedEscapedPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment.length === 0 || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const normalized = `/${segments.join("/")}${segments.length > 0 && path.endsWith("/") ? "/" : ""}`;
  return escapeUri(normalized).replace(/%2F/g, "/");
}

/** Sorted `key=value` pairs, both escaped; X-Amz-Signature (any case) is left out. */
function canonicalQuery(query: Record<string, string | string[]>): string {
  const keys: string[] = [];
  const serialized = new Map<string, string>();
  for (const key of Object.keys(query)) {
    if (key.toLowerCase() === "x-amz-signature") continue;
    const encodedKey = escapeUri(key);
    keys.push(encodedKey);
    const value = query[key];
    if (typeof value === "string") {
      serialized.set(encodedKey, `${encodedKey}=${escapeUri(value)}`);
    } else if (Array.isArray(value)) {
      serialized.set(
        encodedKey,
        value
          .map((item) => `${encodedKey}=${escapeUri(item)}`)
          .sort()
          .join("&"),
      );
    }
  }
  return keys
    .sort()
    .map((key) => serialized.get(key))
    .filter((pair) => pair)
    .join("&");
}

/** Header values the signer changes: line breaks, tabs, runs of spaces, edge spaces. */
const NEEDS_FOLDING = /[\r\n\t]| {2}|^ | $/;

/** The canonical headers block of a request, its SignedHeaders line, and what it signed as x-amz-content-sha256. */
interface CanonicalHeaders {
  lines: string;
  names: string;
  signedContentSha256: string | undefined;
}

/**
 * The signed headers as the signer canonicalizes them, with the date it signs with. A plain list
 * is read straight into the block in its precomputed order; any other goes through the map the
 * signer itself builds.
 */
function canonicalHeaders(
  requestHeaders: IncomingHttpHeaders,
  scope: PresentedScope,
  longDate: string,
): CanonicalHeaders {
  const names = scope.canonicalNames;
  if (names !== undefined) {
    let lines = "";
    let present = "";
    let signedContentSha256: string | undefined;
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const value = name === "x-amz-date" ? longDate : headerValue(requestHeaders, name);
      if (value === undefined) continue; // listed but not sent: the signer leaves it out
      if (name === "x-amz-content-sha256") signedContentSha256 = value;
      lines += `${name}:${canonicalValue(value)}\n`;
      present += present.length === 0 ? name : `;${name}`;
    }
    return { lines, names: present, signedContentSha256 };
  }
  const headers = signedHeaderValues(requestHeaders, scope.signedHeaders);
  headers.set("x-amz-date", longDate);
  return headerBlock(headers);
}

/** The canonical headers block of signed header values by lower-case name (the signer's way). */
function headerBlock(headers: Map<string, string>): CanonicalHeaders {
  const names = [...headers.keys()].sort();
  let lines = "";
  for (const name of names) lines += `${name}:${canonicalValue(headers.get(name)!)}\n`;
  return {
    lines,
    names: names.join(";"),
    signedContentSha256: headers.get("x-amz-content-sha256"),
  };
}

/** A header value as the signer writes it: line breaks and runs of blanks folded, edges trimmed. */
function canonicalValue(value: string): string {
  return NEEDS_FOLDING.test(value)
    ? value
        .replace(/[\r\n]/g, " ")
        .replace(/[ \t]+/g, " ")
        .replace(/^ | $/g, "")
    : value;
}

function canonicalRequest(
  method: string,
  path: string,
  query: string,
  headers: CanonicalHeaders,
  payloadHash: string,
): string {
  return `${method || "GET"}\n${path}\n${query}\n${headers.lines}\n${headers.names}\n${payloadHash}`;
}

/** The keyed HMAC of the signing key last used: requests come in runs with the same key. */
let lastKeyedHmac: KeyedHmacSha256 | undefined;

function requestSignature(
  signingKey: Buffer,
  longDate: string,
  scope: string,
  canonical: string,
): string {
  if (lastKeyedHmac?.key !== signingKey) lastKeyedHmac = new KeyedHmacSha256(signingKey);
  return lastKeyedHmac.hex(`AWS4-HMAC-SHA256\n${longDate}\n${scope}\n${sha256Hex(canonical)}`);
}

/**
 * Verifies the Authorization header of a request against the workspace credentials, synchronously
 * (node:crypto, no promise hops: it runs on every request). Throws AuthFailure; `realNow` is real
 * time (clients sign with their real clock, whatever the emulator's virtual clock says).
 */
export function verifySigV4(
  request: IncomingSignedRequest,
  credentials: LocalCredentials,
  realNow: Date = new Date(),
  /** The request's Authorization header as routing looked it up (`knownAuthorization`). */
  known?: KnownAuthorization,
): VerifiedAuth {
  const authorization = headerValue(request.headers, "authorization");
  if (!authorization) {
    if (/(^|&)X-Amz-Signature=/.test(request.rawQuery)) {
      return verifyPresigned(request, credentials, realNow);
    }
    if (/(^|&)AWSAccessKeyId=/.test(request.rawQuery)) {
      throw new AuthFailure(
        "malformed",
        "Signature Version 2 presigned URLs are not supported by the local emulator; presign with SigV4 (boto3: Config(signature_version='s3v4')).",
      );
    }
    throw new AuthFailure("missing", "Missing Authentication Token");
  }
  const { scope: presented, signature } = presentedAuthorization(authorization, known);
  const { accessKeyId, shortDate, region, service } = presented;
  if (accessKeyId !== credentials.accessKeyId) {
    throw new AuthFailure(
      "unknownAccessKey",
      "The security token included in the request is invalid.",
      {
        AWSAccessKeyId: accessKeyId,
      },
    );
  }
  const amzDate = headerValue(request.headers, "x-amz-date");
  const signing = amzDate ? signingTime(amzDate) : undefined;
  if (!amzDate || !signing) {
    throw new AuthFailure(
      "malformed",
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header in ISO 8601 basic format (YYYYMMDDTHHMMSSZ).",
    );
  }
  const skew = signing.date.getTime() - realNow.getTime();
  if (Math.abs(skew) > MAX_CLOCK_SKEW_MS) {
    const now = formatAmzDate(realNow);
    const bound = formatAmzDate(new Date(realNow.getTime() + Math.sign(skew) * MAX_CLOCK_SKEW_MS));
    throw new AuthFailure(
      "skewed",
      skew < 0
        ? `Signature expired: ${amzDate} is now earlier than ${bound} (${now} - 15 min.)`
        : `Signature not yet current: ${amzDate} is still later than ${bound} (${now} + 15 min.)`,
      {
        RequestTime: amzDate,
        ServerTime: realNow.toISOString(),
        MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS),
      },
    );
  }

  const longDate = signing.longDate;
  const headers = canonicalHeaders(request.headers, presented, longDate);
  const declaredHash = headerValue(request.headers, "x-amz-content-sha256");
  const bodyHash = request.body === undefined ? undefined : sha256Hex(request.body);
  // The signer trusts a declared payload hash; with the body at hand, the declaration must be true.
  const payloadMatches =
    declaredHash === undefined || bodyHash === undefined || declaredHash === bodyHash;
  // A declared hash counts only when signed (an unsigned one stands for an empty payload);
  // without one the signature covers the body's own hash.
  const signedPayloadHash =
    headers.signedContentSha256 ??
    (declaredHash !== undefined ? EMPTY_SHA256 : (bodyHash ?? EMPTY_SHA256));
  const signingShortDate = longDate.slice(0, 8);
  const signingKey = deriveSigningKey(
    credentials.secretAccessKey,
    signingShortDate,
    region,
    service,
  );
  const expected = requestSignature(
    signingKey,
    longDate,
    `${signingShortDate}/${region}/${service}/aws4_request`,
    canonicalRequest(
      request.method,
      canonicalPath(request.rawPath, service),
      request.rawQuery.length === 0 ? "" : canonicalQuery(parseQuery(request.rawQuery)),
      headers,
      signedPayloadHash,
    ),
  );
  if (
    !payloadMatches ||
    shortDate !== amzDate.slice(0, 8) ||
    !timingSafeEqualHex(expected, signature)
  ) {
    throw new AuthFailure(
      "signatureMismatch",
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
      { AWSAccessKeyId: accessKeyId },
    );
  }
  return verified(
    { accessKeyId, amzDate, shortDate, region, service, signature },
    { key: signingKey, shortDate: signingShortDate, secret: credentials.secretAccessKey },
    declaredHash ?? bodyHash ?? EMPTY_SHA256,
    false,
  );
}

/** The longest validity AWS accepts for a presigned URL (7 days). */
const MAX_PRESIGNED_EXPIRES_SECONDS = 7 * 24 * 3600;

/**
 * Query-string authentication (presigned URLs,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html): the X-Amz-*
 * parameters carry what the Authorization header would, and S3's payload is UNSIGNED-PAYLOAD.
 */
function verifyPresigned(
  request: IncomingSignedRequest,
  credentials: LocalCredentials,
  realNow: Date,
): VerifiedAuth {
  const query = parseQuery(request.rawQuery);
  const param = (name: string): string | undefined => {
    const value = query[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const algorithm = param("X-Amz-Algorithm");
  const credential = param("X-Amz-Credential");
  const amzDate = param("X-Amz-Date");
  const expiresText = param("X-Amz-Expires");
  const signedHeadersText = param("X-Amz-SignedHeaders");
  const signature = param("X-Amz-Signature") ?? "";
  if (!algorithm || !credential || !amzDate || !expiresText || !signedHeadersText || !signature) {
    throw new AuthFailure(
      "malformed",
      "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
    );
  }
  if (algorithm !== "AWS4-HMAC-SHA256") {
    throw new AuthFailure(
      "malformed",
      `X-Amz-Algorithm only supports "AWS4-HMAC-SHA256", got "${algorithm}"`,
    );
  }
  const [accessKeyId, shortDate, region, service, terminator, ...rest] = credential.split("/");
  if (terminator !== "aws4_request" || rest.length > 0) {
    throw new AuthFailure(
      "malformed",
      `Error parsing the X-Amz-Credential parameter; ${credential}`,
    );
  }
  if (accessKeyId !== credentials.accessKeyId) {
    throw new AuthFailure(
      "unknownAccessKey",
      "The security token included in the request is invalid.",
      {
        AWSAccessKeyId: accessKeyId,
      },
    );
  }
  const signingDate = parseAmzDate(amzDate);
  const expires = Number(expiresText);
  if (!signingDate) {
    throw new AuthFailure(
      "malformed",
      "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
    );
  }
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGNED_EXPIRES_SECONDS) {
    throw new AuthFailure(
      "malformed",
      "X-Amz-Expires must be between 1 and 604800 seconds (a week)",
    );
  }
  if (realNow.getTime() > signingDate.getTime() + expires * 1000) {
    throw new AuthFailure("expired", "Request has expired", {
      "X-Amz-Expires": expiresText,
      Expires: new Date(signingDate.getTime() + expires * 1000).toISOString(),
      ServerTime: realNow.toISOString(),
    });
  }
  if (signingDate.getTime() - realNow.getTime() > MAX_CLOCK_SKEW_MS) {
    throw new AuthFailure("skewed", "Request is not yet valid", {
      RequestTime: amzDate,
      ServerTime: realNow.toISOString(),
      MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS),
    });
  }
  const signedHeaders = signedHeadersText.split(";");
  // The signer adds no date header to a presigned request, and signs x-amz-content-sha256 only
  // when the client listed it.
  const headers = signedHeaderValues(request.headers, signedHeaders);
  const payloadHash =
    service === "s3" ? (headers.get("x-amz-content-sha256") ?? "UNSIGNED-PAYLOAD") : EMPTY_SHA256;
  if (signedHeaders.includes("x-amz-content-sha256")) {
    headers.set("x-amz-content-sha256", payloadHash);
  }
  const longDate = formatAmzDate(signingDate);
  const signingShortDate = longDate.slice(0, 8);
  const scope = `${signingShortDate}/${region}/${service}/aws4_request`;
  // The X-Amz-* authentication parameters are signed as the signer writes them, the rest as sent.
  const signedQuery: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!/^X-Amz-(Algorithm|Credential|Date|Expires|SignedHeaders|Signature)$/.test(name))
      signedQuery[name] = value;
  }
  signedQuery["X-Amz-Algorithm"] = "AWS4-HMAC-SHA256";
  signedQuery["X-Amz-Credential"] = `${accessKeyId}/${scope}`;
  signedQuery["X-Amz-Date"] = longDate;
  signedQuery["X-Amz-Expires"] = expires.toString(10);
  signedQuery["X-Amz-SignedHeaders"] = [...headers.keys()].sort().join(";");
  const signingKey = deriveSigningKey(
    credentials.secretAccessKey,
    signingShortDate,
    region,
    service,
  );
  const expected = requestSignature(
    signingKey,
    longDate,
    scope,
    canonicalRequest(
      request.method,
      canonicalPath(request.rawPath, service),
      canonicalQuery(signedQuery),
      headerBlock(headers),
      payloadHash,
    ),
  );
  if (shortDate !== amzDate.slice(0, 8) || !timingSafeEqualHex(expected, signature)) {
    throw new AuthFailure(
      "signatureMismatch",
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
      { AWSAccessKeyId: accessKeyId },
    );
  }
  return verified(
    { accessKeyId, amzDate, shortDate, region, service, signature },
    { key: signingKey, shortDate: signingShortDate, secret: credentials.secretAccessKey },
    payloadHash,
    true,
  );
}

/** The credential scope and signature a request presented, once they checked out. */
interface PresentedSignature {
  accessKeyId: string;
  amzDate: string;
  shortDate: string;
  region: string;
  service: string;
  signature: string;
}

/**
 * What both ways of authenticating (header and presigned URL) return: the scope as presented,
 * and the signing key for the scope's date (the key the check derived when its date is the
 * scope's, otherwise one derived for the scope's date).
 */
function verified(
  presented: PresentedSignature,
  signing: { key: Buffer; shortDate: string; secret: string },
  payloadHash: string,
  presigned: boolean,
): VerifiedAuth {
  const { accessKeyId, amzDate, shortDate, region, service, signature } = presented;
  return {
    accessKeyId,
    longDate: amzDate,
    scope: `${shortDate}/${region}/${service}/aws4_request`,
    region,
    service,
    signature: signature.toLowerCase(),
    signingKey:
      shortDate === signing.shortDate
        ? signing.key
        : deriveSigningKey(signing.secret, shortDate, region, service),
    payloadHash,
    presigned,
  };
}
