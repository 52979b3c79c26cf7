import { Fragment } from "react";

export type SourceLink = { id: string; publisher: string; url: string };

/**
 * "Sources: The Insider, Green Left" under a statement of fact: plain links
 * to where it comes from, so a reader can check it before citing it.
 */
export function SourceLinks({ label, sources }: { label: string; sources: SourceLink[] }) {
  return (
    <p className="sources">
      {label}{" "}
      {sources.map((source, index) => (
        <Fragment key={source.id}>
          {index > 0 ? ", " : null}
          <a href={source.url} rel="noopener noreferrer">
            {source.publisher}
          </a>
        </Fragment>
      ))}
    </p>
  );
}
