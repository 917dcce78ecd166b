import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError, isAbort, type Notification } from '../../api/client.ts';
import { Alert } from '../../components/Alert.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { CheckCircleIcon } from '../../components/Icons.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../lib/format.ts';

type State = { status: 'loading' } | { status: 'loaded'; notifications: Notification[] } | { status: 'error'; message: string };

/** Account notifications: conditions that need someone's attention (the bell counts them). */
export function NotificationsPage() {
  const [state, setState] = useState<State>({ status: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    api.notifications(controller.signal).then(
      (result) => setState({ status: 'loaded', notifications: result.notifications }),
      (error: unknown) => {
        if (isAbort(error)) return;
        setState({ status: 'error', message: error instanceof ApiError ? error.message : 'Could not load notifications.' });
      },
    );
    return () => controller.abort();
  }, []);

  return (
    <div className="page page-narrow">
      <PageHeader title="Notifications" description="Things in your account that need attention. Each one clears by itself once it is fixed." />
      {state.status === 'loading' && <Loading label="Loading notifications…" />}
      {state.status === 'error' && <Alert>{state.message}</Alert>}
      {state.status === 'loaded' && state.notifications.length === 0 && (
        <EmptyState icon={<CheckCircleIcon size={28} />} title="You're all caught up">
          <p>There is nothing that needs your attention right now.</p>
        </EmptyState>
      )}
      {state.status === 'loaded' && state.notifications.length > 0 && (
        <ul className="notification-list">
          {state.notifications.map((notice) => (
            <li key={notice.id} className="card notification">
              <div className="notification-head">
                <h2 className="notification-title">{notice.title}</h2>
                <time dateTime={notice.updatedAt} className="muted">
                  {formatDateTime(notice.updatedAt)}
                </time>
              </div>
              {notice.body && <p className="notification-body">{notice.body}</p>}
              {notice.link && <NotificationLink link={notice.link} />}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Links inside the app use the router; anything else is not followed (notifications come from the server). */
function NotificationLink({ link }: { link: string }) {
  if (!link.startsWith('/') || link.startsWith('//')) return null;
  return (
    <Link to={link} className="notification-link">
      Fix this
    </Link>
  );
}
