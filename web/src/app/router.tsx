import { createBrowserRouter, Navigate, Outlet, ScrollRestoration } from 'react-router-dom';
import { AppShell } from './AppShell.tsx';
import { GuestOnly, HOME_PATH, RequireAuth } from './guards.tsx';
import { SignInPage } from '../pages/auth/SignInPage.tsx';
import { SignUpPage } from '../pages/auth/SignUpPage.tsx';
import { PersonasPage } from '../pages/personas/PersonasPage.tsx';
import { PersonaPage } from '../pages/personas/PersonaPage.tsx';
import { LoyaltySettingsPage } from '../pages/loyalty/LoyaltySettingsPage.tsx';
import { SettingsLayout } from '../pages/settings/SettingsLayout.tsx';
import { IntegrationsPage } from '../pages/settings/integrations/IntegrationsPage.tsx';
import { IntegrationGridPage } from '../pages/settings/integrations/IntegrationGridPage.tsx';
import { LightspeedConnectionPage } from '../pages/settings/integrations/lightspeed/LightspeedConnectionPage.tsx';
import { CompanyAccountPage } from '../pages/settings/company/CompanyAccountPage.tsx';
import { RetailStorePage } from '../pages/settings/company/RetailStorePage.tsx';
import { EditRetailStorePage } from '../pages/settings/company/EditRetailStorePage.tsx';
import { NotificationsPage } from '../pages/notifications/NotificationsPage.tsx';
import { NotFoundPage } from '../pages/NotFoundPage.tsx';

function Root() {
  return (
    <>
      <ScrollRestoration />
      <Outlet />
    </>
  );
}

/**
 * Every screen of the app, following its navigation: Personas, Settings > … (Integrations, the
 * Integration Grid, the Lightspeed X-Series connection, Company Account), notifications.
 */
export const router = createBrowserRouter([
  {
    element: <Root />,
    children: [
      { path: '/', element: <Navigate to={HOME_PATH} replace /> },
      { path: '/signup', element: <GuestOnly><SignUpPage /></GuestOnly> },
      { path: '/signin', element: <GuestOnly><SignInPage /></GuestOnly> },
      {
        element: (
          <RequireAuth>
            <AppShell />
          </RequireAuth>
        ),
        children: [
          { path: '/personas', element: <PersonasPage /> },
          { path: '/personas/:personaId', element: <PersonaPage /> },
          {
            path: '/settings',
            element: <SettingsLayout />,
            children: [
              { index: true, element: <Navigate to="/settings/integrations" replace /> },
              { path: 'integrations', element: <IntegrationsPage /> },
              { path: 'integrations/grid', element: <IntegrationGridPage /> },
              { path: 'integrations/lightspeed-x', element: <LightspeedConnectionPage /> },
              { path: 'loyalty', element: <LoyaltySettingsPage /> },
              { path: 'company', element: <CompanyAccountPage /> },
              { path: 'company/retail-store', element: <RetailStorePage /> },
              { path: 'company/retail-store/:storeId', element: <EditRetailStorePage /> },
            ],
          },
          { path: '/notifications', element: <NotificationsPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
