/**
 * Structured JSON logs through Powertools' Logger: one line each, with the
 * function's context (request id, cold start), the service name and the
 * invocation's keys (job, ZIP, tenant) on every line. Debug lines are printed
 * for the share of invocations `POWERTOOLS_LOGGER_SAMPLE_RATE` asks for.
 * Never pass secrets, whole API keys or download tokens here.
 */
import { Logger, LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import type { Context } from 'aws-lambda';
import { annotateInvocation } from './tracing';

type Fields = Record<string, unknown>;

/** The keys that tie a line to what it is about; set once per invocation, printed on every line. */
export interface LogKeys {
  readonly job_id?: string;
  readonly zip_id?: string;
  readonly tenant?: string;
}

/**
 * Powertools' JSON lines; with ZIPJOBS_LOG_FORMAT=compact (`npm start`'s default)
 * the same lines without the Lambda environment's fields, so a terminal stays readable.
 */
class ZipjobsLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    if (process.env.ZIPJOBS_LOG_FORMAT === 'compact') {
      const base = { level: attributes.logLevel, time: attributes.timestamp.toISOString().slice(11, 23), fn: context?.functionName, message: attributes.message };
      return new LogItem({ attributes: base }).addAttributes(additional);
    }
    // Powertools' own fields (its default formatter is not exported).
    const base = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: context?.coldStart,
      function_arn: context?.invokedFunctionArn,
      function_memory_size: context?.memoryLimitInMB,
      function_name: context?.functionName,
      function_request_id: context?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
    };
    return new LogItem({ attributes: base }).addAttributes(additional);
  }
}

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'zipjobs', logFormatter: new ZipjobsLogFormatter() });

// Read at each call: tests and the local stack set it after this module has loaded.
const quiet = () => process.env.ZIPJOBS_QUIET === 'true';

export const log = {
  debug: (message: string, fields: Fields = {}) => !quiet() && logger.debug(message, fields),
  info: (message: string, fields: Fields = {}) => !quiet() && logger.info(message, fields),
  warn: (message: string, fields: Fields = {}) => !quiet() && logger.warn(message, fields),
  error: (message: string, fields: Fields = {}) => logger.error(message, fields),
  /** Adds keys to every further line of this invocation, and to its trace (X-Ray annotations, searchable). */
  appendKeys: (keys: LogKeys) => {
    const defined = definedOnly(keys);
    logger.appendKeys(defined);
    annotateInvocation(defined);
  },
};

function definedOnly(keys: LogKeys): Fields {
  return Object.fromEntries(Object.entries(keys).filter(([, v]) => typeof v === 'string' && v !== ''));
}

/**
 * Starts an invocation's log context (what Powertools' `injectLambdaContext`
 * does for middy handlers): the Lambda context, a fresh debug-sampling draw, and
 * only this invocation's keys. Returns the function that ends it.
 */
export function beginInvocationLog(context: Context | undefined, keys: LogKeys = {}): () => void {
  logger.refreshSampleRateCalculation();
  if (context?.awsRequestId) Logger.injectLambdaContextBefore(logger, undefined, context, { logEvent: false });
  logger.resetKeys();
  log.appendKeys(keys);
  return () => logger.resetKeys();
}
