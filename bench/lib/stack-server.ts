/**
 * The local stack in a process of its own (`fork` it with a data directory;
 * it sends `{ url, apiKey }` over IPC once listening and exits when the
 * parent goes), as a deployed function runs apart from its client: a
 * benchmark's client then does not share the stack's event loop.
 */
import { startLocalStack } from '../../lib/local/local-stack';

process.env.ZIPJOBS_QUIET = 'true';
const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: stack-server.ts <data dir>');
const stack = await startLocalStack({ port: 0, apiKey: 'bench-key', dataDir, allowPrivateAddresses: true });
process.send?.({ url: stack.url, apiKey: stack.apiKey });
process.on('disconnect', () => {
  void stack.close().finally(() => process.exit(0));
});
