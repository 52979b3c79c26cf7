import { ContentPage, contentPageMetadata } from "../content-page";

const PRIVACY = { name: "privacy", namespace: "Privacy" } as const;

export async function generateMetadata({ params }: { params: Promise<{ locale: string }> }) {
  return contentPageMetadata(PRIVACY, params);
}

/** The privacy notice; its text lives in content/pages/privacy.<locale>.md. */
export default function PrivacyPage({ params }: { params: Promise<{ locale: string }> }) {
  return <ContentPage spec={PRIVACY} params={params} />;
}
