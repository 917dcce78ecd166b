import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { routeApiError } from '../../../../lib/apiErrors.ts';
import { SettingRow } from '../../../../components/SettingRow.tsx';
import { api, ApiError, isAbort, type Connection, type CustomerGroup, type EmailConsent, type IntegrationSettings } from '../../../../api/client.ts';
import { Alert } from '../../../../components/Alert.tsx';
import { Button } from '../../../../components/Button.tsx';
import { formatDateTime } from '../../../../lib/format.ts';
import { hasErrors, type FieldErrors } from '../../../../lib/validation.ts';
import { useFocusFirstInvalid } from '../../../../lib/useFocusFirstInvalid.ts';
import { count } from './wording.ts';

/** The form as typed: numbers and dates stay text until they are checked. */
type Draft = {
  ageGateConfirmed: boolean;
  historyStartDate: string;
  excludedCustomerGroupIds: string[];
  emailConsent: EmailConsent;
  realtimeUpdates: boolean;
  syncIntervalMinutes: string;
};

type Field = keyof Draft;
const FIELDS: readonly Field[] = ['ageGateConfirmed', 'historyStartDate', 'excludedCustomerGroupIds', 'emailConsent', 'realtimeUpdates', 'syncIntervalMinutes'];

type GroupsState = { status: 'loading' } | { status: 'loaded'; groups: CustomerGroup[] } | { status: 'unavailable' } | { status: 'error'; message: string };

const EMAIL_CONSENT_OPTIONS: ReadonlyArray<{ value: EmailConsent; label: string; detail: string }> = [
  {
    value: 'respect_do_not_email',
    label: "Customers not marked 'do not email' are subscribed",
    detail: 'Use this when your store collects email consent at the till.',
  },
  {
    value: 'opt_out_only',
    label: "Only unsubscribe customers marked 'do not email'",
    detail: 'Nobody is subscribed because of Lightspeed; the flag only ever removes consent.',
  },
];

function draftOf(connection: Connection): Draft {
  const { settings } = connection;
  return {
    ageGateConfirmed: connection.ageGateConfirmed,
    historyStartDate: settings.historyStartDate ?? '',
    excludedCustomerGroupIds: settings.excludedCustomerGroupIds,
    emailConsent: settings.emailConsent,
    realtimeUpdates: settings.realtimeUpdates,
    syncIntervalMinutes: String(settings.syncIntervalMinutes),
  };
}

function sameDraft(a: Draft, b: Draft): boolean {
  return JSON.stringify({ ...a, excludedCustomerGroupIds: [...a.excludedCustomerGroupIds].sort() }) === JSON.stringify({ ...b, excludedCustomerGroupIds: [...b.excludedCustomerGroupIds].sort() });
}

/** The same rules as the server (src/integrations/integration-settings.ts), checked before sending. */
function check(draft: Draft): FieldErrors<Field> {
  const errors: FieldErrors<Field> = {};
  const minutes = draft.syncIntervalMinutes.trim();
  if (!/^\d+$/.test(minutes)) errors.syncIntervalMinutes = 'The sync interval must be a whole number of minutes, from 1 to 1440.';
  else if (Number(minutes) < 1) errors.syncIntervalMinutes = 'The sync interval must be at least 1 minute.';
  else if (Number(minutes) > 1440) errors.syncIntervalMinutes = 'The sync interval can be at most 1440 minutes (a day).';
  if (draft.historyStartDate && !/^\d{4}-\d{2}-\d{2}$/.test(draft.historyStartDate)) {
    errors.historyStartDate = 'Use a date like 2025-01-31 for the history start date.';
  }
  return errors;
}

function settingsOf(draft: Draft): IntegrationSettings {
  return {
    historyStartDate: draft.historyStartDate || null,
    excludedCustomerGroupIds: draft.excludedCustomerGroupIds,
    emailConsent: draft.emailConsent,
    realtimeUpdates: draft.realtimeUpdates,
    syncIntervalMinutes: Number(draft.syncIntervalMinutes.trim()),
  };
}

/** The server names a field as "ageGateConfirmed" or "settings.syncIntervalMinutes" (or deeper). */
function fieldOf(path: string | undefined): Field | undefined {
  if (!path) return undefined;
  const parts = path.split('.');
  const name = parts[0] === 'settings' ? parts[1] : parts[0];
  return FIELDS.find((field) => field === name);
}

function savedMessage(queued: number, connection: Connection): string {
  if (queued > 0) return `Saved. The first sync has been queued for ${count(queued, 'store')}.`;
  if (connection.credentials.length === 0) return 'Saved. Add a credential to start syncing.';
  if (connection.credentials.some((credential) => credential.status !== 'active')) {
    return 'Saved. No sync was queued: replace the token of each store whose token was not accepted.';
  }
  return 'Saved.';
}

type ConnectionSettingsFormProps = {
  provider: string;
  connection: Connection;
  realtimeAvailable: boolean;
  canEdit: boolean;
  onSaved: (connection: Connection) => void;
};

/**
 * The Loyalty age gate and the optional Integration Settings, saved together by Update Connection,
 * which also queues a sync of every active store.
 */
export function ConnectionSettingsForm({ provider, connection, realtimeAvailable, canEdit, onSaved }: ConnectionSettingsFormProps) {
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const [draft, setDraft] = useState<Draft>(() => draftOf(connection));
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const [formError, setFormError] = useState<string>();
  const [result, setResult] = useState<string>();
  const [saving, setSaving] = useState(false);
  const groups = useCustomerGroups(provider);

  const dirty = !sameDraft(draft, draftOf(connection));

  const set = <Key extends Field>(field: Key, value: Draft[Key]) => {
    setDraft((current) => ({ ...current, [field]: value }));
    setResult(undefined);
    if (errors[field]) setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(undefined);
    setResult(undefined);
    const found = check(draft);
    setErrors(found);
    if (hasErrors(found)) {
      focusFirstInvalid();
      return;
    }
    setSaving(true);
    try {
      const saved = await api.updateConnection(provider, { ageGateConfirmed: draft.ageGateConfirmed, settings: settingsOf(draft) });
      setDraft(draftOf(saved.connection));
      onSaved(saved.connection);
      setResult(savedMessage(saved.syncQueued.length, saved.connection));
    } catch (caught) {
      const routed = routeApiError(caught, fieldOf);
      if (routed.formError) setFormError(routed.formError);
      else setErrors(routed.fieldErrors);
      focusFirstInvalid();
    } finally {
      setSaving(false);
    }
  };

  return (
    <form ref={formRef} className="connection-form" onSubmit={handleSubmit} noValidate aria-label="Connection settings">
      <fieldset className="bare-fieldset" disabled={!canEdit}>
        <LoyaltySection
          checked={draft.ageGateConfirmed}
          confirmedAt={connection.ageGateConfirmed ? connection.ageGateConfirmedAt : null}
          error={errors.ageGateConfirmed}
          onChange={(value) => set('ageGateConfirmed', value)}
        />

        <section className="card" aria-labelledby="integration-settings-heading">
          <div className="card-header">
            <h2 className="card-title" id="integration-settings-heading">
              Integration Settings
            </h2>
            <span className="tag">Optional</span>
          </div>
          <p className="card-description">The defaults suit most stores. Change them only if one of these applies to you.</p>

          <div className="setting-list">
            <SettingRow
              id="history-start-date"
              label="History start date"
              explanation="Sales before this date are not imported. Leave it empty to import the whole history."
              error={errors.historyStartDate}
            >
              <input
                id="history-start-date"
                type="date"
                className="input input-date"
                value={draft.historyStartDate}
                onChange={(event) => set('historyStartDate', event.target.value)}
                aria-invalid={errors.historyStartDate ? true : undefined}
                aria-describedby={describedBy('history-start-date', false, Boolean(errors.historyStartDate))}
              />
            </SettingRow>

            <CustomerGroupsSetting
              groups={groups}
              selected={draft.excludedCustomerGroupIds}
              error={errors.excludedCustomerGroupIds}
              onChange={(ids) => set('excludedCustomerGroupIds', ids)}
            />

            <SettingRow
              id="email-consent"
              label="Email consent from Lightspeed"
              group
              explanation="How Lightspeed's 'do not email' flag becomes email consent in Patron."
              error={errors.emailConsent}
            >
              <div
                role="radiogroup"
                className="choice-list"
                aria-labelledby="email-consent-label"
                aria-describedby={describedBy('email-consent', false, Boolean(errors.emailConsent))}
              >
                {EMAIL_CONSENT_OPTIONS.map((option) => (
                  <div className="choice" key={option.value}>
                    <input
                      type="radio"
                      id={`email-consent-${option.value}`}
                      name="emailConsent"
                      value={option.value}
                      checked={draft.emailConsent === option.value}
                      onChange={() => set('emailConsent', option.value)}
                      aria-describedby={`email-consent-${option.value}-detail`}
                    />
                    <div>
                      <label htmlFor={`email-consent-${option.value}`} className="choice-label">
                        {option.label}
                      </label>
                      <p className="field-hint" id={`email-consent-${option.value}-detail`}>
                        {option.detail}
                      </p>
                    </div>
                  </div>
                ))}
              </div>
            </SettingRow>

            <SettingRow
              id="realtime-updates"
              label="Real-time updates"
              explanation="Lightspeed tells Patron about new customers and sales as they happen, instead of waiting for the next scheduled sync."
              note={realtimeAvailable ? undefined : 'Needs PUBLIC_URL so Lightspeed can reach Patron'}
              error={errors.realtimeUpdates}
            >
              <label className="switch">
                <input
                  id="realtime-updates"
                  type="checkbox"
                  checked={draft.realtimeUpdates}
                  disabled={!realtimeAvailable}
                  onChange={(event) => set('realtimeUpdates', event.target.checked)}
                  aria-describedby={describedBy('realtime-updates', !realtimeAvailable, Boolean(errors.realtimeUpdates))}
                />
                <span aria-hidden="true">{draft.realtimeUpdates ? 'On' : 'Off'}</span>
              </label>
            </SettingRow>

            <SettingRow
              id="sync-interval"
              label="Sync interval in minutes"
              explanation="How often Patron asks Lightspeed for changes: from 1 (every minute) to 1440 (once a day)."
              error={errors.syncIntervalMinutes}
            >
              <input
                id="sync-interval"
                type="number"
                inputMode="numeric"
                min={1}
                max={1440}
                step={1}
                className="input input-number"
                value={draft.syncIntervalMinutes}
                onChange={(event) => set('syncIntervalMinutes', event.target.value)}
                aria-invalid={errors.syncIntervalMinutes ? true : undefined}
                aria-describedby={describedBy('sync-interval', false, Boolean(errors.syncIntervalMinutes))}
              />
            </SettingRow>
          </div>
        </section>
      </fieldset>

      {canEdit && (
        <div className="card form-footer">
          {formError && <Alert>{formError}</Alert>}
          {result && (
            <Alert tone="success">
              <p data-testid="connection-saved">{result}</p>
            </Alert>
          )}
          <div className="form-footer-row">
            <p className="muted form-footer-state">
              {dirty
                ? 'You have changes that are not saved yet.'
                : connection.updatedAt
                  ? `Last updated ${formatDateTime(connection.updatedAt)}.`
                  : 'Nothing is synced until you click Update Connection.'}
            </p>
            <Button type="submit" busy={saving}>
              Update Connection
            </Button>
          </div>
        </div>
      )}
    </form>
  );
}

function describedBy(id: string, note: boolean, error: boolean): string {
  return [`${id}-hint`, note ? `${id}-note` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
}

function LoyaltySection({
  checked,
  confirmedAt,
  error,
  onChange,
}: {
  checked: boolean;
  confirmedAt: string | null;
  error: string | undefined;
  onChange: (checked: boolean) => void;
}) {
  const id = useId();
  return (
    <section className="card" aria-labelledby="loyalty-heading">
      <h2 className="card-title" id="loyalty-heading">
        Loyalty
      </h2>
      <p className="card-description">Loyalty is only offered to customers who are old enough to buy from you.</p>
      <div className={checked ? 'consent is-checked' : 'consent'}>
        <input
          id={id}
          type="checkbox"
          className="consent-input"
          checked={checked}
          onChange={(event) => onChange(event.target.checked)}
          aria-invalid={error ? true : undefined}
          aria-describedby={[`${id}-explain`, error ? `${id}-error` : ''].filter(Boolean).join(' ')}
        />
        <label htmlFor={id} className="consent-label">
          <span className="required-tag">Required</span>{' '}
          <span>All users from this source have passed an age gate compliant with my industry</span>
        </label>
      </div>
      <ul className="consent-explain" id={`${id}-explain`}>
        <li>
          <strong>Ticked:</strong> customers from Lightspeed are enrolled in loyalty, and their eligible past sales earn points.
        </li>
        <li>
          <strong>Unticked:</strong> no new enrolments and no new points; points already earned are kept.
        </li>
      </ul>
      {confirmedAt && <p className="muted consent-when">Confirmed {formatDateTime(confirmedAt)}.</p>}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </section>
  );
}

/** The store's customer groups: known only after the first sync, and a 404 means the server cannot list them yet. */
function useCustomerGroups(provider: string): GroupsState {
  const [state, setState] = useState<GroupsState>({ status: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    api.customerGroups(provider, controller.signal).then(
      (result) => setState(result.groups.length > 0 ? { status: 'loaded', groups: result.groups } : { status: 'unavailable' }),
      (error: unknown) => {
        if (isAbort(error)) return;
        if (error instanceof ApiError && error.status === 404) setState({ status: 'unavailable' });
        else setState({ status: 'error', message: error instanceof ApiError ? error.message : 'Could not load the customer groups.' });
      },
    );
    return () => controller.abort();
  }, [provider]);
  return state;
}

function CustomerGroupsSetting({
  groups,
  selected,
  error,
  onChange,
}: {
  groups: GroupsState;
  selected: string[];
  error: string | undefined;
  onChange: (ids: string[]) => void;
}) {
  const explanation = 'Customers in these groups (staff, wholesale accounts…) do not become personas.';
  if (groups.status !== 'loaded') {
    const note =
      groups.status === 'loading'
        ? 'Loading customer groups…'
        : groups.status === 'error'
          ? `${groups.message} Reload the page to try again.`
          : 'Available after the first sync';
    return (
      <SettingRow id="excluded-groups" label="Customer groups to exclude" explanation={explanation} note={note} error={error}>
        <select
          id="excluded-groups"
          className="input select"
          disabled
          value=""
          aria-describedby={describedBy('excluded-groups', true, Boolean(error))}
        >
          <option value="">{selected.length > 0 ? `${count(selected.length, 'group')} excluded` : 'No groups to choose from yet'}</option>
        </select>
      </SettingRow>
    );
  }
  const known = new Set(groups.groups.map((group) => group.id));
  // Groups excluded earlier but gone from Lightspeed stay listed, so saving never drops them silently.
  const options = [...groups.groups, ...selected.filter((id) => !known.has(id)).map((id) => ({ id, name: `Group ${id} (no longer in Lightspeed)` }))];
  const toggle = (id: string, on: boolean) => onChange(on ? [...selected, id] : selected.filter((item) => item !== id));
  return (
    <SettingRow id="excluded-groups" label="Customer groups to exclude" explanation={explanation} error={error} group>
      <div
        role="group"
        className="check-list"
        aria-labelledby="excluded-groups-label"
        aria-describedby={describedBy('excluded-groups', false, Boolean(error))}
      >
        {options.map((group) => (
          <label className="check-item" key={group.id}>
            <input type="checkbox" checked={selected.includes(group.id)} onChange={(event) => toggle(group.id, event.target.checked)} />
            <span>{group.name}</span>
          </label>
        ))}
      </div>
    </SettingRow>
  );
}
