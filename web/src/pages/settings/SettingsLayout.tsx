import { NavLink, Outlet } from 'react-router-dom';

/** Settings: a sub-menu (Integrations, Company Account > Retail Store) beside the chosen page. */
export function SettingsLayout() {
  return (
    <div className="settings">
      <aside className="settings-aside">
        <p className="settings-heading" id="settings-nav-heading">
          Settings
        </p>
        <nav className="sub-nav" aria-labelledby="settings-nav-heading">
          <NavLink to="/settings/integrations" className="sub-nav-link">
            Integrations
          </NavLink>
          <NavLink to="/settings/loyalty" className="sub-nav-link">
            Loyalty
          </NavLink>
          <NavLink to="/settings/company" className="sub-nav-link">
            Company Account
          </NavLink>
          <NavLink to="/settings/company/retail-store" className="sub-nav-link sub-nav-child">
            Retail Store
          </NavLink>
        </nav>
      </aside>
      <div className="settings-content">
        <Outlet />
      </div>
    </div>
  );
}
