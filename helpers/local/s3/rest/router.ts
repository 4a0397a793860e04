/**
 * Maps an S3 REST request (method, bucket, key, sub-resource query) to its operation, as S3's
 * REST API defines them. Sub-resources this emulator does not implement get S3's own answer for
 * unimplemented functionality (501 NotImplemented), naming the sub-resource.
 */
import { AwsError } from "../../context";
import type { S3Request, S3RestApi } from "../../server/edge";
import type { FileObjectStore } from "../fileObjectStore";
import {
  createBucket,
  deleteBucket,
  getBucketLocation,
  headBucket,
  listBuckets,
} from "./bucketOperations";
import type { S3Context, S3Operation } from "./context";
import { hasQuery, header, queryValue } from "./http";
import { listObjects, listObjectsV2 } from "./listOperations";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
} from "./multipartOperations";
import {
  copyObject,
  deleteObject,
  deleteObjects,
  getObject,
  headObject,
  putObject,
} from "./objectOperations";

const UNSUPPORTED_SUBRESOURCES = [
  "acl",
  "policy",
  "policyStatus",
  "cors",
  "lifecycle",
  "versioning",
  "versions",
  "tagging",
  "website",
  "logging",
  "notification",
  "replication",
  "encryption",
  "ownershipControls",
  "publicAccessBlock",
  "object-lock",
  "accelerate",
  "requestPayment",
  "analytics",
  "inventory",
  "metrics",
  "intelligent-tiering",
  "legal-hold",
  "retention",
  "restore",
  "select",
  "attributes",
  "torrent",
  "session",
];

function notImplemented(what: string): AwsError {
  return new AwsError(
    "NotImplemented",
    `A header you provided implies functionality that is not implemented: the local emulator does not support ${what}.`,
    501,
  );
}

function methodNotAllowed(request: S3Request): AwsError {
  return new AwsError(
    "MethodNotAllowed",
    "The specified method is not allowed against this resource.",
    405,
    {
      Method: request.method,
      ResourceType:
        request.key !== undefined ? "OBJECT" : request.bucket !== undefined ? "BUCKET" : "SERVICE",
    },
  );
}

export function selectOperation(request: S3Request): S3Operation {
  const subresource = UNSUPPORTED_SUBRESOURCES.find((name) => hasQuery(request, name));
  const { method } = request;
  if (request.bucket === undefined) {
    if (method === "GET") return listBuckets;
    throw methodNotAllowed(request);
  }
  if (request.key === undefined) {
    if (method === "GET" && hasQuery(request, "location")) return getBucketLocation;
    if (method === "GET" && hasQuery(request, "uploads")) return listMultipartUploads;
    if (method === "POST" && hasQuery(request, "delete")) return deleteObjects;
    if (subresource) throw notImplemented(`the bucket sub-resource ?${subresource}`);
    switch (method) {
      case "GET":
        return queryValue(request, "list-type") === "2" ? listObjectsV2 : listObjects;
      case "PUT":
        return createBucket;
      case "HEAD":
        return headBucket;
      case "DELETE":
        return deleteBucket;
      default:
        throw methodNotAllowed(request);
    }
  }
  if (subresource) throw notImplemented(`the object sub-resource ?${subresource}`);
  const uploadId = hasQuery(request, "uploadId");
  switch (method) {
    case "PUT":
      if (uploadId && hasQuery(request, "partNumber")) {
        if (header(request, "x-amz-copy-source") !== undefined)
          throw notImplemented("UploadPartCopy");
        return uploadPart;
      }
      return header(request, "x-amz-copy-source") !== undefined ? copyObject : putObject;
    case "GET":
      return uploadId ? listParts : getObject;
    case "HEAD":
      return headObject;
    case "DELETE":
      return uploadId ? abortMultipartUpload : deleteObject;
    case "POST":
      if (hasQuery(request, "uploads")) return createMultipartUpload;
      if (uploadId) return completeMultipartUpload;
      throw notImplemented("POST object uploads (browser forms)");
    default:
      throw methodNotAllowed(request);
  }
}

export function createS3RestApi(store: FileObjectStore, region: string): S3RestApi {
  const ctx: S3Context = { store, region };
  return {
    async handle(request, res) {
      await selectOperation(request)(ctx, request, res);
    },
  };
}
