import { useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { api, isAbort, type Notification } from '../api/client.ts';
import { NOTIFICATIONS_CHANGED } from './notificationEvents.ts';

const POLL_MS = 30_000;

/** The notifications worth a banner on every page, with the words of their one action. */
const BANNER_KINDS: Record<string, string> = {
  unmapped_stores: 'Map stores',
  credential_invalid: 'Reconnect',
};

// Dismissed for as long as the app stays loaded: a reload shows them again while the condition lasts.
const dismissedThisSession = new Set<string>();

/**
 * At the top of the page content: open "unmapped stores" and "Lightspeed rejected the token"
 * notifications, each with a link to fix it and a Dismiss button.
 */
export function NotificationBanner() {
  const [notices, setNotices] = useState<Notification[]>([]);
  const [, setDismissedCount] = useState(dismissedThisSession.size);
  const { pathname } = useLocation();

  useEffect(() => {
    let controller: AbortController | undefined;
    const load = () => {
      if (document.visibilityState === 'hidden') return;
      controller?.abort();
      controller = new AbortController();
      api.notifications(controller.signal).then(
        (result) => setNotices(result.notifications.filter((notice) => notice.kind in BANNER_KINDS)),
        (error: unknown) => {
          // A banner that cannot load stays as it was; the bell and the notifications page say more.
          if (isAbort(error)) return;
        },
      );
    };
    load();
    const timer = window.setInterval(load, POLL_MS);
    window.addEventListener(NOTIFICATIONS_CHANGED, load);
    document.addEventListener('visibilitychange', load);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener(NOTIFICATIONS_CHANGED, load);
      document.removeEventListener('visibilitychange', load);
      controller?.abort();
    };
  }, [pathname]);

  const shown = notices.filter((notice) => !dismissedThisSession.has(notice.id));
  if (shown.length === 0) return null;

  return (
    <section className="notice-banners" aria-label="Account notifications" data-testid="notification-banner">
      {shown.map((notice) => {
        const action = BANNER_KINDS[notice.kind];
        const link = notice.link && notice.link.startsWith('/') && !notice.link.startsWith('//') ? notice.link : null;
        return (
          <div key={notice.id} className={`notice-banner notice-banner-${notice.kind === 'credential_invalid' ? 'red' : 'amber'}`}>
            <div className="notice-banner-text">
              <p className="notice-banner-title">{notice.title}</p>
              {notice.body && <p className="notice-banner-body">{notice.body}</p>}
            </div>
            <div className="notice-banner-actions">
              {link && action && link !== pathname && (
                <Link to={link} className="btn btn-secondary">
                  <span>{action}</span>
                </Link>
              )}
              <button
                type="button"
                className="notice-banner-dismiss"
                aria-label={`Dismiss: ${notice.title}`}
                title="Dismiss until you reload the page"
                onClick={() => {
                  dismissedThisSession.add(notice.id);
                  setDismissedCount(dismissedThisSession.size);
                }}
              >
                <span aria-hidden="true">×</span>
              </button>
            </div>
          </div>
        );
      })}
    </section>
  );
}
