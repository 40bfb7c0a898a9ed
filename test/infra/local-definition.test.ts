import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ZipjobsStack } from '../../lib/zipjobs-stack';
import { ITEM_READER_SUFFIX, renameTransitions, rewriteDistributedMaps, stateMachineDefinition, taskStates, type StatesDefinition } from '../../lib/local/state-machine-definition';
import { functionsByLogicalId, synthesizeTemplate, type CfnTemplate } from '../../lib/local/template';

// The local stack runs the definition it synthesizes from ZipjobsStack; these
// tests make sure that is the definition `cdk synth` deploys, and that the
// local rewrite changes nothing but the Distributed Map's item reading.
const physical = (template: CfnTemplate) =>
  Object.fromEntries(Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::S3::Bucket').map(([id]) => [id, 'bucket']));

function deployedTemplate(): CfnTemplate {
  // As bin/app.ts builds it for `cdk deploy` (not a dev stack).
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new ZipjobsStack(app, 'Zipjobs');
  return app.synth().getStackArtifact(stack.artifactId).template as CfnTemplate;
}

describe('the state machine the local stack runs', () => {
  const local = synthesizeTemplate();
  const localDefinition = stateMachineDefinition(local, physical(local));

  it('is the one the deployable stack synthesizes', () => {
    const deployed = deployedTemplate();
    expect(localDefinition).toEqual(stateMachineDefinition(deployed, physical(deployed)));
  });

  it('maps every Lambda task to a handler of the registry', () => {
    const lambdas = functionsByLogicalId(local);
    const tasks = taskStates(localDefinition).filter(([, s]) => String(s.Resource).includes(':lambda:'));
    expect(tasks.length).toBeGreaterThanOrEqual(5);
    for (const [, state] of tasks) {
      const logicalId = String(state.Resource).split(':function:')[1]!;
      expect(lambdas.has(logicalId)).toBe(true);
    }
  });

  it('rewrites only the Distributed Map: an item-reading task before an inline Map', () => {
    const rewritten = rewriteDistributedMaps(localDefinition);
    const maps = Object.entries(localDefinition.States).filter(([, s]) => s.Type === 'Map' && s.ItemReader);
    expect(maps.map(([name]) => name)).toEqual(['BuildZips']);
    const reader = rewritten.States[`BuildZips${ITEM_READER_SUFFIX}`]!;
    expect(reader).toMatchObject({ Type: 'Task', Resource: 'arn:aws:states:::s3:getObject', Next: 'BuildZips' });
    expect(rewritten.States.BuildZips).toMatchObject({ ItemsPath: expect.any(String), ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' } } });
    expect(rewritten.States.BuildZips!.ItemReader).toBeUndefined();

    // Undo the rewrite: what is left must be the synthesized definition.
    const undone = structuredClone(rewritten) as StatesDefinition;
    delete undone.States[`BuildZips${ITEM_READER_SUFFIX}`];
    const original = localDefinition.States.BuildZips!;
    undone.States.BuildZips = original;
    for (const state of Object.values(undone.States)) renameTransitions(state, `BuildZips${ITEM_READER_SUFFIX}`, 'BuildZips');
    expect(undone).toEqual(localDefinition);
  });
});
