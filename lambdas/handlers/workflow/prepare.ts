import { prepare } from '../../usecases/workflow';
import { jobInput, storageDeps } from './deps';

const deps = storageDeps();

export const handler = async (event: unknown) => prepare(deps, jobInput.parse(event).job_id);
