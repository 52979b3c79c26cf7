import { describe, expect, it } from "vitest";
import { classifySendFailure, describeSendError, failedBeforeTheMessage, undeliverableReason } from "./smtp-failure";

const smtpError = (responseCode: number, code: string, response: string) => Object.assign(new Error("refused"), { responseCode, code, response });

describe("what a failed send means", () => {
  it.each([
    [smtpError(550, "EENVELOPE", "550 5.1.1 User unknown"), "undeliverable"],
    [smtpError(550, "EENVELOPE", "550 No such user here"), "undeliverable"],
    [smtpError(552, "EMESSAGE", "552 5.2.2 Mailbox full"), "undeliverable"],
    [smtpError(554, "EMESSAGE", "554 5.1.1 Recipient address rejected"), "undeliverable"],
    [smtpError(550, "EENVELOPE", "550 5.7.1 Relaying denied"), "permanent"],
    [smtpError(554, "EMESSAGE", "554 Message rejected as spam"), "permanent"],
    [smtpError(535, "EAUTH", "535 5.7.8 Authentication failed"), "temporary"],
    [smtpError(451, "EENVELOPE", "451 4.7.1 Greylisted"), "temporary"],
    [smtpError(421, "ECONNECTION", "421 Too many connections"), "temporary"],
    [Object.assign(new Error("socket"), { code: "ECONNECTION" }), "temporary"],
    ["not an error", "temporary"],
  ])("%o is %s", (error, expected) => {
    expect(classifySendFailure(error)).toBe(expected);
  });

  it.each([
    [{ code: "ECONNECTION", command: "CONN" }, true],
    [{ code: "EAUTH", command: "AUTH PLAIN" }, true],
    [{ code: "EENVELOPE", responseCode: 550, command: "RCPT TO" }, true],
    [{ code: "EENVELOPE", responseCode: 451, command: "MAIL FROM" }, true],
    [{ code: "EMESSAGE", responseCode: 554, command: "DATA" }, false],
    [{ code: "ESTREAM", command: "API" }, false],
    [{ code: "ETIMEDOUT" }, false],
    [new Error("anything"), false],
  ])("says whether the message certainly never reached the server: %j → %s", (error, before) => {
    expect(failedBeforeTheMessage(error)).toBe(before);
  });

  it("keeps codes, never the server's text (which may quote the address)", () => {
    const error = smtpError(550, "EENVELOPE", "550 5.1.1 <ivan@example.org>: Recipient address rejected");
    expect(describeSendError(error)).toBe("550 5.1.1 EENVELOPE Error");
    expect(undeliverableReason(error)).toBe("550 5.1.1");
  });
});
