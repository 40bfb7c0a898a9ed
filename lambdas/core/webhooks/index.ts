/** Webhooks: Standard Webhooks signing, URL rules, delivery state and backoff. */
export * from './delivery';
export * from './signing';
export * from './url';
export * from './settings-request';
