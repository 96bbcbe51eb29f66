import { env } from 'cloudflare:workers';
import { inject } from 'vitest';

/** Puts the demo models of the global setup into this test file's simulated R2 bucket. */
export async function seedDemoModels(): Promise<void> {
  for (const { key, base64 } of inject('demoModels').objects) {
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    await env.MODELS.put(key, bytes);
  }
}
