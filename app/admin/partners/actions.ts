"use server";

import { createPartnerCode } from "@/server/sharing/referrals";
import { formText, runAdminAction } from "../admin-action";

/** Creates a partner code. Needs `managePartnerCodes` (checked here and in the domain). */
export async function createPartnerCodeAction(formData: FormData): Promise<void> {
  await runAdminAction({
    capability: "managePartnerCodes",
    page: "/admin/partners",
    work: (actor) => createPartnerCode({ actor, code: formText(formData, "code", 100), label: formText(formData, "label", 200) }),
    done: "created",
  });
}
