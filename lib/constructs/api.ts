import { Names, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  DomainName,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseTransferMode,
  ResponseType,
  RestApi,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { MAX_BODY_BYTES } from '../../lambdas/core/api/limits';
import type { CustomDomains } from '../custom-domains';
import { Firewall, type FirewallOptions } from './firewall';
import { functionSpecs, type ApiRoute, type FunctionName } from '../functions';

export const API_STAGE = 'v1';

export interface ApiProps {
  readonly routes: readonly ApiRoute[];
  /** Must hold every function a route names. */
  readonly functions: { readonly [N in FunctionName]?: { readonly fn: IFunction } };
  /** Steady-state requests per second for the whole stage. @default 50 */
  readonly throttlingRateLimit?: number;
  /** @default 100 */
  readonly throttlingBurstLimit?: number;
  /** Development stack: logs are destroyed with it. */
  readonly dev?: boolean;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Custom domain names, each mapped at its root to the stage. @default none */
  readonly domains?: CustomDomains;
  /** An AWS WAF web ACL on the stage (see Firewall). @default none */
  readonly waf?: FirewallOptions;
}

const isStreaming = (name: FunctionName): boolean => (functionSpecs[name] as { streaming?: boolean }).streaming === true;

/** A gateway-made error in the API's own envelope (see docs/API.md, "Envelope and errors"). */
function envelope(code: string, message = '$context.error.messageString'): Record<string, string> {
  return { 'application/json': `{"success":false,"error":{"code":"${code}","message":${message}}}` };
}

/**
 * The REST API: one resource per route with a Lambda proxy integration, JSON
 * errors for what never reaches a handler, stage throttling, JSON access logs.
 * Authentication (API keys in the table) is done by the handlers.
 */
export class Api extends Construct {
  readonly restApi: RestApi;
  /** One per custom domain, in the order given; point each name's DNS at its `domainNameAliasDomainName`. */
  readonly domainNames: readonly DomainName[];
  /** The stage's web ACL, when `waf` is set. */
  readonly firewall?: Firewall;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    this.restApi = new RestApi(this, 'RestApi', {
      // Unique in the account: the API's CloudWatch metrics are keyed by this name.
      restApiName: Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
      description: 'zipjobs: ZIP archives from URLs',
      endpointTypes: [EndpointType.REGIONAL],
      // Access logging needs the account-level API Gateway CloudWatch role.
      cloudWatchRole: true,
      deployOptions: {
        stageName: API_STAGE,
        throttlingRateLimit: props.throttlingRateLimit ?? 50,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 100,
        tracingEnabled: true,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        // Execution logs for every method, errors only and never request data
        // (bodies carry URLs and webhook secrets); per-method CloudWatch metrics.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
      },
    });

    // Every method declares its path parameters as required, checked by the
    // gateway. Bodies have no gateway model: the handlers validate them (zod)
    // and answer in the API's envelope, so body validation is a no-op here.
    const validator = this.restApi.addRequestValidator('Validator', {
      validateRequestParameters: true,
      validateRequestBody: true,
    });

    for (const route of props.routes) {
      const fn = props.functions[route.fn]?.fn;
      if (!fn) throw new Error(`route ${route.method} ${route.path}: no function ${route.fn}`);
      const requestParameters = Object.fromEntries(
        [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [`method.request.path.${name}`, true]),
      );
      this.restApi.root
        .resourceForPath(route.path)
        .addMethod(route.method, new LambdaIntegration(fn, { proxy: true, allowTestInvoke: false, ...(isStreaming(route.fn) && { responseTransferMode: ResponseTransferMode.STREAM }) }), {
          requestValidator: validator,
          requestParameters,
        });
    }

    // Every method is public (the handlers check keys), so "missing
    // authentication token" can only mean a route that does not exist.
    this.restApi.addGatewayResponse('UnknownRoute', {
      type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
      statusCode: '404',
      templates: envelope('NOT_FOUND', '"no such route"'),
    });
    this.restApi.addGatewayResponse('Throttled', {
      type: ResponseType.THROTTLED,
      statusCode: '429',
      responseHeaders: { 'Retry-After': "'1'" },
      templates: envelope('RATE_LIMITED'),
    });
    this.restApi.addGatewayResponse('TooLarge', {
      type: ResponseType.REQUEST_TOO_LARGE,
      statusCode: '413',
      templates: envelope('PAYLOAD_TOO_LARGE'),
    });
    // Custom domains: regional, TLS 1.2 at least, base path '' so that every
    // route is at the host's root (links on a domain have no /v1 prefix).
    const certificate = props.domains && Certificate.fromCertificateArn(this, 'Certificate', props.domains.certificateArn);
    this.domainNames = (props.domains?.names ?? []).map((name) => {
      const domain = new DomainName(this, `Domain-${name}`, {
        domainName: name,
        certificate: certificate!,
        endpointType: EndpointType.REGIONAL,
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      domain.addBasePathMapping(this.restApi, { stage: this.restApi.deploymentStage });
      return domain;
    });

    if (props.waf) {
      this.firewall = new Firewall(this, 'Firewall', { ...props.waf, stage: this.restApi.deploymentStage, maxBodyBytes: MAX_BODY_BYTES });
      // The web ACL's rate and size rules answer with their own envelopes; a managed rule's block comes here.
      this.restApi.addGatewayResponse('Refused', {
        type: ResponseType.WAF_FILTERED,
        statusCode: '403',
        templates: envelope('FORBIDDEN', '"the request was refused by the firewall"'),
      });
    }

    this.restApi.addGatewayResponse('Default4xx', { type: ResponseType.DEFAULT_4XX, templates: envelope('INVALID_REQUEST') });
    this.restApi.addGatewayResponse('Default5xx', { type: ResponseType.DEFAULT_5XX, templates: envelope('INTERNAL') });
  }
}
