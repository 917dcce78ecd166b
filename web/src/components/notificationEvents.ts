/**
 * A page that has just changed something the account notifications depend on (mapping stores,
 * replacing a token) says so with `announceNotificationsChanged()`; the bell and the banner listen
 * and fetch again at once instead of waiting for their next poll.
 */
export const NOTIFICATIONS_CHANGED = 'patron:notifications-changed';

export function announceNotificationsChanged(): void {
  window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
}
