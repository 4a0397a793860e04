/**
 * The body of an S3 request as the object store should see it: aws-chunked decoded, and checked
 * against everything the client declared about it (x-amz-content-sha256, Content-MD5,
 * x-amz-checksum-* headers or trailers, x-amz-decoded-content-length). Checks run while the data
 * streams through and fail the stream at its end, before the store commits the object.
 */
import * as crypto from "node:crypto";
import type { IncomingMessage } from "node:http";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import * as zlib from "node:zlib";
import { AwsError } from "../context";
import { AwsChunkedDecoder } from "./awsChunked";
import type { VerifiedAuth } from "./sigv4";

/** Checksum algorithms whose values we can recompute with node:crypto / node:zlib. */
const CHECKSUMS: Record<
  string,
  { label: string; create: () => { update(b: Buffer): void; digest(): string } }
> = {
  crc32: {
    label: "CRC32",
    create: () => {
      let value = 0;
      return {
        update: (b) => {
          value = zlib.crc32(b, value);
        },
        digest: () => {
          const out = Buffer.alloc(4);
          out.writeUInt32BE(value >>> 0);
          return out.toString("base64");
        },
      };
    },
  },
  sha1: { label: "SHA1", create: () => hashDigest("sha1") },
  sha256: { label: "SHA256", create: () => hashDigest("sha256") },
};

function hashDigest(algorithm: string): { update(b: Buffer): void; digest(): string } {
  const hash = crypto.createHash(algorithm);
  return { update: (b) => hash.update(b), digest: () => hash.digest("base64") };
}

export interface StoredChecksum {
  /** Lower-case algorithm name: crc32, sha1, sha256. */
  algorithm: string;
  /** Base64 value as S3 returns it in x-amz-checksum-<algorithm>. */
  value: string;
}

export interface VerifiedBody {
  stream: Readable;
  /** The checksum the client sent and we verified, once the stream ended. */
  checksum(): StoredChecksum | undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/** Forwards source's data and errors to target (unlike pipe(), which forwards no errors). */
function chain(source: Readable, target: Transform): Transform {
  source.on("error", (error) => target.destroy(error));
  source.pipe(target);
  return target;
}

export function verifiedS3Body(req: IncomingMessage, auth: VerifiedAuth): VerifiedBody {
  const contentSha = auth.payloadHash;
  let source: Readable = req;
  let decoder: AwsChunkedDecoder | undefined;
  if (contentSha.startsWith("STREAMING-")) {
    const signed = contentSha.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    if (!signed && contentSha !== "STREAMING-UNSIGNED-PAYLOAD-TRAILER") {
      throw new AwsError(
        "InvalidArgument",
        `x-amz-content-sha256 ${contentSha} is not supported; use a payload hash, UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] or STREAMING-UNSIGNED-PAYLOAD-TRAILER`,
      );
    }
    decoder = new AwsChunkedDecoder(
      signed
        ? {
            signingKey: auth.signingKey,
            longDate: auth.longDate,
            scope: auth.scope,
            seedSignature: auth.signature,
          }
        : undefined,
    );
    source = chain(req, decoder);
  } else if (contentSha !== "UNSIGNED-PAYLOAD" && !/^[0-9a-f]{64}$/.test(contentSha)) {
    throw new AwsError(
      "InvalidArgument",
      `x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-... or the hex SHA-256 of the body; got ${contentSha}`,
    );
  }

  const declaredTrailer = header(req, "x-amz-trailer")?.trim().toLowerCase();
  const checksumHeader = Object.keys(CHECKSUMS).find(
    (name) => header(req, `x-amz-checksum-${name}`) !== undefined,
  );
  const checksumName =
    checksumHeader ??
    (declaredTrailer?.startsWith("x-amz-checksum-") ? declaredTrailer.slice(15) : undefined);
  const checksum = checksumName ? CHECKSUMS[checksumName]?.create() : undefined;
  const sha256 = /^[0-9a-f]{64}$/.test(contentSha) ? crypto.createHash("sha256") : undefined;
  const contentMd5 = header(req, "content-md5");
  const md5 = contentMd5 !== undefined ? crypto.createHash("md5") : undefined;
  const decodedLengthText = decoder ? header(req, "x-amz-decoded-content-length") : undefined;
  let length = 0;
  let verified: StoredChecksum | undefined;

  const verifier = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      length += chunk.length;
      checksum?.update(chunk);
      sha256?.update(chunk);
      md5?.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (sha256) {
        const computed = sha256.digest("hex");
        if (computed !== contentSha) {
          callback(
            new AwsError(
              "XAmzContentSHA256Mismatch",
              "The provided 'x-amz-content-sha256' header does not match what was computed.",
              400,
              { ClientComputedContentSHA256: contentSha, S3ComputedContentSHA256: computed },
            ),
          );
          return;
        }
      }
      if (md5 && md5.digest("base64") !== contentMd5) {
        callback(
          new AwsError(
            "BadDigest",
            "The Content-MD5 you specified did not match what we received.",
          ),
        );
        return;
      }
      if (decodedLengthText !== undefined && Number(decodedLengthText) !== length) {
        callback(
          new AwsError(
            "IncompleteBody",
            `You did not provide the number of bytes specified by the x-amz-decoded-content-length header (${decodedLengthText} declared, ${length} received).`,
          ),
        );
        return;
      }
      if (checksum && checksumName) {
        const declared = checksumHeader
          ? header(req, `x-amz-checksum-${checksumName}`)
          : decoder?.trailers[`x-amz-checksum-${checksumName}`];
        const computed = checksum.digest();
        if (declared === undefined) {
          callback(
            new AwsError(
              "MalformedTrailerError",
              `The request declared trailer x-amz-checksum-${checksumName} but did not send it.`,
            ),
          );
          return;
        }
        if (declared !== computed) {
          callback(
            new AwsError(
              "BadDigest",
              `The ${CHECKSUMS[checksumName].label} you specified did not match the calculated checksum.`,
            ),
          );
          return;
        }
        verified = { algorithm: checksumName, value: computed };
      }
      callback();
    },
  });
  return { stream: chain(source, verifier), checksum: () => verified };
}
