import { SearchIcon } from './Icons.tsx';

type SearchInputProps = {
  id: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  /** Escape with text in the box clears it. */
  onClear: () => void;
  className?: string;
};

/** A search box with its magnifier icon; the caller renders the label (for `id`). */
export function SearchInput({ id, placeholder, value, onChange, onClear, className }: SearchInputProps) {
  return (
    <div className="search-box">
      <span className="search-icon" aria-hidden="true">
        <SearchIcon size={18} />
      </span>
      <input
        id={id}
        type="search"
        className={className ? `input search-input ${className}` : 'input search-input'}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && value) {
            event.preventDefault();
            onClear();
          }
        }}
      />
    </div>
  );
}
