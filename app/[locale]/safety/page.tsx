import { ContentPage, contentPageMetadata } from "../content-page";

const SAFETY = { name: "safety", namespace: "Safety" } as const;

export async function generateMetadata({ params }: { params: Promise<{ locale: string }> }) {
  return contentPageMetadata(SAFETY, params);
}

/**
 * Guidance for signers who may be at risk (in Russia above all): what is
 * public, what is kept, how to withdraw, and how to sign more safely. The
 * text lives in content/pages/safety.<locale>.md; the sign form links here.
 */
export default function SafetyPage({ params }: { params: Promise<{ locale: string }> }) {
  return <ContentPage spec={SAFETY} params={params} />;
}
