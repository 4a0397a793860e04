export {
  FileObjectStore,
  MIN_PART_SIZE,
  type StoredObject,
  type PutOptions,
  type BucketRecord,
} from "./fileObjectStore";
export { createS3RestApi } from "./rest/router";
export { validateBucketName, validateKey, keyToRelativePath } from "./names";
