/**
 * The page's entry (bundled by cli/local/web-page.ts into main.js): the app on this window,
 * talking to this server's /graphql, showing what the URL says; and "search with your picture"
 * turned off if the served model takes no pictures.
 */
import { createQuery } from './api.ts';
import { startApp } from './app.ts';
import { findPictureControl, offerPictureSearch } from './picture-control.ts';

const query = createQuery(window.fetch.bind(window));
void startApp(window, query).render();
void offerPictureSearch(findPictureControl(document), query);
