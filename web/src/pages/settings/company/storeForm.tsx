import { SelectField } from '../../../components/SelectField.tsx';
import { TextField } from '../../../components/TextField.tsx';
import { ADDRESS_PARTS, type AddressPart, type RetailStore, type StoreInput } from '../../../api/stores.ts';
import type { FieldErrors } from '../../../lib/validation.ts';

/** The fields of a store as the form holds them (all text), keyed by the server's field names. */
export type StoreDraft = { name: string; timeZone: string; active: boolean } & Record<AddressPart, string>;
export type StoreField = 'name' | 'timeZone' | `address.${AddressPart}`;
export const STORE_FIELDS: readonly StoreField[] = ['name', ...ADDRESS_PARTS.map((part) => `address.${part}` as const), 'timeZone'];

const ADDRESS_LABELS: Record<AddressPart, { label: string; autoComplete: string }> = {
  line1: { label: 'Address line 1', autoComplete: 'address-line1' },
  line2: { label: 'Address line 2', autoComplete: 'address-line2' },
  city: { label: 'City', autoComplete: 'address-level2' },
  state: { label: 'State or region', autoComplete: 'address-level1' },
  postcode: { label: 'Postcode', autoComplete: 'postal-code' },
  country: { label: 'Country', autoComplete: 'country-name' },
};

/** The zone this browser is in, which is where a new store most likely is. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

let zones: string[] | undefined;

/** Every IANA zone the browser knows, always including `current` (a store may use an alias). */
function timeZoneOptions(current: string): Array<{ value: string; label: string }> {
  if (!zones) {
    try {
      zones = Intl.supportedValuesOf('timeZone');
    } catch {
      zones = [];
    }
    if (!zones.includes('UTC')) zones = ['UTC', ...zones];
  }
  const list = current && !zones.includes(current) ? [current, ...zones] : zones;
  return list.map((zone) => ({ value: zone, label: zone.replaceAll('_', ' ') }));
}

export function emptyDraft(): StoreDraft {
  return { name: '', timeZone: browserTimeZone(), active: true, line1: '', line2: '', city: '', state: '', postcode: '', country: '' };
}

export function draftOf(store: RetailStore): StoreDraft {
  const draft: StoreDraft = { ...emptyDraft(), name: store.name, timeZone: store.timeZone, active: store.active };
  for (const part of ADDRESS_PARTS) draft[part] = store.address[part] ?? '';
  return draft;
}

export function inputOf(draft: StoreDraft): StoreInput {
  const address = {} as StoreInput['address'];
  for (const part of ADDRESS_PARTS) address[part] = draft[part].trim() || null;
  return { name: draft.name.trim(), address, timeZone: draft.timeZone, active: draft.active };
}

/** The server's rules, checked before the round trip (src/stores/retail-stores.ts stays the authority). */
export function checkDraft(draft: StoreDraft): FieldErrors<StoreField> {
  const errors: FieldErrors<StoreField> = {};
  const name = draft.name.trim();
  if (!name) errors.name = 'Enter the store’s name.';
  else if (name.length > 120) errors.name = 'Store names can be at most 120 characters.';
  for (const part of ADDRESS_PARTS) {
    if (draft[part].trim().length > 200) errors[`address.${part}`] = 'Address lines can be at most 200 characters.';
  }
  if (!draft.timeZone) errors.timeZone = 'Choose the store’s time zone.';
  return errors;
}

type StoreFieldsProps = {
  draft: StoreDraft;
  errors: FieldErrors<StoreField>;
  onChange: (update: Partial<StoreDraft>, field: StoreField) => void;
  disabled?: boolean;
};

/** Name, address and time zone, laid out in the two-column form grid. */
export function StoreFields({ draft, errors, onChange, disabled = false }: StoreFieldsProps) {
  return (
    <>
      <TextField
        label="Store name"
        name="name"
        autoComplete="off"
        className="form-grid-full"
        value={draft.name}
        onChange={(name) => onChange({ name }, 'name')}
        error={errors.name}
        disabled={disabled}
        hint="As your customers know it, e.g. Portland Store."
      />
      {ADDRESS_PARTS.map((part) => (
        <TextField
          key={part}
          label={ADDRESS_LABELS[part].label}
          name={`address.${part}`}
          autoComplete={ADDRESS_LABELS[part].autoComplete}
          value={draft[part]}
          onChange={(value) => onChange({ [part]: value }, `address.${part}`)}
          error={errors[`address.${part}`]}
          disabled={disabled}
        />
      ))}
      <SelectField
        label="Time zone"
        name="timeZone"
        value={draft.timeZone}
        options={timeZoneOptions(draft.timeZone)}
        onChange={(timeZone) => onChange({ timeZone }, 'timeZone')}
        error={errors.timeZone}
        hint="Sales are grouped by day in this zone."
      />
    </>
  );
}
