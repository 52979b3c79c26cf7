import en from "@/messages/en.json";

// Outside any locale (e.g. /xx/…): the English not-found page.
export default function GlobalNotFound() {
  return (
    <html lang="en">
      <body>
        <main id="main">
          <h1>{en.Site.notFoundTitle}</h1>
          <p>{en.Site.notFoundBody}</p>
          <p>
            <a href="/">{en.Site.backToLetter}</a>
          </p>
        </main>
      </body>
    </html>
  );
}
