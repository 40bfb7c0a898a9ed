import { bucketPrefixes } from '../../lib/constructs/storage';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { resourcesOf, synthTemplate } from './synth';

// A dev stack (`cdk deploy -c dev=true`) must be removable without leftovers.
let template: Template;
beforeAll(() => {
  template = synthTemplate({ dev: true, expireObjectsAfterDays: 7 });
});

describe('dev stack', () => {
  it('destroys the table, without deletion protection', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });

  it('destroys and empties the bucket, the secret and the log groups', () => {
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    for (const logGroup of Object.values(resourcesOf(template, 'AWS::Logs::LogGroup'))) {
      expect(logGroup.DeletionPolicy).toBe('Delete');
    }
  });

  it('applies the configured object expiry (uploaded file lists keep their one day)', () => {
    const [bucket] = Object.values(resourcesOf(template, 'AWS::S3::Bucket'));
    const days = (bucket!.Properties.LifecycleConfiguration.Rules as { ExpirationInDays?: number }[])
      .map((rule) => rule.ExpirationInDays)
      .filter((d) => d !== undefined);
    // An uploaded file list is needed only until its job is prepared.
    expect(days).toEqual(bucketPrefixes.map((prefix) => (prefix === 'uploads/' ? 1 : 7)));
  });
});
