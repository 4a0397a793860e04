import type { ServerResponse } from "node:http";
import type { S3Request } from "../../server/edge";
import type { FileObjectStore } from "../fileObjectStore";

export interface S3Context {
  store: FileObjectStore;
  region: string;
}

/** One S3 REST operation: decodes its input from the request, writes its response. */
export type S3Operation = (
  ctx: S3Context,
  request: S3Request,
  res: ServerResponse,
) => Promise<void>;
