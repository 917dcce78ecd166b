import { useEffect, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, isAbort } from '../../api/client.ts';
import { personasApi, type Address, type PersonaDetail, type PersonaSale, type PersonaWithLoyalty } from '../../api/personas.ts';
import { useSession } from '../../app/auth.tsx';
import { Alert } from '../../components/Alert.tsx';
import { Button } from '../../components/Button.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { SourceBadges } from '../../components/SourceBadges.tsx';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import { formatCalendarDate, formatCount, formatMoney } from './personaFormat.ts';
import { PersonaLoyaltyCard } from './PersonaLoyaltyCard.tsx';

type PageState =
  | { status: 'loading' }
  | { status: 'loaded'; data: PersonaWithLoyalty }
  | { status: 'notFound' }
  | { status: 'error'; message: string };

const LIVE_REFRESH_MS = 5000;

/**
 * One persona: who they are, what they agreed to, what they bought and where, the point-of-sale
 * records they were merged from, and their loyalty points.
 */
export function PersonaPage() {
  const { personaId = '' } = useParams();
  const { user } = useSession();
  const [state, setState] = useState<PageState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    personasApi.get(personaId, controller.signal).then(
      (data) => setState({ status: 'loaded', data }),
      (error: unknown) => {
        if (isAbort(error)) return;
        if (error instanceof ApiError && error.status === 404) setState({ status: 'notFound' });
        else setState({ status: 'error', message: error instanceof ApiError ? error.message : 'Could not load this persona.' });
      },
    );
    return () => controller.abort();
  }, [personaId, attempt]);

  // New sales and points keep arriving from the POS: refresh quietly while the page is open and seen.
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      personasApi.get(personaId).then(
        (data) => setState((current) => (current.status === 'loaded' ? { status: 'loaded', data } : current)),
        () => undefined,
      );
    }, LIVE_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [personaId]);

  const reload = () => setAttempt((current) => current + 1);
  const persona = state.status === 'loaded' ? state.data.persona : undefined;
  const title = persona ? persona.name || 'Unnamed customer' : state.status === 'notFound' ? 'Persona not found' : 'Persona';

  return (
    <div className="page persona-page">
      <PageHeader
        title={title}
        breadcrumb={
          <>
            <Link to="/personas">Personas</Link>
            <span aria-hidden="true" className="breadcrumb-sep">
              /
            </span>
            <span aria-current="page">{title}</span>
          </>
        }
        description={
          persona ? (
            <span className="persona-header-meta">
              <span>Sourced from</span> <SourceBadges sources={persona.sourcedFrom} />
              <span className="muted">· In Patron since {formatDate(persona.createdAt)}</span>
            </span>
          ) : undefined
        }
      />

      {state.status === 'loading' && <Loading label="Loading the persona…" />}
      {state.status === 'notFound' && (
        <Alert tone="info" title="This persona does not exist">
          <p>
            It may have been removed with its store&apos;s data. <Link to="/personas">Back to Personas</Link>
          </p>
        </Alert>
      )}
      {state.status === 'error' && (
        <Alert title="Could not load this persona">
          <p>{state.message}</p>
          <Button variant="secondary" className="alert-action" onClick={reload}>
            Try again
          </Button>
        </Alert>
      )}
      {state.status === 'loaded' && persona && (
        <>
          <StatusNotices persona={persona} />
          <div className="persona-cards">
            <ProfileCard persona={persona} />
            <ConsentCard persona={persona} />
            <AggregatesCard persona={persona} />
          </div>
          <SourcesCard persona={persona} />
          <SalesCard sales={persona.sales} />
          <PersonaLoyaltyCard personaId={persona.id} loyalty={state.data.loyalty} canAdjust={user.role === 'admin' && !persona.mergedInto} onAdjusted={reload} />
          {persona.merges.length > 0 && <MergesCard persona={persona} />}
        </>
      )}
    </div>
  );
}

function StatusNotices({ persona }: { persona: PersonaDetail }) {
  if (persona.mergedInto) {
    return (
      <Alert tone="info" title="Merged into another persona">
        <p>
          Patron found that this is the same person as another profile, so their details, sales and points now live there.{' '}
          <Link to={`/personas/${persona.mergedInto}`}>Open the merged persona</Link>
        </p>
      </Alert>
    );
  }
  if (persona.archived) {
    return (
      <Alert tone="info" title="Archived">
        <p>This persona is archived: it is hidden from the Personas list unless you tick Show archived.</p>
      </Alert>
    );
  }
  return null;
}

function Facts({ children }: { children: ReactNode }) {
  return <dl className="persona-facts">{children}</dl>;
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="persona-fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

const none = <span className="muted">—</span>;

function addressLines(address: Address | null): string[] {
  if (!address || typeof address !== 'object') return [];
  const cityLine = [address.suburb, address.city, address.state, address.postcode].filter((part) => part && String(part).trim()).join(', ');
  return [address.line1, address.line2, cityLine, address.country].filter((line): line is string => Boolean(line && String(line).trim()));
}

function customFieldEntries(fields: Record<string, unknown> | null): Array<[string, string]> {
  if (!fields || typeof fields !== 'object') return [];
  return Object.entries(fields)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => [key, typeof value === 'object' ? JSON.stringify(value) : String(value)]);
}

function ProfileCard({ persona }: { persona: PersonaDetail }) {
  const lines = addressLines(persona.address);
  const custom = customFieldEntries(persona.customFields);
  return (
    <section className="card" aria-labelledby="profile-heading">
      <h2 className="card-title" id="profile-heading">
        Profile
      </h2>
      <Facts>
        <Fact label="Email">{persona.email ? <span className="persona-break">{persona.email}</span> : none}</Fact>
        <Fact label="Phone">{persona.phone ?? none}</Fact>
        <Fact label="Birth date">{persona.birthDate ? formatCalendarDate(persona.birthDate) : none}</Fact>
        <Fact label="Address">
          {lines.length > 0 ? (
            <address className="persona-address">
              {lines.map((line, index) => (
                <span key={index}>{line}</span>
              ))}
            </address>
          ) : (
            none
          )}
        </Fact>
        <Fact label="Company">{persona.companyName ?? none}</Fact>
        <Fact label="Customer group">{persona.customerGroup ?? none}</Fact>
        <Fact label="Custom fields">
          {custom.length > 0 ? (
            <dl className="persona-custom-fields">
              {custom.map(([key, value]) => (
                <div key={key}>
                  <dt>{key}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          ) : (
            <span className="muted">None</span>
          )}
        </Fact>
      </Facts>
    </section>
  );
}

function consentWords(value: string, channel: 'email' | 'SMS'): { label: string; detail: string; tone: 'green' | 'red' | 'gray' } {
  if (value === 'subscribed') return { label: 'Subscribed', detail: `Agreed to receive marketing by ${channel}.`, tone: 'green' };
  if (value === 'unsubscribed') return { label: 'Unsubscribed', detail: `Do not send marketing by ${channel}.`, tone: 'red' };
  return { label: 'Unknown', detail: `No ${channel} consent on record: treat as not subscribed.`, tone: 'gray' };
}

function ConsentCard({ persona }: { persona: PersonaDetail }) {
  const email = consentWords(persona.emailConsent, 'email');
  const sms = consentWords(persona.smsConsent, 'SMS');
  return (
    <section className="card" aria-labelledby="consent-heading">
      <h2 className="card-title" id="consent-heading">
        Consent
      </h2>
      <Facts>
        <Fact label="Email marketing">
          <span className={`badge consent-badge consent-${email.tone}`}>{email.label}</span>
          <span className="persona-fact-detail">{email.detail}</span>
        </Fact>
        <Fact label="SMS marketing">
          <span className={`badge consent-badge consent-${sms.tone}`}>{sms.label}</span>
          <span className="persona-fact-detail">{sms.detail}</span>
        </Fact>
        <Fact label="Age gate">
          {persona.ageGatePassed ? 'Confirmed for the source of this persona' : 'Not confirmed for the source of this persona'}
        </Fact>
      </Facts>
      <p className="persona-note">Joining loyalty is not consent to marketing: only the consent above decides who may receive messages.</p>
    </section>
  );
}

function AggregatesCard({ persona }: { persona: PersonaDetail }) {
  return (
    <section className="card" aria-labelledby="aggregates-heading">
      <h2 className="card-title" id="aggregates-heading">
        Activity
      </h2>
      <Facts>
        <Fact label="Lifetime spend">{formatMoney(persona.lifetimeSpend)}</Fact>
        <Fact label="Visits">{formatCount(persona.visits)}</Fact>
        <Fact label="Average order">{persona.averageOrder ? formatMoney(persona.averageOrder) : none}</Fact>
        <Fact label="First visit">{persona.firstVisitAt ? formatDate(persona.firstVisitAt) : none}</Fact>
        <Fact label="Last visit">{persona.lastVisitAt ? formatDate(persona.lastVisitAt) : none}</Fact>
        <Fact label="Favorite store">{persona.favoriteStore?.name ?? none}</Fact>
      </Facts>
    </section>
  );
}

function SourcesCard({ persona }: { persona: PersonaDetail }) {
  return (
    <section className="card" aria-labelledby="sources-heading">
      <h2 className="card-title" id="sources-heading">
        Sources
      </h2>
      <p className="card-description">The point-of-sale customer records merged into this persona.</p>
      {persona.sources.length === 0 ? (
        <p className="muted">No point-of-sale record is linked to this persona any more.</p>
      ) : (
        <div className="table-wrap">
          <table className="table persona-detail-table" aria-labelledby="sources-heading">
            <thead>
              <tr>
                <th scope="col">Integration</th>
                <th scope="col">Store</th>
                <th scope="col">External id</th>
                <th scope="col">Customer code</th>
                <th scope="col">Customer group</th>
              </tr>
            </thead>
            <tbody>
              {persona.sources.map((source) => (
                <tr key={`${source.storeAddress}:${source.externalId}`}>
                  <td>
                    <SourceBadges sources={[source.integration]} />
                  </td>
                  <td>
                    {source.storeName} <span className="muted">({source.storeAddress})</span>
                  </td>
                  <td className="mono persona-break">{source.externalId}</td>
                  <td>{source.customerCode ?? none}</td>
                  <td>{source.customerGroup ?? none}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const SALE_STATE_BADGE: Record<string, string> = {
  closed: 'badge badge-green',
  pending: 'badge badge-amber',
  parked: 'badge',
  voided: 'badge badge-red',
};

const SALE_STATE_WORDS: Record<string, string> = { closed: 'Closed', pending: 'Pending', parked: 'Parked', voided: 'Voided' };

function SaleStore({ sale }: { sale: PersonaSale }) {
  if (sale.store) return <>{sale.store}</>;
  if (sale.outlet) {
    return (
      <>
        {sale.outlet} <span className="muted">(unmapped)</span>
      </>
    );
  }
  return none;
}

function SalesCard({ sales }: { sales: PersonaSale[] }) {
  return (
    <section className="card" aria-labelledby="sales-heading">
      <h2 className="card-title" id="sales-heading">
        Sales
      </h2>
      <p className="card-description">
        {sales.length === 0
          ? 'No sales yet.'
          : sales.length >= 200
            ? 'The latest 200 sales, newest first.'
            : 'Newest first. Totals include tax; only closed sales count as visits.'}
      </p>
      {sales.length > 0 && (
        <div className="table-wrap">
          <table className="table persona-detail-table" aria-labelledby="sales-heading">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Store</th>
                <th scope="col">Invoice</th>
                <th scope="col" className="th-end">
                  Total
                </th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {sales.map((sale) => (
                <tr key={sale.id}>
                  <td title={sale.date ? formatDateTime(sale.date) : undefined}>{sale.date ? formatDate(sale.date) : none}</td>
                  <td>
                    <SaleStore sale={sale} />
                  </td>
                  <td>{sale.invoiceNumber ?? none}</td>
                  <td className="cell-number">{formatMoney(sale.total)}</td>
                  <td>
                    <span className={SALE_STATE_BADGE[sale.state] ?? 'badge'}>{SALE_STATE_WORDS[sale.state] ?? sale.state}</span>
                    {sale.isReturn && <span className="badge badge-amber sale-return">Return</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function MergesCard({ persona }: { persona: PersonaDetail }) {
  return (
    <section className="card" aria-labelledby="merges-heading">
      <h2 className="card-title" id="merges-heading">
        Merges
      </h2>
      <p className="card-description">Profiles Patron recognised as this same person and merged into this one.</p>
      <ul className="persona-merges">
        {persona.merges.map((merge) => (
          <li key={merge.mergedId}>
            <Link to={`/personas/${merge.mergedId}`} className="mono">
              {merge.mergedId.slice(0, 8)}
            </Link>{' '}
            merged {formatDateTime(merge.mergedAt)} — {merge.reason}
          </li>
        ))}
      </ul>
    </section>
  );
}
