import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { publicHandler } from '../../lambdas/handlers/http/api-handler';

afterEach(() => vi.restoreAllMocks());

describe('the error log of a failed request', () => {
  it('names the route, never the path (a download path is a whole token)', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    const token = 'k1.eyJqIjoic2VjcmV0LWpvYiJ9.c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3QtbGVhaw';
    const handler = publicHandler(async () => {
      throw new Error('a fault of ours');
    });
    const event = { httpMethod: 'GET', resource: '/download/{token}', path: `/download/${token}`, pathParameters: { token }, headers: {} } as unknown as APIGatewayProxyEvent;
    const res = await handler(event, {} as Context);
    expect(res.statusCode).toBe(500);
    const logged = lines.join('');
    expect(logged).toContain('GET /download/{token}');
    for (const part of token.split('.').slice(1)) expect(logged).not.toContain(part);
  });
});
