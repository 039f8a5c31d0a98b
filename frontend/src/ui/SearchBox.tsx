import { SearchIcon } from "./Icons";

interface SearchBoxProps {
  label: string; // read by screen readers; the placeholder says it to everyone else
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  className?: string;
  small?: boolean;
}

/** The search field of the list pages and the record filter, with its icon and label. */
export function SearchBox({ label, placeholder, value, onChange, className, small }: SearchBoxProps) {
  return (
    <label className={className ? `search ${className}` : "search"}>
      <SearchIcon />
      <span className="visually-hidden">{label}</span>
      <input
        type="search"
        className={small ? "input input-small" : "input"}
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}
