/**
 * CodeCommit answered from a local git repository, through @aws-sdk/client-codecommit.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  GetBranchCommand,
  GetCommitCommand,
  GetRepositoryCommand,
  ListBranchesCommand,
  ListRepositoriesCommand,
} from "@aws-sdk/client-codecommit";
import git from "isomorphic-git";
import { startTestLocalAws, type TestLocalAws } from "../helpers/localAws";

let repo: string;
let aws: TestLocalAws;
let firstCommit: string;
let secondCommit: string;

async function commitFile(
  file: string,
  content: string,
  message: string,
  person: { timestamp: number; timezoneOffset: number },
) {
  fs.writeFileSync(path.join(repo, file), content);
  await git.add({ fs, dir: repo, filepath: file });
  return git.commit({
    fs,
    dir: repo,
    message,
    author: { name: "Ada Lovelace", email: "ada@example.com", ...person },
    committer: {
      name: "Charles Babbage",
      email: "charles@example.com",
      ...person,
      timestamp: person.timestamp + 60,
    },
  });
}

beforeAll(async () => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), "cc-repo-"));
  await git.init({ fs, dir: repo, defaultBranch: "main" });
  // +0200 is timezoneOffset -120 in isomorphic-git (minutes behind UTC, like Date#getTimezoneOffset).
  firstCommit = await commitFile("README.md", "# lab\n", "first commit\n\nwith a body", {
    timestamp: 1700000000,
    timezoneOffset: -120,
  });
  secondCommit = await commitFile("train.ts", "export {};\n", "train the model", {
    timestamp: 1700003600,
    timezoneOffset: 330,
  });
  await git.branch({ fs, dir: repo, ref: "feature", object: firstCommit });
  // The workspace lives inside the repository, as `.workshop/` does in the workshop.
  aws = await startTestLocalAws({ workspace: path.join(repo, ".workshop") });
});

afterAll(async () => {
  await aws.stop();
  fs.rmSync(repo, { recursive: true, force: true });
});

const name = () => path.basename(repo);

test("ListRepositories and GetRepository name the repository after its folder", async () => {
  const list = await aws.codecommit.send(new ListRepositoriesCommand({}));
  expect(list.repositories).toHaveLength(1);
  expect(list.repositories![0].repositoryName).toBe(name());
  expect(list.repositories![0].repositoryId).toMatch(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  );
  const { repositoryMetadata } = await aws.codecommit.send(
    new GetRepositoryCommand({ repositoryName: name() }),
  );
  expect(repositoryMetadata).toMatchObject({
    repositoryName: name(),
    repositoryId: list.repositories![0].repositoryId,
    accountId: aws.emulator.accountId,
    defaultBranch: "main",
    Arn: `arn:aws:codecommit:us-east-1:${aws.emulator.accountId}:${name()}`,
  });
  expect(repositoryMetadata!.lastModifiedDate).toEqual(new Date((1700003600 + 60) * 1000));
});

test("GetBranch and ListBranches", async () => {
  const main = await aws.codecommit.send(
    new GetBranchCommand({ repositoryName: name(), branchName: "main" }),
  );
  expect(main.branch).toEqual({ branchName: "main", commitId: secondCommit });
  const feature = await aws.codecommit.send(
    new GetBranchCommand({ repositoryName: name(), branchName: "feature" }),
  );
  expect(feature.branch?.commitId).toBe(firstCommit);
  const branches = await aws.codecommit.send(new ListBranchesCommand({ repositoryName: name() }));
  expect(branches.branches).toEqual(["feature", "main"]);
  const missing = await aws.codecommit
    .send(new GetBranchCommand({ repositoryName: name(), branchName: "nope" }))
    .catch((e) => e);
  expect(missing.name).toBe("BranchDoesNotExistException");
});

test("GetCommit returns ids, parents, message, author and committer with git's dates", async () => {
  const { commit } = await aws.codecommit.send(
    new GetCommitCommand({ repositoryName: name(), commitId: secondCommit }),
  );
  const { commit: raw } = await git.readCommit({ fs, dir: repo, oid: secondCommit });
  expect(commit).toEqual({
    commitId: secondCommit,
    treeId: raw.tree,
    parents: [firstCommit],
    message: "train the model\n",
    author: { name: "Ada Lovelace", email: "ada@example.com", date: "1700003600 -0530" },
    committer: { name: "Charles Babbage", email: "charles@example.com", date: "1700003660 -0530" },
    additionalData: "",
  });
  const first = await aws.codecommit.send(
    new GetCommitCommand({ repositoryName: name(), commitId: firstCommit }),
  );
  expect(first.commit?.parents).toEqual([]);
  expect(first.commit?.author?.date).toBe("1700000000 +0200");
  expect(first.commit?.message).toBe("first commit\n\nwith a body\n");
});

test("CodeCommit's errors for unknown commits, malformed ids and unknown repositories", async () => {
  const send = (input: { repositoryName?: string; commitId?: string }) =>
    aws.codecommit
      .send(new GetCommitCommand(input as { repositoryName: string; commitId: string }))
      .catch((e) => e);
  const unknown = await send({
    repositoryName: name(),
    commitId: "0123456789abcdef0123456789abcdef01234567",
  });
  expect(unknown.name).toBe("CommitIdDoesNotExistException");
  expect(unknown.$metadata.httpStatusCode).toBe(400);
  expect((await send({ repositoryName: name(), commitId: "not-a-sha" })).name).toBe(
    "InvalidCommitIdException",
  );
  expect((await send({ repositoryName: name(), commitId: "" })).name).toBe(
    "CommitIdRequiredException",
  );
  expect((await send({ repositoryName: "other-repo", commitId: secondCommit })).name).toBe(
    "RepositoryDoesNotExistException",
  );
  expect((await send({ repositoryName: "bad name!", commitId: secondCommit })).name).toBe(
    "InvalidRepositoryNameException",
  );
  const raw = await git.readCommit({ fs, dir: repo, oid: secondCommit });
  // A tree id is an object, but not a commit.
  expect((await send({ repositoryName: name(), commitId: raw.commit.tree })).name).toBe(
    "CommitIdDoesNotExistException",
  );
});

test("outside any git repository there are no repositories; repoDir points at one explicitly", async () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), "cc-outside-"));
  const lonely = await startTestLocalAws({ workspace: path.join(outside, "ws-a") });
  const pointed = await startTestLocalAws({ workspace: path.join(outside, "ws-b"), repoDir: repo });
  try {
    expect((await lonely.codecommit.send(new ListRepositoriesCommand({}))).repositories).toEqual(
      [],
    );
    const error = await lonely.codecommit
      .send(new GetRepositoryCommand({ repositoryName: name() }))
      .catch((e) => e);
    expect(error.name).toBe("RepositoryDoesNotExistException");
    const list = await pointed.codecommit.send(new ListRepositoriesCommand({}));
    expect(list.repositories?.map((r) => r.repositoryName)).toEqual([name()]);
  } finally {
    await lonely.stop();
    await pointed.stop();
    fs.rmSync(outside, { recursive: true, force: true });
  }
});
