/**
 * The incident history as Atom 1.0 and RSS 2.0 (CONTRACT §4.9), through the
 * `feed` package (it writes the XML and escapes what it knows is text).
 * It marks titles and summaries as HTML, so the plain text operators wrote
 * is HTML-escaped here first: a message reading "<script>" stays text in
 * every reader. One entry per incident, its updates newest first inside,
 * like Statuspage's own history feeds.
 */
import { cmp } from '../order';
import type * as FeedModule from 'feed' with { 'resolution-mode': 'import' };

// `feed` is an ES module; Node >= 20.19 require()s it, but TypeScript's CommonJS output only lets us name its types.
const { Feed } = require('feed') as typeof FeedModule;
type Feed = FeedModule.Feed;
import type { StatusIncident } from '../operator/types';
import { esc } from '../page/render';

/** Entries per feed. */
const FEED_LIMIT = 50;

const WORDS: Readonly<Record<string, string>> = { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved' };

export interface FeedInput {
  readonly title: string;
  readonly description: string;
  /** Absolute base of the public page (statusPage.url, else the request's origin), no trailing slash. */
  readonly base: string;
  /** Public incidents (any order). */
  readonly incidents: readonly StatusIncident[];
  readonly now: number;
}

function buildFeed(input: FeedInput): Feed {
  const page = `${input.base}/status`;
  const incidents = [...input.incidents].sort((a, b) => cmp(b.updated_at, a.updated_at) || cmp(b.id, a.id)).slice(0, FEED_LIMIT);
  const updated = incidents[0] ? new Date(incidents[0].updated_at) : new Date(input.now);
  const feed = new Feed({
    id: page,
    title: `${input.title} status history`,
    description: input.description || `Incidents and their updates for ${input.title}`,
    link: page,
    updated,
    generator: 'health-aggregator',
    // Atom requires an author on the feed or on every entry.
    author: { name: input.title },
    copyright: '',
    feedLinks: { atom: `${input.base}/status/history.atom`, rss: `${input.base}/status/history.rss` },
  });
  for (const i of incidents) {
    const updates = [...i.updates].reverse();
    const html = updates
      .map((u) => `<p><strong>${WORDS[u.status] ?? esc(u.status)}</strong> - ${esc(u.message).replace(/\n/g, '<br>')}<br><small>${u.created_at}</small></p>`)
      .join('\n');
    feed.addItem({
      title: esc(i.title),
      id: `${page}#incident-${i.id}`,
      link: `${page}#incident-${i.id}`,
      date: new Date(i.updated_at),
      published: new Date(i.created_at),
      description: esc(`${WORDS[i.status] ?? i.status}: ${updates[0]?.message ?? ''}`),
      content: html,
    });
  }
  return feed;
}

export const atomFeed = (input: FeedInput) => buildFeed(input).atom1();
export const rssFeed = (input: FeedInput) => buildFeed(input).rss2();
