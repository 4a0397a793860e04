/**
 * Decoder for S3's `aws-chunked` content encoding, as the SDKs send it:
 *
 * - `STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`: every chunk carries a signature chained from
 *   the request's seed signature (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html);
 * - `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: plain chunks followed by trailing checksum headers
 *   (what SDK v3 sends by default for streamed bodies, with `x-amz-checksum-crc32`;
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html).
 *
 * The decoder is a Transform: data is passed on as it arrives (never buffered whole) and the
 * stream fails if a chunk signature, the trailer signature or the framing is wrong, so the object
 * store, which only commits at the end of a successful stream, keeps nothing of a bad upload.
 */
import * as crypto from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { AwsError } from "../context";
import { EMPTY_SHA256 } from "./sigv4";

export interface ChunkSigning {
  signingKey: Buffer;
  longDate: string;
  scope: string;
  seedSignature: string;
}

const MAX_LINE = 8192;
const CRLF = Buffer.from("\r\n");

type State = "header" | "data" | "dataEnd" | "trailer" | "done";

export class AwsChunkedDecoder extends Transform {
  private state: State = "header";
  private line = Buffer.alloc(0);
  private remaining = 0;
  private chunkSignature = "";
  private chunkHash: crypto.Hash | undefined;
  private previousSignature: string;
  private readonly trailerLines: string[] = [];
  /** Trailing headers (`x-amz-checksum-crc32`, ...) once the stream ended. */
  readonly trailers: Record<string, string> = {};
  decodedLength = 0;

  constructor(private readonly signing?: ChunkSigning) {
    super();
    this.previousSignature = signing?.seedSignature ?? "";
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.state !== "done") {
      callback(
        new AwsError(
          "IncompleteBody",
          "The request body terminated unexpectedly (the aws-chunked encoding was cut short).",
        ),
      );
      return;
    }
    callback();
  }

  private consume(input: Buffer): void {
    let offset = 0;
    while (offset < input.length) {
      switch (this.state) {
        case "header":
        case "trailer": {
          const end = input.indexOf(0x0a, offset);
          const piece = input.subarray(offset, end < 0 ? input.length : end + 1);
          this.line = this.line.length ? Buffer.concat([this.line, piece]) : Buffer.from(piece);
          offset += piece.length;
          if (this.line.length > MAX_LINE) {
            throw malformed("a chunk header or trailer line is longer than 8 KiB");
          }
          if (end >= 0) {
            const text = this.line.toString("latin1").replace(/\r?\n$/, "");
            this.line = Buffer.alloc(0);
            if (this.state === "header") {
              this.onChunkHeader(text);
            } else {
              this.onTrailerLine(text);
            }
          }
          break;
        }
        case "data": {
          const take = Math.min(this.remaining, input.length - offset);
          const data = input.subarray(offset, offset + take);
          this.chunkHash?.update(data);
          this.decodedLength += take;
          this.push(data);
          offset += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.verifyChunk();
            this.state = "dataEnd";
          }
          break;
        }
        case "dataEnd": {
          // Expect exactly CRLF after the chunk data (it may arrive split across reads).
          const need = CRLF.length - this.line.length;
          const piece = input.subarray(offset, offset + need);
          this.line = Buffer.concat([this.line, piece]);
          offset += piece.length;
          if (this.line.length === CRLF.length) {
            if (!this.line.equals(CRLF)) {
              throw malformed("chunk data is not followed by CRLF");
            }
            this.line = Buffer.alloc(0);
            this.state = "header";
          }
          break;
        }
        case "done":
          // Some clients end with an extra CRLF; anything else is a framing error.
          if (input.subarray(offset).toString("latin1").trim().length > 0) {
            throw malformed("data after the final chunk");
          }
          offset = input.length;
          break;
      }
    }
  }

  private onChunkHeader(text: string): void {
    const [sizeText, ...extensions] = text.split(";");
    if (!/^[0-9a-fA-F]+$/.test(sizeText.trim())) {
      throw malformed(`invalid chunk size "${sizeText}"`);
    }
    const size = parseInt(sizeText.trim(), 16);
    this.chunkSignature = "";
    for (const extension of extensions) {
      const [name, value] = extension.split("=");
      if (name.trim() === "chunk-signature") {
        this.chunkSignature = (value ?? "").trim();
      }
    }
    if (this.signing && !this.chunkSignature) {
      throw malformed("a chunk has no chunk-signature although the payload is signed");
    }
    this.chunkHash = this.signing ? crypto.createHash("sha256") : undefined;
    if (size === 0) {
      this.verifyChunk();
      this.state = "trailer";
      return;
    }
    this.remaining = size;
    this.state = "data";
  }

  private verifyChunk(): void {
    if (!this.signing || !this.chunkHash) {
      return;
    }
    const stringToSign = [
      "AWS4-HMAC-SHA256-PAYLOAD",
      this.signing.longDate,
      this.signing.scope,
      this.previousSignature,
      EMPTY_SHA256,
      this.chunkHash.digest("hex"),
    ].join("\n");
    const expected = crypto
      .createHmac("sha256", this.signing.signingKey)
      .update(stringToSign)
      .digest("hex");
    if (!safeEqual(expected, this.chunkSignature)) {
      throw new AwsError(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided (chunk signature of an aws-chunked body).",
        403,
      );
    }
    this.previousSignature = expected;
  }

  private onTrailerLine(text: string): void {
    if (text.length > 0) {
      this.trailerLines.push(text);
      return;
    }
    for (const line of this.trailerLines) {
      const colon = line.indexOf(":");
      if (colon <= 0) {
        throw malformed(`invalid trailer line "${line}"`);
      }
      this.trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const trailerSignature = this.trailers["x-amz-trailer-signature"];
    if (this.signing && trailerSignature !== undefined) {
      // The trailer signature covers the trailing headers as "name:value\n" lines.
      const canonical = this.trailerLines
        .filter((line) => !line.toLowerCase().startsWith("x-amz-trailer-signature"))
        .map((line) => {
          const colon = line.indexOf(":");
          return `${line.slice(0, colon).trim().toLowerCase()}:${line.slice(colon + 1).trim()}\n`;
        })
        .join("");
      const stringToSign = [
        "AWS4-HMAC-SHA256-TRAILER",
        this.signing.longDate,
        this.signing.scope,
        this.previousSignature,
        crypto.createHash("sha256").update(canonical).digest("hex"),
      ].join("\n");
      const expected = crypto
        .createHmac("sha256", this.signing.signingKey)
        .update(stringToSign)
        .digest("hex");
      if (!safeEqual(expected, trailerSignature)) {
        throw new AwsError(
          "SignatureDoesNotMatch",
          "The request signature we calculated does not match the signature you provided (trailer signature of an aws-chunked body).",
          403,
        );
      }
    }
    this.state = "done";
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a.toLowerCase());
  const right = Buffer.from(b.toLowerCase());
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}

function malformed(what: string): AwsError {
  return new AwsError(
    "InvalidChunkEncoding",
    `The aws-chunked request body is malformed: ${what}.`,
  );
}
