/**
 * The notebook user's IAM policy must allow every AWS operation the workshop's helpers call:
 * this reads the helpers' SDK command imports, maps each to its IAM action and checks the policy.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../helpers/paths";

interface Statement {
  Effect: string;
  Action: string | string[];
}

const iamDir = path.join(repoRoot(), "docs", "iam");
const readPolicy = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(iamDir, name), "utf8")) as { Statement: Statement[] };

/** S3 operations map to differently named IAM actions. */
const S3_ACTIONS: Record<string, string> = {
  HeadBucket: "s3:ListBucket",
  ListObjectsV2: "s3:ListBucket",
  ListObjects: "s3:ListBucket",
  GetObject: "s3:GetObject",
  HeadObject: "s3:GetObject",
  PutObject: "s3:PutObject",
  DeleteObject: "s3:DeleteObject",
  DeleteObjects: "s3:DeleteObject",
  CreateBucket: "s3:CreateBucket",
};

const SERVICE_PREFIX: Record<string, string> = {
  "@aws-sdk/client-sagemaker": "sagemaker",
  "@aws-sdk/client-sagemaker-runtime": "sagemaker",
  "@aws-sdk/client-codecommit": "codecommit",
  "@aws-sdk/client-sts": "sts",
  "@aws-sdk/client-s3": "s3",
};

function actionsCalledByHelpers(): Set<string> {
  const files = [
    path.join(repoRoot(), "helpers", "session.ts"),
    ...fs
      .readdirSync(path.join(repoRoot(), "helpers", "workflow"))
      .filter((name) => name.endsWith(".ts"))
      .map((name) => path.join(repoRoot(), "helpers", "workflow", name)),
  ];
  const actions = new Set<string>();
  const importBlock = /import\s*\{([^}]*)\}\s*from\s*"(@aws-sdk\/client-[a-z-]+)"/g;
  for (const file of files) {
    const source = fs.readFileSync(file, "utf8");
    for (const [, names, pkg] of source.matchAll(importBlock)) {
      for (const raw of names.split(",")) {
        const name = raw.trim().replace(/^type\s+/, "");
        if (!name.endsWith("Command") || raw.trim().startsWith("type ")) continue;
        const operation = name.slice(0, -"Command".length);
        const prefix = SERVICE_PREFIX[pkg];
        if (!prefix) throw new Error(`${file}: unmapped package ${pkg}`);
        actions.add(
          prefix === "s3" ? (S3_ACTIONS[operation] ?? `s3:${operation}`) : `${prefix}:${operation}`,
        );
      }
    }
  }
  // lib-storage's Upload sends PutObject or a multipart upload, which IAM also calls s3:PutObject.
  actions.add("s3:PutObject");
  return actions;
}

function allowed(policy: { Statement: Statement[] }, action: string): boolean {
  return policy.Statement.some((statement) => {
    if (statement.Effect !== "Allow") return false;
    const listed = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
    return listed.some((pattern) => new RegExp(`^${pattern.replace(/\*/g, ".*")}$`).test(action));
  });
}

describe("IAM policies in docs/iam", () => {
  it("are valid policy documents", () => {
    for (const name of fs.readdirSync(iamDir).filter((n) => n.endsWith(".json"))) {
      const policy = readPolicy(name);
      expect(policy).toMatchObject({ Version: "2012-10-17" });
      expect(policy.Statement.length).toBeGreaterThan(0);
    }
  });

  it("let the notebook user call every operation the helpers call", () => {
    const policy = readPolicy("notebook-user-policy.json");
    const actions = [...actionsCalledByHelpers()];
    expect(actions).toContain("sagemaker:CreateTrainingJob");
    expect(actions).toContain("sagemaker:InvokeEndpoint");
    const missing = actions.filter(
      (action) => action !== "sts:GetCallerIdentity" && !allowed(policy, action),
    );
    expect(missing).toEqual([]);
  });

  it("pass the execution role only to SageMaker", () => {
    const policy = readPolicy("notebook-user-policy.json") as unknown as {
      Statement: (Statement & { Resource: string; Condition?: unknown })[];
    };
    const passRole = policy.Statement.find((s) => s.Action === "iam:PassRole");
    expect(passRole?.Resource).not.toBe("*");
    expect(passRole?.Condition).toEqual({
      StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" },
    });
  });
});
