import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, isAbort, setUnauthenticatedHandler, type Session } from '../api/client.ts';

/**
 * Who is signed in. `loading` until the first /api/auth/me answers; `signedOut` carries whether any
 * account exists at all, so a first visitor is sent to sign-up instead of sign-in.
 */
export type AuthState =
  | { status: 'loading' }
  | { status: 'signedIn'; session: Session }
  | { status: 'signedOut'; hasUsers: boolean }
  | { status: 'error'; message: string };

type AuthContextValue = {
  state: AuthState;
  /** Re-reads the session from the server (after sign-in). */
  refresh: () => Promise<void>;
  /** Records a session the server just returned (after sign-up). */
  signedIn: (session: Session) => void;
  signOut: () => Promise<void>;
};

const AuthContext = createContext<AuthContextValue | undefined>(undefined);

async function loadAuthState(signal?: AbortSignal): Promise<AuthState> {
  try {
    return { status: 'signedIn', session: await api.me(signal) };
  } catch (error) {
    if (isAbort(error)) throw error;
    if (error instanceof ApiError && error.status === 401) {
      const { hasUsers } = await api.setup();
      return { status: 'signedOut', hasUsers };
    }
    const message = error instanceof ApiError ? error.message : 'Patron could not load your session.';
    return { status: 'error', message };
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    loadAuthState(controller.signal).then(setState, (error: unknown) => {
      if (!isAbort(error)) setState({ status: 'error', message: 'Patron could not load your session.' });
    });
    return () => controller.abort();
  }, []);

  useEffect(() => {
    // A session that expires while the app is open sends the person back to sign-in.
    setUnauthenticatedHandler(() => setState((current) => (current.status === 'signedIn' ? { status: 'signedOut', hasUsers: true } : current)));
    return () => setUnauthenticatedHandler(undefined);
  }, []);

  const refresh = useCallback(async () => setState(await loadAuthState()), []);
  const signedIn = useCallback((session: Session) => setState({ status: 'signedIn', session }), []);
  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } finally {
      setState({ status: 'signedOut', hasUsers: true });
    }
  }, []);

  const value = useMemo(() => ({ state, refresh, signedIn, signOut }), [state, refresh, signedIn, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>.');
  return value;
}

/** The signed-in session; only for components rendered behind <RequireAuth>. */
export function useSession(): Session {
  const { state } = useAuth();
  if (state.status !== 'signedIn') throw new Error('useSession needs a signed-in user.');
  return state.session;
}
