import { TextField } from "@/components/ui/TextField";
import { REASON_MIN_LENGTH, REASON_MAX_LENGTH } from "@/lib/schemas/moderation";

/** The reason an organizer gives for invalidating signatures, bounded in the browser as the schema bounds it. */
export function ReasonField({ id, label }: { id: string; label: string }) {
  return <TextField id={id} label={label} name="reason" type="text" required minLength={REASON_MIN_LENGTH} maxLength={REASON_MAX_LENGTH} />;
}
