#!/usr/bin/env node
import { ApiClient, CliError, EXIT } from './cli/client';
import { costCommand } from './cli/cost';
import { jobsCommand } from './cli/jobs';
import { keysCommand } from './cli/keys';
import { schedulesCommand } from './cli/schedules';

const USAGE = `usage: zipjobs <group> <command> [options]

jobs create [URL…] [--urls-file FILE|-] [--body JSON|@FILE|-] [--name ZIP] [--expires-in S]
            [--max-zip-size BYTES] [--split-strategy preserve-order|ffd] [--compression auto|store|deflate]
            [--webhook-url URL] [--skip-failed-urls] [--metadata k=v]… [--idempotency-key K] [--wait]
jobs get ID | jobs wait ID | jobs list [--status S] [--limit N] [--cursor C]
jobs retry ID [--from-checkpoint] [--wait]
jobs download ID [--out DIR] [--wait]     every ZIP of the job; an interrupted download resumes
schedules list | get ID | pause ID | resume ID | delete ID
schedules create --expression EXPR [--name N] [--timezone TZ] [--paused] [URL…] [--urls-file FILE] [--job JSON] [--body JSON]
keys create [--tenant ID] [--plan NAME] [--name TEXT] | keys list | keys revoke KEY_ID
     keys act on a table: --table NAME (a deployed stack's TableName) or the local stack (--data-dir, default ./.zipjobs)
cost --gb N --files N [--zips N] [--build-mbps MB/s] [--stored-days D] [--downloads N]
     what one job of that shape costs on AWS (us-east-1 prices), item by item, and per GB; no API call

API target (jobs, schedules): --api-url URL --api-key KEY, or ZIPJOBS_API_URL / ZIPJOBS_API_KEY
  (default URL http://127.0.0.1:3000, the local stack)
--json   machine-readable output on stdout (progress bars are drawn on stderr, on a terminal only)

exit codes: 0 done · 1 the job failed (or a ZIP could not be downloaded) · 2 bad command line
            3 the API refused the request (4xx) · 4 the API could not be reached or failed (5xx, network)`;

/** Global flags may stand anywhere; everything else is the command's. */
function globals(argv: string[]) {
  const rest: string[] = [];
  const found: { apiUrl?: string; apiKey?: string; json: boolean; help: boolean } = { json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name === '--api-url' || name === '--api-key') {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new CliError(`${name} needs a value`, EXIT.usage);
      found[name === '--api-url' ? 'apiUrl' : 'apiKey'] = value;
    } else if (arg === '--json') found.json = true;
    else if (arg === '--help' || arg === '-h') found.help = true;
    else rest.push(arg);
  }
  return { ...found, rest };
}

async function main(argv: string[]): Promise<number> {
  const { apiUrl, apiKey, json, help, rest } = globals(argv);
  const [group, command, ...args] = rest;
  if (help || !group) {
    console.log(USAGE);
    return help ? EXIT.ok : EXIT.usage;
  }
  if (group === 'keys') return keysCommand(command, args, json);
  if (group === 'cost') return costCommand(rest.slice(1), json);
  const api = new ApiClient({
    url: apiUrl ?? process.env.ZIPJOBS_API_URL ?? 'http://127.0.0.1:3000',
    key: apiKey ?? process.env.ZIPJOBS_API_KEY ?? '',
  });
  if (group === 'jobs') return jobsCommand(api, command, args, json);
  if (group === 'schedules') return schedulesCommand(api, command, args, json);
  throw new CliError(`unknown group ${group}\n\n${USAGE}`, EXIT.usage);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CliError) {
      console.error(`zipjobs: ${error.message}`);
      process.exit(error.exitCode);
    }
    // parseArgs: an unknown or malformed option.
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`zipjobs: ${error.message}`);
      process.exit(EXIT.usage);
    }
    console.error(error);
    process.exit(EXIT.unavailable);
  },
);
