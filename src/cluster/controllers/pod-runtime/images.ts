import { createHash } from 'node:crypto';

/**
 * Container images as the node's runtime (containerd) knows them: fully
 * qualified references, digests, sizes, and what pulling costs. Nothing is
 * downloaded: digests and sizes are derived from the reference, so the same
 * image always shows the same ones.
 */

/** Simulated seconds the first pull of an image takes. */
export const firstPullSeconds = 1;
/** Simulated seconds a pull of an image already on the node takes (`imagePullPolicy: Always`). */
export const repeatedPullSeconds = 0.5;

function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `busybox` → `docker.io/library/busybox:latest`, as containerd reports an image reference. */
export function normalizeImage(image: string): string {
  const [name, digest] = image.split('@');
  const firstSlash = name.indexOf('/');
  const first = firstSlash < 0 ? '' : name.slice(0, firstSlash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  let qualified = hasRegistry ? name : firstSlash < 0 ? `docker.io/library/${name}` : `docker.io/${name}`;
  if (digest) return `${qualified}@${digest}`;
  const lastSegment = qualified.slice(qualified.lastIndexOf('/') + 1);
  if (!lastSegment.includes(':')) qualified += ':latest';
  return qualified;
}

/** The repository of a normalized reference: no tag, no digest. */
function repositoryOf(normalized: string): string {
  const [name] = normalized.split('@');
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  return colon < 0 ? name : name.slice(0, colon);
}

/** The `imageID` a container status reports: `repository@sha256:…`. */
export function imageIdOf(image: string): string {
  const normalized = normalizeImage(image);
  const digest = normalized.split('@')[1];
  return `${repositoryOf(normalized)}@${digest ?? `sha256:${digestOf(normalized)}`}`;
}

/** A plausible compressed size in bytes, the same for the same image. */
export function imageSizeOf(image: string): number {
  return 2_000_000 + (parseInt(digestOf(normalizeImage(image)).slice(0, 8), 16) % 60_000_000);
}

/** Which images the node holds: pulled once, they stay. */
export class ImageStore {
  private readonly present = new Set<string>();

  has(image: string): boolean {
    return this.present.has(normalizeImage(image));
  }

  add(image: string): void {
    this.present.add(normalizeImage(image));
  }

  /**
   * How long starting a container with this image pulls, in simulated
   * seconds; 0 means no pull. `Never` counts the image as present: images
   * for it are loaded onto nodes by hand (`kind load`), which is assumed done.
   */
  pullSeconds(image: string, policy: string | undefined): number {
    if (policy === 'Never') return 0;
    if (policy === 'Always') return this.has(image) ? repeatedPullSeconds : firstPullSeconds;
    return this.has(image) ? 0 : firstPullSeconds;
  }
}
