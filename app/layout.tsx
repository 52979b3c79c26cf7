import type { ReactNode } from "react";

// The <html> element lives in app/[locale]/layout.tsx (it needs the locale)
// and app/dev/layout.tsx; this root only passes through.
export default function RootLayout({ children }: { children: ReactNode }) {
  return children;
}
