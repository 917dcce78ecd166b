import { useId, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, type Credential, type CredentialStatus } from '../../../../api/client.ts';
import { Alert } from '../../../../components/Alert.tsx';
import { Button } from '../../../../components/Button.tsx';
import { ConfirmDialog } from '../../../../components/ConfirmDialog.tsx';
import { SecretField } from '../../../../components/SecretField.tsx';
import { TextField } from '../../../../components/TextField.tsx';
import { routeApiError } from '../../../../lib/apiErrors.ts';
import { formatDateTime } from '../../../../lib/format.ts';
import { collectErrors, hasErrors, type FieldErrors } from '../../../../lib/validation.ts';
import { useFocusFirstInvalid } from '../../../../lib/useFocusFirstInvalid.ts';
import { SyncPanel } from './SyncPanel.tsx';
import { count } from './wording.ts';

type Labels = { token: string; storeAddress: string };

/** The outcome of the last credential action, shown at the top of the section. */
export type CredentialNotice = { text: string; next?: string };

type CredentialsSectionProps = {
  provider: string;
  labels: Labels;
  credentials: Credential[];
  canEdit: boolean;
  onCredentialsChange: (update: (credentials: Credential[]) => Credential[]) => void;
  notice: CredentialNotice | undefined;
  onNotice: (notice: CredentialNotice | undefined) => void;
};

const STATUS: Record<CredentialStatus, { label: string; className: string }> = {
  active: { label: 'Active', className: 'badge badge-green' },
  invalid: { label: 'Token not accepted', className: 'badge badge-red' },
  paused: { label: 'Paused', className: 'badge badge-amber' },
};

/** What the check found, e.g. "Connected to Demo Store: 2 outlets, 2 registers, rate limit 650 requests per 5 minutes". */
export function connectedMessage(credential: Credential): string {
  const parts = [count(credential.outletCount, 'outlet'), count(credential.registerCount, 'register')];
  if (credential.rateLimit !== null) parts.push(`rate limit ${credential.rateLimit} requests per 5 minutes`);
  return `Connected to ${credential.storeName}: ${parts.join(', ')}`;
}

/**
 * Credentials: one row per connected store (with Replace token and Remove), then the form that adds
 * a store. Patron checks every token with Lightspeed before keeping it.
 */
export function CredentialsSection({ provider, labels, credentials, canEdit, onCredentialsChange, notice, onNotice: setNotice }: CredentialsSectionProps) {
  const [removing, setRemoving] = useState<Credential>();

  return (
    <section className="card" aria-labelledby="credentials-heading">
      <div className="card-header">
        <h2 className="card-title" id="credentials-heading">
          Credentials
        </h2>
        <span className="muted">{credentials.length === 0 ? 'No stores yet' : count(credentials.length, 'store')}</span>
      </div>
      <p className="card-description">One credential per Lightspeed store. Patron reads from the store; it never changes anything there.</p>

      {notice && (
        <Alert tone="success">
          <p>{notice.text}</p>
          {notice.next && <p>{notice.next}</p>}
        </Alert>
      )}

      {credentials.length > 0 && (
        <ul className="credential-list" aria-label="Connected stores">
          {credentials.map((credential) => (
            <CredentialRow
              key={credential.id}
              provider={provider}
              labels={labels}
              credential={credential}
              canEdit={canEdit}
              onReplaced={(updated) => {
                onCredentialsChange((list) => list.map((item) => (item.id === updated.id ? updated : item)));
                setNotice({ text: `New token saved for ${updated.storeName}. Patron syncs it again now.` });
              }}
              onRemove={() => {
                setNotice(undefined);
                setRemoving(credential);
              }}
            />
          ))}
        </ul>
      )}

      {removing && (
        <RemoveDialog
          provider={provider}
          credential={removing}
          onClose={() => setRemoving(undefined)}
          onRemoved={(data) => {
            onCredentialsChange((list) => list.filter((item) => item.id !== removing.id));
            setRemoving(undefined);
            setNotice({
              text:
                data === 'keep'
                  ? `${removing.storeName} was removed. The customers and sales already synced from it stay in Patron.`
                  : `${removing.storeName} was removed, along with the data synced from it.`,
            });
          }}
        />
      )}

      {canEdit && (
        <AddCredentialForm
          provider={provider}
          labels={labels}
          first={credentials.length === 0}
          onSubmitting={() => setNotice(undefined)}
          onAdded={(credential) => {
            onCredentialsChange((list) => [...list, credential]);
            setNotice({ text: connectedMessage(credential), next: 'To start syncing it, click Update Connection at the bottom of the page.' });
          }}
        />
      )}
    </section>
  );
}

type CredentialRowProps = {
  provider: string;
  labels: Labels;
  credential: Credential;
  canEdit: boolean;
  onReplaced: (credential: Credential) => void;
  onRemove: () => void;
};

function CredentialRow({ provider, labels, credential, canEdit, onReplaced, onRemove }: CredentialRowProps) {
  const [replacing, setReplacing] = useState(false);
  const nameId = useId();
  const status = STATUS[credential.status];
  const replaceButton = useRef<HTMLButtonElement>(null);

  return (
    <li className="credential" aria-labelledby={nameId}>
      <div className="credential-head">
        <div className="credential-title">
          <h3 className="credential-name" id={nameId}>
            {credential.storeName}
          </h3>
          <span className={status.className}>{status.label}</span>
        </div>
        {canEdit && (
          <div className="credential-actions">
            <Button
              ref={replaceButton}
              variant={credential.status === 'invalid' ? 'primary' : 'secondary'}
              aria-expanded={replacing}
              aria-describedby={nameId}
              onClick={() => setReplacing((current) => !current)}
            >
              Replace token
            </Button>
            <Button variant="ghost" className="btn-ghost-danger" aria-describedby={nameId} onClick={onRemove}>
              Remove
            </Button>
          </div>
        )}
      </div>
      {credential.status !== 'active' && credential.statusReason && <p className="credential-reason">{credential.statusReason}</p>}
      <dl className="credential-facts">
        <div>
          <dt>{labels.storeAddress}</dt>
          <dd>{credential.storeAddress}</dd>
        </div>
        <div>
          <dt>{labels.token}</dt>
          <dd className="mono">{credential.tokenMasked}</dd>
        </div>
        <div>
          <dt>Outlets</dt>
          <dd>{credential.outletCount}</dd>
        </div>
        <div>
          <dt>Registers</dt>
          <dd>{credential.registerCount}</dd>
        </div>
        <div>
          <dt>Rate limit</dt>
          <dd>{credential.rateLimit === null ? 'Not reported yet' : `${credential.rateLimit} requests / 5 min`}</dd>
        </div>
        {credential.lastCheckedAt && (
          <div>
            <dt>Last checked</dt>
            <dd>{formatDateTime(credential.lastCheckedAt)}</dd>
          </div>
        )}
      </dl>
      <SyncPanel provider={provider} credential={credential} canEdit={canEdit} />
      {replacing && (
        <ReplaceTokenForm
          provider={provider}
          label={labels.token}
          credential={credential}
          onCancel={() => {
            setReplacing(false);
            replaceButton.current?.focus();
          }}
          onReplaced={(updated) => {
            setReplacing(false);
            onReplaced(updated);
          }}
        />
      )}
    </li>
  );
}

function ReplaceTokenForm({
  provider,
  label,
  credential,
  onCancel,
  onReplaced,
}: {
  provider: string;
  label: string;
  credential: Credential;
  onCancel: () => void;
  onReplaced: (credential: Credential) => void;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const [saving, setSaving] = useState(false);

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(undefined);
    if (!token.trim()) {
      setError(`Paste the new personal token from Lightspeed into the ${label} field.`);
      focusFirstInvalid();
      return;
    }
    setSaving(true);
    try {
      const { credential: updated } = await api.replaceToken(provider, credential.id, token.trim());
      onReplaced(updated);
    } catch (caught) {
      const routed = routeApiError(caught, ['token'] as const);
      setError(routed.fieldErrors.token);
      setFormError(routed.formError);
      focusFirstInvalid();
    } finally {
      setSaving(false);
    }
  };

  return (
    <form ref={formRef} className="form inline-form" onSubmit={handleSubmit} noValidate aria-label={`Replace the token of ${credential.storeName}`}>
      {formError && <Alert>{formError}</Alert>}
      <SecretField
        label={`New ${label.toLowerCase()}`}
        name="token"
        value={token}
        onChange={(value) => {
          setToken(value);
          setError(undefined);
        }}
        error={error}
        hint={`A personal token made in the store ${credential.storeAddress}. The old token stops being used once this one is accepted.`}
        autoFocus
      />
      <div className="form-actions">
        <Button variant="ghost" onClick={onCancel} disabled={saving}>
          Cancel
        </Button>
        <Button type="submit" busy={saving}>
          {saving ? 'Checking with Lightspeed…' : 'Save token'}
        </Button>
      </div>
    </form>
  );
}

function RemoveDialog({
  provider,
  credential,
  onClose,
  onRemoved,
}: {
  provider: string;
  credential: Credential;
  onClose: () => void;
  onRemoved: (data: 'keep' | 'purge') => void;
}) {
  const [pending, setPending] = useState<'keep' | 'purge'>();
  const [error, setError] = useState<string>();

  const remove = async (data: 'keep' | 'purge') => {
    setPending(data);
    setError(undefined);
    try {
      await api.removeCredential(provider, credential.id, data);
      onRemoved(data);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'Could not remove the store. Try again.');
      setPending(undefined);
    }
  };

  return (
    <ConfirmDialog
      title={`Remove ${credential.storeName}?`}
      onCancel={onClose}
      busy={pending !== undefined}
      actions={
        <>
          <Button variant="secondary" busy={pending === 'keep'} disabled={pending === 'purge'} onClick={() => void remove('keep')}>
            Remove and keep synced data
          </Button>
          <Button variant="danger" busy={pending === 'purge'} disabled={pending === 'keep'} onClick={() => void remove('purge')}>
            Remove and purge synced data
          </Button>
        </>
      }
    >
      {error && <Alert>{error}</Alert>}
      <p>Patron stops syncing {credential.storeAddress} and forgets its token. Choose what happens to what was already synced from it:</p>
      <ul className="dialog-choices">
        <li>
          <strong>Keep</strong>: its customers, sales and points stay in Patron.
        </li>
        <li>
          <strong>Purge</strong>: they are deleted from Patron. This cannot be undone.
        </li>
      </ul>
    </ConfirmDialog>
  );
}

const ADD_FIELDS = ['token', 'storeAddress'] as const;
type AddField = (typeof ADD_FIELDS)[number];
const EMPTY_ADD: Record<AddField, string> = { token: '', storeAddress: '' };

function AddCredentialForm({
  provider,
  labels,
  first,
  onSubmitting,
  onAdded,
}: {
  provider: string;
  labels: Labels;
  first: boolean;
  onSubmitting: () => void;
  onAdded: (credential: Credential) => void;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const [values, setValues] = useState(EMPTY_ADD);
  const [errors, setErrors] = useState<FieldErrors<AddField>>({});
  const [formError, setFormError] = useState<string>();
  const [checking, setChecking] = useState(false);

  const update = (field: AddField) => (value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    if (errors[field]) setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(undefined);
    onSubmitting();
    const found = collectErrors<AddField>({
      token: values.token.trim() ? undefined : `Paste the personal token from Lightspeed into the ${labels.token} field.`,
      storeAddress: values.storeAddress.trim() ? undefined : `Enter the ${labels.storeAddress}: the store name in your Lightspeed address.`,
    });
    setErrors(found);
    if (hasErrors(found)) {
      focusFirstInvalid();
      return;
    }
    setChecking(true);
    try {
      const { credential } = await api.addCredential(provider, { token: values.token.trim(), storeAddress: values.storeAddress.trim() });
      setValues(EMPTY_ADD);
      onAdded(credential);
    } catch (caught) {
      const routed = routeApiError(caught, ADD_FIELDS);
      setErrors(routed.fieldErrors);
      setFormError(routed.formError);
      focusFirstInvalid();
    } finally {
      setChecking(false);
    }
  };

  return (
    <form ref={formRef} className="form add-credential" onSubmit={handleSubmit} noValidate aria-labelledby="add-credential-heading">
      <h3 className="subsection-title" id="add-credential-heading">
        {first ? 'Add your store' : 'Add another store'}
      </h3>
      {formError && <Alert>{formError}</Alert>}
      <div className="form-grid">
        <SecretField
          label={labels.token}
          name="token"
          value={values.token}
          onChange={update('token')}
          error={errors.token}
          hint="The personal token you copied from Lightspeed."
        />
        <TextField
          label={labels.storeAddress}
          name="storeAddress"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          placeholder="mystore"
          value={values.storeAddress}
          onChange={update('storeAddress')}
          error={errors.storeAddress}
          hint="The store name in your Lightspeed address: mystore in mystore.retail.lightspeed.app"
        />
      </div>
      <div className="form-actions">
        <Button type="submit" busy={checking}>
          {checking ? 'Checking with Lightspeed…' : 'Add Credential'}
        </Button>
      </div>
    </form>
  );
}
