import { ipFamily, isPublicAddress } from '../fetch/address';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

export interface WebhookUrlPolicy {
  /** The local stack only: plain http and private or loopback targets are allowed. */
  readonly allowPrivateAddresses: boolean;
}

/**
 * Why a webhook URL cannot be used, or undefined when it can. A deployed
 * stack wants https and refuses a host that is a non-public IP literal here;
 * host names are checked again, address by address, on every delivery.
 */
export function webhookUrlProblem(value: string, policy: WebhookUrlPolicy): string | undefined {
  if (value.length > MAX_WEBHOOK_URL_LENGTH) return `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`;
  const wanted = policy.allowPrivateAddresses ? 'must be an http or https URL' : 'must be an https URL';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return wanted;
  }
  const schemes = policy.allowPrivateAddresses ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol) || url.hostname === '') return wanted;
  if (policy.allowPrivateAddresses) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point to a private or loopback address';
  if (ipFamily(host) !== 0 && !isPublicAddress(host)) return 'must not point to a private or loopback address';
  return undefined;
}
