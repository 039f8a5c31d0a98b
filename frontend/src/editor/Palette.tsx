/** The palette: groups from GET /api/component-types/, dragged onto the canvas (or Enter to add). */
import { memo, useMemo, useState } from "react";
import type { PaletteGroup, PaletteItem } from "../api/types";
import { BroadcastIcon, InboxIcon, PlugIcon, SearchIcon, TopicIcon } from "../ui/Icons";

export const PALETTE_MIME = "application/x-flowcast-item";

const GROUP_ICONS: Record<string, () => React.JSX.Element> = {
  readers: InboxIcon,
  consumers: PlugIcon,
  producers: BroadcastIcon,
  events: TopicIcon,
};

interface Props {
  groups: PaletteGroup[];
  onAdd: (item: PaletteItem) => void;
}

function itemKey(item: PaletteItem): string {
  return item.item === "component" ? `component:${item.type}` : `event:${item.kind}`;
}

function PaletteView({ groups, onAdd }: Props) {
  const [query, setQuery] = useState("");
  const visible = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return groups;
    return groups
      .map((g) => ({
        ...g,
        items: g.label.toLowerCase().includes(q)
          ? g.items
          : g.items.filter((i) => i.label.toLowerCase().includes(q)),
      }))
      .filter((g) => g.items.length > 0);
  }, [groups, query]);

  return (
    <aside className="palette" aria-label="Palette">
      <label className="search search-small">
        <SearchIcon />
        <span className="visually-hidden">Search the palette</span>
        <input
          type="search"
          className="input"
          placeholder="Search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </label>
      <p id="palette-hint" className="palette-hint muted small">
        Drag onto the canvas, or focus and press Enter.
      </p>
      {visible.length === 0 && <p className="muted small">Nothing matches “{query}”.</p>}
      {visible.map((group) => {
        const Icon = GROUP_ICONS[group.key] ?? PlugIcon;
        return (
          <section key={group.key} className="palette-group" aria-labelledby={`palette-${group.key}`}>
            <h3 id={`palette-${group.key}`} className="palette-group-title">
              {group.label}
            </h3>
            <ul className="palette-items">
              {group.items.map((item) => (
                <li key={itemKey(item)}>
                  <div
                    className={`palette-item palette-${item.item}`}
                    role="button"
                    tabIndex={0}
                    draggable
                    data-palette-item={itemKey(item)}
                    aria-describedby="palette-hint"
                    title={`Drag ${item.label} onto the canvas`}
                    onDragStart={(e) => {
                      e.dataTransfer.setData(PALETTE_MIME, JSON.stringify(item));
                      e.dataTransfer.setData("text/plain", item.label);
                      e.dataTransfer.effectAllowed = "copy";
                    }}
                    onDoubleClick={() => onAdd(item)}
                    onKeyDown={(e) => {
                      if (e.key === "Enter" || e.key === " ") {
                        e.preventDefault();
                        onAdd(item);
                      }
                    }}
                  >
                    <span className="palette-icon" aria-hidden="true">
                      <Icon />
                    </span>
                    {item.label}
                  </div>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </aside>
  );
}

export const Palette = memo(PaletteView);
