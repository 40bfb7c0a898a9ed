import { parsePlans, type Plan } from '../lambdas/core/plans';
import { startLocalStack } from '../lib/local/local-stack';

/**
 * `npm start`: the whole service on 127.0.0.1. Configuration (all optional):
 *   PORT                              API port (default 3000)
 *   ZIPJOBS_API_KEY                   API key seeded on start (default local-dev-key)
 *   ZIPJOBS_DATA_DIR                  where data persists across restarts (default ./.zipjobs)
 *   ZIPJOBS_ALLOW_PRIVATE_ADDRESSES   let sources be private/loopback addresses (default true)
 *   ZIPJOBS_PLANS                     plans as a JSON array (default: the standard plan)
 *   ZIPJOBS_SWEEP_INTERVAL_SECONDS  how often unfinished jobs whose execution is gone are ended (default 900, as deployed)
 *   ZIPJOBS_SWEEP_GRACE_SECONDS     how old a job's run must be before the sweeper looks at it (default 300)
 *   ZIPJOBS_DOWNLOAD_REQUESTS_PER_MINUTE  requests one download link may start a minute (default 120; 0: no limit)
 *   ZIPJOBS_LOG_FORMAT                compact (default): short JSON lines; json: the lines Lambda prints
 */
const env = process.env;
env.ZIPJOBS_LOG_FORMAT ??= 'compact';
const port = Number(env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${env.PORT}`);
  process.exit(2);
}
const allow = (env.ZIPJOBS_ALLOW_PRIVATE_ADDRESSES ?? 'true').toLowerCase();
if (allow !== 'true' && allow !== 'false') {
  console.error(`ZIPJOBS_ALLOW_PRIVATE_ADDRESSES must be true or false, got ${env.ZIPJOBS_ALLOW_PRIVATE_ADDRESSES}`);
  process.exit(2);
}

/** A whole number from `name`, or undefined when unset. */
function wholeNumber(name: string, what: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) {
    console.error(`${name} must be ${what}, got ${value}`);
    process.exit(2);
  }
  return Number(value);
}
const seconds = (name: string) => wholeNumber(name, 'a whole number of seconds');
const sweepInterval = seconds('ZIPJOBS_SWEEP_INTERVAL_SECONDS');
const sweepGraceSeconds = seconds('ZIPJOBS_SWEEP_GRACE_SECONDS');
const downloadRequestsPerMinute = wholeNumber('ZIPJOBS_DOWNLOAD_REQUESTS_PER_MINUTE', 'a whole number');

let plans: Plan[] | undefined;
try {
  plans = env.ZIPJOBS_PLANS ? parsePlans(env.ZIPJOBS_PLANS) : undefined;
} catch (error) {
  console.error(`ZIPJOBS_PLANS is not a valid plan list: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}

const stack = await (async () => {
  try {
    return await startLocalStack({
      plans,
      port,
      apiKey: env.ZIPJOBS_API_KEY || 'local-dev-key',
      dataDir: env.ZIPJOBS_DATA_DIR || '.zipjobs',
      allowPrivateAddresses: allow === 'true',
      ...(sweepInterval !== undefined && { sweepIntervalMs: Math.max(1, sweepInterval) * 1000 }),
      ...(sweepGraceSeconds !== undefined && { sweepGraceSeconds }),
      ...(downloadRequestsPerMinute !== undefined && { downloadRequestsPerMinute }),
    });
  } catch (error) {
    console.error(`zipjobs could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
})();

console.log(`zipjobs local stack listening on ${stack.url}`);
console.log(`API key: ${stack.apiKey}`);
console.log(`try: curl ${stack.url}/health`);

// Under `npm start`, Ctrl-C arrives twice at once (from the terminal, and as npm passes it on): only a
// signal that comes later forces the stop.
const FORCE_AFTER_MS = 500;
let stoppingSince: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince > FORCE_AFTER_MS) process.exit(1);
      return;
    }
    stoppingSince = Date.now();
    console.log(`\n${signal}: stopping (running jobs resume on next start)…`);
    void stack.close().then(() => process.exit(0));
  });
}
