import { describe, expect, it } from 'vitest';
import { extractFiles, multipartBody } from '../../web/multipart.ts';

const picture = new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], 'dog.jpg', {
  type: 'image/jpeg',
});

/** The parts of a body as the server reads them: a real multipart/form-data round trip. */
async function partsOf(body: FormData): Promise<{ raw: string; parsed: FormData }> {
  const sent = new Response(body);
  const type = sent.headers.get('content-type') ?? '';
  expect(type).toMatch(/^multipart\/form-data; boundary=/);
  const bytes = new Uint8Array(await sent.arrayBuffer());
  const parsed = await new Response(bytes, { headers: { 'content-type': type } }).formData();
  const raw = new TextDecoder('latin1').decode(bytes);
  return { raw, parsed };
}

describe('files in GraphQL variables', () => {
  it('finds a file, puts null in its place and names its path', () => {
    const { clean, files } = extractFiles({ picture, captions: 5, split: null });
    expect(clean).toEqual({ picture: null, captions: 5, split: null });
    expect(files).toEqual([{ path: 'variables.picture', file: picture }]);
  });

  it('finds files in nested objects and lists, and leaves variables without any as they are', () => {
    const other = new Blob(['x']);
    const { clean, files } = extractFiles({ image: { picture }, list: [1, other] });
    expect(clean).toEqual({ image: { picture: null }, list: [1, null] });
    expect(files.map((f) => f.path)).toEqual(['variables.image.picture', 'variables.list.1']);
    const plain = { text: 'dogs', first: 24 };
    expect(extractFiles(plain)).toEqual({ clean: plain, files: [] });
    expect(extractFiles(undefined)).toEqual({ clean: undefined, files: [] });
  });

  it('does not follow variables deeper than a query would nest them', () => {
    let deep: Record<string, unknown> = { picture };
    for (let i = 0; i < 10; i++) deep = { deeper: deep };
    expect(extractFiles(deep).files).toEqual([]);
  });
});

describe('the multipart request body', () => {
  it('is operations, then map, then the file, as the multipart request spec orders them', async () => {
    const query = 'query PictureSearch($picture: File!) { annotate(image: {picture: $picture}) }';
    const { clean, files } = extractFiles({ picture, captions: 5 });
    const { raw, parsed } = await partsOf(multipartBody(query, clean, files));
    expect([...parsed.keys()]).toEqual(['operations', 'map', '0']);
    expect(JSON.parse(String(parsed.get('operations')))).toEqual({
      query,
      variables: { picture: null, captions: 5 },
    });
    expect(JSON.parse(String(parsed.get('map')))).toEqual({ '0': ['variables.picture'] });
    const part = parsed.get('0');
    expect(part).toBeInstanceOf(File);
    expect((part as File).name).toBe('dog.jpg');
    expect((part as File).type).toBe('image/jpeg');
    expect(new Uint8Array(await (part as File).arrayBuffer())).toEqual(
      new Uint8Array([0xff, 0xd8, 0xff, 0xe0]),
    );
    expect(raw.indexOf('name="operations"')).toBeLessThan(raw.indexOf('name="map"'));
    expect(raw.indexOf('name="map"')).toBeLessThan(raw.indexOf('name="0"'));
  });

  it('sends a file used twice once, mapped to both places', async () => {
    const { parsed } = await partsOf(
      multipartBody('query', { a: null, b: null }, [
        { path: 'variables.a', file: picture },
        { path: 'variables.b', file: picture },
      ]),
    );
    expect(JSON.parse(String(parsed.get('map')))).toEqual({ '0': ['variables.a', 'variables.b'] });
    expect([...parsed.keys()]).toEqual(['operations', 'map', '0']);
  });
});
