#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { App, Tags } from 'aws-cdk-lib';
import { plansSchema } from '../lambdas/core/plans';
import { parseDomainList } from '../lib/custom-domains';
import { ZipjobsStack } from '../lib/zipjobs-stack';

// Environment-agnostic on purpose (no account, no lookups): `cdk synth` works
// offline and the same template deploys to whatever account the CLI uses.
const app = new App();

// `-c dev=true` arrives as the string "true"; cdk.json context as a boolean.
const dev = [true, 'true'].includes(app.node.tryGetContext('dev'));
const publicBaseUrl: unknown = app.node.tryGetContext('publicBaseUrl');
// `-c alarmEmail=ops@example.com`: subscribed to the alarm topic.
const alarmEmail: unknown = app.node.tryGetContext('alarmEmail');
// `-c plans=plans.json`: a JSON array of plans (lambdas/core/plans.ts); checked here so a bad file fails the synth.
const plansFile: unknown = app.node.tryGetContext('plans');
const plans = typeof plansFile === 'string' && plansFile !== '' ? plansSchema.parse(JSON.parse(readFileSync(plansFile, 'utf8'))) : undefined;

/** A text context flag (`-c name=value`), or undefined when not given or empty. */
const textFlag = (name: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** A numeric context flag (`-c name=N`), or undefined when not given. */
const numberFlag = (name: string): number | undefined => {
  const value: unknown = app.node.tryGetContext(name);
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`-c ${name}: must be a number (got ${String(value)})`);
  return n;
};

new ZipjobsStack(app, 'Zipjobs', {
  description: 'zipjobs: ZIP archives from lists of URLs',
  dev,
  plans,
  sourceLimits: {
    minBytesPerSecond: numberFlag('sourceMinBytesPerSecond'),
    rateWindowSeconds: numberFlag('sourceRateWindowSeconds'),
    maxFileSeconds: numberFlag('sourceMaxFileSeconds'),
  },
  reservedConcurrency: { buildZip: numberFlag('buildZipConcurrency'), prepare: numberFlag('prepareConcurrency') },
  downloadRequestsPerMinute: numberFlag('downloadRequestsPerMinute'),
  segments: { minSegmentBytes: numberFlag('segmentMinBytes'), partBytes: numberFlag('segmentPartBytes'), maxSegments: numberFlag('maxSegments') },
  publicBaseUrl: typeof publicBaseUrl === 'string' && publicBaseUrl !== '' ? publicBaseUrl : undefined,
  alarmEmail: typeof alarmEmail === 'string' && alarmEmail !== '' ? alarmEmail : undefined,
  // `-c domains=zip.example.com,files.example.com -c certificateArn=arn:aws:acm:…`: custom domains (checked by the construct).
  domains: parseDomainList(app.node.tryGetContext('domains')),
  certificateArn: textFlag('certificateArn'),
  // `-c waf=true [-c wafRateLimit=1000 -c wafRateWindowSeconds=300]`: an AWS WAF web ACL on the API (checked by the construct).
  waf: [true, 'true'].includes(app.node.tryGetContext('waf'))
    ? { rateLimit: numberFlag('wafRateLimit'), rateWindowSeconds: numberFlag('wafRateWindowSeconds') as 60 | 120 | 300 | 600 | undefined }
    : undefined,
});
Tags.of(app).add('project', 'zipjobs');
