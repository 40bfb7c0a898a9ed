import { App } from 'aws-cdk-lib';
import { ZipjobsStack } from '../zipjobs-stack';
import { functionSpecs, type FunctionName } from '../functions';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
}

/**
 * Synthesizes the same stack `cdk synth` does, without bundling, and returns
 * its template. Without CDK's built-in CloudFormation validation: the local
 * stack only reads the template, and the validator (WebAssembly) cost about
 * 10 s of CPU on every start; `cdk synth` and the infra tests still run it.
 */
export function synthesizeTemplate(): CfnTemplate {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = new ZipjobsStack(app, 'Zipjobs', { dev: true });
  return app.synth().getStackArtifact(stack.artifactId).template as CfnTemplate;
}

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** The stack's single resource of `type` (its table, its bucket). */
export function onlyResource(template: CfnTemplate, type: string): [string, CfnResource] {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type} in the stack, found ${found.length}`);
  return found[0]!;
}

/** Lambda logical id → the function it builds, from the `zipjobs:function` metadata the stack sets. */
export function functionsByLogicalId(template: CfnTemplate): Map<string, FunctionName> {
  const out = new Map<string, FunctionName>();
  for (const [id, resource] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const name = resource.Metadata?.['zipjobs:function'];
    if (typeof name === 'string' && name in functionSpecs) out.set(id, name as FunctionName);
  }
  return out;
}

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';
export const localFunctionArn = (logicalId: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;

/**
 * Resolves the intrinsics CDK puts in a state machine definition (Fn::Join of
 * strings, Ref, Fn::GetAtt) into plain strings: Lambda ARNs become local ARNs
 * named after their logical id, other Refs come from `physicalNames`.
 */
export function resolveIntrinsics(value: unknown, template: CfnTemplate, physicalNames: Record<string, string>): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if ('Fn::Join' in node) {
    const [sep, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolveIntrinsics(p, template, physicalNames)).join(sep);
  }
  if ('Ref' in node) {
    const ref = node.Ref as string;
    const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': LOCAL_REGION, 'AWS::AccountId': LOCAL_ACCOUNT, 'AWS::URLSuffix': 'amazonaws.com' };
    const resolved = pseudo[ref] ?? physicalNames[ref];
    if (resolved === undefined) throw new Error(`local stack: no local value for Ref ${ref}`);
    return resolved;
  }
  if ('Fn::GetAtt' in node) {
    const [id, attribute] = node['Fn::GetAtt'] as [string, string];
    const type = template.Resources[id]?.Type;
    if (type === 'AWS::Lambda::Function' && attribute === 'Arn') return localFunctionArn(id);
    if (physicalNames[`${id}.${attribute}`] !== undefined) return physicalNames[`${id}.${attribute}`]!;
    throw new Error(`local stack: no local value for Fn::GetAtt ${id}.${attribute}`);
  }
  throw new Error(`local stack: unsupported intrinsic ${JSON.stringify(value).slice(0, 100)}`);
}

/** `resolveIntrinsics` applied to every intrinsic inside a JSON value (an event pattern, say). */
export function resolveIntrinsicsDeep(value: unknown, template: CfnTemplate, physicalNames: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsicsDeep(v, template, physicalNames));
  if (value === null || typeof value !== 'object') return value;
  if (['Ref', 'Fn::GetAtt', 'Fn::Join'].some((k) => k in value)) return resolveIntrinsics(value, template, physicalNames);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveIntrinsicsDeep(v, template, physicalNames)]));
}
