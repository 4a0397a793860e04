/**
 * `npm run aws:check` — is this account ready for the labs? Runs the preflight
 * (helpers/workflow/preflight.ts) with the current credentials and prints one line per check,
 * ✓ or ✗, with what to fix. Exit code 0 when every check passes, 1 otherwise, 2 on bad usage.
 *
 *   npm run aws:check -- [--region R] [--bucket B] [--prefix P] [--role-arn ARN] [--endpoint-url URL]
 *                          [--create-bucket]
 *
 * Defaults come from the environment the notebooks read: AWS_REGION (or AWS_DEFAULT_REGION),
 * WORKSHOP_BUCKET, WORKSHOP_ROLE_ARN, AWS_ENDPOINT_URL; credentials from the SDK's default chain.
 */
import { DEFAULT_PREFIX } from "../session";
import { runPreflight, type PreflightCheck, type PreflightOptions } from "../workflow/preflight";

const USAGE = `Usage:
  npm run aws:check -- [--region REGION] [--bucket BUCKET] [--prefix PREFIX] [--role-arn ARN] [--endpoint-url URL] [--create-bucket]

  --region        the labs' region (default: AWS_REGION, then AWS_DEFAULT_REGION)
  --bucket        the labs' bucket (default: WORKSHOP_BUCKET, then sagemaker-<region>-<account>)
  --prefix        key prefix of the labs' files (default: ${DEFAULT_PREFIX})
  --role-arn      SageMaker execution role (default: WORKSHOP_ROLE_ARN)
  --endpoint-url  one endpoint for every service, e.g. the local emulator (default: AWS_ENDPOINT_URL)
  --create-bucket create the bucket when it is missing, as the notebooks' openSession does
                  (always done against the local emulator)

  Credentials come from the AWS SDK's default chain (AWS_PROFILE, env keys, SSO, instance role).`;

export class UsageError extends Error {}

const OPTIONS = ["region", "bucket", "prefix", "role-arn", "endpoint-url"] as const;
type OptionName = (typeof OPTIONS)[number];

/** Command line and environment -> preflight options (flags win over the environment). */
export function parseArguments(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): PreflightOptions {
  const flags: Partial<Record<OptionName, string>> = {};
  let createBucket: boolean | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") throw new UsageError(USAGE);
    if (arg === "--create-bucket") {
      createBucket = true;
      continue;
    }
    if (!arg.startsWith("--")) throw new UsageError(`Unexpected argument ${arg}\n\n${USAGE}`);
    const eq = arg.indexOf("=");
    const name = (eq < 0 ? arg.slice(2) : arg.slice(2, eq)) as OptionName;
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (!OPTIONS.includes(name)) throw new UsageError(`Unknown option --${name}\n\n${USAGE}`);
    if (value === undefined || value === "" || (eq < 0 && value.startsWith("--"))) {
      throw new UsageError(`Option --${name} needs a value\n\n${USAGE}`);
    }
    flags[name] = value;
  }
  const nonEmpty = (value: string | undefined) => (value === "" ? undefined : value);
  const options: PreflightOptions = {
    region: flags.region ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION),
    bucket: flags.bucket ?? nonEmpty(env.WORKSHOP_BUCKET),
    prefix: (flags.prefix ?? DEFAULT_PREFIX).replace(/^\/+|\/+$/g, ""),
    roleArn: flags["role-arn"] ?? nonEmpty(env.WORKSHOP_ROLE_ARN),
    endpoint: flags["endpoint-url"] ?? nonEmpty(env.AWS_ENDPOINT_URL),
    ...(createBucket ? { createBucket } : {}),
  };
  if (options.prefix === "") throw new UsageError("--prefix must not be empty");
  if (options.endpoint !== undefined && !/^https?:\/\/[^/]+/.test(options.endpoint)) {
    throw new UsageError(
      `--endpoint-url must be an http(s) URL such as http://127.0.0.1:4566, not ${options.endpoint}`,
    );
  }
  return options;
}

/** The report: one line per check, the fix indented below a failed one, and a summary. */
export function formatChecks(checks: PreflightCheck[]): string {
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(`${check.ok ? "✓" : "✗"} ${check.name}: ${check.detail}`);
    if (!check.ok && check.fix) lines.push(`    fix: ${check.fix}`);
  }
  const failed = checks.filter((check) => !check.ok).length;
  lines.push(
    failed === 0
      ? `All ${checks.length} checks passed: the labs can run here.`
      : `${failed} of ${checks.length} checks failed: fix them before running the labs.`,
  );
  return lines.join("\n") + "\n";
}

export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (text: string) => void = (text) => process.stdout.write(text),
  err: (text: string) => void = (text) => process.stderr.write(text),
): Promise<number> {
  let options: PreflightOptions;
  try {
    options = parseArguments(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`${error.message}\n`);
    return 2;
  }
  const target = options.endpoint ? ` at ${options.endpoint}` : "";
  out(`Checking the labs' AWS setup${target} (region ${options.region ?? "not set"})…\n`);
  const checks = await runPreflight(options);
  out(formatChecks(checks));
  return checks.every((check) => check.ok) ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
