import { getFormatter, getTranslations } from "next-intl/server";
import { DataTable } from "@/components/ui/DataTable";
import { USER_ROLES } from "@/lib/organizer-roles";
import { listOrganizers } from "@/server/users/manage-users";
import { getAdminLocale } from "../admin-locale";
import { requireOrganizerPage } from "../guard";
import { createOrganizerAction, updateOrganizerAction } from "./actions";

const KNOWN_ERRORS = new Set(["emailInvalid", "passwordTooShort", "passwordTooLong", "roleInvalid", "organizerExists", "organizerNotFound", "lastOwner", "forbidden"]);

export default async function OrganizersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const organizer = await requireOrganizerPage("manageOrganizers");
  const locale = await getAdminLocale();
  const t = await getTranslations({ locale, namespace: "Admin.organizers" });
  const tRoles = await getTranslations({ locale, namespace: "Admin.roles" });
  const format = await getFormatter({ locale });
  const { error, done } = await searchParams;
  const organizers = listOrganizers({ actor: organizer });
  const roleOptions = USER_ROLES.map((role) => (
    <option key={role} value={role}>
      {tRoles(role)}
    </option>
  ));
  return (
    <>
      <h1>{t("title")}</h1>
      {typeof error === "string" ? (
        <p className="form-alert" role="alert">
          {t(`errors.${KNOWN_ERRORS.has(error) ? error : "invalid"}`)}
        </p>
      ) : done === "created" || done === "updated" ? (
        <p className="note" role="status">
          {t(`done.${done}`)}
        </p>
      ) : null}
      <DataTable
        rows={organizers}
        rowKey={(row) => row.id}
        columns={[
          { header: t("email"), cell: (row) => row.email },
          { header: t("role"), cell: (row) => tRoles(row.role) },
          { header: t("state"), cell: (row) => (row.isDisabled ? t("disabled") : t("active")) },
          { header: t("lastLogin"), cell: (row) => (row.lastLoginAt ? format.dateTime(new Date(row.lastLoginAt), { dateStyle: "short", timeStyle: "short" }) : t("never")) },
          {
            header: t("actions"),
            cell: (row) => (
              <>
                <form action={updateOrganizerAction} className="inline-form">
                  <input type="hidden" name="email" value={row.email} />
                  <label htmlFor={`role-${row.id}`} className="visually-hidden">
                    {t("changeRoleFor", { email: row.email })}
                  </label>
                  <select id={`role-${row.id}`} name="role" defaultValue={row.role}>
                    {roleOptions}
                  </select>
                  <button type="submit" className="button">
                    {t("saveRole")}
                  </button>
                </form>
                <form action={updateOrganizerAction} className="inline-form">
                  <input type="hidden" name="email" value={row.email} />
                  <input type="hidden" name="disabled" value={row.isDisabled ? "false" : "true"} />
                  <button type="submit" className="button">
                    {row.isDisabled ? t("enable") : t("disable")}
                  </button>
                </form>
              </>
            ),
          },
        ]}
      />

      <section aria-labelledby="create-heading">
        <h2 id="create-heading">{t("createHeading")}</h2>
        <form action={createOrganizerAction} className="sign-form narrow-form">
          <div className="field">
            <label htmlFor="new-email">{t("email")}</label>
            <input id="new-email" name="email" type="email" autoComplete="off" required />
          </div>
          <div className="field">
            <label htmlFor="new-name">{t("name")}</label>
            <input id="new-name" name="name" type="text" autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="new-password">{t("password")}</label>
            <p id="new-password-hint" className="hint">
              {t("passwordHint")}
            </p>
            <input id="new-password" name="password" type="password" autoComplete="new-password" minLength={12} required aria-describedby="new-password-hint" />
          </div>
          <div className="field">
            <label htmlFor="new-role">{t("role")}</label>
            <select id="new-role" name="role" defaultValue="viewer">
              {roleOptions}
            </select>
          </div>
          <button type="submit" className="button button--primary">
            {t("create")}
          </button>
        </form>
      </section>
    </>
  );
}
