/**
 * The not-found / in-use errors SageMaker returns, with AWS's codes and wording. SageMaker is not
 * uniform here: jobs and models answer ValidationException, experiment entities ResourceNotFound.
 */
import { AwsError } from "../context";

export function experimentEntityNotFound(entity: string, arn: string): AwsError {
  return new AwsError("ResourceNotFound", `${entity} '${arn}' does not exist.`);
}

export function experimentEntityExists(entity: string, arn: string): AwsError {
  return new AwsError("ValidationException", `${entity} '${arn}' already exists.`);
}

export function trainingJobNotFound(): AwsError {
  return new AwsError("ValidationException", "Requested resource not found.");
}

export function modelNotFound(arn: string): AwsError {
  return new AwsError("ValidationException", `Could not find model "${arn}".`);
}
