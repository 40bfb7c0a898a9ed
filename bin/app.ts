#!/usr/bin/env node
import { App, Tags } from 'aws-cdk-lib';
import { ZipjobsStack } from '../lib/zipjobs-stack';

// Environment-agnostic on purpose (no account, no lookups): `cdk synth` works
// offline and the same template deploys to whatever account the CLI uses.
const app = new App();

// `-c dev=true` arrives as the string "true"; cdk.json context as a boolean.
const dev = [true, 'true'].includes(app.node.tryGetContext('dev'));
const publicBaseUrl: unknown = app.node.tryGetContext('publicBaseUrl');

new ZipjobsStack(app, 'Zipjobs', {
  description: 'zipjobs: ZIP archives from lists of URLs',
  dev,
  publicBaseUrl: typeof publicBaseUrl === 'string' && publicBaseUrl !== '' ? publicBaseUrl : undefined,
});
Tags.of(app).add('project', 'zipjobs');
