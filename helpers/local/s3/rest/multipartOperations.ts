/**
 * Multipart upload: CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
 * AbortMultipartUpload, ListParts, ListMultipartUploads — what @aws-sdk/lib-storage's Upload and
 * boto3's transfer manager use for large bodies.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
 */
import type {
  AbortMultipartUploadCommandInput,
  CompleteMultipartUploadCommandInput,
  CompleteMultipartUploadOutput,
  CreateMultipartUploadCommandInput,
  CreateMultipartUploadOutput,
  ListPartsCommandInput,
  UploadPartCommandInput,
  UploadPartOutput,
} from "@aws-sdk/client-s3";
import { AwsError } from "../../context";
import { S3_XMLNS, childText, childrenNamed } from "../../server/xml";
import { MAX_PART_NUMBER, validatePartNumber } from "../fileObjectStore";
import { validateKey } from "../names";
import type { S3Operation } from "./context";
import {
  header,
  ownerXml,
  queryInteger,
  queryValue,
  readXmlBody,
  sendEmpty,
  sendXml,
  xml,
  xmlDate,
} from "./http";
import { putOptionsFrom } from "./objectOperations";

export const createMultipartUpload: S3Operation = async (ctx, request, res) => {
  const input: CreateMultipartUploadCommandInput = {
    Bucket: request.bucket!,
    Key: request.key!,
    ChecksumAlgorithm: header(
      request,
      "x-amz-checksum-algorithm",
    ) as CreateMultipartUploadCommandInput["ChecksumAlgorithm"],
  };
  validateKey(input.Key!);
  request.body().stream.resume();
  const upload = ctx.store.createMultipartUpload(
    input.Bucket!,
    input.Key!,
    putOptionsFrom(request),
    input.ChecksumAlgorithm?.toLowerCase(),
  );
  const output: CreateMultipartUploadOutput = {
    Bucket: upload.bucket,
    Key: upload.key,
    UploadId: upload.uploadId,
  };
  sendXml(
    res,
    request,
    `<InitiateMultipartUploadResult xmlns="${S3_XMLNS}">${xml("Bucket", output.Bucket)}${xml("Key", output.Key)}${xml("UploadId", output.UploadId)}</InitiateMultipartUploadResult>`,
    200,
    input.ChecksumAlgorithm ? { "x-amz-checksum-algorithm": input.ChecksumAlgorithm } : {},
  );
};

export const uploadPart: S3Operation = async (ctx, request, res) => {
  const input: Omit<UploadPartCommandInput, "Body"> = {
    Bucket: request.bucket!,
    Key: request.key!,
    UploadId: queryValue(request, "uploadId")!,
    PartNumber: Number(queryValue(request, "partNumber")),
  };
  validateKey(input.Key!);
  validatePartNumber(input.PartNumber!);
  ctx.store.getUpload(input.Bucket!, input.Key!, input.UploadId!);
  const body = request.body();
  const part = await ctx.store.uploadPart(
    input.Bucket!,
    input.Key!,
    input.UploadId!,
    input.PartNumber!,
    body.stream,
    body.checksum,
  );
  const output: UploadPartOutput = { ETag: part.etag };
  const headers: Record<string, string> = { ETag: output.ETag! };
  if (part.checksum) headers[`x-amz-checksum-${part.checksum.algorithm}`] = part.checksum.value;
  sendEmpty(res, request, 200, headers);
};

export const completeMultipartUpload: S3Operation = async (ctx, request, res) => {
  const input: CompleteMultipartUploadCommandInput = {
    Bucket: request.bucket!,
    Key: request.key!,
    UploadId: queryValue(request, "uploadId")!,
  };
  validateKey(input.Key!);
  ctx.store.getUpload(input.Bucket!, input.Key!, input.UploadId!);
  const document = await readXmlBody(request);
  if (!document || document.name !== "CompleteMultipartUpload") {
    throw new AwsError(
      "MalformedXML",
      "The XML you provided was not well-formed or did not validate against our published schema",
    );
  }
  input.MultipartUpload = {
    Parts: childrenNamed(document, "Part").map((part) => ({
      PartNumber: Number(childText(part, "PartNumber")),
      ETag: childText(part, "ETag") ?? "",
    })),
  };
  const parts = input.MultipartUpload.Parts!.map((part) => {
    if (
      !Number.isInteger(part.PartNumber) ||
      part.PartNumber! < 1 ||
      part.PartNumber! > MAX_PART_NUMBER
    ) {
      throw new AwsError(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
      );
    }
    return { partNumber: part.PartNumber!, etag: part.ETag! };
  });
  const stored = await ctx.store.completeMultipartUpload(
    input.Bucket!,
    input.Key!,
    input.UploadId!,
    parts,
  );
  const output: CompleteMultipartUploadOutput = {
    Location: `${request.origin}/${encodeURIComponent(input.Bucket!)}/${input.Key!.split("/").map(encodeURIComponent).join("/")}`,
    Bucket: input.Bucket,
    Key: input.Key,
    ETag: stored.etag,
  };
  sendXml(
    res,
    request,
    `<CompleteMultipartUploadResult xmlns="${S3_XMLNS}">${xml("Location", output.Location)}${xml("Bucket", output.Bucket)}` +
      `${xml("Key", output.Key)}${xml("ETag", output.ETag)}</CompleteMultipartUploadResult>`,
  );
};

export const abortMultipartUpload: S3Operation = async (ctx, request, res) => {
  const input: AbortMultipartUploadCommandInput = {
    Bucket: request.bucket!,
    Key: request.key!,
    UploadId: queryValue(request, "uploadId")!,
  };
  validateKey(input.Key!);
  ctx.store.abortMultipartUpload(input.Bucket!, input.Key!, input.UploadId!);
  sendEmpty(res, request, 204);
};

export const listParts: S3Operation = async (ctx, request, res) => {
  const input: ListPartsCommandInput = {
    Bucket: request.bucket!,
    Key: request.key!,
    UploadId: queryValue(request, "uploadId")!,
    MaxParts: queryInteger(request, "max-parts", { min: 0, max: 1000 }) ?? 1000,
    PartNumberMarker: queryValue(request, "part-number-marker"),
  };
  validateKey(input.Key!);
  const marker = Number(input.PartNumberMarker ?? "0") || 0;
  const all = ctx.store
    .listParts(input.Bucket!, input.Key!, input.UploadId!)
    .filter((part) => part.partNumber > marker);
  const page = all.slice(0, input.MaxParts);
  const truncated = all.length > page.length;
  const parts = page
    .map(
      (part) =>
        `<Part>${xml("PartNumber", part.partNumber)}${xml("LastModified", xmlDate(part.lastModified))}${xml("ETag", part.etag)}${xml("Size", part.size)}` +
        `${part.checksum ? xml(`Checksum${part.checksum.algorithm.toUpperCase()}`, part.checksum.value) : ""}</Part>`,
    )
    .join("");
  sendXml(
    res,
    request,
    `<ListPartsResult xmlns="${S3_XMLNS}">${xml("Bucket", input.Bucket)}${xml("Key", input.Key)}${xml("UploadId", input.UploadId)}` +
      `${xml("PartNumberMarker", marker)}${xml("NextPartNumberMarker", page.length ? page[page.length - 1].partNumber : marker)}` +
      `${xml("MaxParts", input.MaxParts)}${xml("IsTruncated", truncated)}${parts}${ownerXml("Initiator")}${ownerXml()}` +
      `${xml("StorageClass", "STANDARD")}</ListPartsResult>`,
  );
};

export const listMultipartUploads: S3Operation = async (ctx, request, res) => {
  const prefix = queryValue(request, "prefix") ?? "";
  const uploads = ctx.store
    .listUploads(request.bucket!)
    .filter((upload) => upload.key.startsWith(prefix))
    .map(
      (upload) =>
        `<Upload>${xml("Key", upload.key)}${xml("UploadId", upload.uploadId)}${ownerXml("Initiator")}${ownerXml()}` +
        `${xml("StorageClass", "STANDARD")}${xml("Initiated", xmlDate(upload.initiated))}</Upload>`,
    )
    .join("");
  sendXml(
    res,
    request,
    `<ListMultipartUploadsResult xmlns="${S3_XMLNS}">${xml("Bucket", request.bucket)}${xml("KeyMarker", "")}${xml("UploadIdMarker", "")}` +
      `${xml("Prefix", prefix)}${xml("MaxUploads", 1000)}${xml("IsTruncated", false)}${uploads}</ListMultipartUploadsResult>`,
  );
};
