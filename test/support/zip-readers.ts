/**
 * Independent readers to check archives in tests: yauzl in-process, and the
 * command-line tools real users have (Python zipfile, Info-ZIP unzip, 7-Zip,
 * libarchive's streaming read). Optional tools report a skip instead of failing.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, createReadStream } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl, { type RandomAccessReader } from 'yauzl';

export interface ZipEntryContent {
  name: string;
  data: Buffer;
}

export interface ZipEntrySummary {
  name: string;
  size: number;
  crc32: number;
}

export type ZipInput = Buffer | string | { reader: RandomAccessReader; size: number };

async function openZip(input: ZipInput): Promise<yauzl.ZipFile> {
  const options = { lazyEntries: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: true };
  if (Buffer.isBuffer(input)) return yauzl.fromBufferPromise(input, options);
  if (typeof input === 'string') return yauzl.openPromise(input, options);
  return yauzl.fromRandomAccessReaderPromise(input.reader, input.size, options);
}

/**
 * Visits every entry in central-directory order, streaming its data to
 * `onChunk`. yauzl checks sizes but not CRC-32, so the CRC is checked here
 * against the central directory's.
 */
async function eachEntry(input: ZipInput, onChunk: (index: number, chunk: Buffer) => void): Promise<ZipEntrySummary[]> {
  const zip = await openZip(input);
  const out: ZipEntrySummary[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      const stream = await zip.openReadStreamPromise(entry);
      let crc = 0;
      let size = 0;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        crc = crc32(chunk, crc);
        size += chunk.length;
        onChunk(out.length, chunk);
      }
      if (crc !== entry.crc32) throw new Error(`${entry.fileName}: CRC-32 ${crc} does not match the central directory's ${entry.crc32}`);
      out.push({ name: entry.fileName, size, crc32: crc });
    }
  } finally {
    zip.close();
  }
  return out;
}

/** All entries with their data, read and checked by yauzl (plus our CRC check). */
export async function readZipWithYauzl(input: Buffer | string): Promise<ZipEntryContent[]> {
  const chunks: Buffer[][] = [];
  const summaries = await eachEntry(input, (index, chunk) => (chunks[index] ??= []).push(chunk));
  return summaries.map((s, i) => ({ name: s.name, data: Buffer.concat(chunks[i] ?? []) }));
}

/** Like readZipWithYauzl but keeps no data: for archives too large to hold (e.g. a custom RandomAccessReader). */
export function scanZipWithYauzl(input: ZipInput): Promise<ZipEntrySummary[]> {
  return eachEntry(input, () => {});
}

/** Whether an executable is on PATH. */
export function haveTool(name: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool, optionally feeding a stream to stdin; stdout is collected, handed to a callback, or discarded. */
function run(
  cmd: string,
  args: string[],
  opts: { stdin?: Readable; stdout?: 'collect' | 'discard' | ((b: Buffer) => void) } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const stdout = opts.stdout ?? 'collect';
    const child = spawn(cmd, args, { stdio: [opts.stdin ? 'pipe' : 'ignore', stdout === 'discard' ? 'ignore' : 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => (typeof stdout === 'function' ? stdout(b) : out.push(b)));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    if (opts.stdin) {
      opts.stdin.on('error', reject);
      child.stdin!.on('error', () => {}); // the tool may stop reading early; its exit code tells
      opts.stdin.pipe(child.stdin!);
    }
  });
}

function fail(tool: string, r: RunResult): never {
  const tail = (s: string): string => s.slice(-4000);
  throw new Error(`${tool} failed (exit ${r.code}):\n${tail(r.stderr)}\n${tail(r.stdout)}`);
}

const PYTHON_CHECK = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    if bad is not None:
        sys.exit("bad CRC or header in " + bad)
    json.dump([[i.filename, i.file_size] for i in z.infolist()], sys.stdout)
`;

/** Python's zipfile: opens, testzip() reads every entry and checks CRCs. Returns names and sizes in order. */
export async function checkWithPython(filePath: string): Promise<{ name: string; size: number }[]> {
  const r = await run('python3', ['-c', PYTHON_CHECK, filePath]);
  if (r.code !== 0) fail('python3 zipfile', r);
  return (JSON.parse(r.stdout) as [string, number][]).map(([name, size]) => ({ name, size }));
}

/** Info-ZIP `unzip -t`: tests every entry (CRC), and complains about header inconsistencies. */
export async function checkWithUnzip(filePath: string): Promise<void> {
  const r = await run('unzip', ['-tq', filePath]);
  // unzip warns (exit 1) about an archive without entries, which is still a valid ZIP.
  const emptyWarning = r.code === 1 && /zipfile is empty/.test(r.stdout + r.stderr);
  if (r.code !== 0 && !emptyWarning) fail('unzip -t', r);
}

export type ToolCheck = { skipped: true; reason: string } | { skipped: false };

/** `7z t`; skipped when 7z is not installed. */
export async function checkWith7z(filePath: string): Promise<ToolCheck> {
  if (!haveTool('7z')) return { skipped: true, reason: '7z is not installed (apt-get install p7zip-full)' };
  const r = await run('7z', ['t', '-bd', filePath]);
  if (r.code !== 0 || /warning|error/i.test(r.stdout.replace(/Everything is Ok/, ''))) fail('7z t', r);
  return { skipped: false };
}

export type BsdtarCheck =
  | { skipped: true; reason: string }
  | { skipped: false; dataLength: number | null; dataSha256: string | null };

/**
 * libarchive reading the archive as a stream from stdin (`bsdtar -xOf -`),
 * never seeing the central directory; it fails on any size or CRC error.
 * Takes a file path or the archive's bytes as chunks (for archives that
 * exist only virtually). Returns the length and SHA-256 of all entries' data
 * concatenated in order, or nulls with `discardData` (faster for huge
 * archives). Skipped when bsdtar is not installed.
 */
export async function checkWithBsdtarStreaming(
  input: string | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  opts: { discardData?: boolean } = {},
): Promise<BsdtarCheck> {
  if (!haveTool('bsdtar')) return { skipped: true, reason: 'bsdtar is not installed (apt-get install libarchive-tools)' };
  const hash = createHash('sha256');
  let dataLength = 0;
  const collect = (b: Buffer): void => {
    hash.update(b);
    dataLength += b.length;
  };
  const r = await run('bsdtar', ['-xOf', '-'], {
    stdin: typeof input === 'string' ? createReadStream(input) : Readable.from(input, { objectMode: false }),
    stdout: opts.discardData ? 'discard' : collect,
  });
  if (r.code !== 0 || r.stderr.trim() !== '') fail('bsdtar -xOf - (streaming)', r);
  if (opts.discardData) return { skipped: false, dataLength: null, dataSha256: null };
  return { skipped: false, dataLength, dataSha256: hash.digest('hex') };
}
