/**
 * Structured JSON logs (one line each, as Lambda's JSON log format expects).
 * Never pass secrets or whole API keys here.
 */
type Fields = Record<string, unknown>;

function serialise(fields: Fields): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(fields)) {
    out[k] = v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v;
  }
  return out;
}

function write(level: 'INFO' | 'WARN' | 'ERROR', message: string, fields: Fields): void {
  if (process.env.ZIPJOBS_QUIET === 'true' && level !== 'ERROR') return;
  const line = JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...serialise(fields) });
  (level === 'ERROR' ? process.stderr : process.stdout).write(`${line}\n`);
}

export const log = {
  info: (message: string, fields: Fields = {}) => write('INFO', message, fields),
  warn: (message: string, fields: Fields = {}) => write('WARN', message, fields),
  error: (message: string, fields: Fields = {}) => write('ERROR', message, fields),
};
