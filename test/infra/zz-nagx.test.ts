import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { it } from 'vitest';
import { buildStack } from './synth';
it('explore', () => {
  for (const dev of [false, true]) {
  const stack = buildStack({ dev });
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: false, reports: false }));
  const a = Annotations.fromStack(stack);
  const r = Match.stringLikeRegexp('AwsSolutions-.*');
  for (const m of [...a.findError('*', r), ...a.findWarning('*', r)]) console.log('FINDING', dev, m.level, m.id, String(m.entry.data).split('\n')[0].slice(0, 200));
  }
});
