/*
 * What a change notification carries: identifiers, never rows. PostgreSQL refuses a NOTIFY payload of 8000
 * bytes or more, and a row read from the notification could differ from the row as the listener's viewer may
 * see it; so a write names the rows it touched and each listener reads them through its own loaders.
 */

/** Identifiers as one or more comma-separated payloads, each at most `maxBytes` (ASCII) long. */
export function idPayloads(ids: readonly (number | string)[], maxBytes: number): string[] {
  const payloads: string[] = [];
  let current = "";
  for (const id of new Set(ids)) {
    const text = String(id);
    if (text.length === 0 || text.includes(",") || text.length > maxBytes) throw new RangeError(`an id of a change notification must be 1 to ${maxBytes} characters without commas: ${JSON.stringify(text)}`);
    if (current.length === 0) current = text;
    else if (current.length + 1 + text.length <= maxBytes) current += `,${text}`;
    else {
      payloads.push(current);
      current = text;
    }
  }
  if (current.length > 0) payloads.push(current);
  return payloads;
}

/** The positive integer ids of a payload idPayloads wrote; anything else in it is skipped (a listener never throws on a payload). */
export function integerIds(payload: string): number[] {
  return payload
    .split(",")
    .map((part) => Number(part))
    .filter((id) => Number.isSafeInteger(id) && id > 0);
}

/** The non-empty texts of a payload idPayloads wrote (fiscal quarters). */
export function textIds(payload: string): string[] {
  return payload
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/**
 * Events allowed per one-second window (a fixed window: a client reads "at most N a second" literally). `take`
 * answers whether one more event fits in the window of `now` (ms).
 */
export class EventBudget {
  private windowStart = -Infinity;
  private used = 0;

  constructor(readonly perSecond: number) {}

  take(now: number): boolean {
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used >= this.perSecond) return false;
    this.used += 1;
    return true;
  }
}
