import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import dynalite from 'dynalite';
import { DEFAULT_PLAN, type Plan } from '../../lambdas/core/plans';
import { functionSpecs, apiRoutes, type FunctionName, type FunctionSpec } from '../functions';
import { apiGatewayServer, type ApiExchange, type RouteHandler } from './api-gateway';
import { startJsonServices } from './aws-json-services';
import { localSecretsManager } from './secrets-manager';
import { busEvent, LocalEventBus, type LocalBusEvent } from './event-bus';
import { seedApiKey } from './seed';
import { stateMachineDefinition } from './state-machine-definition';
import { LocalStepFunctions, type LocalLambda } from './step-functions';
import { LocalTtlStream, matchesPattern } from './ttl-stream';
import { LocalScheduler } from './scheduler';
import { LocalScheduledRules } from './scheduled-rules';
import { LocalUsage } from './usage';
import { functionEnvironment, localSettings } from './function-env';
import { functionBundles } from './function-bundles';
import { LocalFunctions } from './local-functions';
import { startS3Thread } from './s3-thread';
import {
  functionsByLogicalId,
  localFunctionArn,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  onlyResource,
  resolveIntrinsics,
  resolveIntrinsicsDeep,
  resourcesOfType,
  synthesizeTemplate,
} from './template';

export interface LocalStackOptions {
  /** API port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  readonly apiKey: string;
  readonly dataDir: string;
  readonly allowPrivateAddresses: boolean;
  /** Plans the API enforces (as the deployed stack's `plans`); default: the standard plan. */
  readonly plans?: readonly Plan[];
  /** How often expired items are removed (DynamoDB's TTL); default 60 s. */
  readonly ttlSweepIntervalMs?: number;
  /**
   * Per-function time limits as the handlers see them (their context's
   * remaining time), to force a time budget in tests. The stack still stops
   * a handler only at its spec's limit, so a tiny test limit never races a
   * checkpoint's last writes on a busy machine.
   */
  readonly lambdaTimeoutsMs?: Partial<Record<FunctionName, number>>;
  /** Wait states (by name, e.g. `WebhookBackoff`) that wait this many ms instead: for tests. */
  readonly waitTimeOverridesMs?: Readonly<Record<string, number>>;
  /** The state machine's time limit in seconds instead of its own (24 h): for tests. */
  readonly executionTimeoutSeconds?: number;
  /** How often the stack's scheduled rules (the sweeper of unfinished jobs) fire; default 15 minutes, as deployed. */
  readonly sweepIntervalMs?: number;
  /** The sweeper's grace period in seconds (SWEEP_GRACE_SECONDS); default 300, as deployed. */
  readonly sweepGraceSeconds?: number;
  /** Requests a download link may start a minute (DOWNLOAD_REQUESTS_PER_MINUTE); default 120, as deployed. */
  readonly downloadRequestsPerMinute?: number;
  /** Sees every response a route's handler gives (tests check them against the OpenAPI document). */
  readonly onApiResponse?: (exchange: ApiExchange) => void;
}

export interface LocalStack {
  readonly url: string;
  readonly apiKey: string;
  readonly stepFunctions: LocalStepFunctions;
  /** DynamoDB TTL and the table stream; `sweep(at)` expires what is due at `at` (epoch ms). */
  readonly ttl: LocalTtlStream;
  /** Everything put on the stack's event bus since start, in order. */
  readonly events: readonly LocalBusEvent[];
  /** EventBridge Scheduler's stand-in: fires schedules on their expressions. */
  readonly scheduler: LocalScheduler;
  /** The stack's scheduled rules (the sweeper), firing every `sweepIntervalMs`; `fireAll()` fires them now. */
  readonly scheduledRules: LocalScheduledRules;
  /** Lambda invocations, state transitions, S3 and DynamoDB requests since start (or `reset()`): what AWS would bill. */
  readonly usage: LocalUsage;
  /** Stops serving; running executions are journalled and resume on the next start. */
  close(): Promise<void>;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TABLE_NAME = 'zipjobs';
const BUCKET_NAME = 'zipjobs-local';
const STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:zipjobs-local`;
const TOKEN_SECRET_ARN = `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:zipjobs-token-local`;
const EVENT_BUS_NAME = 'zipjobs-local';

const listen = (server: Server, port: number) =>
  new Promise<number>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok((server.address() as AddressInfo).port));
  });

function tokenSecret(dataDir: string): string {
  const path = join(dataDir, 'token-secret.json');
  if (!existsSync(path)) {
    writeFileSync(path, JSON.stringify({ active: 'k1', k1: randomBytes(48).toString('base64url') }), { mode: 0o600 });
  }
  return readFileSync(path, 'utf8');
}

/**
 * Starts the whole service in this process: dynalite for DynamoDB, s3rver
 * for S3 (on a thread of its own, s3-thread.ts), a JSON-protocol stand-in for Step Functions and Secrets Manager, the
 * state machine synthesized from the CDK stack, and the API. Each function
 * runs in worker threads of its own (local-functions.ts) with only its spec's
 * variables, and reaches the stand-ins through the SDK's AWS_ENDPOINT_URL_*.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
  mkdirSync(join(dataDir, 's3'), { recursive: true });

  const bundles = await functionBundles(ROOT, Object.values(functionSpecs as Record<string, FunctionSpec>).map(({ entry, assets }) => ({ entry, assets })));
  const usage = new LocalUsage();
  const dynamo = dynalite({ path: join(dataDir, 'dynamodb'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const dynamoPort = await listen(dynamo, 0);
  usage.watchDynamoDb(dynamo);
  // s3rver moves every byte the functions read and write: on a thread of its own, counting its requests there.
  const s3Thread = await startS3Thread(bundles.s3Worker, join(dataDir, 's3'), usage.s3Requests);
  const s3Port = s3Thread.port;

  const secret = tokenSecret(dataDir);
  let stepFunctions: LocalStepFunctions | undefined;
  const bus = new LocalEventBus(EVENT_BUS_NAME);
  const services = await startJsonServices({
    'AWSEvents.PutEvents': (input) => bus.putEvents(input),
    'AWSStepFunctions.StartExecution': (input) => stepFunctions!.startExecution(input),
    'AWSStepFunctions.DescribeExecution': (input) => stepFunctions!.describeExecution(String(input.executionArn)),
    'AWSStepFunctions.StopExecution': (input) => stepFunctions!.stopExecution(String(input.executionArn)),
    ...localSecretsManager(join(dataDir, 'secrets.json'), LOCAL_REGION, LOCAL_ACCOUNT, { [TOKEN_SECRET_ARN]: secret }),
  });

  // What the runtime gives every function, as Lambda sets AWS_REGION: the stand-ins' endpoints and credentials.
  const runtime: Record<string, string> = {
    AWS_REGION: LOCAL_REGION,
    // s3rver accepts only its own fixed credentials; the other stand-ins accept any.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${dynamoPort}`,
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${s3Port}`,
    AWS_ENDPOINT_URL_SFN: services.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: services.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: services.url,
    // Embedded metrics mean nothing without CloudWatch; they would only crowd the terminal.
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
  };
  // The values of the stack's variables; each function gets those its spec lists (function-env.ts).
  const stackValues: Record<string, string> = {
    EVENT_BUS_NAME,
    TABLE_NAME,
    BUCKET_NAME,
    STATE_MACHINE_ARN,
    TOKEN_SECRET_ARN,
    BUCKET_SECRET_PREFIX: 'zipjobs-local/buckets/',
    ALLOW_PRIVATE_ADDRESSES: String(options.allowPrivateAddresses),
    PLANS: JSON.stringify(options.plans ?? [DEFAULT_PLAN]),
    ...(options.sweepGraceSeconds !== undefined && { SWEEP_GRACE_SECONDS: String(options.sweepGraceSeconds) }),
    ...(options.downloadRequestsPerMinute !== undefined && { DOWNLOAD_REQUESTS_PER_MINUTE: String(options.downloadRequestsPerMinute) }),
  };
  // This process's own clients (and the tests', and the CLI's through endpoints.json) reach the same stand-ins.
  Object.assign(process.env, runtime, stackValues);

  // Lets the CLI (`npm run zipjobs -- keys …`) reach this stack's stand-ins.
  writeFileSync(
    join(dataDir, 'endpoints.json'),
    JSON.stringify({ env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('AWS_') || k === 'TABLE_NAME' || k === 'BUCKET_NAME')) }),
  );

  const template = synthesizeTemplate();
  const [tableId, table] = onlyResource(template, 'AWS::DynamoDB::Table');
  const [bucketId] = onlyResource(template, 'AWS::S3::Bucket');

  const dynamoClient = new DynamoDBClient({});
  const props = table.Properties!;
  await dynamoClient
    .send(
      new CreateTableCommand({
        TableName: TABLE_NAME,
        KeySchema: props.KeySchema as never,
        AttributeDefinitions: props.AttributeDefinitions as never,
        GlobalSecondaryIndexes: props.GlobalSecondaryIndexes as never,
        BillingMode: 'PAY_PER_REQUEST',
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof ResourceInUseException)) throw error;
    });
  // dynalite cannot add an index to an existing table: a data folder from an older version must be recreated.
  const existing = await dynamoClient.send(new DescribeTableCommand({ TableName: TABLE_NAME }));
  const have = new Set((existing.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  const missing = ((props.GlobalSecondaryIndexes as { IndexName: string }[] | undefined) ?? []).filter((i) => !have.has(i.IndexName));
  if (missing.length > 0) {
    throw new Error(`the data folder ${dataDir} was made by an older zipjobs (its table lacks ${missing.map((i) => i.IndexName).join(', ')}): remove it or choose another ZIPJOBS_DATA_DIR`);
  }
  const s3 = new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET_NAME })).catch((error: { name?: string }) => {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  });
  await seedApiKey(TABLE_NAME, options.apiKey);

  const functions = new LocalFunctions({
    runtime: bundles.runtime,
    settings: () => localSettings(process.env),
    functions: Object.fromEntries(
      Object.entries(functionSpecs).map(([name, spec]) => [
        name,
        {
          entry: bundles.bundleOf(spec.entry),
          memoryMb: spec.memoryMb,
          arn: localFunctionArn(name),
          // Read at the function's first cold start, once the API's and the scheduler's URLs are known.
          environment: () => functionEnvironment({ names: spec.env, stackValues, runtime, operator: process.env }),
        },
      ]),
    ),
  });
  // A handler past its spec's limit is stopped, as Lambda stops it (Sandbox.Timedout).
  const timeoutOf = (name: FunctionName) => functionSpecs[name].timeoutSeconds * 1000;
  const budgetOf = (name: FunctionName) => Math.min(options.lambdaTimeoutsMs?.[name] ?? Infinity, timeoutOf(name));
  const invoke = (name: FunctionName, payload: unknown) => usage.invocation(name, () => functions.invoke(name, payload, timeoutOf(name), budgetOf(name)));

  const lambdas = new Map<string, LocalLambda>();
  const functionNames = functionsByLogicalId(template);
  for (const [logicalId, name] of functionNames) lambdas.set(localFunctionArn(logicalId), (payload) => invoke(name, payload));

  // EventBridge Scheduler: its REST API on a server of its own; schedules fire RunSchedule in this process.
  const scheduler = new LocalScheduler({
    invoke: async (arn, payload) => {
      const target = lambdas.get(arn);
      if (!target) throw new Error(`no local function ${arn}`);
      return target(payload);
    },
    statePath: join(dataDir, 'schedules.json'),
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
  });
  const runScheduleId = [...functionNames].find(([, name]) => name === 'RunSchedule')?.[0];
  if (!runScheduleId) throw new Error('local stack: the template has no RunSchedule function');
  runtime.AWS_ENDPOINT_URL_SCHEDULER = await scheduler.listen();
  Object.assign(stackValues, {
    SCHEDULE_GROUP_NAME: 'zipjobs-local',
    SCHEDULER_ROLE_ARN: `arn:aws:iam::${LOCAL_ACCOUNT}:role/zipjobs-scheduler-local`,
    // The stand-in invokes RunSchedule once and reports a failure; it keeps no dead letters.
    SCHEDULER_DEAD_LETTER_ARN: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:zipjobs-scheduler-failures-local`,
    RUN_SCHEDULE_FUNCTION_ARN: localFunctionArn(runScheduleId),
  });
  Object.assign(process.env, runtime, stackValues);

  // The stack's stream consumers (event source mappings), fed by the local TTL.
  const consumers = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').map(([, mapping]) => {
    const props = mapping.Properties as { FunctionName: { Ref: string }; FilterCriteria?: { Filters?: { Pattern: string }[] } };
    const name = functionNames.get(props.FunctionName.Ref);
    if (!name) throw new Error(`local stack: no handler for the stream consumer ${props.FunctionName.Ref}`);
    return { filters: (props.FilterCriteria?.Filters ?? []).map((f) => JSON.parse(f.Pattern) as unknown), handle: (event: unknown) => invoke(name, event) };
  });
  const ttl = new LocalTtlStream(dynamoClient, TABLE_NAME, consumers);
  ttl.start(options.ttlSweepIntervalMs ?? 60_000);
  // The API listens before executions (journalled ones included) start, so
  // that Notify, at its first load, knows the URL for links in webhook bodies.
  let stopping = false;
  const api = apiGatewayServer(
    apiRoutes,
    async (route): Promise<RouteHandler> => {
      const spec: FunctionSpec = functionSpecs[route.fn];
      // A download still streaming when the stack stops (its connection is cut then) ends quietly.
      const stream = (event: APIGatewayProxyEvent, responseStream: Writable) =>
        usage.invocation(route.fn, () => functions.invokeStreaming(route.fn, event, responseStream, timeoutOf(route.fn), budgetOf(route.fn))).catch((error: unknown) => {
          if (!stopping) throw error;
          responseStream.destroy();
        });
      if (spec.streaming) return { streaming: true, handle: stream };
      return { streaming: false, handle: (event: APIGatewayProxyEvent) => invoke(route.fn, event) as Promise<APIGatewayProxyResult> };
    },
    options.onApiResponse,
  );
  const apiPort = await listen(api, options.port);
  stackValues.API_BASE_URL = `http://127.0.0.1:${apiPort}`;
  process.env.API_BASE_URL = stackValues.API_BASE_URL;

  // The stack's rules on what AWS services emit (WorkflowEnded's, on executions that end early).
  const [stateMachineId] = onlyResource(template, 'AWS::StepFunctions::StateMachine');
  // Scheduled rules (the sweeper's) fire on the local interval instead.
  const allRules = resourcesOfType(template, 'AWS::Events::Rule').map(([id, rule]) => {
    const props = rule.Properties as { EventPattern?: unknown; ScheduleExpression?: string; Targets: { Arn: unknown }[] };
    return {
      id,
      pattern: props.EventPattern === undefined ? undefined : resolveIntrinsicsDeep(props.EventPattern, template, { [stateMachineId]: STATE_MACHINE_ARN }),
      targets: props.Targets.map((t) => {
        const arn = resolveIntrinsics(t.Arn, template, {});
        const target = lambdas.get(arn);
        if (!target) throw new Error(`local stack: no handler for the rule target ${arn}`);
        return target;
      }),
    };
  });
  const rules = allRules.filter((r) => r.pattern !== undefined);
  const emit = async (event: LocalBusEvent) => {
    for (const rule of rules) if (matchesPattern(rule.pattern, event)) for (const target of rule.targets) await target(event);
  };
  const scheduledRules = new LocalScheduledRules(allRules.filter((r) => r.pattern === undefined));

  const definition = stateMachineDefinition(template, { [bucketId]: BUCKET_NAME, [tableId]: TABLE_NAME });
  stepFunctions = new LocalStepFunctions(definition, {
    stateMachineArn: STATE_MACHINE_ARN,
    lambdas,
    readJson: async (Bucket, Key) => JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString()),
    journalPath: join(dataDir, 'executions.json'),
    onExecutionError: (name, error) => console.error(`execution ${name} failed:`, error),
    waitTimeOverrides: options.waitTimeOverridesMs,
    timeoutSeconds: options.executionTimeoutSeconds,
    usage,
    onExecutionEnded: (detail) =>
      emit(busEvent('aws.states', 'Step Functions Execution Status Change', { ...detail }, [detail.executionArn])),
  });
  // Saved schedules fire only now that their runs can start executions.
  scheduler.start();
  scheduledRules.start(options.sweepIntervalMs ?? 15 * 60_000);

  return {
    url: `http://127.0.0.1:${apiPort}`,
    apiKey: options.apiKey,
    stepFunctions,
    ttl,
    events: bus.events,
    scheduler,
    scheduledRules,
    usage,
    async close() {
      stopping = true;
      rmSync(join(dataDir, 'endpoints.json'), { force: true });
      await scheduledRules.stop();
      await scheduler.close();
      await ttl.stop();
      // close() waits for every connection to end: cut the open ones (a client
      // still sending a body, a stalled download) instead of waiting on them.
      const apiClosed = new Promise<void>((ok) => api.close(() => ok()));
      api.closeAllConnections();
      await apiClosed;
      // Executions first, so that none sees its tasks fail as the functions stop: they run again at the next start.
      stepFunctions.suspend();
      await functions.close();
      await new Promise<void>((ok) => services.server.close(() => ok()));
      await s3Thread.close();
      await new Promise<void>((ok) => dynamo.close(() => ok()));
      dynamoClient.destroy();
      s3.destroy();
    },
  };
}
