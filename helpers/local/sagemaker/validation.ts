/**
 * Request validation with AWS's wording.
 *
 * SageMaker validates requests against its Smithy model before any handler runs and reports every
 * violation at once, as `N validation error(s) detected: Value '<v>' at '<memberPath>' failed to
 * satisfy constraint: Member must ...` joined by `; ` (member paths in lowerCamelCase). The
 * emulator keeps that exact phrasing so messages match what users see against AWS.
 */
import { AwsError } from "../context";

/** Patterns and lengths from the SageMaker API reference (botocore service-2.json shapes). */
export const PATTERNS = {
  /** TrainingJobName, ProcessingJobName, ... (max 63). */
  jobName: "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
  /** ModelName (max 63). */
  modelName: "^[a-zA-Z0-9]([\\-a-zA-Z0-9]*[a-zA-Z0-9])?",
  /** ExperimentEntityName: experiments, trials, trial components (max 120). */
  experimentEntityName: "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}",
  /** ExperimentEntityNameOrArn (max 256). */
  experimentEntityNameOrArn:
    "^(arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:[a-z\\-]*\\/)?([a-zA-Z0-9](-*[a-zA-Z0-9]){0,119})",
  roleArn: "^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$",
  s3Uri: "^(https|s3)://([^/]+)/?(.*)$",
  channelName: "[A-Za-z0-9\\.\\-_]+",
  nameContains: "[a-zA-Z0-9\\-]+",
  kmsKeyId: "^[a-zA-Z0-9:/_-]*$",
  nextToken: ".*",
} as const;

function describeValue(value: unknown): string {
  if (value === undefined || value === null) return "null";
  if (typeof value === "object") return `'${JSON.stringify(value)}'`;
  return `'${String(value)}'`;
}

/** Converts `TrainingJobName` to AWS's member path spelling `trainingJobName`. */
function memberPath(path: string): string {
  return path
    .split(".")
    .map((part) => part.charAt(0).toLowerCase() + part.slice(1))
    .join(".");
}

/**
 * Collects violations for one request and throws them together as one ValidationException.
 * Each check returns whether the value passed, so callers can skip dependent checks.
 */
export class Validator {
  private readonly errors: string[] = [];

  private fail(value: unknown, path: string, constraint: string): false {
    this.errors.push(
      `Value ${describeValue(value)} at '${memberPath(path)}' failed to satisfy constraint: Member must ${constraint}`,
    );
    return false;
  }

  required(value: unknown, path: string): boolean {
    if (value === undefined || value === null) return this.fail(value, path, "not be null");
    return true;
  }

  string(
    value: unknown,
    path: string,
    opts: { min?: number; max?: number; pattern?: string } = {},
  ) {
    if (value === undefined || value === null) return true;
    if (typeof value !== "string") return this.fail(value, path, "be a string");
    if (opts.min !== undefined && value.length < opts.min) {
      return this.fail(value, path, `have length greater than or equal to ${opts.min}`);
    }
    if (opts.max !== undefined && value.length > opts.max) {
      return this.fail(value, path, `have length less than or equal to ${opts.max}`);
    }
    if (opts.pattern !== undefined && !fullMatch(opts.pattern, value)) {
      return this.fail(value, path, `satisfy regular expression pattern: ${opts.pattern}`);
    }
    return true;
  }

  /** A required string: `required` + `string` in one call. */
  requiredString(
    value: unknown,
    path: string,
    opts: { min?: number; max?: number; pattern?: string } = {},
  ) {
    return this.required(value, path) && this.string(value, path, opts);
  }

  integer(value: unknown, path: string, opts: { min?: number; max?: number } = {}) {
    if (value === undefined || value === null) return true;
    if (typeof value !== "number" || !Number.isInteger(value))
      return this.fail(value, path, "be an integer");
    if (opts.min !== undefined && value < opts.min) {
      return this.fail(value, path, `have value greater than or equal to ${opts.min}`);
    }
    if (opts.max !== undefined && value > opts.max) {
      return this.fail(value, path, `have value less than or equal to ${opts.max}`);
    }
    return true;
  }

  number(value: unknown, path: string) {
    if (value === undefined || value === null) return true;
    if (typeof value !== "number" || !Number.isFinite(value))
      return this.fail(value, path, "be a number");
    return true;
  }

  boolean(value: unknown, path: string) {
    if (value === undefined || value === null) return true;
    if (typeof value !== "boolean") return this.fail(value, path, "be a boolean");
    return true;
  }

  oneOf(value: unknown, path: string, allowed: readonly string[]) {
    if (value === undefined || value === null) return true;
    if (typeof value !== "string" || !allowed.includes(value)) {
      return this.fail(value, path, `satisfy enum value set: [${allowed.join(", ")}]`);
    }
    return true;
  }

  list(
    value: unknown,
    path: string,
    opts: { min?: number; max?: number } = {},
  ): value is unknown[] {
    if (value === undefined || value === null) return false;
    if (!Array.isArray(value)) return this.fail(value, path, "be a list");
    if (opts.min !== undefined && value.length < opts.min) {
      return this.fail(value, path, `have length greater than or equal to ${opts.min}`);
    }
    if (opts.max !== undefined && value.length > opts.max) {
      return this.fail(value, path, `have length less than or equal to ${opts.max}`);
    }
    // AWS's lists are not sparse; handlers iterate the members as structures or strings.
    const nullMember = value.findIndex((member) => member === null || member === undefined);
    if (nullMember >= 0) return this.fail(null, `${path}.${nullMember + 1}.member`, "not be null");
    return true;
  }

  map(value: unknown, path: string, opts: { max?: number } = {}): value is Record<string, unknown> {
    if (value === undefined || value === null) return false;
    if (typeof value !== "object" || Array.isArray(value))
      return this.fail(value, path, "be a map");
    if (opts.max !== undefined && Object.keys(value).length > opts.max) {
      return this.fail(value, path, `have length less than or equal to ${opts.max}`);
    }
    return true;
  }

  object(value: unknown, path: string): value is Record<string, unknown> {
    if (value === undefined || value === null) return false;
    if (typeof value !== "object" || Array.isArray(value))
      return this.fail(value, path, "be a structure");
    return true;
  }

  /** Throws the collected violations as one ValidationException (AWS reports them together). */
  done(): void {
    if (this.errors.length === 0) return;
    const n = this.errors.length;
    throw new AwsError(
      "ValidationException",
      `${n} validation error${n === 1 ? "" : "s"} detected: ${this.errors.join("; ")}`,
    );
  }
}

function fullMatch(pattern: string, value: string): boolean {
  const anchored = `^(?:${pattern.replace(/^\^/, "").replace(/\$$/, "")})$`;
  return new RegExp(anchored).test(value);
}

/** The request body must be a JSON object; anything else is a SerializationException on AWS. */
export function requestObject(input: unknown): Record<string, unknown> {
  if (input === undefined || input === null) return {};
  if (typeof input !== "object" || Array.isArray(input)) {
    throw new AwsError(
      "SerializationException",
      "Start of structure or map found where not expected.",
    );
  }
  return input as Record<string, unknown>;
}

/** Validates Tags (≤ 50 pairs, key 1..128, value ≤ 256) as CreateX operations do. */
export function validateTags(v: Validator, tags: unknown, path = "Tags"): void {
  if (!v.list(tags, path, { max: 50 })) return;
  tags.forEach((tag, i) => {
    if (!v.object(tag, `${path}.${i + 1}`)) return;
    v.requiredString(tag.Key, `${path}.${i + 1}.Key`, { min: 1, max: 128 });
    v.requiredString(tag.Value, `${path}.${i + 1}.Value`, { max: 256 });
  });
}

/** MaxResults / NextToken for List* and Search: 1..100, token ≤ 8192. */
export function validatePaging(v: Validator, input: Record<string, unknown>): void {
  v.integer(input.MaxResults, "MaxResults", { min: 1, max: 100 });
  v.string(input.NextToken, "NextToken", { max: 8192 });
}
