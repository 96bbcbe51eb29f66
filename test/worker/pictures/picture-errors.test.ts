import { describe, expect, it } from 'vitest';
import {
  notAPicture,
  pictureTooLarge,
  unsupportedPicture,
} from '../../../worker/pictures/picture-errors.ts';

describe('picture errors', () => {
  it('NOT_A_PICTURE carries the reason', () => {
    const e = notAPicture('its bytes start like no JPEG, PNG or WebP');
    expect(e.code).toBe('NOT_A_PICTURE');
    expect(e.details).toEqual({ reason: 'its bytes start like no JPEG, PNG or WebP' });
    expect(e.message).toContain('its bytes start like no JPEG');
  });

  it('UNSUPPORTED_PICTURE names the format and the formats read', () => {
    const e = unsupportedPicture('gif');
    expect(e.code).toBe('UNSUPPORTED_PICTURE');
    expect(e.details).toEqual({ format: 'gif', formats: ['jpeg', 'png', 'webp'] });
    expect(e.message).toBe('the picture is a GIF; the server reads JPEG, PNG, WEBP');
  });

  it.each([
    ['bytes', 'bytes'],
    ['pixels', 'pixels'],
    ['side', 'pixels on its longer side'],
  ] as const)('PICTURE_TOO_LARGE (%s) says which limit, the most and what came', (limit, unit) => {
    const e = pictureTooLarge(limit, 10, 11);
    expect(e.code).toBe('PICTURE_TOO_LARGE');
    expect(e.details).toEqual({ limit, max: 10, got: 11 });
    expect(e.message).toBe(`the picture has 11 ${unit}; at most 10 are taken`);
  });
});
