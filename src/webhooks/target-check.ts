/**
 * The check made when a subscription's URL is set: a host that is, or now resolves to, a private,
 * loopback or link-local address is refused at once, so a mistake shows where it is made rather than as
 * failed deliveries. It is advice, not the guard: a name can resolve elsewhere later, so every send checks
 * again (send.ts). A name that does not resolve (yet), or not quickly, passes here for the same reason.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { checkedAddress, RefusedAddressError } from './address.ts';

/** How long the create-time resolution may take before it is left to the send. */
const RESOLVE_WITHIN_MS = 2000;

/** The reason `url` is refused, or null when it may be tried. */
export async function refusedTarget(url: string, allowPrivate: boolean): Promise<string | null> {
  if (allowPrivate) return null;
  const abandon = new AbortController();
  try {
    await Promise.race([
      checkedAddress(new URL(url).hostname, false),
      delay(RESOLVE_WITHIN_MS, undefined, { signal: abandon.signal }),
    ]);
    return null;
  } catch (error) {
    return error instanceof RefusedAddressError ? error.message : null;
  } finally {
    abandon.abort();
  }
}
