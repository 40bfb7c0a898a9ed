import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Tags } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAN } from '../../lambdas/core/plans';
import { stateMachineDefinition } from '../../lib/local/state-machine-definition';
import type { CfnTemplate } from '../../lib/local/template';
import { ZipjobsStack } from '../../lib/zipjobs-stack';

type AslValidator = (definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }) => { isValid: boolean; errorsText: (separator?: string) => string };
const validateAsl = createRequire(import.meta.url)('asl-validator') as AslValidator;

/** cfn-lint: the Python tool (preinstalled on the CI image; `pip install cfn-lint` elsewhere). */
const cfnLint = ['cfn-lint', 'python3 -m cfnlint'].find((command) => spawnSync('sh', ['-c', `${command} --version`], { stdio: 'ignore' }).status === 0);

interface Match {
  readonly Rule: { readonly Id: string };
  readonly Level: string;
  readonly Message: string;
  readonly Filename: string;
  readonly Location: { readonly Path: readonly (string | number)[] };
}

/**
 * Errors cfn-lint reports on what CloudFormation accepts because its schemas
 * are older than the CDK's: each names its rule, resource type and property.
 * AWS::CloudWatch::Dashboard has had Tags since May 2026 (aws-cdk-lib 2.257);
 * cfn-lint 1.51's schema predates them. CDK's built-in validation below
 * checks these properties against the newer schema.
 */
const OLDER_SCHEMA = [{ rule: 'E3002', type: 'AWS::CloudWatch::Dashboard', property: 'Tags' }];

let root: string;
const templates: Record<'production' | 'dev', string> = { production: '', dev: '' };
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'zipjobs-cfn-'));
  // CDK's built-in CloudFormation schema validation is on: a property CloudFormation would refuse fails this synth.
  const app = new App({ outdir: join(root, 'cdk.out'), builtinCloudFormationValidation: true, context: { 'aws:cdk:bundling-stacks': [] } });
  // As bin/app.ts builds them: every option on for production, defaults for dev.
  const production = new ZipjobsStack(app, 'Zipjobs', {
    plans: [DEFAULT_PLAN],
    alarmEmail: 'ops@example.com',
    waf: true,
    domains: ['zip.example.com', 'files.example.com'],
    certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
  });
  const dev = new ZipjobsStack(app, 'ZipjobsDev', { dev: true });
  Tags.of(app).add('project', 'zipjobs');
  const assembly = app.synth();
  templates.production = join(assembly.directory, production.templateFile);
  templates.dev = join(assembly.directory, dev.templateFile);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the synthesized templates', () => {
  it('pass cfn-lint (production and dev stacks), which does catch a broken template', () => {
    if (!cfnLint) throw new Error('cfn-lint is not installed: `pip install cfn-lint` (.ci/run installs it when missing)');
    // A template CloudFormation refuses, linted in the same run: the check can fail.
    const broken = join(root, 'broken.json');
    writeFileSync(broken, JSON.stringify({ Resources: { Table: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'SOMETIMES', Bogus: 1 } } } }));
    const run = spawnSync('sh', ['-c', `${cfnLint} --format json --non-zero-exit-code none -- "$@"`, 'cfn-lint', templates.production, templates.dev, broken], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(run.status, run.stderr).toBe(0);
    const matches = JSON.parse(run.stdout) as Match[];
    expect(matches.filter((m) => m.Filename === broken && m.Level === 'Error').length).toBeGreaterThanOrEqual(2);

    const typeOf = (file: string, id: string | number) => (JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate).Resources[String(id)]?.Type;
    const errors = matches.filter((m) => m.Filename !== broken && m.Level === 'Error');
    const unexplained = errors.filter(
      (m) => !OLDER_SCHEMA.some((o) => o.rule === m.Rule.Id && typeOf(m.Filename, m.Location.Path[1]!) === o.type && m.Location.Path.includes(o.property)),
    );
    expect(unexplained.map((m) => `${m.Rule.Id} ${m.Location.Path.join('/')}: ${m.Message}`)).toEqual([]);
  }, 180_000);

  it.each(['production', 'dev'] as const)('%s: the state machine is valid Amazon States Language (asl-validator)', (which) => {
    const template = JSON.parse(readFileSync(templates[which], 'utf8')) as CfnTemplate;
    const buckets = Object.fromEntries(Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::S3::Bucket').map(([id]) => [id, 'zipjobs-bucket']));
    const definition = stateMachineDefinition(template, buckets);
    const result = validateAsl(definition, { checkPaths: true, checkArn: true });
    expect(result.errorsText('\n'), which).toBe('');
    expect(result.isValid).toBe(true);
    // … and it does refuse a broken one.
    expect(validateAsl({ ...definition, StartAt: 'NoSuchState' }).isValid).toBe(false);
  });
});
