/**
 * Source-control lineage and cleanup against the local emulator: CodeCommit answers from this
 * very repository, so the recorded commit must be `git rev-parse HEAD`.
 */
import {
  ListExperimentsCommand,
  ListTrialComponentsCommand,
  ListTrialsCommand,
} from "@aws-sdk/client-sagemaker";
import { execFileSync } from "node:child_process";
import { repoRoot } from "../../helpers/paths";
import { cleanup } from "../../helpers/workflow/cleanup";
import {
  createExperiment,
  createTrial,
  Tracker,
  associateTrialComponent,
} from "../../helpers/workflow/experiments";
import { lineageTable } from "../../helpers/workflow/lineage";
import { headCommit, recordCommitLineage } from "../../helpers/workflow/sourceControl";
import type { WorkflowContext } from "../../helpers/workflow/context";
import { startTestLocalAws, type TestLocalAws } from "../helpers/localAws";

let aws: TestLocalAws;
let context: WorkflowContext;

beforeAll(async () => {
  aws = await startTestLocalAws({ repoDir: repoRoot() });
  context = {
    region: aws.clientConfig.region,
    bucket: "lineage-test",
    prefix: "secure-sagemaker-demo",
    roleArn: "arn:aws:iam::000000000000:role/SageMakerWorkshopExecutionRole",
    sagemaker: aws.sagemaker,
    runtime: aws.runtime,
    s3: aws.s3,
    codecommit: aws.codecommit,
  };
});

afterAll(() => aws.stop());

describe("source-control lineage (local CodeCommit)", () => {
  it("finds the repository's head commit with its author and message", async () => {
    const head = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: repoRoot(),
      encoding: "utf8",
    }).trim();
    const commit = await headCommit(context);
    expect(commit.commitId).toBe(head);
    const author = execFileSync("git", ["log", "-1", "--format=%ae%n%s%n%at"], {
      cwd: repoRoot(),
      encoding: "utf8",
    }).split("\n");
    expect(commit.authorEmail).toBe(author[0]);
    expect(commit.summary).toBe(author[1]);
    expect(commit.authorTime).toBe(new Date(Number(author[2]) * 1000).toISOString());
    expect(commit.authorDate).toMatch(/^\d+ [+-]\d{4}$/);
  });

  it("records the commit in the trial's lineage, and cleanup removes everything twice safely", async () => {
    await createExperiment(context, "lineage-experiment");
    await createTrial(context, "lineage-experiment", "lineage-trial");
    const preprocessing = await Tracker.create(context, { displayName: "Preprocessing" });
    await preprocessing.logParameter("train_test_split_ratio", 0.2).save();
    await associateTrialComponent(context, preprocessing.trialComponentName, "lineage-trial");
    const commit = await headCommit(context);
    await recordCommitLineage(context, {
      trialName: "lineage-trial",
      displayName: "source-control-lineage",
      commit,
    });
    await recordCommitLineage(context, {
      trialName: "lineage-trial",
      displayName: "prod-endpoint-lineage",
      commit,
      endpointName: "cc-endpoint",
    });

    const table = await lineageTable(context, "lineage-trial");
    expect(table.rows.map((row) => row.DisplayName)).toEqual([
      "Preprocessing",
      "source-control-lineage",
      "prod-endpoint-lineage",
    ]);
    expect(table.rows[1].commit).toBe(commit.commitId);
    expect(table.rows[2]["endpoint-name - Value"]).toBe("cc-endpoint");

    const first = await cleanup(context, { experimentName: "lineage-experiment" });
    expect(first).toContain("experiment lineage-experiment");
    expect(first).toContain("trial lineage-trial");
    expect(await cleanup(context, { experimentName: "lineage-experiment" })).toEqual([]);
    expect((await aws.sagemaker.send(new ListExperimentsCommand({}))).ExperimentSummaries).toEqual(
      [],
    );
    expect((await aws.sagemaker.send(new ListTrialsCommand({}))).TrialSummaries).toEqual([]);
    expect(
      (await aws.sagemaker.send(new ListTrialComponentsCommand({}))).TrialComponentSummaries,
    ).toEqual([]);
  });
});
