/**
 * The public vocabulary of health-aggregator: statuses, probe outcomes, the
 * checker contract, and the normalised config every module reads.
 * Durations here are always milliseconds (numbers); config parsing converts.
 */
import type { FastifyBaseLogger } from 'fastify';

export const CHECK_STATUSES = ['ok', 'degraded', 'error', 'unknown'] as const;
/** A check's status as served: `unknown` = no result yet, or the result went stale. */
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** What one probe can conclude (a probe never concludes `unknown`). */
export type ProbeStatus = Exclude<CheckStatus, 'unknown'>;

export const ERROR_KINDS = ['timeout', 'refused', 'dns', 'tls', 'auth', 'assertion', 'other'] as const;
/** Closed set of failure causes, safe as a metric label. */
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const CHECK_TYPES = ['postgres', 'redis', 's3', 'http', 'bullmq', 'tcp', 'heartbeat', 'disk'] as const;
export type CheckType = (typeof CHECK_TYPES)[number];

/** Type-specific, JSON-serialisable facts about a dependency. Never secrets, never hosts. */
export type Details = Record<string, unknown>;

/**
 * What one probe found. A failing dependency is a returned value, not a throw.
 * `unknown` means "no verdict yet" (a heartbeat that has never been pinged):
 * the scheduler records nothing, so the check keeps its previous state.
 */
export interface Outcome {
  readonly status: ProbeStatus | 'unknown';
  /** Short, sanitised human sentence (`connection refused`); absent when ok. */
  readonly error?: string;
  /** Required when status is `error`; may explain a `degraded` too. */
  readonly errorKind?: ErrorKind;
  readonly details?: Details;
}

/** Minimal logger: the Fastify/pino logger satisfies it. */
export type Logger = FastifyBaseLogger;

/** The one contract every check type satisfies. */
export interface Checker {
  readonly name: string;
  readonly type: CheckType;
  /**
   * Runs one probe. The scheduler owns time: it aborts `signal` at the
   * check's timeout. A checker must then release what the probe holds
   * (sockets, pool clients) and settle promptly; it never sets its own
   * overall timer. Throwing is allowed but discouraged: the scheduler turns a
   * throw into an `error` outcome of kind `other`.
   */
  check(signal: AbortSignal): Promise<Outcome>;
  /** Releases pools and clients. Idempotent; called once at shutdown. */
  close(): Promise<void>;
}

/** What a check factory receives besides its config. */
export interface CheckDeps {
  /** Child logger already bound to `{ check, type }`. */
  readonly logger: Logger;
  /** Where heartbeat checks read their pings (src/heartbeat); absent = no ping is ever known. */
  readonly heartbeats?: import('./heartbeat/ping-store').PingReader;
}

export type CheckFactory<C extends CheckConfig = CheckConfig> = (config: C, deps: CheckDeps) => Checker;

// ---------------------------------------------------------------------------
// Normalised configuration (the output of src/config, all defaults applied)
// ---------------------------------------------------------------------------

/** Keys every check has, after `defaults` inheritance. */
export interface CheckCommon {
  /** ^[a-z0-9][a-z0-9_-]{0,62}$, unique. */
  readonly name: string;
  readonly type: CheckType;
  /** ms between the end of one probe and the start of the next (before jitter). Default 15 s. */
  readonly interval: number;
  /** ms a probe may take before it is aborted; always < interval. Default 3 s. */
  readonly timeout: number;
  /** Consecutive failed probes before the check turns `error`. Default 2. */
  readonly failureThreshold: number;
  /** Consecutive good probes before an `error` check turns back. Default 1. */
  readonly successThreshold: number;
  /** A critical check in error makes the service `error` (503). Default true. */
  readonly critical: boolean;
  /** ms; a good probe slower than this is `degraded`. null = never. */
  readonly degradedLatency: number | null;
  /** Status-page name. Default: name. */
  readonly displayName: string;
  /** Status-page group. Default "Services". */
  readonly group: string;
  /** Names of checks this one needs (for `caused_by`). */
  readonly dependsOn: readonly string[];
}

export interface PostgresCheckConfig extends CheckCommon {
  readonly type: 'postgres';
  /** postgres:// URL (secret-bearing). */
  readonly url: string;
  /** Query run each probe. Default `SELECT 1`. */
  readonly query: string;
}

export interface RedisCheckConfig extends CheckCommon {
  readonly type: 'redis';
  /** redis:// or rediss:// URL (secret-bearing). */
  readonly url: string;
}

export interface S3CheckConfig extends CheckCommon {
  readonly type: 's3';
  readonly bucket: string;
  readonly region: string;
  /** S3-compatible endpoint URL, or null for AWS. */
  readonly endpoint: string | null;
  readonly forcePathStyle: boolean;
  /** true: put, get and delete a small object each probe. */
  readonly writeProbe: boolean;
  /** Key prefix for write-probe objects. Default `health-aggregator/probe/`. */
  readonly probePrefix: string;
  /** Explicit credentials (secret); null = default AWS provider chain. */
  readonly accessKeyId: string | null;
  readonly secretAccessKey: string | null;
  readonly sessionToken: string | null;
}

export interface HttpCheckConfig extends CheckCommon {
  readonly type: 'http';
  readonly url: string;
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'OPTIONS';
  /** Request headers; values of secret-like names are redacted everywhere. */
  readonly headers: Readonly<Record<string, string>>;
  /** Optional request body (POST/PUT). */
  readonly body: string | null;
  /** Accepted status codes; `2xx` is normalised to 200..299. */
  readonly expectStatus: readonly number[];
  /** Substring the body must contain (keyword check), or null. */
  readonly expectBody: string | null;
  /** Optional JSON assertion: dotted path in the JSON body and the value it must equal. */
  readonly expectJson: { readonly path: string; readonly equals: unknown } | null;
  /** Follow redirects (up to 5) or treat 3xx as the answer. Default false. */
  readonly followRedirects: boolean;
  /** Days before certificate expiry at which the check turns degraded. Default 14. */
  readonly certExpiryWarning: number;
  /** PEM CA bundle (file path) for private endpoints, or null. */
  readonly caFile: string | null;
  /** Skip TLS verification (never in production). Default false. */
  readonly insecureSkipVerify: boolean;
  /** Bytes of response body read at most. Default 65536. */
  readonly maxBodyBytes: number;
}

export interface BullmqCheckConfig extends CheckCommon {
  readonly type: 'bullmq';
  /** Redis URL of the queues (secret-bearing). */
  readonly redisUrl: string;
  readonly prefix: string;
  readonly queues: readonly string[];
  /** Fewer connected workers than this -> error. Default 1. */
  readonly minWorkers: number;
  /** More waiting jobs than this -> degraded. null = no limit. */
  readonly maxWaiting: number | null;
  /** ms; oldest waiting job older than this -> degraded. null = no limit. */
  readonly maxOldestWaitingAge: number | null;
  /** ms; waiting count rising for this long -> degraded. null = off. */
  readonly growingFor: number | null;
}

export interface TcpCheckConfig extends CheckCommon {
  readonly type: 'tcp';
  readonly host: string;
  /** 1..65535 */
  readonly port: number;
  /** Optional line to send after connecting. */
  readonly send: string | null;
  /** Optional substring expected in what the peer sends back. */
  readonly expect: string | null;
  readonly tls: boolean;
}

/** A pushed check (CONTRACT §4.10): jobs ping it; nothing is probed. */
export interface HeartbeatCheckConfig extends CheckCommon {
  readonly type: 'heartbeat';
  /** ms between expected pings; null when `schedule` is set. */
  readonly period: number | null;
  /** Cron, 5 fields, in `timezone`; null when `period` is set. */
  readonly schedule: string | null;
  /** IANA zone of `schedule`. Default UTC. */
  readonly timezone: string;
  /** ms a ping may be late (and a started run may last) before the check turns error. Default 1 h. */
  readonly grace: number;
  /** The secret a ping must carry (Bearer or ?token=). */
  readonly token: string;
  /** Accepted pings per minute for this check (more answer 429). Default 60. */
  readonly rateLimit: number;
}

export interface DiskCheckConfig extends CheckCommon {
  readonly type: 'disk';
  /** A mounted path of this replica; the filesystem holding it is measured. */
  readonly path: string;
  /** Used share (0..1) above which the check is `error`. Default 0.85 (config: "85%" or 0.85). */
  readonly maxUsage: number;
  /** Used share (0..1) above which the check is `degraded`. Default 0.75; at most maxUsage. */
  readonly degradedUsage: number;
}

export type CheckConfig =
  | HeartbeatCheckConfig
  | PostgresCheckConfig
  | RedisCheckConfig
  | S3CheckConfig
  | HttpCheckConfig
  | BullmqCheckConfig
  | TcpCheckConfig
  | DiskCheckConfig;

export interface ServiceInfo {
  /** Default "health-aggregator". */
  readonly name: string;
  /** Default $ENVIRONMENT, else $NODE_ENV, else "development". */
  readonly environment: string;
  /** Default $APP_VERSION, else package.json version. */
  readonly version: string;
  /** Default $GIT_SHA, else "". */
  readonly gitSha: string;
}

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  /** Always starts with "/" and has no trailing slash. Default /api/health. */
  readonly basePath: string;
  /** "" = detail routes are public. Secret. */
  readonly detailsToken: string;
  /** ms between SIGTERM (readiness fails) and closing the server. Default 5 s. */
  readonly shutdownDelay: number;
  readonly corsOrigins: readonly string[];
  /** "" = the operator API (CONTRACT §4.7) is disabled. Default $HEALTH_ADMIN_TOKEN, else "". Secret. */
  readonly adminToken: string;
}

export interface PressureConfig {
  /** ms; 0 = off. Default 1000. */
  readonly maxEventLoopDelay: number;
  /** bytes; 0 = off. */
  readonly maxHeapUsedBytes: number;
  /** bytes; 0 = off. */
  readonly maxRssBytes: number;
}

export type StorageConfig = { readonly type: 'memory' } | { readonly type: 'postgres'; readonly url: string };

/** Replicas that share work and results (CONTRACT §5.6); null when not clustered. */
export interface ClusterConfig {
  /** PostgreSQL URL of the shared store. Secret (its password). */
  readonly url: string;
  readonly mode: 'shard' | 'quorum';
  /** quorum mode: observers that must see a failure; null = a majority of live members. */
  readonly quorum: number | null;
  /** This replica's location label. Default: the host name. */
  readonly location: string;
  /** ms a member may stay silent before it is presumed dead. Default 10 s, at least 3 s. */
  readonly leaseTime: number;
}

/** The public status page (CONTRACT §3.1 statusPage, §4.6, §4.8, §4.9). */
export interface StatusPageConfig {
  /** false: /status, /api/status*, /api/v2/*, feeds and badges answer 404. Default true. */
  readonly enabled: boolean;
  /** Default: service.name. */
  readonly title: string;
  /** Default "". */
  readonly description: string;
  /** The page's public address (feeds, notifications, summary.json); "" when not set. */
  readonly url: string;
  /** Checks probed and served on /api/health but never shown publicly. */
  readonly hidden: readonly string[];
}

/** A recurring maintenance window from config (CONTRACT §3.1 maintenance, §5.8). */
export interface MaintenanceWindowConfig {
  readonly name: string;
  readonly checks: readonly string[];
  /** Cron, 5 fields. */
  readonly schedule: string;
  /** ms. */
  readonly duration: number;
  /** IANA zone. Default UTC. */
  readonly timezone: string;
}

export const NOTIFIER_TYPES = ['webhook', 'slack', 'pagerduty'] as const;
export type NotifierType = (typeof NOTIFIER_TYPES)[number];
export const NOTIFY_EVENTS = ['error', 'degraded', 'recovery', 'incident', 'maintenance'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** One notification target (CONTRACT §3.1 notifications, §5.7). Its url, routingKey and secret are secrets. */
export interface NotifierConfig {
  readonly name: string;
  readonly type: NotifierType;
  /** Delivery URL (pagerduty: default https://events.pagerduty.com/v2/enqueue). */
  readonly url: string;
  /** pagerduty only; "" otherwise. */
  readonly routingKey: string;
  /** Check names it hears about; null = every check. */
  readonly checks: readonly string[] | null;
  /** Default [error, recovery]. */
  readonly on: readonly NotifyEvent[];
  /** ms the new state must last before sending. Default 0. */
  readonly after: number;
  /** ms between reminders while it lasts; null = never. */
  readonly repeat: number | null;
  /** webhook only: HMAC-SHA256 key for X-Health-Signature; "" = unsigned. */
  readonly secret: string;
}

export interface Config {
  readonly service: ServiceInfo;
  readonly server: ServerConfig;
  readonly pressure: PressureConfig;
  readonly storage: StorageConfig;
  readonly cluster: ClusterConfig | null;
  readonly statusPage: StatusPageConfig;
  readonly maintenance: readonly MaintenanceWindowConfig[];
  readonly notifications: readonly NotifierConfig[];
  readonly checks: readonly CheckConfig[];
  /** Where the config came from: a file path, or "environment" (zero-config). */
  readonly source: string;
}

// ---------------------------------------------------------------------------
// Results: what the scheduler records and what routes read
// ---------------------------------------------------------------------------

/** One probe's raw result, before thresholds. */
export interface ProbeResult {
  readonly status: ProbeStatus;
  readonly error: string | null;
  readonly errorKind: ErrorKind | null;
  readonly details: Details;
  /** Whole probe, ms (fractional). */
  readonly durationMs: number;
  /** Epoch ms when the probe finished. */
  readonly checkedAt: number;
}

/** A check's current state after thresholds: what every route serves. */
export interface CheckState {
  readonly name: string;
  readonly type: CheckType;
  readonly critical: boolean;
  /** Status after thresholds and staleness. */
  readonly status: CheckStatus;
  readonly durationMs: number | null;
  /** Epoch ms of the last finished probe, null before the first. */
  readonly checkedAt: number | null;
  /** Epoch ms of the last ok/degraded probe. */
  readonly lastSuccessAt: number | null;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  /** Last probe's error (sanitised), null when it succeeded. */
  readonly error: string | null;
  readonly errorKind: ErrorKind | null;
  readonly details: Details;
  /** Name of a `dependsOn` check that is also in error while this one fails. */
  readonly causedBy: string | null;
  /** In a cluster: the location of the member whose probe this is (absent standalone). */
  readonly probedBy?: string;
  /** In a cluster's quorum mode: the fresh observations the status was decided from. */
  readonly observations?: readonly CheckObservation[];
}

/** One member's view of a check in quorum mode (CONTRACT §4.11). */
export interface CheckObservation {
  readonly location: string;
  readonly status: ProbeStatus;
  /** Epoch ms. */
  readonly checkedAt: number;
  readonly errorKind: ErrorKind | null;
}

/** Everything a route needs, computed once per change. */
export interface Snapshot {
  /** Increments on every recorded result or staleness change. */
  readonly version: number;
  /** Overall: error if a critical check is error/unknown; degraded if any check degraded/error; else ok. */
  readonly status: ProbeStatus;
  /** In config order. */
  readonly checks: readonly CheckState[];
  /** Critical checks that have a first result. */
  readonly started: boolean;
}
