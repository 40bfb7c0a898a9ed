import { publicHandler } from '../http/api-handler';
import { success } from '../http/responses';

export const handler = publicHandler(async () => success(200, { status: 'ok' }));
