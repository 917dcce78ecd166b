import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, isAbort } from '../../../api/client.ts';
import { storesApi, type RetailStore, type UnmappedLocation } from '../../../api/stores.ts';
import { useSession } from '../../../app/auth.tsx';
import { Alert } from '../../../components/Alert.tsx';
import { Button } from '../../../components/Button.tsx';
import { EmptyState } from '../../../components/EmptyState.tsx';
import { StoreIcon } from '../../../components/Icons.tsx';
import { LightspeedMark } from '../../../components/LightspeedMark.tsx';
import { Loading } from '../../../components/Loading.tsx';
import { announceNotificationsChanged } from '../../../components/notificationEvents.ts';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { routeApiError } from '../../../lib/apiErrors.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { hasErrors, type FieldErrors } from '../../../lib/validation.ts';
import { useFocusFirstInvalid } from '../../../lib/useFocusFirstInvalid.ts';
import { checkDraft, emptyDraft, inputOf, STORE_FIELDS, StoreFields, type StoreDraft, type StoreField } from './storeForm.tsx';
import { FavoriteStoreRefreshNote } from './FavoriteStoreRefreshNote.tsx';
import { useFavoriteStoreRefresh } from './useFavoriteStoreRefresh.ts';

type ListState =
  | { status: 'loading' }
  | { status: 'loaded'; stores: RetailStore[]; unmapped: UnmappedLocation[] }
  | { status: 'error'; message: string };

const numbers = new Intl.NumberFormat();

export const RETAIL_STORE_PATH = '/settings/company/retail-store';

export function RetailStoreBreadcrumb({ current }: { current?: string }) {
  return (
    <>
      <Link to="/settings/company">Company Account</Link>
      <span aria-hidden="true" className="breadcrumb-sep">
        /
      </span>
      {current ? (
        <>
          <Link to={RETAIL_STORE_PATH}>Retail Store</Link>
          <span aria-hidden="true" className="breadcrumb-sep">
            /
          </span>
          <span aria-current="page">{current}</span>
        </>
      ) : (
        <span aria-current="page">Retail Store</span>
      )}
    </>
  );
}

/**
 * Settings > Company Account > Retail Store: the company's stores with the figures that show data is
 * reaching each one, Edit to map a store to its Lightspeed outlet, and Add store. While favorite
 * stores are being recomputed after a change it says how far along that is, and reloads the figures
 * when it is done.
 */
export function RetailStorePage() {
  const { user } = useSession();
  const canEdit = user.role === 'admin';
  const [state, setState] = useState<ListState>({ status: 'loading' });
  const [notice, setNotice] = useState<string>();
  const favoriteStores = useFavoriteStoreRefresh(() => void load());
  const { track } = favoriteStores;

  const load = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const { favoriteStores: refresh, ...result } = await storesApi.list(signal);
        setState({ status: 'loaded', ...result });
        track(refresh);
      } catch (error) {
        if (isAbort(error)) return;
        setState({ status: 'error', message: error instanceof ApiError ? error.message : 'Could not load your stores.' });
      }
    },
    [track],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  return (
    <div className="page">
      <PageHeader
        title="Retail Store"
        breadcrumb={<RetailStoreBreadcrumb />}
        description="Your stores, and the Lightspeed outlet each one maps to. A mapped store becomes the favorite store of the customers who shop there most."
      />

      {notice && <Alert tone="success">{notice}</Alert>}
      {state.status === 'loading' && <Loading label="Loading your stores…" />}
      {state.status === 'error' && (
        <Alert title="Could not load your stores">
          <p>{state.message}</p>
          <Button variant="secondary" className="alert-action" onClick={() => void load()}>
            Try again
          </Button>
        </Alert>
      )}
      {state.status === 'loaded' && (
        <>
          {state.unmapped.length > 0 && (
            <UnmappedCallout
              unmapped={state.unmapped}
              hasStores={state.stores.length > 0}
              canEdit={canEdit}
              onCreated={async (created) => {
                setNotice(created === 1 ? 'Created 1 store from your Lightspeed outlets, already mapped.' : `Created ${created} stores from your Lightspeed outlets, already mapped.`);
                announceNotificationsChanged();
                await load();
              }}
            />
          )}
          <FavoriteStoreRefreshNote status={favoriteStores.status} finished={favoriteStores.finished} />
          {state.stores.length === 0 ? (
            <EmptyState icon={<StoreIcon size={28} />} title="No stores yet">
              {state.unmapped.length > 0 ? (
                <p>Add your stores below, or create them from your Lightspeed outlets in one click.</p>
              ) : (
                <p>
                  Add your stores below. Once your point of sale is connected in{' '}
                  <Link to="/settings/integrations">Settings &gt; Integrations</Link>, edit each store to map it to its outlet.
                </p>
              )}
            </EmptyState>
          ) : (
            <StoreList stores={state.stores} />
          )}
          {canEdit ? (
            <AddStoreForm
              onSubmitting={() => setNotice(undefined)}
              onAdded={async (name) => {
                setNotice(`${name} was added. Click Edit to map it to its Lightspeed outlet.`);
                await load();
              }}
            />
          ) : (
            <p className="muted">Only an admin can add or edit stores.</p>
          )}
        </>
      )}
    </div>
  );
}

function StoreList({ stores }: { stores: RetailStore[] }) {
  return (
    <section className="card" aria-labelledby="stores-heading">
      <div className="card-header">
        <h2 className="card-title" id="stores-heading">
          Stores
        </h2>
        <span className="muted">{stores.length === 1 ? '1 store' : `${stores.length} stores`}</span>
      </div>
      <ul className="store-list" aria-labelledby="stores-heading">
        {stores.map((store) => (
          <StoreItem key={store.id} store={store} />
        ))}
      </ul>
    </section>
  );
}

function StoreItem({ store }: { store: RetailStore }) {
  const nameId = `store-${store.id}-name`;
  const place = [store.address.city, store.address.state].filter(Boolean).join(', ');
  return (
    <li className="store-item" aria-labelledby={nameId} data-testid="store-item">
      <div className="store-item-main">
        <div className="store-item-title">
          <h3 className="store-item-name" id={nameId}>
            {store.name}
          </h3>
          <span className={store.active ? 'badge badge-green' : 'badge'}>{store.active ? 'Active' : 'Inactive'}</span>
        </div>
        <p className="store-item-place muted">
          {place || 'No address'} · {store.timeZone.replaceAll('_', ' ')}
        </p>
        <div className="store-item-keys">
          {store.mappedLocations.length === 0 ? (
            <span className="store-unmapped-note">Not mapped to a Lightspeed outlet</span>
          ) : (
            store.mappedLocations.map((location) => (
              <span key={location.id} className="key-chip" title={`${location.name} in ${location.storeAddress}`}>
                <LightspeedMark size={16} decorative />
                {location.name}
                <span className="visually-hidden"> (Lightspeed outlet in {location.storeAddress})</span>
              </span>
            ))
          )}
        </div>
      </div>
      <dl className="store-figures">
        <div>
          <dt>Favorite store of</dt>
          <dd data-testid="favorite-personas">
            {numbers.format(store.figures.favoritePersonas)} {store.figures.favoritePersonas === 1 ? 'persona' : 'personas'}
          </dd>
        </div>
        <div>
          <dt>Sales, last 30 days</dt>
          <dd>{numbers.format(store.figures.salesLast30Days)}</dd>
        </div>
        <div>
          <dt>Last sale</dt>
          <dd>{store.figures.lastSaleAt ? formatDateTime(store.figures.lastSaleAt) : 'None yet'}</dd>
        </div>
      </dl>
      <Link to={`${RETAIL_STORE_PATH}/${encodeURIComponent(store.id)}`} className="btn btn-secondary store-item-edit">
        <span>
          Edit<span className="visually-hidden"> {store.name}</span>
        </span>
      </Link>
    </li>
  );
}

function UnmappedCallout({
  unmapped,
  hasStores,
  canEdit,
  onCreated,
}: {
  unmapped: UnmappedLocation[];
  hasStores: boolean;
  canEdit: boolean;
  onCreated: (created: number) => Promise<void>;
}) {
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string>();
  const count = unmapped.length;

  const create = async () => {
    setCreating(true);
    setError(undefined);
    try {
      const { created } = await storesApi.createFromLocations();
      await onCreated(created);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'Could not create the stores. Try again.');
    } finally {
      setCreating(false);
    }
  };

  return (
    <aside className="callout callout-amber" aria-labelledby="unmapped-heading" data-testid="unmapped-callout">
      <h2 className="callout-title" id="unmapped-heading">
        {count === 1 ? '1 Lightspeed outlet is not mapped to a store' : `${count} Lightspeed outlets are not mapped to a store`}
      </h2>
      <p>Sales are arriving from these outlets, but their customers get no favorite store until each outlet is mapped:</p>
      <ul className="unmapped-list">
        {unmapped.map((location) => (
          <li key={location.id}>
            <LightspeedMark size={16} decorative /> <strong>{location.name}</strong> <span className="muted">in {location.storeName}</span>
          </li>
        ))}
      </ul>
      {error && <Alert>{error}</Alert>}
      {hasStores ? (
        <p>Click Edit on a store, then choose its outlet under Store Mappings.</p>
      ) : canEdit ? (
        <div className="callout-actions">
          <Button onClick={() => void create()} busy={creating}>
            Create stores from Lightspeed outlets
          </Button>
          <span className="muted">One store per outlet, named and placed like it, and mapped to it. You can rename them after.</span>
        </div>
      ) : null}
    </aside>
  );
}

function AddStoreForm({ onAdded, onSubmitting }: { onAdded: (name: string) => Promise<void>; onSubmitting: () => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const [draft, setDraft] = useState<StoreDraft>(emptyDraft);
  const [errors, setErrors] = useState<FieldErrors<StoreField>>({});
  const [formError, setFormError] = useState<string>();
  const [saving, setSaving] = useState(false);

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(undefined);
    onSubmitting();
    const found = checkDraft(draft);
    setErrors(found);
    if (hasErrors(found)) {
      focusFirstInvalid();
      return;
    }
    setSaving(true);
    try {
      const input = inputOf(draft);
      await storesApi.create(input);
      setDraft(emptyDraft());
      await onAdded(input.name);
    } catch (caught) {
      const routed = routeApiError(caught, STORE_FIELDS);
      setErrors(routed.fieldErrors);
      setFormError(routed.formError);
      focusFirstInvalid();
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="card" aria-labelledby="add-store-heading">
      <h2 className="card-title" id="add-store-heading">
        Add store
      </h2>
      <p className="card-description">Then click Edit on it to map it to its Lightspeed outlet.</p>
      <form ref={formRef} className="form form-grid" onSubmit={handleSubmit} noValidate aria-labelledby="add-store-heading">
        {formError && (
          <div className="form-grid-full">
            <Alert>{formError}</Alert>
          </div>
        )}
        <StoreFields
          draft={draft}
          errors={errors}
          onChange={(update, field) => {
            setDraft((current) => ({ ...current, ...update }));
            if (errors[field]) setErrors((current) => ({ ...current, [field]: undefined }));
          }}
        />
        <div className="form-grid-full form-actions">
          <Button type="submit" busy={saving}>
            Add store
          </Button>
        </div>
      </form>
    </section>
  );
}
