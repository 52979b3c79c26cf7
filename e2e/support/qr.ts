import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import jsQR from "jsqr";
import sharp from "sharp";

/** What a phone's camera would read from an image (PNG, SVG, anything sharp reads): the QR code's text, decoded with jsQR. */
export async function scanQr(image: Buffer): Promise<string | undefined> {
  const { data, info } = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height)?.data;
}

/**
 * The QR code's text as a second, independent reader sees it: ZBar's
 * `zbarimg` (Debian's zbar-tools; `.ci/run` installs it). Undefined when it
 * finds no code.
 */
export async function scanQrWithZbar(png: Buffer): Promise<string | undefined> {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), "qr-"));
  const file = path.join(folder, "code.png");
  try {
    await fs.writeFile(file, png);
    const { stdout } = await promisify(execFile)("zbarimg", ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", file]);
    return stdout.trim() || undefined;
  } catch (error) {
    // zbarimg exits with 4 when the image holds no code.
    if ((error as { code?: number }).code === 4) return undefined;
    throw error;
  } finally {
    await fs.rm(folder, { recursive: true, force: true });
  }
}
