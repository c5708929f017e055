/** Configuration: load, parse and validate (CONTRACT §3). */
export { ConfigError, loadConfig, parseConfig, zeroConfig } from './load';
export { formatDuration, parseDuration } from './duration';
export { interpolate, type Env } from './interpolate';
