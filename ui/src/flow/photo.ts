// Photo capture: the device camera when there is one, a file picker always.

import { t } from "../i18n";
import { h } from "./dom";

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
const MAX_WIDTH = 480;
/** Width over height of the badge templates' photo box (22 × 27.5 mm, 24 × 30 mm). */
export const PHOTO_ASPECT = 4 / 5;

/** Check a chosen file and read it as a data URL, or say what is wrong with it. */
export function readPhotoFile(file: File): Promise<string> {
  if (file.type !== "image/jpeg" && file.type !== "image/png") {
    return Promise.reject(new Error(t("flow.photo.not_picture")));
  }
  if (file.size > MAX_PHOTO_BYTES) {
    return Promise.reject(new Error(t("flow.photo.too_large", { mb: MAX_PHOTO_BYTES / (1024 * 1024) })));
  }
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(new Error(t("flow.photo.unreadable")));
    r.readAsDataURL(file);
  });
}

/** A live camera preview with a shutter; resolves nothing until the visitor takes a picture. */
export class Camera {
  private stream: MediaStream | null = null;
  readonly video: HTMLVideoElement;

  /** `label` names the preview for screen readers, in the page's language. */
  constructor(label: string) {
    this.video = h("video", { autoplay: true, playsinline: true, muted: true, "aria-label": label });
  }

  async start(): Promise<boolean> {
    if (!navigator.mediaDevices?.getUserMedia) return false;
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false });
      this.video.srcObject = this.stream;
      await this.video.play().catch(() => undefined);
      return true;
    } catch {
      return false;
    }
  }

  /** A JPEG of the current frame, cropped from the middle to the badge's photo box (4:5 on
   * every template, as the preview shows it) and at most 480 pixels wide. */
  capture(): string {
    const v = this.video;
    const [vw, vh] = [v.videoWidth || 640, v.videoHeight || 480];
    const [sw, sh] = vw / vh > PHOTO_ASPECT ? [vh * PHOTO_ASPECT, vh] : [vw, vw / PHOTO_ASPECT];
    const width = Math.round(Math.min(MAX_WIDTH, sw));
    const canvas = h("canvas", { width, height: Math.round(width / PHOTO_ASPECT) });
    canvas.getContext("2d")?.drawImage(v, (vw - sw) / 2, (vh - sh) / 2, sw, sh, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL("image/jpeg", 0.85);
  }

  stop() {
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
  }
}
