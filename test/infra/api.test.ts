import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes, functionSpecs } from '../../lib/functions';
import { installLambdaStreaming, isStreamingHandler } from '../../lib/local/lambda-streaming';
import { functionIds, resourcesOf, synthTemplate } from './synth';

let template: Template;
beforeAll(() => {
  template = synthTemplate();
});

/** Full path of an API Gateway resource, rebuilt from its parent chain. */
function resourcePath(id: string): string {
  const resource = resourcesOf(template, 'AWS::ApiGateway::Resource')[id]!;
  // The parent is another resource (a Ref) or the API's root (a GetAtt RootResourceId).
  const parentId: string | undefined = resource.Properties.ParentId.Ref;
  return `${parentId ? resourcePath(parentId) : ''}/${resource.Properties.PathPart}`;
}

describe('REST API', () => {
  it('has a Lambda proxy method for every route, and no other', () => {
    const ids = functionIds(template);
    const methods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).map((m) => ({
      method: m.Properties.HttpMethod,
      path: resourcePath(m.Properties.ResourceId.Ref),
      type: m.Properties.Integration.Type,
      target: JSON.stringify(m.Properties.Integration.Uri),
    }));
    expect(methods).toHaveLength(apiRoutes.length);
    for (const route of apiRoutes) {
      const method = methods.find((m) => m.method === route.method && m.path === route.path);
      expect(method, `${route.method} ${route.path}`).toMatchObject({ type: 'AWS_PROXY' });
      expect(method!.target).toContain(ids[route.fn]);
    }
  });

  it('answers HEAD on /download/{token} with the Download function, as GET (download managers ask HEAD first)', () => {
    const ids = functionIds(template);
    const methods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).filter(
      (m) => resourcePath(m.Properties.ResourceId.Ref) === '/download/{token}',
    );
    expect(methods.map((m) => m.Properties.HttpMethod).sort()).toEqual(['GET', 'HEAD']);
    for (const m of methods) {
      expect(m.Properties.Integration.Type).toBe('AWS_PROXY');
      expect(JSON.stringify(m.Properties.Integration.Uri)).toContain(ids.Download);
      expect(m.Properties.RequestParameters).toEqual({ 'method.request.path.token': true });
    }
  });

  it('streams the responses of streaming functions (the download), and only theirs', async () => {
    const methods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'));
    const ids = functionIds(template);
    const streamed = new Set<string>();
    for (const m of methods) {
      const fn = Object.entries(ids).find(([, id]) => JSON.stringify(m.Properties.Integration.Uri).includes(id))?.[0] as keyof typeof functionSpecs;
      const streaming = (functionSpecs[fn] as { streaming?: boolean }).streaming === true;
      expect(m.Properties.Integration.ResponseTransferMode, `${m.Properties.HttpMethod} → ${fn}`).toBe(streaming ? 'STREAM' : undefined);
      if (streaming) streamed.add(`${m.Properties.HttpMethod} ${resourcePath(m.Properties.ResourceId.Ref)}`);
    }
    expect([...streamed].sort()).toEqual(['GET /download/{token}', 'GET /{ball}', 'HEAD /download/{token}', 'HEAD /{ball}']);
    // The function itself is written as a streaming handler (awslambda.streamifyResponse).
    installLambdaStreaming();
    Object.assign(process.env, { TABLE_NAME: 't', BUCKET_NAME: 'b', TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:0:secret:x', ALLOW_PRIVATE_ADDRESSES: 'false', BUCKET_SECRET_PREFIX: 'zipjobs/buckets/', AWS_REGION: 'eu-west-1' });
    const { handler } = (await import('../../lambdas/handlers/api/download')) as { handler: unknown };
    expect(isStreamingHandler(handler)).toBe(true);
  });

  it('serves stage v1 with throttling, tracing and JSON access logs', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
      ]),
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('^\\{.*"requestId"') },
    });
  });

  it('answers unknown routes and gateway errors in the API envelope', () => {
    const responses = Object.values(resourcesOf(template, 'AWS::ApiGateway::GatewayResponse')).map((r) => r.Properties);
    const byType = (type: string) => responses.find((r) => r.ResponseType === type);
    expect(byType('MISSING_AUTHENTICATION_TOKEN')).toMatchObject({ StatusCode: '404' });
    expect(byType('THROTTLED')).toMatchObject({ StatusCode: '429' });
    const codes = { MISSING_AUTHENTICATION_TOKEN: 'NOT_FOUND', THROTTLED: 'RATE_LIMITED', DEFAULT_4XX: 'INVALID_REQUEST', DEFAULT_5XX: 'INTERNAL' };
    for (const [type, code] of Object.entries(codes)) {
      const body = byType(type)?.ResponseTemplates['application/json'] as string;
      // $context.error.messageString is already a quoted JSON string; fill it in to check the shape.
      const parsed = JSON.parse(body.replace('$context.error.messageString', '"a message"'));
      expect(parsed, type).toEqual({ success: false, error: { code, message: expect.any(String) } });
    }
  });

  it('outputs the API URL and the data resources’ names', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['ApiUrl', 'BucketName', 'TableName']));
  });
});
