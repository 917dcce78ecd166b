import { useEffect, useState } from 'react';
import { NavLink, useLocation } from 'react-router-dom';
import { api, isAbort } from '../api/client.ts';
import { BellIcon } from './Icons.tsx';
import { NOTIFICATIONS_CHANGED } from './notificationEvents.ts';

export const NOTIFICATION_POLL_MS = 30_000;

/**
 * The account-notifications bell: a count of open notifications, refreshed every 30 s while the tab is
 * visible and on every navigation, linking to the notifications page.
 */
export function NotificationBell() {
  const [count, setCount] = useState<number | undefined>(undefined);
  const { pathname } = useLocation();

  useEffect(() => {
    let controller: AbortController | undefined;
    const load = () => {
      if (document.visibilityState === 'hidden') return;
      controller?.abort();
      controller = new AbortController();
      api.notifications(controller.signal).then(
        (result) => setCount(result.count),
        (error: unknown) => {
          // Keep the last known count: the bell should never break the page around it.
          if (!isAbort(error)) return;
        },
      );
    };
    load();
    const timer = window.setInterval(load, NOTIFICATION_POLL_MS);
    document.addEventListener('visibilitychange', load);
    window.addEventListener(NOTIFICATIONS_CHANGED, load);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener(NOTIFICATIONS_CHANGED, load);
      document.removeEventListener('visibilitychange', load);
      controller?.abort();
    };
  }, [pathname]);

  const label =
    count === undefined ? 'Notifications' : count === 0 ? 'Notifications, none open' : `Notifications, ${count} open`;
  return (
    <NavLink to="/notifications" className="bell" aria-label={label} title={label} data-testid="notification-bell">
      <BellIcon size={20} />
      {count !== undefined && (
        <span className={count > 0 ? 'bell-badge' : 'bell-badge bell-badge-zero'} data-testid="notification-count" aria-hidden="true">
          {count > 99 ? '99+' : count}
        </span>
      )}
    </NavLink>
  );
}
