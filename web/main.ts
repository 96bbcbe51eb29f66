/**
 * The page's entry (bundled by cli/local/web-page.ts into main.js): the app on this window,
 * talking to this server's /graphql, showing what the URL says.
 */
import { createQuery } from './api.ts';
import { startApp } from './app.ts';

void startApp(window, createQuery(window.fetch.bind(window))).render();
