import { Token } from 'aws-cdk-lib';

/** Custom domain names the API is served at, and the ACM certificate that covers them. */
export interface CustomDomains {
  /** Host names, e.g. `zip.example.com`: each gets an API Gateway custom domain mapped to the API's root. */
  readonly names: readonly string[];
  /** An ACM certificate in the stack's region covering every name (a REGIONAL domain takes only a certificate of its own region). */
  readonly certificateArn: string;
}

// A host name of letters, digits and hyphens (RFC 1123), at least two labels, the last not numeric.
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:certificate\/[A-Za-z0-9-]+$/;

function domainProblem(name: string): string | undefined {
  if (name.length > 253) return 'is longer than 253 characters';
  if (name !== name.toLowerCase()) return 'must be lower case (API Gateway refuses upper-case domain names)';
  const labels = name.split('.');
  if (labels.length < 2) return 'must be a full host name such as zip.example.com';
  if (labels.some((label) => !LABEL.test(label))) return 'must be letters, digits, hyphens and dots (no wildcard, no scheme, no path)';
  if (/^\d+$/.test(labels.at(-1)!)) return 'must be a host name, not an address';
  return undefined;
}

/**
 * Checks domains and certificate at synth time, so a typo fails `cdk synth`
 * with its name rather than a CloudFormation rollback. `region` is the stack's
 * region when it is known (an environment-agnostic stack's is a token).
 */
export function checkCustomDomains(
  names: readonly string[] | undefined,
  certificateArn: string | undefined,
  region?: string,
): CustomDomains | undefined {
  const list = names ?? [];
  if (list.length === 0) {
    if (certificateArn !== undefined) throw new Error('certificateArn is given without domains: name the domains it covers (-c domains=zip.example.com)');
    return undefined;
  }
  for (const name of list) {
    const problem = domainProblem(name);
    if (problem) throw new Error(`domains: "${name}" ${problem}`);
  }
  const duplicate = list.find((name, i) => list.indexOf(name) !== i);
  if (duplicate) throw new Error(`domains: "${duplicate}" is listed twice`);
  if (certificateArn === undefined || certificateArn === '') {
    throw new Error('domains need a certificateArn: an ACM certificate in the stack\'s region covering each domain (-c certificateArn=arn:aws:acm:…)');
  }
  if (!Token.isUnresolved(certificateArn)) {
    const match = CERTIFICATE_ARN.exec(certificateArn);
    if (!match) throw new Error(`certificateArn: "${certificateArn}" is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)`);
    if (region !== undefined && !Token.isUnresolved(region) && match[1] !== region) {
      throw new Error(`certificateArn: the certificate is in ${match[1]}, but a REGIONAL custom domain needs one in the stack's region (${region})`);
    }
  }
  return { names: list, certificateArn };
}

/** `a.example.com, b.example.com` (a context flag) → the names; empty → none. */
export function parseDomainList(value: unknown): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}
