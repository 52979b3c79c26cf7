import { notFound } from "next/navigation";
import { connection } from "next/server";
import en from "@/messages/en.json";
import { getConfig } from "@/server/config";
import { listDevMailbox } from "@/server/mail/list-dev-mailbox";

export const dynamic = "force-dynamic";

const LINK = /(https?:\/\/[^\s]+)/g;

/** The development mailbox: what the outbox holds, with clickable links. Absent in production. */
export default async function DevMailboxPage() {
  await connection();
  if (getConfig().isProduction) notFound();
  const t = en.Mailbox;
  const emails = listDevMailbox();
  return (
    <main id="main" className="narrow">
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      {emails.length === 0 ? <p>{t.empty}</p> : null}
      {emails.map((email) => (
        <article key={email.id} className="mail">
          <dl>
            <dt>{t.to}</dt>
            <dd>{email.to}</dd>
            <dt>{t.subject}</dt>
            <dd>{email.subject}</dd>
            <dt>{t.status}</dt>
            <dd>{email.status}</dd>
          </dl>
          <pre>
            {email.text.split(LINK).map((part, index) =>
              index % 2 === 1 ? (
                <a key={index} href={part}>
                  {part}
                </a>
              ) : (
                part
              ),
            )}
          </pre>
        </article>
      ))}
    </main>
  );
}
