"use client";

import { useState, useSyncExternalStore } from "react";

const noSubscription = () => () => undefined;

/**
 * Copy-to-clipboard, and the browser's own share sheet where it exists.
 * Without JavaScript the link field and the plain share links still work.
 */
export function ShareActions({ url, text, labels }: { url: string; text: string; labels: { copy: string; copied: string; share: string } }) {
  // false on the server and in browsers without the Web Share API.
  const canShare = useSyncExternalStore(noSubscription, () => typeof navigator.share === "function", () => false);
  const [copied, setCopied] = useState(false);
  return (
    <p className="share-actions">
      <button
        type="button"
        className="button"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(url);
            setCopied(true);
          } catch {
            setCopied(false);
          }
        }}
      >
        {copied ? labels.copied : labels.copy}
      </button>
      {canShare ? (
        <button type="button" className="button" onClick={() => void navigator.share({ url, text }).catch(() => undefined)}>
          {labels.share}
        </button>
      ) : null}
      <span className="visually-hidden" role="status">
        {copied ? labels.copied : ""}
      </span>
    </p>
  );
}
