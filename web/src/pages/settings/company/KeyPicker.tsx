import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { MappingKey, MappingRow } from '../../../api/stores.ts';

type KeyPickerProps = {
  row: MappingRow;
  storeId: string;
  selected: string[];
  onChange: (selected: string[]) => void;
  disabled?: boolean;
};

/** "Portland · 0a1b2c3d": the outlet's name and the start of its Lightspeed id. */
export function keyLabel(key: MappingKey): string {
  return `${key.name} · ${key.externalId.slice(0, 8)}`;
}

function keyNote(key: MappingKey, storeId: string): string | undefined {
  if (key.deleted) return 'deleted in Lightspeed';
  if (key.mappedTo && key.mappedTo.id !== storeId) return `mapped to ${key.mappedTo.name} — choosing it moves it here`;
  return undefined;
}

/**
 * The field to the right of the Lightspeed X mark: empty until an outlet (a "key") is mapped.
 * Clicking it opens a list of the account's outlets; a click (or Enter) toggles one and closes the
 * list, Space toggles and keeps it open, arrows/Home/End move, Escape closes.
 */
export function KeyPicker({ row, storeId, selected, onChange, disabled = false }: KeyPickerProps) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const baseId = useId();
  const labelId = `${baseId}-label`;
  const valueId = `${baseId}-value`;
  const listId = `${baseId}-list`;
  const optionId = (index: number) => `${baseId}-option-${index}`;
  const chosen = row.keys.filter((key) => selected.includes(key.id));

  useEffect(() => {
    if (!open) return;
    listRef.current?.focus();
  }, [open]);

  useEffect(() => {
    if (open) document.getElementById(`${baseId}-option-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [open, active, baseId]);

  const openList = (at?: number) => {
    if (disabled || row.keys.length === 0) return;
    const first = row.keys.findIndex((key) => selected.includes(key.id));
    setActive(at ?? (first >= 0 ? first : 0));
    setOpen(true);
  };

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  const toggle = (index: number) => {
    const key = row.keys[index];
    if (!key) return;
    onChange(selected.includes(key.id) ? selected.filter((id) => id !== key.id) : [...selected, key.id]);
  };

  const onButtonKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      openList(event.key === 'ArrowUp' ? row.keys.length - 1 : undefined);
    }
  };

  const onListKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const last = row.keys.length - 1;
    switch (event.key) {
      case 'ArrowDown':
        setActive((current) => Math.min(last, current + 1));
        break;
      case 'ArrowUp':
        setActive((current) => Math.max(0, current - 1));
        break;
      case 'Home':
        setActive(0);
        break;
      case 'End':
        setActive(last);
        break;
      case ' ':
        toggle(active);
        break;
      case 'Enter':
        toggle(active);
        close(true);
        break;
      case 'Escape':
        close(true);
        break;
      case 'Tab':
        setOpen(false);
        return;
      default:
        return;
    }
    event.preventDefault();
  };

  return (
    <div
      className="key-picker"
      onBlur={(event) => {
        if (open && !event.currentTarget.contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <span id={labelId} className="visually-hidden">
        Lightspeed outlets for {row.storeName}
      </span>
      <button
        ref={buttonRef}
        type="button"
        className={open ? 'key-field is-open' : 'key-field'}
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        aria-labelledby={`${labelId} ${valueId}`}
        disabled={disabled || row.keys.length === 0}
        data-testid="key-field"
        onClick={() => (open ? close(false) : openList())}
        onKeyDown={onButtonKeyDown}
      >
        <span id={valueId} className="key-field-value">
          {chosen.length === 0 ? (
            <span className="visually-hidden">none mapped</span>
          ) : (
            chosen.map((key, index) => {
              const moving = key.mappedTo !== null && key.mappedTo.id !== storeId;
              return (
                <span key={key.id} className={moving ? 'key-chip key-chip-moving' : 'key-chip'}>
                  {keyLabel(key)}
                  {moving && <span className="key-chip-note"> (moves here from {key.mappedTo?.name})</span>}
                  {index < chosen.length - 1 && <span className="visually-hidden">, </span>}
                </span>
              );
            })
          )}
        </span>
        <svg className="key-field-chevron" width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="m6 9 6 6 6-6" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
      {open && (
        <ul
          ref={listRef}
          id={listId}
          className="key-list"
          role="listbox"
          aria-multiselectable="true"
          aria-labelledby={labelId}
          aria-activedescendant={optionId(active)}
          tabIndex={-1}
          onKeyDown={onListKeyDown}
        >
          {row.keys.map((key, index) => {
            const isSelected = selected.includes(key.id);
            const note = keyNote(key, storeId);
            return (
              <li
                key={key.id}
                id={optionId(index)}
                role="option"
                aria-selected={isSelected}
                className={['key-option', index === active ? 'is-active' : '', key.deleted ? 'is-deleted' : ''].filter(Boolean).join(' ')}
                // Keep focus on the list, so the click does not count as leaving the picker.
                onMouseDown={(event) => event.preventDefault()}
                onMouseMove={() => setActive(index)}
                onClick={() => {
                  setActive(index);
                  toggle(index);
                  close(true);
                }}
              >
                <span className="key-option-check" aria-hidden="true">
                  {isSelected ? '✓' : ''}
                </span>
                <span className="key-option-text">
                  <span className="key-option-name">{keyLabel(key)}</span>
                  {note && <span className="key-option-note">{note}</span>}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
