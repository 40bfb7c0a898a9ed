import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { integerAbovePattern } from '../waf-patterns';

/** The web ACL's settings (`-c waf=true`, `-c wafRateLimit=…`). */
export interface FirewallOptions {
  /** Requests one client IP address may make per evaluation window before it is refused (429) until its rate falls. @default 1000 */
  readonly rateLimit?: number;
  /** The window the rate is counted over, in seconds: 60, 120, 300 or 600. @default 300 */
  readonly rateWindowSeconds?: 60 | 120 | 300 | 600;
}

export interface FirewallProps extends FirewallOptions {
  /** The API stage the web ACL protects. */
  readonly stage: Stage;
  /** The largest body a handler can take: larger announced bodies are refused (413). */
  readonly maxBodyBytes: number;
}

export const DEFAULT_WAF_RATE_LIMIT = 1000;
const WINDOWS = [60, 120, 300, 600];

/** The API's error envelope (docs/API.md), as WAF's custom response bodies. */
const envelope = (code: string, message: string) => JSON.stringify({ success: false, error: { code, message } });

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/** Checks the options at synth time: AWS WAF's bounds for a rate-based rule. */
export function checkFirewallOptions(options: FirewallOptions): Required<FirewallOptions> {
  const rateLimit = options.rateLimit ?? DEFAULT_WAF_RATE_LIMIT;
  const rateWindowSeconds = options.rateWindowSeconds ?? 300;
  if (!Number.isInteger(rateLimit) || rateLimit < 10 || rateLimit > 2_000_000_000) {
    throw new Error(`waf rateLimit must be a whole number from 10 to 2,000,000,000 requests per window (AWS WAF's bounds), got ${rateLimit}`);
  }
  if (!WINDOWS.includes(rateWindowSeconds)) throw new Error(`waf rateWindowSeconds must be 60, 120, 300 or 600 (AWS WAF's windows), got ${rateWindowSeconds}`);
  return { rateLimit, rateWindowSeconds };
}

/**
 * An AWS WAF web ACL on the API stage, so that anonymous traffic (401s,
 * downloads, the dashboard) cannot take the stage's shared throttle from
 * every tenant:
 * - addresses on Amazon's IP reputation list are refused;
 * - a body announced larger than a handler can take is refused with 413 at
 *   the edge (API Gateway accepts 10 MB, Lambda 6 MB: such a body would
 *   otherwise be a 5xx). WAF sees at most 64 KB of a body, so the rule reads
 *   Content-Length;
 * - each client IP address gets `rateLimit` requests per window, then 429;
 * - AWS's known-bad-inputs rules (Log4j, Java deserialization, exploitable
 *   paths) are refused.
 * AWS's common rule set is left out on purpose: its body-size rule refuses
 * any body over 8 KB and its remote-file-inclusion rules refuse URLs in
 * bodies and queries — which is what a job is.
 */
export class Firewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: FirewallProps) {
    super(scope, id);
    const { rateLimit, rateWindowSeconds } = checkFirewallOptions(props);
    const managed = (name: string, priority: number): CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: 'zipjobs API: IP reputation, oversized bodies, a rate per client IP, known bad inputs',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('zipjobs-api'),
      customResponseBodies: {
        tooLarge: { contentType: 'APPLICATION_JSON', content: envelope('PAYLOAD_TOO_LARGE', `body: must be at most ${props.maxBodyBytes} bytes`) },
        rateLimited: { contentType: 'APPLICATION_JSON', content: envelope('RATE_LIMITED', 'too many requests from this address; try again later') },
      },
      rules: [
        managed('AWSManagedRulesAmazonIpReputationList', 0),
        {
          name: 'BodyTooLarge',
          priority: 1,
          action: { block: { customResponse: { responseCode: 413, customResponseBodyKey: 'tooLarge' } } },
          statement: {
            regexMatchStatement: {
              fieldToMatch: { singleHeader: { Name: 'content-length' } },
              regexString: integerAbovePattern(props.maxBodyBytes),
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
          visibilityConfig: visibility('BodyTooLarge'),
        },
        {
          name: 'RatePerIp',
          priority: 2,
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: 'rateLimited',
                // WAF lifts the block once the address's rate falls under the limit; it checks every few seconds.
                responseHeaders: [{ name: 'Retry-After', value: String(Math.min(60, rateWindowSeconds)) }],
              },
            },
          },
          statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: rateLimit, evaluationWindowSec: rateWindowSeconds } },
          visibilityConfig: visibility('RatePerIp'),
        },
        managed('AWSManagedRulesKnownBadInputsRuleSet', 3),
      ],
    });
    // The stage's ARN refers to the stage itself (Ref), so the association waits for it.
    new CfnWebACLAssociation(this, 'Association', { resourceArn: props.stage.stageArn, webAclArn: this.webAcl.attrArn });
  }
}
