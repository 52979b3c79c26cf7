"use server";

import { redirect } from "next/navigation";
import {
  formFields,
  MailingActionFormSchema,
  MailingApprovalSettingSchema,
  MailingConfirmFormSchema,
  MailingTestFormSchema,
  MailingUpdateFormSchema,
} from "@/lib/schemas/mailing";
import { requireOrganizer } from "@/server/auth/require-organizer";
import { isAppError } from "@/server/errors";
import { setRequireMailingApproval } from "@/server/mailings/mailing-approval";
import { approveMailing, cancelMailing, confirmMailing, pauseMailing, resumeMailing } from "@/server/mailings/mailing-lifecycle";
import { prepareMailing } from "@/server/mailings/prepare-mailing";
import { sendTestMailing } from "@/server/mailings/send-test-mailing";

const FIELDS = ["updateId", "mailingId", "locale", "confirm", "required"] as const;

/**
 * Every form of the mailing page: parse, check the organizer (admin or
 * owner; the domain checks again), do one thing, and come back to the page
 * with what happened (`done=…`) or why not (`error=…`).
 */
async function run<T extends { updateId: number }>(
  formData: FormData,
  schema: { safeParse(input: unknown): { success: true; data: T } | { success: false } },
  work: (input: T) => Promise<string> | string,
): Promise<never> {
  const parsed = schema.safeParse(formFields(formData, FIELDS));
  const updateId = Number(formData.get("updateId"));
  const back = Number.isSafeInteger(updateId) && updateId > 0 ? `/admin/updates/${updateId}/send` : "/admin";
  let outcome: string;
  if (!parsed.success) {
    outcome = formData.get("confirm") === null && formData.has("mailingId") ? "error=confirmRequired" : "error=invalid";
  } else {
    try {
      outcome = `done=${await work(parsed.data)}`;
    } catch (error) {
      if (!isAppError(error)) throw error;
      if (error.code === "UNAUTHENTICATED") redirect("/admin/login");
      outcome = `error=${encodeURIComponent(error.messageKey)}`;
    }
  }
  redirect(`${back}?${outcome}`);
}

/** Sends the update's email in one language to the organizer's own address. */
export async function sendTestMailingAction(formData: FormData): Promise<void> {
  await run(formData, MailingTestFormSchema, async ({ updateId, locale }) => {
    sendTestMailing({ actor: await requireOrganizer("admin"), updateId, locale });
    return "test";
  });
}

/** Fixes the recipients (the exact number is shown for the confirm step); sends nothing. */
export async function prepareMailingAction(formData: FormData): Promise<void> {
  await run(formData, MailingUpdateFormSchema, async ({ updateId }) => {
    prepareMailing({ actor: await requireOrganizer("admin"), updateId });
    return "prepared";
  });
}

/** The confirm step: sends, or waits for a second organizer when owners require one. */
export async function confirmMailingAction(formData: FormData): Promise<void> {
  await run(formData, MailingConfirmFormSchema, async ({ mailingId }) =>
    confirmMailing({ actor: await requireOrganizer("admin"), mailingId }) === "sending" ? "confirmed" : "awaiting",
  );
}

/** A second organizer approves a mailing that waits for it. */
export async function approveMailingAction(formData: FormData): Promise<void> {
  await run(formData, MailingActionFormSchema, async ({ mailingId }) => {
    approveMailing({ actor: await requireOrganizer("admin"), mailingId });
    return "approved";
  });
}

export async function pauseMailingAction(formData: FormData): Promise<void> {
  await run(formData, MailingActionFormSchema, async ({ mailingId }) => {
    pauseMailing({ actor: await requireOrganizer("admin"), mailingId });
    return "paused";
  });
}

export async function resumeMailingAction(formData: FormData): Promise<void> {
  await run(formData, MailingActionFormSchema, async ({ mailingId }) => {
    resumeMailing({ actor: await requireOrganizer("admin"), mailingId });
    return "resumed";
  });
}

export async function cancelMailingAction(formData: FormData): Promise<void> {
  await run(formData, MailingActionFormSchema, async ({ mailingId }) => {
    cancelMailing({ actor: await requireOrganizer("admin"), mailingId });
    return "cancelled";
  });
}

/** Owners: require (or not) a second organizer's approval for every mailing. */
export async function setRequireMailingApprovalAction(formData: FormData): Promise<void> {
  await run(formData, MailingApprovalSettingSchema, async ({ required }) => {
    setRequireMailingApproval({ actor: await requireOrganizer("owner"), required: required === "on" });
    return "settingsSaved";
  });
}
