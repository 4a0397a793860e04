/**
 * Bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html
 */
import type {
  CreateBucketCommandInput,
  CreateBucketOutput,
  DeleteBucketCommandInput,
  GetBucketLocationOutput,
  HeadBucketCommandInput,
  HeadBucketOutput,
  ListBucketsCommandInput,
  ListBucketsOutput,
} from "@aws-sdk/client-s3";
import { AwsError } from "../../context";
import { S3_XMLNS, childText } from "../../server/xml";
import {
  ownerXml,
  queryInteger,
  queryValue,
  readXmlBody,
  sendEmpty,
  sendXml,
  xml,
  xmlDate,
} from "./http";
import type { S3Operation } from "./context";

/** ListBuckets with the optional paging and filters (prefix, bucket-region, max-buckets). */
export const listBuckets: S3Operation = async (ctx, request, res) => {
  const input: ListBucketsCommandInput = {
    Prefix: queryValue(request, "prefix"),
    BucketRegion: queryValue(request, "bucket-region"),
    MaxBuckets: queryInteger(request, "max-buckets", { min: 1, max: 10000 }),
    ContinuationToken: queryValue(request, "continuation-token"),
  };
  const after =
    input.ContinuationToken === undefined
      ? undefined
      : Buffer.from(input.ContinuationToken, "base64url").toString("utf8");
  const matching = ctx.store
    .listBuckets()
    .filter((bucket) => input.Prefix === undefined || bucket.name.startsWith(input.Prefix))
    .filter((bucket) => input.BucketRegion === undefined || bucket.region === input.BucketRegion)
    .filter((bucket) => after === undefined || bucket.name > after);
  const page = input.MaxBuckets === undefined ? matching : matching.slice(0, input.MaxBuckets);
  const output: ListBucketsOutput = {
    Buckets: page.map((bucket) => ({
      Name: bucket.name,
      CreationDate: new Date(bucket.creationDate),
      BucketRegion: bucket.region,
    })),
    Prefix: input.Prefix,
    ContinuationToken:
      page.length < matching.length
        ? Buffer.from(page[page.length - 1].name, "utf8").toString("base64url")
        : undefined,
  };
  const buckets = (output.Buckets ?? [])
    .map(
      (b) =>
        `<Bucket>${xml("Name", b.Name)}${xml("CreationDate", xmlDate(b.CreationDate!))}${xml("BucketRegion", b.BucketRegion)}</Bucket>`,
    )
    .join("");
  sendXml(
    res,
    request,
    `<ListAllMyBucketsResult xmlns="${S3_XMLNS}">${ownerXml()}<Buckets>${buckets}</Buckets>` +
      `${xml("Prefix", output.Prefix)}${xml("ContinuationToken", output.ContinuationToken)}</ListAllMyBucketsResult>`,
  );
};

export const createBucket: S3Operation = async (ctx, request, res) => {
  const input: CreateBucketCommandInput = { Bucket: request.bucket! };
  const configuration = await readXmlBody(request);
  if (configuration) {
    if (configuration.name !== "CreateBucketConfiguration") {
      throw new AwsError(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
      );
    }
    const constraint = childText(configuration, "LocationConstraint");
    if (constraint !== undefined && constraint !== "" && constraint !== ctx.region) {
      throw new AwsError(
        "IllegalLocationConstraintException",
        `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      );
    }
  }
  ctx.store.createBucket(input.Bucket!);
  const output: CreateBucketOutput = { Location: `/${input.Bucket}` };
  sendEmpty(res, request, 200, { Location: output.Location! });
};

export const headBucket: S3Operation = async (ctx, request, res) => {
  const input: HeadBucketCommandInput = { Bucket: request.bucket! };
  const bucket = ctx.store.requireBucket(input.Bucket!);
  const output: HeadBucketOutput = { BucketRegion: bucket.region };
  sendEmpty(res, request, 200, { "x-amz-bucket-region": output.BucketRegion! });
};

export const deleteBucket: S3Operation = async (ctx, request, res) => {
  const input: DeleteBucketCommandInput = { Bucket: request.bucket! };
  ctx.store.deleteBucket(input.Bucket!);
  sendEmpty(res, request, 204);
};

export const getBucketLocation: S3Operation = async (ctx, request, res) => {
  const bucket = ctx.store.requireBucket(request.bucket!);
  // us-east-1 is reported as an empty LocationConstraint, for historical reasons.
  const output: GetBucketLocationOutput = {
    LocationConstraint:
      bucket.region === "us-east-1"
        ? undefined
        : (bucket.region as GetBucketLocationOutput["LocationConstraint"]),
  };
  sendXml(
    res,
    request,
    `<LocationConstraint xmlns="${S3_XMLNS}">${output.LocationConstraint ?? ""}</LocationConstraint>`,
  );
};
