import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, isAbort } from '../../../api/client.ts';
import { storesApi, type FavoriteStoreRefresh, type MappingRow, type RetailStore } from '../../../api/stores.ts';
import { useSession } from '../../../app/auth.tsx';
import { Alert } from '../../../components/Alert.tsx';
import { Button } from '../../../components/Button.tsx';
import { LightspeedMark } from '../../../components/LightspeedMark.tsx';
import { Loading } from '../../../components/Loading.tsx';
import { announceNotificationsChanged } from '../../../components/notificationEvents.ts';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { routeApiError } from '../../../lib/apiErrors.ts';
import { hasErrors, type FieldErrors } from '../../../lib/validation.ts';
import { useFocusFirstInvalid } from '../../../lib/useFocusFirstInvalid.ts';
import { KeyPicker } from './KeyPicker.tsx';
import { RetailStoreBreadcrumb } from './RetailStorePage.tsx';
import { checkDraft, draftOf, inputOf, STORE_FIELDS, StoreFields, type StoreDraft, type StoreField } from './storeForm.tsx';
import { FavoriteStoreRefreshNote } from './FavoriteStoreRefreshNote.tsx';
import { useFavoriteStoreRefresh } from './useFavoriteStoreRefresh.ts';

type Loaded = { store: RetailStore; mappings: MappingRow[]; favoriteStores: FavoriteStoreRefresh };
type PageState = { status: 'loading' } | { status: 'loaded'; data: Loaded } | { status: 'error'; message: string; notFound: boolean };

/** Selected keys per credential, as the form holds them. */
type Selection = Record<string, string[]>;

const selectionOf = (mappings: MappingRow[]): Selection => Object.fromEntries(mappings.map((row) => [row.credentialId, row.selectedLocationIds]));

/** Favorites are recomputed in the background: the note under this one follows that work. */
function savedMessage(favoriteStores: FavoriteStoreRefresh): string {
  return favoriteStores.state === 'idle' ? 'Saved.' : 'Saved. Favorite stores are being updated.';
}

/**
 * Retail Store > Edit: the store's details and its Store Mappings — the Lightspeed X mark of each
 * connected account with, to its right, the field that maps the store to that account's outlet
 * (the "key"). Save settings saves both.
 */
export function EditRetailStorePage() {
  const { storeId = '' } = useParams();
  const { user } = useSession();
  const canEdit = user.role === 'admin';
  const [state, setState] = useState<PageState>({ status: 'loading' });

  const load = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const data = await storesApi.get(storeId, signal);
        setState({ status: 'loaded', data });
      } catch (error) {
        if (isAbort(error)) return;
        setState({
          status: 'error',
          message: error instanceof ApiError ? error.message : 'Could not load the store.',
          notFound: error instanceof ApiError && error.status === 404,
        });
      }
    },
    [storeId],
  );

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const title = state.status === 'loaded' ? state.data.store.name : 'Edit store';

  return (
    <div className="page page-narrow">
      <PageHeader title={title} breadcrumb={<RetailStoreBreadcrumb current={title} />} description="The store’s details and the Lightspeed outlet it maps to." />
      {state.status === 'loading' && <Loading label="Loading the store…" />}
      {state.status === 'error' && (
        <Alert title={state.notFound ? 'No such store' : 'Could not load the store'}>
          <p>{state.notFound ? 'It may have been removed.' : state.message}</p>
          <p>
            <Link to="/settings/company/retail-store">Back to Retail Store</Link>
          </p>
        </Alert>
      )}
      {state.status === 'loaded' && <EditStoreForm key={state.data.store.id} data={state.data} canEdit={canEdit} onReload={load} />}
    </div>
  );
}

function EditStoreForm({ data, canEdit, onReload }: { data: Loaded; canEdit: boolean; onReload: () => Promise<void> }) {
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const [draft, setDraft] = useState<StoreDraft>(() => draftOf(data.store));
  const [selection, setSelection] = useState<Selection>(() => selectionOf(data.mappings));
  const [errors, setErrors] = useState<FieldErrors<StoreField>>({});
  const [formError, setFormError] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const [saving, setSaving] = useState(false);
  const favoriteStores = useFavoriteStoreRefresh();
  const { track } = favoriteStores;
  useEffect(() => track(data.favoriteStores), [data.favoriteStores, track]);

  const savedDraft = draftOf(data.store);
  const savedSelection = selectionOf(data.mappings);
  const detailsChanged = JSON.stringify(draft) !== JSON.stringify(savedDraft);
  const mappingsChanged = data.mappings.some(
    (row) => [...(selection[row.credentialId] ?? [])].sort().join() !== [...(savedSelection[row.credentialId] ?? [])].sort().join(),
  );
  const dirty = detailsChanged || mappingsChanged;

  const change = (update: Partial<StoreDraft>, field?: StoreField) => {
    setDraft((current) => ({ ...current, ...update }));
    setSaved(undefined);
    if (field && errors[field]) setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(undefined);
    setSaved(undefined);
    const found = checkDraft(draft);
    setErrors(found);
    if (hasErrors(found)) {
      focusFirstInvalid();
      return;
    }
    setSaving(true);
    try {
      if (detailsChanged) await storesApi.update(data.store.id, inputOf(draft));
      const locationIds = data.mappings.flatMap((row) => selection[row.credentialId] ?? []);
      const result = await storesApi.saveMappings(data.store.id, locationIds);
      announceNotificationsChanged();
      // The reload brings the recomputation's state, which the note below follows.
      await onReload();
      setSaved(savedMessage(result.favoriteStores));
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
    <form ref={formRef} className="form page" onSubmit={handleSubmit} noValidate aria-label={`Edit ${data.store.name}`}>
      {!canEdit && <Alert tone="info">Only an admin can change stores. You can see how this one is set up.</Alert>}
      {formError && <Alert>{formError}</Alert>}

      <section className="card" aria-labelledby="store-details-heading">
        <h2 className="card-title" id="store-details-heading">
          Store details
        </h2>
        <div className="form-grid">
          <StoreFields draft={draft} errors={errors} onChange={change} disabled={!canEdit} />
          <div className="field store-active">
            <span className="field-label" id="store-active-label">
              Status
            </span>
            <label className="switch">
              <input type="checkbox" checked={draft.active} disabled={!canEdit} onChange={(event) => change({ active: event.target.checked })} aria-describedby="store-active-note" />
              Active
            </label>
            <p className="field-hint" id="store-active-note">
              An inactive store is never anyone’s favorite store: its customers’ favorite moves to another store they shop at.
            </p>
          </div>
        </div>
      </section>

      <section className="card" aria-labelledby="store-mappings-heading">
        <h2 className="card-title" id="store-mappings-heading">
          Store Mappings
        </h2>
        <p className="card-description">
          Click the field to the right of the Lightspeed X symbol and choose the outlet (the key) whose sales belong to this store. A store can
          have more than one.
        </p>
        {data.mappings.length === 0 ? (
          <p className="muted">
            No point of sale is connected yet. Connect Lightspeed X-Series in <Link to="/settings/integrations">Settings &gt; Integrations</Link>{' '}
            first.
          </p>
        ) : (
          <ul className="mapping-rows" aria-label="Store Mappings">
            {data.mappings.map((row) => (
              <li key={row.credentialId} className="mapping-row" data-testid="mapping-row">
                <div className="mapping-source">
                  <LightspeedMark size={32} />
                  <span className="mapping-source-text">
                    <span className="mapping-source-name">{row.storeName}</span>
                    <span className="mapping-source-address muted">{row.storeAddress}</span>
                  </span>
                </div>
                {row.keys.length === 0 ? (
                  <p className="muted mapping-empty">No outlets synced from this account yet.</p>
                ) : (
                  <KeyPicker
                    row={row}
                    storeId={data.store.id}
                    selected={selection[row.credentialId] ?? []}
                    disabled={!canEdit}
                    onChange={(ids) => {
                      setSelection((current) => ({ ...current, [row.credentialId]: ids }));
                      setSaved(undefined);
                    }}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      {canEdit && (
        <div className="form-footer-row store-save-row">
          <span className="muted" role="status">
            {saved ? (
              <span className="store-saved" data-testid="store-saved">
                {saved}
              </span>
            ) : dirty ? (
              'You have changes that are not saved yet.'
            ) : (
              ''
            )}
          </span>
          <Button type="submit" busy={saving}>
            Save settings
          </Button>
        </div>
      )}
      <FavoriteStoreRefreshNote status={favoriteStores.status} finished={favoriteStores.finished} />
    </form>
  );
}
