// A function for the local Lambda stand-in's tests: answers with what it sees.
import { appendFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { threadId } from 'node:worker_threads';

let invocations = 0;

export const handler = async (event, context) => {
  invocations += 1;
  if (event.throw) throw Object.assign(new Error(event.throw.message), { name: event.throw.name, detail: event.throw.detail });
  if (event.exit !== undefined) process.exit(event.exit);
  // Sleeps (past its time limit, in the timeout tests), leaving its thread's id in `mark` before and "woke" after.
  if (event.sleepMs !== undefined) {
    if (event.mark) writeFileSync(event.mark, String(threadId));
    await sleep(event.sleepMs);
    if (event.mark) appendFileSync(event.mark, ' woke');
  }
  const start = Date.now();
  // Busy for a while without yielding, so that two invocations overlap only on two threads.
  while (Date.now() - start < (event.busyMs ?? 0));
  return { env: { ...process.env }, threadId, invocations, start, end: Date.now(), functionName: context.functionName, remainingMs: context.getRemainingTimeInMillis() };
};
