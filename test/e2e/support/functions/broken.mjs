// A function whose module fails to load, as one missing a variable does at its cold start.
throw new Error(`invalid environment: TABLE_NAME: ${process.env.TABLE_NAME ?? 'missing'}`);
