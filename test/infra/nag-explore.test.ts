import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { it } from 'vitest';
import { buildStack } from './synth';

it('explore', () => {
  const stack = buildStack();
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: false }));
  const a = Annotations.fromStack(stack);
  const errs = a.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
  const warns = a.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'));
  for (const m of [...errs, ...warns]) console.log(m.level, m.id, String(m.entry.data).split('\n')[0]);
});
