import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { Alert } from '../components/Alert.tsx';
import { Button } from '../components/Button.tsx';
import { Loading } from '../components/Loading.tsx';
import { useAuth } from './auth.tsx';

export const HOME_PATH = '/personas';

/** Where a visitor was headed before being sent to sign in, so they land there afterwards. */
export type ReturnState = { from?: string };

function SessionProblem({ message }: { message: string }) {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <Alert title="Patron is not answering">{message}</Alert>
        <Button variant="secondary" onClick={() => window.location.reload()}>
          Try again
        </Button>
      </div>
    </main>
  );
}

/** App pages: signed-out visitors go to sign-in, or to sign-up when no account exists yet. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === 'loading') return <Loading fill label="Loading Patron…" />;
  if (state.status === 'error') return <SessionProblem message={state.message} />;
  if (state.status === 'signedOut') {
    const from = `${location.pathname}${location.search}`;
    const returnState: ReturnState = from === HOME_PATH || from === '/' ? {} : { from };
    return <Navigate to={state.hasUsers ? '/signin' : '/signup'} replace state={returnState} />;
  }
  return children;
}

/** Sign-in and sign-up: a signed-in visitor goes straight to the app. */
export function GuestOnly({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === 'loading') return <Loading fill label="Loading Patron…" />;
  if (state.status === 'signedIn') {
    const from = (location.state as ReturnState | null)?.from;
    return <Navigate to={from && from.startsWith('/') && !from.startsWith('//') ? from : HOME_PATH} replace />;
  }
  return children;
}
