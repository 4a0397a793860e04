/**
 * Experiments, trackers and the lineage table against moto, an independent implementation of
 * the SageMaker API: proves the requests our helpers send are ones AWS's shapes accept.
 */
import { DescribeTrialComponentCommand } from "@aws-sdk/client-sagemaker";
import {
  createClients,
  destroyClients,
  type WorkshopClients,
} from "../../helpers/workflow/clients";
import {
  associateTrialComponent,
  createExperiment,
  createTrial,
  timestampedName,
  Tracker,
  trialExists,
} from "../../helpers/workflow/experiments";
import { lineageTable } from "../../helpers/workflow/lineage";
import { startMoto, type MotoServer } from "../helpers/moto";

let moto: MotoServer;
let clients: WorkshopClients;

beforeAll(async () => {
  moto = await startMoto();
  clients = createClients({
    region: "us-east-1",
    endpoint: moto.endpoint,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
});

afterAll(async () => {
  destroyClients(clients);
  await moto.stop();
});

describe("experiments against moto", () => {
  it("names resources with a timestamp valid for SageMaker", () => {
    expect(timestampedName("CreditCardDefault", new Date("2024-03-05T14:07:09.123Z"))).toBe(
      "CreditCardDefault-2024-03-05-14-07-09",
    );
  });

  it("tracks preprocessing in a trial component and lists it in the trial's lineage", async () => {
    const experiment = timestampedName("CreditCardDefault");
    const trial = `${experiment}-trial`;
    expect((await createExperiment(clients, experiment, "credit default")).toLowerCase()).toContain(
      `:experiment/${experiment.toLowerCase()}`,
    );
    await createTrial(clients, experiment, trial);
    expect(await trialExists(clients, trial)).toBe(true);
    expect(await trialExists(clients, "no-such-trial")).toBe(false);

    const tracker = await Tracker.create(clients, { displayName: "Preprocessing" });
    tracker
      .logParameters({ train_test_split_ratio: 0.2 })
      .logInput("ccdefault-raw-dataset", "s3://bucket/data/raw.csv")
      .logInput("ccdefault-train-dataset", "s3://bucket/train_data/train.csv");
    await tracker.save();
    await associateTrialComponent(clients, tracker.trialComponentName, trial);

    const described = await clients.sagemaker.send(
      new DescribeTrialComponentCommand({ TrialComponentName: tracker.trialComponentName }),
    );
    expect(described.Parameters?.train_test_split_ratio).toEqual({ NumberValue: 0.2 });
    expect(described.InputArtifacts?.["ccdefault-raw-dataset"]?.Value).toBe(
      "s3://bucket/data/raw.csv",
    );

    const table = await lineageTable(clients, trial);
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0]).toMatchObject({
      TrialComponentName: tracker.trialComponentName,
      DisplayName: "Preprocessing",
      train_test_split_ratio: 0.2,
      "ccdefault-raw-dataset - Value": "s3://bucket/data/raw.csv",
      "ccdefault-raw-dataset - MediaType": "s3/uri",
    });
    expect(table.columns.slice(0, 2)).toEqual(["TrialComponentName", "DisplayName"]);
  });
});
