/* Runs Material's content script where Material placed it inline (see material-inline.js). */
__md_content();
