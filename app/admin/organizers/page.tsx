import { getFormatter, getTranslations } from "next-intl/server";
import { FormSection } from "@/components/admin/FormSection";
import { DataTable } from "@/components/ui/DataTable";
import { TextField } from "@/components/ui/TextField";
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

      <FormSection id="create-heading" heading={t("createHeading")} action={createOrganizerAction} submitLabel={t("create")} primary>
        <TextField id="new-email" label={t("email")} name="email" type="email" autoComplete="off" required />
        <TextField id="new-name" label={t("name")} name="name" type="text" autoComplete="off" />
        <TextField id="new-password" label={t("password")} hint={t("passwordHint")} name="password" type="password" autoComplete="new-password" minLength={12} required />
        <div className="field">
          <label htmlFor="new-role">{t("role")}</label>
          <select id="new-role" name="role" defaultValue="viewer">
            {roleOptions}
          </select>
        </div>
      </FormSection>
    </>
  );
}
