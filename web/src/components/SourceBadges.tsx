/** Where a persona was sourced from, one small badge per source label (e.g. "lightspeed"). */
export function SourceBadges({ sources }: { sources: readonly string[] }) {
  if (sources.length === 0) return <span className="muted">—</span>;
  return (
    <span className="source-badges">
      {sources.map((source) => (
        <span key={source} className="badge source-badge">
          {source}
        </span>
      ))}
    </span>
  );
}
