import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnResource, Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { Role, ServicePrincipal, type IGrantable, type IPrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { envSchema, type EnvInput, type EnvName } from '../../lambdas/env';
import { functionSpecs, type FunctionName, type FunctionSpec } from '../functions';

/** Absolute, so that synth works from any working directory. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Metadata key on each CfnFunction; the local runner maps logical ids to handlers with it. */
export const FUNCTION_METADATA_KEY = 'zipjobs:function';

type SpecEnvName<N extends FunctionName> = (typeof functionSpecs)[N]['env'][number];

/** Variables the schema lets a handler start without (optional or defaulted). */
type OptionalEnvName = { [K in EnvName]-?: undefined extends EnvInput[K] ? K : never }[EnvName];

/**
 * The environment a function's spec asks for, typed from the zod schema: a
 * required variable left out, an unknown one, or a bad enum literal is a
 * compile error here rather than a cold-start failure in production.
 */
export type FunctionEnvironment<N extends FunctionName> = {
  readonly [K in Exclude<SpecEnvName<N>, OptionalEnvName>]: NonNullable<EnvInput[K]>;
} & {
  readonly [K in Extract<SpecEnvName<N>, OptionalEnvName>]?: NonNullable<EnvInput[K]>;
};

export interface HouseFunctionProps<N extends FunctionName> {
  /** The `functionSpecs` entry this function runs. */
  readonly name: N;
  readonly environment: FunctionEnvironment<N>;
  /** Development stack: logs are destroyed with it. */
  readonly dev?: boolean;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Reserved concurrency: the most instances at once, kept for this function. @default none */
  readonly reservedConcurrency?: number;
  /** Powertools' settings, the same for every function (see `telemetryEnvironment`). @default none */
  readonly telemetry?: Readonly<Record<string, string>>;
}

/** What Powertools reads in every function: one service name and metrics namespace, the debug-log sample rate. */
export interface TelemetrySettings {
  /** `service` on every log line and metric. @default 'zipjobs' */
  readonly serviceName?: string;
  /** CloudWatch namespace of the EMF metrics. @default 'zipjobs' */
  readonly metricsNamespace?: string;
  /** Share of invocations (0–1) that print their debug lines. @default 0 */
  readonly debugLogSampleRate?: number;
}

export function telemetryEnvironment(settings: TelemetrySettings = {}): Record<string, string> {
  const rate = settings.debugLogSampleRate ?? 0;
  if (!(rate >= 0 && rate <= 1)) throw new Error(`debugLogSampleRate must be between 0 and 1, got ${rate}`);
  return {
    POWERTOOLS_SERVICE_NAME: settings.serviceName ?? 'zipjobs',
    POWERTOOLS_METRICS_NAMESPACE: settings.metricsNamespace ?? 'zipjobs',
    POWERTOOLS_LOGGER_SAMPLE_RATE: String(rate),
  };
}

/**
 * Checks the environment against the spec and the schema, for callers that
 * got around the types (casts, computed objects). Tokens are only known at
 * deploy time, so only their presence is checked.
 */
export function environmentProblems(name: FunctionName, environment: Readonly<Record<string, string | undefined>>): string[] {
  const listed: readonly EnvName[] = functionSpecs[name].env;
  const problems: string[] = [];
  for (const key of listed) {
    const value = environment[key];
    const field = envSchema.shape[key];
    if (value === undefined) {
      if (!field.safeParse(undefined).success) problems.push(`${key} is required`);
    } else if (!Token.isUnresolved(value)) {
      const parsed = field.safeParse(value);
      if (!parsed.success) problems.push(`${key}: ${parsed.error.issues.map((i) => i.message).join(', ')}`);
    }
  }
  for (const key of Object.keys(environment)) {
    if (!(listed as readonly string[]).includes(key)) problems.push(`${key} is not in the spec's env list`);
  }
  return problems;
}

/**
 * A shell command that rewrites a bundle's source map so that its `sources`
 * are relative to the repository (`lambdas/handlers/…`), not to the folder
 * esbuild wrote into: the asset's hash (of the bundle's files) then no longer
 * depends on where the app is synthesized, and stack traces name repository
 * paths. Plain `node -e` (CommonJS, double quotes only) so no quoting breaks.
 */
export function sourceMapPathsCommand(mapFile: string, repository: string): string {
  const script = [
    'const fs = require("node:fs"), path = require("node:path");',
    'const [file, root] = process.argv.slice(1);',
    'const map = JSON.parse(fs.readFileSync(file, "utf8"));',
    'const base = path.resolve(path.dirname(file), map.sourceRoot || "");',
    'map.sources = map.sources.map((s) => path.relative(root, path.resolve(base, s)).split(path.sep).join("/"));',
    'delete map.sourceRoot;',
    'fs.writeFileSync(file, JSON.stringify(map));',
  ].join(' ');
  return `node -e '${script}' "${mapFile}" "${repository}"`;
}

/** esbuild hooks: repository-relative source maps, and `folder` (repository-relative) copied next to the bundle. */
function bundlingHooks(folder: string | undefined): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) => [
      sourceMapPathsCommand(join(outputDir, 'index.mjs.map'), inputDir),
      ...(folder ? [`cp -R "${join(inputDir, folder)}" "${join(outputDir, basename(folder))}"`] : []),
    ],
  };
}

/**
 * The one way zipjobs builds a Lambda function: Node 22 on ARM64, bundled by
 * the local esbuild, JSON logs into a retained log group, X-Ray tracing,
 * source maps, and timeout/memory/environment from `functionSpecs`.
 */
export class HouseFunction<N extends FunctionName = FunctionName> extends Construct implements IGrantable {
  readonly name: N;
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly timeout: Duration;
  readonly grantPrincipal: IPrincipal;

  constructor(scope: Construct, id: string, props: HouseFunctionProps<N>) {
    super(scope, id);
    const spec = functionSpecs[props.name];
    const assets = (spec as FunctionSpec).assets;
    const environment = props.environment as Readonly<Record<string, string | undefined>>;
    const problems = environmentProblems(props.name, environment);
    if (problems.length > 0) throw new Error(`${props.name}: invalid environment: ${problems.join('; ')}`);

    this.name = props.name;
    this.timeout = Duration.seconds(spec.timeoutSeconds);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });

    const definedEnvironment = Object.fromEntries(
      Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    // Its own role instead of AWSLambdaBasicExecutionRole, which may create and
    // write any log group: this one writes to the function's log group only.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `zipjobs ${props.name}`,
    });
    this.logGroup.grantWrite(role);
    const sampled = Number(props.telemetry?.POWERTOOLS_LOGGER_SAMPLE_RATE ?? 0) > 0;
    this.fn = new NodejsFunction(this, 'Function', {
      role,
      entry: join(repoRoot, spec.entry),
      handler: 'handler',
      description: spec.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: this.timeout,
      ...(props.reservedConcurrency !== undefined && { reservedConcurrentExecutions: props.reservedConcurrency }),
      environment: { ...definedEnvironment, ...props.telemetry, NODE_OPTIONS: '--enable-source-maps' },
      // Lambda's JSON format brings its log-level control, which drops DEBUG lines and overrides
      // Powertools' level: with debug sampling on, Powertools' own JSON lines pass as they are.
      loggingFormat: sampled ? LoggingFormat.TEXT : LoggingFormat.JSON,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      projectRoot: repoRoot,
      depsLockFilePath: join(repoRoot, 'package-lock.json'),
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node22',
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        // CommonJS dependencies bundled into ESM still call require().
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        // Bundle the SDK too: the handlers run against the exact versions they
        // were tested with, not whatever the runtime ships this month.
        externalModules: [],
        // Files the handler reads at run time (the dashboard's), beside the bundle.
        // Source maps relative to the repository, and files the handler reads at run time (the dashboard's) beside the bundle.
        commandHooks: bundlingHooks(assets),
      },
    });
    (this.fn.node.defaultChild as CfnResource).addMetadata(FUNCTION_METADATA_KEY, props.name);
    this.grantPrincipal = this.fn.grantPrincipal;
  }
}
