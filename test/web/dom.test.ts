import { describe, expect, it } from 'vitest';
import { byId, h } from '../../web/dom.ts';

describe('h', () => {
  it('makes an element with attributes and children', () => {
    const link = h(
      'a',
      { href: '/?q=cat', class: 'tile', 'data-nav': true },
      'a ',
      h('b', {}, 'cat'),
    );
    expect(link.tagName).toBe('A');
    expect(link.getAttribute('href')).toBe('/?q=cat');
    expect(link.getAttribute('data-nav')).toBe('');
    expect(link.textContent).toBe('a cat');
    expect(link.querySelector('b')?.textContent).toBe('cat');
  });

  it('leaves out false, null and undefined attributes and children', () => {
    const p = h('p', { hidden: false, title: null, lang: undefined }, null, undefined, false, 'x');
    expect(p.attributes.length).toBe(0);
    expect(p.childNodes.length).toBe(1);
  });

  it('puts text in as text, never as markup', () => {
    const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
    const p = h('p', { title: hostile }, hostile);
    expect(p.children.length).toBe(0);
    expect(p.textContent).toBe(hostile);
    expect(p.getAttribute('title')).toBe(hostile);
  });
});

describe('byId', () => {
  it('finds an element of the expected kind, and names what is missing or wrong', () => {
    document.body.replaceChildren(h('input', { id: 'box' }), h('div', { id: 'not-a-form' }));
    expect(byId(document, 'box', HTMLInputElement, 'input').id).toBe('box');
    expect(() => byId(document, 'gone', HTMLInputElement, 'input')).toThrow(
      'index.html has no <input id="gone">',
    );
    expect(() => byId(document, 'not-a-form', HTMLFormElement, 'form')).toThrow(
      'index.html has no <form id="not-a-form">',
    );
  });
});
