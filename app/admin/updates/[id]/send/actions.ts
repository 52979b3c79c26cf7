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
import type { Capability } from "@/server/auth/permissions";
import type { Organizer } from "@/server/auth/require-organizer";
import { setRequireMailingApproval } from "@/server/mailings/mailing-approval";
import { approveMailing, cancelMailing, confirmMailing, pauseMailing, resumeMailing } from "@/server/mailings/mailing-lifecycle";
import { prepareMailing } from "@/server/mailings/prepare-mailing";
import { sendTestMailing } from "@/server/mailings/send-test-mailing";
import { runAdminAction } from "../../../admin-action";

const FIELDS = ["updateId", "mailingId", "locale", "confirm", "required"] as const;

/**
 * Every form of the mailing page: parse, check the organizer's capability
 * (the domain checks again), do one thing, and come back to the page with
 * what happened (`done=…`) or why not (`error=…`), through the one admin
 * action helper (decision 0023).
 */
async function run<T extends { updateId: number }>(
  formData: FormData,
  schema: { safeParse(input: unknown): { success: true; data: T } | { success: false } },
  capability: Capability,
  work: (actor: Organizer, input: T) => string,
): Promise<never> {
  const parsed = schema.safeParse(formFields(formData, FIELDS));
  const updateId = Number(formData.get("updateId"));
  const page = Number.isSafeInteger(updateId) && updateId > 0 ? `/admin/updates/${updateId}/send` : "/admin";
  if (!parsed.success) {
    redirect(`${page}?error=${formData.get("confirm") === null && formData.has("mailingId") ? "confirmRequired" : "invalid"}`);
  }
  return runAdminAction({ capability, page, work: (actor) => work(actor, parsed.data), done: (outcome) => outcome });
}

/** Sends the update's email in one language to the organizer's own address. */
export async function sendTestMailingAction(formData: FormData): Promise<void> {
  await run(formData, MailingTestFormSchema, "sendMailings", (actor, { updateId, locale }) => {
    sendTestMailing({ actor, updateId, locale });
    return "test";
  });
}

/** Fixes the recipients (the exact number is shown for the confirm step); sends nothing. */
export async function prepareMailingAction(formData: FormData): Promise<void> {
  await run(formData, MailingUpdateFormSchema, "sendMailings", (actor, { updateId }) => {
    prepareMailing({ actor, updateId });
    return "prepared";
  });
}

/** The confirm step: sends, or waits for a second organizer when owners require one. */
export async function confirmMailingAction(formData: FormData): Promise<void> {
  await run(formData, MailingConfirmFormSchema, "sendMailings", (actor, { mailingId }) =>
    confirmMailing({ actor, mailingId }) === "sending" ? "confirmed" : "awaiting",
  );
}

/** A second organizer approves a mailing that waits for it. */
export async function approveMailingAction(formData: FormData): Promise<void> {
  await run(formData, MailingActionFormSchema, "approveMailings", (actor, { mailingId }) => {
    approveMailing({ actor, mailingId });
    return "approved";
  });
}

export async function pauseMailingAction(formData: FormData): Promise<void> {
  await run(formData, MailingActionFormSchema, "sendMailings", (actor, { mailingId }) => {
    pauseMailing({ actor, mailingId });
    return "paused";
  });
}

export async function resumeMailingAction(formData: FormData): Promise<void> {
  await run(formData, MailingActionFormSchema, "sendMailings", (actor, { mailingId }) => {
    resumeMailing({ actor, mailingId });
    return "resumed";
  });
}

export async function cancelMailingAction(formData: FormData): Promise<void> {
  await run(formData, MailingActionFormSchema, "sendMailings", (actor, { mailingId }) => {
    cancelMailing({ actor, mailingId });
    return "cancelled";
  });
}

/** Owners: require (or not) a second organizer's approval for every mailing. */
export async function setRequireMailingApprovalAction(formData: FormData): Promise<void> {
  await run(formData, MailingApprovalSettingSchema, "manageSettings", (actor, { required }) => {
    setRequireMailingApproval({ actor, required: required === "on" });
    return "settingsSaved";
  });
}
