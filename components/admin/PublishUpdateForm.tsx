/**
 * The section that publishes an update, on its edit page and its preview.
 * It posts the revision the organizer is looking at: if someone saved in
 * between, publishing is refused (decision 0021).
 */
export function PublishUpdateForm({
  action,
  id,
  revision,
  labels,
}: {
  action: (formData: FormData) => void | Promise<void>;
  id: number;
  revision: number;
  labels: { heading: string; intro: string; publish: string };
}) {
  return (
    <section className="admin-section" aria-labelledby="publish-heading">
      <h2 id="publish-heading">{labels.heading}</h2>
      <p>{labels.intro}</p>
      <form action={action}>
        <input type="hidden" name="id" value={id} />
        <input type="hidden" name="revision" value={revision} />
        <button type="submit" className="button button--primary">
          {labels.publish}
        </button>
      </form>
    </section>
  );
}
