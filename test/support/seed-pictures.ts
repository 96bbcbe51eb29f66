import { env } from 'cloudflare:workers';
import { inject } from 'vitest';
import { fromBase64 } from './picture-bytes.ts';

/** Puts the picture model of the global setup (picture-model.ts) into this file's R2 bucket. */
export async function seedPictureModel(): Promise<void> {
  for (const { key, base64 } of inject('pictureModel').objects) {
    await env.MODELS.put(key, fromBase64(base64));
  }
}
