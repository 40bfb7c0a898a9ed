#!/usr/bin/env node
// `npx zipjobs …`: runs the TypeScript CLI through tsx, as `npm run zipjobs` does.
import { register } from 'tsx/esm/api';

register();
await import('./zipjobs.ts');
