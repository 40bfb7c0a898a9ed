import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDomainList } from '../../lib/custom-domains';
import { functionIds, resourcesOf, synthTemplate } from './synth';

const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
const domains = ['zip.example.com', 'files.example.org'];

let template: Template;
beforeAll(() => {
  template = synthTemplate({ domains, certificateArn });
});

const variables = (t: Template, name: 'CreateJob' | 'GetJob' | 'Site' | 'Notify') =>
  resourcesOf(t, 'AWS::Lambda::Function')[functionIds(t)[name]]!.Properties.Environment.Variables as Record<string, unknown>;

describe('custom domains', () => {
  it('creates one REGIONAL domain name per domain, with the certificate and TLS 1.2', () => {
    const names = Object.values(resourcesOf(template, 'AWS::ApiGateway::DomainName')).map((r) => r.Properties);
    expect(names.map((p) => p.DomainName).sort()).toEqual([...domains].sort());
    for (const p of names) {
      expect(p).toMatchObject({ RegionalCertificateArn: certificateArn, EndpointConfiguration: { Types: ['REGIONAL'] }, SecurityPolicy: 'TLS_1_2' });
      expect(p.CertificateArn).toBeUndefined();
    }
  });

  it('maps each domain at its root to the API stage', () => {
    const [apiId] = Object.keys(resourcesOf(template, 'AWS::ApiGateway::RestApi'));
    const [stageId] = Object.keys(resourcesOf(template, 'AWS::ApiGateway::Stage'));
    const domainIds = resourcesOf(template, 'AWS::ApiGateway::DomainName');
    const mappings = Object.values(resourcesOf(template, 'AWS::ApiGateway::BasePathMapping')).map((r) => r.Properties);
    expect(mappings).toHaveLength(domains.length);
    const mapped = mappings.map((m) => domainIds[m.DomainName.Ref]!.Properties.DomainName);
    expect(mapped.sort()).toEqual([...domains].sort());
    for (const m of mappings) {
      expect(m.RestApiId).toEqual({ Ref: apiId });
      expect(m.Stage).toEqual({ Ref: stageId });
      // No base path: the routes are at the host's root, so links carry no /v1.
      expect(m.BasePath ?? '').toBe('');
    }
  });

  it('lists the domains for ZipBalls and makes the first one the base of links', () => {
    expect(variables(template, 'CreateJob')).toMatchObject({ CUSTOM_DOMAINS: 'zip.example.com,files.example.org', PUBLIC_BASE_URL: 'https://zip.example.com' });
    expect(variables(template, 'GetJob').PUBLIC_BASE_URL).toBe('https://zip.example.com');
    expect(variables(template, 'Site').PUBLIC_BASE_URL).toBe('https://zip.example.com');
    expect(variables(template, 'Notify').API_BASE_URL).toBe('https://zip.example.com');
  });

  it('keeps an explicit publicBaseUrl over the first domain', () => {
    const t = synthTemplate({ domains, certificateArn, publicBaseUrl: 'https://cdn.example.net' });
    expect(variables(t, 'CreateJob')).toMatchObject({ CUSTOM_DOMAINS: 'zip.example.com,files.example.org', PUBLIC_BASE_URL: 'https://cdn.example.net' });
  });

  it('outputs the target of the DNS record each domain needs', () => {
    const outputs = template.findOutputs('*');
    const targets = Object.entries(outputs).filter(([id]) => /^CustomDomain\dTarget$/.test(id));
    expect(targets).toHaveLength(2);
    for (const [, output] of targets) expect(output.Value).toEqual({ 'Fn::GetAtt': [expect.any(String), 'RegionalDomainName'] });
    expect(outputs.CustomDomain1Target!.Description).toContain('zip.example.com');
    expect(outputs.CustomDomain2Target!.Description).toContain('files.example.org');
  });

  it('creates nothing and sets no variable without domains', () => {
    const t = synthTemplate();
    t.resourceCountIs('AWS::ApiGateway::DomainName', 0);
    t.resourceCountIs('AWS::ApiGateway::BasePathMapping', 0);
    expect(variables(t, 'CreateJob').CUSTOM_DOMAINS).toBeUndefined();
    expect(variables(t, 'CreateJob').PUBLIC_BASE_URL).toBeUndefined();
  });

  it.each([
    [{ domains }, /domains need a certificateArn/],
    [{ certificateArn }, /certificateArn is given without domains/],
    [{ domains: ['https://zip.example.com'], certificateArn }, /"https:\/\/zip.example.com" must be letters/],
    [{ domains: ['*.example.com'], certificateArn }, /no wildcard/],
    [{ domains: ['Zip.Example.com'], certificateArn }, /lower case/],
    [{ domains: ['localhost'], certificateArn }, /full host name/],
    [{ domains: ['zip.example.com', 'zip.example.com'], certificateArn }, /listed twice/],
    [{ domains, certificateArn: 'arn:aws:iam::123456789012:server-certificate/x' }, /certificateArn: .* is not an ACM certificate ARN/],
  ])('refuses at synth time: %j', (props, message) => {
    expect(() => synthTemplate(props)).toThrow(message);
  });

  it('refuses a certificate of another region when the stack has one', () => {
    expect(() => synthTemplate({ domains, certificateArn, env: { region: 'us-east-1' } })).toThrow(/certificate is in eu-west-1.*\(us-east-1\)/);
    expect(() => synthTemplate({ domains, certificateArn, env: { region: 'eu-west-1' } })).not.toThrow();
  });

  it('reads the -c domains flag as a comma-separated list', () => {
    expect(parseDomainList('zip.example.com, files.example.org,')).toEqual(domains);
    expect(parseDomainList('')).toBeUndefined();
    expect(parseDomainList(undefined)).toBeUndefined();
  });
});
