import { probe, type ProbeOptions } from '../../core/fetch';
import { prepare } from '../../usecases/workflow';
import { jobInput, sourceRequestOptions, storageDeps } from './deps';

const probeOptions: ProbeOptions = sourceRequestOptions();
const deps = { ...storageDeps(), probe: (url: string) => probe(url, probeOptions) };

export const handler = async (event: unknown) => prepare(deps, jobInput.parse(event).job_id);
