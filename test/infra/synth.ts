import { createRequire } from 'node:module';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTION_METADATA_KEY, repoRoot } from '../../lib/constructs/house-function';
import { functionSpecs, type FunctionName } from '../../lib/functions';
import { ZipjobsStack, type ZipjobsStackProps } from '../../lib/zipjobs-stack';

/** The CommonJS `fs` object aws-cdk-lib calls, so that it can be patched around one synth. */
const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');

export interface SynthOptions {
  /**
   * CDK's built-in CloudFormation schema validation: ~8 s per synth here, so
   * one test file turns it on for the production stack and the others skip it.
   * @default false
   */
  readonly cfnValidation?: boolean;
}

/**
 * Synthesizes the stack without bundling. NodejsFunction refuses a missing
 * entry file even then; the handlers are written separately (and checked by
 * handler-entries.test.ts), so their entries are reported as present here:
 * these tests are about the infrastructure.
 */
export function synthTemplate(props: ZipjobsStackProps = {}, options: SynthOptions = {}): Template {
  return Template.fromStack(buildStack(props, options));
}

/**
 * The stack, built the same way but not yet synthesized: for tests that add
 * aspects (cdk-nag) before synthesis, e.g. through `Annotations.fromStack`.
 */
export function buildStack(props: ZipjobsStackProps = {}, options: SynthOptions = {}): ZipjobsStack {
  const entries = new Set(Object.values(functionSpecs).map((spec) => join(repoRoot, spec.entry)));
  const existsSync = fs.existsSync;
  fs.existsSync = (path) => (typeof path === 'string' && entries.has(path)) || existsSync(path);
  try {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [] },
      builtinCloudFormationValidation: options.cfnValidation ?? false,
    });
    return new ZipjobsStack(app, 'Zipjobs', props);
  } finally {
    fs.existsSync = existsSync;
  }
}

type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, unknown>; DeletionPolicy?: string };

export const resourcesOf = (template: Template, type: string) =>
  template.findResources(type) as Record<string, Resource>;

/** Logical id of each function, found by the metadata the local runner uses too. */
export function functionIds(template: Template): Record<FunctionName, string> {
  const out: Partial<Record<FunctionName, string>> = {};
  for (const [id, resource] of Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))) {
    const name = resource.Metadata?.[FUNCTION_METADATA_KEY] as FunctionName | undefined;
    if (name) out[name] = id;
  }
  return out as Record<FunctionName, string>;
}

/** Intrinsics as readable strings: `${Bucket.Arn}/zips/*`, `${AWS::Partition}`. */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, any>;
  if ('Fn::Join' in node) return (node['Fn::Join'][1] as unknown[]).map(flatten).join(node['Fn::Join'][0]);
  if ('Ref' in node) return `\${${node.Ref}}`;
  if ('Fn::GetAtt' in node) return `\${${node['Fn::GetAtt'].join('.')}}`;
  return JSON.stringify(value);
}

export interface Statement {
  readonly effect: string;
  readonly actions: string[];
  readonly resources: string[];
}

const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** Every inline-policy statement attached to a role. */
export function roleStatements(template: Template, roleId: string): Statement[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => list(policy.Properties.Roles).some((role: any) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as any[])
    .map((s) => ({ effect: s.Effect, actions: list<string>(s.Action), resources: list(s.Resource).map(flatten) }));
}

export function roleOfFunction(template: Template, functionId: string): string {
  return resourcesOf(template, 'AWS::Lambda::Function')[functionId]!.Properties.Role['Fn::GetAtt'][0];
}

/** Does an IAM pattern (`s3:Put*`, `zips/*`, `*`) cover this value? */
export function globMatches(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
  return re.test(value);
}

/** The object-key pattern of an S3 object ARN (`${Bucket.Arn}/zips/*` → `zips/*`); `*` for `*`. */
export function objectKeyPattern(resource: string): string | undefined {
  if (resource === '*') return '*';
  return /^\$\{[^}]+\}\/(.*)$/.exec(resource)?.[1];
}
