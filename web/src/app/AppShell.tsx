import { useState } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router-dom';
import { Button } from '../components/Button.tsx';
import { NotificationBanner } from '../components/NotificationBanner.tsx';
import { NotificationBell } from '../components/NotificationBell.tsx';
import { useAuth, useSession } from './auth.tsx';

/** The frame around every signed-in page: main menu, notifications bell, company and sign-out. */
export function AppShell() {
  const { company, user } = useSession();
  const { signOut } = useAuth();
  const navigate = useNavigate();
  const [signingOut, setSigningOut] = useState(false);

  const handleSignOut = async () => {
    setSigningOut(true);
    try {
      await signOut();
    } finally {
      navigate('/signin', { replace: true });
    }
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <NavLink to="/personas" className="brand" aria-label="Patron home">
            <span className="brand-mark" aria-hidden="true">
              P
            </span>
            <span className="brand-name">Patron</span>
          </NavLink>
          <nav className="main-nav" aria-label="Main menu">
            <NavLink to="/personas" className="main-nav-link">
              Personas
            </NavLink>
            <NavLink to="/settings" className="main-nav-link">
              Settings
            </NavLink>
          </nav>
          <div className="topbar-end">
            <NotificationBell />
            <div className="account" title={`${user.name} <${user.email}>`}>
              <span className="account-company" data-testid="company-name">
                {company.name}
              </span>
              <span className="account-user">{user.name}</span>
            </div>
            <Button variant="secondary" onClick={handleSignOut} busy={signingOut}>
              Sign out
            </Button>
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <NotificationBanner />
        <Outlet />
      </main>
    </div>
  );
}
