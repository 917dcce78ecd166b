import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { routeApiError } from '../../lib/apiErrors.ts';
import { SettingRow } from '../../components/SettingRow.tsx';
import { Link } from 'react-router-dom';
import { ApiError, isAbort } from '../../api/client.ts';
import { earningAttributes, loyaltyApi, type EarningAttribute, type LoyaltyProgram, type LoyaltySummary } from '../../api/loyalty.ts';
import { useSession } from '../../app/auth.tsx';
import { Alert } from '../../components/Alert.tsx';
import { Button } from '../../components/Button.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { hasErrors, type FieldErrors } from '../../lib/validation.ts';
import { useFocusFirstInvalid } from '../../lib/useFocusFirstInvalid.ts';
import { formatCount, formatPoints } from '../personas/personaFormat.ts';

/** The form as typed: numbers, dates and lists stay text until they are checked. */
type Draft = {
  pointsPerUnit: string;
  basis: LoyaltyProgram['basis'];
  startDate: string;
  earningAttributes: EarningAttribute[];
  minimumAge: string;
  blockedEmails: string;
  blockedPhones: string;
  blockPosStaff: boolean;
};

type Field = keyof Draft;
const FIELDS: readonly Field[] = ['pointsPerUnit', 'basis', 'startDate', 'earningAttributes', 'minimumAge', 'blockedEmails', 'blockedPhones', 'blockPosStaff'];

const ATTRIBUTE_WORDS: Record<EarningAttribute, { label: string; detail: string }> = {
  layby: { label: 'Layby', detail: 'paid off over time, earns once fully paid and closed' },
  onaccount: { label: 'On account', detail: 'charged to the customer’s account' },
  pickup: { label: 'Pickup', detail: 'collected in store later' },
  delivery: { label: 'Delivery', detail: 'sent to the customer' },
  service: { label: 'Service', detail: 'repairs, alterations and other service orders' },
};

type Loaded = { program: LoyaltyProgram; summary: LoyaltySummary | undefined };
type PageState = { status: 'loading' } | { status: 'loaded'; data: Loaded } | { status: 'error'; message: string };

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

function draftOf(program: LoyaltyProgram): Draft {
  return {
    pointsPerUnit: String(program.pointsPerUnit),
    basis: program.basis,
    startDate: program.startDate ?? '',
    earningAttributes: earningAttributes.filter((attribute) => program.earningAttributes.includes(attribute)),
    minimumAge: program.minimumAge === null ? '' : String(program.minimumAge),
    blockedEmails: program.blockedEmails.join('\n'),
    blockedPhones: program.blockedPhones.join('\n'),
    blockPosStaff: program.blockPosStaff,
  };
}

function programOf(draft: Draft): LoyaltyProgram {
  return {
    pointsPerUnit: Number(draft.pointsPerUnit.trim()),
    basis: draft.basis,
    startDate: draft.startDate || null,
    earningAttributes: draft.earningAttributes,
    minimumAge: draft.minimumAge.trim() === '' ? null : Number(draft.minimumAge.trim()),
    blockedEmails: lines(draft.blockedEmails),
    blockedPhones: lines(draft.blockedPhones),
    blockPosStaff: draft.blockPosStaff,
  };
}

/** The server's rules (src/loyalty/loyalty-program.ts), checked before sending. */
function check(draft: Draft): FieldErrors<Field> {
  const errors: FieldErrors<Field> = {};
  const rate = draft.pointsPerUnit.trim();
  if (!/^\d+(\.\d+)?$/.test(rate)) errors.pointsPerUnit = 'Enter the points per 1.00 spent as a number, like 1 or 0.5.';
  else if (Number(rate) > 1000) errors.pointsPerUnit = 'Points per 1.00 spent can be at most 1000.';
  if (draft.startDate && !/^\d{4}-\d{2}-\d{2}$/.test(draft.startDate)) errors.startDate = 'Use a date like 2026-01-31 for the program start.';
  const age = draft.minimumAge.trim();
  if (age && !/^\d+$/.test(age)) errors.minimumAge = 'The minimum age must be whole years, like 18 or 21.';
  else if (age && Number(age) > 120) errors.minimumAge = 'The minimum age can be at most 120.';
  const emails = lines(draft.blockedEmails);
  const badEmail = emails.findIndex((email) => !EMAIL_SHAPE.test(email));
  if (badEmail >= 0) errors.blockedEmails = `Line ${badEmail + 1} is not an email address: ${emails[badEmail]}`;
  else if (emails.length > 1000) errors.blockedEmails = 'At most 1000 blocked emails.';
  const phones = lines(draft.blockedPhones);
  const badPhone = phones.findIndex((phone) => !/\d/.test(phone) || phone.length > 40);
  if (badPhone >= 0) errors.blockedPhones = `Line ${badPhone + 1} is not a phone number: ${phones[badPhone]}`;
  else if (phones.length > 1000) errors.blockedPhones = 'At most 1000 blocked phone numbers.';
  return errors;
}

/** The server names a field as "blockedEmails" or "blockedEmails.3". */
function fieldOf(path: string | undefined): Field | undefined {
  const name = path?.split('.')[0];
  return FIELDS.find((field) => field === name);
}

/**
 * Settings > Loyalty: the program's totals and its rules — how many points a sale earns, from when,
 * which sale kinds earn, and who may not join (under age, employees).
 */
export function LoyaltySettingsPage() {
  const { user } = useSession();
  const canEdit = user.role === 'admin';
  const [state, setState] = useState<PageState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([
      loyaltyApi.program(controller.signal),
      // The totals are a nice-to-have: the settings still open without them.
      loyaltyApi.summary(controller.signal).then(
        (result) => result.summary,
        (error: unknown) => {
          if (isAbort(error)) throw error;
          return undefined;
        },
      ),
    ]).then(
      ([program, summary]) => setState({ status: 'loaded', data: { program: program.program, summary } }),
      (error: unknown) => {
        if (isAbort(error)) return;
        setState({ status: 'error', message: error instanceof ApiError ? error.message : 'Could not load the loyalty program.' });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  return (
    <div className="page page-narrow">
      <PageHeader title="Loyalty" description="How customers earn points, and who can join the program." />
      {state.status === 'loading' && <Loading label="Loading the loyalty program…" />}
      {state.status === 'error' && (
        <Alert title="Could not load the loyalty program">
          <p>{state.message}</p>
          <Button variant="secondary" className="alert-action" onClick={() => setAttempt((current) => current + 1)}>
            Try again
          </Button>
        </Alert>
      )}
      {state.status === 'loaded' && (
        <>
          {state.data.summary && <SummaryCard summary={state.data.summary} />}
          {!canEdit && <Alert tone="info">Only an admin can change the loyalty program. You can see how it is set up.</Alert>}
          <ProgramForm
            program={state.data.program}
            canEdit={canEdit}
            onSaved={(program) => setState((current) => (current.status === 'loaded' ? { status: 'loaded', data: { ...current.data, program } } : current))}
          />
        </>
      )}
    </div>
  );
}

function SummaryCard({ summary }: { summary: LoyaltySummary }) {
  const figures: Array<{ label: string; value: string; hint: string }> = [
    { label: 'Points issued', value: formatPoints(summary.issued), hint: 'Earned on sales and added by hand' },
    { label: 'Points reversed', value: formatPoints(summary.reversed), hint: 'Taken back for voids, returns and by hand' },
    { label: 'Points outstanding', value: formatPoints(summary.outstanding), hint: 'Held by customers now' },
    { label: 'Members', value: formatCount(summary.members), hint: 'Personas whose age gate is confirmed' },
    { label: 'Age gate not confirmed', value: formatCount(summary.ageGateNotConfirmed), hint: 'Personas who cannot earn yet' },
  ];
  return (
    <section className="card" aria-labelledby="loyalty-totals-heading">
      <h2 className="card-title" id="loyalty-totals-heading">
        Program totals
      </h2>
      <dl className="loyalty-totals">
        {figures.map((figure) => (
          <div key={figure.label} className="loyalty-total">
            <dt>{figure.label}</dt>
            <dd>{figure.value}</dd>
            <p className="field-hint">{figure.hint}</p>
          </div>
        ))}
      </dl>
    </section>
  );
}

function ProgramForm({ program, canEdit, onSaved }: { program: LoyaltyProgram; canEdit: boolean; onSaved: (program: LoyaltyProgram) => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const [draft, setDraft] = useState<Draft>(() => draftOf(program));
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const [formError, setFormError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [saving, setSaving] = useState(false);

  const dirty = JSON.stringify(programOf(draft)) !== JSON.stringify(programOf(draftOf(program)));

  const set = <Key extends Field>(field: Key, value: Draft[Key]) => {
    setDraft((current) => ({ ...current, [field]: value }));
    setSaved(false);
    if (errors[field]) setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const toggleAttribute = (attribute: EarningAttribute, on: boolean) =>
    set(
      'earningAttributes',
      earningAttributes.filter((item) => (item === attribute ? on : draft.earningAttributes.includes(item))),
    );

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(undefined);
    setSaved(false);
    const found = check(draft);
    setErrors(found);
    if (hasErrors(found)) {
      focusFirstInvalid();
      return;
    }
    setSaving(true);
    try {
      const result = await loyaltyApi.saveProgram(programOf(draft));
      setDraft(draftOf(result.program));
      onSaved(result.program);
      setSaved(true);
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
    <form ref={formRef} className="connection-form" onSubmit={handleSubmit} noValidate aria-label="Loyalty program">
      <fieldset className="bare-fieldset" disabled={!canEdit}>
        <section className="card" aria-labelledby="earning-heading">
          <h2 className="card-title" id="earning-heading">
            Earning points
          </h2>
          <p className="card-description">Closed sales earn points for enrolled customers. Returns and voids take them back.</p>
          <div className="setting-list">
            <SettingRow id="points-per-unit" label="Points per 1.00 spent" explanation="For example 1 gives 25 points for a sale of 25.00; 0.5 gives 12.5." error={errors.pointsPerUnit}>
              <input
                id="points-per-unit"
                type="text"
                inputMode="decimal"
                className="input input-number"
                value={draft.pointsPerUnit}
                onChange={(event) => set('pointsPerUnit', event.target.value)}
                {...invalid('points-per-unit', errors.pointsPerUnit)}
              />
            </SettingRow>
            <SettingRow id="basis" label="Earn on the sale total" explanation="Whether tax counts toward the points a sale earns." error={errors.basis} group>
              <div role="radiogroup" className="choice-list" aria-labelledby="basis-label" aria-describedby={describedBy('basis', errors.basis)}>
                <Radio name="basis" value="tax_inclusive" checked={draft.basis === 'tax_inclusive'} onChange={() => set('basis', 'tax_inclusive')}>
                  With tax
                </Radio>
                <Radio name="basis" value="tax_exclusive" checked={draft.basis === 'tax_exclusive'} onChange={() => set('basis', 'tax_exclusive')}>
                  Without tax
                </Radio>
              </div>
            </SettingRow>
            <SettingRow id="start-date" label="Program start date" explanation="Sales before this date earn nothing. Leave it empty to count every sale." error={errors.startDate}>
              <input
                id="start-date"
                type="date"
                className="input input-date"
                value={draft.startDate}
                onChange={(event) => set('startDate', event.target.value)}
                {...invalid('start-date', errors.startDate)}
              />
            </SettingRow>
            <SettingRow
              id="earning-attributes"
              label="Other sale kinds that earn"
              explanation="Plain closed sales always earn. Ticked kinds earn too, once the sale is closed."
              error={errors.earningAttributes}
              group
            >
              <div role="group" className="check-list loyalty-check-list" aria-labelledby="earning-attributes-label" aria-describedby={describedBy('earning-attributes', errors.earningAttributes)}>
                {earningAttributes.map((attribute) => (
                  <label className="check-item" key={attribute}>
                    <input type="checkbox" checked={draft.earningAttributes.includes(attribute)} onChange={(event) => toggleAttribute(attribute, event.target.checked)} />
                    <span>
                      <strong className="loyalty-kind">{ATTRIBUTE_WORDS[attribute].label}</strong>{' '}
                      <span className="muted">— {ATTRIBUTE_WORDS[attribute].detail}</span>
                    </span>
                  </label>
                ))}
              </div>
            </SettingRow>
          </div>
        </section>

        <section className="card" aria-labelledby="eligibility-heading">
          <h2 className="card-title" id="eligibility-heading">
            Who can join
          </h2>
          <p className="card-description">
            Customers join when the age gate is confirmed for their source — per connection, on the{' '}
            <Link to="/settings/integrations">Integrations</Link> page. These rules keep others out.
          </p>
          <div className="setting-list">
            <SettingRow id="minimum-age" label="Minimum age" explanation="Optional. Customers with a birth date showing they are younger do not earn, e.g. 21." error={errors.minimumAge}>
              <input
                id="minimum-age"
                type="text"
                inputMode="numeric"
                className="input input-number"
                placeholder="None"
                value={draft.minimumAge}
                onChange={(event) => set('minimumAge', event.target.value)}
                {...invalid('minimum-age', errors.minimumAge)}
              />
            </SettingRow>
            <SettingRow id="blocked-emails" label="Employee emails" explanation="One email address per line. These customers never earn points." error={errors.blockedEmails}>
              <textarea
                id="blocked-emails"
                className="input loyalty-textarea"
                rows={4}
                spellCheck={false}
                placeholder={'staff@yourstore.com'}
                value={draft.blockedEmails}
                onChange={(event) => set('blockedEmails', event.target.value)}
                {...invalid('blocked-emails', errors.blockedEmails)}
              />
            </SettingRow>
            <SettingRow id="blocked-phones" label="Employee phone numbers" explanation="One phone number per line, in any format. These customers never earn points." error={errors.blockedPhones}>
              <textarea
                id="blocked-phones"
                className="input loyalty-textarea"
                rows={4}
                spellCheck={false}
                value={draft.blockedPhones}
                onChange={(event) => set('blockedPhones', event.target.value)}
                {...invalid('blocked-phones', errors.blockedPhones)}
              />
            </SettingRow>
            <SettingRow
              id="block-pos-staff"
              label="Block Lightspeed staff accounts' emails"
              explanation="Customers whose email matches a Lightspeed user (your staff) do not earn points."
              error={errors.blockPosStaff}
            >
              <label className="switch">
                <input
                  id="block-pos-staff"
                  type="checkbox"
                  checked={draft.blockPosStaff}
                  onChange={(event) => set('blockPosStaff', event.target.checked)}
                  aria-describedby={describedBy('block-pos-staff', errors.blockPosStaff)}
                />
                <span aria-hidden="true">{draft.blockPosStaff ? 'On' : 'Off'}</span>
              </label>
            </SettingRow>
          </div>
        </section>
      </fieldset>

      {canEdit && (
        <div className="card form-footer">
          {formError && <Alert>{formError}</Alert>}
          {saved && (
            <Alert tone="success">
              <p data-testid="loyalty-saved">Saved. The changes apply to sales from now on; points already earned stay as they are.</p>
            </Alert>
          )}
          <div className="form-footer-row">
            <p className="muted form-footer-state">
              {dirty ? 'You have changes that are not saved yet.' : 'Changes apply to sales from now on.'}
            </p>
            <Button type="submit" busy={saving}>
              Save settings
            </Button>
          </div>
        </div>
      )}
    </form>
  );
}

function describedBy(id: string, error: string | undefined): string {
  return [`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ');
}

function invalid(id: string, error: string | undefined) {
  return { 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy(id, error) };
}

function Radio({ name, value, checked, onChange, children }: { name: string; value: string; checked: boolean; onChange: () => void; children: ReactNode }) {
  const id = `${name}-${value}`;
  return (
    <div className="choice">
      <input type="radio" id={id} name={name} value={value} checked={checked} onChange={onChange} />
      <label htmlFor={id} className="choice-label">
        {children}
      </label>
    </div>
  );
}
