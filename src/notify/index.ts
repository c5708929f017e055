/**
 * Notifications (CONTRACT §5.7): one notifier per config entry (webhook,
 * slack, pagerduty: each a function from an event to a request), each with
 * its own bounded delivery queue, fed by the store's decided status changes
 * and the operator's incident and maintenance events. Nothing here is on
 * the probe or request path: listeners set timers and push to queues.
 */
import type { ResultStore } from '../store/store';
import type { Config, Logger, NotifierConfig } from '../types';
import type { MaintenanceCalendar, OperatorStore } from '../status/operator/types';
import { createClaims, type Claims } from './claims';
import { watchOperatorEvents, watchStatusChanges, type Target } from './events';
import { createPagerdutyNotifier } from './pagerduty';
import { createDeliveryQueue, type DeliveryQueue, type DeliveryResult, type QueueTuning } from './queue';
import { createSlackNotifier } from './slack';
import type { Notifier, Sender } from './types';
import { createWebhookNotifier } from './webhook';

/** ms close() waits for deliveries in flight before abandoning them. */
const CLOSE_GRACE_MS = 2_000;

export interface NotificationDeps {
  readonly store: ResultStore;
  readonly logger: Logger;
  readonly metrics: { countNotification(notifier: string, result: DeliveryResult, n?: number): void };
  /** Incident and maintenance events; also the maintenance calendar unless `calendar` is given. */
  readonly operator?: Pick<OperatorStore, 'onEvent'> & Partial<MaintenanceCalendar>;
  /** Which checks are in maintenance (nothing is sent for them). */
  readonly calendar?: MaintenanceCalendar;
  /** Queue timing (tests); defaults in queue.ts. */
  readonly tuning?: Partial<QueueTuning>;
  /** Cluster-wide "send once" (tests); default from config.storage. */
  readonly claims?: Claims;
}

export interface Notifications {
  /** Resolves when every queue is empty and idle (tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

function notifierFor(n: NotifierConfig, from: Sender): Notifier {
  switch (n.type) {
    case 'webhook':
      return createWebhookNotifier(n, from);
    case 'slack':
      return createSlackNotifier(n, from);
    case 'pagerduty':
      return createPagerdutyNotifier(n, from);
  }
}

export function createNotifications(config: Config, deps: NotificationDeps): Notifications {
  if (config.notifications.length === 0) return { idle: async () => {}, close: async () => {} };
  const logger = deps.logger;
  const from: Sender = { service: config.service.name, environment: config.service.environment, statusPageUrl: config.statusPage.url || null };
  const claims = deps.claims ?? createClaims(config, logger);
  const queues: DeliveryQueue[] = [];

  const targets: Target[] = config.notifications.map((n) => {
    for (const result of ['sent', 'failed', 'dropped'] as const) deps.metrics.countNotification(n.name, result, 0);
    const notify = notifierFor(n, from);
    const queue = createDeliveryQueue({
      name: n.name,
      type: n.type,
      logger,
      count: (result) => deps.metrics.countNotification(n.name, result),
      tuning: deps.tuning,
    });
    queues.push(queue);
    const push = (event: Parameters<Notifier>[0]) => {
      try {
        queue.push(notify(event));
      } catch (err) {
        logger.error({ err, context: { notifier: n.name, type: n.type } }, 'notification could not be built');
      }
    };
    return {
      config: n,
      send(event, claimKey) {
        if (claimKey === undefined) return push(event);
        void claims.claim(n.name, claimKey).then((mine) => mine && push(event));
      },
    };
  });

  const calendar = deps.calendar ?? (deps.operator?.inMaintenance ? (deps.operator as MaintenanceCalendar) : undefined);
  const status = watchStatusChanges(deps.store, config.checks, targets, { calendar, logger });
  const offOperator = deps.operator
    ? watchOperatorEvents((fn) => deps.operator!.onEvent(fn), targets, { windowEnded: (checks, claim) => status.reconcile(checks, claim) })
    : () => {};

  return {
    idle: async () => {
      await Promise.all(queues.map((q) => q.idle()));
    },
    async close() {
      offOperator();
      status.close();
      // A change decided just before shutdown deserves its delivery: wait briefly for what is in flight.
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(queues.map((q) => q.idle())), new Promise<void>((r) => (grace = setTimeout(r, CLOSE_GRACE_MS)))]);
      clearTimeout(grace);
      for (const q of queues) q.close();
      await claims.close();
    },
  };
}
