// GET /api/health/detailed against bare Fastify with an exact response schema, at the default
// log level: bench/hotpath.mjs for that one route (it used to run the service at LOG_LEVEL=warn
// against JSON.stringify, which could see neither the access line's cost nor the schema's gain).
//   npm run bench      (ROUNDS, SECONDS, CONNECTIONS, CHECKS as for hotpath.mjs)
process.env.ROUTES ??= 'detailed';
await import('./hotpath.mjs');
