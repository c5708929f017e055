/** The favicon in the page's state: a coloured disc with a glyph (a second cue besides colour), as SVG. */
import type { PageState } from './state';

const LOOK: Record<PageState, [string, string]> = {
  checking: ['#6e7781', 'M10 16h12'],
  operational: ['#1a7f37', 'M9 16.5l4.5 4.5L23 11'],
  maintenance: ['#0969da', 'M10 11h12M10 16h12M10 21h12'],
  degraded: ['#9a6700', 'M16 9v9M16 22v1'],
  partial_outage: ['#cf222e', 'M11 11l10 10M21 11L11 21'],
  major_outage: ['#cf222e', 'M11 11l10 10M21 11L11 21'],
};

export function faviconSvg(state: PageState): string {
  const [fill, path] = LOOK[state];
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="15" fill="${fill}"/><path d="${path}" stroke="#fff" stroke-width="3.5" stroke-linecap="round" fill="none"/></svg>`;
}

/** For <link rel="icon">: a data: URL (the CSP allows img-src data:). */
export const faviconDataUrl = (state: PageState): string => `data:image/svg+xml,${encodeURIComponent(faviconSvg(state))}`;
