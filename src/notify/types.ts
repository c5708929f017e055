/**
 * What a notifier is (CONTRACT §5.7): a pure function from an event to the
 * one HTTP request that tells its receiver, like healthchecks' `notify(flip)`.
 * Sending, timeouts, retries and the queue are the queue's business, so a
 * notifier is a few lines of shape and can be pinned by its body alone.
 */
import type { CheckStatus, CheckType, ErrorKind, NotifyEvent } from '../types';
import type { MaintenanceWindow, StatusIncident } from '../status/operator/types';

/** The `check` object of a webhook body, field for field (CONTRACT §5.7). */
export interface CheckNotice {
  readonly name: string;
  readonly display_name: string;
  readonly type: CheckType;
  readonly critical: boolean;
  readonly status: CheckStatus;
  readonly previous_status: CheckStatus;
  /** ISO time the current status began. */
  readonly since: string;
  readonly error_kind: ErrorKind | null;
  readonly error: string | null;
  readonly caused_by: string | null;
}

/** A maintenance window opening or closing. */
export interface MaintenanceNotice {
  readonly action: 'started' | 'ended';
  readonly window: MaintenanceWindow;
}

/** One event, as every notifier receives it. Exactly one of check, incident, maintenance is set. */
export interface Notification {
  readonly event: NotifyEvent;
  /** ISO time of the event (a reminder carries the time it is sent). */
  readonly timestamp: string;
  readonly check?: CheckNotice;
  /** The check's status-page group (PagerDuty's `group`). */
  readonly group?: string;
  readonly incident?: StatusIncident;
  readonly maintenance?: MaintenanceNotice;
}

/** Who is speaking: the same for every event of this process. */
export interface Sender {
  readonly service: string;
  readonly environment: string;
  /** statusPage.url, or null when not set. */
  readonly statusPageUrl: string | null;
}

/** One HTTP POST. `body` is sent byte for byte (a webhook's signature is over exactly these bytes). */
export interface Delivery {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Builds the request for one event, once: retries send the same bytes. */
export type Notifier = (n: Notification) => Delivery;
