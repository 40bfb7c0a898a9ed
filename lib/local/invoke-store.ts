/**
 * Many invocations at once in one process, as Lambda's multi-concurrency
 * runtime runs them: an `InvokeStore` (AsyncLocalStorage) on the `awslambda`
 * global, and each invocation run inside its own context. Powertools keeps
 * per-invocation state there (log keys, metrics, sampling), so one local
 * job's keys never appear on another's lines.
 */
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';

export type RunInvocation = <T>(requestId: string, fn: () => T) => T;

export async function installInvokeStore(): Promise<RunInvocation> {
  // What Lambda sets when invocations share an environment; Powertools reads it to scope its state.
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';
  const store = await InvokeStore.getInstanceAsync(true);
  return (requestId, fn) => store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: requestId }, fn);
}
