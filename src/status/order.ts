/** Code-unit order: ISO times and base-36 ids sort as they were made, whatever the locale (localeCompare's order is the locale's). */
export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
