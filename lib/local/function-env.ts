/**
 * The environment one function gets in the local stack: the variables its
 * spec lists (lib/functions.ts) and nothing else of the stack's, as the
 * deployed stack sets them, so a handler that reads a variable its spec lacks
 * finds it unset locally too, as it would on AWS. Plus what the runtime
 * itself provides, as Lambda sets AWS_REGION and the like.
 */

/** Where the runtime's own variables come from, besides the stand-ins' endpoints and credentials. */
const RUNTIME_PREFIXES = [
  // What every deployed function gets from the stack's `telemetry` prop, or an operator sets for `npm start`.
  'POWERTOOLS_',
  // The local stack's own settings (log format, quiet tests, a shorter source idle timeout in tests): never a spec's variable.
  'ZIPJOBS_',
];

export interface FunctionEnvironmentInput {
  /** The variables the function's spec lists. */
  readonly names: readonly string[];
  /** The values the local stack gives its functions (table, bucket, state machine…). */
  readonly stackValues: Readonly<Record<string, string | undefined>>;
  /** The runtime's variables (region, credentials, the stand-ins' endpoints). */
  readonly runtime: Readonly<Record<string, string>>;
  /** The environment `npm start` (or a test) runs in: a spec's variable the stack has no value for may be set there (SOURCE_MIN_BYTES_PER_SECOND…). */
  readonly operator: Readonly<Record<string, string | undefined>>;
}

export function functionEnvironment({ names, stackValues, runtime, operator }: FunctionEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(operator)) if (value !== undefined && RUNTIME_PREFIXES.some((p) => name.startsWith(p))) env[name] = value;
  Object.assign(env, runtime);
  for (const name of names) {
    const value = stackValues[name] ?? operator[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** The local stack's own settings, as they are now: they may change while a stack runs (tests turn logs on and off). */
export function localSettings(operator: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(operator).filter((e): e is [string, string] => e[1] !== undefined && e[0].startsWith('ZIPJOBS_')));
}
