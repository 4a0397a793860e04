/**
 * The SageMaker control plane behind the emulator's edge (JSON 1.1, `X-Amz-Target:
 * SageMaker.<Operation>`): training jobs, models, experiments, trials, trial components,
 * associations and Search. One handler per operation; the edge does HTTP and SigV4
 * (helpers/local/context.ts is the contract).
 */
import os from "node:os";
import { AwsError, type JsonService, type ServiceContext } from "../context";
import { TrainingRunner } from "../jobs/trainingRunner";
import { flushEndpointCapture } from "../runtime/hosts";
import { associateTrialComponent, disassociateTrialComponent } from "./associations";
import {
  createExperiment,
  deleteExperiment,
  describeExperiment,
  listExperiments,
  updateExperiment,
} from "./experiments";
import { createModel, deleteModel, describeModel, listModels } from "./models";
import { createEndpointOperations } from "./endpoints";
import { createMonitoringOperations, type MonitoringOperations } from "./monitoring";
import { search } from "./search";
import { SageMakerStore, type SageMakerContext } from "./store";
import {
  createTrainingJob,
  describeTrainingJob,
  listTrainingJobs,
  settleInterruptedJobs,
  stopTrainingJob,
  trainingLogDir,
} from "./trainingJobs";
import {
  createTrialComponent,
  deleteTrialComponent,
  describeTrialComponent,
  listTrialComponents,
  updateTrialComponent,
} from "./trialComponents";
import { createTrial, deleteTrial, describeTrial, listTrials, updateTrial } from "./trials";
import { requestObject } from "./validation";

export type SageMakerHandler = (input: Record<string, unknown>) => unknown | Promise<unknown>;

export interface SageMakerServiceOptions {
  /**
   * How many training jobs may train at once. Each runs a worker thread; past the limit
   * CreateTrainingJob answers ResourceLimitExceeded, as AWS does past an account quota.
   * Default: the number of CPU cores, at least 2.
   */
  maxConcurrentTrainingJobs?: number;
}

export interface SageMakerService extends JsonService {
  /** The operations this service answers. */
  readonly operations: string[];
  /** Resolves when the named training job has finished running (tests, shutdown). */
  waitForTrainingJob(name: string): Promise<void>;
  /** Processing jobs and monitoring schedules: progress of scheduled executions, waits. */
  readonly monitoring: MonitoringOperations;
}

export function createSageMakerService(
  ctx: ServiceContext,
  options: SageMakerServiceOptions = {},
): SageMakerService {
  // Prototype-linked so a context object with getters keeps working.
  const sm: SageMakerContext = Object.assign(Object.create(ctx) as ServiceContext, {
    store: new SageMakerStore(ctx.state),
  });
  const runner = new TrainingRunner(ctx.objects, { logDir: trainingLogDir(ctx.workspace) });
  const maxTraining = options.maxConcurrentTrainingJobs ?? Math.max(2, os.cpus().length);
  settleInterruptedJobs(sm, runner);
  // Processing jobs, job definitions, monitoring schedules and executions; the scheduler runs
  // executions as the clock passes their hours, flushing the runtime's capture first.
  const monitoring = createMonitoringOperations(sm, {
    flusher: { flushUntil: () => flushEndpointCapture(ctx) },
  });

  const handlers: Record<string, SageMakerHandler> = {
    CreateTrainingJob: (input) => {
      const running = runner.running().length;
      if (running >= maxTraining) {
        // AWS's quota wording, with the local limit in place of the account quota.
        throw new AwsError(
          "ResourceLimitExceeded",
          `The account-level service limit 'local concurrent training jobs' is ${maxTraining} Jobs, with current ` +
            `utilization of ${running} Jobs and a request delta of 1 Jobs. Wait for a running job to finish, or ` +
            "start the emulator with a higher maxConcurrentTrainingJobs.",
        );
      }
      return createTrainingJob(sm, runner, input);
    },
    DescribeTrainingJob: (input) => describeTrainingJob(sm, input),
    ListTrainingJobs: (input) => listTrainingJobs(sm, input),
    StopTrainingJob: (input) => stopTrainingJob(sm, runner, input),

    CreateModel: (input) => createModel(sm, input),
    DescribeModel: (input) => describeModel(sm, input),
    ListModels: (input) => listModels(sm, input),
    DeleteModel: (input) => deleteModel(sm, input),

    CreateExperiment: (input) => createExperiment(sm, input),
    DescribeExperiment: (input) => describeExperiment(sm, input),
    UpdateExperiment: (input) => updateExperiment(sm, input),
    ListExperiments: (input) => listExperiments(sm, input),
    DeleteExperiment: (input) => deleteExperiment(sm, input),

    CreateTrial: (input) => createTrial(sm, input),
    DescribeTrial: (input) => describeTrial(sm, input),
    UpdateTrial: (input) => updateTrial(sm, input),
    ListTrials: (input) => listTrials(sm, input),
    DeleteTrial: (input) => deleteTrial(sm, input),

    CreateTrialComponent: (input) => createTrialComponent(sm, input),
    DescribeTrialComponent: (input) => describeTrialComponent(sm, input),
    UpdateTrialComponent: (input) => updateTrialComponent(sm, input),
    ListTrialComponents: (input) => listTrialComponents(sm, input),
    DeleteTrialComponent: (input) => deleteTrialComponent(sm, input),

    AssociateTrialComponent: (input) => associateTrialComponent(sm, input),
    DisassociateTrialComponent: (input) => disassociateTrialComponent(sm, input),

    Search: (input) => search(sm, input),

    ...createEndpointOperations(ctx),

    ...monitoring.handlers,
  };
  monitoring.start();

  return {
    operations: Object.keys(handlers),
    async handle(operation, input) {
      const handler = Object.prototype.hasOwnProperty.call(handlers, operation)
        ? handlers[operation]
        : undefined;
      if (!handler) {
        throw new AwsError(
          "UnknownOperationException",
          `The local emulator does not implement SageMaker operation ${operation}. ` +
            `It implements: ${Object.keys(handlers).join(", ")}.`,
        );
      }
      return handler(requestObject(input));
    },
    waitForTrainingJob: (name) => runner.wait(name),
    monitoring,
    async close() {
      await monitoring.close();
      await runner.close();
      // Jobs cut off by the shutdown are recorded now, not left InProgress until the next start.
      settleInterruptedJobs(sm, runner);
    },
  };
}
